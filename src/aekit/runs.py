"""``aekit.load``: any run directory, as the estimator that wrote it.

The estimator classes register themselves with :mod:`aekit.artifacts` when their modules are imported;
this module imports every built-in one first, so a run loads whichever estimator wrote it.
"""

from __future__ import annotations

from . import artifacts
from .estimators import Autoencoder
from .tasks.anomaly import AnomalyDetector

__all__ = ["Autoencoder", "AnomalyDetector", "load"]


def load(path, plugins=(), expect: type | None = None):
    return artifacts.load(path, plugins=plugins, expect=expect)


load.__doc__ = artifacts.load.__doc__
