"""Compressing images with a trained ``compression`` model: ``Autoencoder.compress`` / ``decompress`` and the
``aekit.compress`` / ``aekit.decompress`` helpers. The file format is in :mod:`aekit.aez`.

The model codes images of the size and channels it was trained on. ``compress`` takes them in the training
data's units (0-255 for 8-bit images); ``decompress`` gives them back in the same units, rounded to 8-bit
levels, so that a file decodes to the same pixels in any process (tested across two).
"""

from __future__ import annotations

import math

import numpy as np

from . import aez
from .errors import ConfigError, DataError
from .inference import PREDICT_BATCH, predict_fixed_batches, predict_method

LEVELS = 255


def _batch(n: int) -> int:
    """The power of two that holds ``n`` images (at most ``PREDICT_BATCH``): one image is not padded to a
    thousand, and a file's images always go through in batches of one size, so decode alike every time."""
    return int(min(PREDICT_BATCH, 2 ** math.ceil(math.log2(max(n, 1)))))


class CompressionMixin:
    """``compress`` and ``decompress`` for :class:`aekit.Autoencoder` (a ``compression`` model)."""

    def compress(self, images, names: list[str] | None = None) -> bytes:
        """The ``.aez`` bytes of ``images`` ``(n, h, w[, c])`` in the training data's units; ``names`` (one per
        image) are stored too, for ``aekit decompress`` to write the files under."""
        check_codec(self)
        images = self._codec_images(images)
        if names is not None and len(names) != len(images):
            raise DataError(f"Received {len(names)} names for {len(images)} images; give one name per image.")
        scaled = self._codec_scaled(images)
        symbols = np.rint(predict_method(self.model_, "encode", scaled, _batch(len(scaled)))).astype(np.int32)
        tables = self.model_.entropy_tables()
        low = -(tables.shape[1] // 2)
        words = aez.encode_symbols(symbols, tables, low)
        return aez.pack(aez.Container(self.codec_fingerprint_, tuple(self.input_shape_), tuple(symbols.shape[1:]),
                                      len(images), low, tables.shape[1], words, names))

    def decompress(self, data: bytes, source: str = "the data") -> np.ndarray:
        """The images in ``.aez`` bytes, ``(n, h, w, c)``: uint8 for a model of 8-bit images, else float32
        in [0, 1] (on 1/255 steps). A file from another model, truncated or corrupted, raises ``DataError``."""
        check_codec(self)
        return self.decompress_container(aez.unpack(data, source), source)

    def decompress_container(self, container: aez.Container, source: str = "the data") -> np.ndarray:
        """``decompress`` for a file already parsed with :func:`aekit.aez.unpack` (its names are on it)."""
        check_codec(self)
        if container.fingerprint != self.codec_fingerprint_:
            raise DataError(f"{source} was written by another model (fingerprint {container.fingerprint.hex()}; "
                            f"this one is {self.codec_fingerprint_.hex()}). Decompress it with the run that "
                            "compressed it.")
        tables = self.model_.entropy_tables()
        expected = ((-(tables.shape[1] // 2), tables.shape[1]), tuple(self.input_shape_), tuple(self.code_shape_))
        found = ((container.low, container.alphabet), tuple(container.image_shape), tuple(container.grid_shape))
        if found != expected:
            raise DataError(f"{source} does not match this model: (symbols, image shape, code shape) {found}, "
                            f"expected {expected}. Decompress it with the run that compressed it.")
        symbols = aez.decode_symbols(container.payload, tables, container.low, (container.count,
                                                                                 *container.grid_shape))
        decoded = predict_fixed_batches(self.model_.decoder, symbols.astype(np.float32), _batch(len(symbols)))
        decoded = self.scaler_.inverse_transform(decoded)
        levels = self._levels(decoded).astype(np.uint8)
        return levels if self._codec_units() == LEVELS else levels.astype(np.float32) / LEVELS

    @property
    def codec_fingerprint_(self) -> bytes:
        if getattr(self, "_codec_fingerprint", None) is None or self._codec_fingerprint[0] is not self.model_:
            self._codec_fingerprint = (self.model_, aez.model_fingerprint(self.model_))
        return self._codec_fingerprint[1]

    def _codec_units(self) -> float:
        """The value of a white pixel in the training data's units: 255 for 8-bit images, 1 for [0, 1] values."""
        return LEVELS * self.units_.per_file_value(np.uint8)

    def _codec_images(self, images) -> np.ndarray:
        images = np.asarray(images)
        if images.ndim == 3 and self.input_shape_[-1] == 1:
            images = images[..., None]
        if images.ndim != 4 or not len(images):
            raise DataError(f"Received images of shape {images.shape}; expected a non-empty array (n, height, "
                            "width) or (n, height, width, channels).")
        if tuple(images.shape[1:]) != tuple(self.input_shape_):
            h, w, c = images.shape[1:]
            mh, mw, mc = self.input_shape_
            raise DataError(f"Received {h}x{w} images with {c} channel{'s' * (c != 1)}; this model codes {mh}x{mw} "
                            f"images with {mc} channel{'s' * (mc != 1)}. Resize or convert them, or train a "
                            "compression model on images like them.")
        self.units_.check(images, what="The images")
        return images

    def _codec_scaled(self, images: np.ndarray) -> np.ndarray:
        # The encoder sees what the output is judged against: the pixels on the 8-bit grid.
        return self.scaler_.transform(self._levels(images) * (self._codec_units() / LEVELS))

    def _levels(self, images: np.ndarray) -> np.ndarray:
        """Images in the data's units -> 8-bit levels 0..255 (float64)."""
        return np.clip(np.rint(np.asarray(images, np.float64) * (LEVELS / self._codec_units())), 0, LEVELS)


def check_codec(estimator) -> None:
    """Raise unless ``estimator`` is a fitted ``compression`` model."""
    estimator._check_fitted()
    if not hasattr(estimator.model_, "entropy_tables"):
        raise ConfigError(f"This run's model is {estimator.config_.model!r}, which has no entropy model; "
                          "compressing needs one trained with `aekit train --model compression`.")


def compress(model, images, names: list[str] | None = None) -> bytes:
    """``aekit.compress(RUN or model, images)``: the ``.aez`` bytes of ``images`` (see ``Autoencoder.compress``)."""
    return _estimator(model).compress(images, names=names)


def decompress(model, data: bytes) -> np.ndarray:
    """``aekit.decompress(RUN or model, data)``: the images in a ``.aez`` file's bytes."""
    return _estimator(model).decompress(data)


def _estimator(model):
    if isinstance(model, str) or hasattr(model, "__fspath__"):
        from .cli_options import load_autoencoder

        return load_autoencoder(model)
    return model
