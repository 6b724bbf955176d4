"""Data read as it is used: globs of CSV or Parquet shards, TFRecord files and image folders, through tf.data.

A :class:`Stream` knows its files and the shape of one sample, never the samples themselves: every pass
reads the files again in blocks of rows, so memory is bounded by the block, the shuffle buffer and the
prefetch depth, whatever the size of the data. Rows come in file order within a pass (deterministic), and
each file's rows are numbered, so a row's split (training or validation) is a pure function of its place
in its file (see :func:`validation_mask`).

TFRecord files hold one ``tf.train.Example`` per row: one float (or int64) feature per column, taken in
natural name order (``f2`` before ``f10``), or a bytes feature ``image`` holding an encoded PNG/JPEG.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.backend import installed, require_tensorflow
from ..core.errors import DataError
from .images import IMAGE_SUFFIXES
from .paths import expand, images_in, is_pattern, missing

BLOCK_ROWS = 4096
AUTO_STREAM_BYTES = 512 << 20
TABLE_FORMATS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet",
                 ".tfrecord": "tfrecord", ".tfrecords": "tfrecord"}
STREAMABLE = ", ".join(sorted(TABLE_FORMATS)) + " or image files"


@dataclass
class Stream:
    """Files read block by block. Build one with :func:`open_stream`.

    Parameters
    ----------
    spec : str
        The file, folder or glob pattern the stream was opened on; its name in messages.
    paths : list of pathlib.Path
        The files, in the order every pass reads them.
    format : {"csv", "parquet", "tfrecord", "images"}
        How the files are read (``csv`` covers ``.tsv`` too).
    kind : {"table", "image"}
        What one row is.
    sample_shape : tuple of int
        The shape of one sample: ``(features,)`` or ``(height, width, channels)`` (after resizing).
    feature_names : list of str, optional
        A table's feature columns, in the order they are read (the label column left out).
    label_column : str, optional
        A table's label column, not read as a feature.
    image_size : (int, int), optional
        ``(height, width)`` every image is resized to; None when images are read as they are.
    meta : dict, default={}
        What is known of the files: ``columns`` (every column) and ``int64_columns`` (TFRecord features stored as
        integers) for tables, and ``rows`` once a pass has counted them.
    cache : str, optional
        What training keeps of the decoded rows after the first pass: None (nothing), ``"memory"``, or a path
        prefix of cache files.
    """

    spec: str
    paths: list[Path]
    format: str  # csv, parquet, tfrecord, images
    kind: str  # table or image
    sample_shape: tuple[int, ...]
    feature_names: list[str] | None = None
    label_column: str | None = None
    image_size: tuple[int, int] | None = None
    meta: dict = field(default_factory=dict)
    cache: str | None = None  # training keeps decoded rows: None, "memory", or a file path prefix

    @property
    def name(self) -> str:
        """The stream's name in messages and run records: its ``spec``."""
        return self.spec

    def __len__(self) -> int:
        """The number of rows, known once a pass has counted them (``stream_training.survey``)."""
        if "rows" not in self.meta:
            raise DataError(f"The number of rows of {self.spec} is not known before a pass over the files.")
        return int(self.meta["rows"])

    @property
    def nbytes(self) -> int:
        """The total size of the files on disk, in bytes (not the size of the decoded rows)."""
        return sum(p.stat().st_size for p in self.paths)

    def fingerprint(self) -> str:
        """Names, sizes and modification times of the files: which data a model saw, without reading it again.

        Returns
        -------
        str
            ``"stream-"`` and 16 hex digits of the SHA-256 digest of each file's resolved path, size and
            modification time.
        """
        digest = hashlib.sha256()
        for path in self.paths:
            stat = path.stat()
            digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
        return "stream-" + digest.hexdigest()[:16]

    def blocks(self, files=None, block_rows: int = BLOCK_ROWS, numbered: bool = False):
        """A tf.data dataset of raw float32 blocks ``(rows, *sample_shape)``, file after file.

        ``files`` (a tf.data dataset of file indices) chooses and orders the files; ``numbered`` adds each
        block's file index and the index of its first row in that file.

        Parameters
        ----------
        files : tf.data.Dataset, optional
            int64 indices into ``paths``, in the order to read the files; None reads every file in order.
        block_rows : int, default=4096
            Rows per block (the last block of each file may be shorter; image blocks span files).
        numbered : bool, default=False
            Yield ``(block, file_index, first_row)`` instead of the block alone. For images, one file per
            row, ``file_index`` holds one index per row and ``first_row`` is 0.

        Returns
        -------
        tf.data.Dataset
            float32 blocks ``(rows, *sample_shape)`` (or the triples above), unscaled.
        """
        import tensorflow as tf

        from .stream_readers import image_file_blocks, reader_for

        files = tf.data.Dataset.range(len(self.paths)) if files is None else files
        if self.format == "images":  # one file per row: a dataset per file would cost more than the decoding
            return image_file_blocks(self, files, block_rows, numbered)
        paths = tf.constant([str(p) for p in self.paths])
        reader = reader_for(self)

        def one_file(index):
            blocks = reader(paths[index], block_rows)
            if not numbered:
                return blocks
            return blocks.enumerate().map(lambda b, x: (x, index, b * block_rows))

        return files.interleave(one_file, cycle_length=1)

    def arrays(self, block_rows: int = BLOCK_ROWS, files: list[int] | None = None):
        """NumPy blocks of raw values, in file order; a malformed value raises a :class:`DataError`.

        Parameters
        ----------
        block_rows : int, default=4096
            Rows per block.
        files : list of int, optional
            Indices into ``paths`` of the files to read, in that order; None reads every file.

        Yields
        ------
        numpy.ndarray
            float32 blocks ``(rows, *sample_shape)``, unscaled.

        Raises
        ------
        DataError
            When a file cannot be read or holds a value that is not a number.
        """
        import tensorflow as tf

        chosen = None if files is None else tf.data.Dataset.from_tensor_slices(np.asarray(files, np.int64))
        iterator = iter(self.blocks(chosen, block_rows).prefetch(2).as_numpy_iterator())
        while True:
            try:
                block = next(iterator)
            except StopIteration:
                return
            except tf.errors.OpError as exc:
                raise read_error(self, exc) from None
            yield block


