"""Reconstruction losses, per value and per sample, as the model families' loss terms use them."""

from __future__ import annotations

import keras
from keras import ops

_PER_VALUE = {
    "mse": keras.losses.mean_squared_error,
    "mae": keras.losses.mean_absolute_error,
    "bce": keras.losses.binary_crossentropy,
}


def resolve_loss(loss: str, data_range: str) -> str:
    """``auto`` is cross-entropy for data in [0, 1] (it trains MNIST-like data faster) and MSE otherwise."""
    if loss != "auto":
        return loss
    return "bce" if data_range == "unit" else "mse"


def mean_reconstruction_loss(name: str, target, reconstruction):
    """The loss averaged over every value of the batch: what ``compile(loss=name)`` reports."""
    return ops.mean(_PER_VALUE[name](target, reconstruction))


def summed_reconstruction_loss(name: str, target, reconstruction):
    """Per sample, the loss summed over the sample's values, shape ``(batch,)`` (nats for ``bce``)."""
    per_value = _PER_VALUE[name](ops.expand_dims(target, -1), ops.expand_dims(reconstruction, -1))
    return ops.sum(ops.reshape(per_value, (ops.shape(per_value)[0], -1)), axis=1)
