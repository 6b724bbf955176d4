"""Semantic hashing (Salakhutdinov & Hinton): an autoencoder whose code is ``latent_dim`` bits.

The encoder ends in ``latent_dim`` logits. While training, the code is made binary in one of two ways:
``binarizer="noise"`` adds Gaussian noise (``code_noise``) to the logits before the sigmoid, which pushes the
units towards 0 or 1 (the original recipe); ``"straight_through"`` thresholds the sigmoid at 0.5 on the way
forward and passes the sigmoid's gradient back. At use, a bit is 1 where the sigmoid exceeds 0.5.

Two terms keep the bits informative, both estimated on each batch of sigmoid outputs: ``balance`` (each bit
on for half the samples) and ``decorrelation`` (the bits' correlations, off the diagonal, near 0). On images,
``invariance_weight`` adds a third: each image's bits should agree with those of a shifted (and, when the user's
``augment`` includes flips, mirrored) view of it, so that two crops of one photo hash alike.

By default (``neighbour_targets=10``) the decoder does not reproduce each input but the mean of it and its 10
nearest training inputs: what those neighbours do not share cannot help the reconstruction, so the bits spend
themselves on what they do share. Chosen on a development split of Fashion-MNIST's training images (P@100 at 32
bits 0.730, against 0.724 with 30 and 0.708 with the input itself) and checked on MNIST (0.875 against 0.808);
see benchmarks/retrieval_defaults.py.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from ..core.config import Config
from ..core.errors import ConfigError
from ..data.augment import max_shift
from .base import AutoencoderModel, reconstruction_of
from .declare import register_model
from .declared import HASHING_PARAMS
from .factory import dense_encoder_decoder, layer_options, output_activation
from .losses import mean_reconstruction_loss
from .naming import PACKAGE

DEFAULT_HIDDEN = [512, 256]
NEIGHBOUR_DIMS = 64
NEIGHBOUR_CHUNK = 4096  # query rows per batch of the neighbour search, to bound its memory


@keras.saving.register_keras_serializable(package=PACKAGE)
class HashingModel(AutoencoderModel):
    code_kind = "binary"
    abilities = ("bit_probabilities",)
    loss_terms = {"reconstruction": "the configured loss (mse, mae or bce), mean per value",
                  "balance": "mean over bits of (share of ones - 0.5)^2, on the batch's sigmoid outputs",
                  "decorrelation": "mean squared correlation between different bits, on the batch",
                  "neighbour": "contrastive: cross-entropy of picking each input's nearest other input in the "
                               "batch by code agreement ((2p - 1).(2q - 1) / bits, temperature 0.2); 0 when "
                               "its weight is 0",
                  "similarity": "mean over pairs in the batch of (code agreement - input cosine similarity)^2, "
                                "code agreement = (2p - 1).(2q - 1) / bits; 0 when its weight is 0",
                  "invariance": "mean squared difference between the bit probabilities of each image and of a "
                                "shifted (or flipped) view of it, before the code noise; 0 when its weight is 0"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.noise_seed = keras.random.SeedGenerator(self.aekit_config.seed + 31)
        self.view_seed = keras.random.SeedGenerator(self.aekit_config.seed + 37)

    @classmethod
    def training_targets(cls, targets, config: Config, train_index):
        if not config.neighbour_targets:
            return targets
        return neighbour_means(targets, train_index, int(config.neighbour_targets), config.seed)

    def forward(self, inputs, training=False):
        clean_logits = logits = self.encoder(inputs, training=training)
        config = self.aekit_config
        if training and config.binarizer == "noise" and config.code_noise:
            logits = logits + config.code_noise * keras.random.normal(ops.shape(logits), seed=self.noise_seed)
        probabilities = ops.sigmoid(logits)
        if training and config.binarizer == "noise":
            code = probabilities
        else:  # straight-through while training; the bits themselves at use
            code = probabilities + ops.stop_gradient(ops.round(probabilities) - probabilities)
        outputs = {"reconstruction": self.decoder(code, training=training), "probabilities": probabilities}
        if training and config.invariance_weight:
            view = shifted_view(inputs, "flips" in config.augment, self.view_seed)
            outputs["view_gap"] = ops.mean(ops.square(ops.sigmoid(clean_logits)
                                                      - ops.sigmoid(self.encoder(view, training=training))))
        return outputs

    def compute_loss_terms(self, x, target, outputs, training=True):
        probabilities = outputs["probabilities"]
        share = ops.mean(probabilities, axis=0)
        centred = probabilities - share
        covariance = ops.matmul(ops.transpose(centred), centred) / ops.cast(ops.shape(centred)[0], centred.dtype)
        std = ops.sqrt(ops.diagonal(covariance) + 1e-6)
        correlation = covariance / (std[:, None] * std[None, :])
        bits = ops.shape(correlation)[0]
        off_diagonal = correlation * (1.0 - ops.eye(bits, dtype=correlation.dtype))
        config, zero = self.aekit_config, ops.zeros((), probabilities.dtype)  # optional terms cost batch^2 work
        return {"reconstruction": mean_reconstruction_loss(self.loss_name, target, reconstruction_of(outputs)),
                "balance": ops.mean(ops.square(share - 0.5)),
                "decorrelation": ops.sum(ops.square(off_diagonal)) / ops.cast(bits * (bits - 1), "float32"),
                "similarity": _similarity_gap(x, probabilities) if config.similarity_weight else zero,
                "neighbour": _neighbour_gap(x, probabilities) if config.neighbour_weight else zero,
                "invariance": outputs.get("view_gap", zero)}

    def combine_loss_terms(self, terms, training=True):
        config = self.aekit_config
        return (terms["reconstruction"] + config.balance_weight * terms["balance"]
                + config.decorrelation_weight * terms["decorrelation"]
                + config.similarity_weight * terms["similarity"]
                + config.neighbour_weight * terms["neighbour"]
                + config.invariance_weight * terms["invariance"])

    def encode(self, inputs):
        return ops.round(ops.sigmoid(self.encoder(inputs, training=False)))

    def code_probabilities(self, inputs):
        """The real-valued code (each bit's sigmoid), for re-ranking what a Hamming lookup finds."""
        return ops.sigmoid(self.encoder(inputs, training=False))


def neighbour_means(targets, train_index, k: int, seed: int):
    """Each row's mean with its ``k`` nearest training rows (itself excluded), found in a PCA space fitted on the
    training rows. Exact search: about n^2 * NEIGHBOUR_DIMS operations."""
    from sklearn.decomposition import PCA
    from sklearn.neighbors import NearestNeighbors

    flat = np.asarray(targets, dtype=np.float32).reshape(len(targets), -1)
    train = flat[train_index]
    dims = max(1, min(NEIGHBOUR_DIMS, *train.shape))
    pca = PCA(dims, svd_solver="randomized", random_state=seed).fit(train)
    index = NearestNeighbors().fit(pca.transform(train))
    means = np.empty_like(flat)
    for start in range(0, len(flat), NEIGHBOUR_CHUNK):
        rows = np.arange(start, min(start + NEIGHBOUR_CHUNK, len(flat)))
        found = np.asarray(train_index)[index.kneighbors(pca.transform(flat[rows]), return_distance=False,
                                                          n_neighbors=min(k + 1, len(train)))]
        # A training row finds itself (stable sort moves it last, then it is cut); another row keeps k others.
        order = np.argsort(found == rows[:, None], axis=1, kind="stable")
        kept = np.take_along_axis(found, order, axis=1)[:, :k]
        means[rows] = (flat[rows] + flat[kept].sum(axis=1)) / (1 + kept.shape[1])
    return means.reshape(targets.shape).astype(targets.dtype, copy=False)


def shifted_view(images, flips: bool, seed):
    """A batch of images shifted by one random offset of up to :func:`aekit.data.augment.max_shift` pixels each
    way (edges mirrored in), and with ``flips`` each image mirrored left to right with probability 1/2."""
    shape = ops.shape(images)
    if flips:
        mirrored = keras.random.uniform((shape[0], 1, 1, 1), seed=seed) < 0.5
        images = ops.where(mirrored, ops.flip(images, axis=2), images)
    pad = max_shift(min(int(images.shape[1]), int(images.shape[2])))
    padded = ops.pad(images, [[0, 0], [pad, pad], [pad, pad], [0, 0]], mode="reflect")
    offset = keras.random.randint((2,), 0, 2 * pad + 1, seed=seed)
    return ops.slice(padded, [0, offset[0], offset[1], 0], [shape[0], shape[1], shape[2], shape[3]])


def _neighbour_gap(x, probabilities, temperature: float = 0.2):
    flat = ops.reshape(x, (ops.shape(x)[0], -1))
    squared = ops.sum(ops.square(flat), axis=1)
    distances = squared[:, None] + squared[None, :] - 2.0 * ops.matmul(flat, ops.transpose(flat))
    mask = 1e9 * ops.eye(ops.shape(flat)[0], dtype=distances.dtype)
    nearest = ops.stop_gradient(ops.argmin(distances + mask, axis=1))
    signs = 2.0 * probabilities - 1.0
    agreement = ops.matmul(signs, ops.transpose(signs)) / ops.cast(ops.shape(signs)[1], signs.dtype)
    logits = agreement / temperature - mask
    return ops.mean(keras.losses.sparse_categorical_crossentropy(nearest, logits, from_logits=True))


def _similarity_gap(x, probabilities):
    flat = ops.reshape(x, (ops.shape(x)[0], -1))
    flat = flat - ops.mean(flat, axis=0, keepdims=True)
    unit = flat / (ops.sqrt(ops.sum(ops.square(flat), axis=1, keepdims=True)) + 1e-6)
    signs = 2.0 * probabilities - 1.0
    agreement = ops.matmul(signs, ops.transpose(signs)) / ops.cast(ops.shape(signs)[1], signs.dtype)
    return ops.mean(ops.square(agreement - ops.stop_gradient(ops.matmul(unit, ops.transpose(unit)))))


@register_model("hashing", "Semantic hashing: a dense autoencoder whose code is latent_dim bits (8 to 256), for "
                "Hamming search (aekit.tasks.retrieval).", model_class=HashingModel, params=HASHING_PARAMS,
                default_latent_dim=lambda shape, config: 32)
def build_hashing(config: Config, input_shape: tuple[int, ...], data_range: str):
    if not 1 <= config.latent_dim <= 1024:
        raise ConfigError(f"Received latent_dim={config.latent_dim} bits; expected 8 to 256 (at most 1024).")
    if config.tied:
        raise ConfigError("Tied weights are available for the dense and deep models, not for hashing.")
    if config.invariance_weight and len(input_shape) != 3:
        raise ConfigError(f"Received invariance_weight={config.invariance_weight} for rows of {input_shape[0]} "
                          "values; the invariance term compares an image with a shifted view of it, so it needs "
                          "images. Leave it at 0 for tables.")
    code_logits = keras.layers.Dense(config.latent_dim, name="code_logits", **layer_options(config))
    return dense_encoder_decoder(config, input_shape, config.hidden or DEFAULT_HIDDEN, code_logits,
                                 output_activation(config, data_range))
