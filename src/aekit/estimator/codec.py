"""Compressing images with a model that has the ``compress`` ability (the ``compression`` family):
``Autoencoder.compress`` / ``decompress``, and ``aekit.compress`` / ``aekit.decompress``. The file format is in
:mod:`aekit.data.aez`.

The model codes images of the size and channels it was trained on. ``compress`` takes them in the training
data's units (0-255 for 8-bit images); ``decompress`` gives them back in the same units, rounded to 8-bit
levels, so that a file decodes to the same pixels in any process (tested across two).
"""

from __future__ import annotations

import math

import numpy as np

from ..core.errors import DataError
from ..data import aez
from .inference import PREDICT_BATCH, predict_fixed_batches, predict_method

LEVELS = 255


def _batch(n: int) -> int:
    """The power of two that holds ``n`` images (at most ``PREDICT_BATCH``): one image is not padded to a
    thousand, and a file's images always go through in batches of one size, so decode alike every time."""
    return int(min(PREDICT_BATCH, 2 ** math.ceil(math.log2(max(n, 1)))))


def compress_images(estimator, images, names: list[str] | None = None) -> bytes:
    """The ``.aez`` bytes of ``images`` ``(n, h, w[, c])`` in the training data's units; ``names`` (one per
    image) are stored too, for ``aekit decompress`` to write the files under."""
    estimator.require("compress")
    images = _codec_images(estimator, images)
    if names is not None and len(names) != len(images):
        raise DataError(f"Received {len(names)} names for {len(images)} images; give one name per image.")
    scaled = _codec_scaled(estimator, images)
    model = estimator.model_
    symbols = np.rint(predict_method(model, "encode", scaled, _batch(len(scaled)))).astype(np.int32)
    tables = model.entropy_tables()
    low = -(tables.shape[1] // 2)
    words = aez.encode_symbols(symbols, tables, low)
    return aez.pack(aez.Container(fingerprint(estimator), tuple(estimator.input_shape_), tuple(symbols.shape[1:]),
                                  len(images), low, tables.shape[1], words, names))


def decompress_container(estimator, container: aez.Container, source: str = "the data") -> np.ndarray:
    """The images of a parsed ``.aez`` file (:func:`aekit.data.aez.unpack`), ``(n, h, w, c)``, in the training
    data's units: uint8 for a model of pixel values (8-bit files, or another integer range such as 0-16), float32
    in [0, 1] (on 1/255 steps) for a model of [0, 1] values. A file from another model raises ``DataError``."""
    estimator.require("compress")
    if container.fingerprint != fingerprint(estimator):
        raise DataError(f"{source} was written by another model (fingerprint {container.fingerprint.hex()}; "
                        f"this one is {fingerprint(estimator).hex()}). Decompress it with the run that "
                        "compressed it.")
    tables = estimator.model_.entropy_tables()
    expected = ((-(tables.shape[1] // 2), tables.shape[1]), tuple(estimator.input_shape_),
                tuple(estimator.code_shape_))
    found = ((container.low, container.alphabet), tuple(container.image_shape), tuple(container.grid_shape))
    if found != expected:
        raise DataError(f"{source} does not match this model: (symbols, image shape, code shape) {found}, "
                        f"expected {expected}. Decompress it with the run that compressed it.")
    symbols = aez.decode_symbols(container.payload, tables, container.low, (container.count, *container.grid_shape))
    decoded = predict_fixed_batches(estimator.model_.decoder, symbols.astype(np.float32), _batch(len(symbols)))
    decoded = estimator.scaler_.inverse_transform(decoded)
    levels = _levels(estimator, decoded).astype(np.uint8)
    return levels if _white(estimator) == LEVELS else levels.astype(np.float32) / LEVELS


def fingerprint(estimator) -> bytes:
    """The model's fingerprint in its ``.aez`` files (cached per fitted model)."""
    cached = estimator.__dict__.get("_codec_fingerprint")
    if cached is None or cached[0] is not estimator.model_:
        cached = (estimator.model_, aez.model_fingerprint(estimator.model_))
        estimator.__dict__["_codec_fingerprint"] = cached
    return cached[1]


def _white(estimator) -> float:
    """The value of a white pixel in the training data's units: 255 for 8-bit images, 1 for [0, 1] values."""
    return LEVELS * estimator.units_.per_file_value(np.uint8)


def _codec_images(estimator, images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 3 and estimator.input_shape_[-1] == 1:
        images = images[..., None]
    if images.ndim != 4 or not len(images):
        raise DataError(f"Received images of shape {images.shape}; expected a non-empty array (n, height, "
                        "width) or (n, height, width, channels).")
    if tuple(images.shape[1:]) != tuple(estimator.input_shape_):
        h, w, c = images.shape[1:]
        mh, mw, mc = estimator.input_shape_
        raise DataError(f"Received {h}x{w} images with {c} channel{'s' * (c != 1)}; this model codes {mh}x{mw} "
                        f"images with {mc} channel{'s' * (mc != 1)}. Resize or convert them, or train a "
                        "compression model on images like them.")
    estimator.units_.check(images, what="The images")
    return images


def _codec_scaled(estimator, images: np.ndarray) -> np.ndarray:
    # The encoder sees what the output is judged against: the pixels on the 8-bit grid.
    return estimator.scaler_.transform(_levels(estimator, images) * (_white(estimator) / LEVELS))


def _levels(estimator, images: np.ndarray) -> np.ndarray:
    """Images in the data's units -> 8-bit levels 0..255 (float64)."""
    return np.clip(np.rint(np.asarray(images, np.float64) * (LEVELS / _white(estimator))), 0, LEVELS)
