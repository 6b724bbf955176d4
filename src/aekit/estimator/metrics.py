"""Reconstruction error measures, in the units the literature reports: squared error per sample, MSE and MAE per
value, and for images scaled to [0, 1] PSNR and SSIM.

SSIM is Wang et al. (2004) with an 11x11 Gaussian window (sigma 1.5), K1 = 0.01, K2 = 0.03, averaged over
the pixels whose window lies inside the image and over channels: the settings of
``skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
data_range=1)``, which the tests compare against.
"""

from __future__ import annotations

import numpy as np

SIGMA, TRUNCATE = 1.5, 3.5
K1, K2 = 0.01, 0.03


def psnr_per_image(original: np.ndarray, other: np.ndarray) -> np.ndarray:
    """PSNR in dB of each image (peak 1.0), shape ``(n,)``; identical images are capped at 120 dB."""
    diff = np.asarray(original, np.float64) - np.asarray(other, np.float64)
    mse = (diff.reshape(len(diff), -1) ** 2).mean(axis=1)
    return 10 * np.log10(1.0 / np.maximum(mse, 1e-12))


def ssim_per_image(original: np.ndarray, other: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Mean SSIM of each image pair, shape ``(n,)``; images are ``(n, h, w)`` or ``(n, h, w, c)`` in [0, 1]."""
    original, other = _nhwc(original), _nhwc(other)
    return np.concatenate([_ssim(original[i:i + chunk], other[i:i + chunk])
                           for i in range(0, max(len(original), 1), chunk)])


def _nhwc(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images, np.float64)
    return images[..., None] if images.ndim == 3 else images


def _ssim(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    def blur(values):
        return gaussian_filter(values, sigma=(0, SIGMA, SIGMA, 0), truncate=TRUNCATE, mode="reflect")

    c1, c2 = K1 ** 2, K2 ** 2
    mx, my = blur(x), blur(y)
    vx, vy, vxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    ssim = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    pad = int(TRUNCATE * SIGMA + 0.5)
    height, width = x.shape[1:3]
    if height > 2 * pad and width > 2 * pad:
        ssim = ssim[:, pad:height - pad, pad:width - pad]
    return ssim.reshape(len(ssim), -1).mean(axis=1)


def squared_error_per_sample(original: np.ndarray, reconstruction: np.ndarray) -> np.ndarray:
    """Sum of squared errors over each sample's values (Hinton & Salakhutdinov's per-image error)."""
    diff = np.asarray(original, np.float64) - np.asarray(reconstruction, np.float64)
    return (diff.reshape(len(diff), -1) ** 2).sum(axis=1)


def per_sample_report(original: np.ndarray, reconstruction: np.ndarray, kind: str) -> dict[str, np.ndarray]:
    """Each sample's squared error (summed over its values); for images also PSNR (dB) and SSIM."""
    values = {"squared_error": squared_error_per_sample(original, reconstruction)}
    if kind == "image":
        values["psnr_db"] = psnr_per_image(original, reconstruction)
        values["ssim"] = ssim_per_image(original, reconstruction)
    return values


def reconstruction_report(original: np.ndarray, reconstruction: np.ndarray, kind: str,
                          units: str | None = None) -> dict:
    """Mean errors over a dataset; mean PSNR and SSIM for images (data scaled to [0, 1]). ``units`` names the
    space the errors are measured in."""
    per_sample = per_sample_report(original, reconstruction, kind)
    sse = per_sample["squared_error"]
    values = int(np.prod(original.shape[1:]))
    diff = np.abs(np.asarray(original, np.float64) - np.asarray(reconstruction, np.float64))
    report = {
        "samples": int(len(original)),
        "squared_error_per_sample": float(sse.mean()),
        "mse_per_value": float(sse.mean() / values),
        "mae_per_value": float(diff.mean()),
    }
    if kind == "image":
        report["psnr_db"] = float(per_sample["psnr_db"].mean())
        report["ssim"] = float(per_sample["ssim"].mean())
    if units is not None:
        report["units"] = units
    return report


def bit_usage(bits: np.ndarray) -> dict:
    """How a binary code uses its bits on a set of samples: each bit's share of ones (``bit_on_rates``), the
    lowest and highest share, how many bits never change there (they carry nothing), and the mean absolute
    correlation between the bits that do change. A code that uses its bits well has shares near 0.5 and
    correlations near 0 (the ``balance`` and ``decorrelation`` terms of the ``hashing`` family ask for both).

    Parameters
    ----------
    bits : ndarray of shape (n, bits)
        0/1 codes, as :meth:`aekit.Autoencoder.transform` gives them.

    Returns
    -------
    dict
        ``bit_on_rate_min``, ``bit_on_rate_max``, ``bits_constant``, ``bit_correlation_mean_abs`` and the list
        ``bit_on_rates``.
    """
    bits = np.asarray(bits, np.float64)
    rates = bits.mean(axis=0)
    constant = bits.std(axis=0) == 0
    varying = bits[:, ~constant]
    correlation = 0.0
    if varying.shape[1] > 1 and len(varying) > 1:
        matrix = np.corrcoef(varying, rowvar=False)
        correlation = float(np.abs(matrix[~np.eye(len(matrix), dtype=bool)]).mean())
    return {"bit_on_rate_min": float(rates.min()), "bit_on_rate_max": float(rates.max()),
            "bits_constant": int(constant.sum()), "bit_correlation_mean_abs": correlation,
            "bit_on_rates": [round(float(rate), 4) for rate in rates]}
