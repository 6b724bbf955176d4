"""The ``compression`` family: a convolutional autoencoder trained for rate and distortion (Ballé et al. 2017).

The encoder maps an image to a grid of ``latent_dim`` channels, ``downsample`` times smaller on each side, through
strided convolutions and the activation with no normalisation, scaled by ``LATENT_GAIN``; the code is that grid
rounded to integers, which a range coder writes with the learned
:class:`~aekit.models.entropy.FactorizedDensity` (see :mod:`aekit.estimator.codec` for the ``.aez`` files).

Training cannot round (no gradient), so it follows the "mixed" recipe of Minnen & Singh (2020): the rate is
measured on the latent plus uniform noise in [-0.5, 0.5], a differentiable stand-in for rounding, while the
decoder sees the rounded latent with the gradient passed straight through, as it will at use. The loss is
CompressAI's ``bits per pixel + lmbda * 255^2 * MSE``: a larger ``lmbda`` buys quality with bytes. The
integer tables the coder uses are computed from the densities when training ends and saved with the model.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from ..core import budget
from ..core.config import AUTO, Config
from ..core.errors import ConfigError
from ..data.crops import crops_per_image
from .base import AutoencoderModel, reconstruction_of
from .conv import decoder_stages, encoder_stages, stage_filters
from .declare import register_model
from .declared import COMPRESSION_PARAMS
from .entropy import SYMBOL_RADIUS, FactorizedDensity
from .factory import layer_options
from .losses import mean_reconstruction_loss
from .naming import PACKAGE

DEFAULT_LATENT_CHANNELS = 32
# The code layer's output times LATENT_GAIN is what gets rounded (and the decoder divides it back). Adam moves each
# weight by about the learning rate per step, so without it the latents grow to the scale fine quantisation needs
# only after thousands of steps. On a development split of the grayscale photo folder's training photos (8 photos to
# train, 2 held out; 1,500 steps, transforms without activations), a gain of 10 lifted PSNR at equal bytes by 0.7 dB
# and one of 30 by 1.1 dB. With a sigmoid output the faster latents drove MNIST's decoder into saturation (every
# pixel black), so the output is linear, clipped to [0, 1] at use. The transforms have no group normalisation: on
# the same split (gain 30, 3,000 steps) it gave 24.5 dB at 530 B against 26.3 dB at 364 B without, and cost 1.7
# times the training time.
LATENT_GAIN = 30.0
# Rate-distortion training gains more from many small steps than from large batches (Ballé's and CompressAI's
# recipes use 8 to 16 images): on 12,800 MNIST training images, one epoch at batch 32 took the time of one at
# batch 128 and gave 46 bytes at 21.1 dB against 138 bytes at 19.8 dB (downsample 8, lmbda 0.001).
MAX_AUTO_BATCH = 32
PEAK = 255.0  # distortion is weighed in 8-bit pixel units, as CompressAI's lambdas are
# crop=-1 means whole images. On a development split of the grayscale photo folder's training photos (8 photos to
# train, 2 held out; 64x64), 32x32 crops for the same 3,000 steps gave 375 B at 26.0 dB (+0.0 dB against WebP at
# those bytes), whole images 406 B at 26.6 dB (+0.15); crops bought PSNR only with more steps (5,400 steps: +0.86
# dB, in 537 s on 2 cores, over the 5 minutes a model may take).
AUTO_CROP = 0


@keras.saving.register_keras_serializable(package=PACKAGE)
class CompressionModel(AutoencoderModel):
    code_kind = "grid"
    abilities = ("compress",)
    loss_terms = {"reconstruction": "mean squared error per value, in [0, 1] units",
                  "bits_per_image": "the code's information content under the learned density: sum of -log2 "
                                    "likelihood per image (what the range coder writes, before its few bytes "
                                    "of overhead)",
                  "bits_per_pixel": "bits_per_image over the pixels of the model's input (a training crop's, or a "
                                    "whole image's): the rate the loss weighs"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_name = "mse"
        self.noise_seed = keras.random.SeedGenerator(self.aekit_config.seed + 17)
        self.density = FactorizedDensity(name="entropy_model")
        self.density.build(self.encoder.output_shape)

    def quantisable(self, inputs, training=False):
        """The encoder's latent, clipped to the symbols the tables cover."""
        return ops.clip(self.encoder(inputs, training=training), -SYMBOL_RADIUS, SYMBOL_RADIUS)

    def forward(self, inputs, training=False):
        latent = self.quantisable(inputs, training=training)
        rounded = latent + ops.stop_gradient(ops.round(latent) - latent)
        if training:
            noisy = latent + keras.random.uniform(ops.shape(latent), -0.5, 0.5, seed=self.noise_seed)
        else:
            noisy = rounded
        reconstruction = self.decoder(rounded, training=training)
        if not training:  # the output is linear (see LATENT_GAIN); images are [0, 1], as the builder requires
            reconstruction = ops.clip(reconstruction, 0.0, 1.0)
        return {"reconstruction": reconstruction, "likelihoods": self.density(noisy)}

    def compute_loss_terms(self, x, target, outputs, training=True):
        likelihoods = outputs["likelihoods"]
        bits = -ops.sum(ops.reshape(ops.log(likelihoods), (ops.shape(likelihoods)[0], -1)), axis=1) / math.log(2)
        pixels = ops.cast(ops.shape(x)[1] * ops.shape(x)[2], bits.dtype)  # a training crop's, or a whole image's
        return {"reconstruction": mean_reconstruction_loss("mse", target, reconstruction_of(outputs)),
                "bits_per_image": ops.mean(bits), "bits_per_pixel": ops.mean(bits) / pixels}

    def combine_loss_terms(self, terms, training=True):
        return terms["bits_per_pixel"] + self.aekit_config.lmbda * PEAK ** 2 * terms["reconstruction"]

    def on_train_end(self) -> None:
        self.density.update_tables()

    @property
    def code_shape(self) -> tuple[int, ...]:
        """The grid of one whole image (the model takes any size when it trains on crops)."""
        return tuple(int(d) for d in self.encoder.compute_output_shape((1, *self.sample_shape))[1:])

    def encode(self, inputs):
        """The integer symbols the coder writes, as floats: the rounded, clipped latent grid."""
        return ops.round(self.quantisable(inputs))

    def entropy_tables(self):
        return self.density.tables()


