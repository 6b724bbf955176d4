"""Named datasets: MNIST, Fashion-MNIST (IDX files found on disk or downloaded) and digits (bundled)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.errors import DataError, unknown_name_error
from .dataset import Dataset, check_dataset
from .readers import read_idx

_IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
SPLITS = ("train", "test", "all")


@dataclass(frozen=True)
class NamedDataset:
    name: str
    description: str
    folders: tuple[str, ...]  # folder names it may live under, in a data directory
    keras_npz: str | None  # the file name keras.datasets caches it as, if any
    url: str | None  # base URL for the four IDX files


NAMED = {
    "mnist": NamedDataset(
        "mnist", "MNIST handwritten digits, 28x28 grayscale, 60,000 train / 10,000 test",
        ("mnist",), "mnist.npz", "https://storage.googleapis.com/cvdf-datasets/mnist/"),
    "fashion_mnist": NamedDataset(
        "fashion_mnist", "Fashion-MNIST clothing, 28x28 grayscale, 60,000 train / 10,000 test",
        ("fashion-mnist", "fashion_mnist"), None,
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"),
    "digits": NamedDataset(
        "digits", "scikit-learn's bundled 8x8 digits, 1,797 images (always available, no download)",
        (), None, None),
}


def search_dirs(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Where named datasets are looked for, in order.

    Parameters
    ----------
    data_dir : str or path-like, optional
        A folder to look in first (``--data-dir``).

    Returns
    -------
    list of pathlib.Path
        ``data_dir`` (when given), ``$AEKIT_DATA_DIR`` (when set), the Keras cache ``$KERAS_HOME/datasets``
        (default ``~/.keras/datasets``), then ``/usr/share/datasets``. The folders need not exist.
    """
    dirs = []
    if data_dir:
        dirs.append(Path(data_dir))
    if os.environ.get("AEKIT_DATA_DIR"):
        dirs.append(Path(os.environ["AEKIT_DATA_DIR"]))
    dirs.append(Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets")
    dirs.append(Path("/usr/share/datasets"))
    return dirs


def load_named(name: str, split: str = "train", data_dir=None, download: bool | None = None) -> Dataset:
    """Load a named dataset split (``train``, ``test`` or ``all``).

    MNIST and Fashion-MNIST are read from IDX files (or the Keras cache's ``mnist.npz``) in the folders of
    :func:`search_dirs`, else downloaded into the Keras cache; ``digits`` comes with scikit-learn, split 80/20
    by a fixed permutation.

    Parameters
    ----------
    name : str
        ``mnist``, ``fashion_mnist`` or ``digits`` (case and ``-``/``_`` do not matter).
    split : {"train", "test", "all"}, default="train"
        Which split; ``all`` is the training split followed by the test split.
    data_dir : str or path-like, optional
        A folder to look in first (see :func:`search_dirs`).
    download : bool, optional
        Whether a dataset found nowhere may be downloaded. None downloads unless the environment variable
        ``AEKIT_NO_DOWNLOAD`` is set to anything but ``0``.

    Returns
    -------
    Dataset
        An ``image`` dataset, ``(n, height, width, 1)`` with the raw pixel values (0-255, or 0-16 for
        ``digits``), its labels as ``y`` and ``meta["split"]``.

    Raises
    ------
    DataError
        For an unknown name or split, or a dataset neither found nor downloaded (saying where it looked).
    """
    key = name.replace("-", "_").lower()
    if key not in NAMED:
        raise unknown_name_error("dataset", name, NAMED, cls=DataError)
    if split not in SPLITS:
        raise unknown_name_error("split", split, SPLITS, cls=DataError)
    if key == "digits":
        return _digits(split)
    splits = ("train", "test") if split == "all" else (split,)
    parts = [_load_idx_split(NAMED[key], s, data_dir, download) for s in splits]
    X = np.concatenate([p[0] for p in parts])[..., None]
    y = np.concatenate([p[1] for p in parts])
    return check_dataset(Dataset(X, y, "image", key, meta={"split": split}))


def _digits(split: str) -> Dataset:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    # Pixel values are 0..16; keep them as they are and let the fitted scaler map them to [0, 1].
    X = bunch.images.astype(np.float32)[..., None]
    order = np.random.default_rng(0).permutation(len(X))
    n_train = int(round(0.8 * len(X)))
    index = {"train": order[:n_train], "test": order[n_train:], "all": order}[split]
    return Dataset(X[index], bunch.target[index], "image", "digits", meta={"split": split})


def _load_idx_split(spec: NamedDataset, split: str, data_dir, download: bool | None):
    looked = []
    for base in search_dirs(data_dir):
        for folder in spec.folders:
            found = _find_idx_pair(base / folder, split)
            looked.append(str(base / folder))
            if found:
                return read_idx(found[0]), read_idx(found[1])
        if spec.keras_npz:
            npz = base / spec.keras_npz
            looked.append(str(npz))
            if npz.is_file():
                with np.load(npz, allow_pickle=False) as data:
                    return data[f"x_{split}"], data[f"y_{split}"]
    if download is None:
        download = os.environ.get("AEKIT_NO_DOWNLOAD", "") in ("", "0")
    if download and spec.url:
        try:
            return _download_idx(spec, split)
        except Exception as exc:  # noqa: BLE001 - any network failure means "not available offline"
            looked.append(f"{spec.url} (download failed: {type(exc).__name__})")
    raise DataError(
        f"Dataset {spec.name!r} ({split} split) was not found. Looked in: " + "; ".join(looked) + ". "
        f"Put the four IDX files ({', '.join(f + '.gz' for f in _IDX_FILES[split])} and the other split) in "
        f"<data-dir>/{spec.folders[0]}/ and pass --data-dir or set AEKIT_DATA_DIR, or connect to the "
        "internet once so aekit can download them into the Keras cache."
    )


def locate(name: str, data_dir=None) -> str:
    """Say where a named dataset would be read from, without downloading it."""
    if not NAMED[name].folders:
        return "bundled with scikit-learn (always available)"
    found = _local_copy(NAMED[name], data_dir)
    return f"found in {found}" if found else \
        "not found locally; downloaded on first use when online (or set AEKIT_DATA_DIR)"


def downloads(name: str, data_dir=None) -> bool:
    """Whether reading the named dataset ``name`` would download it (through Keras): a known name with no copy
    on this machine. An unknown name is refused by :func:`load_named` without one."""
    spec = NAMED.get(name)
    return spec is not None and bool(spec.folders) and _local_copy(spec, data_dir) is None


def _local_copy(spec: NamedDataset, data_dir) -> Path | None:
    for base in search_dirs(data_dir):
        for folder in spec.folders:
            if _find_idx_pair(base / folder, "train"):
                return base / folder
        if spec.keras_npz and (base / spec.keras_npz).is_file():
            return base / spec.keras_npz
    return None


def _find_idx_pair(folder: Path, split: str):
    if not folder.is_dir():
        return None
    found = []
    for stem in _IDX_FILES[split]:
        candidates = [folder / (stem + ext) for ext in (".gz", "")] + [folder / (stem.replace("-idx", ".idx") + ext)
                                                                      for ext in (".gz", "")]
        match = next((c for c in candidates if c.is_file()), None)
        if match is None:
            return None
        found.append(match)
    return found


def _download_idx(spec: NamedDataset, split: str):
    from keras.utils import get_file

    cache = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / spec.folders[0]
    arrays = []
    for stem in _IDX_FILES[split]:
        path = get_file(stem + ".gz", origin=spec.url + stem + ".gz", cache_dir=str(cache.parent.parent),
                        cache_subdir=str(Path("datasets") / spec.folders[0]))
        arrays.append(read_idx(path))
    return arrays[0], arrays[1]
