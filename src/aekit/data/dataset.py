"""The in-memory dataset every reader returns, and the checks every dataset passes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.errors import DataError, did_you_mean


@dataclass
class Dataset:
    """Samples plus optional labels.

    ``X`` is ``(n, features)`` for tables and ``(n, height, width, channels)`` for images.

    Parameters
    ----------
    X : numpy.ndarray
        The samples: ``(n, features)`` for a table, ``(n, height, width, channels)`` for images.
    y : numpy.ndarray, optional
        One label per sample (shape ``(n,)``), or None.
    kind : {"table", "image"}, default="table"
        What ``X`` holds.
    name : str, default="array"
        What the data is called in messages (a file name, a dataset's name).
    feature_names : list of str, optional
        The name of each column of a table (from a CSV header or a DataFrame), or None.
    meta : dict, default={}
        What the reader knew besides: ``split`` for a named dataset, ``files`` (one file name per sample) and
        ``classes`` for images read from files, ``source`` for data the command line read.
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
        """The shape of one sample: ``(features,)`` or ``(height, width, channels)``."""
        return tuple(int(d) for d in self.X.shape[1:])

    def subset(self, index) -> "Dataset":
        """The samples at ``index``, with their labels and file names.

        Parameters
        ----------
        index : slice, array of int or array of bool
            Which samples, as NumPy indexes ``X``'s first axis.

        Returns
        -------
        Dataset
            A new dataset of those samples; ``y`` and ``meta["files"]`` are indexed alike, the rest is kept.
        """
        y = None if self.y is None else self.y[index]
        meta = dict(self.meta)
        if "files" in meta:  # one name per sample: kept in step with the rows
            meta["files"] = np.asarray(meta["files"], dtype=object)[index].tolist()
        return Dataset(self.X[index], y, self.kind, self.name, self.feature_names, meta)


def from_array(X, y=None, name: str = "array") -> Dataset:
    """Wrap a NumPy array (or anything array-like) as a validated dataset.

    2-D arrays are tables; 3-D arrays are grayscale images; 4-D arrays are images with channels.

    Parameters
    ----------
    X : array-like
        Numbers (or booleans), shape ``(n, features)``, ``(n, height, width)`` or ``(n, height, width,
        channels)``; an object array is converted to float64. Sparse and complex input is refused.
    y : array-like, optional
        One label per sample.
    name : str, default="array"
        What the data is called in messages.

    Returns
    -------
    Dataset
        A ``table`` for 2-D input, else an ``image`` dataset (a 3-D array gains a channel axis).

    Raises
    ------
    DataError
        For sparse, complex, non-numeric, 1-D or over 4-D input, and whatever :func:`check_dataset` refuses.
    """
    if hasattr(X, "tocsr") or hasattr(X, "todense"):  # scipy.sparse matrices and arrays
        raise DataError(f"Received a sparse {type(X).__name__}; sparse input is not supported (the network takes "
                        "dense arrays). Convert it with X.toarray() if it fits in memory.")
    try:
        X = np.asarray(X)
    except (TypeError, ValueError) as exc:
        raise DataError(f"Could not turn the input into a numeric array: {exc}") from None
    if np.iscomplexobj(X):
        raise DataError(f"Received complex numbers (dtype {X.dtype}). Complex data not supported: pass the real and "
                        "imaginary parts as separate features: np.concatenate([X.real, X.imag], axis=1).")
    if X.dtype == object:
        X = _numbers_of_objects(X)
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise DataError(
            f"Received an array of dtype {X.dtype}; expected numbers. "
            "Convert text columns to numbers or drop them before fitting."
        )
    if X.ndim == 1:
        raise DataError(
            f"Received a 1-D array of shape {X.shape}; expected 2-D (samples, features) or images. Reshape your "
            "data with X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a single sample."
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


class ObjectDataError(DataError, TypeError):
    """An array of Python objects that are not numbers (as NumPy raises a TypeError for them)."""


def _numbers_of_objects(X: np.ndarray) -> np.ndarray:
    """An object array of numbers as floats (what scikit-learn accepts); anything else refused."""
    try:
        return X.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ObjectDataError(f"Received an array of dtype object holding values that are not numbers ({exc}); "
                              "expected numbers. Convert text columns to numbers or drop them first.") from None


def check_dataset(dataset: Dataset) -> Dataset:
    """Reject empty data, non-finite values and label arrays of the wrong length.

    Parameters
    ----------
    dataset : Dataset
        The dataset to check.

    Returns
    -------
    Dataset
        ``dataset`` itself, unchanged.

    Raises
    ------
    DataError
        When it has no samples or features, holds NaN or infinite values (naming the first row and column), or
        has not one label per sample.
    """
    X = dataset.X
    if len(X) == 0 or X.size == 0:
        features = int(np.prod(X.shape[1:])) if X.ndim > 1 else 0
        raise DataError(
            f"The dataset {dataset.name!r} is empty: {len(X)} sample(s) and {features} feature(s) (shape={X.shape}) "
            "while a minimum of 1 is required of each. Check the path, glob or filter that selected it."
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


def as_dataset(X, y=None, *, feature_names: list[str] | None = None, name: str = "X") -> Dataset:
    """Any input as a validated :class:`Dataset`: a Dataset, a pandas DataFrame or an array, with optional labels
    ``y`` (which win over a Dataset's own).

    A DataFrame keeps its column names. Given the columns a model was trained on (``feature_names``), its
    columns are matched by name, so their order does not matter; a missing one is an error naming it, and
    columns the model was not trained on (ids, labels) are left out.
    """
    if isinstance(X, Dataset):
        dataset = X
        if feature_names is not None and dataset.feature_names is not None and \
                list(dataset.feature_names) != list(feature_names):
            chosen = feature_columns(list(dataset.feature_names), list(feature_names), dataset.name)
            index = [dataset.feature_names.index(c) for c in chosen]
            dataset = Dataset(dataset.X[:, index], dataset.y, dataset.kind, dataset.name, chosen, dict(dataset.meta))
    elif is_dataframe(X):
        frame = X.rename(columns=str)
        if feature_names is not None:
            frame = frame[feature_columns(list(frame.columns), list(feature_names), name)]
        dataset = table_to_dataset(frame, None, name)
    else:
        dataset = from_array(X, name=name)
    if y is not None:
        labels = np.asarray(y)
        if len(labels) != len(dataset):
            raise DataError(f"Received {len(labels)} labels for {len(dataset)} samples; expected one label per sample.")
        dataset = Dataset(dataset.X, labels, dataset.kind, dataset.name, dataset.feature_names, dict(dataset.meta))
    return dataset


def table_to_dataset(frame, label_column: str | None, name: str) -> Dataset:
    labels = None
    if label_column is not None:
        if label_column not in frame.columns:
            raise DataError(
                f"Label column {label_column!r} is not in {name}.{did_you_mean(label_column, map(str, frame.columns))} "
                f"Columns: {', '.join(map(str, frame.columns[:20]))}{' ...' if len(frame.columns) > 20 else ''}."
            )
        labels = frame[label_column].to_numpy()
        frame = frame.drop(columns=[label_column])
    if len(frame) == 0 or len(frame.columns) == 0:
        raise DataError(f"The table {name} is empty ({len(frame)} rows, {len(frame.columns)} feature columns); "
                        "expected at least one row of numeric features.")
    non_numeric = [str(c) for c in frame.columns if not _is_numeric(frame[c])]
    if non_numeric:
        raise DataError(
            f"{name} has non-numeric columns: {', '.join(non_numeric[:10])}. aekit trains on numeric features; "
            "drop these columns, encode them as numbers, or name the label with --label-column."
        )
    X = frame.to_numpy(dtype=np.float32, na_value=np.nan)
    dataset = Dataset(X, labels, "table", name, [str(c) for c in frame.columns])
    return check_dataset(dataset)


def _is_numeric(column) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def feature_columns(available: list[str], expected: list[str], source: str) -> list[str]:
    """The training columns, in training order, checking that ``available`` holds every one of them once."""
    present = set(available)
    missing = [c for c in expected if c not in present]
    if missing:
        extra = [c for c in available if c not in set(expected)]
        hints = "".join(did_you_mean(c, extra) for c in missing[:3])
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise DataError(
            f"{source} lacks {len(missing)} of the model's {len(expected)} feature columns: {shown}.{hints} "
            f"The model was trained on: {', '.join(expected[:40])}{' ...' if len(expected) > 40 else ''}. "
            "Columns are matched by name, so their order does not matter; rename or add the missing ones."
        )
    duplicated = sorted({c for c in available if available.count(c) > 1} & set(expected))
    if duplicated:
        raise DataError(f"{source} has more than one column named {', '.join(duplicated)}; "
                        "expected each feature column once.")
    return list(expected)


def is_dataframe(X) -> bool:
    return type(X).__name__ == "DataFrame" and hasattr(X, "columns") and hasattr(X, "to_numpy")


def sample_shape_error(shape: tuple, expected: tuple, what: str = "The data") -> DataError:
    """The error for samples of another shape than a model's, saying what differs and how to fix it."""
    if len(shape) == 3 and len(expected) == 3 and shape[:2] == expected[:2] and shape[2] != expected[2]:
        have, want = ("grayscale", "colour (RGB)") if shape[2] == 1 else ("colour (RGB)", "grayscale")
        how = ("np.repeat(x, 3, axis=-1)" if shape[2] == 1 else
               "x @ [0.299, 0.587, 0.114] (then x[..., None])")
        return DataError(f"{what} holds {have} images (shape {shape}), but this model was trained on {want} images "
                         f"of shape {expected}. Convert them first, e.g. {how}; the command line converts image "
                         "files by itself.")
    if len(shape) == 3 and len(expected) == 3 and shape[:2] != expected[:2]:
        return DataError(f"{what} holds {shape[0]}x{shape[1]} images, but this model was trained on "
                         f"{expected[0]}x{expected[1]} images. Resize them to {expected[0]}x{expected[1]} first "
                         "(--image-size on the command line); denoise and upscale take images of any size.")
    counts = (f" (X has {shape[0]} features, but it is expecting {expected[0]} features as input)"
              if len(shape) == len(expected) == 1 else "")
    return DataError(f"{what} has samples of shape {shape}, but this model was trained on samples of shape "
                     f"{expected}{counts}. Pass data with the same features (or image size) as the training data.")
