"""Batched inference with one fixed batch shape, so a model's forward pass is compiled once.

Keras compiles (jit on JAX, XLA on TensorFlow) a new program for every input shape it sees. Predicting
1,000 rows in batches of 1,024, then 5,000 rows, then 7 rows would compile three programs; padding the last
batch up to the fixed size keeps it to one, which matters most for small models that run in milliseconds
and compile in a quarter of a second.

Models may return several outputs (a list, a tuple or a dict, e.g. a Gaussian encoder's mean and
log-variance): every output is cut back to the real rows, and the structure is kept.
"""

from __future__ import annotations

import weakref

import keras
import numpy as np

PREDICT_BATCH = 1_024


def predict_fixed_batches(model, x: np.ndarray, batch: int = PREDICT_BATCH):
    """``model.predict(x)`` in batches of exactly ``batch`` rows (the last one zero-padded, then cut off).

    Returns an array for a single-output model, else the model's structure (list, tuple, dict) of arrays.
    """
    n = len(x)
    padded_rows = max(batch, -(-n // batch) * batch)
    if padded_rows != n:
        x = np.concatenate([x, np.zeros((padded_rows - n, *x.shape[1:]), x.dtype)])
    return _cut(model.predict(x, batch_size=batch, verbose=0), n)


def _cut(outputs, n: int):
    if isinstance(outputs, dict):
        return {key: _cut(value, n) for key, value in outputs.items()}
    if isinstance(outputs, list | tuple):
        return type(outputs)(_cut(value, n) for value in outputs)
    return np.asarray(outputs)[:n]


class _MethodModel(keras.Model):
    """A Keras model whose forward pass is one inference method of another model (``encode``, ``decode``...).

    It shares the owner's layers and weights, so ``predict`` compiles that method once for a fixed batch
    shape, on any backend.
    """

    def __init__(self, owner: keras.Model, method: str):
        super().__init__(name=f"{owner.name}_{method}")
        self.owner = owner
        self.method = method

    def call(self, inputs):
        return getattr(self.owner, self.method)(inputs)


_METHOD_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def predict_method(model: keras.Model, method: str, x: np.ndarray, batch: int = PREDICT_BATCH):
    """Run ``model.<method>`` over ``x`` in fixed batches (compiled once per model and method)."""
    wrappers = _METHOD_MODELS.setdefault(model, {})
    if method not in wrappers:
        wrappers[method] = _MethodModel(model, method)
    return predict_fixed_batches(wrappers[method], x, batch)
