"""Batched inference with one fixed batch shape, so a model's forward pass is compiled once.

Keras compiles (jit on JAX, XLA on TensorFlow) a new program for every input shape it sees. Predicting
1,000 rows in batches of 1,024, then 5,000 rows, then 7 rows would compile three programs; padding the last
batch up to the fixed size keeps it to one, which matters most for small models that run in milliseconds
and compile in a quarter of a second.
"""

from __future__ import annotations

import numpy as np

PREDICT_BATCH = 1_024


def predict_fixed_batches(model, x: np.ndarray, batch: int = PREDICT_BATCH) -> np.ndarray:
    """``model.predict(x)`` in batches of exactly ``batch`` rows (the last one zero-padded, then cut off)."""
    n = len(x)
    if n == 0:
        return np.asarray(model.predict(np.zeros((batch, *x.shape[1:]), x.dtype), batch_size=batch, verbose=0))[:0]
    padded_rows = -(-n // batch) * batch
    if padded_rows != n:
        x = np.concatenate([x, np.zeros((padded_rows - n, *x.shape[1:]), x.dtype)])
    return np.asarray(model.predict(x, batch_size=batch, verbose=0))[:n]
