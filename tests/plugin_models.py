"""Model plugins as a user would write them, each needing nothing outside this module.

``toy_gaussian``: a two-output Gaussian encoder (mean, log-variance) with a KL term and its own ``kl_weight``.
``toy_grid``: a fully convolutional model whose code is a spatial grid, with its own ``grid_penalty`` term.
``toy_binary``: a dense model whose code is bits (a straight-through estimator).
All follow aekit's model contract: they declare their code kind and loss terms, compute the code once per
forward pass, and the trainer treats them like any other model.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from aekit.models import AutoencoderModel, register_model
from aekit.params import Param

PACKAGE = "aekit_test_plugin"


@keras.saving.register_keras_serializable(package=PACKAGE)
class ToyGaussianModel(AutoencoderModel):
    code_kind = "gaussian"
    loss_terms = {"reconstruction": "the configured loss, mean per value",
                  "kl": "KL(q(z|x) || N(0, I)) in nats per sample, weighted by kl_weight / values per sample"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sampling_seed = keras.random.SeedGenerator(self.aekit_config.seed)

    def forward(self, inputs, training=False):
        mean, log_var = self.encoder(inputs, training=training)
        z = mean
        if training:
            z = mean + ops.exp(0.5 * log_var) * keras.random.normal(ops.shape(mean), seed=self.sampling_seed)
        return {"reconstruction": self.decoder(z, training=training), "mean": mean, "log_var": log_var}

    def compute_loss_terms(self, x, target, outputs, training=True):
        terms = super().compute_loss_terms(x, target, outputs, training)
        mean, log_var = outputs["mean"], outputs["log_var"]
        kl = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=1)
        return {**terms, "kl": ops.mean(kl)}

    def combine_loss_terms(self, terms, training=True):
        values = math.prod(self.sample_shape)
        return terms["reconstruction"] + self.aekit_config.kl_weight / values * terms["kl"]

    def encode(self, inputs):
        return self.encoder(inputs, training=False)[0]


@register_model("toy_gaussian", "Test plugin: a dense Gaussian encoder with a KL term.",
                model_class=ToyGaussianModel, params=[Param("kl_weight", 1.0, "Weight of the KL term.", minimum=0.0)])
def build_toy_gaussian(config, input_shape, data_range):
    size = math.prod(input_shape)
    inputs = keras.Input(shape=input_shape)
    hidden = keras.layers.Dense(32, activation="elu")(keras.layers.Flatten()(inputs))
    mean = keras.layers.Dense(config.latent_dim, name="mean")(hidden)
    log_var = keras.layers.Dense(config.latent_dim, name="log_var")(hidden)
    encoder = keras.Model(inputs, [mean, log_var], name="encoder")
    latent = keras.Input(shape=(config.latent_dim,))
    out = keras.layers.Dense(size, activation="sigmoid")(keras.layers.Dense(32, activation="elu")(latent))
    decoder = keras.Model(latent, keras.layers.Reshape(input_shape)(out), name="decoder")
    return encoder, decoder


@keras.saving.register_keras_serializable(package=PACKAGE)
class ToyGridModel(AutoencoderModel):
    code_kind = "grid"
    loss_terms = {"reconstruction": "the configured loss, mean per value",
                  "grid_penalty": "grid_penalty x the mean squared code value"}

    def forward(self, inputs, training=False):
        grid = self.encoder(inputs, training=training)
        return {"reconstruction": self.decoder(grid, training=training), "grid": grid}

    def compute_loss_terms(self, x, target, outputs, training=True):
        terms = super().compute_loss_terms(x, target, outputs, training)
        return {**terms, "grid_penalty": self.aekit_config.grid_penalty * ops.mean(ops.square(outputs["grid"]))}


@register_model("toy_grid", "Test plugin: a fully convolutional model with a spatial code.",
                model_class=ToyGridModel, input_kinds=("image",),
                params=[Param("grid_penalty", 0.01, "Weight of the squared-code penalty.", minimum=0.0)])
def build_toy_grid(config, input_shape, data_range):
    height, width, channels = input_shape
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="elu")(inputs)
    encoder = keras.Model(inputs, keras.layers.Conv2D(config.latent_dim, 3, padding="same")(x), name="encoder")
    grid = keras.Input(shape=(math.ceil(height / 2), math.ceil(width / 2), config.latent_dim))
    x = keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="elu")(grid)
    x = keras.layers.Conv2D(channels, 3, padding="same", activation="sigmoid")(x)
    x = keras.layers.Cropping2D(((0, x.shape[1] - height), (0, x.shape[2] - width)))(x)
    return encoder, keras.Model(grid, x, name="decoder")


@keras.saving.register_keras_serializable(package=PACKAGE)
class ToyBinaryModel(AutoencoderModel):
    code_kind = "binary"

    def forward(self, inputs, training=False):
        probabilities = self.encoder(inputs, training=training)
        # Straight-through: the decoder sees bits, the gradient flows as if it saw the probabilities.
        bits = probabilities + ops.stop_gradient(ops.round(probabilities) - probabilities)
        return self.decoder(bits, training=training)

    def encode(self, inputs):
        return ops.round(self.encoder(inputs, training=False))


@register_model("toy_binary", "Test plugin: a dense encoder to bits (straight-through).", model_class=ToyBinaryModel)
def build_toy_binary(config, input_shape, data_range):
    inputs = keras.Input(shape=input_shape)
    hidden = keras.layers.Dense(32, activation="elu")(keras.layers.Flatten()(inputs))
    encoder = keras.Model(inputs, keras.layers.Dense(config.latent_dim, activation="sigmoid")(hidden), name="encoder")
    latent = keras.Input(shape=(config.latent_dim,))
    hidden = keras.layers.Dense(32, activation="elu")(latent)
    out = keras.layers.Dense(math.prod(input_shape), activation="sigmoid")(hidden)
    return encoder, keras.Model(latent, keras.layers.Reshape(input_shape)(out), name="decoder")


TOY_RADIUS = 7


@keras.saving.register_keras_serializable(package=PACKAGE)
class ToyCodecModel(ToyGridModel):
    """A grid model that can compress: its code rounded to integer symbols, coded with a uniform table."""

    abilities = ("compress",)

    def encode(self, inputs):
        return ops.round(ops.clip(self.encoder(inputs, training=False), -TOY_RADIUS, TOY_RADIUS))

    def entropy_tables(self):
        import numpy as np

        symbols = 2 * TOY_RADIUS + 1
        table = np.full((self.aekit_config.latent_dim, symbols), (1 << 16) // symbols, dtype=np.int64)
        table[:, TOY_RADIUS] += (1 << 16) - table.sum(axis=1)  # the remainder on symbol 0: totals of 2^16
        return table


@register_model("toy_codec", "Test plugin: a spatial code coded to .aez bytes with a uniform entropy model.",
                model_class=ToyCodecModel, input_kinds=("image",))
def build_toy_codec(config, input_shape, data_range):
    return build_toy_grid(config, input_shape, data_range)
