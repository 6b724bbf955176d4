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
    """2-D coordinates of samples, with their labels and indices into the data they came from."""

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
        """What :meth:`save` writes."""
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
    """Reduce ``(n, d)`` codes to ``(n, 2)`` coordinates with ``method`` (see :data:`METHODS`)."""
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
