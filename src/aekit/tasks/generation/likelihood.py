"""The importance-weighted estimate of a variational model's negative log-likelihood (Burda et al. 2015).

For each sample x, K codes are drawn from the encoder's q(z|x) and
``NLL(x) ~= -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x)``, in nats. K = 1 is the ELBO (in expectation), and
the estimate tightens towards the true NLL as K grows; it bounds the NLL from above only in expectation.
The mean of the K log-weights is reported as the ELBO. The draws come from NumPy with a fixed seed, so the
estimate is the same on every run; the K x samples pairs go through the model in fixed-size batches
(``VariationalModel.log_importance_weights``), so K = 5000 fits in memory.
"""

from __future__ import annotations

import math

import numpy as np

from ...core.errors import ConfigError
from ...estimator import Autoencoder
from ...estimator.inference import predict_fixed_batches, predict_method
from ...models.variational import LOG_VAR_LIMIT
from ...runs import as_estimator

ROWS_PER_CHUNK = 40_000  # (sample, draw) rows computed at a time: bounds memory whatever K is


def importance_weighted_nll(model, X, importance_samples: int = 5000, seed: int = 0) -> dict:
    """``{"nll": (n,), "elbo": (n,), ...}``: per-sample estimates in nats for a fitted variational Autoencoder.

    Parameters
    ----------
    model : aekit.Autoencoder or path
        A fitted variational autoencoder (the ``likelihood`` ability: ``variational``, ``variational_conv``), or
        the run directory of one.
    X : array-like, pandas.DataFrame or aekit.data.Dataset
        Samples in the model's training units.
    importance_samples : int, default=5000
        Codes drawn per sample (K), at least 1; K = 1 estimates the ELBO, larger K tightens the estimate.
    seed : int, default=0
        Seed of the NumPy generator the codes are drawn with: the same seed gives the same estimate.

    Returns
    -------
    dict
        ``nll`` and ``elbo``: ndarrays of shape (n,), per sample, in nats; ``nll_nats`` and ``elbo_nats``:
        their means (floats); ``importance_samples`` and ``seed``: what was used.
    """
    model = as_estimator(model, Autoencoder)
    model.require("likelihood")
    return importance_weighted_nll_scaled(model.model_, model.scale(X), importance_samples, seed)


def importance_weighted_nll_scaled(network, scaled, importance_samples: int = 5000, seed: int = 0) -> dict:
    """The same for a variational keras model and data already in its scaled space (for training loops)."""
    from scipy.special import logsumexp

    k = int(importance_samples)
    if k < 1:
        raise ConfigError(f"Received importance_samples={importance_samples!r}; expected a positive integer.")
    mean, log_var = predict_fixed_batches(network.encoder, scaled)
    log_var = np.clip(log_var, -LOG_VAR_LIMIT, LOG_VAR_LIMIT)
    flat = scaled.reshape(len(scaled), -1)
    rng = np.random.default_rng(seed)
    per_chunk = max(1, ROWS_PER_CHUNK // k)
    nll, elbo = [], []
    for start in range(0, len(flat), per_chunk):
        rows = slice(start, start + per_chunk)
        count = len(flat[rows])
        eps = rng.standard_normal((count, k, mean.shape[1])).astype(np.float32)
        table = np.concatenate([np.repeat(flat[rows], k, axis=0), np.repeat(mean[rows], k, axis=0),
                                np.repeat(log_var[rows], k, axis=0), eps.reshape(count * k, -1)], axis=1)
        weights = np.asarray(predict_method(network, "log_importance_weights", table), np.float64)
        weights = weights.reshape(count, k)
        nll.append(math.log(k) - logsumexp(weights, axis=1))
        elbo.append(weights.mean(axis=1))
    nll, elbo = np.concatenate(nll), np.concatenate(elbo)
    return {"nll": nll, "elbo": elbo, "nll_nats": float(nll.mean()), "elbo_nats": float(elbo.mean()),
            "importance_samples": k, "seed": seed}
