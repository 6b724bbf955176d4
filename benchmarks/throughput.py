"""Training throughput: aekit vs PyTorch (eager and compiled) vs plain Keras (both backends) vs the machine's peak.

Models (benchmarks/throughput_models.py): the hinton2006 dense stack on MNIST (batch 256), a small conv autoencoder
on MNIST (28x28, batch 128) and the same on 64x64 Fashion-MNIST images (batch 128), plus aekit's default ``conv``
model on each image size. Every configuration runs in its own process, in ``--rounds`` interleaved rounds (the
machine is shared and noisy); each process's first epoch (compilation) is dropped and the median of the remaining
epoch times is reported, as samples/s and achieved GFLOP/s (FLOPs counted exactly, see throughput_models). The peak
is the best 4096x4096 fp32 matrix product of NumPy, JAX, TensorFlow and PyTorch on all cores, measured in every
round, with the instruction set's theoretical peak beside it; for the dense model, also the bound its own matrix
shapes allow (each product of a training step at the best speed any engine reaches on that shape;
benchmarks/peak.py). PyTorch gets every core (``torch.set_num_threads``; one thread too, for the dense model) and,
for convolutions, the faster of the default and channels-last layouts. On the dense model, ablations show what each
part of aekit's path buys: without XLA/jit, one step per call into the compiled program, and bf16 mixed precision
(reported apart: never against the fp32 peak), and tf.data instead of the NumPy batches (the input pipeline that
training without TensorFlow uses). ``--only`` keeps the other models' rows from the last result, stamped with when
they were measured.

    python -m benchmarks.throughput [--rounds 2] [--only dense,conv64]   # -> benchmarks/results/throughput.json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from . import peak as machine_peak
from ._common import load_mnist, median, write_result
from ._common import run_worker as run_json_worker
from .throughput_models import SPECS, keras_model, keras_parts, torch_model, training_flops_per_sample

SEED = 0
# Samples per measured epoch: MNIST's 60,000 for the dense model; fewer for the conv ones, whose JAX rows
# take seconds per step.
EPOCH_SAMPLES = {"dense": 60_000, "conv28": 12_800, "conv64": 2_560}
TRAINERS = {  # name -> (backends, which models)
    "aekit": (("tensorflow", "jax"), ("dense", "conv28", "conv64")),
    "keras": (("tensorflow", "jax"), ("dense", "conv28", "conv64")),
    "aekit-default-conv": (("tensorflow",), ("conv28", "conv64")),
    "torch": (("-",), ("dense", "conv28", "conv64")),
    "torch-1-thread": (("-",), ("dense",)),
    "torch-channels-last": (("-",), ("conv28", "conv64")),
    "torch-compile": (("-",), ("dense", "conv28", "conv64")),
    # What each part of aekit's path buys on the dense model (the default backend for it, JAX): without XLA/jit,
    # with one step per call into the compiled program, and in bf16 mixed precision (reported apart from fp32).
    "aekit-no-jit": (("jax",), ("dense",)),
    "aekit-one-step-per-call": (("jax",), ("dense",)),
    "aekit-bf16": (("jax", "tensorflow"), ("dense",)),
    # The input pipeline: on JAX, aekit feeds NumPy batches (keras.utils.PyDataset); this row feeds the same
    # batches through tf.data, as before TensorFlow became optional.
    "aekit-tf-data": (("jax",), ("dense",)),
}
BF16_TRAINERS = ("aekit-bf16",)


def data(model: str):
    import numpy as np

    count = EPOCH_SAMPLES[model]
    if model == "conv64":
        os.environ.setdefault("AEKIT_DATA_DIR", str(Path(__file__).resolve().parents[2] / "shared" / "data"))
        from aekit.data import load

        images = load("fashion_mnist", split="train", max_samples=count, image_size=(64, 64)).X
        return images.astype(np.float32) / 255.0
    x, _ = load_mnist("train")
    x = x[:count]
    return x if model == "dense" else x.reshape(-1, 28, 28, 1)


def worker(trainer: str, model: str, epochs: int) -> dict:
    """Train ``epochs`` epochs; return each epoch's wall time and the model's FLOPs per training sample."""
    x = data(model)
    if trainer.startswith("torch"):
        return _torch_epochs(trainer, model, x, epochs)
    import keras

    times, mark = [], [time.perf_counter()]

    def tick(*_args, **_kwargs):
        now = time.perf_counter()
        times.append(now - mark[0])
        mark[0] = now

    batch = SPECS[model]["batch"]
    if trainer == "keras":
        keras.utils.set_random_seed(SEED)
        net = keras_model(model)
        net.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
        flops = training_flops_per_sample(net)
        mark[0] = time.perf_counter()
        net.fit(x, x, batch_size=batch, epochs=epochs, shuffle=True, verbose=0,
                callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=tick)])
        return {"epoch_seconds": times, "flops_per_sample": flops}
    from aekit.core.config import Config
    from aekit.models import AutoencoderModel, build_model
    from aekit.training import fit as training

    _apply_variant(trainer, training)

    config = Config(model="conv", epochs=epochs, batch_size=batch, seed=SEED, validation_split=0,
                    early_stopping=False, schedule="constant")
    if trainer == "aekit-default-conv":
        net = build_model(config, x.shape[1:], "unit")
    else:
        keras.utils.set_random_seed(SEED)
        encoder, decoder = keras_parts(model)
        net = AutoencoderModel(encoder, decoder, build_spec={"config": config.to_dict(),
                                                             "input_shape": list(x.shape[1:]), "data_range": "unit"})
    flops = training_flops_per_sample(net)
    mark[0] = time.perf_counter()
    training.fit(net, x, None, config, verbose=0, on_epoch=tick)
    return {"epoch_seconds": times, "flops_per_sample": flops}


def _apply_variant(trainer: str, training) -> None:
    """The ablations: aekit's training path with one of its choices undone (or bf16 mixed precision)."""
    import keras

    if trainer == "aekit-bf16":
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    if trainer == "aekit-tf-data":
        from aekit.data import pipeline

        pipeline._backend = lambda: "tensorflow"
    if trainer in ("aekit-no-jit", "aekit-one-step-per-call"):
        def compile_model(model, config, steps_per_epoch):
            model.compile(optimizer=training.make_optimizer(config, steps_per_epoch),
                          jit_compile=trainer != "aekit-no-jit",
                          steps_per_execution=1 if trainer == "aekit-one-step-per-call"
                          else training.steps_per_execution(steps_per_epoch))
        training.compile_model = compile_model


