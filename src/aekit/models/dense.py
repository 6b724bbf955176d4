"""Fully connected autoencoders: the one-layer tutorial model and deep symmetric stacks."""

from __future__ import annotations

import math

import keras

from ..core.config import Config
from ..core.errors import ConfigError
from .declare import register_model
from .factory import code_layer, layer_options, output_activation
from .layers import TiedDense

DEFAULT_HIDDEN = [256, 128]


@register_model("dense", "One layer each side: input -> code -> output (the simplest tutorial model).")
def build_dense(config: Config, input_shape: tuple[int, ...], data_range: str):
    return build_stack(config, input_shape, data_range, hidden=[])


@register_model("deep", "Symmetric stack, e.g. 784-1000-500-250-30 (presets: hinton2006, tutorial, small).")
def build_deep(config: Config, input_shape: tuple[int, ...], data_range: str):
    return build_stack(config, input_shape, data_range, hidden=config.hidden or DEFAULT_HIDDEN)


def build_stack(config: Config, input_shape, data_range: str, hidden: list[int]):
    input_size = math.prod(input_shape)
    options = layer_options(config)

    inputs = keras.Input(shape=input_shape, name="input")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    dense_layers = []
    for i, units in enumerate(hidden):
        layer = keras.layers.Dense(units, activation=config.activation, name=f"enc_{i}", **options)
        dense_layers.append(layer)
        x = layer(x)
        if config.dropout:
            x = keras.layers.Dropout(config.dropout, seed=config.seed + i, name=f"enc_dropout_{i}")(x)
    code = code_layer(config)
    dense_layers.append(code)
    encoder = keras.Model(inputs, code(x), name="encoder")

    widths = [*reversed(hidden), input_size]
    activations = [config.activation] * len(hidden) + [output_activation(config, data_range)]
    latent = keras.Input(shape=(config.latent_dim,), name="code_input")
    x = latent
    for i, (units, activation) in enumerate(zip(widths, activations)):
        if config.tied:
            source = dense_layers[len(dense_layers) - 1 - i]
            if source.kernel.shape[0] != (input_size if i == len(widths) - 1 else units):
                raise ConfigError("Tied weights need a symmetric stack.")
            x = TiedDense(source, activation=activation, name=f"dec_{i}")(x)
        else:
            x = keras.layers.Dense(units, activation=activation, name=f"dec_{i}", **options)(x)
        if config.dropout and i < len(hidden):
            x = keras.layers.Dropout(config.dropout, seed=config.seed + 100 + i, name=f"dec_dropout_{i}")(x)
    if len(input_shape) > 1:
        x = keras.layers.Reshape(input_shape, name="unflatten")(x)
    decoder = keras.Model(latent, x, name="decoder")
    return encoder, decoder
