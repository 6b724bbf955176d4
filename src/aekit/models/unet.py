"""The image-restoration family ``unet``: denoising (trained with ``noise``) and super-resolution
(``upscale_factor``, the flag ``--upscale``).

A U-Net (Ronneberger et al. 2015): two convolutions at each scale, strided halvings down to a coarse grid,
and on the way back up each scale's features joined to the upsampled ones (skip connections). Fine detail
never has to squeeze through a bottleneck: a bottleneck is what a compressing autoencoder wants and exactly
what a restorer does not. The network predicts a correction added to its input (residual learning, as
DnCNN and VDSR do); when upscaling, to the input enlarged by bicubic interpolation. It has no normalisation
layers, whose statistics would differ between a small training crop and a whole photo, and it is fully
convolutional, so a trained model takes images of any size (:mod:`aekit.estimator.restoration` pads and tiles them).

The code is a grid at the output's resolution, ``latent_dim`` channels: the last features, then the (enlarged)
input. The decoder computes a correction from the features and adds it to that input.
"""

from __future__ import annotations

import weakref

import keras
import numpy as np
from keras import ops

from ..core.config import Config
from ..core.errors import ConfigError, DataError
from .base import AutoencoderModel
from .declare import register_model
from .declared import UNET_PARAMS
from .factory import layer_options
from .naming import PACKAGE
from .noise_level import calibrated, calibration_table, estimate_noise_level, with_level_map

# Two scales: on 28x28 digits (the first 500 MNIST test images, sigma 0.3; Fashion-MNIST unseen), for the same
# minutes of CPU training, 32-64 denoised better (22.6 dB) than 16-32-64 (21.7) or 32-64-128 (21.3), which see
# fewer images in that time. filters=[...] goes deeper, for larger images and longer training.
DEFAULT_FILTERS = (32, 64)

# A blind model's functional network of images with their level map, kept beside the model, not on it: an
# attribute would join the model's saved layers.
_LEVEL_MAP_NETWORKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@keras.saving.register_keras_serializable(package=PACKAGE)
class RestorationHead(keras.layers.Layer):
    """``base + conv(features)``, where the code holds ``features`` and then ``base`` (the last ``channels``).

    At inference the result is clipped to ``[low, high]`` (the data's range, when it is bounded); training sees
    the unclipped value, so a value past the range still gets a gradient back towards it.
    """

    def __init__(self, channels: int, kernel_size: int = 3, low: float | None = None, high: float | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.channels, self.kernel_size, self.low, self.high = int(channels), int(kernel_size), low, high
        self.correction = keras.layers.Conv2D(self.channels, self.kernel_size, padding="same", name="correction")

    def build(self, input_shape):
        self.correction.build((*input_shape[:-1], int(input_shape[-1]) - self.channels))

    def call(self, code, training=False):
        features, base = code[..., :-self.channels], code[..., -self.channels:]
        restored = base + self.correction(features)
        if training or self.low is None:
            return restored
        return ops.clip(restored, self.low, self.high)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.channels)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "kernel_size": self.kernel_size,
                "low": self.low, "high": self.high}


@keras.saving.register_keras_serializable(package=PACKAGE)
class Enlarge(keras.layers.Layer):
    """Bicubic enlargement by an integer ``factor``, for inputs of any size.

    ``keras.layers.UpSampling2D`` cannot: with the unknown sizes TensorFlow traces a fully convolutional model
    at, Keras compares the symbolic target size to zero in Python and fails. TensorFlow gets its own resize
    with a symbolic size; the other backends trace with known shapes.
    """

    def __init__(self, factor: int, **kwargs):
        super().__init__(**kwargs)
        self.factor = int(factor)

    def call(self, inputs):
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            shape = tf.shape(inputs)
            return tf.image.resize(inputs, (shape[1] * self.factor, shape[2] * self.factor), method="bicubic")
        height, width = inputs.shape[1] * self.factor, inputs.shape[2] * self.factor
        return ops.image.resize(inputs, (height, width), interpolation="bicubic")

    def compute_output_shape(self, input_shape):
        scaled = [None if d is None else d * self.factor for d in input_shape[1:3]]
        return (input_shape[0], *scaled, input_shape[3])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package=PACKAGE)
