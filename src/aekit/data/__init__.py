"""aekit.data: named datasets, file readers, scalers and input pipelines."""

from __future__ import annotations

from .dataset import Dataset, check_dataset, from_array
from .named import NAMED, SPLITS, load_named, search_dirs
from .pipeline import EpochShuffledDataset, batched, fingerprint, split_indices
from .readers import read_idx, read_path
from .scaling import Scaler

__all__ = [
    "Dataset", "EpochShuffledDataset", "NAMED", "SPLITS", "Scaler", "batched", "check_dataset",
    "fingerprint", "from_array", "load", "load_named", "read_idx", "read_path", "search_dirs",
    "split_indices",
]


def load(dataset: str | None = None, data: str | None = None, *, split: str = "train",
         label_column: str | None = None, image_size=None, data_dir=None,
         max_samples: int | None = None) -> Dataset:
    """Load a named dataset or a file/folder/glob into memory, validated."""
    from ..errors import DataError

    if (dataset is None) == (data is None):
        raise DataError("Give exactly one data source: a named dataset (--dataset NAME) or a path (--data PATH).")
    if image_size is not None:
        image_size = _parse_image_size(image_size)
    if dataset is not None:
        result = load_named(dataset, split=split, data_dir=data_dir)
    else:
        result = read_path(str(data), label_column=label_column, image_size=image_size)
    if image_size is not None and result.kind == "image" and result.sample_shape[:2] != image_size:
        result = _resize(result, image_size)
    if max_samples is not None and max_samples < len(result):
        result = result.subset(slice(0, max_samples))
    return result


def _parse_image_size(value) -> tuple[int, int]:
    from ..errors import DataError

    if isinstance(value, int):
        value = (value, value)
    try:
        height, width = (int(v) for v in value)
    except (TypeError, ValueError):
        raise DataError(f"Received image_size={value!r}; expected two positive integers (height, width).") from None
    if height < 1 or width < 1:
        raise DataError(f"Received image_size={value!r}; expected two positive integers (height, width).")
    return height, width


def _resize(dataset: Dataset, size: tuple[int, int]) -> Dataset:
    import numpy as np
    from PIL import Image

    images = []
    for image in dataset.X:
        squeezed = image[..., 0] if image.shape[-1] == 1 else image
        resized = Image.fromarray(squeezed.astype(np.uint8)).resize((size[1], size[0]), Image.Resampling.BILINEAR)
        images.append(np.asarray(resized))
    X = np.stack(images)
    return Dataset(X[..., None] if X.ndim == 3 else X, dataset.y, "image", dataset.name,
                   dataset.feature_names, dataset.meta)
