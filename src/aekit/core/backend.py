"""Pick the Keras backend before Keras is imported.

`KERAS_BACKEND` always wins, and so does a Keras imported before aekit. Otherwise (numbers from
benchmarks/throughput.py, 2-core CPU): convolutions train 9 to 16 times faster on TensorFlow than on
JAX, whose CPU convolutions are slow, while dense stacks train about 1.2 times faster on JAX. So:

- the Python API uses TensorFlow, which is never far from the fastest, whatever model you build;
- the CLI knows the model before anything is imported, and picks JAX for the dense families
  (``DENSE_FAMILIES``) and TensorFlow for the rest (convolutional families, plugins); see
  :mod:`aekit.cli.backend`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys

DEFAULT_BACKEND = "tensorflow"
DENSE_BACKEND = "jax"
# Families that are fully connected: measured faster on JAX. Anything else (conv, plugins) gets the default.
DENSE_FAMILIES = ("dense", "deep", "variational", "hashing")

# Set next to KERAS_BACKEND when aekit chose it, so that a child process (an `aekit` command started from a
# program that imported aekit) can tell aekit's choice, which it may make again for its own command, from the
# user's, which it must keep.
CHOSEN_MARK = "AEKIT_CHOSE_KERAS_BACKEND"


def choose_backend(preferred: str | None = None) -> str:
    """Set ``KERAS_BACKEND`` to ``preferred`` (or the default) unless the user chose one or Keras is loaded.

    A backend aekit chose in a parent process is kept by ``import aekit`` (a worker of ``--jobs`` runs on its
    parent's backend); only a command line of its own (``preferred``) may choose again."""
    current = os.environ.get("KERAS_BACKEND")
    chosen_by_aekit = current is not None and os.environ.get(CHOSEN_MARK) == current
    if "keras" in sys.modules or (current is not None and not (chosen_by_aekit and preferred)):
        return current or ""
    backend = preferred or DEFAULT_BACKEND
    if importlib.util.find_spec(backend) is None:
        backend = DEFAULT_BACKEND
    os.environ["KERAS_BACKEND"] = os.environ[CHOSEN_MARK] = backend
    return backend


class _DropRetracingNotes(logging.Filter):
    # aekit compiles one prediction program per model and method (encoder, decoder, scores...), each once; after
    # five of them TensorFlow warns about "retracing" as if one function were recompiled in a loop.
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def quiet_tensorflow_logs() -> None:
    # TensorFlow's C++ start-up chatter (oneDNN notes, CPU feature lines) drowns the CLI output.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("tensorflow").addFilter(_DropRetracingNotes())
