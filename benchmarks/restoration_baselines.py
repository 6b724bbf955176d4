"""The corruptions and the baselines of benchmarks/restoration.py.

- Noise: gaussian with sigma on [0, 1] pixels, clipped to [0, 1]; salt-and-pepper replacing a share of the
  pixels with 0 or 1. A fixed seed per dataset and level, so every method sees the same noisy images.
- Median filter: scipy.ndimage.median_filter, 3x3 (the classic filter for salt-and-pepper noise).
- BM3D: the ``bm3d`` package (Makinen et al. 2020) at its defaults (CBM3D for colour images), told the noise's
  standard deviation. For salt-and-pepper, which is not Gaussian, it gets the measured standard deviation of
  (noisy - clean) over the images: an oracle value, which favours the baseline.
- The keras.io denoiser ("Convolutional autoencoder for image denoising", keras.io/examples/vision/autoencoder):
  Conv(32)-MaxPool-Conv(32)-MaxPool-ConvT(32)-ConvT(32)-Conv(1, sigmoid), Adam, binary cross-entropy, trained on
  one fixed noisy copy of the training images as the example does, with aekit's epochs and batch size.
- Upscaling: nearest neighbour and bicubic (Pillow), from the same bicubic-downscaled uint8 images.
"""

from __future__ import annotations

import numpy as np

NOISES = {"gaussian 0.1": ("gaussian", 0.1), "gaussian 0.3": ("gaussian", 0.3), "gaussian 0.5": ("gaussian", 0.5),
          "salt & pepper 10%": ("salt_pepper", 0.1)}


def corrupt(clean: np.ndarray, kind: str, level: float, seed: int) -> np.ndarray:
    """Noisy copies of ``clean`` images in [0, 1] (float32), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        return np.clip(clean + rng.normal(0.0, level, clean.shape), 0.0, 1.0).astype(np.float32)
    hit = rng.random(clean.shape) < level
    salt = rng.random(clean.shape) < 0.5
    return np.where(hit, salt.astype(np.float32), clean).astype(np.float32)


def median_filter(noisy: np.ndarray) -> np.ndarray:
    from scipy.ndimage import median_filter as scipy_median

    return scipy_median(noisy, size=(1, 3, 3, 1), mode="reflect")


def bm3d_denoise(noisy: np.ndarray, sigma: float) -> np.ndarray | None:
    """BM3D of each image (CBM3D, ``bm3d_rgb``, for colour images), or None when the package is missing."""
    try:
        import bm3d
    except ImportError:
        return None
    if noisy.shape[-1] == 3:
        return np.stack([np.clip(bm3d.bm3d_rgb(image, sigma_psd=sigma), 0, 1) for image in noisy])
    return np.stack([np.clip(bm3d.bm3d(image[..., 0], sigma_psd=sigma), 0, 1)[..., None] for image in noisy])


def keras_io_denoiser(train_noisy: np.ndarray, train_clean: np.ndarray, epochs: int, batch_size: int, seed: int):
    """The keras.io denoising autoencoder, trained on (noisy, clean) pairs; returns the fitted keras.Model."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    inputs = layers.Input(shape=train_clean.shape[1:])
    x = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(x)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2DTranspose(32, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(32, (3, 3), strides=2, activation="relu", padding="same")(x)
    outputs = layers.Conv2D(train_clean.shape[-1], (3, 3), activation="sigmoid", padding="same")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(train_noisy, train_clean, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    return model


def downscale_uint8(images: np.ndarray, factor: int) -> np.ndarray:
    """uint8 ``(n, h, w, 1)`` images made ``factor`` times smaller with Pillow's bicubic filter (uint8)."""
    return _resize(images, 1 / factor, "BICUBIC")


def upscale_uint8(images: np.ndarray, factor: int, method: str) -> np.ndarray:
    """uint8 ``(n, h, w, 1)`` images made ``factor`` times larger with Pillow's ``method`` (NEAREST, BICUBIC)."""
    return _resize(images, factor, method)


def _resize(images: np.ndarray, factor: float, method: str) -> np.ndarray:
    from PIL import Image

    height, width = (round(d * factor) for d in images.shape[1:3])
    resample = getattr(Image.Resampling, method)
    return np.stack([np.asarray(Image.fromarray(image[..., 0]).resize((width, height), resample))
                     for image in images])[..., None]
