"""Score CSV and Parquet files (or shards of one table) in chunks, with bounded memory whatever their size.

Each chunk is read with Arrow (CSV in parallel blocks, Parquet by row batches), the feature columns are
matched to the training columns by name, scored, and written out with every input column unchanged plus
``score``, ``is_anomaly`` and the ``top`` columns that contributed most to each row's score. Input columns
the model does not use (a label, an id) pass through as text, byte for byte. Reading the next chunk and
writing the previous one run on background threads while the current one is scored (see ``background``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...core.errors import ConfigError, DataError
from ...data.dataset import feature_columns
from .background import prefetched
from .explain import top_features
from .sink import CSV_SUFFIXES, PARQUET_SUFFIXES, ScoredFileSink

NAN_POLICIES = ("error", "impute", "drop")
CSV_BLOCK_BYTES = 8 << 20  # ~25k rows of 30 numbers per block: memory stays flat whatever the file size
PARQUET_BATCH_ROWS = 65_536


@dataclass
class ScoreSummary:
    rows_read: int = 0
    rows_written: int = 0
    flagged: int = 0
    dropped: int = 0
    imputed: int = 0
    passthrough: list[str] = field(default_factory=list)
    scores: list[np.ndarray] = field(default_factory=list)  # kept only when asked (for reports)
    labels: list[np.ndarray] = field(default_factory=list)


def iter_batches(path: Path, features: list[str]) -> Iterator:
    """Yield ``(header, pyarrow.RecordBatch)``: Parquet columns as stored, CSV columns as text."""
    import pyarrow as pa

    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(f"Data file not found: {path}. Check the path (relative paths start at {Path.cwd()}).")
    if suffix in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(path)
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"Could not read Parquet file {path}: {exc}") from None
        header = parquet.schema_arrow.names
        feature_columns(header, features, path.name)
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            yield header, batch
        return
    if suffix not in CSV_SUFFIXES:
        raise DataError(f"Cannot score {path.name}: expected a .csv, .tsv or .parquet file.")
    import pyarrow.csv as pcsv

    delimiter = "\t" if suffix == ".tsv" else ","
    header = _csv_header(path, delimiter)
    feature_columns(header, features, path.name)
    # Every column stays text: ids, labels and the features themselves are copied out exactly as they were,
    # and writing text is ~8x faster than formatting numbers again. feature_matrix parses the features.
    types = {name: pa.string() for name in header}
    try:
        reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
                               parse_options=pcsv.ParseOptions(delimiter=delimiter),
                               convert_options=pcsv.ConvertOptions(column_types=types))
        for batch in reader:
            yield header, batch
    except pa.ArrowInvalid as exc:
        raise DataError(_explain_arrow_error(path, str(exc), header)) from None


def shard_batches(paths: list[Path], features: list[str]) -> Iterator:
    """:func:`iter_batches` over several files in turn, which must share one header (one output file)."""
    first = None
    for path in paths:
        for header, batch in iter_batches(path, features):
            if first is None:
                first = (header, path)
            elif header != first[0]:
                raise DataError(f"The shards do not share one header: {path.name} has columns "
                                f"{', '.join(header[:6])}..., {first[1].name} has {', '.join(first[0][:6])}.... "
                                "Score them separately, or give them the same columns.")
            yield header, batch


def _csv_header(path: Path, delimiter: str) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        try:
            header = next(csv.reader(handle, delimiter=delimiter))
        except StopIteration:
            raise DataError(f"The table {path} is empty; expected a header row and at least one data row.") from None
    return header


def _explain_arrow_error(path: Path, message: str, header: list[str]) -> str:
    import re

    found = re.search(r"In CSV column #(\d+): (?:Row #(\d+): )?CSV conversion error to double: invalid value '(.*)'",
                      message)
    if found:
        column = header[int(found.group(1))]
        where = f" in line {found.group(2)}" if found.group(2) else ""
        return (f"{path.name}: column {column!r} holds the non-numeric value {found.group(3)!r}{where}. The model's "
                "feature columns must be numbers; fix or remove that value.")
    return f"Could not read {path.name}: {message.splitlines()[0]}"


def feature_matrix(batch, features: list[str], source: str, first_row: int = 0) -> np.ndarray:
    """The chunk's feature columns, in training order, as float32 ``(rows, features)`` (missing -> NaN)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    X = np.empty((batch.num_rows, len(features)), dtype=np.float32)
    names = batch.schema.names
    for j, name in enumerate(features):
        column = batch.column(names.index(name))
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = parse_numbers(column, name, source, first_row)
        elif not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)
                  or pa.types.is_boolean(column.type) or pa.types.is_null(column.type)):
            raise DataError(f"{source}: column {name!r} has type {column.type}; the model's feature columns must "
                            "be numbers. Convert it, or drop the rows that hold text.")
        column = pc.cast(column, pa.float64())
        X[:, j] = column.fill_null(np.nan).to_numpy(zero_copy_only=False)
    return X


