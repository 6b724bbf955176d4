"""Generate: train a variational autoencoder, draw new digits, walk between two, and measure likelihood.

Shows the variational family of docs/guides/generate.md on the bundled 8x8 digits (no download): a VAE with
a 2-number Gaussian code samples new digits from the prior (``sample``), decodes the latent manifold on a
grid (``latent_grid``, possible because the code is 2-D), interpolates between two test digits
(``interpolate(..., slerp=True)``) and estimates the test negative log-likelihood by importance sampling.

Run it with::

    python examples/generate.py [-o OUTPUT_DIR]            # default: runs/examples/generate
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import aekit
from aekit.tasks.generation import importance_weighted_nll

PICTURES = ["samples.png", "manifold.png", "interpolation.png", "vae/reconstructions.png"]


def show(images: np.ndarray, columns: int, path: Path, title: str) -> None:
    """Tile 8x8 images (values 0-16) into one grayscale picture."""
    rows = -(-len(images) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(columns * 0.6, rows * 0.6 + 0.4), squeeze=False)
    for axis in axes.flat:
        axis.axis("off")
    for axis, image in zip(axes.flat, images):
        axis.imshow(image[..., 0], cmap="gray", vmin=0, vmax=16)
    figure.suptitle(title)
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("runs/examples/generate"))
    output = parser.parse_args().output

    train, test = aekit.data.load("digits"), aekit.data.load("digits", split="test")
    # kl_warmup lets the decoder learn before the KL term pulls every code towards the prior.
    vae = aekit.Autoencoder(model="variational", latent_dim=2, hidden=[256, 128], epochs=60, kl_warmup=10,
                            seed=0).fit(train)
    vae.save(output / "vae", overwrite=True)  # reload with aekit.load; the same seed samples the same digits

    show(vae.sample(64, seed=0), 8, output / "samples.png", "64 samples from the prior")
    grid = vae.latent_grid(12)
    show(grid.reshape(-1, *grid.shape[2:]), 12, output / "manifold.png", "the 2-D latent space, decoded")
    a, b = test.X[test.y == 3][0], test.X[test.y == 8][0]
    show(vae.interpolate(a, b, steps=10, slerp=True), 10, output / "interpolation.png", "from a 3 to an 8")

    # reconstruction_error puts the code at its mean: quick and deterministic, but not a bound. The sampled
    # estimate gives the negative ELBO (an upper bound) and the tighter importance-weighted NLL.
    likelihood = importance_weighted_nll(vae, test.X, importance_samples=200)
    at_mean = vae.reconstruction_error(test.X).mean()
    print(f"test NLL {likelihood['nll_nats']:.1f} nats per image (importance-weighted, 200 codes each); "
          f"negative ELBO {-likelihood['elbo_nats']:.1f}; at the mean code {at_mean:.1f}")


if __name__ == "__main__":
    main()
