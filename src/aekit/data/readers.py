"""Readers for files on disk: IDX, NumPy, CSV/Parquet tables and image folders."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from ..core.errors import DataError
from .dataset import Dataset, check_dataset, from_array, table_to_dataset
from .images import IMAGE_SUFFIXES
from .paths import expand, images_in, is_pattern, missing

TABLE_SUFFIXES = {".csv", ".parquet", ".pq", ".tsv"}
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzipped or raw, checking its header against its size.

    Parameters
    ----------
    path : str or path-like
        The file; a name ending in ``.gz`` is decompressed with gzip.

    Returns
    -------
    numpy.ndarray
        The array of the shape and dtype its header announces (uint8 for MNIST), in native byte order.

    Raises
    ------
    DataError
        When the file cannot be read, is not an IDX file, or holds more or fewer bytes than its header says.
    """
    path = Path(path)
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError) as exc:
        raise DataError(f"Could not read IDX file {path}: {exc}. The file looks truncated or corrupted; "
                        "download it again.") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise DataError(f"{path} is not an IDX file: its header does not start with the IDX magic number.")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"IDX file {path} is truncated inside its header; download it again.")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise DataError(
            f"IDX file {path} is truncated or corrupted: its header announces shape {shape} "
            f"({expected} bytes of data) but it holds {len(raw) - header} bytes. Download it again."
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_numpy(path: Path) -> Dataset:
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise DataError(f"Could not read NumPy file {path}: {exc}") from None
    if isinstance(loaded, np.ndarray):
        return _array_dataset(loaded, None, path)
    with loaded:
        keys = list(loaded.keys())
        x_key = next((k for k in ("X", "x", "data", "x_train", "arr_0") if k in keys), None)
        if x_key is None:
            raise DataError(f"{path} holds arrays {keys}; expected one named X, x, data, x_train or arr_0.")
        y_key = next((k for k in ("y", "labels", "y_train", "arr_1") if k in keys), None)
        return _array_dataset(loaded[x_key], loaded[y_key] if y_key else None, path)


def _array_dataset(X: np.ndarray, y, path: Path) -> Dataset:
    return from_array(X, y, name=path.name)


def read_frame(path: str | Path):
    """A CSV/TSV/Parquet file as a pandas DataFrame (CSV parsed by Arrow, numbers correctly rounded), with aekit's
    errors for missing, empty or unreadable files: the one table reader of aekit."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise missing(path)
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(path)
        return pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",", engine="pyarrow")
    except pd.errors.EmptyDataError:
        raise DataError(f"The table {path} is empty; expected a header row and at least one data row.") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"Could not read table {path}: {str(exc).splitlines()[0]}") from None


def read_table(path: Path, label_column: str | None = None) -> Dataset:
    """Read a CSV or Parquet table of numeric features; ``label_column`` is kept aside as labels."""
    return table_to_dataset(read_frame(path), label_column, path.name)


def read_images(paths: list[Path], image_size: tuple[int, int] | None, name: str,
                labels: list[str] | None = None, channels: int | None = None) -> Dataset:
    """Decode image files into one ``(n, h, w, c)`` array (see :mod:`aekit.data.images`): uint8, or uint16 when
    any file is 16-bit; grayscale when every file is, unless ``channels`` asks for 1 or 3 (a model's)."""
    from .images import common_depth, decode, resize, to_channels

    images = [decode(path)[0] for path in paths]
    if not images:
        raise DataError(f"No images found in {name}; expected PNG or JPEG files.")
    wanted = channels or (3 if any(im.shape[-1] == 3 for im in images) else 1)
    if wanted == 3 and any(im.dtype == np.uint16 for im in images):
        raise DataError(f"{name} mixes 16-bit grayscale images with colour ones; convert them to one kind first.")
    images = common_depth([to_channels(im, wanted, path) for im, path in zip(images, paths)])
    sizes = {im.shape[:2] for im in images}
    if image_size is None and len(sizes) > 1:
        listed = ", ".join(f"{w}x{h}" for h, w in sorted(sizes)[:5])
        raise DataError(
            f"The images in {name} have {len(sizes)} different sizes ({listed}). "
            "Pass --image-size HEIGHT WIDTH (image_size=(h, w) in Python) to resize them all."
        )
    if image_size is not None:
        images = [resize(im, image_size) for im in images]
    X = np.stack(images)
    y = None
    if labels is not None and len(set(labels)) > 1:
        classes = sorted(set(labels))
        y = np.array([classes.index(label) for label in labels])
    meta = {"files": [str(p) for p in paths]}
    if y is not None:
        meta["classes"] = sorted(set(labels))
    return check_dataset(Dataset(X, y, "image", name, meta=meta))


def read_image_folder(folder: Path, image_size) -> Dataset:
    """Read every image below ``folder``; the first sub-folder level names the class."""
    paths = images_in(folder)
    labels = [p.relative_to(folder).parts[0] if len(p.relative_to(folder).parts) > 1 else "" for p in paths]
    dataset = read_images(paths, image_size, folder.name, labels)
    dataset.meta["files"] = [str(p.relative_to(folder)) for p in paths]
    return dataset


def read_path(spec: str, label_column: str | None = None, image_size=None) -> Dataset:
    """Read a file, a folder or a glob pattern, choosing the reader by what it finds.

    Tables (``.csv``, ``.tsv``, ``.parquet``, ``.pq``), NumPy files (``.npy``, or ``.npz`` holding ``X``,
    ``x``, ``data``, ``x_train`` or ``arr_0`` and optional labels ``y``, ``labels``, ``y_train`` or ``arr_1``),
    IDX files, single images (PNG/JPEG) and folders of images, where the first sub-folder level names the
    class. A glob of images is read as one set of images; a glob of other files reads each and concatenates
    them (they must share one sample shape).

    Parameters
    ----------
    spec : str
        A path or a glob pattern (``~`` is expanded).
    label_column : str, optional
        For tables, the column holding labels, kept aside as ``y``.
    image_size : (int, int), optional
        ``(height, width)`` to resize images to; needed when images differ in size.

    Returns
    -------
    Dataset
        The data as it was stored (pixels are not scaled), with labels when the source has them.

    Raises
    ------
    DataError
        When nothing is found, the format is unknown, or the files cannot be read.
    """
    path = Path(spec).expanduser()
    if is_pattern(spec):
        matches = expand(spec, files_only=False)
        if all(p.suffix.lower() in IMAGE_SUFFIXES for p in matches):
            return read_images(matches, image_size, spec)
        parts = [read_path(str(p), label_column, image_size) for p in matches]
        return _concatenate(parts, spec)
    if not path.exists():
        raise missing(spec)
    if path.is_dir():
        return read_image_folder(path, image_size)
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return read_table(path, label_column)
    if suffix in (".npy", ".npz"):
        return read_numpy(path)
    if suffix in IMAGE_SUFFIXES:
        return read_images([path], image_size, path.name)
    if "idx" in path.name or suffix in (".ubyte", ".gz"):
        X = read_idx(path)
        return check_dataset(Dataset(X[..., None] if X.ndim == 3 else X, None,
                                     "image" if X.ndim == 3 else "table", path.name))
    raise DataError(
        f"Don't know how to read {path.name}: expected .csv, .tsv, .parquet, .npy, .npz, an IDX file, "
        "an image (PNG/JPEG) or a folder of images."
    )


def _concatenate(parts: list[Dataset], name: str) -> Dataset:
    shapes = {p.sample_shape for p in parts}
    if len(shapes) > 1:
        raise DataError(f"The files matched by {name!r} have different shapes {sorted(shapes)}; expected one shape.")
    y = None if any(p.y is None for p in parts) else np.concatenate([p.y for p in parts])
    return Dataset(np.concatenate([p.X for p in parts]), y, parts[0].kind, name, parts[0].feature_names)
