"""Arrays (codes, reconstructions) written to .npy, .csv or .parquet: at once, or a block at a time for data larger
than memory. The file appears only once complete (atomic), under the output rule of :mod:`aekit.core.outputs`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..core.atomic import atomic_path
from ..core.errors import DataError
from .parts import copy_rows

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


class ArrayWriter:
    """Rows written block by block to .npy, .csv or .parquet; the file appears only on :meth:`commit`."""

    def __init__(self, path: str | Path, *, prefix: str = "x", columns=None, labels: bool = False):
        self.path = Path(path)
        self.suffix = self.path.suffix.lower()
        if self.suffix not in ARRAY_SUFFIXES:
            raise DataError(f"Cannot write {self.path.name}: expected a file ending in {', '.join(ARRAY_SUFFIXES)}.")
        self.prefix, self.columns, self.labels = prefix, columns, labels
        self.rows, self.shape, self.dtype = 0, None, None
        self._context = atomic_path(self.path)
        self._temporary = self._context.__enter__()
        self._raw = open(self._temporary.with_suffix(".raw"), "wb") if self.suffix == ".npy" else None
        self._writer = None

    def write(self, values: np.ndarray, labels=None) -> None:
        if self.shape is None:
            self.shape, self.dtype = values.shape[1:], values.dtype
        self.rows += len(values)
        if self._raw is not None:
            self._raw.write(np.ascontiguousarray(values, self.dtype).tobytes())
            return
        import pyarrow as pa

        flat = values.reshape(len(values), -1)
        names = self.columns if self.columns is not None and len(self.columns) == flat.shape[1] else \
            [f"{self.prefix}{i}" for i in range(flat.shape[1])]
        table = pa.table({**{name: flat[:, j] for j, name in enumerate(names)},
                          **({"label": np.asarray(labels)} if labels is not None else {})})
        if self._writer is None:
            if self.suffix == ".parquet":
                import pyarrow.parquet as pq

                self._writer = pq.ParquetWriter(self._temporary, table.schema)
            else:
                import pyarrow.csv as pcsv

                self._writer = pcsv.CSVWriter(str(self._temporary), table.schema)
        self._writer.write_table(table)

    def commit(self) -> None:
        if self._raw is not None:
            self._raw.close()
            raw = Path(self._raw.name)
            dtype, shape = np.dtype(self.dtype or np.float32), (self.rows, *(self.shape or ()))
            rows = np.memmap(raw, dtype=dtype, mode="r", shape=shape) if self.rows else np.zeros(shape, dtype)
            copy_rows([rows], self._temporary, dtype, shape)
            del rows
            raw.unlink()
        elif self._writer is not None:
            self._writer.close()
        self._context.__exit__(None, None, None)

    def abort(self) -> None:
        if self._raw is not None:
            self._raw.close()
            Path(self._raw.name).unlink(missing_ok=True)
        elif self._writer is not None:
            self._writer.close()
        self._context.__exit__(RuntimeError, RuntimeError("aborted"), None)
