"""Label-aware detection (``labels="use"``): a few known anomalies sharpen the score and set the threshold.

ADBench's semi-supervised setting, and many fraud teams, have a handful of confirmed anomalies next to many
unlabelled rows. With ``labels="use"``, ``fit(X, y)`` reads ``y`` as 0 (normal), 1 (anomaly) or -1 (unknown):

- known anomalies never enter the model of normal data (autoencoder, error model, neighbour references);
- the score gains a label part, ``scale * n / (n + a)``: ``a`` is a row's squared distance to the nearest known
  anomaly and ``n`` to the nearest normal reference (both in the scaled space), and ``scale`` the 99th
  percentile of the training scores. A row much closer to a known anomaly than to any normal row gains nearly
  ``scale``; a row among normal rows gains nearly nothing. The part is shared among the row's columns in
  proportion to their other contributions, so contributions still sum to the score;
- with ``threshold="contamination"`` (the default), the threshold is the one that maximises F1 on the labelled
  rows (the known anomalies, scored as unseen rows, against the rows labelled 0, or the unlabelled ones).

By default (``labels="ignore"``) ``fit`` ignores ``y``, as PyOD's detector contract says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.errors import ConfigError, DataError
from .neighbours import NeighbourModel

LABEL_MODES = ("ignore", "use")
SCALE_QUANTILE = 0.99


def check_label_mode(labels) -> None:
    if labels not in LABEL_MODES:
        raise ConfigError(f"Received labels={labels!r}; expected 'ignore' (fit ignores y, the default) or 'use' "
                          "(y gives 0 = normal, 1 = anomaly, -1 = unknown for each training row).")


def check_partial_labels(y, n: int) -> np.ndarray:
    """``y`` as an int array of 0, 1 and -1, one per training row."""
    if y is None:
        raise DataError("labels='use' needs y: one value per training row, 0 (normal), 1 (anomaly) or -1 (unknown). "
                        "Pass fit(X, y), or leave labels='ignore' to train without labels.")
    values = np.asarray(y).reshape(-1)
    if len(values) != n:
        raise DataError(f"Received {len(values)} labels for {n} training rows; expected one per row.")
    try:
        numbers = values.astype(np.float64)
    except (TypeError, ValueError):
        numbers = np.full(len(values), np.nan)
    bad = ~np.isin(numbers, (0.0, 1.0, -1.0))
    if bad.any():
        shown = ", ".join(repr(v) for v in values[bad][:5].tolist())
        raise DataError(f"Received label values {shown} ({int(bad.sum())} rows); expected 0 (normal), 1 (anomaly) "
                        "or -1 (unknown). Map other codes to these first.")
    return numbers.astype(int)


@dataclass
class LabelModel:
    """Known anomalies (scaled), the normal references they are compared with, and the part's scale."""

    anomalies: NeighbourModel
    normal: NeighbourModel
    scale: float
    training_part: np.ndarray

    def to_meta(self) -> dict:
        return {"scale": self.scale, "known_anomalies": int(len(self.anomalies.references))}

    def totals(self, scaled: np.ndarray) -> np.ndarray:
        near_anomaly = self.anomalies.contributions(scaled).sum(axis=1)
        near_normal = self.normal.contributions(scaled).sum(axis=1)
        return self.scale * near_normal / np.maximum(near_normal + near_anomaly, 1e-12)

    def contributions(self, scaled: np.ndarray, others: np.ndarray | None = None) -> np.ndarray:
        """Per-value parts ``(n, d)``: each row's label part, spread like its ``others`` contributions (evenly
        where those are all zero or absent)."""
        totals = self.totals(scaled)
        width = int(np.prod(scaled.shape[1:]))
        weights = np.full((len(totals), width), 1.0 / width)
        if others is not None:
            positive = np.clip(others, 0, None)
            sums = positive.sum(axis=1, keepdims=True)
            weights = np.divide(positive, sums, out=weights, where=sums > 0)
        return weights * totals[:, None]


def fit_label_part(detector, training_X: np.ndarray, kept: np.ndarray, anomalies_X: np.ndarray) -> LabelModel:
    """The label part for a detector fitted on ``training_X`` (normal and unlabelled rows; ``kept``: those the
    model of normal data kept), given the known anomalies. ``training_part`` is each training row's part."""
    scaler = detector.autoencoder_.scaler_
    training = scaler.transform(training_X).reshape(len(training_X), -1)
    reference = detector.neighbour_model_
    if reference is None:
        reference, _ = NeighbourModel.fit(training, kept, 1, detector.config_.seed)
    known = scaler.transform(anomalies_X).reshape(len(anomalies_X), -1)
    model = label_model(known, reference.references, float(np.quantile(detector.decision_scores_, SCALE_QUANTILE)))
    model.training_part = np.concatenate([model.totals(training[i:i + 8192]) for i in range(0, len(training), 8192)])
    return model


def label_model(known_anomalies: np.ndarray, normal_references: np.ndarray, scale: float) -> LabelModel:
    return LabelModel(NeighbourModel(np.ascontiguousarray(known_anomalies, dtype=np.float32), 1),
                      NeighbourModel(np.ascontiguousarray(normal_references, dtype=np.float32), 1),
                      float(scale) or 1.0, np.zeros(0))
