"""The baselines of benchmarks/anomaly.py, each at its library's defaults.

Where a baseline needs a choice, one rule was fixed before any table was seen, never picked on them:
- every distance-based baseline (k-NN, LOF) sees standardised columns (training mean and std), as aekit does;
  k-NN uses the distance to the 5th neighbour (PyOD's default k and method), LOF PyOD's default 20 neighbours;
- PCA keeps as many components as aekit's default code has (see aekit.tasks.anomaly.architecture);
- DTE-NP is re-implemented from the paper (Livernoche et al., ICLR 2024, "On diffusion modeling for anomaly
  detection"): the posterior of the diffusion time given a row, with the squared distance to the training data
  estimated by the mean over the K = 5 nearest rows, is an inverse gamma (shape d/2 - 1, scale that distance / 2)
  over the variances of the paper's DDPM schedule (T = 300 steps, betas 1e-4 to 0.01); the score is the step of
  highest posterior. Standardised columns, like k-NN;
- the torch baselines (PyOD AutoEncoder, VAE, DeepSVDD) run on one torch thread: their batches of 32 are too small
  to share, and with two threads torch spent most of its time synchronising (annthyroid: 100 s vs 3 s).
"""

from __future__ import annotations

import numpy as np

BASELINES = ("knn", "lof", "ecod", "deepsvdd", "iforest", "pyod_ae", "pyod_vae", "pca", "dte_np")
LABELS = {"knn": "k-NN distance (k = 5, standardised)", "lof": "LOF (standardised)", "ecod": "ECOD",
          "deepsvdd": "DeepSVDD (PyOD)", "iforest": "IsolationForest", "pyod_ae": "PyOD AutoEncoder",
          "pyod_vae": "PyOD VAE", "pca": "PCA reconstruction", "dte_np": "DTE-NP (re-implemented)"}
# The libraries each baseline's results depend on: a cached result expires when one of their versions changes.
LIBRARIES = {"knn": ("pyod", "scikit-learn", "numpy"), "lof": ("pyod", "scikit-learn", "numpy"),
             "ecod": ("pyod", "numpy", "scipy"), "deepsvdd": ("pyod", "torch", "numpy"),
             "iforest": ("scikit-learn", "numpy"), "pyod_ae": ("pyod", "torch", "numpy"),
             "pyod_vae": ("pyod", "torch", "numpy"), "pca": ("scikit-learn", "numpy"),
             "dte_np": ("scikit-learn", "numpy", "scipy")}


def library_tag(method: str) -> str:
    """``name=version`` of every library the baseline depends on, for its cache key."""
    import importlib.metadata as md

    return ",".join(f"{name}={md.version(name)}" for name in LIBRARIES[method])


def fit_baseline(method: str, X_train: np.ndarray, seed: int):
    """The fitted baseline, as a function from rows to scores (higher = more anomalous)."""
    if method in ("knn", "lof"):
        from pyod.models.knn import KNN
        from pyod.models.lof import LOF
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler().fit(X_train)
        model = (KNN() if method == "knn" else LOF()).fit(scaler.transform(X_train))
        return lambda X: model.decision_function(scaler.transform(X))
    if method == "ecod":
        from pyod.models.ecod import ECOD

        return ECOD().fit(X_train).decision_function
    if method == "iforest":
        from sklearn.ensemble import IsolationForest

        model = IsolationForest(random_state=seed).fit(X_train)
        return lambda X: -model.score_samples(X)
    if method in ("pyod_ae", "pyod_vae", "deepsvdd"):
        import torch
        from pyod.models.auto_encoder import AutoEncoder
        from pyod.models.deep_svdd import DeepSVDD
        from pyod.models.vae import VAE

        torch.set_num_threads(1)
        if method == "deepsvdd":
            model = DeepSVDD(n_features=X_train.shape[1], random_state=seed, verbose=0)
        else:
            model = (AutoEncoder if method == "pyod_ae" else VAE)(random_state=seed, verbose=0)
        return model.fit(X_train).decision_function
    if method == "pca":
        from sklearn.decomposition import PCA
        from sklearn.preprocessing import StandardScaler

        from aekit.tasks.anomaly.architecture import auto_architecture

        scaler = StandardScaler().fit(X_train)
        pca = PCA(n_components=auto_architecture(X_train.shape[1])[1], random_state=seed)
        pca.fit(scaler.transform(X_train))

        def reconstruction_error(X):
            Z = scaler.transform(X)
            return ((Z - pca.inverse_transform(pca.transform(Z))) ** 2).mean(axis=1)

        return reconstruction_error
    if method == "dte_np":
        return dte_np(X_train)
    raise ValueError(method)


def dte_np(X_train: np.ndarray, neighbours: int = 5, steps: int = 300):
    """DTE-NP's score function: the most likely diffusion step of each row (see the module docstring)."""
    from scipy.stats import invgamma
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X_train)
    index = NearestNeighbors(n_neighbors=neighbours).fit(scaler.transform(X_train))
    variances = 1.0 - np.cumprod(1.0 - np.linspace(1e-4, 0.01, steps))
    shape = max(0.5 * X_train.shape[1] - 1.0, 0.5)  # the paper's d/2 - 1, kept positive for 1- and 2-column tables

    def score(X):
        distances, _ = index.kneighbors(scaler.transform(X))
        half = np.maximum((distances ** 2).mean(axis=1), 1e-12)[:, None] / 2.0
        return np.argmax(invgamma.logpdf(variances[None, :], a=shape, scale=half), axis=1).astype(np.float64)

    return score
