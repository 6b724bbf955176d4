"""Denoise and upscale: two U-Nets from the restoration family, one that cleans noisy digits, one that
doubles their size.

Shows the ``unet`` family of docs/guides/denoise-and-upscale.md on the bundled 8x8 digits (no download): a
denoiser trained on noisy-to-clean pairs (``noise="gaussian", noise_level=0.3``) restores test digits under
the same noise, and an upscaler (``upscale_factor=2``) enlarges 4x4 copies, made by Pillow's bicubic
downscaling as in its training, back to 8x8. It prints PSNR against the clean digits, next to the noisy input
and to plain bicubic enlargement, and draws both results row by row.

Run it with::

    python examples/denoise_and_upscale.py [-o OUTPUT_DIR]   # default: runs/examples/denoise_and_upscale
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

import aekit

PICTURES = ["denoised.png", "upscaled.png"]
PEAK = 16.0  # the digits' pixels run from 0 to 16


def psnr(images: np.ndarray, clean: np.ndarray) -> float:
    mse = np.mean((images.astype(np.float64) - clean) ** 2, axis=(1, 2, 3))
    return float(np.mean(10 * np.log10(PEAK**2 / mse)))


def bicubic(images: np.ndarray, size: int) -> np.ndarray:
    return np.stack([np.asarray(Image.fromarray(image[..., 0]).resize((size, size), Image.BICUBIC))[..., None]
                     for image in images])


def draw(rows: dict[str, np.ndarray], path: Path, count: int = 10) -> None:
    figure, axes = plt.subplots(len(rows), count, figsize=(count * 0.8, len(rows) * 1.0))
    for row, (name, images) in enumerate(rows.items()):
        for column in range(count):
            axes[row, column].imshow(images[column, ..., 0], cmap="gray", vmin=0, vmax=PEAK)
            axes[row, column].axis("off")
        axes[row, 0].set_title(name, loc="left", fontsize=9)
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("runs/examples/denoise_and_upscale"))
    output = parser.parse_args().output
    output.mkdir(parents=True, exist_ok=True)
    train, test = aekit.data.load("digits"), aekit.data.load("digits", split="test")

    denoiser = aekit.Autoencoder(model="unet", noise="gaussian", noise_level=0.3, epochs=12, seed=0).fit(train)
    # The training noise is 0.3 of the data's range, clipped to it: test under the same conditions.
    rng = np.random.default_rng(0)
    noisy = np.clip(test.X + rng.normal(0.0, 0.3 * PEAK, test.X.shape), 0, PEAK).astype(np.float32)
    clean = denoiser.denoise(noisy)
    draw({f"noisy ({psnr(noisy, test.X):.1f} dB)": noisy, f"denoised ({psnr(clean, test.X):.1f} dB)": clean,
          "clean": test.X}, output / "denoised.png")

    upscaler = aekit.Autoencoder(model="unet", upscale_factor=2, epochs=12, seed=0).fit(train)
    small = bicubic(test.X, 4)
    large, baseline = upscaler.upscale(small), np.clip(bicubic(small, 8), 0, PEAK)
    draw({"4x4 input": small,
          f"bicubic ({psnr(baseline, test.X):.1f} dB)": baseline, f"U-Net 2x ({psnr(large, test.X):.1f} dB)": large,
          "original": test.X}, output / "upscaled.png")

    print(f"denoising: {psnr(noisy, test.X):.1f} dB noisy -> {psnr(clean, test.X):.1f} dB denoised")
    print(f"2x upscaling: {psnr(large, test.X):.1f} dB vs {psnr(baseline, test.X):.1f} dB for bicubic")


if __name__ == "__main__":
    main()
