"""Rate-distortion of aekit's learned codec against JPEG, WebP and PNG on the MNIST and Fashion-MNIST test sets.

Each rate point is a ``compression`` model (its ``downsample`` and ``lmbda`` below) trained with aekit's
defaults on the 60,000 training images for ``--epochs`` epochs. The rate points were chosen on a development
split of MNIST's training images (54,000 / 6,000), never on a test set. Every test image is compressed and
decompressed through the real ``.aez`` bytes; its size is the whole file, header included, divided by the
number of images: 1,000 images per file, and (on the first ``SINGLE_FILES`` test images) 1 image per file.
Baselines (benchmarks/compression_baselines.py): JPEG at qualities 1-95, counted as whole files and as the
entropy-coded payload alone; lossy WebP (whole files); lossless PNG. Scores: mean per-image PSNR and SSIM of the
8-bit outputs.

Goals (MNIST; Fashion-MNIST is reported the same way): (a) at most 32 bytes per image at 24 dB or more;
(b) 28.3 dB (WebP q5) at 66 bytes or fewer; (c) above every JPEG-payload and WebP point between 20 and 200
bytes, aekit's curve interpolated linearly in log-bytes between its rate points (1,000 images per file).

Small folders of real photos (``photos``): benchmarks/compression_photos.py.

    python -m benchmarks.compression [--only mnist,fashion,photos] [--epochs 5] [--quick]
        # -> benchmarks/results/compression.json, results/compression/*.png
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from . import compression_photos
from ._common import RESULTS, data_dir, kept_parts, median, write_result
from .compression_baselines import codec_points

SEED = 0
DATASETS = {"mnist": "mnist", "fashion": "fashion_mnist"}
RATE_POINTS = [{"downsample": 8, "lmbda": 0.0003}, {"downsample": 8, "lmbda": 0.001},
               {"downsample": 8, "lmbda": 0.003}, {"downsample": 4, "lmbda": 0.01}, {"downsample": 4, "lmbda": 0.05}]
PER_FILE = 1000
SINGLE_FILES = 100


def scores(originals: np.ndarray, decoded: np.ndarray) -> dict:
    from aekit.estimator.metrics import psnr_per_image, ssim_per_image

    x, y = originals.astype(np.float64) / 255, decoded.astype(np.float64) / 255
    return {"psnr_db": round(float(psnr_per_image(x, y).mean()), 3),
            "ssim": round(float(ssim_per_image(x, y).mean()), 4)}


def aekit_point(train, test: np.ndarray, point: dict, epochs: int | None) -> tuple[dict, np.ndarray]:
    import aekit

    settings = {"model": "compression", "seed": SEED, **point, **({"epochs": epochs} if epochs else {})}
    started = time.perf_counter()
    model = aekit.Autoencoder(**settings).fit(train)
    training_seconds = time.perf_counter() - started
    files, timings = [], {"compress": [], "decompress": []}
    decoded = []
    for start in range(0, len(test), PER_FILE):
        chunk = test[start:start + PER_FILE]
        began = time.perf_counter()
        files.append(model.compress(chunk))
        timings["compress"].append((time.perf_counter() - began) / len(chunk))
        began = time.perf_counter()
        decoded.append(model.decompress(files[-1]))
        timings["decompress"].append((time.perf_counter() - began) / len(chunk))
    decoded = np.concatenate(decoded)
    singles = [len(model.compress(image[None])) for image in test[:SINGLE_FILES]]
    with tempfile.TemporaryDirectory() as folder:  # the bytes a user gets on disk are the bytes counted
        path = Path(folder) / "first.aez"
        path.write_bytes(files[0])
        assert np.array_equal(model.decompress(path.read_bytes()), decoded[:PER_FILE])
    history = model.history_
    return ({"codec": "aekit", **point, "epochs": model.config_.epochs, "epochs_run": len(history["loss"]),
             "batch_size": model.config_.batch_size, "training_seconds": round(training_seconds, 1),
             "bytes_per_image": round(sum(map(len, files)) / len(test), 3),
             "bytes_per_image_single_files": round(float(np.mean(singles)), 3),
             "estimated_bits_per_image": round(history["val_bits_per_image"][-1], 1),
             **scores(test, decoded),
             "compress_ms_per_image": round(1000 * median(timings["compress"]), 3),
             "decompress_ms_per_image": round(1000 * median(timings["decompress"]), 3)}, decoded)


def curve_psnr(points: list[dict], size: float) -> float | None:
    """aekit's PSNR at ``size`` bytes per image, linear in log-bytes between its points; None outside them."""
    ordered = sorted(points, key=lambda p: p["bytes_per_image"])
    sizes = np.log([p["bytes_per_image"] for p in ordered])
    if not sizes[0] <= np.log(size) <= sizes[-1]:
        return None
    return float(np.interp(np.log(size), sizes, [p["psnr_db"] for p in ordered]))


def curve_bytes(points: list[dict], psnr: float) -> float | None:
    """The fewest bytes per image at which aekit's interpolated curve reaches ``psnr``."""
    ordered = sorted(points, key=lambda p: p["bytes_per_image"])
    for low, high in zip(ordered, ordered[1:]):
        if low["psnr_db"] >= psnr:
            return low["bytes_per_image"]
        if high["psnr_db"] >= psnr:
            share = (psnr - low["psnr_db"]) / (high["psnr_db"] - low["psnr_db"])
            return float(np.exp(np.log(low["bytes_per_image"]) + share * np.log(high["bytes_per_image"]
                                                                                  / low["bytes_per_image"])))
    return ordered[0]["bytes_per_image"] if ordered and ordered[0]["psnr_db"] >= psnr else None