def _torch_epochs(trainer: str, model: str, x, epochs: int) -> dict:
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(1 if trainer == "torch-1-thread" else os.cpu_count() or 1)
    channels_last = trainer == "torch-channels-last"
    net = torch_model(model, channels_last)
    step_model = torch.compile(net) if trainer == "torch-compile" else net
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCELoss()
    data_tensor = torch.from_numpy(x if x.ndim == 2 else x.transpose(0, 3, 1, 2).copy())
    if channels_last:
        data_tensor = data_tensor.contiguous(memory_format=torch.channels_last)
    batch = SPECS[model]["batch"]
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        for index in torch.randperm(len(data_tensor)).split(batch):
            if len(index) < batch:
                continue  # equal batches, as aekit trains (and no recompiling for a short last batch)
            samples = data_tensor[index]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(step_model(samples), samples)
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    return {"epoch_seconds": times, "flops_per_sample": None}


def run_worker(trainer: str, backend: str, model: str, epochs: int) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    if backend != "-":
        env["KERAS_BACKEND"] = backend
    return run_json_worker("throughput", ["--worker", trainer, "--model", model, "--epochs", str(epochs)], env,
                           f"{trainer}/{backend}/{model}")


def summarise(trainer: str, backend: str, model: str, runs: list[dict], flops_reference: int) -> dict:
    times = [t for run in runs for t in run["epoch_seconds"][1:]]
    flops = runs[0]["flops_per_sample"] or flops_reference
    steady = median(times)
    samples = EPOCH_SAMPLES[model] // SPECS[model]["batch"] * SPECS[model]["batch"]
    return {"model": model, "trainer": trainer, "backend": backend,
            "epoch_seconds": [round(t, 3) for t in times], "median_epoch_seconds": round(steady, 3),
            "samples_per_second": round(samples / steady), "flops_per_sample": flops,
            "gflops_per_second": round(flops * samples / steady / 1e9, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3, help="epochs per process (the first one is dropped)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds over all configurations")
    parser.add_argument("--only", default="dense,conv28,conv64", help="comma-separated models to measure")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch rows")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.model, args.epochs)))
        return
    # The workers train through these modules; importing them here records that code with the result.
    import aekit.models  # noqa: F401
    import aekit.training.fit  # noqa: F401

    started = time.time()
    models = args.only.split(",")
    configs = [(trainer, backend, model) for model in models for trainer, (backends, wanted) in TRAINERS.items()
               for backend in backends if model in wanted and not (args.no_torch and trainer.startswith("torch"))]
    runs: dict = {config: [] for config in configs}
    failed: dict = {}
    peaks = []
    dense = SPECS["dense"]
    dense_shapes = machine_peak.step_shapes(dense["layers"], dense["batch"])
    for round_number in range(args.rounds):
        peaks.append(machine_peak.measured(dense_shapes))
        print(round_number, "peak", peaks[-1]["peak_gflops"], "GFLOP/s by", peaks[-1]["peak_engine"], flush=True)
        for config in configs:
            if config in failed:
                continue
            try:
                runs[config].append(run_worker(*config, args.epochs))
            except RuntimeError as error:  # one configuration failing must not lose the others' hour of runs
                failed[config] = str(error).splitlines()[-1][:300]
                print(round_number, *config, "FAILED:", failed[config], flush=True)
                continue
            print(round_number, *config, [round(t, 2) for t in runs[config][-1]["epoch_seconds"]], flush=True)
    configs = [c for c in configs if c not in failed]
    reference = {model: next(r for c, rs in runs.items() if c[2] == model for r in rs if r["flops_per_sample"])
                 ["flops_per_sample"] for model in models}
    rows = [summarise(*config, runs[config], reference[config[2]]) for config in configs]
    peak = median([p["peak_gflops"] for p in peaks])
    best_by_shape = {shape: median([p["best_by_shape"][shape] for p in peaks]) for shape in peaks[0]["best_by_shape"]}
    dense_bound = dense["batch"] / machine_peak.bound_seconds(dense_shapes, best_by_shape)
    for row in rows:  # bf16 runs on other units at another peak: never compared with the fp32 one
        fp32 = row["trainer"] not in BF16_TRAINERS
        row["share_of_fp32_peak"] = round(row["gflops_per_second"] / peak, 3) if fp32 else None
        if row["model"] == "dense" and fp32:
            row["share_of_shape_bound"] = round(row["samples_per_second"] / dense_bound, 3)
    kept = _rows_kept(models)
    payload = {"models": {m: {**SPECS[m], "epoch_samples": EPOCH_SAMPLES[m]} for m in models}, "seed": SEED,
               "epochs_per_process": args.epochs, "rounds": args.rounds, "fp32_peak_gflops": round(peak, 1),
               "peak": {"engine": [p["peak_engine"] for p in peaks], "by_engine_4096": [
                   {e: v["4096x4096x4096"] for e, v in p["by_engine"].items()} for p in peaks],
                   "failed_engines": peaks[0]["failed"], "theoretical": machine_peak.theoretical(),
                   "dense_best_by_shape": best_by_shape, "dense_shape_bound_samples_per_second": round(dense_bound)},
               "fp32_peak_runs": [round(p["peak_gflops"], 1) for p in peaks], "rows": rows + kept["rows"],
               "summary": {**_summary(rows, models), **kept["summary"]}, "kept_from": kept["measured"],
               "failed": [{"trainer": t, "backend": b, "model": m, "error": e} for (t, b, m), e in failed.items()]}
    path = write_result("throughput", payload, started)
    print(json.dumps(payload["summary"], indent=2), "->", path)


def _rows_kept(models: list[str]) -> dict:
    """The rows and summaries of models this run did not measure (``--only``), from the last result, with when
    and at which commit (and against which peak) they were measured."""
    from ._common import RESULTS

    path = RESULTS / "throughput.json"
    previous = json.loads(path.read_text()) if path.is_file() else {}
    rows = [r for r in previous.get("rows", []) if r["model"] not in models]
    summary = {m: v for m, v in previous.get("summary", {}).items() if m not in models}
    measured = previous.get("kept_from") or ({"date": previous["date"], "commit": previous["code"].get("commit"),
                                              "fp32_peak_gflops": previous.get("fp32_peak_gflops"),
                                              "machine": previous["machine"]["cpu"],
                                              "models": sorted(summary)} if rows else None)
    return {"rows": rows, "summary": summary, "measured": measured}


def _summary(rows: list[dict], models: list[str]) -> dict:
    """Per model: aekit's default path (the backend the CLI picks) against the fastest PyTorch variant."""
    from aekit.core.backend import DEFAULT_BACKEND, DENSE_BACKEND

    summary = {}
    for model in models:
        backend = DENSE_BACKEND if model == "dense" else DEFAULT_BACKEND
        ours = next(r for r in rows if r["model"] == model and r["trainer"] == "aekit" and r["backend"] == backend)
        torch_rows = [r for r in rows if r["model"] == model and r["trainer"].startswith("torch")]
        best_torch = max(torch_rows, key=lambda r: r["samples_per_second"]) if torch_rows else None
        summary[model] = {"aekit_default_backend": backend, "aekit_samples_per_second": ours["samples_per_second"],
                          "aekit_share_of_peak": ours["share_of_fp32_peak"]}
        if best_torch:
            summary[model].update(fastest_torch=best_torch["trainer"],
                                  vs_fastest_torch=round(ours["samples_per_second"]
                                                         / best_torch["samples_per_second"], 3))
    return summary


if __name__ == "__main__":
    main()
