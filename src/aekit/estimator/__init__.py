"""The scikit-learn facade: :class:`Autoencoder`, its generated signature, inference and metrics, and the
abilities a family may declare (sampling, restoration, compression), each in a module of its own."""

from __future__ import annotations

import numpy as np

from ..runs import as_estimator
from .autoencoder import Autoencoder

__all__ = ["Autoencoder", "compress", "decompress"]


def compress(model, images, names: list[str] | None = None) -> bytes:
    """``aekit.compress(RUN or model, images)``: the ``.aez`` bytes of ``images`` (see ``Autoencoder.compress``).

    Parameters
    ----------
    model : Autoencoder, str or os.PathLike
        A fitted :class:`Autoencoder` of the ``compression`` family, or the path of its run directory.
    images : array-like of shape (n, h, w) or (n, h, w, c)
        Images of the size and channels the model was trained on, in the training data's units.
    names : list of str, optional
        One name per image, stored in the file for ``aekit decompress`` to write the images under.

    Returns
    -------
    bytes
        The ``.aez`` file's contents.
    """
    return as_estimator(model, Autoencoder).compress(images, names=names)


def decompress(model, data: bytes) -> np.ndarray:
    """``aekit.decompress(RUN or model, data)``: the images in a ``.aez`` file's bytes.

    Parameters
    ----------
    model : Autoencoder, str or os.PathLike
        The fitted :class:`Autoencoder` that wrote ``data``, or the path of its run directory.
    data : bytes
        The contents of a ``.aez`` file.

    Returns
    -------
    images : ndarray of shape (n, h, w, c)
        uint8 for a model of 8-bit images, else float32 in [0, 1] (see ``Autoencoder.decompress``).
    """
    return as_estimator(model, Autoencoder).decompress(data)
