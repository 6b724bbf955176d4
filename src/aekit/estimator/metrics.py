"""Reconstruction error measures, in the units the literature reports."""

from __future__ import annotations

import numpy as np

from .image_metrics import psnr_per_image, ssim_per_image


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
