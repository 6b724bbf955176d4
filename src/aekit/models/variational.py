"""Variational autoencoders: ``variational`` (dense) and ``variational_conv`` (convolutional).

The encoder returns the mean and log-variance of a diagonal Gaussian q(z|x); training samples
z = mean + exp(log_var / 2) * eps (the reparameterisation trick, eps from a ``keras.random.SeedGenerator``)
and minimises the negative ELBO: the reconstruction term -log p(x|z) plus ``beta`` times KL(q(z|x) || N(0, I)),
both in nats per sample (summed over the sample's values and over the latent dimensions). ``kl_warmup`` raises
the KL weight linearly from 0 to ``beta`` over that many epochs; validation always weighs it by ``beta``, so
early stopping compares like with like. The log-variance is clamped to [-LOG_VAR_LIMIT, LOG_VAR_LIMIT]: a
collapsing or exploding posterior never turns the loss into NaN.

The likelihood is ``bernoulli`` (binary cross-entropy, for data in [0, 1]) or ``gaussian`` (squared error over
a variance learned per value, or fixed by ``decoder_std``). ``binarize`` trains on a fresh Bernoulli draw of
every image at every step (dynamic binarisation, as the likelihood literature trains MNIST).

Validation losses and ``sample_scores`` (the negative ELBO ``score_samples`` returns) evaluate the
reconstruction at the posterior mean, so they are deterministic; ``aekit.tasks.generation.likelihood`` gives
the importance-weighted estimate of the negative log-likelihood.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from ..core.config import Config
from ..core.errors import ConfigError
from .base import AutoencoderModel
from .conv import settle_vector_depth, stage_filters, vector_decoder, vector_features
from .declare import register_model
from .declared import VARIATIONAL_PARAMS, VECTOR_DEPTH
from .factory import dense_encoder_decoder, layer_options, output_activation
from .naming import PACKAGE

LOG_VAR_LIMIT = 10.0
HALF_LOG_TWO_PI = 0.5 * math.log(2 * math.pi)



@keras.saving.register_keras_serializable(package=PACKAGE)
class VariationalModel(AutoencoderModel):
    code_kind = "gaussian"
    abilities = ("own_score", "likelihood")
    loss_terms = {"reconstruction": "-log p(x|z), nats per sample (summed over its values)",
                  "kl": "KL(q(z|x) || N(0, I)), nats per sample; the loss adds it weighted by beta"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = self.aekit_config
        self.sampling_seed = keras.random.SeedGenerator(config.seed + 17)
        start = 0.0 if config.kl_warmup else config.beta
        self.kl_weight = self.add_weight(shape=(), initializer=keras.initializers.Constant(start), trainable=False,
                                         name="kl_weight")
        self.log_std = None
        if config.likelihood == "gaussian" and not config.decoder_std:
            self.log_std = self.add_weight(shape=self.sample_shape, initializer="zeros", name="decoder_log_std")

    # -- training ---------------------------------------------------------------------------------
    def on_epoch_begin(self, epoch: int) -> None:
        config = self.aekit_config
        if config.kl_warmup:
            self.kl_weight.assign(config.beta * min(1.0, epoch / config.kl_warmup))

    def forward(self, inputs, training=False):
        target = inputs
        if training and self.aekit_config.binarize:
            draw = keras.random.uniform(ops.shape(inputs), seed=self.sampling_seed)
            target = ops.cast(draw < inputs, inputs.dtype)
        mean, log_var = self.posterior(target, training=training)
        z = mean
        if training:
            z = mean + ops.exp(0.5 * log_var) * keras.random.normal(ops.shape(mean), seed=self.sampling_seed)
        return {"reconstruction": self.decoder(z, training=training), "mean": mean, "log_var": log_var,
                "target": target}

    def posterior(self, inputs, training=False):
        mean, log_var = self.encoder(inputs, training=training)
        return mean, ops.clip(log_var, -LOG_VAR_LIMIT, LOG_VAR_LIMIT)

    def compute_loss_terms(self, x, target, outputs, training=True):
        negative_log_likelihood = self.reconstruction_nats(target, outputs["reconstruction"])
        return {"reconstruction": ops.mean(negative_log_likelihood),
                "kl": ops.mean(kl_divergence(outputs["mean"], outputs["log_var"]))}

    def combine_loss_terms(self, terms, training=True):
        weight = self.kl_weight if training else self.aekit_config.beta
        return terms["reconstruction"] + ops.cast(weight, terms["kl"].dtype) * terms["kl"]

    def reconstruction_nats(self, target, reconstruction):
        """-log p(x|z) per sample, in nats, for the decoder's output ``reconstruction``."""
        batch = ops.shape(target)[0]
        target = ops.reshape(target, (batch, -1))
        reconstruction = ops.reshape(reconstruction, (batch, -1))
        if self.aekit_config.likelihood == "bernoulli":
            p = ops.clip(reconstruction, 1e-7, 1 - 1e-7)
            return -ops.sum(target * ops.log(p) + (1 - target) * ops.log(1 - p), axis=1)
        if self.log_std is not None:
            log_std = ops.reshape(self.log_std, (1, -1))
        else:
            log_std = ops.full((1, 1), math.log(self.aekit_config.decoder_std))
        squared = ops.square(target - reconstruction) * ops.exp(-2.0 * log_std)
        return ops.sum(HALF_LOG_TWO_PI + log_std + 0.5 * squared, axis=1)

    # -- inference --------------------------------------------------------------------------------
    def encode(self, inputs):
        return self.posterior(inputs)[0]

    def sample_scores(self, inputs):
        """The negative ELBO per sample, in nats, with the reconstruction term at the posterior mean."""
        mean, log_var = self.posterior(inputs)
        return self.reconstruction_nats(inputs, self.decoder(mean, training=False)) + kl_divergence(mean, log_var)

    def log_importance_weights(self, rows):
        """For rows ``[x, mean, log_var, eps]``: log p(x|z) + log p(z) - log q(z|x) at z = mean + std * eps."""
        size, dim = math.prod(self.sample_shape), self.code_shape[0]
        x = ops.reshape(rows[:, :size], (-1, *self.sample_shape))
        mean, log_var, eps = rows[:, size:size + dim], rows[:, size + dim:size + 2 * dim], rows[:, size + 2 * dim:]
        z = mean + ops.exp(0.5 * log_var) * eps
        log_prior = -ops.sum(HALF_LOG_TWO_PI + 0.5 * ops.square(z), axis=1)
        log_posterior = -ops.sum(HALF_LOG_TWO_PI + 0.5 * log_var + 0.5 * ops.square(eps), axis=1)
        return -self.reconstruction_nats(x, self.decoder(z, training=False)) + log_prior - log_posterior


