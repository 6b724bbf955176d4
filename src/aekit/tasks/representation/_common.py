"""Shared plumbing for the representation tasks: resolving a model, scaling inputs, labels and subsets."""

from __future__ import annotations

import numpy as np

from ...core.errors import ConfigError, DataError
from ...data.dataset import Dataset, as_dataset  # noqa: F401 - the tasks' one way to take data
from ...estimator import Autoencoder
from ...runs import as_estimator


def require_labels(dataset: Dataset, what: str) -> np.ndarray:
    if dataset.y is None:
        raise DataError(
            f"{what} needs labels, but the data {dataset.name!r} has none (it requires y to be passed, but the "
            "target y is None). Use a named dataset (mnist, "
            "fashion_mnist, digits), a table with --label-column COLUMN (label_column= in Python), "
            "an image folder with one sub-folder per class, or pass y."
        )
    return np.asarray(dataset.y)


def check_class_labels(labels: np.ndarray) -> np.ndarray:
    """The class labels as a 1-D array (a column vector is flattened with scikit-learn's DataConversionWarning);
    targets that are not class labels (continuous values, several columns) are refused in scikit-learn's words."""
    from sklearn.utils.multiclass import type_of_target
    from sklearn.utils.validation import column_or_1d

    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = column_or_1d(labels, warn=True)
    kind = type_of_target(labels)
    if kind not in ("binary", "multiclass"):
        raise DataError(f"Unknown label type: {kind!r}. A classifier takes one class label per sample (binary or "
                        "multiclass); for a continuous target, fit a regressor on the codes (Autoencoder.transform).")
    return labels


def resolve_autoencoder(source, *, allow_unfitted: bool = False):
    """A fitted :class:`aekit.Autoencoder` from itself or a run directory (see :func:`aekit.runs.as_estimator`)."""
    return as_estimator(source, Autoencoder, fitted=not allow_unfitted)


def code_size(autoencoder) -> int:
    """The latent size of a fitted autoencoder (its config may leave latent_dim to the builder's default)."""
    return int(autoencoder.encoder_.output_shape[-1])


def scaled_flat(autoencoder, dataset: Dataset) -> np.ndarray:
    """The inputs exactly as the autoencoder sees them (its fitted scaler), one flat row per sample."""
    scaled = autoencoder.scale(dataset)
    return scaled.reshape(len(scaled), -1)


def check_latent_dims(latent_dims, n_features: int) -> list[int]:
    dims = []
    for value in latent_dims:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ConfigError(f"Received latent size {value!r} in latent_dims; expected positive integers, "
                              "e.g. latent_dims=(2, 10, 30).")
        if value >= n_features:
            raise ConfigError(f"Received latent size {value}, but the data has only {n_features} values per sample. "
                              f"Choose latent sizes below {n_features}.")
        dims.append(int(value))
    if not dims:
        raise ConfigError("Received no latent sizes; expected at least one, e.g. latent_dims=(2, 10, 30).")
    return sorted(set(dims))


def balanced_subset(y: np.ndarray, count: int | None, seed: int) -> np.ndarray:
    """Indices of ``count`` labelled samples, as equal per class as the data allows (seeded; None = all).

    A class-balanced draw keeps a 100-label experiment from missing a class by bad luck, which would
    cap accuracy for reasons that have nothing to do with the encoder.
    """
    n = len(y)
    if count is None or count >= n:
        return np.arange(n)
    classes, inverse = np.unique(y, return_inverse=True)
    if count < len(classes):
        raise DataError(f"Received labels={count}, but the data has {len(classes)} classes; expected at least "
                        "one labelled sample per class.")
    rng = np.random.default_rng(seed)
    pools = [rng.permutation(np.flatnonzero(inverse == c)) for c in range(len(classes))]
    quota = np.full(len(classes), count // len(classes))
    # Hand the remainder to the classes that come first in a seeded order, capped by what each class holds.
    for c in rng.permutation(len(classes))[: count - quota.sum()]:
        quota[c] += 1
    chosen, short = [], 0
    for c, pool in enumerate(pools):
        take = min(quota[c], len(pool))
        short += quota[c] - take
        chosen.append(pool[:take])
    if short:  # small classes could not fill their quota: top up from the samples left over
        left = np.setdiff1d(np.arange(n), np.concatenate(chosen))
        chosen.append(rng.choice(left, size=short, replace=False))
    return np.sort(np.concatenate(chosen))


def holdout_split(dataset: Dataset, test_fraction: float, seed: int) -> tuple[Dataset, Dataset]:
    """A seeded train/test split of one data source (files have no standard test split)."""
    if not 0 < test_fraction < 1:
        raise ConfigError(f"Received test_fraction={test_fraction}; expected a value between 0 and 1, e.g. 0.2.")
    order = np.random.default_rng(seed).permutation(len(dataset))
    n_test = int(round(len(dataset) * test_fraction))
    if n_test < 1 or n_test >= len(dataset):
        raise DataError(f"The data has {len(dataset)} samples; a test fraction of {test_fraction} leaves no "
                        "training or no test samples. Use more data or another --test-fraction.")
    return dataset.subset(np.sort(order[n_test:])), dataset.subset(np.sort(order[:n_test]))


def to_uint8_images(images: np.ndarray) -> np.ndarray:
    """Images as uint8 for thumbnails and sprites; other dtypes are stretched from their min..max."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images
    low, high = float(images.min()), float(images.max())
    return np.round((images.astype(np.float64) - low) / ((high - low) or 1.0) * 255).astype(np.uint8)


def sprite(images: np.ndarray) -> np.ndarray:
    """Tile ``(n, h, w, c)`` images row by row into one square-ish ``(rows*h, cols*w, c)`` uint8 sheet."""
    images = to_uint8_images(images)
    n, h, w, c = images.shape
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    sheet = np.zeros((rows * h, cols * w, c), dtype=np.uint8)
    for i, image in enumerate(images):
        r, col = divmod(i, cols)
        sheet[r * h:(r + 1) * h, col * w:(col + 1) * w] = image
    return sheet


def png_bytes(sheet: np.ndarray) -> bytes:
    import io

    from PIL import Image

    image = Image.fromarray(sheet[..., 0] if sheet.shape[-1] == 1 else sheet)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def subsample(n: int, limit: int | None, seed: int) -> np.ndarray:
    """All indices, or a seeded sorted sample of ``limit`` of them."""
    if limit is None or n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=limit, replace=False))


CATEGORICAL_LIMIT = 20  # more distinct labels than this are drawn with a continuous colour map


def label_colours(labels):
    """(categories, colour per point, legend handles data) for categorical labels, or None for continuous ones."""
    values, inverse = np.unique(labels, return_inverse=True)
    if len(values) > CATEGORICAL_LIMIT and np.issubdtype(np.asarray(labels).dtype, np.number):
        return None
    from ...core.plots import colormap

    cmap = colormap("tab10" if len(values) <= 10 else "tab20")
    palette = [cmap(i % cmap.N) for i in range(len(values))]
    return values, inverse, palette
