"""Image restoration: denoising and super-resolution on MNIST and Fashion-MNIST test images (issue 14).

Denoising, at gaussian noise sigma 0.1, 0.3 and 0.5 (clipped to [0, 1]) and 10 % salt-and-pepper: PSNR and
SSIM of the noisy input, a 3x3 median filter, BM3D, the keras.io convolutional denoiser and aekit's ``unet``
(``noise=`` the test corruption), each learned model trained for the same epochs and batch size on the
training images. BM3D is slow, so it runs on the first 200 test images; every method is reported on those
200 too, and the others on all 10,000.

Super-resolution, x2 and x4: the test images are made smaller with Pillow's bicubic filter, then enlarged by
nearest neighbour, bicubic (Pillow) and aekit's ``unet`` (``upscale_factor=``).

Speed: a 512x512 mosaic of test images, denoised and upscaled x2 whole (tiled internally), in output
megapixels per second (median of 3).

Small folders of real photos (``photos``), denoised against BM3D: benchmarks/restoration_photos.py.

    python -m benchmarks.restoration [--only mnist,fashion,photos] [--epochs 3] [--batch-size 64] [--quick]

Writes results/restoration.json and the pictures under results/restoration/. Baselines:
benchmarks/restoration_baselines.py.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # convolutions: aekit's CLI picks TensorFlow for them too
import numpy as np  # noqa: E402

from . import restoration_baselines as baselines  # noqa: E402
from . import restoration_photos  # noqa: E402
from ._common import RESULTS, data_dir, kept_parts, median, write_result

SEED = 0
BM3D_IMAGES = 200
PICTURE_IMAGES = 8
PICTURES = RESULTS / "restoration"
DATASETS = {"mnist": "mnist", "fashion": "fashion_mnist"}


def scores(clean: np.ndarray, restored: np.ndarray) -> dict:
    from aekit.estimator.metrics import psnr_per_image, ssim_per_image

    clean = clean[:len(restored)]  # BM3D restores only the first images
    psnr, ssim = psnr_per_image(clean, restored), ssim_per_image(clean, restored)
    row = {"psnr_db_200": round(float(psnr[:BM3D_IMAGES].mean()), 2),
           "ssim_200": round(float(ssim[:BM3D_IMAGES].mean()), 4)}
    if len(restored) > BM3D_IMAGES:
        row.update(psnr_db=round(float(psnr.mean()), 2), ssim=round(float(ssim.mean()), 4))
    return row


def aekit_model(train, args, **params):
    import aekit

    model = aekit.Autoencoder(model="unet", epochs=args.epochs, batch_size=args.batch_size, seed=SEED, **params)
    started = time.perf_counter()
    model.fit(train)
    return model, round(time.perf_counter() - started, 1)


def denoising(part: str, train, clean: np.ndarray, args) -> tuple[list, dict]:
    train_clean = train.X.astype(np.float32) / 255.0
    rows, shown = [], {}
    for number, (label, (kind, level)) in enumerate(baselines.NOISES.items()):
        noisy = baselines.corrupt(clean, kind, level, seed=1000 + number)
        sigma = level if kind == "gaussian" else float(np.std(noisy[:BM3D_IMAGES] - clean[:BM3D_IMAGES]))
        outputs = {"noisy input": (noisy, None), "median 3x3": (baselines.median_filter(noisy), None)}
        started = time.perf_counter()
        bm3d = baselines.bm3d_denoise(noisy[:BM3D_IMAGES], sigma)
        if bm3d is not None:
            outputs["BM3D"] = (bm3d, None)
        bm3d_seconds = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        train_noisy = baselines.corrupt(train_clean, kind, level, seed=2000 + number)
        baseline = baselines.keras_io_denoiser(train_noisy, train_clean, args.epochs, args.batch_size, SEED)
        outputs["keras.io denoiser"] = (baseline.predict(noisy, batch_size=1024, verbose=0),
                                        round(time.perf_counter() - started, 1))
        model, seconds = aekit_model(train, args, noise=kind, noise_level=level)
        outputs["aekit unet"] = (model.denoise(noisy * 255.0) / 255.0, seconds)
        for method, (restored, train_seconds) in outputs.items():
            row = {"noise": label, "method": method, **scores(clean, restored)}
            if train_seconds is not None:
                row["training_seconds"] = train_seconds
            if method == "BM3D":
                row["seconds_per_image"] = round(bm3d_seconds / BM3D_IMAGES, 3)
            rows.append(row)
            print(row, flush=True)
        if label == "gaussian 0.3":
            shown = {"clean": clean, **{method: restored for method, (restored, _) in outputs.items()}}
            speed_model = model
    _picture(shown, PICTURES / f"{part}-denoise-gaussian-0.3.png")
    return rows, {"denoise": megapixels_per_second(speed_model.denoise, clean)}


def super_resolution(part: str, train, clean: np.ndarray, args) -> tuple[list, dict]:
    pixels = np.rint(clean * 255).astype(np.uint8)
    rows, speed = [], {}
    for factor in (2, 4):
        small = baselines.downscale_uint8(pixels, factor)
        model, seconds = aekit_model(train, args, upscale_factor=factor)
        outputs = {"nearest": baselines.upscale_uint8(small, factor, "NEAREST") / 255.0,
                   "bicubic": baselines.upscale_uint8(small, factor, "BICUBIC") / 255.0,
                   "aekit unet": model.upscale(small.astype(np.float32)) / 255.0}
        for method, restored in outputs.items():
            row = {"factor": factor, "method": method, **scores(clean, restored)}
            if method.startswith("aekit"):
                row["training_seconds"] = seconds
            rows.append(row)
            print(row, flush=True)
        _picture({"original": clean, **outputs}, PICTURES / f"{part}-upscale-x{factor}.png")
        if factor == 2:
            speed["upscale_x2"] = megapixels_per_second(model.upscale, clean[:, ::2, ::2], scale=2)
    return rows, speed


def megapixels_per_second(restore, images: np.ndarray, scale: int = 1) -> dict:
    """Output megapixels per second on one 512x512 mosaic of ``images`` (input side 512 / scale), median of 3."""
    side = images.shape[1]
    count = -(-512 // scale // side)
    mosaic = np.concatenate([np.concatenate(list(images[r * count:(r + 1) * count]), axis=1)
                             for r in range(count)], axis=0)[:512 // scale, :512 // scale] * 255.0
    restore(mosaic[None])  # compiles for this size
    times = []
    for _ in range(3):
        started = time.perf_counter()
        restore(mosaic[None])
        times.append(time.perf_counter() - started)
    return {"input": f"{mosaic.shape[0]}x{mosaic.shape[1]}", "output_megapixels": (512 * 512) / 1e6,
            "megapixels_per_second": round(512 * 512 / 1e6 / median(times), 3)}


def _picture(images: dict[str, np.ndarray], path: Path) -> None:
    """Rows of the first test images: clean, corrupted, then each method."""
    from aekit.core.plots import save_image, tile

    path.parent.mkdir(parents=True, exist_ok=True)
    side = max(image.shape[1] for image in images.values())
    rows = [np.stack([_enlarged(image, side) for image in value[:PICTURE_IMAGES]]) for value in images.values()]
    save_image(tile(np.concatenate(rows), PICTURE_IMAGES), path, scale=3)
    path.with_suffix(".txt").write_text("rows, top to bottom: " + ", ".join(images) + "\n")


def _enlarged(image: np.ndarray, side: int) -> np.ndarray:
    factor = side // image.shape[0]
    return np.repeat(np.repeat(image, factor, axis=0), factor, axis=1) if factor > 1 else image


def run_part(part: str, args) -> dict:
    import aekit

    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    train = aekit.data.load(DATASETS[part], split="train", max_samples=6000 if args.quick else args.train_samples)
    test = aekit.data.load(DATASETS[part], split="test", max_samples=600 if args.quick else None)
    clean = test.X.astype(np.float32) / 255.0
    denoise_rows, speed = denoising(part, train, clean, args)
    upscale_rows, upscale_speed = super_resolution(part, train, clean, args)
    return {"dataset": DATASETS[part], "training_images": len(train.X), "test_images": len(clean),
            "denoising": denoise_rows, "super_resolution": upscale_rows, "speed": {**speed, **upscale_speed}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="mnist,fashion,photos", help="comma-separated parts: mnist, fashion, "
                        "photos (the small folders, at the defaults; --epochs and --batch-size do not apply)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of every learned model")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size of every learned model")
    parser.add_argument("--train-samples", type=int, default=None, help="first N training images (default all)")
    parser.add_argument("--quick", action="store_true", help="a smoke test on 10 %% of the data")
    args = parser.parse_args()
    if args.quick:  # a smoke test: BM3D takes about half a second an image; the pictures go elsewhere
        global BM3D_IMAGES, PICTURES
        BM3D_IMAGES, PICTURES = 20, RESULTS / "restoration-quick"
    started = time.time()
    parts = {part: run_part(part, args) for part in args.only.split(",") if part in DATASETS}
    if "photos" in args.only.split(","):
        parts["photos"] = restoration_photos.run(restoration_photos.FOLDERS)
    name = "restoration-quick" if args.quick else "restoration"
    kept = kept_parts(name, (*DATASETS, "photos"), parts)
    budget = {"epochs": args.epochs, "batch_size": args.batch_size, "train_samples": args.train_samples}
    write_result(name, {"seed": SEED, "budget": budget, "bm3d_images": BM3D_IMAGES, **kept, **parts}, started)


if __name__ == "__main__":
    main()
