"""The convolutional autoencoder for images, ``conv``: a spatial (grid) code by default, or a vector code.

Strided 3x3 convolutions halve the image, ``downsample`` times smaller for a spatial code, or until it is at
most ``GRID_TARGET`` pixels on its shorter side (at most ``MAX_STAGES`` halvings) before a Dense vector code,
with ``BASE_FILTERS`` filters doubling per stage up to ``MAX_FILTERS``. Each convolution is followed by group
normalisation, which keeps training stable at any batch size (batch statistics would differ between training
and use), and the activation. The decoder mirrors the encoder with strided transposed convolutions.

The vector code squeezes a whole grid into a few numbers. With enough data (``DEEP_FROM_SAMPLES`` training
images) its path is deeper: a second, unstrided convolution in every stage and a Dense layer of
``VECTOR_HIDDEN`` units on each side of the code. On a development split of Fashion-MNIST's training images
(54,000 / 6,000, never the test set) this cut the squared error at 30 numbers from 0.45 to 0.39 times PCA's;
on folders of 320 images it doubled it (overfitting), so small sets keep the lean path.
"""

from __future__ import annotations

import math

import keras

from ..core.budget import settle_small_images
from ..core.config import Config
from ..core.errors import ConfigError
from .base import AutoencoderModel
from .declare import register_model
from .declared import CONV_PARAMS
from .factory import code_layer, layer_options, output_activation
from .naming import PACKAGE

BASE_FILTERS, MAX_FILTERS = 32, 256
GRID_TARGET, MAX_STAGES = 7, 5
NORM_GROUPS = 8
VECTOR_HIDDEN = [512]
DEEP_FROM_SAMPLES = 10_000


def stage_filters(config: Config, input_shape: tuple[int, ...], stages: int | None = None) -> list[int]:
    """``filters`` if given, else one width per halving of the image (32, 64, 128, ...)."""
    if config.filters:
        return list(config.filters)
    if stages is None:
        shorter = min(input_shape[:2])
        stages = min(MAX_STAGES, max(1, math.ceil(math.log2(max(shorter / GRID_TARGET, 1.0)))))
    return [min(MAX_FILTERS, BASE_FILTERS * 2 ** i) for i in range(stages)]


def _normalised(x, config: Config, name: str, normalise: bool = True):
    if normalise:
        groups = math.gcd(NORM_GROUPS, int(x.shape[-1]))
        x = keras.layers.GroupNormalization(groups, name=f"{name}_norm")(x)
    return keras.layers.Activation(config.activation, name=f"{name}_act")(x)


def _refined(x, count: int, config: Config, name: str, normalise: bool = True):
    """A second, unstrided convolution in a stage (the vector path's extra depth)."""
    x = keras.layers.Conv2D(count, config.kernel_size, padding="same", name=f"{name}_refine",
                            **layer_options(config))(x)
    return _normalised(x, config, f"{name}_refine", normalise)


def encoder_stages(x, filters: list[int], config: Config, refine: bool = False, normalise: bool = True):
    """Strided halvings, each followed by group normalisation (``normalise``) and the activation."""
    options = layer_options(config)
    for i, count in enumerate(filters):
        x = keras.layers.Conv2D(count, config.kernel_size, strides=2, padding="same", name=f"enc_conv_{i}",
                                **options)(x)
        x = _normalised(x, config, f"enc_{i}", normalise)
        if refine:
            x = _refined(x, count, config, f"enc_{i}", normalise)
        if config.dropout:
            x = keras.layers.Dropout(config.dropout, seed=config.seed + i, name=f"enc_dropout_{i}")(x)
    return x


def decoder_stages(x, filters: list[int], config: Config, input_shape, data_range: str, refine: bool = False,
                   normalise: bool = True):
    """Upsample through ``reversed(filters)`` to the image, then crop what the halvings rounded up."""
    options = layer_options(config)
    height, width, channels = input_shape
    for i, count in enumerate(reversed(filters)):
        x = keras.layers.Conv2DTranspose(count, config.kernel_size, strides=2, padding="same",
                                         name=f"dec_deconv_{i}", **options)(x)
        x = _normalised(x, config, f"dec_{i}", normalise)
        if refine:
            x = _refined(x, count, config, f"dec_{i}", normalise)
    x = keras.layers.Conv2D(channels, config.kernel_size, padding="same", activation=output_activation(config,
                            data_range), name="dec_output", **options)(x)
    if x.shape[1] is None:  # a network for any size (trained on crops) takes sides the halvings divide
        return x
    extra_h, extra_w = int(x.shape[1]) - height, int(x.shape[2]) - width
    if extra_h or extra_w:
        x = keras.layers.Cropping2D(((0, extra_h), (0, extra_w)), name="dec_crop")(x)
    return x


def _grid(input_shape, stages: int) -> tuple[int, int]:
    return math.ceil(input_shape[0] / 2 ** stages), math.ceil(input_shape[1] / 2 ** stages)


