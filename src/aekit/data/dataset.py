"""The in-memory dataset every reader returns, and the checks every dataset passes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError


@dataclass
class Dataset:
    """Samples plus optional labels.

    ``X`` is ``(n, features)`` for tables and ``(n, height, width, channels)`` for images.
    """

    X: np.ndarray
    y: np.ndarray | None = None
    kind: str = "table"  # "table" or "image"
    name: str = "array"
    feature_names: list[str] | None = None
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.X)

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(int(d) for d in self.X.shape[1:])

    def subset(self, index) -> "Dataset":
        y = None if self.y is None else self.y[index]
        meta = dict(self.meta)
        if "files" in meta:  # one name per sample: kept in step with the rows
            meta["files"] = np.asarray(meta["files"], dtype=object)[index].tolist()
        return Dataset(self.X[index], y, self.kind, self.name, self.feature_names, meta)


def from_array(X, y=None, name: str = "array") -> Dataset:
    """Wrap a NumPy array (or anything array-like) as a validated dataset.

    2-D arrays are tables; 3-D arrays are grayscale images; 4-D arrays are images with channels.
    """
    try:
        X = np.asarray(X)
    except (TypeError, ValueError) as exc:
        raise DataError(f"Could not turn the input into a numeric array: {exc}") from None
    if X.dtype == object or not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise DataError(
            f"Received an array of dtype {X.dtype}; expected numbers. "
            "Convert text columns to numbers or drop them before fitting."
        )
    if X.ndim == 1:
        raise DataError(
            f"Received a 1-D array of shape {X.shape}; expected 2-D (samples, features) or images. "
            "Use X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a single sample."
        )
    if X.ndim == 3:
        X = X[..., None]
    if X.ndim > 4:
        raise DataError(f"Received an array of shape {X.shape}; expected 2, 3 or 4 dimensions.")
    kind = "image" if X.ndim == 4 else "table"
    labels = None if y is None else np.asarray(y)
    dataset = Dataset(X, labels, kind, name)
    check_dataset(dataset)
    return dataset


def check_dataset(dataset: Dataset) -> Dataset:
    """Reject empty data, non-finite values and label arrays of the wrong length."""
    X = dataset.X
    if len(X) == 0 or X.size == 0:
        raise DataError(
            f"The dataset {dataset.name!r} is empty (shape {X.shape}); expected at least one sample "
            "with at least one feature. Check the path, glob or filter that selected it."
        )
    if np.issubdtype(X.dtype, np.floating) and not np.isfinite(X).all():
        bad = ~np.isfinite(X.reshape(len(X), -1))
        rows = np.flatnonzero(bad.any(axis=1))
        where = f"row {rows[0]}"
        if dataset.feature_names is not None:
            where += f", column {dataset.feature_names[int(np.flatnonzero(bad[rows[0]])[0])]!r}"
        raise DataError(
            f"The dataset {dataset.name!r} holds {int(bad.sum())} NaN or infinite values in {len(rows)} rows "
            f"(first at {where}). Remove or impute them (e.g. with pandas fillna) before training."
        )
    if dataset.y is not None and len(dataset.y) != len(X):
        raise DataError(f"Received {len(dataset.y)} labels for {len(X)} samples; expected one label per sample.")
    return dataset
