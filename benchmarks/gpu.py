"""Epoch times on a GPU, through aekit's real training path, against the matching PyTorch loop on the same GPU.

Rows (each in its own process: JAX and PyTorch each take the GPU's memory for themselves):

- ``hinton2006``: aekit's preset (784-1000-500-250-30 and back, its own layers and training recipe: Adam,
  cosine schedule, fixed-shape batches of 256), trained by ``aekit.training.fit`` on MNIST;
- ``conv-vector`` and ``conv-spatial``: aekit's ``conv`` family, 28x28 MNIST, batch 128, each code kind;
- ``torch-eager`` and ``torch-compile``: the hinton2006 stack in PyTorch (the same layers, ELU, sigmoid output,
  Adam, batch 256, equal batches), with the data on the GPU.

The first epoch of each process (compilation) is dropped; the median of the others is reported. Goals on a GPU:
aekit's hinton2006 epoch within 1.2 times 0.21 s (measured on an H200 with aekit's model code and plain
``keras.Model.fit``), and no slower than the faster PyTorch variant. ``--quality-epochs N`` also trains hinton2006
for N epochs and reports the test squared error per image (30 epochs reached 3.03 on the H200).

A machine with JAX and PyTorch but no TensorFlow is enough (aekit trains on JAX without it). ``--device cpu``
runs the same on the CPU (JAX_PLATFORMS=cpu), to check the script where no GPU is at hand.

    python -m benchmarks.gpu [--device gpu|cpu] [--epochs 4] [--no-torch] [--quality-epochs 30]
    # -> benchmarks/results/gpu.json (gpu_on_cpu.json with --device cpu)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from ._common import median, run_worker, write_result

GOAL_SECONDS = 1.2 * 0.21
ROWS = {"hinton2006": "aekit", "conv-vector": "aekit", "conv-spatial": "aekit", "torch-eager": "torch",
        "torch-compile": "torch"}
SEED = 0


def mnist(samples: int | None, split: str = "train"):
    """MNIST in [0, 1], (n, 784) float32; uniform noise of the same shape where the files are absent (an epoch's
    time does not depend on the pixel values)."""
    import numpy as np

    try:
        from ._common import load_mnist

        x, _ = load_mnist(split)
        source = "MNIST"
    except Exception:  # noqa: BLE001 - no data folder on the GPU machine: timing needs none
        x = np.random.default_rng(SEED).random((60_000 if split == "train" else 10_000, 784), dtype=np.float32)
        source = "uniform noise of MNIST's shape (no MNIST files found)"
    return (x[:samples] if samples else x), source


def aekit_worker(row: str, epochs: int, samples: int | None) -> dict:
    import keras

    from aekit.core.config import Config
    from aekit.models import build_model
    from aekit.training import fit as training

    x, source = mnist(samples)
    common = {"epochs": epochs, "seed": SEED, "validation_split": 0.0, "early_stopping": False}
    if row == "hinton2006":
        values = {"preset": "hinton2006", "batch_size": 256, **common}
    else:
        x = x.reshape(-1, 28, 28, 1)
        values = {"model": "conv", "code": row.split("-")[1], "batch_size": 128, **common}
    config = Config.from_dict(values).resolved()
    keras.utils.set_random_seed(SEED)
    net = build_model(config, x.shape[1:], "unit")
    times, mark = [], [time.perf_counter()]

    def tick(*_args, **_kwargs):
        now = time.perf_counter()
        times.append(now - mark[0])
        mark[0] = now

    mark[0] = time.perf_counter()
    training.fit(net, x, None, config, verbose=0, on_epoch=tick)
    import jax

    return {"epoch_seconds": times, "samples": len(x), "data": source, "backend": keras.backend.backend(),
            "device": str(jax.devices()[0]), "batch": int(config.batch_size)}


def torch_worker(row: str, epochs: int, samples: int | None, device: str) -> dict:
    import torch

    from .throughput_models import torch_model

    torch.manual_seed(SEED)
    target = torch.device("cuda" if device == "gpu" else "cpu")
    x, source = mnist(samples)
    data = torch.from_numpy(x).to(target)
    net = torch_model("dense", channels_last=False).to(target)
    step_model = torch.compile(net) if row == "torch-compile" else net
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCELoss()
    batch, times = 256, []
    for _ in range(epochs):
        start = time.perf_counter()
        for index in torch.randperm(len(data), device=target).split(batch):
            if len(index) < batch:
                continue  # equal batches, as aekit trains
            samples_ = data[index]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(step_model(samples_), samples_).backward()
            optimizer.step()
        if target.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return {"epoch_seconds": times, "samples": len(x), "data": source, "device": str(target), "batch": batch,
            "torch": torch.__version__}


def quality(epochs: int) -> dict:
    """hinton2006 trained for ``epochs`` (aekit's Python API): the test squared error per image."""
    import aekit

    train, source = mnist(None)
    test, _ = mnist(None, "test")
    started = time.perf_counter()
    model = aekit.Autoencoder(preset="hinton2006", epochs=epochs, seed=SEED).fit(train)
    return {"epochs": epochs, "data": source, "seconds": round(time.perf_counter() - started, 1),
            "test_squared_error_per_image": round(model.evaluate(test)["squared_error_per_sample"], 3)}


def run(kind: str, args, row: str | None = None, device: str = "gpu") -> dict:
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    if device == "cpu":
        env["JAX_PLATFORMS"] = "cpu"
    arguments = ["--worker", kind, "--device", device, "--epochs", str(args.epochs), "--quality-epochs",
                 str(args.quality_epochs)]
    arguments += ["--row", row] if row else []
    arguments += ["--samples", str(args.samples)] if args.samples else []
    return run_worker("gpu", arguments, env, f"{kind} {row or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", choices=("gpu", "cpu"), default="gpu")
    parser.add_argument("--epochs", type=int, default=4, help="epochs per process (the first one is dropped)")
    parser.add_argument("--samples", type=int, help="train on the first N images only (a quick check)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--quality-epochs", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="print the result, write no results file")
    parser.add_argument("--only", help="comma-separated rows to run (a quick check), e.g. hinton2006,conv-spatial")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--row", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        work = {"aekit": lambda: aekit_worker(args.row, args.epochs, args.samples),
                "torch": lambda: torch_worker(args.row, args.epochs, args.samples, args.device),
                "quality": lambda: quality(args.quality_epochs)}[args.worker]
        print(json.dumps(work()))
        return
    if args.device == "gpu" and "gpu" not in run_probe():
        raise SystemExit("No GPU is visible to JAX here (pip install 'aekit[cuda]' on a machine with an NVIDIA GPU), "
                         "or run with --device cpu to check the script on the CPU.")
    started = time.time()
    rows = {}
    chosen = set(args.only.split(",")) if args.only else set(ROWS)
    for row, kind in ROWS.items():
        if (kind == "torch" and args.no_torch) or row not in chosen:
            continue
        measured = run(kind, args, row, args.device)
        steady = median(measured["epoch_seconds"][1:] or measured["epoch_seconds"])
        rows[row] = {**measured, "median_epoch_seconds": round(steady, 4)}
        print(f"{row:<14} {steady:.3f} s/epoch on {measured['device']}", flush=True)
    payload = {"device": args.device, "epochs_per_process": args.epochs, "seed": SEED, "rows": rows,
               "goal_seconds": GOAL_SECONDS, **verdict(rows)}
    if args.quality_epochs:
        payload["quality"] = run("quality", args, device=args.device)
    print(json.dumps({k: v for k, v in payload.items() if k != "rows"}, indent=1))
    if not args.no_write:
        print("wrote", write_result("gpu" if args.device == "gpu" else "gpu_on_cpu", payload, started))


