"""What this machine's fp32 peak is, so that a share of it means something.

Two references, measured or stated in the same run as the trainers they judge:

- **measured**: the best single-precision matrix product that any engine reaches on all cores, NumPy (its
  BLAS), ``jax.numpy.dot`` under ``jit``, ``tf.matmul`` in a ``tf.function`` and ``torch.mm``: at 4096x4096,
  and at each matrix shape of a model's training step (a dense layer's forward product and its two gradient
  products), which are smaller and reach less. Each engine runs in its own process, best of ``repeats``.
- **theoretical**: cores x clock x fp32 FLOPs per cycle from the instruction set (16 lanes with AVX-512, 8 with
  AVX2, times 2 for fused multiply-add, times the FMA units per core, assumed 2). The clock is the one the
  kernel reports (the TSC on most virtual machines); turbo and AVX-512 frequency offsets move the real figure.

    python -m benchmarks.peak [--engines numpy,jax]   # prints the table; benchmarks/throughput.py records it
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time

from ._common import run_worker

ENGINES = ("numpy", "jax", "tensorflow", "torch")
SQUARE = (4096, 4096, 4096)
FMA_UNITS_PER_CORE = 2  # an assumption (Xeon Scalable Gold/Platinum, EPYC); some parts have one


def step_shapes(layer_sizes: list[int], batch: int) -> list[tuple[int, int, int]]:
    """The (m, k, n) products of one training step of a dense stack: per layer, the forward product
    (batch x in) @ (in x out), the weight gradient (in x batch) @ (batch x out) and, for every layer but the
    first (its input needs no gradient), the input gradient (batch x out) @ (out x in)."""
    shapes = []
    for i, (a, b) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        shapes += [(batch, a, b), (a, batch, b)]
        if i > 0:
            shapes.append((batch, b, a))
    return shapes


def _product(engine: str):
    """``(make, run)``: ``make(m, k, n)`` builds the operands, ``run(operands)`` multiplies and waits."""
    import numpy as np

    def arrays(m, k, n):
        rng = np.random.default_rng(0)
        return rng.random((m, k), dtype=np.float32), rng.random((k, n), dtype=np.float32)

    if engine == "numpy":
        return arrays, lambda ab: ab[0] @ ab[1]
    if engine == "jax":
        import jax

        dot = jax.jit(jax.numpy.dot)
        return (lambda m, k, n: tuple(map(jax.device_put, arrays(m, k, n))),
                lambda ab: dot(*ab).block_until_ready())
    if engine == "tensorflow":
        import tensorflow as tf

        matmul = tf.function(tf.matmul, jit_compile=False)
        return (lambda m, k, n: tuple(map(tf.constant, arrays(m, k, n))), lambda ab: matmul(*ab).numpy())
    if engine == "torch":
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        return (lambda m, k, n: tuple(map(torch.from_numpy, arrays(m, k, n))), lambda ab: torch.mm(*ab))
    raise ValueError(engine)


def engine_gflops(engine: str, shapes: list[tuple[int, int, int]], repeats: int = 5) -> dict[str, float]:
    """GFLOP/s of ``engine`` at each (m, k, n): the best of ``repeats`` timed runs after a warm-up; small
    products are repeated to last about 50 ms per timing."""
    make, run = _product(engine)
    out = {}
    for m, k, n in shapes:
        operands = make(m, k, n)
        run(operands)
        start = time.perf_counter()
        run(operands)
        inner = max(1, int(0.05 / max(time.perf_counter() - start, 1e-6)))
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(inner):
                run(operands)
            best = min(best, (time.perf_counter() - start) / inner)
        out[f"{m}x{k}x{n}"] = round(2 * m * k * n / best / 1e9, 1)
    return out


def measured(shapes: list[tuple[int, int, int]], engines: tuple[str, ...] = ENGINES, repeats: int = 5) -> dict:
    """Every engine at 4096^3 and at ``shapes``, each in its own process; the best engine per shape."""
    wanted = [SQUARE, *dict.fromkeys(shapes)]
    by_engine, failed = {}, {}
    for engine in engines:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "jax"}
        arguments = ["--worker", engine, "--repeats", str(repeats), "--shapes", json.dumps(wanted)]
        try:
            by_engine[engine] = run_worker("peak", arguments, env, engine)
        except RuntimeError as error:  # an engine not installed (no torch here): the others still count
            failed[engine] = str(error).strip().splitlines()[-1][:200]
    best = {shape: max(values[shape] for values in by_engine.values()) for shape in by_engine[next(iter(by_engine))]}
    square = "x".join(map(str, SQUARE))
    return {"by_engine": by_engine, "best_by_shape": best, "peak_gflops": best[square],
            "peak_engine": max(by_engine, key=lambda e: by_engine[e][square]), "failed": failed}


def bound_seconds(shapes: list[tuple[int, int, int]], best_by_shape: dict[str, float]) -> float:
    """Seconds one training step's products would take, each at the best measured speed of its shape."""
    return sum(2 * m * k * n / (best_by_shape[f"{m}x{k}x{n}"] * 1e9) for m, k, n in shapes)


def theoretical() -> dict:
    """The fp32 peak the instruction set allows on this machine's cores at its reported clock (x86 only)."""
    try:
        info = open("/proc/cpuinfo").read()
    except OSError:
        return {"gflops": None, "how": "unknown: no /proc/cpuinfo"}
    flags = set(re.search(r"^flags\s*:(.*)$", info, re.M).group(1).split()) if "flags" in info else set()
    lanes = 16 if "avx512f" in flags else 8 if {"avx2", "fma"} <= flags else 4 if "sse2" in flags else None
    megahertz = [float(v) for v in re.findall(r"^cpu MHz\s*:\s*([\d.]+)", info, re.M)]
    cores = os.cpu_count() or 1
    if lanes is None or not megahertz:
        return {"gflops": None, "how": "unknown instruction set or clock"}
    ghz = max(megahertz) / 1000
    per_cycle = lanes * 2 * FMA_UNITS_PER_CORE
    isa = "AVX-512" if lanes == 16 else "AVX2" if lanes == 8 else "SSE"
    return {"gflops": round(cores * ghz * per_cycle, 1), "cores": cores, "ghz": round(ghz, 3),
            "flops_per_cycle": per_cycle,
            "how": f"{cores} cores x {ghz:.2f} GHz (reported clock) x {per_cycle} fp32 FLOP/cycle ({isa}: {lanes} "
                   f"lanes x 2 for FMA x {FMA_UNITS_PER_CORE} FMA units, assumed)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--shapes", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(engine_gflops(args.worker, [tuple(s) for s in json.loads(args.shapes)], args.repeats)))
        return
    from .throughput_models import SPECS

    dense = SPECS["dense"]
    result = measured(step_shapes(dense["layers"], dense["batch"]), tuple(args.engines.split(",")), args.repeats)
    print(json.dumps({**result, "theoretical": theoretical()}, indent=1))


if __name__ == "__main__":
    main()
