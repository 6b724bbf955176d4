"""Random crops of training images, for the families that take images of any size (``unet``: its ``crop``).

A folder of a few hundred photos holds far more distinct patches than distinct images. A fully convolutional model
trained on random crops sees a new patch of every image at every visit, steps cost less the smaller the crop, and
the model still restores whole images (validation and inference use them whole). An epoch visits every image as
many times as it holds whole crops (``crops_per_image``), so the training budget counts crops, not files.

The crop of a sample is drawn from (seed, epoch, step) and its place in the batch, as the augmentation's draws are
(:mod:`aekit.data.augment`): a resumed run, both pipelines and every worker of a group see the same crops. A
super-resolution target, ``f`` times larger than its input, is cut ``f`` times larger at ``f`` times the offset.
"""

from __future__ import annotations

import numpy as np

from ..core.errors import ConfigError


def crops_per_image(image_shape: tuple[int, ...], crop: int) -> int:
    """How many whole ``crop`` x ``crop`` crops an image holds side by side: the visits an epoch makes to it.

    Parameters
    ----------
    image_shape : tuple of int
        ``(height, width, channels)`` of the training images (the model's inputs).
    crop : int
        The crop's side in pixels; 0 (or a negative value, an unsettled automatic choice) means whole images.

    Returns
    -------
    int
        ``(height // crop) * (width // crop)``, or 1 for whole images.

    Raises
    ------
    ConfigError
        When the crop is larger than the images.
    """
    if crop <= 0:
        return 1
    height, width = int(image_shape[0]), int(image_shape[1])
    if crop > min(height, width):
        raise ConfigError(f"Received crop={crop} for images of {height}x{width} pixels; a crop must fit in an image. "
                          f"Choose crop <= {min(height, width)}, or 0 to train on whole images.")
    return (height // crop) * (width // crop)


def crop_batch(x: np.ndarray, y: np.ndarray | None, crop: int, seed: int, epoch: int, step: int, batch_size: int,
               offset: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """A random ``crop`` x ``crop`` window of each image of ``x`` (and the same window of its target).

    Parameters
    ----------
    x : ndarray of shape (n, h, w, c)
        A batch of images (or a worker's share of one).
    y : ndarray of shape (n, h * f, w * f, c), optional
        The targets: cut at ``f`` times the offset, ``f`` times larger.
    crop : int
        The side of the crops; 0 (or less) returns the batch as it is.
    seed, epoch, step : int
        Where the batch lies in training: the draws depend on these alone.
    batch_size : int
        The size of the whole batch: draws are made for every place in it.
    offset : int, default=0
        Where ``x`` starts in the whole batch (a worker's share).

    Returns
    -------
    (x, y) : tuple of ndarray
        The crops, ``(n, crop, crop, c)``, and the targets' crops (None when ``y`` is).
    """
    if crop <= 0:
        return x, y
    height, width = x.shape[1:3]
    rng = np.random.default_rng([int(seed) % (2**31), int(epoch), int(step), 0xC209])
    tops = rng.integers(0, height - crop + 1, size=batch_size)[offset:offset + len(x)]
    lefts = rng.integers(0, width - crop + 1, size=batch_size)[offset:offset + len(x)]
    x = np.stack([image[top:top + crop, left:left + crop] for image, top, left in zip(x, tops, lefts)])
    if y is not None:
        f = y.shape[1] // height
        y = np.stack([image[f * top:f * (top + crop), f * left:f * (left + crop)]
                      for image, top, left in zip(y, tops, lefts)])
    return x, y
