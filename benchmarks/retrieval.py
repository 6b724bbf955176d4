"""Semantic hashing on MNIST and Fashion-MNIST: retrieval quality at 16/32/64 bits, and search speed.

Database: the 60,000 training images; queries: the 10,000 test images; relevant = same label. Hamming
ranking with ties broken by database order, no re-ranking. P@100 is the share of relevant items among the
first 100; mAP@1000 the mean over queries of the average precision over the first 1,000 (normalised by the
relevant items among them, as the hashing literature reports it).

Methods: aekit's ``hashing`` model (trained on the database images, defaults apart from the bits); LSH
(random hyperplanes through the centred pixels); PCA-ITQ (Gong & Lazebnik 2011: PCA to ``bits`` dimensions,
then 50 iterations of iterative quantisation); and the ceiling, exact Euclidean k-NN on the raw pixels.

Speed: a linear Hamming scan over 1,000,000 64-bit codes (the database's codes repeated), queries/s and 64-bit
comparisons/s, with NumPy and faiss; and the hash-table lookup at radius 2 with 32-bit codes against the
scan, at 1,000,000 items.

Small folders of real photos (``photos``): benchmarks/retrieval_photos.py.

    python -m benchmarks.retrieval [--quick] [--only mnist,fashion_mnist,speed,photos]  # -> results/retrieval.json
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from . import retrieval_photos
from ._common import data_dir, kept_parts, median, write_result

SEED, BITS, TOP, MAP_DEPTH = 0, (16, 32, 64), 100, 1000
PICTURES = Path(__file__).resolve().parent / "results" / "retrieval"


def precision_and_map(ranked: np.ndarray, query_labels: np.ndarray, labels: np.ndarray) -> dict:
    relevant = labels[ranked] == query_labels[:, None]
    precision_at = np.cumsum(relevant, axis=1) / np.arange(1, relevant.shape[1] + 1)
    found = relevant.sum(axis=1)
    average = np.where(found > 0, (precision_at * relevant).sum(axis=1) / np.maximum(found, 1), 0.0)
    return {"p_at_100": round(float(relevant[:, :TOP].mean()), 4), "map_at_1000": round(float(average.mean()), 4)}


def hamming_quality(train_bits: np.ndarray, test_bits: np.ndarray, train_y, test_y) -> dict:
    from aekit.tasks.retrieval import HammingIndex

    index = HammingIndex(train_bits.shape[1]).add(train_bits)
    ranked, _ = index.search(test_bits, MAP_DEPTH)
    balance = float(np.abs(train_bits.mean(axis=0) - 0.5).mean())
    return {**precision_and_map(ranked.astype(np.int64), test_y, train_y), "mean_bit_imbalance": round(balance, 4)}


def lsh(train: np.ndarray, test: np.ndarray, bits: int):
    mean = train.mean(axis=0)
    planes = np.random.default_rng(SEED).standard_normal((train.shape[1], bits))
    return ((train - mean) @ planes > 0).astype(np.uint8), ((test - mean) @ planes > 0).astype(np.uint8)


def pca_itq(train: np.ndarray, test: np.ndarray, bits: int, iterations: int = 50):
    from sklearn.decomposition import PCA

    pca = PCA(bits, random_state=SEED).fit(train)
    projected, queries = pca.transform(train), pca.transform(test)
    rotation = np.linalg.qr(np.random.default_rng(SEED).standard_normal((bits, bits)))[0]
    for _ in range(iterations):
        codes = np.sign(projected @ rotation)
        left, _, right = np.linalg.svd(projected.T @ codes)
        rotation = left @ right
    return (projected @ rotation > 0).astype(np.uint8), (queries @ rotation > 0).astype(np.uint8)


def euclidean_ceiling(train: np.ndarray, test: np.ndarray, train_y, test_y) -> dict:
    squared = (train ** 2).sum(axis=1)
    ranked = []
    for start in range(0, len(test), 500):
        block = test[start:start + 500]
        distances = squared[None, :] - 2 * block @ train.T
        nearest = np.argpartition(distances, MAP_DEPTH, axis=1)[:, :MAP_DEPTH]
        order = np.take_along_axis(distances, nearest, axis=1).argsort(axis=1, kind="stable")
        ranked.append(np.take_along_axis(nearest, order, axis=1))
    return precision_and_map(np.concatenate(ranked), test_y, train_y)


def quality(name: str, quick: bool) -> dict:
    import aekit

    train = aekit.data.load(name, split="train", max_samples=10_000 if quick else None)
    test = aekit.data.load(name, split="test", max_samples=1_000 if quick else None)
    x_train = train.X.reshape(len(train.X), -1).astype(np.float32) / 255.0
    x_test = test.X.reshape(len(test.X), -1).astype(np.float32) / 255.0
    rows = [{"method": "Euclidean k-NN, raw pixels (ceiling)", "bits": None,
             **euclidean_ceiling(x_train, x_test, train.y, test.y)}]
    for bits in BITS:
        started = time.perf_counter()
        model = aekit.Autoencoder(model="hashing", latent_dim=bits, seed=SEED).fit(train)
        seconds = time.perf_counter() - started
        codes = model.transform(train), model.transform(test)
        rows.append({"method": "aekit hashing", "bits": bits, **hamming_quality(*codes, train.y, test.y),
                     "training_seconds": round(seconds, 1), "epochs_run": len(model.history_["loss"])})
        if bits == 32:
            draw_queries(name, train.X, test.X, *codes)
        for method, function in (("LSH", lsh), ("PCA-ITQ", pca_itq)):
            rows.append({"method": method, "bits": bits,
                         **hamming_quality(*function(x_train, x_test, bits), train.y, test.y)})
        print(rows[-3:], flush=True)
    return {"dataset": name, "database": len(train), "queries": len(test), "rows": rows}


def draw_queries(name: str, database: np.ndarray, queries: np.ndarray, database_bits, query_bits,
                 count: int = 8, k: int = 10) -> None:
    """A PNG: each of the first ``count`` test images, then its ``k`` nearest database images by Hamming rank."""
    from aekit.core.plots import save_image, tile
    from aekit.tasks.retrieval import HammingIndex

    found, _ = HammingIndex(database_bits.shape[1]).add(database_bits).search(query_bits[:count], k)
    grid = [image for q in range(count) for image in (queries[q], *database[found[q].astype(np.int64)])]
    PICTURES.mkdir(parents=True, exist_ok=True)
    save_image(tile(np.stack(grid).astype(np.float32) / 255.0, k + 1), PICTURES / f"{name}-queries.png", scale=2)


def speed(quick: bool) -> dict:
    from aekit.tasks.retrieval import HammingIndex

    rng = np.random.default_rng(SEED)
    items = 100_000 if quick else 1_000_000
    codes64 = (rng.random((items, 64)) < 0.5).astype(np.uint8)
    queries = (rng.random((256, 64)) < 0.5).astype(np.uint8)
    result = {"items": items}
    for backend in ("numpy", "faiss"):
        index = HammingIndex(64, backend=backend).add(codes64)
        index.search(queries[:4], 10)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            index.search(queries, 10)
            runs.append(time.perf_counter() - started)
        per_second = len(queries) / median(runs)
        result[f"scan_{backend}"] = {"queries_per_second": round(per_second, 1),
                                     "comparisons_per_second": round(per_second * items / 1e6, 1)}
    index32 = HammingIndex(32, backend="numpy").add(codes64[:, :32])
    index32.radius_search(queries[:2, :32], 2)
    timings = {}
    for method in ("hash", "scan"):
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            index32.radius_search(queries[:, :32], 2, method=method)
            runs.append(time.perf_counter() - started)
        timings[method] = len(queries) / median(runs)
    result["radius2_32bit"] = {"hash_queries_per_second": round(timings["hash"], 1),
                               "scan_queries_per_second": round(timings["scan"], 1),
                               "hash_vs_scan": round(timings["hash"] / timings["scan"], 1)}
    result["threads"] = os.cpu_count()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="mnist,fashion_mnist,speed,photos")
    parser.add_argument("--quick", action="store_true", help="10,000 database images, 1,000 queries, 100k codes")
    args = parser.parse_args()
    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    started = time.time()
    os.environ.setdefault("KERAS_BACKEND", "jax")  # what `aekit train --model hashing` uses (a dense family)
    payload = {"seed": SEED, "quick": args.quick, "backend": os.environ["KERAS_BACKEND"]}
    for part in args.only.split(","):
        if part == "photos":
            payload[part] = retrieval_photos.run(retrieval_photos.FOLDERS)
        else:
            payload[part] = speed(args.quick) if part == "speed" else quality(part, args.quick)
    name = "retrieval-quick" if args.quick else "retrieval"
    kept = kept_parts(name, ("mnist", "fashion_mnist", "speed", "photos"), payload)
    write_result(name, {**kept, **payload}, started)


if __name__ == "__main__":
    main()
