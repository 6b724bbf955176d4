"""Generation from a fitted autoencoder: samples from the prior, a 2-D latent manifold, interpolations.

Sampling and the latent grid need a Gaussian code (the variational families): their prior is N(0, I).
Interpolation works on any vector or Gaussian code: decoded points on the straight line between the two
codes, or on the great circle (``slerp``), which keeps Gaussian codes at a typical distance from the origin.
"""

from __future__ import annotations

import numpy as np

from ..core.errors import ConfigError, DataError


def sample(estimator, n: int, seed: int | None = 0) -> np.ndarray:
    """``n`` new samples in the data's units: codes drawn from the prior N(0, I), decoded (a Bernoulli decoder
    gives its probabilities). The same seed gives the same samples, after save and load too."""
    estimator.require("sample")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ConfigError(f"Received n={n!r}; expected a positive number of samples.")
    codes = np.random.default_rng(seed).standard_normal((int(n), *estimator.code_shape_)).astype(np.float32)
    return estimator.inverse_transform(codes)


def latent_grid(estimator, size: int = 20) -> np.ndarray:
    """For a 2-D Gaussian code: the decoded ``size`` x ``size`` grid of codes at the prior's quantiles 5 % to
    95 % on each axis (the latent-space manifold), shape ``(size, size, *sample_shape)``."""
    from scipy.stats import norm

    estimator.require("sample")
    if estimator.code_shape_ != (2,):
        raise ConfigError(f"The latent grid draws a 2-D code; this model's code has {estimator.code_shape_[0]} "
                          "numbers. Train with latent_dim=2 (--latent-dim 2), or use sample().")
    axis = norm.ppf(np.linspace(0.05, 0.95, int(size))).astype(np.float32)
    codes = np.stack(np.meshgrid(axis, axis[::-1]), axis=-1).reshape(-1, 2)  # rows: top = high z2
    return estimator.inverse_transform(codes).reshape(int(size), int(size), *estimator.input_shape_)


def interpolate(estimator, a, b, steps: int = 10, *, slerp: bool = False) -> np.ndarray:
    """``steps`` samples decoded along the path from the code of ``a`` to the code of ``b`` (both ends
    included): linear, or spherical with ``slerp=True``. ``a`` and ``b`` are single samples."""
    estimator.require("interpolate")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 2:
        raise ConfigError(f"Received steps={steps!r}; expected an integer >= 2 (the two ends included).")
    ends = np.stack([_one_sample(estimator, a, "a"), _one_sample(estimator, b, "b")])
    start, end = estimator.transform(ends).astype(np.float64)
    weights = np.linspace(0.0, 1.0, int(steps))[:, None]
    path = _slerp(start, end, weights) if slerp else (1 - weights) * start + weights * end
    return estimator.inverse_transform(path.astype(np.float32))


def _one_sample(estimator, value, name: str) -> np.ndarray:
    shape = estimator.input_shape_
    value = np.asarray(value)
    if value.shape[1:] == shape and len(value) == 1:
        value = value[0]
    if value.shape == shape or (value.size == estimator.n_features_in_ and value.ndim <= 3):
        return value.reshape(shape)
    raise DataError(f"Received {name} of shape {value.shape}; expected one sample of shape {shape}.")


def _slerp(start: np.ndarray, end: np.ndarray, weights: np.ndarray) -> np.ndarray:
    cosine = np.dot(start, end) / max(np.linalg.norm(start) * np.linalg.norm(end), 1e-12)
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    if angle < 1e-4:  # (nearly) the same direction: the straight line
        return (1 - weights) * start + weights * end
    return (np.sin((1 - weights) * angle) * start + np.sin(weights * angle) * end) / np.sin(angle)
