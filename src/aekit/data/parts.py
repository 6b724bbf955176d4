"""Outputs written a block at a time, and work split across processes by shard then joined in order.

``--jobs N`` gives each of N processes a contiguous run of the input shards; each writes its own part
file, and the parts are joined, in shard order, into the one output the user asked for, which appears
only when every part is complete. Memory stays bounded: parts are joined by streaming copies.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np

from ..core.atomic import atomic_path
from ..core.errors import DataError

ARRAY_SUFFIXES = (".npy", ".csv", ".parquet")
COPY_ROWS = 65_536


def shard_groups(paths: list, jobs: int) -> list[list]:
    """``paths`` in at most ``jobs`` contiguous groups of nearly equal size (none empty)."""
    jobs = max(1, min(int(jobs), len(paths)))
    bounds = np.linspace(0, len(paths), jobs + 1).round().astype(int)
    return [list(paths[a:b]) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def run_parts(function, argument_lists: list[tuple], output: Path) -> list:
    """Run ``function(*arguments, part_path)`` in one process per argument list, then join the parts into
    ``output``; return each call's result. With one list it runs here, straight into ``output``."""
    output = Path(output)
    if len(argument_lists) == 1:
        return [function(*argument_lists[0], output)]
    import multiprocessing

    folder = Path(tempfile.mkdtemp(prefix=f".{output.name}.parts.", dir=output.parent if output.parent.exists()
                                   else None))
    try:
        parts = [folder / f"part{i:05d}{output.suffix}" for i in range(len(argument_lists))]
        # spawn, not fork: the engines' thread pools do not survive a fork.
        with multiprocessing.get_context("spawn").Pool(len(parts)) as pool:
            results = pool.starmap(function, [(*args, part) for args, part in zip(argument_lists, parts)])
        join_parts(parts, output)
        return results
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def join_parts(parts: list[Path], output: Path) -> None:
    """Concatenate part files of one format, in order, into ``output`` (atomically)."""
    suffix = output.suffix.lower()
    with atomic_path(output) as temporary:
        if suffix in (".csv", ".tsv"):
            with open(temporary, "wb") as target:
                for i, part in enumerate(parts):
                    with open(part, "rb") as source:
                        if i:
                            source.readline()  # every part repeats the header
                        shutil.copyfileobj(source, target, 1 << 20)
        elif suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            writer = None
            for part in parts:
                for batch in pq.ParquetFile(part).iter_batches(batch_size=COPY_ROWS):
                    writer = writer or pq.ParquetWriter(temporary, batch.schema)
                    writer.write_batch(batch)
            if writer is not None:
                writer.close()
        else:
            arrays = [np.load(part, mmap_mode="r") for part in parts]
            shape = (sum(len(a) for a in arrays), *arrays[0].shape[1:])
            with open(temporary, "wb") as target:
                np.lib.format.write_array_header_1_0(
                    target, {"descr": np.lib.format.dtype_to_descr(arrays[0].dtype), "fortran_order": False,
                             "shape": shape})
                for array in arrays:
                    for start in range(0, len(array), COPY_ROWS):
                        target.write(np.ascontiguousarray(array[start:start + COPY_ROWS]).tobytes())


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
            with open(self._temporary, "wb") as target, open(raw, "rb") as source:
                np.lib.format.write_array_header_1_0(
                    target, {"descr": np.lib.format.dtype_to_descr(np.dtype(self.dtype or np.float32)),
                             "fortran_order": False, "shape": (self.rows, *(self.shape or ()))})
                shutil.copyfileobj(source, target, 1 << 20)
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
