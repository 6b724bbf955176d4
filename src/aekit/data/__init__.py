"""aekit.data: named datasets, file readers, scalers and input pipelines."""

from __future__ import annotations

import numpy as np

from .dataset import Dataset, check_dataset, from_array
from .named import NAMED, SPLITS, load_named, search_dirs
from .pipeline import EpochShuffledDataset, batched, fingerprint, split_indices
from .readers import read_idx, read_path
from .scaling import Scaler
from .stream_readers import write_tfrecord
from .streaming import Stream, open_stream

stream = open_stream

__all__ = [
    "Dataset", "EpochShuffledDataset", "NAMED", "SPLITS", "Scaler", "batched", "check_dataset",
    "fingerprint", "from_array", "load", "load_named", "read_idx", "read_path", "search_dirs",
    "split_indices", "stream", "Stream", "write_tfrecord",
]


def load(dataset: str | None = None, data: str | None = None, *, split: str = "train",
         label_column: str | None = None, image_size=None, data_dir=None,
         max_samples: int | None = None, image_shape=None, channels: int | None = None) -> Dataset:
    """Load a named dataset or a file/folder/glob into memory, validated.

    ``image_shape=(H, W)`` or ``(H, W, C)`` turns each row of a table into an image (a CSV of pixels, as the
    tutorials store MNIST); ``image_size`` resizes images; ``channels`` (1 or 3) converts images to grayscale or
    colour.

    Parameters
    ----------
    dataset : str, optional
        A named dataset (``mnist``, ``fashion_mnist`` or ``digits``; see :func:`load_named`). Give exactly one
        of ``dataset`` and ``data``.
    data : str or path-like, optional
        A file, a folder of images or a glob pattern, read by :func:`read_path`.
    split : {"train", "test", "all"}, default="train"
        Which split of a named dataset (ignored for ``data``).
    label_column : str, optional
        For a table, the column holding labels: kept aside as ``y``, not used as a feature.
    image_size : int or (int, int), optional
        ``(height, width)`` to resize images to (one int for a square); needed when images differ in size.
    data_dir : str or path-like, optional
        A folder searched first for a named dataset (see :func:`search_dirs`).
    max_samples : int, optional
        Keep only the first ``max_samples`` samples.
    image_shape : sequence of int, optional
        ``(H, W)`` or ``(H, W, C)``: reshape each row of a table into an image; ``H * W * C`` must equal its
        number of feature columns.
    channels : {1, 3}, optional
        Convert images to grayscale (1) or colour (3); None keeps them as they are.

    Returns
    -------
    Dataset
        The samples (tables ``(n, features)``, images ``(n, height, width, channels)``) and labels, if any.

    Raises
    ------
    DataError
        When not exactly one source is given, or the data cannot be read, reshaped or resized as asked.
    """
    from ..core.errors import DataError

    if (dataset is None) == (data is None):
        raise DataError("Give exactly one data source: a named dataset (--dataset NAME) or a path (--data PATH).")
    if image_size is not None:
        image_size = _parse_image_size(image_size)
    if dataset is not None:
        result = load_named(dataset, split=split, data_dir=data_dir)
    else:
        result = read_path(str(data), label_column=label_column, image_size=image_size)
    if image_shape is not None:
        result = _rows_as_images(result, image_shape)
    if image_size is not None and result.kind == "image" and result.sample_shape[:2] != image_size:
        result = _resize(result, image_size)
    if channels is not None and result.kind == "image" and result.sample_shape[-1] != channels:
        from .images import to_channels

        X = np.stack([to_channels(image, channels, result.name) for image in result.X])
        result = Dataset(X, result.y, "image", result.name, result.feature_names, result.meta)
    if max_samples is not None and max_samples < len(result):
        result = result.subset(slice(0, max_samples))
    return result


def _parse_image_size(value) -> tuple[int, int]:
    from ..core.errors import DataError

    if isinstance(value, int):
        value = (value, value)
    try:
        height, width = (int(v) for v in value)
    except (TypeError, ValueError):
        raise DataError(f"Received image_size={value!r}; expected two positive integers (height, width).") from None
    if height < 1 or width < 1:
        raise DataError(f"Received image_size={value!r}; expected two positive integers (height, width).")
    return height, width


def _rows_as_images(dataset: Dataset, image_shape) -> Dataset:
    import math

    from ..core.errors import DataError

    try:
        shape = tuple(int(v) for v in image_shape)
    except (TypeError, ValueError):
        shape = ()
    if len(shape) not in (2, 3) or min(shape) < 1:
        raise DataError(f"Received image_shape={image_shape!r}; expected H W or H W C (positive integers).")
    if len(shape) == 2:
        shape = (*shape, 1)
    if dataset.kind != "table":
        raise DataError(f"image_shape reshapes table rows into images, but {dataset.name} already holds images of "
                        f"shape {dataset.sample_shape}. Drop --image-shape (use --image-size to resize images).")
    if dataset.sample_shape[0] != math.prod(shape):
        raise DataError(f"image_shape={list(shape)} needs {math.prod(shape)} values per row, but {dataset.name} has "
                        f"{dataset.sample_shape[0]} feature columns. Check the shape, and name the label with "
                        "--label-column so it is not counted.")
    return Dataset(dataset.X.reshape(len(dataset), *shape), dataset.y, "image", dataset.name, None, dataset.meta)


def _resize(dataset: Dataset, size: tuple[int, int]) -> Dataset:
    from .images import resize

    X = np.stack([resize(image, size) for image in dataset.X])
    return Dataset(X, dataset.y, "image", dataset.name, dataset.feature_names, dataset.meta)
