"""2-D maps of latent codes: the code itself, t-SNE, UMAP or PCA; a PNG coloured by label and a CSV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...core.errors import ConfigError
from ._common import as_dataset, code_size, label_colours, resolve_autoencoder, subsample

if TYPE_CHECKING:
    from matplotlib.figure import Figure

METHODS = ("latent", "tsne", "umap", "pca")


@dataclass
class Embedding:
    """2-D coordinates of samples, with their labels and indices into the data they came from.

    Parameters
    ----------
    coordinates : ndarray of shape (n, 2)
        The map's points.
    labels : ndarray of shape (n,) or None
        Each point's label (colours the plot), or None.
    index : ndarray of shape (n,)
        Each point's position in the data given to :func:`embed` (sorted, when ``max_samples`` drew a subset).
    method : {"latent", "tsne", "umap", "pca"}
        How the codes were mapped (see :data:`METHODS`); names the files.
    dataset : str, default="data"
        The data's name, for the titles.
    """

    coordinates: np.ndarray  # (n, 2)
    labels: np.ndarray | None
    index: np.ndarray  # position of each point in the data given to embed()
    method: str
    dataset: str = "data"

    def save(self, output_dir, images=None, *, html: bool = True, html_max_points: int = 10_000,
             seed: int = 0, overwrite: bool = False) -> dict[str, Path]:
        """Write ``embedding-METHOD.png``, ``.csv`` and (optionally) a standalone interactive ``.html``.

        ``images`` are the original samples (all of them, in the order given to :func:`embed`): the
        HTML map shows each point's image (or table row) when the mouse is over it.

        Parameters
        ----------
        output_dir : str or os.PathLike
            The folder to write into (created if missing).
        images : array-like, optional
            Every sample of the data given to :func:`embed` (images ``(n, h, w, c)`` or table rows), indexed
            by ``index``; shown in the HTML map. None shows no samples.
        html : bool, default=True
            Also write the interactive ``embedding-METHOD.html``.
        html_max_points : int, default=10000
            At most this many points in the HTML map (a seeded random subset); the PNG and CSV keep all.
        seed : int, default=0
            Seed of that subset.
        overwrite : bool, default=False
            Allow a folder that holds files aekit did not write (see :mod:`aekit.core.outputs`).

        Returns
        -------
        dict of str to pathlib.Path
            The files written, by kind: ``"png"``, ``"csv"`` (columns ``index``, ``x``, ``y`` and ``label``
            when there are labels) and, with ``html``, ``"html"``.
        """
        import pandas as pd

        from ...core.atomic import atomic_path
        from ...core.outputs import prepare_folder

        output_dir = Path(output_dir)
        stem = output_dir / f"embedding-{self.method}"
        paths = {"png": stem.with_suffix(".png"), "csv": stem.with_suffix(".csv")}
        prepare_folder(output_dir, overwrite=overwrite, names=self.file_names(html))
        frame = pd.DataFrame({"index": self.index, "x": self.coordinates[:, 0], "y": self.coordinates[:, 1]})
        if self.labels is not None:
            frame["label"] = self.labels
        with atomic_path(paths["csv"]) as temporary:
            frame.to_csv(temporary, index=False)
        plot_embedding(self, paths["png"])
        if html:
            from .embed_html import write_html

            paths["html"] = stem.with_suffix(".html")
            keep = subsample(len(self.coordinates), html_max_points, seed)
            samples = None if images is None else np.asarray(images)[self.index[keep]]
            write_html(self.coordinates[keep], None if self.labels is None else self.labels[keep],
                       self.index[keep], samples, paths["html"], title=self._title())
        return paths

    def file_names(self, html: bool = True) -> list[str]:
        """What :meth:`save` writes.

        Parameters
        ----------
        html : bool, default=True
            Whether :meth:`save` writes the HTML map.

        Returns
        -------
        list of str
            The file names, ``embedding-METHOD.png``, ``.csv`` and (with ``html``) ``.html``.
        """
        return embedding_files(self.method, html)

    def _title(self) -> str:
        names = {"latent": "latent code", "tsne": "t-SNE of the codes", "umap": "UMAP of the codes",
                 "pca": "PCA of the codes"}
        return f"{self.dataset}: {names[self.method]} ({len(self.coordinates):,} samples)"


def embedding_files(method: str, html: bool = True) -> list[str]:
    return [f"embedding-{method}.{suffix}" for suffix in ("png", "csv", *(("html",) if html else ()))]


def check_method(method: str, latent_dim: int) -> None:
    """Fail fast (before encoding anything) on an unknown method, a non-2-D code for 'latent', or missing UMAP."""
    if method not in METHODS:
        from ...core.errors import unknown_name_error

        raise unknown_name_error("embedding method", method, METHODS)
    if method == "latent" and latent_dim != 2:
        raise ConfigError(
            f"Received method='latent' for codes of size {latent_dim}; expected a model with latent_dim=2, "
            "whose code is the map itself. Use method='tsne', 'umap' or 'pca' for larger codes."
        )
    if method == "umap":
        _umap()


def _umap():
    try:
        import umap
    except ImportError:
        raise ConfigError("Received method='umap', but umap-learn is not installed. Install it with "
                          "`pip install 'aekit[umap]'` (or `pip install umap-learn`), or use method='tsne'.") from None
    return umap


def embed_codes(codes: np.ndarray, method: str = "tsne", *, seed: int = 0, perplexity: float = 30.0,
                n_neighbors: int = 15) -> np.ndarray:
    """Reduce ``(n, d)`` codes to ``(n, 2)`` coordinates with ``method`` (see :data:`METHODS`).

    Parameters
    ----------
    codes : array-like of shape (n, d)
        The codes; at least 4 of them, except for ``"latent"``.
    method : {"latent", "tsne", "umap", "pca"}, default="tsne"
        ``"latent"`` takes 2-D codes as they are; ``"tsne"`` is scikit-learn's t-SNE (PCA initialisation),
        ``"umap"`` needs umap-learn (``aekit[umap]``), ``"pca"`` projects on the first two components.
    seed : int, default=0
        The random state of t-SNE, UMAP and PCA.
    perplexity : float, default=30.0
        t-SNE's perplexity; lowered to ``(n - 1) / 3`` for few codes.
    n_neighbors : int, default=15
        UMAP's number of neighbours; at most ``n - 1``.

    Returns
    -------
    coordinates : ndarray of shape (n, 2)
        float32.
    """
    codes = np.asarray(codes, dtype=np.float32)
    if codes.ndim != 2:
        raise ConfigError(f"Received codes of shape {codes.shape}; expected (samples, latent_dim).")
    n, dims = codes.shape
    check_method(method, dims)
    if method == "latent":
        return codes.copy()
    if n < 4:
        raise ConfigError(f"Received {n} samples; a 2-D map needs at least 4. Pass more data.")
    if method == "pca":
        from sklearn.decomposition import PCA

        return PCA(n_components=2, random_state=seed).fit_transform(codes).astype(np.float32)
    if method == "tsne":
        from sklearn.manifold import TSNE

        # t-SNE needs perplexity < n; shrinking it for tiny inputs beats failing on them.
        perplexity = float(min(perplexity, max(1.0, (n - 1) / 3)))
        tsne = TSNE(n_components=2, init="pca", perplexity=perplexity, learning_rate="auto", random_state=seed)
        return tsne.fit_transform(codes).astype(np.float32)
    reducer = _umap().UMAP(n_components=2, n_neighbors=int(min(n_neighbors, n - 1)), random_state=seed)
    return np.asarray(reducer.fit_transform(codes), dtype=np.float32)


def embed(model, X, y=None, method: str = "tsne", *, max_samples: int | None = None, seed: int = 0,
          **options) -> Embedding:
    """Encode ``X`` with a fitted autoencoder (or run directory) and map the codes to 2-D.

    ``max_samples`` keeps a seeded random subset (t-SNE on 10,000 MNIST codes takes about a
    minute on 2 cores). ``options`` go to :func:`embed_codes` (``perplexity``, ``n_neighbors``).

    Example::

        ae = aekit.load("runs/h2006")
        test = aekit.data.load("mnist", split="test")
        embed(ae, test, method="tsne", max_samples=5000).save("runs/h2006/maps", images=test.X)

    Parameters
    ----------
    model : aekit.Autoencoder, str or os.PathLike
        A fitted autoencoder, or the path of its run directory.
    X : array-like, pandas.DataFrame or aekit.data.Dataset
        The samples to map, in the model's training units.
    y : array-like of shape (n,), optional
        Labels to colour the points by; wins over a Dataset's own labels.
    method : {"latent", "tsne", "umap", "pca"}, default="tsne"
        How the codes are mapped to 2-D (see :func:`embed_codes`); ``"latent"`` needs a 2-D code.
    max_samples : int, optional
        Map a seeded random subset of at most this many samples; None maps all.
    seed : int, default=0
        Seed of the subset and of the mapping.
    **options
        ``perplexity`` or ``n_neighbors``, passed to :func:`embed_codes`.

    Returns
    -------
    Embedding
        The coordinates, with the labels and positions in ``X`` of the points mapped.
    """
    autoencoder = resolve_autoencoder(model)
    dataset = as_dataset(X, y)
    index = subsample(len(dataset), max_samples, seed)
    check_method(method, code_size(autoencoder))
    codes = autoencoder.transform(dataset.subset(index))
    coordinates = embed_codes(codes, method, seed=seed, **options)
    labels = None if dataset.y is None else np.asarray(dataset.y)[index]
    return Embedding(coordinates, labels, index, method, dataset.name)


def plot_embedding(embedding: Embedding, path) -> "Figure":
    """Draw an embedding as a scatter plot, coloured by label, and write it to ``path``.

    Labels are drawn as categories with a legend (colours repeat after 20), except more than 20 distinct numbers,
    which are drawn on a continuous colour map with a colour bar.

    Parameters
    ----------
    embedding : Embedding
        What :func:`embed` returned.
    path : str or os.PathLike
        The image file to write (atomically; an existing file is replaced); its suffix chooses the format.

    Returns
    -------
    matplotlib.figure.Figure
        The figure written.
    """
    from ...core.plots import save_figure, subplots

    xy, labels = embedding.coordinates, embedding.labels
    size = float(np.clip(3000 / max(len(xy), 1), 1.0, 20.0))
    figure, axis = subplots(figsize=(7.2, 6.4))
    if labels is None:
        axis.scatter(xy[:, 0], xy[:, 1], s=size, alpha=0.7, linewidths=0)
    else:
        groups = label_colours(labels)
        if groups is None:
            points = axis.scatter(xy[:, 0], xy[:, 1], c=np.asarray(labels, float), s=size, cmap="viridis",
                                  linewidths=0)
            figure.colorbar(points, ax=axis, label="label")
        else:
            values, inverse, palette = groups
            for i, value in enumerate(values):
                mine = inverse == i
                axis.scatter(xy[mine, 0], xy[mine, 1], s=size, color=palette[i], alpha=0.75, linewidths=0,
                             label=str(value))
            legend = axis.legend(title="label", markerscale=max(1.0, 30 / size) ** 0.5, fontsize=8,
                                 loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
            for handle in legend.legend_handles:
                handle.set_alpha(1)
    axis.set_title(embedding._title())
    axis.set_xticks([])
    axis.set_yticks([])
    return save_figure(figure, path)
