"""Hash and search: 16-bit binary codes for the digits, a Hamming index, and nearest-neighbour search.

Shows the ``hashing`` family and ``aekit.tasks.retrieval`` of docs/guides/hash-and-search.md on the bundled
8x8 digits (no download): a semantic-hashing autoencoder gives each training digit 16 bits, ``build`` indexes
them (saved as an ``.aeidx`` file and loaded back), and every test digit is a query: its 10 nearest codes by
Hamming distance, and everything within 1 bit flip, re-ranked by the real-valued codes. It prints how often the
neighbours are the query's digit (precision@10) and draws queries next to what they found.

Run it with::

    python examples/hash_and_search.py [-o OUTPUT_DIR]     # default: runs/examples/hash_and_search
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import aekit
from aekit.tasks.retrieval import HammingIndex, build

PICTURES = ["neighbours.png", "hashing/loss.png"]
K = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("runs/examples/hash_and_search"))
    output = parser.parse_args().output
    train, test = aekit.data.load("digits"), aekit.data.load("digits", split="test")

    model = aekit.Autoencoder(model="hashing", latent_dim=16, hidden=[256, 128], epochs=40, seed=0).fit(train)
    model.save(output / "hashing", overwrite=True)
    build(model, train).save(output / "digits.aeidx", overwrite=True)
    index = HammingIndex.load(output / "digits.aeidx")  # memory-mapped: the codes stay on disk

    bits = model.transform(test)  # (n, 16) of 0/1
    ids, distances = index.search(bits, k=K)  # ids are row numbers of the training split
    precision = np.mean(train.y[ids] == test.y[:, None])
    found = index.radius_search(bits, 1, rerank=model.encode(test, real=True))
    hits = [train.y[i[:K]] == label for (i, _), label in zip(found, test.y) if len(i)]
    print(f"{len(index)} training digits in 16 bits each; precision@{K} {precision:.3f} "
          f"(chance {np.sum((np.bincount(train.y) / len(train)) ** 2):.2f})")
    print(f"within 1 bit: {np.mean([len(i) for i, _ in found]):.0f} digits per query on average, "
          f"{np.mean(np.concatenate(hits)):.3f} of the first {K} of the right class after re-ranking")

    queries = 6
    figure, axes = plt.subplots(queries, K + 1, figsize=((K + 1) * 0.75, queries * 0.85))
    for row in range(queries):
        axes[row, 0].imshow(test.X[row, ..., 0], cmap="gray", vmin=0, vmax=16)
        for column, (item, distance) in enumerate(zip(ids[row], distances[row]), start=1):
            axes[row, column].imshow(train.X[item, ..., 0], cmap="gray", vmin=0, vmax=16)
            right = train.y[item] == test.y[row]  # green title: same digit as the query
            axes[row, column].set_title(f"d={distance}", fontsize=7, color="green" if right else "red")
        for axis in axes[row]:
            axis.set_xticks([])
            axis.set_yticks([])
    axes[0, 0].set_title("query", fontsize=7)
    figure.suptitle(f"Test queries and their {K} nearest training digits by Hamming distance")
    figure.savefig(output / PICTURES[0], dpi=110, bbox_inches="tight")


if __name__ == "__main__":
    main()
