"""Default architecture and training length for anomaly detection, chosen from the data's width and size.

One rule for every dataset (no per-dataset tuning): a two-layer encoder about twice as wide as the input,
a bottleneck near the square root of the width, and a fixed budget of optimisation steps, so small tables
get more epochs and large ones fewer. See benchmarks/anomaly.py for how the rule does on 22 datasets.
"""

from __future__ import annotations

import math

STEP_BUDGET = 3_000  # optimiser steps when the epoch count is left to aekit
MIN_EPOCHS, MAX_EPOCHS = 10, 300


def auto_architecture(n_features: int) -> tuple[list[int], int]:
    """``(hidden, latent_dim)`` for a table of ``n_features`` columns."""
    if n_features < 2:
        return [8], 1
    latent = max(1, min(n_features - 1, 32, round(math.sqrt(n_features))))
    first = min(256, max(16, 2 ** math.ceil(math.log2(2 * n_features))))
    return [first, max(first // 2, 2 * latent)], latent


def auto_epochs(train_rows: float, batch_size: int) -> int:
    """Epochs that give about ``STEP_BUDGET`` optimiser steps, within [MIN_EPOCHS, MAX_EPOCHS]."""
    steps_per_epoch = max(1, math.ceil(train_rows / max(1, int(batch_size))))
    return max(MIN_EPOCHS, min(MAX_EPOCHS, math.ceil(STEP_BUDGET / steps_per_epoch)))