# quality -> lmbda, log-linear between two points. The useful range measured by benchmarks/compression.py (lmbda
# 0.0003 gave 15-18 bytes per 28x28 MNIST or Fashion-MNIST image, 0.05 gave 220-344 bytes, and bytes grew with
# lmbda at every point between) falls at quality 16 to 91, leaving room at both ends.
QUALITY_TO_LMBDA = ((1, 1e-4), (100, 1e-1))


def lmbda_for_quality(quality: int) -> float:
    """The ``lmbda`` a ``quality`` from 1 to 100 stands for (:data:`QUALITY_TO_LMBDA`), increasing with it.

    Parameters
    ----------
    quality : int
        From 1 (fewest bytes) to 100 (best images).

    Returns
    -------
    float
        The rate-distortion weight ``lmbda``.
    """
    (low_quality, low), (high_quality, high) = QUALITY_TO_LMBDA
    return float(low * (high / low) ** ((quality - low_quality) / (high_quality - low_quality)))


def settle_for_data(config: Config, samples: int, sample_shape: tuple[int, ...] | None = None) -> Config:
    """``quality`` resolved into ``lmbda`` (the run records both), the auto batch size capped for this family, and
    the longer step budget of small images (:func:`aekit.core.budget.settle_small_images`), both counted in what an
    epoch visits: with ``crop``, every whole crop of every image."""
    if config.quality:
        config = config.replace(lmbda=lmbda_for_quality(config.quality))
    if config.crop == -1:
        config = config.replace(crop=AUTO_CROP)
    visits = samples if sample_shape is None else samples * crops_per_image(sample_shape, config.crop)
    if config.batch_size == AUTO:
        config = config.replace(batch_size=min(MAX_AUTO_BATCH, budget.auto_batch_size(visits)))
    return budget.settle_small_images(config, visits, sample_shape)


@register_model("compression", "Learned image codec (Ballé et al. 2017): a conv autoencoder trained on bits + "
                "lmbda * distortion; `aekit compress` / `decompress` write and read .aez files.",
                model_class=CompressionModel, input_kinds=("image",), params=COMPRESSION_PARAMS,
                default_latent_dim=lambda shape, config: DEFAULT_LATENT_CHANNELS, for_data=settle_for_data)
def build_compression(config: Config, input_shape: tuple[int, ...], data_range: str):
    if data_range != "unit":
        raise ConfigError("The compression model codes images in [0, 1] (8-bit images are scaled so by default); "
                          "this data is standardised. Leave --scaling at auto (or minmax).")
    if config.loss not in ("auto", "mse"):
        raise ConfigError(f"Received loss={config.loss!r}; the compression model's distortion is the squared error "
                          "(loss=auto or mse), the measure its lmbda is scaled for.")
    if config.tied:
        raise ConfigError("Tied weights are available for the dense and deep models, not for compression.")
    stages = int(math.log2(config.downsample))
    filters = stage_filters(config, input_shape, stages)
    if len(filters) != stages:
        raise ConfigError(f"Received filters={filters} with downsample={config.downsample}; {stages} filter counts "
                          "are needed (one per halving).")
    if config.output_activation == "auto":
        config = config.replace(output_activation="linear")  # a sigmoid can saturate (see LATENT_GAIN)
    if config.crop > 0 and (config.crop % config.downsample or any(side % config.downsample
                                                                    for side in input_shape[:2])):
        raise ConfigError(f"Received crop={config.crop} for images of {input_shape[0]}x{input_shape[1]} pixels with "
                          f"downsample={config.downsample}; training on crops needs the crop and the images' sides "
                          f"to be multiples of {config.downsample}. Choose crop="
                          f"{max(1, config.crop // config.downsample) * config.downsample}, or crop=0 for whole "
                          "images.")
    options = layer_options(config)
    # On crops the network takes any size (it is fully convolutional); whole images keep their fixed shape.
    spatial = (None, None) if config.crop > 0 else tuple(input_shape[:2])
    inputs = keras.Input(shape=(*spatial, input_shape[-1]), name="input")
    x = encoder_stages(inputs, filters, config, refine=True, normalise=False)
    latent = keras.layers.Conv2D(config.latent_dim, config.kernel_size, padding="same", name="code", **options)(x)
    latent = keras.layers.Rescaling(LATENT_GAIN, name="code_gain")(latent)
    encoder = keras.Model(inputs, latent, name="encoder")

    grid = keras.Input(shape=tuple(None if d is None else int(d) for d in latent.shape[1:]), name="code_input")
    x = keras.layers.Rescaling(1 / LATENT_GAIN, name="dec_gain")(grid)
    x = keras.layers.Conv2D(filters[-1], config.kernel_size, padding="same", name="dec_input", **options)(x)
    x = keras.layers.Activation(config.activation, name="dec_input_act")(x)
    decoder = keras.Model(grid, decoder_stages(x, filters, config, input_shape, data_range, refine=True,
                                               normalise=False), name="decoder")
    return encoder, decoder
