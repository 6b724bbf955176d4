"""Both Keras backends: the model contract holds on each, and the backend is chosen as documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aekit.cli.backend import DEFAULT_BACKEND, DENSE_BACKEND, backend_for_command
from aekit.core import backend as backend_module
from aekit.core.errors import ConfigError

from .conftest import run_cli

HERE = Path(__file__).resolve().parent


def test_the_contract_marker_selects_the_contract_file_only():
    """What `make test` runs again on the other backend: the contract tests, and only they."""
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "backend_contract",
                             "-p", "no:cacheprovider", str(HERE)], capture_output=True, text=True, timeout=300)
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    assert collected and all(line.startswith("tests/test_contract.py::") for line in collected), result.stdout[-2000:]


def test_the_python_api_uses_tensorflow_unless_the_user_sets_a_backend():
    code = "import aekit, keras; aekit.Autoencoder; print(keras.backend.backend())"
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout.strip()
    assert chosen == DEFAULT_BACKEND == "tensorflow"
    env["KERAS_BACKEND"] = "jax"
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout.strip()
    assert chosen == "jax"


@pytest.mark.parametrize("arguments,expected", [
    (["train", "--dataset", "mnist", "-o", "r"], DENSE_BACKEND),
    (["train", "--dataset", "mnist", "--model", "conv", "-o", "r"], DEFAULT_BACKEND),
    (["--plugin", "my.models", "train", "--model", "mine"], DEFAULT_BACKEND),
    (["detect", "fit", "--data", "x.csv", "-o", "r"], DENSE_BACKEND),
    (["compare", "--dataset", "mnist", "--models", "deep,conv"], DEFAULT_BACKEND),
    (["datasets"], DEFAULT_BACKEND),
])
def test_the_cli_picks_jax_for_dense_families_and_tensorflow_for_the_rest(arguments, expected):
    assert backend_for_command(arguments) == expected


def test_the_cli_reads_the_family_of_a_run_or_a_config_file(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "aekit.json").write_text(json.dumps({"config": {"model": "conv"}}))
    assert backend_for_command(["evaluate", str(run), "--dataset", "mnist"]) == DEFAULT_BACKEND
    assert backend_for_command(["--debug", "detect", "score", str(run), "--data", "x.csv"]) == DEFAULT_BACKEND
    (run / "aekit.json").write_text(json.dumps({"config": {"model": "deep"}}))
    assert backend_for_command(["encode", str(run), "-o", "c.npy"]) == DENSE_BACKEND
    assert backend_for_command(["detect", "score", str(run), "--data", "x.csv", "-o", "s.csv"]) == DENSE_BACKEND
    assert backend_for_command(["index", "build", str(run), "--dataset", "mnist", "-o", "i.aeidx"]) == DENSE_BACKEND
    config = tmp_path / "c.yaml"
    config.write_text("model: conv\n")
    assert backend_for_command(["train", str(config), "--data", "x"]) == DEFAULT_BACKEND


def test_a_cli_run_records_the_backend_it_trained_on(tmp_path):
    for model, backend in (("deep", DENSE_BACKEND), ("conv", DEFAULT_BACKEND)):
        result = run_cli("train", "--dataset", "digits", "--model", model, "--latent-dim", "4", "--epochs", "1",
                         "--quiet", "-o", tmp_path / model)
        assert result.returncode == 0, result.stderr
        assert json.loads((tmp_path / model / "aekit.json").read_text())["versions"]["keras_backend"] == backend
        assert f"with the {backend} backend (no GPU; " in result.stderr  # the choice is printed, with why


def test_click_reads_options_that_take_a_value_before_the_run(tmp_path):
    """--per-image takes a file: the run directory after it is still the run (the old hand-written grammar took
    the file for the run)."""
    run = tmp_path / "run"
    run.mkdir()
    (run / "aekit.json").write_text(json.dumps({"config": {"model": "deep"}}))
    arguments = ["evaluate", "--per-image", str(tmp_path / "scores.csv"), str(run), "--dataset", "digits"]
    assert backend_for_command(arguments) == DENSE_BACKEND
    (run / "aekit.json").write_text(json.dumps({"config": {"model": "conv"}}))
    assert backend_for_command(arguments) == DEFAULT_BACKEND


def _chosen_backend(env: dict) -> tuple[str, str]:
    code = "import os, aekit, keras; print(os.environ.get('KERAS_BACKEND'), keras.backend.backend())"
    return tuple(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
                 .stdout.split())


def test_a_backend_set_in_keras_json_is_kept(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    env["KERAS_HOME"] = str(tmp_path)
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "jax", "floatx": "float32"}))
    assert _chosen_backend(env) == ("None", "jax")  # aekit sets nothing; Keras reads the user's file
    # The file Keras writes by itself on first import is no choice of the user's: aekit's rule applies.
    (tmp_path / "keras.json").write_text(json.dumps(backend_module.KERAS_WRITTEN))
    assert _chosen_backend(env) == (DEFAULT_BACKEND, DEFAULT_BACKEND)


def test_a_gpu_that_jax_sees_sends_every_family_to_jax(monkeypatch):
    monkeypatch.setattr(backend_module, "gpu_for_jax", lambda: True)
    assert backend_module.machine_backend("tensorflow") == ("jax", "a GPU is visible to JAX")


def test_without_tensorflow_everything_runs_on_jax(monkeypatch):
    monkeypatch.setattr(backend_module, "installed", lambda module: module != "tensorflow")
    backend, why = backend_module.machine_backend("tensorflow")
    assert backend == "jax" and "pip install 'aekit[tensorflow]'" in why
    with pytest.raises(ConfigError, match=r"TFRecord files needs TensorFlow .*pip install 'aekit\[tensorflow\]'"):
        backend_module.require_tensorflow("TFRecord files")


def test_no_gpu_means_no_gpu_for_jax(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert not backend_module.gpu_for_jax()
