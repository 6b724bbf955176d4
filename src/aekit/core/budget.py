"""How long to train when ``epochs`` and ``batch_size`` are ``"auto"`` (the default): a budget of steps.

One rule for every dataset, from its number of training samples ``n`` alone:

- the batch is the power of two that gives about ``STEPS_PER_EPOCH`` steps per epoch, within
  [MIN_BATCH, MAX_BATCH]: small data gets small batches, so it still gets many optimiser steps;
- the epochs give about ``STEP_BUDGET`` optimiser steps, within [MIN_EPOCHS, MAX_EPOCHS]: a 400-image
  folder trains for about a hundred epochs of small batches, a 60,000-image set for ``MIN_EPOCHS`` epochs
  of full ones (tens of thousands of steps). Early stopping still ends a run that stops improving.
"""

from __future__ import annotations

import math

from .config import AUTO, Config

STEPS_PER_EPOCH = 32
MIN_BATCH, MAX_BATCH = 16, 128
STEP_BUDGET = 1500
MIN_EPOCHS, MAX_EPOCHS = 20, 300


def auto_batch_size(samples: int) -> int:
    target = max(1.0, samples / STEPS_PER_EPOCH)
    return int(min(MAX_BATCH, max(MIN_BATCH, 2 ** math.floor(math.log2(target)))))


def auto_epochs(samples: int, batch_size: int) -> int:
    steps = max(1, math.ceil(samples / min(batch_size, max(samples, 1))))
    return int(min(MAX_EPOCHS, max(MIN_EPOCHS, math.ceil(STEP_BUDGET / steps))))


def resolve(config: Config, samples: int) -> Config:
    """``config`` with ``"auto"`` epochs and batch size replaced by the values chosen for ``samples``."""
    batch = auto_batch_size(samples) if config.batch_size == AUTO else config.batch_size
    epochs = auto_epochs(samples, batch) if config.epochs == AUTO else config.epochs
    return config.replace(epochs=epochs, batch_size=batch)


def describe(config: Config, chosen: Config, samples: int) -> str:
    """One line saying what was chosen (and that it was chosen), for logs and the CLI."""
    steps = math.ceil(samples / min(chosen.batch_size, max(samples, 1)))
    automatic = [name for name in ("epochs", "batch_size") if getattr(config, name) == AUTO]
    note = f", chosen for {samples:,} training samples ({' and '.join(f'{n}=auto' for n in automatic)})" \
        if automatic else ""
    return f"{chosen.epochs} epochs of {steps} steps (batch {chosen.batch_size}){note}"
