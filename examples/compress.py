"""Compress: train a learned image codec, write the test digits to one ``.aez`` file and decode it again.

Shows the ``compression`` family of docs/guides/compress.md on the bundled 8x8 digits (no download): a
convolutional autoencoder trained for rate and distortion (``lmbda`` sets the trade-off), ``compress`` to the
bytes of an ``.aez`` file, and ``decompress`` with the codec reloaded from its run directory, as another
process would. It prints bytes per image and PSNR and draws originals above their decoded copies.

Run it with::

    python examples/compress.py [-o OUTPUT_DIR]            # default: runs/examples/compress
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import aekit

PICTURES = ["decompressed.png", "codec/loss.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("runs/examples/compress"))
    output = parser.parse_args().output

    train, test = aekit.data.load("digits"), aekit.data.load("digits", split="test")
    codec = aekit.Autoencoder(model="compression", lmbda=0.01, epochs=12, seed=0).fit(train)
    codec.save(output / "codec", overwrite=True)

    data = codec.compress(test.X)  # the whole .aez file: one header, then each image's range-coded symbols
    (output / "digits.aez").write_bytes(data)
    # Decoding needs only the run directory: the integer frequency tables make it exact in any process.
    restored = aekit.load(output / "codec").decompress((output / "digits.aez").read_bytes())

    # The digits' units run from 0 to 16: PSNR on that peak, as for 8-bit images on 255.
    mse = np.mean((restored.astype(np.float64) - test.X) ** 2, axis=(1, 2, 3))
    psnr = np.mean(10 * np.log10(16.0**2 / np.maximum(mse, 1e-12)))
    per_image = len(data) / len(test.X)
    raw = test.X[0].size * np.log2(17) / 8  # 64 pixels of 17 levels, packed as tightly as possible
    print(f"{len(test.X)} test digits in {len(data):,} bytes: {per_image:.1f} bytes per image "
          f"(raw pixels: {raw:.1f}), mean PSNR {psnr:.1f} dB")

    count = 12
    figure, axes = plt.subplots(2, count, figsize=(count * 0.8, 2.2))
    for column in range(count):
        for row, images in enumerate((test.X, restored)):
            axes[row, column].imshow(images[column, ..., 0], cmap="gray", vmin=0, vmax=16)
            axes[row, column].axis("off")
    axes[0, 0].set_title("original", loc="left", fontsize=9)
    axes[1, 0].set_title(f"decompressed: {per_image:.1f} bytes per image, {psnr:.1f} dB", loc="left", fontsize=9)
    figure.savefig(output / PICTURES[0], dpi=110, bbox_inches="tight")


if __name__ == "__main__":
    main()
