"""Inputs as the detector sees them: arrays, DataFrames (aligned by column name) and aekit Datasets."""

from __future__ import annotations

from ...data.dataset import Dataset, check_dataset, from_array
from ...errors import DataError, did_you_mean


def as_dataset(X, feature_names: list[str] | None = None, name: str = "X") -> Dataset:
    """Wrap ``X`` as a validated Dataset.

    A pandas DataFrame keeps its column names; when the model knows its training columns
    (``feature_names``), the frame's columns are matched by name, so reordered columns are fine,
    while missing ones are an error naming them. Extra columns are ignored.
    """
    if isinstance(X, Dataset):
        return X
    if _is_dataframe(X):
        frame = X.rename(columns=str)
        if feature_names is not None:
            frame = frame[feature_columns(list(frame.columns), feature_names, name)]
        from ...data.readers import table_to_dataset

        return table_to_dataset(frame, None, name)
    return from_array(X, name=name)


def feature_columns(available: list[str], expected: list[str], source: str) -> list[str]:
    """The training columns, in training order, checking that ``available`` holds every one of them."""
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


def check_training_rows(dataset: Dataset, minimum: int) -> None:
    check_dataset(dataset)
    if len(dataset) < minimum:
        raise DataError(
            f"Received {len(dataset)} training row{'s' if len(dataset) != 1 else ''}; the detector needs at "
            f"least {minimum} to learn what normal data looks like. Fit on more rows (a single row can be "
            "scored, not learned from)."
        )


def _is_dataframe(X) -> bool:
    return type(X).__name__ == "DataFrame" and hasattr(X, "columns") and hasattr(X, "to_numpy")

