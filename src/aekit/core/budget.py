"""How long to train when ``epochs`` and ``batch_size`` are ``"auto"`` (the default): a budget of steps.

One rule, with parameters, from the number of training samples ``n`` alone:

- the batch is the power of two that gives about ``steps_per_epoch`` steps per epoch, within the batch range:
  small data gets small batches, so it still gets many optimiser steps;
- the epochs give about ``steps`` optimiser steps in all, within the epoch range.

:data:`AUTOENCODER` is the rule of every autoencoder: a 400-image folder trains for about a hundred epochs of
small batches, a 60,000-image set for 20 epochs of full ones (tens of thousands of steps); early stopping still
ends a run that stops improving. :data:`SMALL_IMAGES` doubles the steps of ``conv`` and ``compression`` on small
images (see :func:`settle_small_images`). :data:`DETECTOR` is the anomaly detector's shorter, fixed budget (see
:mod:`aekit.tasks.anomaly.architecture`). Measured in benchmarks/images.py and benchmarks/anomaly.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import AUTO, Config


@dataclass(frozen=True)
class Budget:
    steps: int  # optimiser steps in all
    steps_per_epoch: int
    min_batch: int
    max_batch: int
    min_epochs: int
    max_epochs: int
    nearest: bool = False  # round log2 of the batch to the nearest power of two, not down

    def batch_size(self, samples: float) -> int:
        """A power of two giving about ``steps_per_epoch`` batches per epoch, within the batch range."""
        exponent = math.log2(max(1.0, samples / self.steps_per_epoch))
        power = 2 ** (round(exponent) if self.nearest else math.floor(exponent))
        return int(min(self.max_batch, max(self.min_batch, power)))

    def epochs(self, samples: float, batch_size: int) -> int:
        """Epochs that give about ``steps`` optimiser steps, within the epoch range."""
        per_epoch = max(1, math.ceil(samples / min(max(1, int(batch_size)), max(samples, 1))))
        return int(min(self.max_epochs, max(self.min_epochs, math.ceil(self.steps / per_epoch))))


AUTOENCODER = Budget(steps=1500, steps_per_epoch=32, min_batch=16, max_batch=128, min_epochs=20, max_epochs=300)
# Convolutional autoencoders (conv, compression) on small images (at most SMALL_IMAGE_PIXELS): twice the steps. On
# development splits of the benchmark photo folders' training photos (held-out photos, never the test ones), 3,000
# steps against 1,500 lifted the conv's PSNR by 3.9 dB (RGB 64x64) and 0.4 dB (grayscale), and the codec's by 1.2 dB
# at equal bytes (grayscale); at 64x64 a small folder's 3,000 steps take under 3 minutes (conv) and under 5
# (compression) on 2 cores. Larger sets reach their steps through min_epochs anyway, so they train as before.
SMALL_IMAGES = Budget(steps=3000, steps_per_epoch=32, min_batch=16, max_batch=128, min_epochs=20, max_epochs=300)
SMALL_IMAGE_PIXELS = 64 * 64
DETECTOR = Budget(steps=500, steps_per_epoch=32, min_batch=16, max_batch=512, min_epochs=10, max_epochs=100,
                  nearest=True)


def auto_batch_size(samples: int) -> int:
    return AUTOENCODER.batch_size(samples)


def auto_epochs(samples: int, batch_size: int) -> int:
    return AUTOENCODER.epochs(samples, batch_size)


def resolve(config: Config, samples: int) -> Config:
    """``config`` with ``"auto"`` epochs and batch size replaced by the values chosen for ``samples``."""
    batch = auto_batch_size(samples) if config.batch_size == AUTO else config.batch_size
    epochs = auto_epochs(samples, batch) if config.epochs == AUTO else config.epochs
    return config.replace(epochs=epochs, batch_size=batch)


def describe(config: Config, chosen: Config, samples: int, what: str = "training samples") -> str:
    """One line saying what was chosen (and that it was chosen), for logs and the CLI; ``what`` names the
    samples (``"training crops"`` when an epoch visits crops)."""
    steps = math.ceil(samples / min(chosen.batch_size, max(samples, 1)))
    automatic = [name for name in ("epochs", "batch_size") if getattr(config, name) == AUTO]
    note = f", chosen for {samples:,} {what} ({' and '.join(f'{n}=auto' for n in automatic)})" \
        if automatic else ""
    return f"{chosen.epochs} epochs of {steps} steps (batch {chosen.batch_size}){note}"


def settle_small_images(config: Config, samples: int, sample_shape: tuple[int, ...] | None) -> Config:
    """``epochs=auto`` on images of at most ``SMALL_IMAGE_PIXELS`` held in memory (a stream has no
    ``sample_shape`` here): the :data:`SMALL_IMAGES` budget's epochs for the batch size; anything else unchanged."""
    if config.epochs != AUTO or sample_shape is None or math.prod(sample_shape[:2]) > SMALL_IMAGE_PIXELS:
        return config
    batch = SMALL_IMAGES.batch_size(samples) if config.batch_size == AUTO else config.batch_size
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        return config  # the config check names a bad batch size
    return config.replace(epochs=SMALL_IMAGES.epochs(samples, batch))
