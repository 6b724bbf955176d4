"""The parameters of the built-in families, declared here with no engine imported: the command line builds its
flags (``aekit train --help``) from them without loading Keras. Each family's module registers them with its
builder (``register_model(..., params=...)``); a plugin declares its own in its own module.
"""

from __future__ import annotations

from ..core.config import Config
from ..core.params import Param, declare

VECTOR_DEPTH = Param("vector_depth", "auto", "code=vector: deep (two convolutions per halving, and Dense layers "
                     "of `hidden` units, default 512, beside the code) or lean (one convolution per halving, the code "
                     "straight from the grid); auto: deep from 10,000 training images, lean below.",
                     choices=("auto", "lean", "deep"))


# Shared with the compression family, whose code is a grid too.
DOWNSAMPLE = Param("downsample", 4, "A spatial code's grid is this many times smaller than the image on each side.",
                   choices=(2, 4, 8, 16))

# Shared by the families that train on crops and use whole images (unet, compression; for compression the crop and
# the images' sides must be multiples of downsample).
CROP = Param("crop", -1, "Train on random CROP x CROP windows of the images, each image visited once an epoch per "
             "whole crop it holds (the budget counts crops); validation and inference use whole images. -1 (the "
             "default): for unet half the images' smaller side when that is 32 pixels or more, else whole images; "
             "for compression whole images (crops gave no better codec in the same number of steps on 64x64 "
             "photos); 0: whole images.", minimum=-1)

CONV_PARAMS = [
    Param("code", "spatial", "spatial: a grid of latent_dim channels, downsample times smaller than the image "
          "(fully convolutional, the classic convolutional autoencoder); vector: a Dense code of latent_dim numbers "
          "after as many halvings as bring the image to at most 7 pixels (see vector_depth).",
          choices=("spatial", "vector")),
    DOWNSAMPLE,
    VECTOR_DEPTH,
]

COMPRESSION_PARAMS = [
    Param("lmbda", 0.01, "Rate-distortion trade-off: the loss is bits per pixel + lmbda * 255^2 * MSE, so a larger "
          "lmbda gives better images in more bytes; useful values run from about 0.0003 to 0.05.",
          minimum=0.0),
    Param("quality", 0, "A quality from 1 (fewest bytes) to 100 (best images) that sets lmbda, like a JPEG or WebP "
          "quality setting: lmbda runs log-linearly from 0.0001 at 1 to 0.1 at 100 (50 gives about 0.003). 0 (the "
          "default) leaves lmbda as given.", minimum=0, maximum=100),
    DOWNSAMPLE,
    CROP,
]

HASHING_PARAMS = [
    Param("binarizer", "noise", "How the code is made binary while training: noise (Gaussian noise on the logits "
          "before the sigmoid, as semantic hashing did) or straight_through (threshold forward, sigmoid gradient "
          "backward).", choices=("noise", "straight_through")),
    Param("code_noise", 4.0, "binarizer=noise: standard deviation of the noise on the code's logits.", minimum=0.0),
    Param("balance_weight", 0.1, "Weight of the balance term (each bit on for half the samples).", minimum=0.0),
    Param("decorrelation_weight", 0.1, "Weight of the decorrelation term (bits uncorrelated).", minimum=0.0),
    Param("neighbour_weight", 0.0, "Weight of the neighbour term: each input's code should agree more with the code "
          "of its nearest other input in the batch (by distance between the inputs) than with the others'.",
          minimum=0.0),
    Param("neighbour_targets", 10, "Reconstruct, instead of each input, the mean of it and its k nearest training "
          "inputs (Euclidean, in a 64-dimensional PCA space), so that the bits keep what neighbours share; "
          "0 reconstructs the input itself (the original semantic hashing).", minimum=0),
    Param("similarity_weight", 0.0, "Weight of the similarity term: pairs of inputs in a batch should agree in as "
          "many bits as their centred inputs' cosine similarity says.", minimum=0.0),
    Param("invariance_weight", 0.0, "Images only: weight of the invariance term: the bits of each training image "
          "and of a shifted view of it (up to 1/16 of its side; also flipped left to right when augment includes "
          "flips) should agree, so that two crops of one photo hash alike.", minimum=0.0),
]

UNET_PARAMS = [
    # Named upscale_factor because Autoencoder.upscale is the method that applies it; the flag is --upscale.
    Param("upscale_factor", 1, "Super-resolution: learn to enlarge images this many times (pairs made with "
          "bicubic downscaling); 1 = same size in and out (denoising with noise=...).", choices=(1, 2, 4),
          flag_aliases=("--upscale",)),
    CROP,
    Param("blind", False, "Denoising with gaussian noise: one model for every noise level up to noise_level (each "
          "training image gets its own, drawn uniformly), told the level in an extra input channel; denoising "
          "estimates each image's level, or takes it from denoise(X, noise_level=...) or `aekit denoise "
          "--noise-level`."),
]

VARIATIONAL_PARAMS = [
    Param("likelihood", "bernoulli", "Reconstruction term: bernoulli (binary cross-entropy, data in [0, 1]) or "
          "gaussian (squared error over a learned or fixed variance).", choices=("bernoulli", "gaussian")),
    Param("beta", 1.0, "Weight of the KL term (beta-VAE; 1 is the ELBO).", minimum=0.0),
    Param("kl_warmup", 0, "Epochs over which the KL weight rises linearly from 0 to beta.", minimum=0),
    Param("decoder_std", 0.0, "Gaussian likelihood: the decoder's fixed standard deviation, in scaled units; "
          "0 learns one per value.", minimum=0.0),
    Param("binarize", False, "Dynamic binarisation: train on a fresh Bernoulli draw of each image (values in "
          "[0, 1]) at every step."),
]

# In the order the families register (aekit.models imports conv before compression, whose grid it shares).
BUILTIN = {"conv": CONV_PARAMS, "compression": COMPRESSION_PARAMS, "dense": [], "deep": [], "hashing": HASHING_PARAMS,
           "unet": UNET_PARAMS, "variational": VARIATIONAL_PARAMS,
           "variational_conv": [*VARIATIONAL_PARAMS, VECTOR_DEPTH]}


def declare_builtin_params() -> None:
    """Declare the built-in families' parameters (the same declarations their modules register with)."""
    for family, params in BUILTIN.items():
        declare(family, tuple(params), reserved=set(Config.field_names()))
