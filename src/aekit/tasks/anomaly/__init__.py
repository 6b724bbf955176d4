"""Anomaly detection by reconstruction error: the detector, thresholds, explanations, streaming scoring."""

from .detector import AnomalyDetector
from .thresholds import OBJECTIVES, STRATEGIES, threshold_for_objective

__all__ = ["AnomalyDetector", "OBJECTIVES", "STRATEGIES", "threshold_for_objective"]
