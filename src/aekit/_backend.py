"""Pick the Keras backend before Keras is imported.

`KERAS_BACKEND` always wins. When it is unset, aekit uses the backend that
`benchmarks/throughput.py` measured fastest for training on CPU (JAX; see
benchmarks/results/throughput.json and DESIGN.md), falling back to TensorFlow when
JAX is not installed. If Keras was imported before aekit, its backend stays.
"""

from __future__ import annotations

import importlib.util
import os
import sys

FASTEST_MEASURED_BACKEND = "jax"


def choose_backend() -> str:
    if "KERAS_BACKEND" in os.environ or "keras" in sys.modules:
        return os.environ.get("KERAS_BACKEND", "")
    backend = FASTEST_MEASURED_BACKEND
    if importlib.util.find_spec(backend) is None:
        backend = "tensorflow"
    os.environ["KERAS_BACKEND"] = backend
    return backend


def quiet_tensorflow_logs() -> None:
    # TensorFlow's C++ start-up chatter (oneDNN notes, CPU feature lines) drowns the CLI output.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
