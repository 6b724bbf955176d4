"""How sure a detector is of each 0/1 answer: ExCeeD (Perini, Vercruyssen and Davis, ECML PKDD 2020), as PyOD's
``predict_confidence`` computes it, from where a score falls among the training scores."""

from __future__ import annotations

import numpy as np
from scipy.stats import binom


def exceed_confidence(training_scores: np.ndarray, scores: np.ndarray, threshold: float,
                      contamination: float) -> np.ndarray:
    """Confidence in [0, 1] of each prediction (score above ``threshold``: anomaly).

    A score's share of training scores at or below it, smoothed ((k + 1) / (n + 2)), is the chance that one
    training row scores lower; the confidence that the row is an anomaly is the chance that more than
    ``n - n * contamination`` of ``n`` rows would score lower (a binomial tail). For rows predicted normal it is
    the complement."""
    training = np.sort(np.asarray(training_scores, np.float64))
    n = len(training)
    below = np.searchsorted(training, np.asarray(scores, np.float64), side="right")
    share = (1.0 + below) / (2.0 + n)
    anomalous = 1.0 - binom.cdf(n - int(n * contamination), n, share)
    predicted = np.asarray(scores) > threshold
    return np.where(predicted, anomalous, 1.0 - anomalous)
