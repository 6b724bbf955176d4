"""The noise level of images, estimated from the images alone, and the level map a blind denoiser reads.

A blind denoiser (``unet`` with ``blind=True``, FFDNet's design: Zhang et al. 2018) takes the standard deviation
of the noise as one more input channel, constant over the image. Training gives it the level each image was
corrupted with; at inference the user gives it, or it is estimated from the image by Donoho's rule: the median
absolute value of the finest diagonal Haar detail over 0.6745. Those details hold little of a natural image (it is
smooth at two pixels' scale) and all of its white noise, with the noise's standard deviation; the median ignores
the edges that leak in. Textured images (grass, fabric) read a little high, and images at the bounds of their range
(a black background) read low, having lost noise to clipping; so a blind model measures that bias on its own
training images before it trains (:func:`calibration_table`) and undoes it at inference (:func:`calibrated`).
"""

from __future__ import annotations

import numpy as np
from keras import ops

# Levels a blind model's estimator is calibrated at, from 0 to its noise_level.
CALIBRATION_POINTS = 9
# The median of |N(0, 1)|: turns the median absolute detail into a standard deviation.
MAD_TO_SIGMA = 0.6745


def estimate_noise_level(images):
    """Each image's noise standard deviation, in the images' units (all channels pooled).

    Parameters
    ----------
    images : tensor or numpy.ndarray
        A batch ``(n, height, width, channels)``, at least 2x2 pixels.

    Returns
    -------
    tensor
        ``(n,)``: the median absolute diagonal Haar detail of each image over :data:`MAD_TO_SIGMA`.
    """
    images = ops.convert_to_tensor(images)
    height, width = (ops.shape(images)[1] // 2) * 2, (ops.shape(images)[2] // 2) * 2
    even = images[:, :height, :width]
    diagonal = (even[:, 0::2, 0::2] - even[:, 0::2, 1::2] - even[:, 1::2, 0::2] + even[:, 1::2, 1::2]) / 2
    details = ops.sort(ops.reshape(ops.abs(diagonal), (ops.shape(images)[0], -1)), axis=-1)
    middle = ops.shape(details)[1] // 2
    return ops.take(details, middle, axis=1) / MAD_TO_SIGMA


def with_level_map(images, levels):
    """``images`` with one more channel holding each image's noise level at every pixel.

    Parameters
    ----------
    images : tensor or numpy.ndarray
        A batch ``(n, height, width, channels)``.
    levels : tensor or numpy.ndarray
        ``(n,)``: each image's noise standard deviation, in the images' units.

    Returns
    -------
    tensor
        ``(n, height, width, channels + 1)``.
    """
    images = ops.convert_to_tensor(images)
    levels = ops.cast(ops.reshape(levels, (-1, 1, 1, 1)), images.dtype)
    return ops.concatenate([images, ops.ones_like(images[..., :1]) * levels], axis=-1)


def calibration_table(clean: np.ndarray, top_level: float, low: float | None, high: float | None, seed: int,
                      points: int = CALIBRATION_POINTS) -> list[list[float]]:
    """What :func:`estimate_noise_level` reads on these images at known noise levels, to undo its bias on them.

    Images at the bounds of their range (a black background) lose noise to clipping and read low; textured ones
    read high. The table holds, for ``points`` levels from 0 to ``top_level``, the mean estimate over ``clean``
    corrupted at that level (clipped to ``[low, high]`` when given, as training corrupts them).

    Parameters
    ----------
    clean : numpy.ndarray
        Clean scaled images ``(n, height, width, channels)``, a few hundred at most.
    top_level : float
        The highest level (the model's ``noise_level``).
    low, high : float or None
        The clipping range of the noisy images, or None for none.
    seed : int
        Seed of the noise.
    points : int, default=CALIBRATION_POINTS
        Levels in the table.

    Returns
    -------
    list of two lists of float
        ``[estimates, levels]``, the estimates increasing (made so where noise in the means would break it).
    """
    rng = np.random.default_rng(seed)
    levels = np.linspace(0.0, top_level, points, dtype=np.float32)
    estimates = []
    for level in levels:
        noisy = clean + level * rng.standard_normal(clean.shape, dtype=np.float32)
        if low is not None:
            noisy = np.clip(noisy, low, high)
        estimates.append(float(np.mean(ops.convert_to_numpy(estimate_noise_level(noisy)))))
    increasing = np.maximum.accumulate(np.asarray(estimates)) + np.arange(points) * 1e-6
    return [increasing.tolist(), levels.tolist()]


def calibrated(estimates, table):
    """Estimates turned into noise levels by a :func:`calibration_table`: piecewise linear between its points,
    the last segment extended above it, never below 0.

    Parameters
    ----------
    estimates : tensor
        ``(n,)``, from :func:`estimate_noise_level`.
    table : list of two lists of float
        ``[estimates, levels]``.

    Returns
    -------
    tensor
        ``(n,)``: the levels.
    """
    reads = ops.convert_to_tensor(np.asarray(table[0], np.float32))
    levels = ops.convert_to_tensor(np.asarray(table[1], np.float32))
    estimates = ops.cast(estimates, "float32")
    inner = ops.cast(ops.expand_dims(estimates, -1) > reads[None, 1:-1], "int32")
    segment = ops.sum(inner, axis=-1)  # 0 .. points - 2
    read_0, read_1 = ops.take(reads, segment), ops.take(reads, segment + 1)
    level_0, level_1 = ops.take(levels, segment), ops.take(levels, segment + 1)
    return ops.maximum(level_0 + (estimates - read_0) / (read_1 - read_0) * (level_1 - level_0), 0.0)
