"""The rough edges a new user hit, each fixed: a clear exit 2 before any work, a warning, or the right behaviour."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import aekit

from .conftest import DATA_DIR, run_cli

FRAUD = DATA_DIR / "creditcard-sample.csv"


def invoke(*args, env=None):
    from aekit.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def detector_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("det") / "run"
    aekit.AnomalyDetector(epochs=2).fit(np.random.default_rng(0).normal(size=(200, 4))).save(run)
    return run


@pytest.mark.parametrize("command", ["evaluate", "encode", "reconstruct", "probe", "embed", "projector"])
def test_autoencoder_commands_on_a_detector_run_say_what_it_is(detector_run, tmp_path, command):
    args = {"evaluate": [], "encode": ["-o", tmp_path / "c.npy"], "reconstruct": ["-o", tmp_path / "r.npy"],
            "probe": [], "embed": ["-o", tmp_path / "m"], "projector": ["-o", tmp_path / "p"]}[command]
    result = invoke(command, detector_run, "--dataset", "digits", *args)
    assert result.exit_code == 2, result.output
    assert "is an anomaly-detector run (`aekit detect fit`)" in result.stderr
    assert "Use it with `aekit detect score`" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flags,message", [
    (["--threshold", "recall"], "--threshold recall needs --target"),
    (["--threshold", "precision", "--label-column", "Class"], "--threshold precision needs --target"),
    (["--threshold", "f1", "--target", "0.9", "--label-column", "Class"], "--target applies to --threshold recall"),
    (["--target", "0.9"], "--target applies to --threshold recall"),
    (["--threshold", "f1"], "pass --label-column"),
    (["--normal-only"], "needs --label-column"),
    (["--epochs", "0"], "Received epochs=0; expected a positive integer"),
])
def test_detect_fit_checks_its_flags_before_reading_or_training(tmp_path, flags, message):
    result = invoke("detect", "fit", "--data", tmp_path / "not-read-yet.csv", *flags, "-o", tmp_path / "run")
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert not (tmp_path / "run").exists()


def test_label_column_without_normal_only_warns_and_f1_is_set_on_held_out_rows(tmp_path):
    result = invoke("detect", "fit", "--data", FRAUD, "--label-column", "Class", "--threshold", "f1", "--epochs", "2",
                    "--quiet", "-o", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "Warning: training on all 5,919 rows, including the 473 labelled as anomalies" in result.stderr
    assert "--normal-only" in result.stderr
    # 20 % of each class held out: 1,089 normal + 95 anomalies, none of them trained on.
    assert "On the 1,184 held-out labelled rows used to set it (not trained on)" in result.stdout


def test_resume_refuses_other_flags_and_other_data(tmp_path):
    run = tmp_path / "run"
    result = invoke("train", "--resume", "-o", run, "--epochs", "9", "--dataset", "digits")
    assert result.exit_code == 2
    assert "--epochs, --dataset would be ignored" in result.stderr and not run.exists()
    assert invoke("train", "--dataset", "digits", "--max-samples", "300", "--hidden", "16", "--epochs", "1",
                  "--quiet", "-o", run).exit_code == 0
    source = run / "checkpoint" / "data_source.json"
    source.write_text(json.dumps({**json.loads(source.read_text()), "max_samples": 200}))
    result = invoke("train", "--resume", "-o", run)
    assert result.exit_code == 2 and "was started on 300 samples of shape (8, 8, 1)" in result.stderr
    assert "but the data given to resume has 200 samples" in result.stderr


def test_aekit_debug_shows_the_traceback(tmp_path):
    result = run_cli("train", "--data", tmp_path / "missing.csv", env={"AEKIT_DEBUG": "1"})
    assert result.returncode == 2 and "Traceback" in result.stderr and "Data file not found" in result.stderr


@pytest.fixture(scope="module")
def pixel_csv(tmp_path_factory):
    """The tutorial flow: MNIST as a CSV, the label first, then 784 pixel columns of 0-255."""
    train = aekit.data.load("mnist", split="train", max_samples=600)
    frame = pd.DataFrame(train.X.reshape(600, -1), columns=[f"pixel{i}" for i in range(784)])
    frame.insert(0, "label", train.y)
    path = tmp_path_factory.mktemp("csv") / "mnist_train.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_csv_of_pixels_is_min_max_scaled_and_reconstructs_within_its_range(pixel_csv, tmp_path):
    run = tmp_path / "run"
    result = invoke("train", "--data", pixel_csv, "--label-column", "label", "--preset", "tutorial", "--epochs", "3",
                    "--quiet", "-o", run)
    assert result.exit_code == 0, result.output
    assert "scaling: minmax" in result.stdout and "min-max scaled to [0, 1]" in result.stdout
    model = aekit.load(run)
    assert model.scaler_.method == "minmax" and model.kind_ == "table"
    table = aekit.data.load(data=str(pixel_csv), label_column="label")
    reconstructed = model.reconstruct(table)
    assert reconstructed.min() >= 0 and reconstructed.max() <= 255
    report = model.evaluate(table)
    assert report["units"].startswith("values min-max scaled") and report["squared_error_per_sample"] < 60
    standard = aekit.Autoencoder(scaling="standard", preset="tutorial", epochs=1).fit(table)
    assert standard.scaler_.method == "standard"  # --scaling overrides the rule


def test_image_shape_turns_rows_into_images(pixel_csv, tmp_path):
    result = invoke("train", "--data", pixel_csv, "--label-column", "label", "--image-shape", "28,28",
                    "--model", "conv", "--latent-dim", "8", "--epochs", "1", "--quiet", "-o", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert aekit.load(tmp_path / "run").input_shape_ == (28, 28, 1)
    bad = invoke("train", "--data", pixel_csv, "--image-shape", "28,28", "-o", tmp_path / "bad")
    assert bad.exit_code == 2 and "needs 784 values per row, but mnist_train.csv has 785 feature columns" in bad.stderr


def test_a_flag_with_numeric_choices_gives_a_number():
    """`--upscale 2` reached the model as the text '2' and was refused (``expected one of 1, 2, 4``)."""
    from aekit.cli import cli

    context = cli.commands["train"].make_context("train", ["--model", "unet", "--upscale", "2", "--downsample", "8"])
    assert context.params["upscale_factor"] == 2 and context.params["downsample"] == 8
    assert isinstance(context.params["upscale_factor"], int)
