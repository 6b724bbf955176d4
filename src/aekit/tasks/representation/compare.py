"""PCA against autoencoders at several latent sizes: test reconstruction error and wall time for each.

Both sides see the data through the same scaler (pixels to [0, 1] for images, standardised columns for
tables) and are scored by the same :func:`aekit.estimator.metrics.reconstruction_report`, so the numbers are
directly comparable and, for MNIST, in the units of Hinton & Salakhutdinov (2006).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...core.atomic import atomic_write_text
from ...core.errors import ConfigError
from ...data.scaling import Scaler
from ._common import as_dataset, check_latent_dims

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COMPARISON_FILES = ("comparison.json", "comparison.csv", "comparison.png")

# Hinton & Salakhutdinov (2006), Science 313: MNIST test squared error per image with 30-number codes.
HINTON_2006_MNIST = {"latent_dim": 30, "PCA": 13.87, "logistic PCA": 8.01, "deep autoencoder": 3.00}
METRICS = ("squared_error_per_sample", "mse_per_value", "mae_per_value", "psnr_db")


@dataclass
class Comparison:
    """The result of :func:`compare`: one row per (method, latent size) plus the fitted autoencoders.

    Parameters
    ----------
    dataset : str
        The name of the training data (``"mnist"`` adds Hinton 2006's reference points to the plot).
    rows : list of dict
        One per (method, latent size), PCA's first: ``method`` (``"PCA"``, or ``"autoencoder (deep)"`` with
        the model name and any preset), ``model`` (``"pca"`` or the model name), ``latent_dim``, the test errors
        ``squared_error_per_sample``, ``mse_per_value``, ``mae_per_value`` (and ``psnr_db`` for images),
        ``fit_seconds`` and ``epochs_run`` (None for PCA).
    models : dict, optional
        The fitted autoencoders by ``(model name, latent_dim)``; not saved by :meth:`save`.
    settings : dict, optional
        What :func:`compare` was called with (latent sizes, models, scaling, sample counts, other parameters).
    """

    dataset: str
    rows: list[dict]
    models: dict = field(default_factory=dict, repr=False)  # (model name, latent_dim) -> fitted Autoencoder
    settings: dict = field(default_factory=dict)

    def to_frame(self):
        """The rows as a table.

        Returns
        -------
        pandas.DataFrame
            One line per row of ``rows``, one column per key.
        """
        import pandas as pd

        return pd.DataFrame(self.rows)

    def row(self, method: str, latent_dim: int) -> dict:
        """The row of ``method`` ("PCA" or a model name such as "deep") at ``latent_dim``.

        Parameters
        ----------
        method : str
            A row's ``method`` (``"PCA"``, ``"autoencoder (deep)"``) or ``model`` (``"pca"``, ``"deep"``).
        latent_dim : int
            The latent size.

        Returns
        -------
        dict
            The first matching row (see :class:`Comparison`).

        Raises
        ------
        KeyError
            If no row matches.
        """
        for row in self.rows:
            if method in (row["method"], row["model"]) and row["latent_dim"] == latent_dim:
                return row
        raise KeyError(f"No row for method={method!r}, latent_dim={latent_dim}.")

    def save(self, output_dir, reference: bool | None = None, overwrite: bool = False) -> dict[str, Path]:
        """Write ``comparison.json``, ``comparison.csv`` and ``comparison.png`` into ``output_dir`` (under the
        output rule of :mod:`aekit.core.outputs`).

        Parameters
        ----------
        output_dir : str or os.PathLike
            The folder to write into (created if missing).
        reference : bool, optional
            Draw Hinton & Salakhutdinov's (2006) MNIST figures on the plot; None draws them when the dataset is
            ``"mnist"``.
        overwrite : bool, default=False
            Allow a folder that holds files aekit did not write (see :mod:`aekit.core.outputs`).

        Returns
        -------
        dict of str to pathlib.Path
            The files written, by kind: ``"json"``, ``"csv"`` and ``"png"``.
        """
        from ...core.atomic import atomic_path
        from ...core.outputs import prepare_folder

        output_dir = Path(output_dir)
        paths = {"json": output_dir / "comparison.json", "csv": output_dir / "comparison.csv",
                 "png": output_dir / "comparison.png"}
        prepare_folder(output_dir, overwrite=overwrite, names=COMPARISON_FILES)
        payload = {"dataset": self.dataset, "settings": self.settings, "reference_hinton2006_mnist": HINTON_2006_MNIST,
                   "rows": self.rows}
        atomic_write_text(paths["json"], json.dumps(payload, indent=2))
        with atomic_path(paths["csv"]) as temporary:
            self.to_frame().to_csv(temporary, index=False)
        plot_comparison(self, paths["png"], reference=reference)
        return paths


def compare(train, test, latent_dims=(2, 10, 30, 64), models=("deep",), *, pca: bool = True,
            scaling: str = "auto", verbose=0, **params) -> Comparison:
    """Fit PCA and each autoencoder model at every latent size on ``train``; score all on ``test``.

    ``models`` are registered model names (``aekit models``); ``params`` are any other
    :class:`aekit.Autoencoder` parameters (``preset="hinton2006"``, ``epochs=30``, ``seed=0``...),
    shared by every model. A preset's latent size is overridden by each entry of ``latent_dims``.

    Example::

        result = compare(aekit.data.load("mnist"), aekit.data.load("mnist", split="test"),
                         latent_dims=(2, 30), preset="hinton2006", epochs=20)
        result.save("runs/compare")

    Parameters
    ----------
    train, test : array-like, pandas.DataFrame or aekit.data.Dataset
        The data to fit on and the data to score on; samples of the same shape.
    latent_dims : iterable of int, default=(2, 10, 30, 64)
        The latent sizes, each at least 1 and below the number of values per sample (PCA also needs at most
        as many as the training samples); duplicates are dropped and the sizes sorted.
    models : str or iterable of str, default=("deep",)
        Registered model families (``aekit models``), each fitted at every latent size; they must take the
        data's kind (tables or images).
    pca : bool, default=True
        Fit PCA at every latent size too.
    scaling : {"auto", "minmax", "standard", "none"}, default="auto"
        How PCA and every autoencoder scale the data (fitted on ``train``).
    verbose : int or str, default=0
        The autoencoders' training verbosity.
    **params
        Any other :class:`aekit.Autoencoder` parameter, shared by every model (not ``latent_dim``).

    Returns
    -------
    Comparison
        One row per (method, latent size), and the fitted autoencoders.
    """
    from ...estimator.autoencoder import Autoencoder
    from ...models.registry import get_spec

    train, test = as_dataset(train), as_dataset(test)
    if train.sample_shape != test.sample_shape:
        raise ConfigError(f"The training data has samples of shape {train.sample_shape} but the test data "
                          f"{test.sample_shape}; expected the same shape. Load both with the same options.")
    if "latent_dim" in params:
        raise ConfigError("Received latent_dim=...; compare() takes the sizes as latent_dims=(2, 10, 30).")
    if isinstance(models, str):
        models = (models,)
    n_features = int(np.prod(train.sample_shape))
    dims = check_latent_dims(latent_dims, n_features)
    if not models and not pca:
        raise ConfigError("Nothing to compare: give at least one autoencoder model or keep pca=True.")
    # Build every config first: a typo in a model name or parameter fails now, not after an hour of training.
    estimators = {(name, k): Autoencoder(model=name, latent_dim=k, scaling=scaling, verbose=verbose, **params)
                  for name in models for k in dims}
    for estimator in estimators.values():
        spec = get_spec(estimator.config().model)
        if train.kind not in spec.input_kinds:
            raise ConfigError(f'Model "{spec.name}" takes {" or ".join(spec.input_kinds)} data, but {train.name!r} '
                              f"holds {train.kind}s of shape {train.sample_shape}. Use models=('deep',) for tables.")

    rows = []
    if pca:
        rows.extend(_pca_rows(train, test, dims, scaling, seed=params.get("seed", 0)))
    fitted = {}
    for (name, k), estimator in estimators.items():
        estimator.fit(train)
        report = estimator.evaluate(test)
        rows.append({"method": _label(name, params.get("preset")), "model": name, "latent_dim": k,
                     **{m: report[m] for m in METRICS if m in report}, "fit_seconds": estimator.training_seconds_,
                     "epochs_run": len(estimator.history_.get("loss", []))})
        fitted[(name, k)] = estimator
    settings = {"latent_dims": dims, "models": list(models), "pca": pca, "scaling": scaling,
                "train_samples": len(train), "test_samples": len(test),
                "params": {k: v for k, v in params.items() if k != "run_dir"}}
    return Comparison(train.name, rows, fitted, settings)


def _label(model: str, preset: str | None) -> str:
    return f"autoencoder ({model}{', ' + preset if preset else ''})"


def _pca_rows(train, test, dims: list[int], scaling: str, seed: int) -> list[dict]:
    from sklearn.decomposition import PCA

    from ...estimator.metrics import reconstruction_report

    scaler = Scaler.choose(scaling, train.kind, train.X).fit(train.X)
    x_train = scaler.transform(train.X).reshape(len(train), -1)
    x_test = scaler.transform(test.X)
    flat_test = x_test.reshape(len(test), -1)
    limit = min(x_train.shape)
    rows = []
    for k in dims:
        if k > limit:
            raise ConfigError(f"Received latent size {k} for PCA, but the training data has {len(train)} samples "
                              f"of {x_train.shape[1]} values; PCA can keep at most {limit} components.")
        started = time.perf_counter()
        # "auto" picks an exact covariance eigensolver for MNIST-like shapes (many samples, < 1000 features).
        model = PCA(n_components=k, svd_solver="auto", random_state=seed).fit(x_train)
        reconstruction = model.inverse_transform(model.transform(flat_test)).reshape(x_test.shape)
        seconds = time.perf_counter() - started
        report = reconstruction_report(x_test, reconstruction, test.kind)
        rows.append({"method": "PCA", "model": "pca", "latent_dim": k, **{m: report[m] for m in METRICS if m in report},
                     "fit_seconds": seconds, "epochs_run": None})
    return rows


def plot_comparison(comparison: Comparison, path, reference: bool | None = None) -> "Figure":
    """Error against latent size per method; Hinton 2006's MNIST figures as reference points.

    Parameters
    ----------
    comparison : Comparison
        What :func:`compare` returned.
    path : str or os.PathLike
        The image file to write (atomically; an existing file is replaced); its suffix chooses the format.
    reference : bool, optional
        Draw Hinton & Salakhutdinov's (2006) MNIST figures (30-number codes); None draws them when the
        dataset is ``"mnist"``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure written: test squared error per sample against latent size, on log scales (the error on a
        linear one when some error is 0).
    """
    from ...core.plots import save_figure, subplots

    frame = comparison.to_frame()
    figure, axis = subplots(figsize=(6.4, 4.4))
    for method, group in frame.groupby("method", sort=False):
        group = group.sort_values("latent_dim")
        axis.plot(group["latent_dim"], group["squared_error_per_sample"], marker="o", label=method)
    if reference is None:
        reference = comparison.dataset == "mnist"
    if reference:
        k = HINTON_2006_MNIST["latent_dim"]
        for (name, marker) in (("PCA", "s"), ("logistic PCA", "^"), ("deep autoencoder", "*")):
            axis.scatter([k], [HINTON_2006_MNIST[name]], marker=marker, s=80 if marker == "*" else 45,
                         facecolors="none" if marker != "*" else "black", edgecolors="black", zorder=5,
                         label=f"Hinton & Salakhutdinov 2006: {name}")
    dims = sorted(frame["latent_dim"].unique())
    axis.set_xscale("log", base=2)
    axis.set_xticks(dims)
    axis.set_xticklabels([str(d) for d in dims])
    if (frame["squared_error_per_sample"] > 0).all():
        from matplotlib.ticker import FuncFormatter

        axis.set_yscale("log")
        plain = FuncFormatter(lambda value, _: f"{value:g}")  # 40, not 4 x 10^1
        axis.yaxis.set_major_formatter(plain)
        axis.yaxis.set_minor_formatter(plain)
    axis.set_xlabel("latent size (numbers per sample)")
    axis.set_ylabel("test squared error per sample")
    axis.set_title(f"Reconstruction error vs latent size: {comparison.dataset}")
    axis.grid(alpha=0.3, which="both")
    axis.legend(fontsize=8)
    return save_figure(figure, path)
