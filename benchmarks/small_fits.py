"""Where a training too small to repay tracing its step into a graph ends: the whole ``fit`` of a fresh model,
graph against eager, by the number of training steps, for a dense and a conv model on each engine.

Keras traces the training step once per model (a fit of 4 steps: 0.7 to 4.0 s traced, 0.4 to 1.6 s eager, here);
each step after that is cheaper than an eager one. ``aekit.training.fit.EAGER_MAX_STEPS`` is where the default
switches: the largest power of two at which eager still wins for both models on that engine. Each (engine, model,
steps, mode) is the median of ``--runs`` fits after one warm-up fit (the engine's one-time start-up is not a model's
cost), on the bundled 8x8 digits (dense: 64 values; conv: the digits at 16x16), batch 32, no validation, no early
stopping. After an eager training aekit traces inference again; the ``inference`` part says why (encoding and
reconstructing 100,000 samples with a model trained eagerly, left eager, then traced). Run it alone on the machine.

    python -m benchmarks.small_fits [--runs 3]   # writes results/small_fits.json
"""

from __future__ import annotations

import argparse
import json
import os
import time

from ._common import median, run_worker, write_result

STEPS = (4, 8, 16, 32, 64, 128)
MODELS = {"dense": {"hidden": [64], "latent_dim": 8}, "conv": {"model": "conv", "filters": [8, 16], "latent_dim": 8}}
BATCH = 32
STEPS_PER_EPOCH = 8
INFERENCE_SAMPLES = 100_000


def worker(model: str, runs: int) -> dict:
    """Median seconds of a whole fit per (steps, mode), in this process's engine, and of inference after it."""
    import numpy as np

    from aekit.data import load
    from aekit.training import fit as training

    digits = load("digits", split="train").X
    data = digits if model == "dense" else np.kron(digits.reshape(-1, 8, 8, 1) / 16.0, np.ones((1, 2, 2, 1)))
    data = data.astype(np.float32)
    default_rule, rows = training.runs_eagerly, []
    for eager in (False, True):
        training.runs_eagerly = lambda _steps, eager=eager: eager
        one_fit(model, data, 4, seed=100)
        for steps in STEPS:
            times = [one_fit(model, data, steps, seed)[0] for seed in range(runs)]
            rows.append({"steps": steps, "eager": eager, "median_seconds": round(median(times), 3),
                         "runs_seconds": [round(t, 3) for t in times]})
    training.runs_eagerly = default_rule
    return {"rows": rows, "inference": inference(model, data), "default_eager_up_to": training.EAGER_MAX_STEPS}


def one_fit(model: str, data, steps: int, seed: int):
    """``(seconds, estimator)`` of a fresh model trained for ``steps`` steps (8 per epoch where there are 8)."""
    import aekit

    epochs = max(1, steps // STEPS_PER_EPOCH)
    started = time.perf_counter()
    estimator = aekit.Autoencoder(**MODELS[model], epochs=epochs, batch_size=BATCH, validation_split=0.0,
                                  early_stopping=False, seed=seed).fit(data[:BATCH * (steps // epochs)])
    return time.perf_counter() - started, estimator


def inference(model: str, data) -> dict:
    """Seconds to encode and reconstruct 100,000 samples with a model trained eagerly, left eager and then traced
    again (median of 3, after one call that pays the tracing)."""
    import numpy as np

    from aekit.training import fit as training

    samples = np.resize(data, (INFERENCE_SAMPLES, *data.shape[1:]))
    trace_again = training.infer_in_graphs
    training.runs_eagerly, training.infer_in_graphs = (lambda _steps: True), (lambda _model: None)
    estimator = one_fit(model, data, 4, seed=0)[1]
    training.infer_in_graphs = trace_again
    seconds = {}
    for mode in ("eager", "traced"):
        if mode == "traced":
            trace_again(estimator.model_)
        times = []
        for _ in range(4):
            started = time.perf_counter()
            estimator.transform(samples)
            estimator.reconstruct(samples)
            times.append(time.perf_counter() - started)
        seconds[f"{mode}_seconds"] = round(median(times[1:]), 3)
    return {"samples": INFERENCE_SAMPLES, **seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", nargs=2, metavar=("BACKEND", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[1], args.runs)))
        return
    started = time.time()
    cases = []
    for backend in ("tensorflow", "jax"):
        for model in MODELS:
            env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
            measured = run_worker("small_fits", ["--runs", str(args.runs), "--worker", backend, model], env,
                                  f"{backend}/{model}")
            graph = {r["steps"]: r["median_seconds"] for r in measured["rows"] if not r["eager"]}
            eager = {r["steps"]: r["median_seconds"] for r in measured["rows"] if r["eager"]}
            cases.append({"backend": backend, "model": model,
                          "default_eager_up_to": measured["default_eager_up_to"][backend],
                          "inference": measured["inference"],
                          "rows": [{"steps": s, "graph_seconds": graph[s], "eager_seconds": eager[s],
                                    "eager_over_graph": round(eager[s] / graph[s], 2)} for s in STEPS]})
            print(json.dumps(cases[-1]), flush=True)
    payload = {"runs": args.runs, "batch_size": BATCH, "steps": list(STEPS), "cases": cases,
               "eager_wins_up_to_the_default_everywhere": all(
                   r["eager_over_graph"] < 1 for c in cases for r in c["rows"]
                   if r["steps"] <= c["default_eager_up_to"]),
               "graph_wins_from_64_everywhere": all(
                   r["eager_over_graph"] > 1 for c in cases for r in c["rows"] if r["steps"] >= 64)}
    print("wrote", write_result("small_fits", payload, started))


def render(result: dict) -> str:
    from .stamps import machine_line

    steps = result["steps"]
    lines = ["| engine | model | " + " | ".join(f"{s} steps" for s in steps) + " | eagerly up to |",
             "|---|---|" + "---:|" * (len(steps) + 1)]
    for case in result["cases"]:
        cells = [f"{r['graph_seconds']:.1f} / {r['eager_seconds']:.1f}" for r in case["rows"]]
        lines.append(f"| {case['backend']} | {case['model']} | " + " | ".join(cells) +
                     f" | {case['default_eager_up_to']} steps |")
    lines += ["", f"Each cell: seconds for a whole fit of a fresh model, traced / eager, median of {result['runs']} "
              f"(batch {result['batch_size']}). After an eager training, encoding and reconstructing "
              f"{result['cases'][0]['inference']['samples']:,} samples take:", "",
              "| engine | model | left eager | traced again (aekit) |", "|---|---|---:|---:|"]
    lines += [f"| {c['backend']} | {c['model']} | {c['inference']['eager_seconds']:.2f} s | "
              f"{c['inference']['traced_seconds']:.2f} s |" for c in result["cases"]]
    return "\n".join(lines) + "\n\n" + machine_line(result)


if __name__ == "__main__":
    main()
