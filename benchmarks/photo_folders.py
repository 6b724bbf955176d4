"""Small folders of real photos, the case a user brings: 320 crops to train on, 80 crops of other photos to test.

The photos are the ones Python packages ship, so the folders need no download: scikit-image's sample images
and scikit-learn's two sample photos. Each folder crops its training images from some photos and its test
images from photos the training never saw (scikit-image's ``cat`` is the same photo as ``chelsea``, so only
one of them is used). The source photo of each crop is its "subject" for retrieval.

- ``photos-gray-64``: 64x64 grayscale crops of 14 photos at half size (10 to train, 4 to test).
- ``photos-rgb-64``: 64x64 RGB crops of 9 colour photos at half size (6 to train, 3 to test).
- ``photos-rgb-128``: 128x128 RGB crops of the same colour photos at full size: the larger size.

Crop positions are drawn from a fixed seed; the same call gives the same folder on every machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._common import data_dir

SEED = 0
TRAIN_IMAGES, TEST_IMAGES = 320, 80


@dataclass(frozen=True)
class PhotoFolder:
    side: int
    channels: int
    scale: float
    train_photos: tuple[str, ...]
    test_photos: tuple[str, ...]


_GRAY_TRAIN = ("astronaut", "camera", "coffee", "chelsea", "rocket", "coins", "moon", "clock", "grass",
               "immunohistochemistry")
_GRAY_TEST = ("china", "page", "brick", "hubble_deep_field")
_RGB_TRAIN = ("astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry", "retina")
_RGB_TEST = ("china", "flower", "hubble_deep_field")
FOLDERS = {"photos-gray-64": PhotoFolder(64, 1, 0.5, _GRAY_TRAIN, _GRAY_TEST),
           "photos-rgb-64": PhotoFolder(64, 3, 0.5, _RGB_TRAIN, _RGB_TEST),
           "photos-rgb-128": PhotoFolder(128, 3, 1.0, _RGB_TRAIN, _RGB_TEST)}


@dataclass(frozen=True)
class Split:
    train: np.ndarray  # uint8 (320, side, side, channels)
    train_subjects: np.ndarray  # the index of each crop's photo
    test: np.ndarray  # uint8 (80, side, side, channels)
    test_subjects: np.ndarray


def photo(name: str, channels: int, scale: float) -> np.ndarray:
    """A sample photo as floats in [0, 1], (h, w) for gray or (h, w, 3), resized by ``scale``."""
    import skimage.data
    from skimage.color import gray2rgb, rgb2gray
    from skimage.transform import rescale

    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        image = load_sample_image(f"{name}.jpg")
    else:
        image = getattr(skimage.data, name)()
    image = (image[..., :3] if image.ndim == 3 else image) / 255.0
    if channels == 1:
        image = rgb2gray(image) if image.ndim == 3 else image
    elif image.ndim == 2:
        image = gray2rgb(image)
    if scale != 1.0:
        image = rescale(image, scale, anti_aliasing=True, channel_axis=-1 if image.ndim == 3 else None)
    return image


def _crops(folder: PhotoFolder, names: tuple[str, ...], count: int, rng) -> tuple[np.ndarray, np.ndarray]:
    photos = [photo(name, folder.channels, folder.scale) for name in names]
    crops, subjects = [], []
    for i in range(count):
        image = photos[i % len(photos)]
        y, x = rng.integers(0, image.shape[0] - folder.side), rng.integers(0, image.shape[1] - folder.side)
        crop = image[y:y + folder.side, x:x + folder.side]
        crops.append(crop if crop.ndim == 3 else crop[..., None])
        subjects.append(i % len(photos))
    return (np.stack(crops) * 255).round().astype(np.uint8), np.array(subjects)


def load(name: str) -> Split:
    """The folder's 320 training and 80 test crops (uint8) and the photo each came from."""
    folder = FOLDERS[name]
    rng = np.random.default_rng(SEED)
    train, train_subjects = _crops(folder, folder.train_photos, TRAIN_IMAGES, rng)
    test, test_subjects = _crops(folder, folder.test_photos, TEST_IMAGES, rng)
    return Split(train, train_subjects, test, test_subjects)


def write_pngs(folder: Path, images: np.ndarray) -> Path:
    """``images`` (uint8, gray or RGB) as numbered PNG files in a new ``folder``, as a user's folder holds them."""
    from PIL import Image

    folder.mkdir(parents=True)
    for i, image in enumerate(images):
        Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(folder / f"{i:04d}.png")
    return folder


def train_cli(data: Path, flags: list[str], run: Path) -> dict:
    """``aekit train --data DATA FLAGS -o RUN`` through the real command line; the run's record and wall time."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "aekit.cli", "train", "--data", str(data), *flags, "--quiet",
                             "-o", str(run)], capture_output=True, text=True,
                            env={**os.environ, "AEKIT_DATA_DIR": data_dir()})
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"aekit train {' '.join(flags)} failed:\n{result.stderr[-2000:]}")
    meta = json.loads((run / "aekit.json").read_text())
    return {"command": "aekit train --data DIR " + " ".join(flags), "command_seconds": round(wall, 1),
            "training_seconds": round(meta["training_seconds"], 1), "epochs_run": meta["epochs_run"],
            "config_epochs": meta["config"]["epochs"], "batch_size": meta["config"]["batch_size"]}


def describe(name: str) -> dict:
    """What a result file records about a folder."""
    folder = FOLDERS[name]
    return {"folder": name, "image_shape": [folder.side, folder.side, folder.channels],
            "train_images": TRAIN_IMAGES, "test_images": TEST_IMAGES, "train_photos": list(folder.train_photos),
            "test_photos": list(folder.test_photos), "photo_scale": folder.scale}
