"""A learned factorised density for quantised latents (Ballé et al. 2017, 2018 appendix 6.1), and its tables.

Each latent channel has its own cumulative distribution function, a small monotone network from R to (0, 1)
(``FILTERS`` hidden widths; softplus-constrained weights and tanh gates keep it increasing). The probability
of an integer symbol ``k`` is ``cdf(k + 0.5) - cdf(k - 0.5)``; while training, ``k`` is the latent plus uniform
noise, and the same difference is the density of that noisy value. Its negative log2 is the rate term.

For entropy coding, the model's densities are turned once into integer frequency tables over
``[-SYMBOL_RADIUS, SYMBOL_RADIUS]`` (``TABLE_TOTAL`` in all per channel, every symbol at least 1) and stored as
weights of the layer: a range coder then reads nothing but integers, so the coded symbols never depend on
floating-point arithmetic on the decoding side.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from .naming import PACKAGE

FILTERS = (3, 3, 3)
INIT_SCALE = 10.0
# The density's weights are stored divided by GAIN: Adam moves every weight by about the learning rate per step,
# so this lets the densities follow the latents GAIN times faster than the networks' weights move.
GAIN = 10.0
SYMBOL_RADIUS = 63  # symbols are clipped to [-63, 63]: 127 per channel
TABLE_TOTAL = 1 << 16
LIKELIHOOD_FLOOR = 1e-9


@keras.saving.register_keras_serializable(package=PACKAGE)
class FactorizedDensity(keras.layers.Layer):
    """Per-channel learned densities of the last axis: ``call(y)`` gives each value's likelihood."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.matrices, self.biases, self.factors = [], [], []

    def build(self, input_shape):
        channels = int(input_shape[-1])
        widths = (1, *FILTERS, 1)
        scale = INIT_SCALE ** (1 / (len(FILTERS) + 1))
        for i in range(len(FILTERS) + 1):
            init = float(np.log(np.expm1(1 / scale / widths[i + 1]))) / GAIN
            self.matrices.append(self.add_weight(shape=(channels, widths[i + 1], widths[i]), name=f"matrix_{i}",
                                                 initializer=keras.initializers.Constant(init)))
            self.biases.append(self.add_weight(shape=(channels, widths[i + 1], 1), name=f"bias_{i}",
                                               initializer=keras.initializers.RandomUniform(-0.5 / GAIN, 0.5 / GAIN,
                                                                                           seed=i)))
            if i < len(FILTERS):
                self.factors.append(self.add_weight(shape=(channels, widths[i + 1], 1), name=f"factor_{i}",
                                                    initializer="zeros"))
        self.frequencies = self.add_weight(shape=(channels, 2 * SYMBOL_RADIUS + 1), dtype="int32",
                                           initializer="zeros", trainable=False, name="frequencies")
        self.built = True

    def cumulative_logits(self, values):
        """``values`` (channels, 1, n) -> the logits of each channel's CDF at them, same shape."""
        logits = values
        for i, matrix in enumerate(self.matrices):
            logits = ops.matmul(ops.softplus(GAIN * matrix), logits) + GAIN * self.biases[i]
            if i < len(self.factors):
                logits = logits + ops.tanh(GAIN * self.factors[i]) * ops.tanh(logits)
        return logits

    def call(self, y):
        """The likelihood of each value of ``y`` (..., channels), as the mass of [y - 0.5, y + 0.5]."""
        shape = ops.shape(y)
        channels = int(y.shape[-1])
        values = ops.reshape(ops.transpose(ops.reshape(y, (-1, channels))), (channels, 1, -1))
        lower = self.cumulative_logits(values - 0.5)
        upper = self.cumulative_logits(values + 0.5)
        # The difference of sigmoids computed on the side of the median where it does not cancel out.
        sign = -ops.sign(lower + upper)
        mass = ops.abs(ops.sigmoid(sign * upper) - ops.sigmoid(sign * lower))
        mass = ops.reshape(ops.transpose(ops.reshape(mass, (channels, -1))), shape)
        return ops.maximum(mass, LIKELIHOOD_FLOOR)

    def compute_output_shape(self, input_shape):
        return input_shape

    # -- the tables a range coder uses ---------------------------------------------------------------
    def update_tables(self) -> np.ndarray:
        """Turn the current densities into integer frequency tables, store them, and return them."""
        channels = int(self.frequencies.shape[0])
        symbols = np.arange(-SYMBOL_RADIUS, SYMBOL_RADIUS + 1, dtype=np.float32)
        grid = ops.convert_to_tensor(np.broadcast_to(symbols, (channels, 1, len(symbols))).copy())
        edges = np.concatenate([keras.ops.convert_to_numpy(self.cumulative_logits(grid - 0.5)),
                                keras.ops.convert_to_numpy(self.cumulative_logits(grid[..., -1:] + 0.5))], axis=-1)
        cdf = 0.5 * (1 + np.tanh(edges[:, 0].astype(np.float64) / 2))  # the sigmoid, without overflow
        cdf[:, 0], cdf[:, -1] = 0.0, 1.0  # the tails go to the end symbols, which clipping sends them to
        table = quantised_frequencies(np.diff(cdf, axis=1))
        self.frequencies.assign(table)
        return table

    def tables(self) -> np.ndarray:
        """The stored integer frequency tables, (channels, 2 * SYMBOL_RADIUS + 1), each summing to TABLE_TOTAL."""
        table = np.asarray(keras.ops.convert_to_numpy(self.frequencies), dtype=np.int64)
        if not table.any():
            raise ValueError("The entropy model's tables were never computed; call update_tables() after training.")
        return table


def quantised_frequencies(probabilities: np.ndarray) -> np.ndarray:
    """Probabilities (rows summing to about 1) -> integers >= 1 summing to exactly ``TABLE_TOTAL`` per row."""
    rows, size = probabilities.shape
    spare = TABLE_TOTAL - size  # one for every symbol first, so none is impossible
    scaled = np.clip(probabilities, 0, None) / np.clip(probabilities.sum(axis=1, keepdims=True), 1e-300, None) * spare
    counts = np.floor(scaled).astype(np.int64)
    short = spare - counts.sum(axis=1)
    order = np.argsort(-(scaled - counts), axis=1, kind="stable")
    for row in range(rows):  # the largest remainders get the units rounding left over
        counts[row, order[row, :short[row]]] += 1
    return (counts + 1).astype(np.int32)
