"""The data behind `aekit detect fit`: a labelled training table, its missing values, and the rows held out to set
a threshold on."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...core.errors import ConfigError, DataError
from ...data.dataset import Dataset
from .labels import check_partial_labels
from .thresholds import check_binary_labels

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")


def read_training_table(path, label_column: str | None, nan_policy: str,
                        partial: bool = False) -> tuple[Dataset, np.ndarray | None]:
    """The training data and its 0/1 labels (or None); tables get the NaN policy, other files aekit's reader.
    ``partial``: labels may also be -1 (unknown), for ``--use-labels``."""
    from ...data import load
    from ...data.readers import read_frame, table_to_dataset

    path = Path(path)
    if path.suffix.lower() not in TABLE_SUFFIXES:
        dataset = load(data=str(path), label_column=label_column)
    else:
        frame = read_frame(path)
        if label_column is not None and label_column in frame.columns:
            if frame[label_column].isna().any():
                raise DataError(f"The label column {label_column!r} of {path.name} has empty cells; every row needs "
                                "a 0 (normal) or 1 (anomaly) label" + (", or -1 (unknown)." if partial else "."))
        features = frame.drop(columns=[label_column]) if label_column in frame.columns else frame
        frame = _apply_nan_policy(frame, features.columns, nan_policy, path.name)
        dataset = table_to_dataset(frame, label_column, path.name)
    labels = None
    if dataset.y is not None:
        name = f"the label column {label_column!r}" if label_column else f"the labels (y) of {path.name}"
        labels = check_partial_labels(dataset.y, len(dataset.y)) if partial else check_binary_labels(dataset.y,
                                                                                                       name=name)
        dataset = Dataset(dataset.X, labels, dataset.kind, dataset.name, dataset.feature_names, dataset.meta)
    return dataset, labels


def _apply_nan_policy(frame, features, policy: str, name: str):
    numeric = frame[features].select_dtypes("number")
    missing = numeric.isna() | ~np.isfinite(numeric.to_numpy(dtype=np.float64, na_value=np.nan))
    if not missing.to_numpy().any():
        return frame
    rows = np.flatnonzero(missing.to_numpy().any(axis=1))
    if policy == "error":
        column = numeric.columns[np.flatnonzero(missing.to_numpy()[rows[0]])[0]]
        raise DataError(
            f"{name} has {len(rows)} rows with empty, NaN or infinite values (first: data row {rows[0]}, column "
            f"{column!r}). Fix them, or pass --nan-policy drop (train without those rows) or --nan-policy impute "
            "(fill each column's mean)."
        )
    if policy == "drop":
        return frame.drop(index=frame.index[rows]).reset_index(drop=True)
    if policy == "impute":
        filled = frame.copy()
        clean = numeric.mask(missing)
        filled[numeric.columns] = clean.fillna(clean.mean())
        return filled
    raise ConfigError(f"Received nan_policy={policy!r}; expected error, impute or drop.")


def split_for_threshold(dataset: Dataset, labels, normal_only: bool, objective: bool, fraction: float, seed: int):
    """``(train, validation)``; validation (labelled) only when the threshold is chosen by an objective."""
    if labels is None:
        return dataset, None
    normal = np.flatnonzero(labels == 0)
    if normal_only and len(normal) == 0:
        raise DataError("--normal-only found no rows labelled 0; every row is labelled as an anomaly.")
    if not objective:
        return (dataset.subset(normal) if normal_only else dataset), None
    if not 0 < fraction < 1:
        raise ConfigError(f"Received --validation-fraction {fraction}; expected a number between 0 and 1.")
    rng = np.random.default_rng(seed)
    anomalies = rng.permutation(np.flatnonzero(labels == 1))
    normal = rng.permutation(normal)
    held_normal = normal[:int(round(fraction * len(normal)))]
    if normal_only:
        # Every anomaly can judge the threshold: none of them is trained on anyway.
        return dataset.subset(np.sort(normal[len(held_normal):])), dataset.subset(
            np.sort(np.concatenate([held_normal, anomalies])))
    # Trained on every row: hold out the same share of each class, so the threshold is judged on unseen rows.
    held_anomalies = anomalies[:int(round(fraction * len(anomalies)))]
    held = np.concatenate([held_normal, held_anomalies])
    kept = np.setdiff1d(np.arange(len(labels)), held)
    return dataset.subset(kept), dataset.subset(np.sort(held))