def kl_divergence(mean, log_var):
    """KL(N(mean, exp(log_var)) || N(0, I)) per sample, in nats."""
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=1)


def _check(config: Config, data_range: str) -> None:
    if config.likelihood == "bernoulli" and data_range != "unit":
        raise ConfigError("likelihood=bernoulli needs data in [0, 1] (images, or --scaling minmax); this data is "
                          "standardised. Use --likelihood gaussian, or --scaling minmax.")
    if config.binarize and config.likelihood != "bernoulli":
        raise ConfigError("binarize=True draws binary images for a Bernoulli likelihood; set likelihood=bernoulli.")
    if config.tied:
        raise ConfigError("Tied weights are available for the dense and deep models, not for variational ones.")


def _heads(x, config: Config):
    options = layer_options(config)
    mean = keras.layers.Dense(config.latent_dim, name="z_mean", **options)(x)
    log_var = keras.layers.Dense(config.latent_dim, name="z_log_var", **options)(x)
    return [mean, log_var]


def _decoder_activation(config: Config, data_range: str) -> str:
    if config.likelihood == "bernoulli":
        return "sigmoid"
    return output_activation(config, data_range) if config.output_activation != "auto" else "linear"


DEFAULT_HIDDEN = [512, 256]


@register_model("variational", "Variational autoencoder, dense: a Gaussian code (transform gives its means), "
                "sample, interpolate, negative ELBO scores.", model_class=VariationalModel, params=VARIATIONAL_PARAMS)
def build_variational(config: Config, input_shape: tuple[int, ...], data_range: str):
    _check(config, data_range)
    return dense_encoder_decoder(config, input_shape, config.hidden or DEFAULT_HIDDEN,
                                 lambda x: _heads(x, config), _decoder_activation(config, data_range))


@register_model("variational_conv", "Variational autoencoder, convolutional (images): the conv family's "
                "encoder to a Gaussian code.", model_class=VariationalModel, input_kinds=("image",),
                params=[*VARIATIONAL_PARAMS, VECTOR_DEPTH], for_data=settle_vector_depth)
def build_variational_conv(config: Config, input_shape: tuple[int, ...], data_range: str):
    _check(config, data_range)
    filters = stage_filters(config, input_shape)
    inputs = keras.Input(shape=input_shape, name="input")
    encoder = keras.Model(inputs, _heads(vector_features(inputs, filters, config), config), name="encoder")
    output = config.replace(output_activation=_decoder_activation(config, data_range))
    return encoder, vector_decoder(output, input_shape, filters, data_range)
