"""Anomaly detection by reconstruction error: the detector, thresholds, explanations, streaming scoring.

Importing this package loads no engine; :class:`AnomalyDetector` does, when first named.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for IDEs and type checkers; at run time the names load on first use
    from .detector import AnomalyDetector  # noqa: F401
    from .thresholds import OBJECTIVES, STRATEGIES, threshold_for_objective  # noqa: F401

_NAMES = {"AnomalyDetector": ".detector", "OBJECTIVES": ".thresholds", "STRATEGIES": ".thresholds",
          "threshold_for_objective": ".thresholds"}
__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name not in _NAMES:
        raise AttributeError(f"module 'aekit.tasks.anomaly' has no attribute {name!r}")
    value = getattr(importlib.import_module(_NAMES[name], __name__), name)
    globals()[name] = value
    return value
