"""Matplotlib figures for run directories, each on a ``matplotlib.figure.Figure`` of its own: pyplot's global
state is never touched, so a notebook keeps its backend and its open figures (Matplotlib is imported lazily).
The plotting functions return the figure they saved, for a notebook to show."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .atomic import atomic_path

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def subplots(*args, figsize=None, **kwargs):
    """``(figure, axes)`` as ``pyplot.subplots`` makes them, on a Figure that no pyplot state holds."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize)
    return figure, figure.subplots(*args, **kwargs)


def colormap(name: str):
    import matplotlib

    return matplotlib.colormaps[name]


def comparison_grid(originals: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """Tile images into one ``(2h, n*w, c)`` array in [0, 1]: originals on top, reconstructions below."""
    top = np.concatenate(list(np.clip(originals, 0, 1)), axis=1)
    bottom = np.concatenate(list(np.clip(reconstructions, 0, 1)), axis=1)
    return np.concatenate([top, bottom], axis=0).astype(np.float32)


def save_figure(figure, path: str | Path):
    """Write ``figure`` to ``path`` (atomically) and return it."""
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=110, bbox_inches="tight", format=Path(path).suffix.lstrip(".") or "png")
    return figure


def plot_loss(history: dict[str, list[float]], path: str | Path, title: str = "Training") -> "Figure":
    """Training vs validation loss by epoch."""
    figure, axis = subplots(figsize=(6, 4))
    epochs = np.arange(1, len(history.get("loss", [])) + 1)
    axis.plot(epochs, history.get("loss", []), label="training loss", marker="o", markersize=3)
    if history.get("val_loss"):
        axis.plot(epochs, history["val_loss"], label="validation loss", marker="o", markersize=3)
        best = int(np.argmin(history["val_loss"]))
        axis.axvline(best + 1, color="grey", linestyle=":", label=f"best epoch ({best + 1})")
    axis.set_xlabel("epoch")
    axis.set_ylabel("loss")
    axis.set_title(title)
    if len(epochs) and min(history.get("loss", [1])) > 0:
        axis.set_yscale("log")
    axis.grid(alpha=0.3)
    axis.legend()
    return save_figure(figure, path)


def plot_reconstructions(originals: np.ndarray, reconstructions: np.ndarray, path: str | Path,
                         kind: str = "image", title: str | None = None) -> "Figure":
    """Originals in the top row, reconstructions below; tables are drawn as line profiles."""
    count = len(originals)
    if kind == "image":
        figure, axes = subplots(2, count, figsize=(1.2 * count, 2.7), squeeze=False)
        for row, images in enumerate((originals, reconstructions)):
            for col in range(count):
                image = np.clip(images[col], 0, 1)
                axes[row, col].imshow(image[..., 0] if image.shape[-1] == 1 else image, cmap="gray",
                                      vmin=0, vmax=1)
                axes[row, col].set_xticks([])
                axes[row, col].set_yticks([])
            axes[row, 0].set_ylabel("original" if row == 0 else "reconstructed")
    else:
        figure, axes = subplots(1, count, figsize=(2.4 * count, 2.4), squeeze=False)
        for col in range(count):
            axes[0, col].plot(originals[col].ravel(), label="original")
            axes[0, col].plot(reconstructions[col].ravel(), label="reconstructed", linestyle="--")
            axes[0, col].set_xticks([])
        axes[0, 0].legend(fontsize=7)
    if title:
        figure.suptitle(title)
    return save_figure(figure, path)


def tile(images: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """Images ``(n, h, w, c)`` in [0, 1] as one mosaic ``(rows*h, columns*w, c)``, with a white gap between."""
    images = np.clip(np.asarray(images, np.float32), 0, 1)
    count, height, width, channels = images.shape
    rows = -(-count // columns)
    mosaic = np.ones((rows * (height + gap) - gap, columns * (width + gap) - gap, channels), np.float32)
    for index, image in enumerate(images):
        top, left = (index // columns) * (height + gap), (index % columns) * (width + gap)
        mosaic[top:top + height, left:left + width] = image
    return mosaic


def save_image(image: np.ndarray, path: str | Path, scale: int = 1) -> None:
    """Write an ``(h, w, c)`` array in [0, 1] as a PNG, each pixel ``scale`` x ``scale`` (nearest), atomically."""
    from PIL import Image

    pixels = (np.clip(image, 0, 1) * 255).round().astype(np.uint8)
    pixels = pixels[..., 0] if pixels.shape[-1] == 1 else pixels
    picture = Image.fromarray(pixels)
    if scale > 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.NEAREST)
    with atomic_path(path) as temporary:
        picture.save(temporary, format="PNG")
