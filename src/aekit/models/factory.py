"""Build an autoencoder from a flat config, the input shape and the data range."""

from __future__ import annotations

import math

import keras

from ..core.config import Config
from ..core.errors import ConfigError
from .initializers import HostZeros, host_initializer
from .layers import Corruption
from .registry import get_spec


def build_model(config: Config, input_shape: tuple[int, ...], data_range: str = "unit", name: str | None = None,
                seed_weights: bool = True):
    """Return the registered model for ``config.model``, built for ``input_shape``.

    ``data_range`` is ``"unit"`` when the scaled data lies in [0, 1] (sigmoid output by
    default) and ``"real"`` otherwise (linear output by default). ``seed_weights`` seeds the initial weights
    with ``config.seed`` (``keras.utils.set_random_seed``); loading skips it, as saved weights replace them.

    Parameters
    ----------
    config : Config
        The model's config; it is resolved first (a resolved config costs nothing). An unset ``latent_dim`` is
        chosen by the family (:meth:`ModelSpec.latent_dim_for`).
    input_shape : tuple of int
        The shape of one sample: ``(features,)`` for tables, ``(height, width, channels)`` for images.
    data_range : {"unit", "real"}, default="unit"
        Whether the scaled data lies in [0, 1]; it also sets the range of the corruption layer (clipped to
        [0, 1] for ``unit``, salt and pepper at -3 and 3 for ``real``) and the ``auto`` loss.
    name : str, optional
        The Keras model's name; None names it ``"<model>_ae"``.
    seed_weights : bool, default=True
        Seed the initial weights with ``config.seed``.

    Returns
    -------
    AutoencoderModel
        An instance of the family's ``model_class``, built for ``(None, *input_shape)``; its ``build_spec``
        records the config (with ``latent_dim`` set), the input shape and the data range.

    Raises
    ------
    ConfigError
        When the family does not take this kind of data, or a vector or Gaussian code would not be smaller than
        the input (``latent_dim >= prod(input_shape)``), or the config is not valid.
    """
    config = config.resolved()  # free for the estimator's config, which is resolved already
    spec = get_spec(config.model)
    kind = "image" if len(input_shape) == 3 else "table"
    if kind not in spec.input_kinds:
        raise ConfigError(
            f'Model "{config.model}" needs {" or ".join(spec.input_kinds)} data of shape '
            f"{'(height, width, channels)' if 'image' in spec.input_kinds else '(features,)'}, "
            f"but the data has samples of shape {tuple(input_shape)}. Use --model deep for tables."
        )
    input_size = math.prod(input_shape)
    latent_dim = config.latent_dim or spec.latent_dim_for(input_shape, config)
    if latent_dim >= input_size and spec.model_class.code_kind_for(config) in ("vector", "gaussian"):
        raise ConfigError(
            f"Received latent_dim={latent_dim}, but the input has only {input_size} values per sample "
            f"(n_features = {input_size}). "
            f"An autoencoder must compress: choose latent_dim < {input_size}."
        )
    config = config.replace(latent_dim=latent_dim)
    if seed_weights:
        keras.utils.set_random_seed(config.seed)
    encoder, decoder = spec.builder(config, tuple(input_shape), data_range)
    corruption = None
    if config.noise != "none":
        low, high = (0.0, 1.0) if data_range == "unit" else (-3.0, 3.0)
        corruption = Corruption(config.noise, config.noise_level, low, high, seed=config.seed,
                                clip=data_range == "unit", name="corruption")
    build_spec = {"config": config.to_dict(), "input_shape": list(input_shape), "data_range": data_range}
    model = spec.model_class(encoder, decoder, corruption, build_spec=build_spec, name=name or f"{config.model}_ae")
    model.build((None, *input_shape))
    return model


def layer_options(config: Config) -> dict:
    """Keyword arguments shared by every weight layer: initializer and weight decay."""
    regularizer = None
    if config.l1 or config.l2:
        regularizer = keras.regularizers.L1L2(l1=config.l1, l2=config.l2)
    return {"kernel_initializer": host_initializer(config.kernel_initializer), "bias_initializer": HostZeros(),
            "kernel_regularizer": regularizer}


def output_activation(config: Config, data_range: str) -> str:
    if config.output_activation != "auto":
        return config.output_activation
    return "sigmoid" if data_range == "unit" else "linear"


def code_layer(config: Config) -> keras.layers.Dense:
    """The bottleneck; an L1 activity penalty on it makes a sparse autoencoder."""
    activity = keras.regularizers.L1(config.activity_l1) if config.activity_l1 else None
    return keras.layers.Dense(config.latent_dim, activation=config.code_activation,
                              activity_regularizer=activity, name="code", **layer_options(config))


def dense_encoder_decoder(config: Config, input_shape: tuple[int, ...], hidden, code_head, decoder_activation: str):
    """A fully connected encoder (``hidden`` widths, then ``code_head(x)``) and its mirror image as decoder, from
    ``latent_dim`` numbers back to ``input_shape`` through ``decoder_activation``."""
    options = layer_options(config)
    inputs = keras.Input(shape=input_shape, name="input")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    for i, units in enumerate(hidden):
        x = keras.layers.Dense(units, activation=config.activation, name=f"enc_{i}", **options)(x)
    encoder = keras.Model(inputs, code_head(x), name="encoder")
    latent = keras.Input(shape=(config.latent_dim,), name="code_input")
    x = latent
    for i, units in enumerate(reversed(hidden)):
        x = keras.layers.Dense(units, activation=config.activation, name=f"dec_{i}", **options)(x)
    x = keras.layers.Dense(math.prod(input_shape), activation=decoder_activation, name="dec_output", **options)(x)
    if len(input_shape) > 1:
        x = keras.layers.Reshape(input_shape, name="unflatten")(x)
    return encoder, keras.Model(latent, x, name="decoder")
