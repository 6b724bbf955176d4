"""Training throughput of the hinton2006 autoencoder (784-1000-500-250-30): aekit vs plain Keras vs PyTorch.

One run measures, side by side on the same machine and data (MNIST train, 60,000 images,
batch 256, BCE loss, Adam): aekit's training path on each Keras backend, a plain
``keras.Model.fit`` on the same backend, and a plain PyTorch loop when torch is installed.
Each configuration runs in its own process, in ``--rounds`` interleaved rounds (the machine
is shared and noisy); each process's first epoch (compilation) is dropped and the median of
all remaining epoch times is reported, as samples/s and achieved GFLOP/s.

    python benchmarks/throughput.py [--epochs 5 --rounds 2]   # writes benchmarks/results/throughput.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import load_mnist, median, write_result  # noqa: E402

LAYERS = [784, 1000, 500, 250, 30, 250, 500, 1000, 784]
BATCH = 256
SEED = 0
# Forward pass: 2 FLOPs per multiply-add; backward pass: twice the forward (grads of inputs and weights).
FLOPS_PER_SAMPLE = 6 * sum(a * b for a, b in zip(LAYERS[:-1], LAYERS[1:]))


def worker(kind: str, epochs: int) -> list[float]:
    """Train ``epochs`` epochs and return each epoch's wall time."""
    x, _ = load_mnist("train")
    if kind == "torch":
        return _torch_epochs(x, epochs)
    import keras

    times, mark = [], [time.perf_counter()]

    def tick(*_):
        now = time.perf_counter()
        times.append(now - mark[0])
        mark[0] = now

    if kind == "aekit":
        from aekit import training
        from aekit.config import Config
        from aekit.models import build_model

        config = Config(preset="hinton2006", epochs=epochs, batch_size=BATCH, seed=SEED, validation_split=0,
                        early_stopping=False)
        model = build_model(config, (784,), "unit")
        mark[0] = time.perf_counter()
        training.fit(model, x, None, config, verbose=0, on_epoch=tick)
    else:
        keras.utils.set_random_seed(SEED)
        model = keras.Sequential([keras.Input((784,))] + [
            keras.layers.Dense(units, activation="linear" if units == 30 else "elu") for units in LAYERS[1:-1]
        ] + [keras.layers.Dense(784, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
        mark[0] = time.perf_counter()
        model.fit(x, x, batch_size=BATCH, epochs=epochs, shuffle=True, verbose=0,
                  callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=tick)])
    return times


def _torch_epochs(x, epochs: int) -> list[float]:
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(os.cpu_count() or 1)
    modules = []
    for i, (a, b) in enumerate(zip(LAYERS[:-1], LAYERS[1:])):
        modules.append(torch.nn.Linear(a, b))
        if i == len(LAYERS) - 2:
            modules.append(torch.nn.Sigmoid())
        elif b != 30:
            modules.append(torch.nn.ELU())
    model = torch.nn.Sequential(*modules)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCELoss()
    data = torch.from_numpy(x)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        for index in torch.randperm(len(data)).split(BATCH):
            batch = data[index]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(batch), batch)
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    return times


def run_worker(kind: str, backend: str, epochs: int) -> list[float]:
    """Epoch times of one process, its first (compiling) epoch dropped."""
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([sys.executable, __file__, "--worker", kind, "--epochs", str(epochs)], env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{kind}/{backend} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])[1:]


def summarise(kind: str, backend: str, times: list[float]) -> dict:
    steady, n = median(times), 60000
    return {"kind": kind, "backend": backend, "epoch_seconds": [round(t, 3) for t in times],
            "median_epoch_seconds": round(steady, 3), "samples_per_second": round(n / steady),
            "gflops_per_second": round(FLOPS_PER_SAMPLE * n / steady / 1e9, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=5, help="epochs per process (the first one is dropped)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds over all configurations")
    parser.add_argument("--backends", default="jax,tensorflow", help="comma-separated Keras backends to measure")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch row")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.epochs)))
        return

    started = time.time()
    backends = args.backends.split(",")
    configs = [(kind, backend) for backend in backends for kind in ("aekit", "keras")]
    try:
        import torch  # noqa: F401

        if not args.no_torch:
            configs.append(("torch", "-"))
    except ImportError:
        print("torch not installed: PyTorch row skipped (pip install torch==2.13.0)")
    times: dict = {config: [] for config in configs}
    for round_number in range(args.rounds):
        for kind, backend in configs:
            times[(kind, backend)] += run_worker(kind, backend, args.epochs)
            print(round_number, kind, backend, [round(t, 2) for t in times[(kind, backend)]], flush=True)
    rows = [summarise(kind, backend, times[(kind, backend)]) for kind, backend in configs]
    by = {(r["kind"], r["backend"]): r for r in rows}
    ratios = {f"aekit_vs_keras_{b}": round(by[("aekit", b)]["samples_per_second"]
                                           / by[("keras", b)]["samples_per_second"], 3) for b in backends}
    fastest = max(backends, key=lambda b: by[("aekit", b)]["samples_per_second"])
    if ("torch", "-") in by:
        ratios["aekit_default_vs_pytorch"] = round(by[("aekit", fastest)]["samples_per_second"]
                                                   / by[("torch", "-")]["samples_per_second"], 3)
    payload = {"model": "784-1000-500-250-30 (hinton2006)", "batch_size": BATCH, "samples": 60000, "seed": SEED,
               "flops_per_sample": FLOPS_PER_SAMPLE, "epochs_per_process": args.epochs, "rounds": args.rounds,
               "rows": rows, "ratios": ratios, "fastest_aekit_backend": fastest}
    path = write_result("throughput", payload, started)
    print(json.dumps(ratios), "->", path)


if __name__ == "__main__":
    main()
