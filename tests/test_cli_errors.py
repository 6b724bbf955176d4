"""Each kind of bad input: exit code 2, a one-paragraph message, no traceback, nothing half-written."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from PIL import Image

from .conftest import CLI_QUICK, DATA_DIR, run_cli


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("runs") / "digits"
    result = run_cli("train", "--dataset", "digits", "--hidden", "32", "--latent-dim", "6", "--epochs", "3",
                     "--quiet", "-o", run)
    assert result.returncode == 0, result.stderr
    return run


def assert_bad_input(result, *fragments):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error:"), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def test_missing_file(tmp_path):
    out = tmp_path / "run"
    assert_bad_input(run_cli("train", "--data", tmp_path / "missing.csv", "-o", out, *CLI_QUICK),
                     "Data file not found", "missing.csv")
    assert not out.exists()


def test_non_numeric_csv_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,name\n1,2,x\n3,4,y\n")
    assert_bad_input(run_cli("train", "--data", path, "-o", tmp_path / "run", *CLI_QUICK), "non-numeric columns: name")


def test_nan_values(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\nnan,4\n5,6\n")
    assert_bad_input(run_cli("train", "--data", path, "-o", tmp_path / "run", *CLI_QUICK), "NaN or infinite",
                     "row 1, column 'a'")


def test_images_of_mixed_sizes(tmp_path):
    (tmp_path / "images").mkdir()
    for i, size in enumerate([(8, 8), (9, 7)]):
        Image.new("L", size).save(tmp_path / "images" / f"{i}.png")
    assert_bad_input(run_cli("train", "--data", tmp_path / "images", "-o", tmp_path / "run", *CLI_QUICK),
                     "2 different sizes", "--image-size")


def test_empty_dataset(tmp_path):
    path = tmp_path / "empty.npy"
    np.save(path, np.zeros((0, 5), np.float32))
    assert_bad_input(run_cli("train", "--data", path, "-o", tmp_path / "run", *CLI_QUICK), "is empty")


def test_truncated_idx_file(tmp_path):
    raw = gzip.open(DATA_DIR / "mnist" / "t10k-images-idx3-ubyte.gz").read()
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(raw[:100_000])
    assert_bad_input(run_cli("train", "--data", path, "-o", tmp_path / "run", *CLI_QUICK), "truncated or corrupted")


def test_corrupted_keras_file(digits_run, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(digits_run, broken)
    model = broken / "model.keras"
    model.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    assert_bad_input(run_cli("evaluate", broken, "--dataset", "digits"), "model.keras is truncated or corrupted")


def test_latent_dim_not_smaller_than_input(tmp_path):
    out = tmp_path / "run"
    assert_bad_input(run_cli("train", "--dataset", "digits", "--latent-dim", "64", "-o", out, *CLI_QUICK),
                     "latent_dim=64", "only 64 values per sample", "latent_dim < 64")
    assert not out.exists()


@pytest.mark.parametrize("flag,value,expected", [
    ("--model", "dep", 'Unknown model "dep". Did you mean "deep"?'),
    ("--preset", "hinton", 'Unknown preset "hinton". Did you mean "hinton2006"?'),
    ("--dataset", "fashion", 'Unknown dataset "fashion". Did you mean "fashion_mnist"?'),
])
def test_unknown_names_suggest_the_closest(tmp_path, flag, value, expected):
    args = ["train", flag, value, "-o", tmp_path / "run", *CLI_QUICK]
    if flag != "--dataset":
        args += ["--dataset", "digits"]
    assert_bad_input(run_cli(*args), expected, "Available")


def test_evaluating_on_data_of_another_shape(digits_run):
    assert_bad_input(run_cli("evaluate", digits_run, "--dataset", "mnist", "--max-samples", "10"),
                     "holds 28x28 images", "trained on 8x8 images. Resize them")


def test_debug_flag_shows_the_traceback(tmp_path):
    result = run_cli("--debug", "train", "--data", tmp_path / "missing.csv", *CLI_QUICK)
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_every_command_has_help_with_an_example():
    from click.testing import CliRunner

    from aekit.cli import cli

    for command in ("train", "evaluate", "encode", "reconstruct", "datasets", "models", "demo", "sample",
                    "interpolate", "search", "index"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, command
