"""How reconstruction errors become one anomaly score per row, split into per-feature contributions.

Every method maps a row's residual ``r = x - reconstruction(x)`` (in the scaled space) to contributions
``c`` with one entry per value, and the score is ``c.sum()``; explanations and the streaming scorer show
the same ``c``, so what they report always adds up to the score.

- ``"mse"``: ``c = r**2 / d``, the mean squared error per value (the classic tutorial score);
- ``"normalized"``: each value's squared error divided by its mean over the training rows, so a column
  that is always hard to reconstruct does not drown the others;
- ``"mahalanobis"``: the squared Mahalanobis distance of the residual from the training residuals (a
  Gaussian model of the reconstruction errors, as Malhotra et al. 2016 score their LSTM autoencoder),
  with Ledoit-Wolf shrinkage so the covariance is well conditioned even for wide tables. Normal rows'
  residuals are correlated (the autoencoder misses certain directions together); this score discounts
  those shared misses and stresses residuals that break the pattern. ``c = (r - m) * (P (r - m)) / d``
  with mean ``m`` and precision ``P``; a contribution can be negative when correlated columns offset each
  other, but the contributions still sum to the score.

All three are divided by the number of values ``d``, so on training rows they average about 1
(``normalized``, ``mahalanobis``) or the mean squared error (``mse``), whatever the width.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...core.errors import ArtifactError, unknown_name_error

METHODS = ("mahalanobis", "normalized", "mse")
# A full covariance of more columns than this costs more memory (d x d) than it buys; wider tables fall back
# to per-column normalisation.
MAX_MAHALANOBIS_FEATURES = 1024
PRECISION_FILE = "residual_precision.npy"
SCORE_CHUNK = 65_536  # rows reconstructed at a time: bounds memory on large inputs


def resolve_method(score_method, kind: str, n_values: int) -> str:
    """The method ``score_method`` names; ``"auto"``: Mahalanobis for tables up to MAX_MAHALANOBIS_FEATURES
    columns, per-column normalisation for wider ones, the plain MSE for images (pixels share one scale)."""
    if score_method == "auto":
        if kind != "table":
            return "mse"
        return "mahalanobis" if n_values <= MAX_MAHALANOBIS_FEATURES else "normalized"
    if score_method not in METHODS:
        raise unknown_name_error("score method", score_method, ("auto", *METHODS))
    return score_method


@dataclass
class ErrorModel:
    """The fitted part of a score method: per-value scales, or the residuals' mean and precision."""

    method: str
    scale: np.ndarray | None = None
    location: np.ndarray | None = None
    precision: np.ndarray | None = None

    @classmethod
    def fit(cls, method: str, residuals: np.ndarray) -> "ErrorModel":
        """Fit on the training rows' residuals ``(n, d)``."""
        residuals = np.asarray(residuals, dtype=np.float64)
        if method == "mse":
            return cls(method)
        if method == "normalized":
            mean = (residuals ** 2).mean(axis=0)
            # Floored, so near-constant columns (error ~0 in training) never divide by almost zero.
            floor = max(1e-2 * float(np.median(mean)), 1e-6)
            return cls(method, scale=np.maximum(mean, floor))
        from sklearn.covariance import LedoitWolf

        # Shrinkage also keeps a constant column (zero residual variance) invertible.
        estimate = LedoitWolf().fit(residuals)
        return cls(method, location=estimate.location_, precision=estimate.precision_)

    def contributions(self, residuals: np.ndarray) -> np.ndarray:
        """Per-value contributions ``(n, d)``; each row sums to its score."""
        residuals = np.asarray(residuals, dtype=np.float64)
        width = residuals.shape[1]
        if self.method == "mse":
            return residuals ** 2 / width
        if self.method == "normalized":
            return residuals ** 2 / self.scale / width
        centred = residuals - self.location
        return centred * (centred @ self.precision) / width

    def scores(self, residuals: np.ndarray) -> np.ndarray:
        return self.contributions(residuals).sum(axis=1)

    # -- saving: the method and scales in aekit.json, the precision matrix beside it -----------------
    def to_meta(self) -> dict:
        return {"method": self.method,
                "scale": None if self.scale is None else self.scale.tolist(),
                "location": None if self.location is None else self.location.tolist()}

    def save_files(self, folder: Path) -> None:
        if self.precision is not None:
            with open(Path(folder) / PRECISION_FILE, "wb") as handle:
                np.save(handle, self.precision)

    @classmethod
    def from_saved(cls, meta: dict, folder: Path, n_values: int) -> "ErrorModel":
        try:
            method = str(meta["method"])
            scale = None if meta.get("scale") is None else np.asarray(meta["scale"], dtype=np.float64)
            location = None if meta.get("location") is None else np.asarray(meta["location"], dtype=np.float64)
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"The saved score method is malformed ({exc}); refit and save the detector.") from None
        if method not in METHODS:
            raise ArtifactError(f"The saved score method {method!r} is not one of {METHODS}; refit the detector.")
        precision = None
        if method == "mahalanobis":
            path = Path(folder) / PRECISION_FILE
            try:
                precision = np.load(path, allow_pickle=False).astype(np.float64)
            except (OSError, ValueError, EOFError) as exc:
                raise ArtifactError(f"{path} is missing or unreadable ({type(exc).__name__}); the Mahalanobis "
                                    "score needs it. Refit and save the detector again.") from None
        model = cls(method, scale=scale, location=location, precision=precision)
        expected = {"normalized": [("scale", scale)], "mahalanobis": [("location", location), ("precision", precision)]}
        for name, value in expected.get(method, []):
            shape = (n_values,) if name != "precision" else (n_values, n_values)
            if value is None or value.shape != shape:
                raise ArtifactError(f"The saved {name} of the {method} score does not fit a model of {n_values} "
                                    "values; the run is inconsistent. Refit it.")
        return model


# -- residuals of a fitted autoencoder, in chunks -------------------------------------------------------
def score_chunks(rows: np.ndarray):
    """``rows`` in slices of SCORE_CHUNK (at least one, possibly empty)."""
    return [rows[i:i + SCORE_CHUNK] for i in range(0, max(len(rows), 1), SCORE_CHUNK)]


def residuals(autoencoder, scaled: np.ndarray) -> np.ndarray:
    """``scaled - reconstruction``, flattened to ``(n, values)``."""
    return (scaled - autoencoder.reconstruct_scaled(scaled)).reshape(len(scaled), -1).astype(np.float64)


def training_scores(autoencoder, X: np.ndarray, kept: np.ndarray, method: str):
    """``(error_model, scores)``: the score method fitted on the ``kept`` training rows, and every row's score."""
    errors = np.concatenate([residuals(autoencoder, autoencoder.scaler_.transform(part)) for part in score_chunks(X)])
    model = ErrorModel.fit(method, errors[kept])
    return model, np.concatenate([model.scores(part) for part in score_chunks(errors)])
