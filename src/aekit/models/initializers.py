"""Weight initializers drawn with NumPy on the host instead of the backend's random ops.

On JAX every random op runs as a program compiled for its exact shape: building a small table model
compiled one ``uniform`` program per distinct kernel shape, 0.1 to 0.4 s each, about 0.9 s of a 2.3 s
anomaly-detector fit. NumPy draws the same distributions (Keras's variance-scaling family: glorot_*,
he_*, lecun_*; zeros for biases) without compiling anything. ``keras.utils.set_random_seed``, which
model building calls with the config's seed, also seeds NumPy, so initial weights stay reproducible.
Other initializers (orthogonal, custom ones) are passed to Keras unchanged.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from ..core.errors import ConfigError, did_you_mean
from .naming import PACKAGE


@keras.saving.register_keras_serializable(package=PACKAGE)
class HostVarianceScaling(keras.initializers.VarianceScaling):
    """``keras.initializers.VarianceScaling`` with the same distribution, sampled by NumPy."""

    def __call__(self, shape, dtype=None):
        if getattr(self, "input_axes", None) is not None or getattr(self, "output_axes", None) is not None:
            return super().__call__(shape, dtype=dtype)
        fan_in, fan_out = _fans(tuple(shape))
        scale = self.scale / max(1.0, {"fan_in": fan_in, "fan_out": fan_out}.get(self.mode, (fan_in + fan_out) / 2))
        dtype = keras.backend.standardize_dtype(dtype or keras.backend.floatx())
        if self.distribution == "truncated_normal":
            values = _truncated_normal(shape, math.sqrt(scale) / 0.87962566103423978)
        elif self.distribution == "untruncated_normal":
            values = np.random.normal(0.0, math.sqrt(scale), size=shape)
        else:
            limit = math.sqrt(3.0 * scale)
            values = np.random.uniform(-limit, limit, size=shape)
        return values.astype(dtype)


@keras.saving.register_keras_serializable(package=PACKAGE)
class HostZeros(keras.initializers.Zeros):
    """``keras.initializers.Zeros`` as a NumPy array (no compiled fill program per shape)."""

    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=keras.backend.standardize_dtype(dtype or keras.backend.floatx()))


def host_initializer(identifier):
    """The host-side equivalent of a Keras initializer name or object, when there is one."""
    try:
        initializer = keras.initializers.get(identifier)
    except ValueError:
        known = ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal",
                 "orthogonal", "random_normal", "random_uniform", "truncated_normal", "zeros", "ones")
        hint = did_you_mean(identifier, known)
        raise ConfigError(f"Received kernel_initializer={identifier!r}, which Keras does not know.{hint} "
                          f"Expected a Keras initializer name: {', '.join(known)}.") from None
    if type(initializer) is keras.initializers.Zeros:
        return HostZeros()
    if isinstance(initializer, keras.initializers.VarianceScaling) and not isinstance(initializer, HostVarianceScaling):
        # The attributes, not get_config(): GlorotUniform & co. only put their seed in their config. The seed is
        # dropped: NumPy's global state, seeded by keras.utils.set_random_seed, replaces it.
        return HostVarianceScaling(scale=initializer.scale, mode=initializer.mode,
                                   distribution=initializer.distribution)
    return initializer


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Keras's fan-in and fan-out: dense kernels (in, out); convolution kernels (*window, in, out)."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _truncated_normal(shape, stddev: float) -> np.ndarray:
    """Normal values redrawn until all lie within two standard deviations, as Keras truncates them."""
    values = np.random.normal(0.0, stddev, size=shape)
    outside = np.abs(values) > 2 * stddev
    while outside.any():
        values[outside] = np.random.normal(0.0, stddev, size=int(outside.sum()))
        outside = np.abs(values) > 2 * stddev
    return values