def validation_mask(rows, file_index, first_row, period: int):
    """tf: which rows of a block are validation rows: every ``period``-th row of each file, offset by the file's
    index so that one-row files (images) alternate. ``period`` 0 means no validation rows. ``file_index`` is
    one index for the block, or one per row."""
    import tensorflow as tf

    if period == 0:
        return tf.zeros([tf.shape(rows)[0]], tf.bool)
    rows_in_block = tf.range(tf.shape(rows)[0], dtype=tf.int64)
    position = tf.cast(first_row, tf.int64) + rows_in_block + tf.cast(file_index, tf.int64)
    return tf.equal(position % period, 0)


def should_stream(spec: str) -> bool:
    """The CLI's default: stream TFRecord files (nothing else reads them) and any data over ``AUTO_STREAM_BYTES``
    in a streamable format, which would take several times its size in memory once parsed."""
    try:
        paths = _expand(spec)
    except DataError:
        return False  # the in-memory reader reports it, in its own words
    suffixes = {p.suffix.lower() for p in paths}
    if not suffixes <= set(TABLE_FORMATS) | IMAGE_SUFFIXES:
        return False
    if suffixes & {".tfrecord", ".tfrecords"}:
        return True
    # Without TensorFlow, large data is read into memory unless --stream asks (which then names the extra).
    return installed("tensorflow") and sum(p.stat().st_size for p in paths) > AUTO_STREAM_BYTES


def open_stream(spec: str, label_column: str | None = None, image_size=None, cache: str | None = None) -> Stream:
    """A :class:`Stream` over a file, a folder of images or a glob of shards (all of one format).

    ``cache``: None reads the files again every epoch; ``"memory"`` keeps the decoded training rows in memory
    after the first epoch (when they fit); a path prefix keeps them in files there (fast local disk).

    Needs TensorFlow. Streams read CSV/TSV and Parquet shards, TFRecord files (one ``tf.train.Example`` per row)
    and image files; the files are opened only to read their header, schema or first record.

    Parameters
    ----------
    spec : str
        A file, a folder of images or a glob pattern of shards, all of one format.
    label_column : str, optional
        For tables, the column holding labels, left out of the features.
    image_size : (int, int), optional
        ``(height, width)`` to resize every image to; needed when images differ in size.
    cache : str, optional
        None, ``"memory"`` or a path prefix (see above).

    Returns
    -------
    Stream
        The stream; its number of rows is not known before a pass.

    Raises
    ------
    ConfigError
        When TensorFlow is not installed.
    DataError
        When nothing is found, the files mix formats or headers, or the label column is missing.
    """
    require_tensorflow("Streaming data (--stream, TFRecord files, data larger than memory)")
    stream = _open(spec, label_column, image_size)
    stream.cache = cache
    return stream


def _open(spec: str, label_column: str | None, image_size) -> Stream:
    paths = _expand(spec)
    suffixes = {p.suffix.lower() for p in paths}
    if suffixes <= IMAGE_SUFFIXES:
        return _image_stream(spec, paths, image_size)
    formats = {TABLE_FORMATS.get(s) for s in suffixes}
    if None in formats or len(formats) > 1:
        raise DataError(f"{spec!r} matches files of several kinds ({', '.join(sorted(suffixes))}); a stream reads "
                        f"shards of one format: {STREAMABLE}. Narrow the pattern.")
    fmt = formats.pop()
    columns = _SCHEMAS[fmt](paths)
    all_columns = list(columns)
    if label_column is not None:
        if label_column not in columns:
            from ..core.errors import did_you_mean

            raise DataError(f"Label column {label_column!r} is not in {paths[0].name}."
                            f"{did_you_mean(label_column, columns)} Columns: {', '.join(columns[:20])}.")
        columns = [c for c in columns if c != label_column]
    if fmt == "tfrecord" and columns == ["image"]:
        return _image_stream(spec, paths, image_size, tfrecord=True)
    if not columns:
        raise DataError(f"{paths[0].name} has no feature columns besides the label; expected numeric features.")
    meta = {"columns": all_columns, "int64_columns": _tfrecord_integers(paths[0]) if fmt == "tfrecord" else []}
    return Stream(spec, paths, fmt, "table", (len(columns),), columns, label_column, meta=meta)