class RestorationModel(AutoencoderModel):
    """Maps a noisy or small image to the clean, full-size one; trained on pairs (``training_inputs``)."""

    code_kind = "grid"
    mapping = "restore"

    @classmethod
    def abilities_for(cls, config):
        """Upscaling is for models trained to enlarge (``upscale_factor`` 2 or 4)."""
        return ("upscale",) if config is None or config.upscale_factor > 1 else ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.aekit_config.loss == "auto":  # PSNR, the figure restoration is judged by, is a squared error
            self.loss_name = "mse"
        if self.blind and self.corruption is not None:
            self.corruption.spread = True  # every level up to noise_level, each image its own

    @property
    def blind(self) -> bool:
        """Whether the network reads the noise level as an extra input channel (``blind=True``)."""
        return bool(self.aekit_config.blind)

    def with_levels(self, inputs, training=False):
        """A blind model's network input: the images and their level map; in training the map holds the level
        each image was corrupted with, at inference the level estimated from the image. (A caller with its own
        levels runs :meth:`network_with_level_map` on images with the map appended.)"""
        if training and self.corruption is not None:
            return with_level_map(*self.corruption.corrupt_with_levels(inputs))
        return with_level_map(inputs, self.estimate_levels(inputs))

    def estimate_levels(self, images):
        """Each image's noise level, estimated from its pixels (calibrated on the training images when the model
        was trained by the estimator: see :meth:`on_train_begin`)."""
        table = self.build_spec.get("level_calibration")
        estimates = estimate_noise_level(images)
        return estimates if table is None else calibrated(estimates, table)

    def on_train_begin(self, samples) -> None:
        """A blind model measures its level estimator's bias on clean training images, saved with the model."""
        if self.blind and self.corruption is not None and len(samples):
            corruption = self.corruption
            self.build_spec["level_calibration"] = calibration_table(
                np.asarray(samples, np.float32), corruption.level, corruption.low if corruption.clip else None,
                corruption.high if corruption.clip else None, seed=int(self.aekit_config.seed))

    def call(self, inputs, training=False):
        if not self.blind:
            return super().call(inputs, training=training)
        return self.forward(self.with_levels(inputs, training), training=training)

    def encode(self, inputs):
        return super().encode(self.with_levels(inputs) if self.blind else inputs)

    def network_with_level_map(self) -> keras.Model:
        """A blind model's encoder and decoder as one functional model of images with their level map appended
        (one channel more than the images), for levels the caller chose; built once per model."""
        network = _LEVEL_MAP_NETWORKS.get(self)
        if network is None:
            network = keras.Model(self.encoder.input, self.decoder(self.encoder.output), name="with_level_map")
            _LEVEL_MAP_NETWORKS[self] = network
        return network

    @classmethod
    def training_inputs(cls, targets, config: Config):
        """The clean images themselves for denoising (the ``noise`` layer corrupts them on the fly), or copies
        made ``upscale_factor`` times smaller with Pillow's bicubic filter for super-resolution."""
        if config.upscale_factor == 1:
            return targets
        return bicubic_downscale(targets, config.upscale_factor)

    @property
    def upscale(self) -> int:
        return int(self.aekit_config.upscale_factor)

    @property
    def size_multiple(self) -> int:
        return multiple_of(self.aekit_config)

    @property
    def code_shape(self) -> tuple[int, ...]:
        height, width = (d * self.upscale for d in self.sample_shape[:2])
        return height, width, int(self.decoder.input_shape[-1])


