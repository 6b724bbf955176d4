"""A user's session on a machine without TensorFlow: run by tests/test_packaging.py in a process where
``import tensorflow`` fails (a blocking import hook), as on Linux aarch64 or a GPU box with JAX alone.

Every use of in-memory data goes through: training on arrays, a named dataset, an image folder and a table;
save and reload; encode, reconstruct and evaluate; compress and decompress, denoise, upscale, sample, index and
search, detect. Prints one line per step; the caller checks the files and that TensorFlow never loaded.
"""

from __future__ import annotations

import importlib.abc
import sys
from pathlib import Path


class BlockTensorFlow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "tensorflow" or name.startswith("tensorflow."):
            raise ImportError(f"{name} is blocked: this session runs without TensorFlow")


sys.meta_path.insert(0, BlockTensorFlow())

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import aekit  # noqa: E402
from aekit.cli import cli  # noqa: E402
from aekit.data import load  # noqa: E402


def aekit_command(*arguments) -> None:
    """One `aekit` command, in this process (so the import hook holds)."""
    print("aekit", *arguments, flush=True)
    cli.main([str(a) for a in arguments], prog_name="aekit", standalone_mode=False)


def main(out: Path) -> None:
    digits = load("digits", split="train")
    test = load("digits", split="test")

    # The Python API on arrays: dense and conv, saved and reloaded.
    for params in ({"hidden": [16], "latent_dim": 4}, {"model": "conv", "filters": [8, 16], "latent_dim": 4}):
        run = out / params.get("model", "deep")
        model = aekit.Autoencoder(**params, epochs=2, run_dir=str(run)).fit(digits.X)
        again = aekit.load(run)
        assert np.allclose(again.transform(test.X), model.transform(test.X), atol=1e-5)
        assert again.reconstruct(test.X).shape == test.X.shape
        print(run.name, "psnr", round(again.evaluate(test.X)["psnr_db"], 2), flush=True)

    # An image folder of 16x16 PNG files, as a user brings it.
    folder = out / "pngs"
    folder.mkdir()
    pixels = np.kron(digits.X[:160].reshape(-1, 8, 8) / 16.0, np.ones((2, 2)))
    for i, image in enumerate(pixels):
        Image.fromarray(np.round(image * 255).astype(np.uint8)).save(folder / f"{i:03d}.png")
    some = sorted(folder.glob("*.png"))[:4]
    quick = ("--epochs", "1", "--quiet")

    aekit_command("train", "--data", folder, "--model", "conv", "--latent-dim", "4", *quick, "-o", out / "cli-conv")
    aekit_command("encode", out / "cli-conv", "--data", folder, "-o", out / "codes.npy")
    aekit_command("reconstruct", out / "cli-conv", "--data", folder, "-o", out / "reconstructed.npy")

    aekit_command("train", "--data", folder, "--model", "compression", *quick, "-o", out / "codec")
    aekit_command("compress", out / "codec", *some, "-o", out / "some.aez")
    aekit_command("decompress", out / "codec", out / "some.aez", "-o", out / "decoded")

    aekit_command("train", "--data", folder, "--model", "unet", "--noise", "gaussian", *quick, "-o", out / "denoiser")
    aekit_command("denoise", out / "denoiser", *some, "-o", out / "clean")
    aekit_command("train", "--data", folder, "--model", "unet", "--upscale", "2", *quick, "-o", out / "upscaler")
    aekit_command("upscale", out / "upscaler", *some, "-o", out / "larger")

    aekit_command("train", "--data", folder, "--model", "variational", "--latent-dim", "2", *quick, "-o", out / "vae")
    aekit_command("sample", out / "vae", "-o", out / "samples")

    aekit_command("train", "--data", folder, "--model", "hashing", "--latent-dim", "16", *quick, "-o", out / "hash")
    aekit_command("index", "build", out / "hash", "--data", folder, "-o", out / "pngs.aeidx")
    aekit_command("search", out / "pngs.aeidx", "--data", some[0], "--neighbours", "3")

    table = out / "table.csv"
    rows = np.random.default_rng(0).normal(size=(300, 6))
    np.savetxt(table, rows, delimiter=",", header="a,b,c,d,e,f", comments="", fmt="%.5f")
    aekit_command("detect", "fit", "--data", table, "--epochs", "2", "--quiet", "-o", out / "detector")
    aekit_command("detect", "score", out / "detector", "--data", table, "-o", out / "scores.csv")

    print("tensorflow loaded:", "tensorflow" in sys.modules, flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
