"""Matplotlib figures for run directories. Matplotlib is imported lazily, with a file-only backend."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .atomic import atomic_path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def comparison_grid(originals: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """Tile images into one ``(2h, n*w, c)`` array in [0, 1]: originals on top, reconstructions below."""
    top = np.concatenate(list(np.clip(originals, 0, 1)), axis=1)
    bottom = np.concatenate(list(np.clip(reconstructions, 0, 1)), axis=1)
    return np.concatenate([top, bottom], axis=0).astype(np.float32)


def save_figure(figure, path: str | Path) -> None:
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=110, bbox_inches="tight", format=Path(path).suffix.lstrip(".") or "png")
    _pyplot().close(figure)


def plot_loss(history: dict[str, list[float]], path: str | Path, title: str = "Training") -> None:
    """Training vs validation loss by epoch."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(6, 4))
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
    save_figure(figure, path)


def plot_reconstructions(originals: np.ndarray, reconstructions: np.ndarray, path: str | Path,
                         kind: str = "image", title: str | None = None) -> None:
    """Originals in the top row, reconstructions below; tables are drawn as line profiles."""
    plt = _pyplot()
    count = len(originals)
    if kind == "image":
        figure, axes = plt.subplots(2, count, figsize=(1.2 * count, 2.7), squeeze=False)
        for row, images in enumerate((originals, reconstructions)):
            for col in range(count):
                image = np.clip(images[col], 0, 1)
                axes[row, col].imshow(image[..., 0] if image.shape[-1] == 1 else image, cmap="gray",
                                      vmin=0, vmax=1)
                axes[row, col].set_xticks([])
                axes[row, col].set_yticks([])
            axes[row, 0].set_ylabel("original" if row == 0 else "reconstructed")
    else:
        figure, axes = plt.subplots(1, count, figsize=(2.4 * count, 2.4), squeeze=False)
        for col in range(count):
            axes[0, col].plot(originals[col].ravel(), label="original")
            axes[0, col].plot(reconstructions[col].ravel(), label="reconstructed", linestyle="--")
            axes[0, col].set_xticks([])
        axes[0, 0].legend(fontsize=7)
    if title:
        figure.suptitle(title)
    save_figure(figure, path)


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
