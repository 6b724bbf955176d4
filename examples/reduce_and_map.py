"""Reduce and map: PCA vs a deep autoencoder at equal code size, a 2-D map of the codes, and a probe.

Shows the representation workflow of docs/guides/reduce-and-map.md on the bundled 8x8 digits (no download):
``compare`` fits PCA and an autoencoder at several code sizes and scores both on the test split,
``embed`` draws a t-SNE map of the 10-number codes coloured by digit, and ``probe`` measures what the codes
know (linear-probe and k-NN accuracy) against PCA codes and raw pixels.

Run it with::

    python examples/reduce_and_map.py [-o OUTPUT_DIR]     # default: runs/examples/reduce_and_map
"""

from __future__ import annotations

import argparse
from pathlib import Path

import aekit
from aekit.tasks.representation import compare, embed, probe

PICTURES = ["comparison.png", "embedding-tsne.png", "model/reconstructions.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("runs/examples/reduce_and_map"))
    output = parser.parse_args().output

    train, test = aekit.data.load("digits"), aekit.data.load("digits", split="test")

    # Small dense stacks and a fixed budget: 1,438 images of 64 pixels need nothing like the hinton2006 preset.
    result = compare(train, test, latent_dims=(2, 10), hidden=[128, 64], epochs=40, seed=0)
    # The output folder holds the other pictures too, so aekit's writers must be told they may share it.
    result.save(output, overwrite=True)
    ae = result.models[("deep", 10)]
    ae.save(output / "model", overwrite=True)  # a run directory: reconstructions.png, loss.png, the model

    embed(ae, test, method="tsne").save(output, images=test.X, overwrite=True)
    rows = {row["representation"]: row for row in probe(ae, train, test)}

    pca, deep = result.row("PCA", 10), result.row("deep", 10)
    print(f"10-number codes, test PSNR: autoencoder {deep['psnr_db']:.1f} dB vs PCA {pca['psnr_db']:.1f} dB")
    print("linear probe accuracy: " + ", ".join(f"{name} {row['linear_probe_accuracy']:.3f}"
                                                  for name, row in rows.items()))


if __name__ == "__main__":
    main()
