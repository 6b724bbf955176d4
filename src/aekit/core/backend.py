"""Pick the Keras backend before Keras is imported, by the machine in hand.

The user's choice always wins: ``KERAS_BACKEND``, a ``backend`` in ``~/.keras/keras.json`` (or under
``KERAS_HOME``), or a Keras imported before aekit. Otherwise:

- with a GPU that JAX can use (its CUDA plugin installed and an NVIDIA device present), every family trains on
  JAX: aekit's model code measured 2.8 times PyTorch on an H200 for hinton2006;
- on the CPU, the measured rule (benchmarks/throughput.py, 2 cores): convolutions train 9 to 16 times faster on
  TensorFlow than on JAX, whose CPU convolutions are slow, while dense stacks train about 1.2 times faster on
  JAX. So the Python API uses TensorFlow when it is installed (never far from the fastest, whatever model you
  build), and the CLI, which knows the model before anything is imported, picks JAX for the dense families
  (``DENSE_FAMILIES``) and TensorFlow for the rest; see :mod:`aekit.cli.backend`;
- without TensorFlow (it is an extra, ``aekit[tensorflow]``), JAX.

:func:`reason` says which rule chose, for the command line to print.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import sys
from pathlib import Path

DEFAULT_BACKEND = "tensorflow"
DENSE_BACKEND = "jax"
# Families that are fully connected: measured faster on JAX. Anything else (conv, plugins) gets the default.
DENSE_FAMILIES = ("dense", "deep", "variational", "hashing")

# Set next to KERAS_BACKEND when aekit chose it, so that a child process (an `aekit` command started from a
# program that imported aekit) can tell aekit's choice, which it may make again for its own command, from the
# user's, which it must keep.
CHOSEN_MARK = "AEKIT_CHOSE_KERAS_BACKEND"
_REASON: list[str] = []


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a module that refuses to load is as good as absent
        return False


def gpu_for_jax() -> bool:
    """Whether JAX has a GPU to run on, judged without importing it: its CUDA plugin and an NVIDIA device."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return False
    plugin = installed("jax_cuda12_plugin") or installed("jax_cuda13_plugin")
    device = Path("/dev/nvidiactl").exists() or shutil.which("nvidia-smi") is not None
    return plugin and device


# What Keras writes into keras.json itself, the first time it is imported: no choice of the user's.
KERAS_WRITTEN = {"floatx": "float32", "epsilon": 1e-07, "backend": "tensorflow", "image_data_format": "channels_last"}


def keras_config_backend() -> str | None:
    """The backend the user set in Keras's own config file, if any (the file Keras writes itself, untouched, sets
    none)."""
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    try:
        values = json.loads((home / "keras.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(values, dict) or values == KERAS_WRITTEN or not values.get("backend"):
        return None
    return str(values["backend"])


def machine_backend(preferred: str | None = None) -> tuple[str, str]:
    """``(backend, why)`` for this machine: ``preferred`` is the CPU rule's choice for a command (the CLI's)."""
    if installed("jax") and gpu_for_jax():
        return "jax", "a GPU is visible to JAX"
    if not installed("tensorflow"):
        return "jax", "TensorFlow is not installed; pip install 'aekit[tensorflow]' trains convolutions faster on CPUs"
    backend = preferred or DEFAULT_BACKEND
    if not installed(backend):
        backend = DEFAULT_BACKEND
    return backend, ("no GPU; on CPUs dense models train fastest on JAX and convolutional ones on TensorFlow; "
                     "set KERAS_BACKEND to choose")


def choose_backend(preferred: str | None = None, *, because: str | None = None) -> str:
    """Set ``KERAS_BACKEND`` for this machine (see the module docs) unless the user chose one or Keras is loaded.
    With ``because``, ``preferred`` is taken whatever the machine (a command that needs that engine), for that reason.

    A backend aekit chose in a parent process is kept by ``import aekit`` (a worker of ``--jobs`` runs on its
    parent's backend); only a command line of its own (``preferred``) may choose again."""
    current = os.environ.get("KERAS_BACKEND")
    chosen_by_aekit = current is not None and os.environ.get(CHOSEN_MARK) == current
    if "keras" in sys.modules or (current is not None and not (chosen_by_aekit and preferred)):
        _REASON[:] = ["KERAS_BACKEND" if current else "Keras was imported first"]
        return current or ""
    configured = keras_config_backend()
    if configured is not None and current is None:
        _REASON[:] = ["~/.keras/keras.json"]
        return configured
    backend, why = (preferred, because) if because and preferred else machine_backend(preferred)
    os.environ["KERAS_BACKEND"] = os.environ[CHOSEN_MARK] = backend
    _REASON[:] = [why]
    return backend


def reason() -> str:
    """Why the backend is what it is: the user's setting, or the rule that chose it."""
    return _REASON[0] if _REASON else "Keras's default"


def require_tensorflow(what: str) -> None:
    """Raise a clear error when ``what`` needs TensorFlow and it is not installed."""
    if not installed("tensorflow"):
        from .errors import ConfigError

        raise ConfigError(f"{what} needs TensorFlow (tf.data), which is not installed. Install it with "
                          "`pip install 'aekit[tensorflow]'`; data that fits in memory needs no TensorFlow.")


class _DropRetracingNotes(logging.Filter):
    # aekit compiles one prediction program per model and method (encoder, decoder, scores...), each once; after
    # five of them TensorFlow warns about "retracing" as if one function were recompiled in a loop.
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def quiet_tensorflow_logs() -> None:
    # TensorFlow's C++ start-up chatter (oneDNN notes, CPU feature lines) drowns the CLI output.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("tensorflow").addFilter(_DropRetracingNotes())