def parse_numbers(column, name: str, source: str, first_row: int):
    """A text column as float64; the CSV reader's missing-value words (empty, NA, NaN, null...) become null.

    The common case, plain numbers throughout, is one cast; only a column that fails it pays for trimming,
    matching missing-value words and, for text that is no number, finding the row to name.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    try:
        return pc.cast(column, pa.float64())
    except pa.ArrowInvalid:
        pass
    text = pc.utf8_trim_whitespace(column)
    missing = pc.fill_null(pc.is_in(text, value_set=pa.array(pcsv.ConvertOptions().null_values)), True)
    text = pc.if_else(missing, pa.scalar(None, pa.string()), text)
    try:
        return pc.cast(text, pa.float64())
    except pa.ArrowInvalid:
        values = text.to_pylist()
        row = next((i for i, value in enumerate(values) if not _is_number(value)), 0)
        value = values[row]
        raise DataError(f"{source}: column {name!r} holds the non-numeric value {value!r} in data row "
                        f"{first_row + row}. The model's feature columns must be numbers; fix or remove "
                        "that value.") from None


def _is_number(text) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.cast(pa.array([text], pa.string()), pa.float64())
        return True
    except pa.ArrowInvalid:
        return False


def handle_missing(X: np.ndarray, policy: str, offset: np.ndarray, features: list[str], source: str,
                   first_row: int) -> tuple[np.ndarray, np.ndarray | None, int]:
    """Apply the NaN policy; return ``(X, kept_rows_or_None, imputed_cells)``."""
    bad = ~np.isfinite(X)
    if not bad.any():
        return X, None, 0
    if policy == "error":
        row, col = np.argwhere(bad)[0]
        raise DataError(
            f"{source} has {int(bad.any(axis=1).sum())} rows with empty, NaN or infinite feature values in the chunk "
            f"starting at data row {first_row} (first: data row {first_row + int(row)}, column {features[col]!r}). "
            "Fix them, or pass --nan-policy impute (replace them with the training mean) or "
            "--nan-policy drop (leave those rows out of the output)."
        )
    if policy == "impute":
        X = np.where(bad, np.broadcast_to(np.asarray(offset, np.float32), X.shape), X)
        return X, None, int(bad.sum())
    keep = ~bad.any(axis=1)
    return X[keep], keep, 0


def parsed_chunks(batches, features: list[str], source: str, nan_policy: str, offset) -> Iterator:
    """``(header, batch, X, rows_read, imputed_cells)`` per chunk: features parsed, the NaN policy applied
    (``batch`` and ``X`` lose the rows it drops). Runs on the reading thread, off the scoring one."""
    import pyarrow as pa

    first_row = 0
    for header, batch in batches:
        X = feature_matrix(batch, features, source, first_row)
        X, keep, imputed = handle_missing(X, nan_policy, offset, features, source, first_row)
        rows = batch.num_rows
        first_row += rows
        if keep is not None:
            batch = batch.filter(pa.array(keep))
        yield header, batch, X, rows, imputed


def score_file(detector, source, output, *, top: int = 3, nan_policy: str = "error", label_column=None,
               keep_scores: bool = False, write: bool = True) -> ScoreSummary:
    """Stream ``source`` through ``detector`` into ``output`` (CSV, TSV or Parquet, chosen by suffix).

    ``label_column`` (optional) is collected as 0/1 labels when ``keep_scores`` is set (for reports).
    """
    if nan_policy not in NAN_POLICIES:
        raise ConfigError(f"Received nan_policy={nan_policy!r}; expected one of {', '.join(NAN_POLICIES)}.")
    detector._check_fitted()
    if detector.kind_ != "table":
        raise DataError("Streaming scoring reads tables (CSV/Parquet); this detector was trained on images. "
                        "Score images in Python with detector.decision_function(images).")
    paths = [Path(p) for p in source] if isinstance(source, (list, tuple)) else [Path(source)]
    source, features = Path(paths[0]) if len(paths) == 1 else Path(f"{paths[0].name} and {len(paths) - 1} more"), \
        list(detector.feature_names_ or [])
    if not features:
        raise DataError("This detector was trained on an array without column names, so a table cannot be matched "
                        "to it. Fit it on a CSV/Parquet file or a pandas DataFrame to score files.")
    added = ["score", "is_anomaly"] + [f"top{i + 1}" for i in range(min(top, len(features)))]
    summary = ScoreSummary()
    sink = ScoredFileSink(Path(output)) if write else None
    try:
        chunks = parsed_chunks(shard_batches(paths, features), features, source.name, nan_policy,
                               detector.scaler_.offset)
        for header, batch, X, rows, imputed in prefetched(chunks):
            if summary.rows_read == 0:
                clash = [c for c in added if c in header]
                if clash:
                    raise DataError(f"{source.name} already has columns named {', '.join(clash)}, which scoring "
                                    "adds. Rename them before scoring.")
                summary.passthrough = [c for c in header if c not in set(features)]
                if label_column is not None and label_column not in header:
                    raise DataError(f"Label column {label_column!r} is not in {source.name}.")
            summary.rows_read += rows
            summary.imputed += imputed
            summary.dropped += rows - batch.num_rows
            if batch.num_rows == 0:
                continue
            contributions = detector._contributions_of_scaled(detector.scaler_.transform(X))
            scores = contributions.sum(axis=1)
            flagged = scores > detector.threshold_
            summary.flagged += int(flagged.sum())
            summary.rows_written += batch.num_rows
            if keep_scores:
                summary.scores.append(scores)
                if label_column is not None:
                    summary.labels.append(_labels(batch, label_column))
            if sink is not None:
                sink.write(batch, scores, flagged, top_features(contributions, top), features, added)
        if summary.rows_read == 0:
            raise DataError(f"{source.name} has a header but no data rows; expected at least one row to score.")
        if summary.rows_written == 0:
            raise DataError(f"All {summary.rows_read} rows of {source.name} have missing feature values and were "
                            "dropped (--nan-policy drop); nothing is left to score.")
        if sink is not None:
            sink.commit()
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    return summary


def _labels(batch, label_column: str) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    from .thresholds import check_binary_labels

    column = batch.column(batch.schema.names.index(label_column))
    if pa.types.is_string(column.type):
        column = pc.utf8_trim_whitespace(column)
    values = column.to_numpy(zero_copy_only=False)
    if values.dtype == object:
        try:
            values = values.astype(np.float64)
        except (TypeError, ValueError):
            pass
    return check_binary_labels(values, name=f"label column {label_column!r}")