def verdict(rows: dict) -> dict:
    if "hinton2006" not in rows:  # --only left it out: no goal to judge
        return {}
    ours = rows["hinton2006"]["median_epoch_seconds"]
    out = {"hinton2006_epoch_seconds": ours, "within_goal": ours <= GOAL_SECONDS}
    torch_rows = [rows[r]["median_epoch_seconds"] for r in ("torch-eager", "torch-compile") if r in rows]
    if torch_rows:
        out.update(fastest_torch_epoch_seconds=min(torch_rows), vs_fastest_torch=round(min(torch_rows) / ours, 3),
                   at_least_torch=ours <= min(torch_rows))
    return out


def render(result: dict) -> str:
    from .stamps import machine_line

    where = "on a GPU" if result["device"] == "gpu" else "on the CPU (`--device cpu`: a check of the script, no GPU)"
    lines = [f"| row ({where}) | median s/epoch | samples | batch | device |", "|---|---:|---:|---:|---|"]
    for name, row in result["rows"].items():
        lines.append(f"| {name} | {row['median_epoch_seconds']:.3f} | {row['samples']:,} | {row['batch']} | "
                     f"{row['device']} |")
    line = f"\nhinton2006: {result['hinton2006_epoch_seconds']:.3f} s/epoch"
    if "vs_fastest_torch" in result:
        line += f", {result['vs_fastest_torch']:.2f}x the faster PyTorch variant"
    if result["device"] == "gpu":
        line += f"; goal {result['goal_seconds']:.3f} s: {'met' if result['within_goal'] else '**missed**'}"
    lines.append(line + ".")
    if "quality" in result:
        q = result["quality"]
        lines.append(f"\n{q['epochs']} epochs of hinton2006: test squared error per image "
                     f"{q['test_squared_error_per_image']:.2f} in {q['seconds']:.0f} s.")
    return "\n".join(lines) + "\n\n" + machine_line(result)


def run_probe() -> str:
    """The platform JAX runs on here ("gpu", "cpu"), asked in a child process (it takes the GPU)."""
    probe = subprocess.run([sys.executable, "-c", "import jax; print(jax.default_backend())"], capture_output=True,
                           text=True)
    return probe.stdout.strip()


if __name__ == "__main__":
    main()
