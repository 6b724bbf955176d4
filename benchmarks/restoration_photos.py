"""The small-folder part of benchmarks/restoration.py: denoising folders of real photos against BM3D.

For each folder (benchmarks/photo_folders.py) and gaussian noise of sigma 0.1 and 0.2 (on [0, 1] pixels,
clipped), aekit trains ``--model unet --noise gaussian --noise-level SIGMA`` through the real command line on the
320 clean training crops, at the defaults otherwise, and denoises the 80 test crops (photos the training never
saw) corrupted with a fixed seed. In the same run: the noisy input, a 3x3 median filter, and BM3D (CBM3D for
RGB) given the true sigma. Scores: mean per-image PSNR and SSIM against the clean crops. One blind model per folder
(``--blind --noise-level 0.25``: every level up to 0.25, the level an input channel) denoises both sigmas, once
with the level it estimates from each crop and once told the true sigma.

The goal (issue 29): at or above BM3D at sigma 0.1 and 0.2, grayscale and RGB.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from . import photo_folders
from . import restoration_baselines as baselines

SIGMAS = (0.1, 0.2)
BLIND_TOP_LEVEL = 0.25  # above both sigmas, as a user who knows roughly how noisy their photos get would set it
FOLDERS = ("photos-gray-64", "photos-rgb-64")


def folder_case(name: str, scores) -> dict:
    import aekit

    split = photo_folders.load(name)
    clean = split.test.astype(np.float32) / 255.0
    rows = []
    with tempfile.TemporaryDirectory() as work:
        data = photo_folders.write_pngs(Path(work) / "train", split.train)
        blind_run = Path(work) / "run-blind"
        blind_trained = photo_folders.train_cli(
            data, ["--model", "unet", "--blind", "--noise", "gaussian", "--noise-level", str(BLIND_TOP_LEVEL)],
            blind_run)
        blind = aekit.load(blind_run)
        for number, sigma in enumerate(SIGMAS):
            noisy = baselines.corrupt(clean, "gaussian", sigma, seed=3000 + number)
            started = time.perf_counter()
            bm3d = baselines.bm3d_denoise(noisy, sigma)
            bm3d_seconds = time.perf_counter() - started
            run = Path(work) / f"run-{number}"
            trained = photo_folders.train_cli(
                data, ["--model", "unet", "--noise", "gaussian", "--noise-level", str(sigma)], run)
            outputs = {"noisy input": noisy, "median 3x3": baselines.median_filter(noisy),
                       "BM3D (true sigma)" if clean.shape[-1] == 1 else "CBM3D (true sigma)": bm3d,
                       "aekit unet": aekit.load(run).denoise(noisy * 255.0) / 255.0,
                       "aekit unet blind (level estimated)": blind.denoise(noisy * 255.0) / 255.0,
                       "aekit unet blind (true level given)": blind.denoise(noisy * 255.0, noise_level=sigma) / 255.0}
            for method, restored in outputs.items():
                if restored is None:
                    continue
                row = {"sigma": sigma, "method": method, **scores(clean, restored)}
                if method.startswith("aekit"):
                    row.update(blind_trained if "blind" in method else trained)
                elif "BM3D" in method:
                    row["seconds_per_image"] = round(bm3d_seconds / len(clean), 2)
                rows.append(row)
                print(name, row, flush=True)
    return {**photo_folders.describe(name), "rows": rows}


def run(folders: tuple[str, ...]) -> dict:
    from aekit.estimator.metrics import psnr_per_image, ssim_per_image

    def scores(clean, restored):
        return {"psnr_db": round(float(psnr_per_image(clean, restored).mean()), 2),
                "ssim": round(float(ssim_per_image(clean, restored).mean()), 4)}

    return {"folders": [folder_case(name, scores) for name in folders]}

