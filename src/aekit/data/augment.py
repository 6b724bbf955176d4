"""Label-free augmentation of image batches: horizontal flips and small shifts, the same for an input and its target.

A small folder of photos gives few distinct training images; flipping and shifting them gives the model more
views of the same content. Whether a flip keeps an image's meaning cannot be read from its pixels (a mirrored
digit or page of text is another thing, a mirrored face or landscape is not), so augmentation is the user's
choice (``augment``), off by default.

The draws are a pure function of (seed, epoch, step) and of a sample's place in the batch, so a resumed run and
every backend see the same augmented batches, and a worker of a group augments its share of a batch as a single
process would.
"""

from __future__ import annotations

import numpy as np

MODES = ("none", "flips", "shifts", "flips+shifts")
SHIFT_SHARE = 1 / 16  # the largest shift, as a share of the image's side (at least one pixel)


def max_shift(side: int) -> int:
    """The largest shift, in pixels, for an image side of ``side`` pixels.

    Parameters
    ----------
    side : int
        Height or width of the image.

    Returns
    -------
    int
        ``side / 16`` rounded, and at least 1.
    """
    return max(1, int(round(side * SHIFT_SHARE)))


def augment_batch(x: np.ndarray, y: np.ndarray | None, mode: str, seed: int, epoch: int, step: int,
                  batch_size: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """``x`` (and ``y``, its targets) flipped and shifted per sample, as ``mode`` says.

    Parameters
    ----------
    x : ndarray of shape (n, h, w, c)
        A batch of images (or a worker's share of one).
    y : ndarray of shape (n, h * f, w * f, c), optional
        The targets, transformed alike; a target ``f`` times larger than its input (super-resolution) is shifted
        ``f`` times as far.
    mode : {"none", "flips", "shifts", "flips+shifts"}
        What to apply.
    seed, epoch, step : int
        Where the batch lies in training: the draws depend on these alone.
    batch_size : int
        The size of the whole batch: draws are made for every place in it.
    offset : int, default=0
        Where ``x`` starts in the whole batch (a worker's share).

    Returns
    -------
    (x, y) : tuple of ndarray
        New arrays; ``y`` is None when it was.
    """
    if mode == "none":
        return x, y
    rng = np.random.default_rng([int(seed) % (2**31), int(epoch), int(step), 0x0A06])
    height, width = x.shape[1:3]
    flips = rng.random(batch_size) < 0.5
    shifts = rng.integers(-max_shift(height), max_shift(height) + 1, size=(batch_size, 2))
    shifts[:, 1] = rng.integers(-max_shift(width), max_shift(width) + 1, size=batch_size)
    places = slice(offset, offset + len(x))
    flips = flips[places] if "flips" in mode else np.zeros(len(x), bool)
    shifts = shifts[places] if "shifts" in mode else np.zeros((len(x), 2), int)
    factor = 1 if y is None else y.shape[1] // height
    x = np.stack([_moved(image, flip, shift) for image, flip, shift in zip(x, flips, shifts)])
    if y is not None:
        y = np.stack([_moved(image, flip, shift * factor) for image, flip, shift in zip(y, flips, shifts)])
    return x, y


def _moved(image: np.ndarray, flip: bool, shift: np.ndarray) -> np.ndarray:
    """One image, mirrored left to right if ``flip``, then moved by ``shift`` (rows, columns) pixels; the edge
    it uncovers is the image's own border reflected, not a black band the model would learn to draw."""
    if flip:
        image = image[:, ::-1]
    dy, dx = int(shift[0]), int(shift[1])
    if dy == 0 and dx == 0:
        return np.ascontiguousarray(image)
    height, width = image.shape[:2]
    padded = np.pad(image, ((abs(dy), abs(dy)), (abs(dx), abs(dx))) + ((0, 0),) * (image.ndim - 2), mode="reflect")
    top, left = abs(dy) - dy, abs(dx) - dx
    return padded[top:top + height, left:left + width]
