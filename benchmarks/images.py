"""Convolutional autoencoders vs PCA at equal code size: MNIST, Fashion-MNIST, and small folders of images.

Each case trains aekit with default settings (the code size is set where the case names one) and PCA with
as many components as the code has numbers (capped at the number of training images), on the same training
images, and scores both on held-out images: squared error per image (summed over the pixels in [0, 1]),
mean PSNR and SSIM, and training time.

- ``mnist``, ``fashion_mnist``: the standard 60,000 / 10,000 split, ``conv`` with a vector code of 30 numbers.
- ``fashion-folder``: the first 400 Fashion-MNIST training images resized to 64x64 (Pillow, bicubic) and
  written as PNG files; ``aekit train --data DIR --model conv`` with no other flag on the first 320, through
  the real command line (its wall time is what the 3-minute goal is about), scored on the other 80; and
  ``--code vector`` (a 32-number code) on the same folder, for comparison.
- ``photos-gray-64``, ``photos-rgb-64``, ``photos-rgb-128``: small folders of real photos
  (benchmarks/photo_folders.py: 320 crops to train, 80 crops of other photos to test), and ``mnist-folder``, 400
  MNIST digits resized to 64x64 (320 / 80). The conv defaults were chosen on an earlier grayscale photo folder
  and on ``mnist-folder``.

    python -m benchmarks.images [--quick] [--only mnist,fashion-folder]   # -> benchmarks/results/images.json
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from . import photo_folders
from ._common import RESULTS, data_dir, stamp_as_measured, write_result

SEED = 0
GOALS = {"fashion_mnist": "test squared error <= 0.35 x PCA's (stretch 0.25)",
         "fashion-folder": "PSNR >= PCA's + 1 dB on the 80 unseen images, within 3 minutes of training"}


def pca_scores(train: np.ndarray, test: np.ndarray, components: int) -> dict:
    from sklearn.decomposition import PCA

    components = min(components, len(train))
    started = time.perf_counter()
    pca = PCA(components, random_state=SEED).fit(train.reshape(len(train), -1))
    seconds = time.perf_counter() - started
    reconstructed = pca.inverse_transform(pca.transform(test.reshape(len(test), -1))).reshape(test.shape)
    return {**scores(test, np.clip(reconstructed, 0, 1)), "components": components, "fit_seconds": round(seconds, 2)}


def scores(test: np.ndarray, reconstructed: np.ndarray) -> dict:
    from aekit.estimator.metrics import psnr_per_image, squared_error_per_sample, ssim_per_image

    return {"squared_error_per_image": round(float(squared_error_per_sample(test, reconstructed).mean()), 3),
            "psnr_db": round(float(psnr_per_image(test, reconstructed).mean()), 2),
            "ssim": round(float(ssim_per_image(test, reconstructed).mean()), 4)}


def named_case(name: str, quick: bool) -> dict:
    """conv with a 30-number code on a named dataset's standard split, in this process."""
    import aekit

    train = aekit.data.load(name, split="train", max_samples=6000 if quick else None)
    test = aekit.data.load(name, split="test", max_samples=1000 if quick else None)
    started = time.perf_counter()
    model = aekit.Autoencoder(model="conv", code="vector", latent_dim=30, seed=SEED).fit(train)
    seconds = time.perf_counter() - started
    x_test = test.X.astype(np.float64) / 255
    ours = scores(x_test, model.reconstruct(test).astype(np.float64) / 255)
    baseline = pca_scores(train.X.astype(np.float64) / 255, x_test, 30)
    return {"case": name, "train_images": len(train), "test_images": len(test), "image_shape": list(train.X.shape[1:]),
            "rows": [{"method": "aekit conv, code=vector", "code_numbers": 30, **ours,
                      "training_seconds": round(seconds, 1), "plan": model.training_plan_,
                      "epochs_run": len(model.history_["loss"])},
                     {"method": "PCA", "code_numbers": 30, **baseline}],
            "ratio_to_pca": round(ours["squared_error_per_image"] / baseline["squared_error_per_image"], 3)}


