"""Why a row was flagged: its score split over the columns it reconstructs worst; heat maps for images.

A row's score is the sum of its per-column contributions (see :mod:`aekit.tasks.anomaly.scoring`), so
``contribution`` sums to the score over the row's columns and ``share = contribution / score`` sums to 1.
``value`` is the row's value and ``expected`` what the autoencoder reconstructed from it, both in the
data's own units.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...core.errors import ConfigError, DataError
from ...data.dataset import as_dataset

if TYPE_CHECKING:
    from matplotlib.figure import Figure

EXPLAIN_COLUMNS = ["row", "score", "is_anomaly", "rank", "feature", "value", "expected", "contribution", "share"]


def top_features(errors: np.ndarray, top: int) -> np.ndarray:
    """Indices of each row's ``top`` largest values of ``errors``, largest first, shape ``(n, top)``."""
    top = min(top, errors.shape[1])
    if top == errors.shape[1]:
        return np.argsort(-errors, axis=1, kind="stable")
    # argpartition is O(d) per row; only the few winners get sorted.
    part = np.argpartition(-errors, top - 1, axis=1)[:, :top]
    order = np.argsort(-np.take_along_axis(errors, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def explain_rows(detector, X, top: int = 3):
    """A long DataFrame: for each row of ``X``, its ``top`` worst-reconstructed columns (see module doc)."""
    import pandas as pd

    detector._check_fitted()
    if detector.kind_ != "table":
        raise DataError("explain() breaks scores down by column, for tables. For images use "
                        "error_maps(X) or plot_error_maps(), which draw per-pixel error heat maps.")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ConfigError(f"Received top={top!r}; expected a positive integer (how many columns per row).")
    index = np.asarray(X.index) if hasattr(X, "index") and hasattr(X, "columns") else None
    dataset = as_dataset(X, feature_names=detector.feature_names_)
    scaled = detector._scaled(dataset)
    reconstructed = detector.autoencoder_.reconstruct_scaled(scaled)
    contributions = detector._contributions_of_scaled(scaled)
    n, width = contributions.shape
    scores = contributions.sum(axis=1)
    chosen = top_features(contributions, top)
    rows = np.repeat(np.arange(n), chosen.shape[1])
    features = chosen.ravel()
    names = np.asarray(detector.feature_names_ or [f"x{i}" for i in range(width)], dtype=object)
    expected = detector.scaler_.inverse_transform(reconstructed)
    share = np.divide(contributions[rows, features], scores[rows], out=np.zeros(len(rows)), where=scores[rows] > 0)
    return pd.DataFrame({
        "row": (index if index is not None else np.arange(n))[rows],
        "score": scores[rows],
        "is_anomaly": (scores[rows] > detector.threshold_).astype(int),
        "rank": np.tile(np.arange(1, chosen.shape[1] + 1), n),
        "feature": names[features],
        "value": dataset.X[rows, features].astype(np.float64),
        "expected": expected[rows, features].astype(np.float64),
        "contribution": contributions[rows, features],
        "share": share,
    }, columns=EXPLAIN_COLUMNS)


def error_maps(detector, X) -> np.ndarray:
    """Per-pixel squared reconstruction error of images, averaged over channels: ``(n, height, width)``."""
    detector._check_fitted()
    if detector.kind_ != "image":
        raise DataError("error_maps() is for images; for tables use explain(X), which names the columns "
                        "reconstructed worst.")
    scaled = detector._scaled(X)
    errors = (scaled.astype(np.float64) - detector.autoencoder_.reconstruct_scaled(scaled)) ** 2
    return errors.mean(axis=-1)


def plot_error_maps(detector, X, path: str | Path, count: int = 8) -> "Figure":
    """Originals, reconstructions and error heat maps of the first ``count`` images, one column each."""
    from ...core.plots import save_figure, subplots

    subset = as_dataset(X).subset(slice(0, count))
    images = detector._scaled(subset)
    reconstructed = detector.autoencoder_.reconstruct_scaled(images)
    maps, scores = error_maps(detector, subset), detector.decision_function(subset)
    figure, axes = subplots(3, len(images), figsize=(1.4 * len(images), 4.4), squeeze=False)
    top = float(maps.max()) or 1.0
    for col in range(len(images)):
        for row, (picture, cmap, vmax) in enumerate(((images[col], "gray", 1), (reconstructed[col], "gray", 1),
                                                     (maps[col], "inferno", top))):
            shown = picture[..., 0] if picture.ndim == 3 and picture.shape[-1] == 1 else picture
            axes[row, col].imshow(np.clip(shown, 0, None), cmap=cmap, vmin=0, vmax=vmax)
            axes[row, col].set_xticks([])
            axes[row, col].set_yticks([])
        flag = " *" if scores[col] > detector.threshold_ else ""
        axes[0, col].set_title(f"{scores[col]:.3g}{flag}", fontsize=8)
    for row, label in enumerate(("original", "reconstructed", "squared error")):
        axes[row, 0].set_ylabel(label, fontsize=8)
    figure.suptitle("Score above each image (* = flagged)", fontsize=9)
    return save_figure(figure, path)


def explain_table(detector, data, rows: str | None, count: int, top: int):
    """The explanation of chosen rows (or the ``count`` highest-scoring ones) of a table file."""
    from ...data.readers import read_frame

    frame = read_frame(data)
    if rows:
        try:
            chosen = [int(r) for r in str(rows).replace(" ", "").split(",") if r]
        except ValueError:
            raise DataError(f"Received --rows {rows!r}; expected comma-separated row numbers such as 3,17.") from None
        outside = [r for r in chosen if not 0 <= r < len(frame)]
        if outside:
            raise DataError(f"Rows {outside} are outside {Path(data).name}, which has data rows 0 to {len(frame) - 1}.")
    else:
        scores = detector.decision_function(frame)
        chosen = list(np.argsort(-scores, kind="stable")[:count])
    return detector.explain(frame.iloc[chosen], top=top)
