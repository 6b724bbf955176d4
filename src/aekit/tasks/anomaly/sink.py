"""Where scored chunks go: a CSV, TSV or Parquet file that appears only once every chunk is written.

Formatting a chunk as CSV costs about as much as reading and scoring it, so it runs on a background
thread (Arrow releases the GIL) while the next chunk is scored.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ...core.atomic import atomic_path
from ...core.errors import DataError
from .background import OrderedWorker

CSV_SUFFIXES, PARQUET_SUFFIXES = (".csv", ".tsv"), (".parquet", ".pq")


class ScoredFileSink:
    """Writes scored chunks to a temporary file that replaces ``path`` only when every chunk is written."""

    def __init__(self, path: Path):
        self.path, self.suffix = path, path.suffix.lower()
        if self.suffix not in CSV_SUFFIXES + PARQUET_SUFFIXES:
            raise DataError(f"Cannot write {path.name}: expected a file ending in .csv, .tsv or .parquet.")
        self._context = atomic_path(path)
        self._temporary = self._context.__enter__()
        self._handle = None
        self._parquet = None
        self._worker = OrderedWorker()

    def write(self, batch, scores, flagged, top_index, features, added) -> None:
        """Queue one scored chunk: the input columns, then ``added`` (score, is_anomaly, top1...)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        names = pa.array(features, pa.string())
        columns = list(batch.columns) + [pa.array(scores, pa.float64()), pa.array(flagged.astype(np.int8))]
        columns += [pc.take(names, pa.array(top_index[:, i].astype(np.int32))) for i in range(top_index.shape[1])]
        table = pa.Table.from_arrays(columns, names=list(batch.schema.names) + added)
        # Feature columns hold numbers (they were parsed), so only the others can need quoting.
        text_columns = [name for name in batch.schema.names if name not in set(features)] + added[2:]
        self._worker.submit(lambda: self._write_table(table, text_columns))

    def _write_table(self, table, text_columns: list[str]) -> None:
        if self.suffix in PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self._temporary, table.schema)
            self._parquet.write_table(table)
            return
        self._write_csv(table, text_columns)

    def _write_csv(self, table, text_columns: list[str]) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv

        delimiter = "\t" if self.suffix == ".tsv" else ","
        if self._handle is None:
            self._handle = pa.OSFile(str(self._temporary), "wb")
            header = io.StringIO()
            csv.writer(header, delimiter=delimiter, lineterminator="\n").writerow(table.schema.names)
            self._handle.write(header.getvalue().encode())
        # Unquoted text keeps pass-through values as they were; quote only chunks that need it.
        needs_quotes = any(
            pc.any(pc.match_substring_regex(table.column(name), f'[{delimiter}"\\r\\n]')).as_py()
            for name in text_columns if pa.types.is_string(table.column(name).type))
        options = pcsv.WriteOptions(include_header=False, delimiter=delimiter,
                                    quoting_style="needed" if needs_quotes else "none")
        pcsv.write_csv(table, self._handle, options)

    def _close_files(self) -> None:
        for closer in (self._parquet, self._handle):
            if closer is not None:
                closer.close()
        self._parquet = self._handle = None

    def commit(self) -> None:
        self._worker.finish()  # every chunk written (or the first failure raised)
        self._close_files()
        self._context.__exit__(None, None, None)  # fsync, then rename over the output

    def abort(self) -> None:
        self._worker.finish(raise_failure=False)
        self._close_files()
        # Throwing into atomic_path deletes the temporary file and leaves any previous output as it was.
        error = RuntimeError("scoring aborted")
        self._context.__exit__(RuntimeError, error, None)
