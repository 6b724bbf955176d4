"""The small-folder part of benchmarks/retrieval.py: semantic hashing on folders of real photos.

For each folder (benchmarks/photo_folders.py) aekit trains ``--model hashing --latent-dim 32`` through the real
command line on the 320 training crops, at the defaults otherwise. The 80 test crops (photos the training never
saw) are both queries and database: each query ranks the other 79 by Hamming distance (ties by position), and
precision@5 is the share of the first 5 cut from the same photo. Baselines on the same crops, fitted on the
training crops: 32-bit LSH (random hyperplanes through the centred pixels), 32-bit PCA-ITQ, and exact Euclidean
ranking on the raw pixels (not a hash: the ceiling a 32-bit code is compared with). aekit's bit usage on the
test crops is recorded too, and how many of its bits a shift of 4 pixels changes (the crops mirrored at the edge);
a second aekit run adds the invariance term (``--invariance-weight 0.1``), which trains for exactly that.

The goal (issue 29): precision@5 at least 10 points above 32-bit LSH.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from . import photo_folders

BITS, TOP = 32, 5
SHIFT = 4  # pixels, down and right: how far apart two crops of one photo are in the shift check
AEKIT_RUNS = {"aekit hashing": [], "aekit hashing, invariance 0.1": ["--invariance-weight", "0.1"]}
FOLDERS = ("photos-gray-64", "photos-rgb-64")


def precision_at_top(distances: np.ndarray, subjects: np.ndarray) -> float:
    """Mean share of each item's ``TOP`` nearest others (self left out, ties by position) from its subject."""
    distances = distances.astype(np.float64).copy()
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1, kind="stable")[:, :TOP]
    return round(float((subjects[nearest] == subjects[:, None]).mean()), 4)


def hamming(codes: np.ndarray) -> np.ndarray:
    codes = codes.astype(np.int32)
    return codes @ (1 - codes).T + (1 - codes) @ codes.T


def folder_case(name: str) -> dict:
    import aekit
    from aekit.estimator.metrics import bit_usage

    from .retrieval import lsh, pca_itq

    split = photo_folders.load(name)
    x_train = split.train.reshape(len(split.train), -1).astype(np.float32) / 255.0
    x_test = split.test.reshape(len(split.test), -1).astype(np.float32) / 255.0
    squared = (x_test ** 2).sum(axis=1)
    rows = [{"method": "Euclidean, raw pixels (ceiling)", "bits": None,
             "precision_at_5": precision_at_top(squared[:, None] + squared[None] - 2 * x_test @ x_test.T,
                                                split.test_subjects)}]
    side = split.test.shape[1]
    shifted = np.pad(split.test, ((0, 0), (SHIFT, 0), (SHIFT, 0), (0, 0)), mode="reflect")[:, :side, :side]
    with tempfile.TemporaryDirectory() as work:
        data = photo_folders.write_pngs(Path(work) / "train", split.train)
        for number, (method, flags) in enumerate(AEKIT_RUNS.items()):
            run = Path(work) / f"run-{number}"
            trained = photo_folders.train_cli(data, ["--model", "hashing", "--latent-dim", str(BITS), *flags], run)
            model = aekit.load(run)
            codes = model.transform(split.test)
            usage = bit_usage(codes)
            rows.append({"method": method, "bits": BITS,
                         "precision_at_5": precision_at_top(hamming(codes), split.test_subjects),
                         "bits_changed_by_shift": round(float((model.transform(shifted) != codes).sum(1).mean()), 3),
                         **trained, **{key: round(value, 4) for key, value in usage.items() if key != "bit_on_rates"}})
    for method, function in (("LSH", lsh), ("PCA-ITQ", pca_itq)):
        _, test_codes = function(x_train, x_test, BITS)
        rows.append({"method": method, "bits": BITS,
                     "precision_at_5": precision_at_top(hamming(test_codes), split.test_subjects)})
    print(name, rows, flush=True)
    chance = float(np.mean([(np.sum(split.test_subjects == s) - 1) / (len(split.test) - 1)
                            for s in split.test_subjects]))
    return {**photo_folders.describe(name), "chance_precision": round(chance, 4), "rows": rows}


def run(folders: tuple[str, ...]) -> dict:
    return {"folders": [folder_case(name) for name in folders]}