def _expand(spec: str) -> list[Path]:
    path = Path(spec).expanduser()
    if path.is_dir():
        return images_in(path)
    if path.exists():
        return [path]
    if is_pattern(spec):
        return expand(spec)
    raise missing(spec)


def _csv_columns(paths: list[Path]) -> list[str]:
    headers = {}
    for path in paths:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        with open(path, newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle, delimiter=delimiter), None)
        if not header:
            raise DataError(f"The table {path} is empty; expected a header row and data rows.")
        headers.setdefault(tuple(header), path)
    if len(headers) > 1:
        (first, a), (second, b) = list(headers.items())[:2]
        raise DataError(f"The shards do not share one header: {a.name} has {len(first)} columns "
                        f"({', '.join(first[:5])}...), {b.name} has {len(second)} ({', '.join(second[:5])}...).")
    return list(next(iter(headers)))


def _parquet_columns(paths: list[Path]) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schemas = {tuple(pq.read_schema(p).names): p for p in paths}
        types = pq.read_schema(paths[0])
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"Could not read the Parquet schema of {paths[0]}: {exc}") from None
    if len(schemas) > 1:
        raise DataError(f"The Parquet shards do not share one schema: {', '.join(p.name for p in schemas.values())}.")
    return [f.name for f in types]


def _tfrecord_columns(paths: list[Path]) -> list[str]:
    import tensorflow as tf

    try:
        first = next(iter(tf.data.TFRecordDataset(str(paths[0])).take(1)), None)
    except tf.errors.OpError as exc:
        raise DataError(f"Could not read TFRecord file {paths[0]}: {_first_line(exc)}") from None
    if first is None:
        raise DataError(f"The TFRecord file {paths[0]} holds no records.")
    example = tf.train.Example.FromString(first.numpy())
    features = example.features.feature
    if "image" in features and features["image"].HasField("bytes_list"):
        return ["image"]
    # A record's features are a map, stored in no particular order: the columns are taken in natural name order
    # (f2 before f10), the same for every file and every reader.
    names = sorted((name for name, value in features.items() if value.HasField("float_list")
                    or value.HasField("int64_list")), key=_natural_key)

    if not names:
        raise DataError(f"The records of {paths[0]} hold no float or int64 features and no 'image' bytes; expected "
                        "one tf.train.Example per row with one float feature per column.")
    return names


def _natural_key(name: str):
    import re

    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]


def _tfrecord_integers(path: Path) -> list[str]:
    """The int64 features of the first record (parsed as such, then cast to float32)."""
    import tensorflow as tf

    first = next(iter(tf.data.TFRecordDataset(str(path)).take(1))).numpy()
    features = tf.train.Example.FromString(first).features.feature
    return [name for name, value in features.items() if value.HasField("int64_list")]


def _image_stream(spec: str, paths: list[Path], image_size, tfrecord: bool = False) -> Stream:
    from PIL import Image

    if tfrecord:
        import tensorflow as tf

        record = next(iter(tf.data.TFRecordDataset(str(paths[0])).take(1))).numpy()
        encoded = tf.train.Example.FromString(record).features.feature["image"].bytes_list.value[0]
        shape = tuple(tf.io.decode_image(encoded, expand_animations=False).shape)
    else:
        with Image.open(paths[0]) as image:
            channels = 1 if image.mode in ("L", "1", "I;16", "I") else 3
            shape = (image.size[1], image.size[0], channels)
    if image_size is not None:
        shape = (int(image_size[0]), int(image_size[1]), shape[2])
    return Stream(spec, paths, "tfrecord" if tfrecord else "images", "image", tuple(int(d) for d in shape),
                  image_size=None if image_size is None else tuple(image_size))


def _first_line(exc) -> str:
    return str(getattr(exc, "message", exc)).strip().splitlines()[0]


def read_error(stream: Stream, exc) -> DataError:
    """A tf.data failure met while reading ``stream``, said in the user's terms."""
    message = _first_line(exc)
    if stream.kind == "image" and ("shape" in message.lower() or "incompatible" in message.lower()):
        return DataError(f"The images of {stream.spec} differ in size (the first is {stream.sample_shape}): "
                         f"{message}. Pass --image-size HEIGHT WIDTH (image_size=(h, w) in Python) to resize them.")
    if "not a valid float" in message or "Expect" in message:
        return DataError(f"{stream.spec} holds a value that is not a number, or a row with the wrong number of "
                         f"fields: {message}. The feature columns must be numbers; fix or remove that row.")
    return DataError(f"Could not read {stream.spec}: {message}")


_SCHEMAS = {"csv": _csv_columns, "parquet": _parquet_columns, "tfrecord": _tfrecord_columns}
