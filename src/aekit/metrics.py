"""Reconstruction error measures, in the units the literature reports."""

from __future__ import annotations

import numpy as np


def squared_error_per_sample(original: np.ndarray, reconstruction: np.ndarray) -> np.ndarray:
    """Sum of squared errors over each sample's values (Hinton & Salakhutdinov's per-image error)."""
    diff = np.asarray(original, np.float64) - np.asarray(reconstruction, np.float64)
    return (diff.reshape(len(diff), -1) ** 2).sum(axis=1)


def reconstruction_report(original: np.ndarray, reconstruction: np.ndarray, kind: str,
                          units: str | None = None) -> dict:
    """Mean errors over a dataset; PSNR for images (data scaled to [0, 1]). ``units`` names the space measured."""
    sse = squared_error_per_sample(original, reconstruction)
    values = int(np.prod(original.shape[1:]))
    diff = np.abs(np.asarray(original, np.float64) - np.asarray(reconstruction, np.float64))
    report = {
        "samples": int(len(original)),
        "squared_error_per_sample": float(sse.mean()),
        "mse_per_value": float(sse.mean() / values),
        "mae_per_value": float(diff.mean()),
    }
    if kind == "image":
        mse = np.maximum(sse / values, 1e-12)
        report["psnr_db"] = float(np.mean(10 * np.log10(1.0 / mse)))
    if units is not None:
        report["units"] = units
    return report
