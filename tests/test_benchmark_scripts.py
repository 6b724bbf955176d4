"""The benchmark scripts still run and still count right: quick versions of them, no timings asserted.

(A benchmark that breaks silently is found only when someone needs its figure: throughput.py's workers failed
for a week after benchmarks/ became a package.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_training_flops_count_the_first_layer_without_an_input_gradient():
    from benchmarks.throughput_models import keras_model, training_flops_per_sample

    sizes = [784, 1000, 500, 250, 30, 250, 500, 1000, 784]
    forward = sum(2 * a * b for a, b in zip(sizes[:-1], sizes[1:]))
    assert training_flops_per_sample(keras_model("dense")) == 3 * forward - 2 * 784 * 1000 == 15_430_000


def test_a_training_step_of_a_dense_stack_has_three_products_per_layer_but_the_first():
    from benchmarks.peak import bound_seconds, step_shapes

    shapes = step_shapes([784, 1000, 30], batch=256)
    assert shapes == [(256, 784, 1000), (784, 256, 1000), (256, 1000, 30), (1000, 256, 30), (256, 30, 1000)]
    speeds = {f"{m}x{k}x{n}": 100.0 for m, k, n in shapes}
    assert bound_seconds(shapes, speeds) == pytest.approx(sum(2 * m * k * n for m, k, n in shapes) / 100e9)


def test_the_theoretical_peak_names_how_it_was_computed():
    from benchmarks.peak import theoretical

    peak = theoretical()
    assert peak["how"] and (peak["gflops"] is None or peak["gflops"] > 0)


def test_the_gpu_benchmark_runs_on_the_cpu(tmp_path):
    """benchmarks/gpu.py through aekit's training path with --device cpu (JAX on the CPU), on a few images."""
    # One conv row of the two: they share their code path, and a convolution compiles slowly on JAX's CPU backend.
    result = subprocess.run([sys.executable, "-m", "benchmarks.gpu", "--device", "cpu", "--no-torch", "--epochs", "2",
                             "--samples", "256", "--only", "hinton2006,conv-spatial", "--no-write"],
                            capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout[result.stdout.index("{"):result.stdout.rindex("}") + 1])
    assert summary["device"] == "cpu" and summary["hinton2006_epoch_seconds"] > 0
    assert all(f"{row} " in result.stdout for row in ("hinton2006", "conv-spatial"))
    assert "conv-vector " not in result.stdout