@keras.saving.register_keras_serializable(package=PACKAGE)
class ConvModel(AutoencoderModel):
    """The ``conv`` family: a grid code (``code="spatial"``, the default) or a vector code (``code="vector"``)."""

    code_kind = "grid"
    code_kinds = ("grid", "vector")

    @classmethod
    def code_kind_for(cls, config: Config) -> str:
        return "vector" if config.code == "vector" else "grid"




def settle_conv(config: Config, samples: int, sample_shape: tuple[int, ...] | None = None) -> Config:
    """The vector path's depth, and the longer step budget of small images held in memory
    (:func:`aekit.core.budget.settle_small_images`)."""
    return settle_small_images(settle_vector_depth(config, samples), samples, sample_shape)


def settle_vector_depth(config: Config, samples: int) -> Config:
    if config.vector_depth != "auto":
        return config
    return config.replace(vector_depth="deep" if samples >= DEEP_FROM_SAMPLES else "lean")


def _deep(config: Config) -> bool:
    # "auto" left unsettled (a model built without data, or a run saved before vector_depth existed) is the lean
    # path, the one those runs were trained with.
    return config.vector_depth == "deep"




def _default_latent_dim(input_shape, config: Config) -> int:
    if config.code == "vector":
        return max(1, min(32, math.prod(input_shape) // 4))
    # An eighth of the input's values: downsample**2 / 8 channels per image channel.
    return max(1, config.downsample ** 2 * input_shape[-1] // 8)


@register_model("conv", "Convolutional autoencoder for images: strided 3x3 convolutions with group normalisation; "
                "a spatial code (default) or a vector one (code=vector); depth and width from the image size.",
                model_class=ConvModel, input_kinds=("image",), params=CONV_PARAMS,
                default_latent_dim=_default_latent_dim, for_data=settle_conv)
def build_conv(config: Config, input_shape: tuple[int, ...], data_range: str):
    if config.tied:
        raise ConfigError("Tied weights are available for the dense and deep models, not for conv.")
    return (_build_vector if config.code == "vector" else _build_spatial)(config, input_shape, data_range)


def _build_vector(config: Config, input_shape: tuple[int, ...], data_range: str):
    filters = stage_filters(config, input_shape)
    inputs = keras.Input(shape=input_shape, name="input")
    encoder = keras.Model(inputs, code_layer(config)(vector_features(inputs, filters, config)), name="encoder")
    return encoder, vector_decoder(config, input_shape, filters, data_range)


def _vector_hidden(config: Config) -> list[int]:
    if not _deep(config):
        return []
    return VECTOR_HIDDEN if config.hidden is None else list(config.hidden)


def vector_features(inputs, filters: list[int], config: Config):
    """The encoder up to a vector code's head: the conv stages, Flatten, then (deep) the ``hidden`` Dense layers."""
    x = keras.layers.Flatten(name="flatten")(encoder_stages(inputs, filters, config, refine=_deep(config)))
    for i, units in enumerate(_vector_hidden(config)):
        x = keras.layers.Dense(units, activation=config.activation, name=f"enc_hidden_{i}",
                               **layer_options(config))(x)
    return x


def vector_decoder(config: Config, input_shape, filters: list[int], data_range: str) -> keras.Model:
    """From a code of ``latent_dim`` numbers: (deep) the ``hidden`` Dense layers, Dense to the smallest grid,
    then the transposed convolutions."""
    grid = _grid(input_shape, len(filters))
    latent = keras.Input(shape=(config.latent_dim,), name="code_input")
    x = latent
    for i, units in enumerate(reversed(_vector_hidden(config))):
        x = keras.layers.Dense(units, activation=config.activation, name=f"dec_hidden_{i}",
                               **layer_options(config))(x)
    x = keras.layers.Dense(grid[0] * grid[1] * filters[-1], name="dec_dense", **layer_options(config))(x)
    x = keras.layers.Reshape((*grid, filters[-1]), name="dec_grid")(keras.layers.Activation(config.activation)(x))
    x = decoder_stages(x, filters, config, input_shape, data_range, refine=_deep(config))
    return keras.Model(latent, x, name="decoder")


def _build_spatial(config: Config, input_shape: tuple[int, ...], data_range: str):
    stages = int(math.log2(config.downsample))
    filters = stage_filters(config, input_shape, stages)
    if len(filters) != stages:
        raise ConfigError(f"Received filters={filters} with downsample={config.downsample}; a spatial code "
                          f"{config.downsample} times smaller needs {stages} filter counts (one per halving).")
    options = layer_options(config)
    inputs = keras.Input(shape=input_shape, name="input")
    x = encoder_stages(inputs, filters, config)
    code = keras.layers.Conv2D(config.latent_dim, config.kernel_size, padding="same",
                               activation=config.code_activation, name="code", **options)(x)
    encoder = keras.Model(inputs, code, name="encoder")

    latent = keras.Input(shape=(*_grid(input_shape, stages), config.latent_dim), name="code_input")
    x = keras.layers.Conv2D(filters[-1], config.kernel_size, padding="same", name="dec_input", **options)(latent)
    x = _normalised(x, config, "dec_in")
    decoder = keras.Model(latent, decoder_stages(x, filters, config, input_shape, data_range), name="decoder")
    return encoder, decoder
