"""aekit: train, inspect, save and reload autoencoders on Keras 3.

Importing aekit is cheap: the estimators (and Keras with them) load on first use, so the command line
can choose the Keras backend for its command first (see :mod:`aekit._backend`).
"""

from __future__ import annotations

import importlib

from ._backend import choose_backend as _choose_backend
from ._backend import quiet_tensorflow_logs as _quiet_tensorflow_logs
from .errors import AekitError, ArtifactError, ConfigError, DataError, NotFittedError, TrainingError

_quiet_tensorflow_logs()
_choose_backend()

__version__ = "0.1.0"

_LAZY = {"load": ".runs", "Config": ".config", "Autoencoder": ".estimators",
         "AnomalyDetector": ".tasks.anomaly", "Classifier": ".tasks.representation", "compress": ".codec",
         "decompress": ".codec"}

__all__ = ["AekitError", "AnomalyDetector", "ArtifactError", "Autoencoder", "Classifier", "Config", "ConfigError",
           "DataError", "NotFittedError", "TrainingError", "__version__", "compress", "decompress", "load"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    else:
        try:  # a submodule: aekit.data, aekit.artifacts, ...
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'aekit' has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
