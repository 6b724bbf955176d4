"""Custom layers, registered so that `model.keras` files load in safe mode."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from .initializers import HostZeros
from .naming import PACKAGE


@keras.saving.register_keras_serializable(package=PACKAGE)
class Corruption(keras.layers.Layer):
    """Corrupts inputs while training (denoising autoencoders); the identity at inference.

    ``gaussian`` adds N(0, level^2) noise, clipped to ``[low, high]`` when ``clip`` (bounded data, such as
    images, whose noisy copies in the wild are clipped too); ``masking`` zeroes each value with probability
    ``level``; ``salt_pepper`` sets each value to ``low`` or ``high`` with probability ``level``.

    Parameters
    ----------
    kind : {"gaussian", "masking", "salt_pepper"}, default="gaussian"
        The corruption (see above).
    level : float, default=0.2
        The standard deviation of gaussian noise, or the probability that a value is masked or set to salt or
        pepper, in the scaled data's units; 0 leaves inputs as they are.
    low, high : float
        The range of the scaled data (default 0.0 and 1.0): the pepper and salt values, and the clipping range of
        gaussian noise.
    seed : int, optional
        Seed of the layer's random draws (None: unseeded).
    clip : bool, default=False
        Clip gaussian-noised inputs to ``[low, high]``.
    spread : bool, default=False
        Gaussian noise only: draw each sample's standard deviation uniformly from ``[0, level]`` (a blind
        denoiser learns every level up to ``level``); False gives every sample ``level``.
    **kwargs
        Passed to ``keras.layers.Layer`` (``name``, ...).

    Raises
    ------
    ValueError
        For an unknown ``kind``.
    """

    KINDS = ("gaussian", "masking", "salt_pepper")

    def __init__(self, kind: str = "gaussian", level: float = 0.2, low: float = 0.0, high: float = 1.0,
                 seed: int | None = None, clip: bool = False, spread: bool = False, **kwargs):
        super().__init__(**kwargs)
        if kind not in self.KINDS:
            raise ValueError(f"Unknown corruption {kind!r}; expected one of {self.KINDS}.")
        if spread and kind != "gaussian":
            raise ValueError(f"Only gaussian noise draws a level per sample (spread=True); received kind={kind!r}.")
        self.kind, self.level, self.low, self.high, self.seed = kind, float(level), float(low), float(high), seed
        self.clip, self.spread = bool(clip), bool(spread)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        """Corrupt ``inputs`` while training; return them as they are otherwise.

        Parameters
        ----------
        inputs : tensor
            A batch of scaled inputs.
        training : bool, default=False
            Whether this is a training step.

        Returns
        -------
        tensor
            The corrupted batch (a new draw every call), or ``inputs``.
        """
        if not training or self.level == 0:
            return inputs
        if self.kind == "gaussian":
            return self.corrupt_with_levels(inputs)[0]
        hit = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator) < self.level
        if self.kind == "masking":
            return ops.where(hit, ops.zeros_like(inputs), inputs)
        salt = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator) < 0.5
        noise = ops.where(salt, self.high, self.low)
        return ops.where(hit, ops.cast(noise, inputs.dtype), inputs)

    def corrupt_with_levels(self, inputs):
        """Gaussian noise as in training, and the standard deviation each sample got.

        Parameters
        ----------
        inputs : tensor
            A batch of scaled inputs, ``(batch, ...)``.

        Returns
        -------
        noisy : tensor
            The corrupted batch (a new draw every call).
        levels : tensor
            Each sample's standard deviation, ``(batch,)``: uniform in ``[0, level]`` with ``spread``, else
            ``level`` for all.
        """
        shape = ops.shape(inputs)
        levels = self.level * ops.ones((shape[0],), inputs.dtype)
        if self.spread:
            levels = levels * keras.random.uniform((shape[0],), dtype=inputs.dtype, seed=self.seed_generator)
        scale = ops.reshape(levels, (-1,) + (1,) * (len(inputs.shape) - 1))
        noisy = inputs + scale * keras.random.normal(shape, dtype=inputs.dtype, seed=self.seed_generator)
        return (ops.clip(noisy, self.low, self.high) if self.clip else noisy), levels

    def corrupted_copy(self, x: np.ndarray, seed: int | tuple[int, ...]) -> np.ndarray:
        """``x`` corrupted as in training, drawn by a NumPy generator of ``seed``: the same copy for every epoch,
        run and backend. Validation inputs are corrupted this way, since the layer is the identity at inference and
        a model would otherwise be validated on restoring clean inputs, which a residual network learns at once.

        Parameters
        ----------
        x : numpy.ndarray
            Scaled inputs, any shape.
        seed : int or tuple of int
            Seed of the NumPy generator (``numpy.random.default_rng``).

        Returns
        -------
        numpy.ndarray
            The corrupted copy, float32, of ``x``'s shape (``x`` itself, as float32, when ``level`` is 0).
        """
        x = np.asarray(x, np.float32)
        if self.level == 0 or not x.size:
            return x
        rng = np.random.default_rng(seed)
        if self.kind == "gaussian":
            level = np.float32(self.level)
            if self.spread:  # a level per sample, drawn before the noise
                level = level * rng.random(len(x), dtype=np.float32).reshape(-1, *(1,) * (x.ndim - 1))
            noisy = x + level * rng.standard_normal(x.shape, dtype=np.float32)
            return np.clip(noisy, self.low, self.high) if self.clip else noisy
        hit = rng.random(x.shape, dtype=np.float32) < self.level
        if self.kind == "masking":
            return np.where(hit, np.float32(0), x)
        salt = rng.random(x.shape, dtype=np.float32) < 0.5
        return np.where(hit, np.where(salt, np.float32(self.high), np.float32(self.low)), x)

    def compute_output_shape(self, input_shape):
        """The output's shape: the input's.

        Parameters
        ----------
        input_shape : tuple
            The shape of the inputs.

        Returns
        -------
        tuple
            ``input_shape``.
        """
        return input_shape

    def get_config(self):
        """The layer's Keras config, from which it is rebuilt when a model loads.

        Returns
        -------
        dict of str to Any
            Keras's base layer config, plus ``kind``, ``level``, ``low``, ``high``, ``seed``, ``clip`` and
            ``spread``.
        """
        return {**super().get_config(), "kind": self.kind, "level": self.level, "low": self.low,
                "high": self.high, "seed": self.seed, "clip": self.clip, "spread": self.spread}


class TiedDense(keras.layers.Layer):
    """A dense layer that reuses the transpose of another Dense layer's kernel (tied weights).

    It owns only its bias. It is never serialised on its own: the model rebuilds tied
    decoders from the encoder's config (see ``AutoencoderModel.from_config``).

    Parameters
    ----------
    source : keras.layers.Dense
        The encoder layer whose kernel, of shape ``(source_inputs, source_units)``, is reused transposed: this
        layer maps ``source_units`` values back to ``source_inputs``. It must be built before this layer is.
    activation : str or callable, optional
        Keras activation of the output; None for linear.
    **kwargs
        Passed to ``keras.layers.Layer`` (``name``, ...).
    """

    def __init__(self, source: keras.layers.Dense, activation=None, **kwargs):
        super().__init__(**kwargs)
        self._source = source
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        """Create the bias, the only weight the layer owns (zeros).

        Parameters
        ----------
        input_shape : tuple
            The shape of the inputs (unused: the source's kernel fixes the sizes).
        """
        units = int(self._source.kernel.shape[0])
        self.bias = self.add_weight(shape=(units,), initializer=HostZeros(), name="bias")

    def call(self, inputs):
        """``activation(inputs @ source.kernel.T + bias)``.

        Parameters
        ----------
        inputs : tensor
            A batch ``(..., source_units)``.

        Returns
        -------
        tensor
            The batch ``(..., source_inputs)``.
        """
        return self.activation(ops.matmul(inputs, ops.transpose(self._source.kernel)) + self.bias)

    def compute_output_shape(self, input_shape):
        """The output's shape: the input's, with the source kernel's input size as its last dimension.

        Parameters
        ----------
        input_shape : tuple
            The shape of the inputs.

        Returns
        -------
        tuple
            ``(*input_shape[:-1], source_inputs)``.
        """
        return (*input_shape[:-1], int(self._source.kernel.shape[0]))
