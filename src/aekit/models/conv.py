"""Convolutional autoencoder for images: strided Conv2D down, Conv2DTranspose up."""

from __future__ import annotations

import math

import keras

from ..config import Config
from ..errors import ConfigError
from .factory import code_layer, layer_options, output_activation
from .registry import register_model

DEFAULT_FILTERS = [32, 64]


@register_model("conv", "Conv2D encoder / Conv2DTranspose decoder for images (filters, kernel_size).",
                input_kinds=("image",))
def build_conv(config: Config, input_shape: tuple[int, ...], data_range: str):
    if config.tied:
        raise ConfigError("Tied weights are available for the dense and deep models, not for conv.")
    filters = config.filters or DEFAULT_FILTERS
    height, width, channels = input_shape
    options = layer_options(config)
    kernel = config.kernel_size

    inputs = keras.Input(shape=input_shape, name="input")
    x = inputs
    for i, count in enumerate(filters):
        x = keras.layers.Conv2D(count, kernel, strides=2, padding="same", activation=config.activation,
                                name=f"enc_conv_{i}", **options)(x)
        if config.dropout:
            x = keras.layers.Dropout(config.dropout, seed=config.seed + i, name=f"enc_dropout_{i}")(x)
    grid = (math.ceil(height / 2 ** len(filters)), math.ceil(width / 2 ** len(filters)))
    x = keras.layers.Flatten(name="flatten")(x)
    encoder = keras.Model(inputs, code_layer(config)(x), name="encoder")

    latent = keras.Input(shape=(config.latent_dim,), name="code_input")
    x = keras.layers.Dense(grid[0] * grid[1] * filters[-1], activation=config.activation, name="dec_dense",
                           **options)(latent)
    x = keras.layers.Reshape((*grid, filters[-1]), name="dec_grid")(x)
    for i, count in enumerate(reversed(filters)):
        x = keras.layers.Conv2DTranspose(count, kernel, strides=2, padding="same", activation=config.activation,
                                         name=f"dec_deconv_{i}", **options)(x)
    x = keras.layers.Conv2D(channels, kernel, padding="same", activation=output_activation(config, data_range),
                            name="dec_output", **options)(x)
    extra_h, extra_w = grid[0] * 2 ** len(filters) - height, grid[1] * 2 ** len(filters) - width
    if extra_h or extra_w:
        x = keras.layers.Cropping2D(((0, extra_h), (0, extra_w)), name="dec_crop")(x)
    decoder = keras.Model(latent, x, name="decoder")
    return encoder, decoder
