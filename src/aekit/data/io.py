"""Writing arrays (codes, reconstructions) to .npy, .csv or .parquet, atomically."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..core.atomic import atomic_path
from ..core.errors import DataError

ARRAY_SUFFIXES = (".npy", ".csv", ".parquet")


def write_array(values: np.ndarray, path: str | Path, *, labels=None, prefix: str = "x", columns=None,
                overwrite: bool = False) -> None:
    """Write ``values`` (flattened per sample for tables) with optional labels as a last column; an existing file
    is replaced only with ``overwrite`` (see :mod:`aekit.core.outputs`)."""
    from ..core.outputs import check_file

    path = check_file(path, overwrite=overwrite)
    suffix = path.suffix.lower()
    if suffix not in ARRAY_SUFFIXES:
        raise DataError(f"Cannot write {path.name}: expected a file ending in {', '.join(ARRAY_SUFFIXES)}.")
    with atomic_path(path) as temporary:
        if suffix == ".npy":
            with open(temporary, "wb") as handle:
                np.save(handle, values)
            return
        import pandas as pd

        flat = values.reshape(len(values), -1)
        if columns is None or len(columns) != flat.shape[1]:
            columns = [f"{prefix}{i}" for i in range(flat.shape[1])]
        frame = pd.DataFrame(flat, columns=columns)
        if labels is not None:
            frame["label"] = labels
        if suffix == ".csv":
            frame.to_csv(temporary, index=False)
        else:
            frame.to_parquet(temporary, index=False)
