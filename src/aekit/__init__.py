"""aekit: train, inspect, save and reload autoencoders on Keras 3.

Importing aekit is cheap: the estimators (and Keras with them) load on first use, so the command line
can choose the Keras backend for its command first (see :mod:`aekit.core.backend`).

The package is layered; each layer imports only the ones below it (checked by import-linter in the suite):
``cli`` > ``tasks`` > ``estimator`` > ``runs`` > ``training`` > ``models`` > ``data`` > ``core``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .core.backend import choose_backend as _choose_backend
from .core.backend import quiet_tensorflow_logs as _quiet_tensorflow_logs
from .core.errors import AekitError, ArtifactError, ConfigError, DataError, OutputError, TrainingError

if TYPE_CHECKING:  # what IDEs and type checkers see; at run time these load on first use (__getattr__)
    from .core.config import Config
    from .core.errors import NotFittedError
    from .estimator import Autoencoder, compress, decompress
    from .tasks.anomaly import AnomalyDetector
    from .tasks.representation import Classifier

_quiet_tensorflow_logs()
_choose_backend()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aekit")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


__version__ = _version()

_LAZY = {"Config": ".core.config", "NotFittedError": ".core.errors", "Autoencoder": ".estimator",
         "AnomalyDetector": ".tasks.anomaly", "Classifier": ".tasks.representation", "compress": ".estimator",
         "decompress": ".estimator"}

__all__ = ["AekitError", "AnomalyDetector", "ArtifactError", "Autoencoder", "Classifier", "Config", "ConfigError",
           "DataError", "NotFittedError", "OutputError", "TrainingError", "__version__", "compress", "decompress",
           "load"]


def load(path, plugins=(), expect: type | None = None):
    """Restore a run directory as the estimator that wrote it (an :class:`Autoencoder`, an
    :class:`AnomalyDetector`...). See :func:`aekit.runs.load`.

    Loading runs no code from the files: the model is rebuilt from its plain config and Keras loads it with
    ``safe_mode=True``; nothing is unpickled. (A :class:`Classifier` is saved otherwise: see
    :meth:`Classifier.load`.)

    Parameters
    ----------
    path : str or os.PathLike
        A run directory, written by ``fit(run_dir=...)``, ``save()`` or ``aekit train``.
    plugins : iterable of str, default=()
        Modules allowed to provide the run's model family when it comes from a plugin (besides the
        ``AEKIT_PLUGINS`` environment variable); see :mod:`aekit.runs.plugins`.
    expect : type, optional
        The estimator class the run must be (e.g. :class:`Autoencoder`; a subclass passes too); a run of
        another class is refused with :class:`~aekit.errors.ArtifactError`. None takes whichever class wrote it.

    Returns
    -------
    estimator : Autoencoder or AnomalyDetector
        The fitted estimator, of the class that wrote the run (a plugin's class too).
    """
    from . import estimator, tasks  # noqa: F401 - every built-in estimator registers itself when imported
    from .runs import load as load_run
    from .tasks import anomaly  # noqa: F401

    return load_run(path, plugins=plugins, expect=expect)


def __getattr__(name: str):
    if name == "Config":  # a Config reads the families' declared parameters: the built-in ones register first
        importlib.import_module(".models", __name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    else:
        try:  # a submodule: aekit.data, aekit.models, ...
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'aekit' has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
