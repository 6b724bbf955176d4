"""Denoising and upscaling images of any size with a trained model: ``Autoencoder.denoise`` and ``.upscale``.

A fully convolutional restorer (``unet``) takes a whole image, padded by mirroring to a size its halvings
divide; a photo larger than ``TILE_PIXELS`` a side goes through in overlapping tiles, of which only the middle
is kept, so that every output pixel saw context on all sides. A model built for one image size (``conv``,
``dense`` trained with noise) goes through tiles of exactly that size. Either way the output has the input's
size (times the upscale factor): images are never cropped or resized.

Channels: a grayscale model restores each channel of a colour image as a grayscale image; a colour model
restores a grayscale image as three equal channels and returns their mean.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..core.errors import ConfigError, DataError
from ..models import reconstruction_of
from .inference import predict_fixed_batches

TILE_PIXELS = 256  # output pixels a side of one tile of a fully convolutional model
MARGIN_PIXELS = 32  # output pixels of context discarded at each inner tile edge
BATCH_PIXELS = 2 ** 20  # output pixels per batch: bounds memory on large tiles
CHUNK_PIXELS = 2 ** 24  # input pixels tiled at once: bounds memory on many large photos


def check_restorer(estimator, method: str, noise_level: float | None = None) -> None:
    """Raise if the model cannot ``method`` (``denoise`` or ``upscale``), or take a ``noise_level``; warn if it was
    not trained to."""
    estimator._check_fitted()
    if noise_level is not None and not is_blind(estimator):
        raise ConfigError(f"Received noise_level={noise_level}, but this model was trained for one noise level "
                          f"(noise={estimator.config_.noise}, noise_level={estimator.config_.noise_level}) and takes "
                          "none. Denoise without it, or train a blind denoiser (--model unet --blind --noise "
                          "gaussian --noise-level 0.25), which takes any level up to its noise_level.")
    if noise_level is not None and not 0 <= noise_level <= 1:
        raise ConfigError(f"Received noise_level={noise_level}; it is the noise's standard deviation in the scaled "
                          "images' units (0 to 1, as --noise-level at training), e.g. 0.1 for 25 of 255 levels.")
    factor = upscale_factor(estimator)
    if method == "upscale":
        estimator.require("upscale")
    if method == "denoise" and factor > 1:
        raise ConfigError(f"This model enlarges images {factor} times (upscale_factor={factor}); use upscale(X), "
                          "or train a denoiser with noise=gaussian.")
    if method == "denoise" and estimator.config_.noise == "none":
        warnings.warn("This model was trained without input noise (noise=none), so it was not trained to "
                      "denoise: it reconstructs its input. Train with noise=gaussian (--noise gaussian "
                      "--noise-level 0.2) for a denoiser.", UserWarning, stacklevel=4)


def upscale_factor(estimator) -> int:
    """How many times larger the model makes images: its ``upscale_factor`` where it has the ability, else 1."""
    return int(estimator.config_.upscale_factor) if estimator.can("upscale") else 1


def is_blind(estimator) -> bool:
    """Whether the model reads the noise level (a ``unet`` trained with ``blind=True``)."""
    return bool(getattr(estimator.model_, "blind", False))


def restore(estimator, X, method: str, noise_level: float | None = None):
    """``denoise`` or ``upscale`` images: an array ``(n, h, w[, c])`` or a list of arrays of any sizes, in the
    training data's units; returns the same structure. A blind denoiser takes ``noise_level`` (scaled units), or
    estimates each image's."""
    check_restorer(estimator, method, noise_level)
    if estimator.kind_ != "image":
        if isinstance(X, list):
            raise DataError("A table model restores one array of rows, not a list of images.")
        return estimator.reconstruct(X)
    if isinstance(X, list):
        return [_restore_batch(estimator, _as_images(np.asarray(x)[None]), noise_level)[0] for x in X]
    images = _as_images(X)
    chunk = max(1, CHUNK_PIXELS // (images.shape[1] * images.shape[2]))
    return np.concatenate([_restore_batch(estimator, images[i:i + chunk], noise_level)
                           for i in range(0, len(images), chunk)])


def _restore_batch(estimator, images: np.ndarray, noise_level: float | None = None) -> np.ndarray:
    """Images ``(n, h, w, c)`` of one size in the data's units -> restored, in the same units."""
    estimator.units_.check(images, what="The images")
    planes, undo = _to_model_channels(estimator.scaler_.transform(images), estimator.input_shape_[-1])
    return estimator.scaler_.inverse_transform(undo(_restore_planes(estimator, planes, noise_level)))


def _restore_planes(estimator, images: np.ndarray, noise_level: float | None = None) -> np.ndarray:
    """Scaled ``(n, h, w, c)`` images with the model's channels -> restored ``(n, h*s, w*s, c)``."""
    scale, model = upscale_factor(estimator), estimator.model_
    if is_blind(estimator):  # the level of the whole image, not of each tile (a blind model is a unet)
        images = _with_levels(model, images, noise_level)
        return run_tiled(model.network_with_level_map(), images, TILE_PIXELS, MARGIN_PIXELS, 1, model.size_multiple,
                         fixed=False)
    if model.size_multiple is not None:  # a fully convolutional model: whole images, or large tiles
        tile = max(1, TILE_PIXELS // scale)
        return run_tiled(model, images, tile, MARGIN_PIXELS // scale, scale, model.size_multiple, fixed=False)
    tile = estimator.input_shape_[:2]
    if tuple(images.shape[1:3]) == tuple(tile):
        return reconstruction_of(predict_fixed_batches(model, images))
    return run_tiled(model, images, tile, max(1, min(tile) // 4), 1, 1, fixed=True)


def _with_levels(model, images: np.ndarray, noise_level: float | None) -> np.ndarray:
    """Scaled images and their level map: ``noise_level`` for each, or each one's estimate."""
    from keras import ops

    from ..models.noise_level import with_level_map

    if noise_level is None:
        levels = np.concatenate([ops.convert_to_numpy(model.estimate_levels(images[i:i + 64]))
                                 for i in range(0, len(images), 64)])
    else:
        levels = np.full(len(images), noise_level, np.float32)
    return ops.convert_to_numpy(with_level_map(images, levels))


def _as_images(X) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim == 3:
        X = X[..., None]
    if X.ndim != 4:
        raise DataError(f"Received images of shape {X.shape}; expected (n, height, width) or (n, height, width, "
                        "channels), or a list of images of different sizes.")
    if not len(X):
        raise DataError(f"Received no images (an array of shape {X.shape}); pass at least one.")
    return X


def _to_model_channels(images: np.ndarray, channels: int):
    """``images`` as the model's channels, and the function that turns the restored ones back."""
    n, have = len(images), images.shape[-1]
    if have == channels:
        return images, lambda restored: restored
    if channels == 1:  # each channel as a grayscale image
        planes = images.transpose(0, 3, 1, 2).reshape(n * have, *images.shape[1:3], 1)
        return planes, lambda restored: restored.reshape(n, have, *restored.shape[1:3]).transpose(0, 2, 3, 1)
    if have == 1:  # three equal channels, averaged back
        return np.repeat(images, channels, axis=-1), lambda restored: restored.mean(axis=-1, keepdims=True)
    raise DataError(f"Received images with {have} channels; this model takes {channels} (or 1).")


def _starts(size: int, tile: int, margin: int, multiple: int) -> list[int]:
    """Tile origins along one side: every one a ``multiple`` of pixels, so that each tile sees the network's
    halvings in the same phase as the whole image would (``size - tile`` is a multiple too)."""
    if size <= tile:
        return [0]
    step = max(multiple, (tile - 2 * margin) // multiple * multiple)
    return [*range(0, size - tile, step), size - tile]


def run_tiled(model, images: np.ndarray, tile, margin: int, scale: int, multiple: int, *,
              fixed: bool) -> np.ndarray:
    """Run ``model`` over ``images`` (n, h, w, c) in overlapping tiles, keeping each tile's middle.

    ``tile`` (an int or (h, w)) is in input pixels. Images are mirrored out to at least a tile (``fixed``, a
    model of one input size) or to a ``multiple`` of pixels (a fully convolutional one), and cut back after.
    """
    height, width = images.shape[1:3]
    tile_h, tile_w = (tile, tile) if np.isscalar(tile) else tile
    if fixed:
        padded = _pad_to(images, max(height, tile_h), max(width, tile_w))
    else:
        padded = _pad_to(images, -(-height // multiple) * multiple, -(-width // multiple) * multiple)
        tile_h, tile_w = min(tile_h, padded.shape[1]), min(tile_w, padded.shape[2])
    rows = _starts(padded.shape[1], tile_h, margin, multiple)
    cols = _starts(padded.shape[2], tile_w, margin, multiple)
    tiles = np.concatenate([padded[:, r:r + tile_h, c:c + tile_w] for r in rows for c in cols])
    batch = int(np.clip(BATCH_PIXELS // (tile_h * tile_w * scale * scale), 1, len(tiles)))
    outputs = reconstruction_of(predict_fixed_batches(model, tiles, batch))
    outputs = outputs.reshape(len(rows) * len(cols), len(images), *outputs.shape[1:])
    result = np.empty((len(images), padded.shape[1] * scale, padded.shape[2] * scale, outputs.shape[-1]),
                      np.float32)
    for index, (r, c) in enumerate((r, c) for r in rows for c in cols):
        # Each tile writes from its margin to its far edge; the next tile overwrites that edge with its middle.
        top, left = (0 if r == 0 else margin), (0 if c == 0 else margin)
        result[:, (r + top) * scale:(r + tile_h) * scale, (c + left) * scale:(c + tile_w) * scale] = \
            outputs[index, :, top * scale:, left * scale:]
    return result[:, :height * scale, :width * scale]


def _pad_to(images: np.ndarray, height: int, width: int) -> np.ndarray:
    """Mirror the images out to at least ``height`` x ``width`` (a model's border effects stay outside)."""
    extra_h, extra_w = height - images.shape[1], width - images.shape[2]
    if extra_h <= 0 and extra_w <= 0:
        return images
    return np.pad(images, ((0, 0), (0, max(0, extra_h)), (0, max(0, extra_w)), (0, 0)), mode="symmetric")
