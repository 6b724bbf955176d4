"""Generation from a fitted autoencoder: samples from the prior, a 2-D latent manifold, interpolations.

Sampling and the latent grid need a Gaussian code (the variational families): their prior is N(0, I).
Interpolation works on any vector or Gaussian code: decoded points on the straight line between the two
codes, or on the great circle (``slerp``), which keeps Gaussian codes at a typical distance from the origin.
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError, DataError


class GenerativeMixin:
    """``sample``, ``latent_grid`` and ``interpolate`` for :class:`aekit.Autoencoder`."""

    def sample(self, n: int, seed: int | None = 0) -> np.ndarray:
        """``n`` new samples in the data's units: codes drawn from the prior N(0, I), decoded (a Bernoulli
        decoder gives its probabilities). The same seed gives the same samples, after save and load too."""
        self._require_gaussian("sample")
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ConfigError(f"Received n={n!r}; expected a positive number of samples.")
        codes = np.random.default_rng(seed).standard_normal((int(n), *self.code_shape_)).astype(np.float32)
        return self.inverse_transform(codes)

    def latent_grid(self, size: int = 20) -> np.ndarray:
        """For a 2-D Gaussian code: the decoded ``size`` x ``size`` grid of codes at the prior's quantiles 5 %
        to 95 % on each axis (the latent-space manifold), shape ``(size, size, *sample_shape)``."""
        from scipy.stats import norm

        self._require_gaussian("latent_grid")
        if self.code_shape_ != (2,):
            raise ConfigError(f"The latent grid draws a 2-D code; this model's code has {self.code_shape_[0]} "
                              "numbers. Train with latent_dim=2 (--latent-dim 2), or use sample().")
        axis = norm.ppf(np.linspace(0.05, 0.95, int(size))).astype(np.float32)
        codes = np.stack(np.meshgrid(axis, axis[::-1]), axis=-1).reshape(-1, 2)  # rows: top = high z2
        return self.inverse_transform(codes).reshape(int(size), int(size), *self.input_shape_)

    def interpolate(self, a, b, steps: int = 10, *, slerp: bool = False) -> np.ndarray:
        """``steps`` samples decoded along the path from the code of ``a`` to the code of ``b`` (both ends
        included): linear, or spherical with ``slerp=True``. ``a`` and ``b`` are single samples."""
        self._check_fitted()
        if self.code_kind_ not in ("vector", "gaussian"):
            raise ConfigError(f"Interpolation walks between vector codes; this model's code is a {self.code_kind_}.")
        if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 2:
            raise ConfigError(f"Received steps={steps!r}; expected an integer >= 2 (the two ends included).")
        ends = np.stack([self._one_sample(a, "a"), self._one_sample(b, "b")])
        start, end = self.transform(ends).astype(np.float64)
        weights = np.linspace(0.0, 1.0, int(steps))[:, None]
        path = _slerp(start, end, weights) if slerp else (1 - weights) * start + weights * end
        return self.inverse_transform(path.astype(np.float32))

    def _one_sample(self, value, name: str) -> np.ndarray:
        value = np.asarray(value)
        if value.shape[1:] == self.input_shape_ and len(value) == 1:
            value = value[0]
        if value.shape == self.input_shape_ or (value.size == self.n_features_in_ and value.ndim <= 3):
            return value.reshape(self.input_shape_)
        raise DataError(f"Received {name} of shape {value.shape}; expected one sample of shape {self.input_shape_}.")

    def _require_gaussian(self, what: str) -> None:
        self._check_fitted()
        if self.code_kind_ != "gaussian":
            raise ConfigError(f"{what}() draws codes from a Gaussian prior; this model's code is a {self.code_kind_}. "
                              "Train a variational model (model='variational' or 'variational_conv').")


def _slerp(start: np.ndarray, end: np.ndarray, weights: np.ndarray) -> np.ndarray:
    cosine = np.dot(start, end) / max(np.linalg.norm(start) * np.linalg.norm(end), 1e-12)
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    if angle < 1e-4:  # (nearly) the same direction: the straight line
        return (1 - weights) * start + weights * end
    return (np.sin((1 - weights) * angle) * start + np.sin(weights * angle) * end) / np.sin(angle)
