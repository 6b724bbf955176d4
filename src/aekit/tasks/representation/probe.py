"""How much do the codes know? Linear-probe and k-NN accuracy on codes, next to PCA codes and raw inputs.

Probes are fitted on the training split and scored on the test split. Every representation starts from
the inputs the autoencoder sees (its fitted scaler), so the comparison isolates the encoder:

- the linear probe standardises its features first (that only conditions the optimisation; a linear
  model's capacity is the same), then fits a multinomial logistic regression;
- k-NN uses plain Euclidean distance on the features as they are, because the geometry of the code
  space is exactly what it measures (whitening PCA codes would change it).
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from ...core.errors import ConfigError
from ._common import as_dataset, code_size, require_labels, resolve_autoencoder, scaled_flat

BASELINES = ("pca", "raw")


def probe_features(train_features, y_train, test_features, y_test, *, k: int = 5, max_iter: int = 1000,
                   seed: int = 0) -> dict:
    """Linear-probe and k-NN test accuracy of one representation.

    Parameters
    ----------
    train_features : array-like of shape (n_train, d)
        The training samples' features.
    y_train : array-like of shape (n_train,)
        Their class labels.
    test_features : array-like of shape (n_test, d)
        The test samples' features.
    y_test : array-like of shape (n_test,)
        Their class labels.
    k : int, default=5
        Neighbours of the k-NN classifier (Euclidean); at least 1 and at most ``n_train``.
    max_iter : int, default=1000
        Iterations allowed to the logistic regression of the linear probe.
    seed : int, default=0
        The logistic regression's random state.

    Returns
    -------
    dict
        ``linear_probe_accuracy`` and ``knn_accuracy`` (test accuracy in [0, 1]), ``k``,
        ``linear_probe_converged`` (False when the regression hit ``max_iter``), ``linear_probe_seconds`` and
        ``knn_seconds``.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ConfigError(f"Received k={k!r}; expected a positive integer number of neighbours, e.g. k=5.")
    if k > len(train_features):
        raise ConfigError(f"Received k={k}, but there are only {len(train_features)} training samples; "
                          "choose a smaller k.")
    started = time.perf_counter()
    linear = make_pipeline(StandardScaler(), LogisticRegression(max_iter=max_iter, random_state=seed))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        linear.fit(train_features, y_train)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    linear_accuracy = float(linear.score(test_features, y_test))
    linear_seconds = time.perf_counter() - started
    started = time.perf_counter()
    knn = KNeighborsClassifier(n_neighbors=k).fit(train_features, y_train)
    knn_accuracy = float(knn.score(test_features, y_test))
    return {"linear_probe_accuracy": linear_accuracy, "knn_accuracy": knn_accuracy, "k": int(k),
            "linear_probe_converged": converged, "linear_probe_seconds": linear_seconds,
            "knn_seconds": time.perf_counter() - started}


def probe(model, train, test, *, y_train=None, y_test=None, baselines=BASELINES, k: int = 5,
          max_iter: int = 1000, seed: int = 0) -> list[dict]:
    """Probe the codes of a fitted autoencoder (or run directory) and the chosen baselines.

    Returns one row per representation: ``autoencoder``, ``pca`` (PCA with as many components as
    the code has numbers, fitted on the training split) and ``raw`` (the scaled inputs).

    Example::

        rows = probe("runs/h2006", aekit.data.load("mnist"), aekit.data.load("mnist", split="test"))

    Parameters
    ----------
    model : aekit.Autoencoder, str or os.PathLike
        A fitted autoencoder, or the path of its run directory.
    train, test : array-like, pandas.DataFrame or aekit.data.Dataset
        Labelled samples to fit the probes on and to score them on, in the model's training units.
    y_train, y_test : array-like of shape (n,), optional
        Labels of ``train`` and ``test``; they win over a Dataset's own.
    baselines : str or iterable of {"pca", "raw"}, default=("pca", "raw")
        Representations probed besides the codes; ``()`` probes the codes alone.
    k : int, default=5
        Neighbours of the k-NN classifier.
    max_iter : int, default=1000
        Iterations allowed to the linear probe's logistic regression.
    seed : int, default=0
        Random state of the logistic regressions and of PCA.

    Returns
    -------
    list of dict
        One row per representation, ``autoencoder`` first: ``representation``, ``description``, ``dims``,
        ``features_seconds`` (time to compute the features), what :func:`probe_features` reports, and
        ``train_samples`` and ``test_samples``.
    """
    autoencoder = resolve_autoencoder(model)
    train, test = as_dataset(train, y_train), as_dataset(test, y_test)
    labels_train, labels_test = require_labels(train, "Probing"), require_labels(test, "Probing")
    if isinstance(baselines, str):
        baselines = (baselines,)
    unknown = [b for b in baselines if b not in BASELINES]
    if unknown:
        from ...core.errors import unknown_name_error

        raise unknown_name_error("baseline", unknown[0], BASELINES)
    dims = code_size(autoencoder)
    x_train, x_test = scaled_flat(autoencoder, train), scaled_flat(autoencoder, test)

    rows = []
    started = time.perf_counter()
    codes_train = autoencoder.transform(train)
    codes_test = autoencoder.transform(test)
    encode_seconds = time.perf_counter() - started
    rows.append({"representation": "autoencoder", "description": f"autoencoder codes ({dims}-d)", "dims": dims,
                 "features_seconds": encode_seconds,
                 **probe_features(codes_train, labels_train, codes_test, labels_test, k=k, max_iter=max_iter,
                                  seed=seed)})
    if "pca" in baselines:
        from sklearn.decomposition import PCA

        started = time.perf_counter()
        pca = PCA(n_components=min(dims, *x_train.shape), random_state=seed).fit(x_train)
        pca_train, pca_test = pca.transform(x_train), pca.transform(x_test)
        rows.append({"representation": "pca", "description": f"PCA codes ({pca.n_components_}-d)",
                     "dims": int(pca.n_components_), "features_seconds": time.perf_counter() - started,
                     **probe_features(pca_train, labels_train, pca_test, labels_test, k=k, max_iter=max_iter,
                                      seed=seed)})
    if "raw" in baselines:
        rows.append({"representation": "raw", "description": f"raw inputs ({x_train.shape[1]}-d)",
                     "dims": int(x_train.shape[1]), "features_seconds": 0.0,
                     **probe_features(x_train, labels_train, x_test, labels_test, k=k, max_iter=max_iter,
                                      seed=seed)})
    for row in rows:
        row.update(train_samples=len(train), test_samples=len(test))
    return rows


def format_rows(rows: list[dict]) -> str:
    """A plain-text table of probe rows, for the CLI."""
    lines = [f"{'representation':<28} {'linear probe':>12} {'k-NN':>8}"]
    for row in rows:
        note = "" if row["linear_probe_converged"] else "  (probe hit max_iter)"
        lines.append(f"{row['description']:<28} {row['linear_probe_accuracy']:>12.4f} {row['knn_accuracy']:>8.4f}"
                     + note)
    return "\n".join(lines)
