"""The model contract holds on both Keras backends: rerun it under the one this process is not using."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keras

HERE = Path(__file__).resolve().parent


def test_contract_on_the_other_backend():
    other = "tensorflow" if keras.backend.backend() == "jax" else "jax"
    env = {**os.environ, "KERAS_BACKEND": other}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(HERE / "test_contract.py")], capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
    assert "failed" not in result.stdout.splitlines()[-1]


def test_default_backend_is_the_fastest_measured_one_unless_the_user_sets_it():
    from aekit._backend import FASTEST_MEASURED_BACKEND

    code = "import aekit, keras; print(keras.backend.backend())"
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout.strip()
    assert chosen == FASTEST_MEASURED_BACKEND
    env["KERAS_BACKEND"] = "tensorflow"
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout.strip()
    assert chosen == "tensorflow"
