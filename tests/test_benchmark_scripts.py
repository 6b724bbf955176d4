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


def test_the_photo_folders_test_on_photos_the_training_never_saw():
    """No photo, nor a copy of one under another name (scikit-image's cat is chelsea), on both sides of a split."""
    import numpy as np
    import skimage.data

    from benchmarks.photo_folders import FOLDERS, load

    assert np.array_equal(skimage.data.cat(), skimage.data.chelsea())
    for name, folder in FOLDERS.items():
        seen = {"cat" if photo == "chelsea" else photo for photo in folder.train_photos}
        assert not seen & {"cat" if photo == "chelsea" else photo for photo in folder.test_photos}, name
    split = load("photos-rgb-64")
    assert split.train.shape == (320, 64, 64, 3) and split.test.shape == (80, 64, 64, 3)
    assert split.train.dtype == np.uint8 and np.array_equal(load("photos-rgb-64").test, split.test)
    assert sorted(set(split.test_subjects)) == [0, 1, 2]


def test_precision_at_5_leaves_the_query_out_and_counts_its_photo():
    import numpy as np

    from benchmarks.retrieval_photos import hamming, precision_at_top

    codes = np.array([[0, 0], [0, 0], [0, 1], [1, 1], [1, 1], [1, 0]], np.uint8)
    distances = hamming(codes)
    assert distances[0].tolist() == [0, 0, 1, 2, 2, 1]
    # each item's 5 others are all the rest: 2 of its own photo among 5 for a photo of three items
    assert precision_at_top(distances, np.array([0, 0, 0, 1, 1, 1])) == 0.4


def test_a_codec_curve_is_read_linear_in_log_bytes_and_not_past_its_ends():
    import math

    from benchmarks.compression import curve_psnr as at_bytes

    rows = [{"bytes_per_image": 100.0, "psnr_db": 20.0}, {"bytes_per_image": 400.0, "psnr_db": 30.0}]
    assert at_bytes(rows, 200.0) == pytest.approx(25.0) and at_bytes(rows, 400.0) == pytest.approx(30.0)
    assert at_bytes(rows, 99.0) is None and at_bytes(rows, 401.0) is None and not math.isnan(at_bytes(rows, 100.0))
