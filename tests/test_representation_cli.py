"""The representation commands end to end on MNIST subsets: files written, shapes, clear errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import aekit

from .conftest import run_cli

COMMANDS = ("compare", "embed", "probe", "classify", "projector")


def invoke(*args):
    """Run a command in-process (the engines are already imported here, which saves ~8 s per call)."""
    from click.testing import CliRunner

    from aekit.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def mnist_run(mnist_small, tmp_path_factory):
    """A small MNIST autoencoder with a 2-number code, saved as a run directory."""
    train, _ = mnist_small
    run = tmp_path_factory.mktemp("runs") / "mnist2"
    aekit.Autoencoder(hidden=[128], latent_dim=2, epochs=4, batch_size=64, learning_rate=2e-3, seed=0,
                      run_dir=str(run)).fit(train)
    return run


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output and "aekit " + command in result.output


def test_compare_writes_json_csv_and_plot(tmp_path):  # through the real entry point, in a subprocess
    out = tmp_path / "compare"
    result = run_cli("compare", "--dataset", "mnist", "--max-samples", "1500", "--max-test-samples", "300",
                     "--latent-dims", "2,8", "--hidden", "64", "--epochs", "2", "--quiet", "-o", out)
    assert result.returncode == 0, result.stderr
    rows = json.loads((out / "comparison.json").read_text())["rows"]
    assert [(r["model"], r["latent_dim"]) for r in rows] == [("pca", 2), ("pca", 8), ("deep", 2), ("deep", 8)]
    assert len(pd.read_csv(out / "comparison.csv")) == 4 and (out / "comparison.png").stat().st_size > 10_000
    assert "PCA" in result.stdout and "autoencoder (deep)" in result.stdout


def test_embed_probe_classify_projector_on_one_run(mnist_run, tmp_path):
    maps = tmp_path / "maps"
    result = invoke("embed", mnist_run, "--dataset", "mnist", "--max-samples", "400", "--method", "latent", "-o", maps)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(maps / "embedding-latent.csv")
    assert frame.shape == (400, 4) and set(frame["label"]) == set(range(10))
    assert (maps / "embedding-latent.png").is_file() and (maps / "embedding-latent.html").is_file()

    report = tmp_path / "probe.json"
    result = invoke("probe", mnist_run, "--dataset", "mnist", "--max-samples", "1000", "--max-test-samples", "300",
                    "-o", report)
    assert result.exit_code == 0, result.output
    rows = json.loads(report.read_text())["rows"]
    assert [r["dims"] for r in rows] == [2, 2, 784] and "linear probe" in result.stdout

    out = tmp_path / "classify"
    result = invoke("classify", mnist_run, "--dataset", "mnist", "--max-samples", "600", "--max-test-samples", "300",
                    "--labels", "50,all", "--freeze-epochs", "1", "--epochs", "1", "--min-steps", "10", "--save",
                    "-o", out)
    assert result.exit_code == 0, result.output
    rows = json.loads((out / "pretraining.json").read_text())["rows"]
    assert [r["labels"] for r in rows] == [50, 600] and all("scratch_accuracy" in r for r in rows)
    assert (out / "pretraining.png").is_file() and (out / "classifier" / "classifier.keras").is_file()

    folder = tmp_path / "projector"
    result = invoke("projector", mnist_run, "--dataset", "mnist", "--max-points", "64", "-o", folder)
    assert result.exit_code == 0, result.output
    assert len((folder / "metadata.tsv").read_text().splitlines()) == 64
    assert (folder / "sprite.png").is_file() and (folder / "projector_config.pbtxt").is_file()
    assert "tensorboard --logdir" in result.stdout


def test_errors_are_one_clear_paragraph(mnist_run, tmp_path, table_csv):
    result = invoke("embed", mnist_run, "--dataset", "mnist", "--method", "umapp", "-o", tmp_path)
    assert result.exit_code == 2 and "umapp" in result.stderr
    result = invoke("probe", mnist_run, "--data", table_csv, "-o", tmp_path / "p.json")
    assert result.exit_code == 2 and "Probing needs labels" in result.stderr and "--label-column" in result.stderr
    # Through the real entry point: under CliRunner an uncaught exception never prints a traceback to check for.
    result = run_cli("probe", mnist_run, "--data", table_csv, "--label-column", "Class")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "samples of shape (8,)" in result.stderr  # a table is not MNIST-shaped: said plainly
    result = invoke("compare", "--dataset", "mnist", "--latent-dims", "2,900", "-o", tmp_path / "c")
    assert result.exit_code == 2 and "Received latent size 900" in result.stderr
    assert not (tmp_path / "c").exists()
    result = invoke("embed", mnist_run, "mnist", "--dataset", "mnist", "-o", tmp_path)  # the positional of 0.1
    assert result.exit_code == 2 and "give the data only once" in result.stderr
    assert "DATA as a positional argument (mnist) is now --data PATH or --dataset NAME" in result.stderr