def folder_images(case: str) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) uint8 images of a folder case: a photo folder, or 400 digits or garments at 64x64."""
    from PIL import Image

    import aekit

    if case in photo_folders.FOLDERS:
        split = photo_folders.load(case)
        return split.train, split.test
    name = "fashion_mnist" if case == "fashion-folder" else "mnist"
    raw = aekit.data.load(name, split="train", max_samples=400).X[..., 0]
    resized = np.stack([np.asarray(Image.fromarray(image).resize((64, 64), Image.Resampling.BICUBIC))
                        for image in raw])[..., None]
    return resized[:320], resized[320:]


def folder_case(case: str, variants: dict[str, list[str]]) -> dict:
    """Train through the real CLI with default settings on a folder of 320 PNGs; score on 80 unseen ones."""
    import aekit

    train, test = folder_images(case)
    x_test = test.astype(np.float64) / 255
    rows = []
    with tempfile.TemporaryDirectory() as work:
        data = photo_folders.write_pngs(Path(work) / "train", train)
        for number, (label, flags) in enumerate(variants.items()):
            run = Path(work) / f"run-{number}"
            trained = photo_folders.train_cli(data, flags, run)
            model = aekit.load(run)
            code = int(np.prod(model.code_shape_))
            ours = scores(x_test, model.reconstruct(test).astype(np.float64) / 255)
            baseline = pca_scores(train.astype(np.float64) / 255, x_test, code)
            rows.append({"method": f"aekit {label}", "code_numbers": code, **ours, **trained})
            rows.append({"method": f"PCA (as many numbers as {label})", "code_numbers": baseline["components"],
                         **baseline})
    return {"case": case, "train_images": len(train), "test_images": len(test), "image_shape": list(train.shape[1:]),
            "rows": rows, "psnr_gain_db": round(rows[0]["psnr_db"] - rows[1]["psnr_db"], 2)}


# `aekit train --data DIR` plus these flags; the first is the acceptance command, defaults only.
FOLDER_VARIANTS = {"--model conv (defaults)": ["--model", "conv"],
                   "--model conv --code vector": ["--model", "conv", "--code", "vector"]}
DEFAULTS_ONLY = {"--model conv (defaults)": ["--model", "conv"]}
CASES = {"fashion-folder": lambda quick: folder_case("fashion-folder", FOLDER_VARIANTS),
         "mnist-folder": lambda quick: folder_case("mnist-folder", FOLDER_VARIANTS),
         **{name: (lambda quick, name=name: folder_case(name, DEFAULTS_ONLY)) for name in photo_folders.FOLDERS},
         "mnist": lambda quick: named_case("mnist", quick),
         "fashion_mnist": lambda quick: named_case("fashion_mnist", quick)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(CASES), help="comma-separated cases")
    parser.add_argument("--quick", action="store_true", help="10 %% of MNIST and Fashion-MNIST (a smoke test)")
    args = parser.parse_args()
    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    started = time.time()
    results = []
    for case in args.only.split(","):
        results.append(CASES[case](args.quick))
        print(json.dumps(results[-1]), flush=True)
    import keras

    name = "images-quick" if args.quick else "images"
    measured = {case["case"]: case for case in results}
    kept = _kept_cases(name, measured)
    payload = {"seed": SEED, "quick": args.quick, "backend": keras.backend.backend(), "goals": GOALS,
               "cases": [*kept, *results]}
    write_result(name, payload, started)


def _kept_cases(name: str, measured: dict) -> list[dict]:
    """The cases of the last results file that this run did not measure (``--only``), each with its own date and
    commit (:func:`benchmarks._common.stamp_as_measured`)."""
    path = RESULTS / f"{name}.json"
    if not path.is_file():
        return []
    previous = json.loads(path.read_text())
    return [stamp_as_measured(case, previous) for case in previous["cases"]
            if case["case"] in CASES and case["case"] not in measured]


if __name__ == "__main__":
    main()
