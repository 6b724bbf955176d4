"""Default architecture and training length for anomaly detection, chosen from the data's width and size.

One rule for every dataset, never tuned per dataset (benchmarks/anomaly.py shows how it does on 22):

- the code (bottleneck) grows with the logarithm of the width, ``round(2 * log2(columns))``, capped at 32 and
  at ``columns - 1``. Narrow tables keep most of their dimensions, because their anomalies often differ in a
  direction of little variance that a tight code would discard with the noise; wide ones still compress hard;
- a two-layer encoder about twice as wide as the input (16 to 256 units), mirrored by the decoder;
- about 32 batches per epoch (so the batch grows with the data, 16 to 512 rows) and a fixed budget of 500
  optimiser steps within 10 to 100 epochs: small tables get more epochs, large ones fewer, and training time
  stays nearly flat in the number of rows (the rule of :data:`aekit.core.budget.DETECTOR`).
"""

from __future__ import annotations

import math

from ...core.budget import DETECTOR

MAX_LATENT = 32


def auto_architecture(n_features: int) -> tuple[list[int], int]:
    """``(hidden, latent_dim)`` for a table of ``n_features`` columns."""
    if n_features < 2:
        return [8], 1
    latent = max(1, min(n_features - 1, MAX_LATENT, round(2 * math.log2(n_features))))
    first = min(256, max(16, 2 ** math.ceil(math.log2(2 * n_features))))
    return [first, max(first // 2, 2 * latent)], latent


def auto_batch_size(train_rows: float) -> int:
    """A power of two giving about 32 batches per epoch, 16 to 512 rows (:data:`aekit.core.budget.DETECTOR`)."""
    return DETECTOR.batch_size(train_rows)


def auto_epochs(train_rows: float, batch_size: int) -> int:
    """Epochs that give about 500 optimiser steps, 10 to 100 of them (:data:`aekit.core.budget.DETECTOR`)."""
    return DETECTOR.epochs(train_rows, batch_size)
