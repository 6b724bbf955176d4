"""How the hashing model's defaults were chosen: variants compared on a development split, then checked elsewhere.

Development: Fashion-MNIST's *training* images only (database: the first 50,000; queries: 1,000 of the last
10,000), so that neither benchmark test set takes part in the choice. Check: the same variants on MNIST (60,000
database / first 1,000 test queries), reported beside it. 32 bits, P@100 with Hamming ranking (ties by id).

    python -m benchmarks.retrieval_defaults [--variants default,noise8,...]  # -> results/retrieval_defaults.json
"""

from __future__ import annotations

import argparse
import json
import os
import time

from ._common import RESULTS, data_dir, write_result
from .retrieval import SEED, hamming_quality, pca_itq

VARIANTS = {
    "default": {},
    "noise2": {"code_noise": 2.0},
    "noise8": {"code_noise": 8.0},
    "straight_through": {"binarizer": "straight_through"},
    "similarity1": {"similarity_weight": 1.0},
    "similarity3": {"similarity_weight": 3.0},
    "wide": {"hidden": [1024, 512]},
    "neighbour1": {"neighbour_weight": 1.0},
    "neighbour3": {"neighbour_weight": 3.0},
    "no_regularisers": {"balance_weight": 0.0, "decorrelation_weight": 0.0},
    "own_targets": {"neighbour_targets": 0},
    "neighbour_targets30": {"neighbour_targets": 30},
}


def splits(name: str):
    import aekit

    if name == "fashion_dev":
        full = aekit.data.load("fashion_mnist", split="train")
        return full.X[:50_000], full.y[:50_000], full.X[50_000:51_000], full.y[50_000:51_000]
    train, test = aekit.data.load(name, split="train"), aekit.data.load(name, split="test", max_samples=1000)
    return train.X, train.y, test.X, test.y


def main() -> None:
    import aekit

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--sets", default="fashion_dev,mnist")
    args = parser.parse_args()
    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    started = time.time()
    rows = []
    for name in args.sets.split(","):
        x_train, y_train, x_query, y_query = splits(name)
        flat = [x.reshape(len(x), -1).astype("float32") / 255.0 for x in (x_train, x_query)]
        rows.append({"set": name, "variant": "PCA-ITQ (reference)",
                     **hamming_quality(*pca_itq(*flat, 32), y_train, y_query)})
        print(rows[-1], flush=True)
        for variant in args.variants.split(","):
            began = time.perf_counter()
            model = aekit.Autoencoder(model="hashing", latent_dim=32, seed=SEED, **VARIANTS[variant]).fit(x_train)
            row = {"set": name, "variant": variant, "params": VARIANTS[variant],
                   **hamming_quality(model.transform(x_train), model.transform(x_query), y_train, y_query),
                   "training_seconds": round(time.perf_counter() - began, 1)}
            rows.append(row)
            print(row, flush=True)
    write_result("retrieval_defaults", {"seed": SEED, "bits": 32, "rows": earlier_rows(rows) + rows}, started)


def earlier_rows(rows: list[dict]) -> list[dict]:
    """The last run's rows for (set, variant) pairs this run did not measure, stamped with their commit, so that
    variants can be added one run at a time without losing the comparison."""
    path = RESULTS / "retrieval_defaults.json"
    if not path.is_file():
        return []
    previous = json.loads(path.read_text())
    measured = {(row["set"], row["variant"]) for row in rows}
    stamp = {"date": previous["date"], "commit": (previous.get("code") or {}).get("commit")}
    return [{**row, "measured": row.get("measured", stamp)} for row in previous["rows"]
            if (row["set"], row["variant"]) not in measured]


if __name__ == "__main__":
    main()
