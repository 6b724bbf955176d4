"""Default architecture and training length for anomaly detection, chosen from the data's width and size.

One rule for every dataset, never tuned per dataset (benchmarks/anomaly.py shows how it does on 22):

- the code (bottleneck) grows with the logarithm of the width, ``round(2 * log2(columns))``, capped at 32 and
  at ``columns - 1``. Narrow tables keep most of their dimensions, because their anomalies often differ in a
  direction of little variance that a tight code would discard with the noise; wide ones still compress hard;
- a two-layer encoder about twice as wide as the input (16 to 256 units), mirrored by the decoder;
- about ``STEPS_PER_EPOCH`` batches per epoch (so the batch grows with the data, 16 to 512 rows) and a fixed
  budget of ``STEP_BUDGET`` optimiser steps within [MIN_EPOCHS, MAX_EPOCHS] epochs: small tables get more
  epochs, large ones fewer, and training time stays nearly flat in the number of rows.
"""

from __future__ import annotations

import math

MAX_LATENT = 32
STEPS_PER_EPOCH = 32
MIN_BATCH, MAX_BATCH = 16, 512
STEP_BUDGET = 500
MIN_EPOCHS, MAX_EPOCHS = 10, 100


def auto_architecture(n_features: int) -> tuple[list[int], int]:
    """``(hidden, latent_dim)`` for a table of ``n_features`` columns."""
    if n_features < 2:
        return [8], 1
    latent = max(1, min(n_features - 1, MAX_LATENT, round(2 * math.log2(n_features))))
    first = min(256, max(16, 2 ** math.ceil(math.log2(2 * n_features))))
    return [first, max(first // 2, 2 * latent)], latent


def auto_batch_size(train_rows: float) -> int:
    """A power of two giving about ``STEPS_PER_EPOCH`` batches per epoch, within [MIN_BATCH, MAX_BATCH]."""
    target = max(1.0, train_rows / STEPS_PER_EPOCH)
    return int(min(MAX_BATCH, max(MIN_BATCH, 2 ** round(math.log2(target)))))


def auto_epochs(train_rows: float, batch_size: int) -> int:
    """Epochs that give about ``STEP_BUDGET`` optimiser steps, within [MIN_EPOCHS, MAX_EPOCHS]."""
    steps_per_epoch = max(1, math.ceil(train_rows / max(1, int(batch_size))))
    return max(MIN_EPOCHS, min(MAX_EPOCHS, math.ceil(STEP_BUDGET / steps_per_epoch)))
