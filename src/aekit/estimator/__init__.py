"""The scikit-learn facade: :class:`Autoencoder`, its generated signature, inference and metrics, and the
abilities a family may declare (sampling, restoration, compression), each in a module of its own."""

from __future__ import annotations

import numpy as np

from ..runs import as_estimator
from .autoencoder import Autoencoder

__all__ = ["Autoencoder", "compress", "decompress"]


def compress(model, images, names: list[str] | None = None) -> bytes:
    """``aekit.compress(RUN or model, images)``: the ``.aez`` bytes of ``images`` (see ``Autoencoder.compress``)."""
    return as_estimator(model, Autoencoder).compress(images, names=names)


def decompress(model, data: bytes) -> np.ndarray:
    """``aekit.decompress(RUN or model, data)``: the images in a ``.aez`` file's bytes."""
    return as_estimator(model, Autoencoder).decompress(data)