def goals(ours: list[dict], baselines: list[dict]) -> dict:
    at_24 = curve_bytes(ours, 24.0)
    at_webp5 = curve_bytes(ours, 28.3)
    checks = []
    for row in baselines:
        if row["codec"] in ("JPEG (payload only)", "WebP (whole file)") and 20 <= row["bytes_per_image"] <= 200:
            psnr = curve_psnr(ours, row["bytes_per_image"])
            checks.append({"codec": row["codec"], "quality": row["quality"],
                           "bytes": round(row["bytes_per_image"], 1), "their_psnr": row["psnr_db"],
                           "aekit_psnr": None if psnr is None else round(psnr, 2),
                           "above": psnr is not None and psnr > row["psnr_db"]})
    return {"a_bytes_at_24db": at_24, "a_met": at_24 is not None and at_24 <= 32,
            "b_bytes_at_28.3db": at_webp5, "b_met": at_webp5 is not None and at_webp5 <= 66,
            "c_points": checks, "c_met": all(c["above"] for c in checks)}


def run_dataset(name: str, epochs: int | None, quick: bool) -> dict:
    import aekit

    limit = {"max_samples": 1000} if quick else {}
    train = aekit.data.load(DATASETS[name], split="train", **limit)
    test = aekit.data.load(DATASETS[name], split="test", **({"max_samples": 300} if quick else {})).X
    started = time.perf_counter()
    baselines = codec_points(test, scores)
    baseline_seconds = time.perf_counter() - started
    ours, decoded = [], {}
    for point in RATE_POINTS:
        row, images = aekit_point(train, test, point, epochs)
        ours.append(row)
        decoded[row["bytes_per_image"]] = images[:8]
        print(row, flush=True)
    draw(name, test, ours, baselines, decoded, RESULTS / ("compression-quick" if quick else "compression"))
    return {"train_images": len(train), "test_images": len(test), "images_per_file": PER_FILE,
            "baseline_seconds": round(baseline_seconds, 1), "aekit": ours, "baselines": baselines,
            "goals": goals(ours, baselines)}


def draw(name: str, test: np.ndarray, ours: list[dict], baselines: list[dict], decoded: dict, folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .compression_baselines import decode, encode

    folder.mkdir(parents=True, exist_ok=True)
    figure, axis = plt.subplots(figsize=(7, 4.5))
    ordered = sorted(ours, key=lambda r: r["bytes_per_image"])
    axis.plot([r["bytes_per_image"] for r in ordered], [r["psnr_db"] for r in ordered], "o-",
              label="aekit (1,000 per file)")
    axis.plot([r["bytes_per_image_single_files"] for r in ordered], [r["psnr_db"] for r in ordered], "o:",
              label="aekit (1 per file)")
    for codec, style in (("JPEG (payload only)", "s-"), ("JPEG (whole file)", "s--"), ("WebP (whole file)", "^-")):
        rows = [r for r in baselines if r["codec"] == codec]
        axis.plot([r["bytes_per_image"] for r in rows], [r["psnr_db"] for r in rows], style, label=codec)
    png = next(r for r in baselines if r["codec"] == "PNG (lossless)")["bytes_per_image"]
    axis.axvline(png, color="grey", linestyle=":", label=f"PNG lossless ({png:.0f} B)")
    axis.set(xscale="log", xlabel="bytes per image", ylabel="mean PSNR (dB)", title=f"{name}: rate-distortion")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(folder / f"{name}_rd.png", dpi=110)
    plt.close(figure)

    target = min(decoded, key=lambda b: abs(np.log(b / 40)))  # aekit's point nearest 40 bytes
    rows = [("original", test[:8]), (f"aekit {target:.0f} B", decoded[target])]
    for codec, fmt, counted in (("JPEG (payload only)", "JPEG", "payload "), ("WebP (whole file)", "WebP", "")):
        near = min((r for r in baselines if r["codec"] == codec), key=lambda r: abs(r["bytes_per_image"] - target))
        images = np.stack([decode(encode(x, fmt.upper(), quality=near["quality"]), test.shape[-1]) for x in test[:8]])
        rows.append((f"{fmt} q{near['quality']} {counted}{near['bytes_per_image']:.0f} B", images))
    figure, axes = plt.subplots(len(rows), 8, figsize=(8, 1.1 * len(rows) + 0.3))
    for r, (label, images) in enumerate(rows):
        for c in range(8):
            axes[r, c].imshow(images[c].squeeze(), cmap="gray", vmin=0, vmax=255)
            axes[r, c].axis("off")
        axes[r, 0].set_title(label, fontsize=8, loc="left")
    figure.tight_layout()
    figure.savefig(folder / f"{name}_grid.png", dpi=110)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join((*DATASETS, "photos")),
                        help="comma-separated parts: mnist, fashion, photos (the small folders)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per rate point [default: aekit's auto]")
    parser.add_argument("--quick", action="store_true", help="1,000 training and 300 test images (smoke test)")
    args = parser.parse_args()
    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    started = time.time()
    parts = args.only.split(",")
    measured = {name: run_dataset(name, args.epochs, args.quick) for name in parts if name in DATASETS}
    if "photos" in parts:
        measured["photos"] = compression_photos.run(compression_photos.FOLDERS, scores)
    name = "compression-quick" if args.quick else "compression"
    payload = {"seed": SEED, "rate_points": RATE_POINTS, "epochs_requested": args.epochs,
               **kept_parts(name, (*DATASETS, "photos"), measured), **measured}
    write_result(name, payload, started)


if __name__ == "__main__":
    main()