def bicubic_downscale(images: np.ndarray, factor: int) -> np.ndarray:
    """``(n, h, w, c)`` float images, each channel made ``factor`` times smaller by Pillow's bicubic filter."""
    from PIL import Image

    n, height, width, channels = images.shape
    if height % factor or width % factor:
        raise DataError(f"Received images of {height}x{width} pixels with upscale_factor={factor}; training pairs need "
                        f"sizes divisible by {factor}. Resize them (--image-size) to a multiple of {factor}.")
    size = (width // factor, height // factor)
    small = np.empty((n, height // factor, width // factor, channels), np.float32)
    for i in range(n):
        for c in range(channels):
            plane = Image.fromarray(np.ascontiguousarray(images[i, :, :, c], dtype=np.float32), mode="F")
            small[i, :, :, c] = np.asarray(plane.resize(size, Image.Resampling.BICUBIC))
    return small




def _conv(x, filters: int, config: Config, name: str, strides: int = 1):
    return keras.layers.Conv2D(filters, config.kernel_size, strides=strides, padding="same",
                               activation=config.activation, name=name, **layer_options(config))(x)


def _filters(config: Config) -> list[int]:
    return list(config.filters) if config.filters else list(DEFAULT_FILTERS)


def _default_latent_dim(input_shape, config: Config) -> int:
    return _filters(config)[0] + int(input_shape[-1])


# crop=-1: half the inputs' smaller side (four crops an image), when that is at least MIN_AUTO_CROP pixels. On a
# development split of a grayscale photo folder (320 crops of 64x64, 8 photos to train, 2 others to test, sigma
# 0.1), 32x32 crops gave 24.97 dB in 102 s against 24.78 dB in 183 s for whole images. Below 32 pixels a crop
# holds little more than the network's receptive field, and digits (28x28) train whole, as they were measured.
MIN_AUTO_CROP = 32


def settle_crop(config: Config, samples: int, sample_shape: tuple[int, ...] | None) -> Config:
    """``crop=-1`` made a size: half the model inputs' smaller side, on the network's grid, when that is
    :data:`MIN_AUTO_CROP` pixels or more; else (or with no shape known: streamed data) whole images."""
    if config.crop != -1:
        return config
    crop = 0
    if sample_shape is not None:
        half = min(sample_shape[:2]) // int(config.upscale_factor) // 2
        crop = half // multiple_of(config) * multiple_of(config)
    return config.replace(crop=crop if crop >= MIN_AUTO_CROP else 0)


@register_model("unet", "Image restoration (denoising with noise=..., super-resolution with --upscale 2|4): a "
                "U-Net with skip connections that predicts a correction to its input; fully convolutional. Its code is "
                "a full-size grid of latent_dim channels: the last features, then the (enlarged) input.",
                model_class=RestorationModel, input_kinds=("image",), params=UNET_PARAMS,
                default_latent_dim=_default_latent_dim, for_data=settle_crop)
def build_unet(config: Config, input_shape: tuple[int, ...], data_range: str):
    if config.tied:
        raise ConfigError("Tied weights are available for the dense and deep models, not for unet.")
    filters, channels = _filters(config), int(input_shape[-1])
    if config.crop > 0 and config.crop % multiple_of(config):
        raise ConfigError(f"Received crop={config.crop}; this unet halves its input {len(filters) - 1} time(s), so a "
                          f"crop must be a multiple of {multiple_of(config)} pixels. Choose crop="
                          f"{max(1, config.crop // multiple_of(config)) * multiple_of(config)}, or 0 for whole images.")
    features = config.latent_dim - channels
    if features < 1:
        raise ConfigError(f"Received latent_dim={config.latent_dim}; a unet's code holds the image's {channels} "
                          f"channel(s) and at least one feature, so latent_dim must exceed {channels} (default "
                          f"{filters[0] + channels}).")
    if config.blind and (config.noise != "gaussian" or config.noise_level <= 0 or config.upscale_factor > 1):
        raise ConfigError(f"Received blind=True with noise={config.noise}, noise_level={config.noise_level} and "
                          f"upscale_factor={config.upscale_factor}; a blind denoiser learns gaussian noise up to a "
                          "level: give noise=gaussian, a noise_level above 0 (the highest level it will meet, e.g. "
                          "--noise gaussian --noise-level 0.25) and no upscaling.")
    # A blind model reads the noise level as one more channel; the correction is added to the image alone.
    inputs = keras.Input(shape=(None, None, channels + int(config.blind)), name="input")
    base = inputs[..., :channels] if config.blind else inputs
    if config.upscale_factor > 1:
        base = Enlarge(config.upscale_factor, name="enlarge")(inputs)
    x, skips = (inputs if config.blind else base), []  # the network sees the level map too
    for i, count in enumerate(filters):
        if i:
            x = _conv(x, count, config, f"down_{i}", strides=2)
        last = len(filters) == 1
        x = _conv(_conv(x, count, config, f"enc_{i}_a"), features if last else count, config, f"enc_{i}_b")
        skips.append(x)
    for i in reversed(range(len(filters) - 1)):
        x = keras.layers.Conv2DTranspose(filters[i], config.kernel_size, strides=2, padding="same",
                                         activation=config.activation, name=f"up_{i}", **layer_options(config))(x)
        x = keras.layers.Concatenate(name=f"skip_{i}")([x, skips[i]])
        x = _conv(_conv(x, filters[i], config, f"dec_{i}_a"), features if i == 0 else filters[i], config,
                  f"dec_{i}_b")
    code = keras.layers.Concatenate(name="code")([x, base])
    encoder = keras.Model(inputs, code, name="encoder")

    latent = keras.Input(shape=(None, None, config.latent_dim), name="code_input")
    low, high = (0.0, 1.0) if data_range == "unit" else (None, None)
    head = RestorationHead(channels, config.kernel_size, low, high, name="restored")
    decoder = keras.Model(latent, head(latent), name="decoder")
    return encoder, decoder


def multiple_of(config: Config) -> int:
    """Input sizes the network takes whole: each halving needs an even size at its scale."""
    needed = 2 ** (len(_filters(config)) - 1)
    return max(1, needed // int(np.gcd(needed, int(config.upscale_factor))))
