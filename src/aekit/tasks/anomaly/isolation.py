"""The isolation part of the score: how few random axis-parallel cuts set a row apart (Liu et al.'s isolation forest).

When the training rows may hold anomalies, the autoencoder and the nearest neighbours can learn them too: a cluster
of near-identical attacks is reconstructed well and has close neighbours. An isolation forest, trained on the same
rows, still isolates such rows in few cuts, because it models where the bulk of the data is dense, not what each
row looks like. Both families together beat either alone on the contaminated benchmark splits
(benchmarks/anomaly.py).

The forest is grown by scikit-learn (``IsolationForest`` at its defaults) and kept as plain arrays, one row per
node, so that a run directory holds no pickled objects; scoring walks those arrays with NumPy and gives
scikit-learn's ``-score_samples`` exactly (tested).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...core.errors import ArtifactError

FOREST_FILE = "isolation_forest.npz"
NODE_FIELDS = ("left", "right", "feature", "threshold", "size")
# Scoring on several cores pays from about this many rows per core (measured: 7,600 rows ran slower on two).
MIN_ROWS_PER_THREAD = 8192


def average_path_length(n: np.ndarray) -> np.ndarray:
    """The mean path length of an unsuccessful search in a binary search tree of ``n`` points (Liu et al.'s c(n))."""
    n = np.asarray(n, dtype=np.float64)
    out = np.zeros_like(n)
    out[n == 2] = 1.0
    large = n > 2
    out[large] = 2.0 * (np.log(n[large] - 1.0) + np.euler_gamma) - 2.0 * (n[large] - 1.0) / n[large]
    return out


@dataclass
class IsolationModel:
    """Every tree's nodes (``left``, ``right`` = -1 at a leaf, ``feature``, ``threshold``, ``size``), concatenated;
    ``starts[t]`` is tree t's first node; ``samples`` the rows each tree was grown on."""

    nodes: dict[str, np.ndarray]
    starts: np.ndarray
    samples: int

    @classmethod
    def fit(cls, scaled: np.ndarray, seed: int | None) -> "IsolationModel":
        from sklearn.ensemble import IsolationForest

        forest = IsolationForest(random_state=seed).fit(np.asarray(scaled, dtype=np.float32))
        trees = [estimator.tree_ for estimator in forest.estimators_]
        offsets = np.cumsum([0] + [tree.node_count for tree in trees])
        columns = {"left": [], "right": [], "feature": [], "threshold": [], "size": []}
        for tree, offset in zip(trees, offsets[:-1]):
            leaf = tree.children_left == -1
            columns["left"].append(np.where(leaf, -1, tree.children_left + offset))
            columns["right"].append(np.where(leaf, -1, tree.children_right + offset))
            columns["feature"].append(np.where(leaf, 0, tree.feature))
            columns["threshold"].append(tree.threshold)
            columns["size"].append(tree.n_node_samples)
        nodes = {name: np.concatenate(parts) for name, parts in columns.items()}
        nodes = {name: values.astype(np.float64 if name == "threshold" else np.int64) for name, values in nodes.items()}
        return cls(nodes, offsets[:-1].astype(np.int64), int(forest.max_samples_))

    def scores(self, scaled: np.ndarray) -> np.ndarray:
        """Each row's anomaly score in (0, 1], ``2 ** -(mean path length / c(samples))``; higher = isolated sooner.

        Many rows are split into one block per core, walked at once (NumPy's indexing releases the GIL); each
        row's walk is its own, so the scores are those of one serial walk, bit for bit."""
        rows = np.asarray(scaled, dtype=np.float32).reshape(len(scaled), -1)
        threads = min(os.cpu_count() or 1, len(rows) // MIN_ROWS_PER_THREAD)
        if threads < 2:
            return self._walk(rows)
        with ThreadPoolExecutor(threads) as pool:
            return np.concatenate(list(pool.map(self._walk, np.array_split(rows, threads))))

    def _walk(self, rows: np.ndarray) -> np.ndarray:
        left, right, feature = self.nodes["left"], self.nodes["right"], self.nodes["feature"]
        threshold, size = self.nodes["threshold"], self.nodes["size"]
        total = np.zeros(len(rows))
        index = np.arange(len(rows))
        for start in self.starts:
            node = np.full(len(rows), start)
            depth = np.zeros(len(rows))
            inner = left[node] != -1
            while inner.any():
                at = node[inner]
                goes_left = rows[index[inner], feature[at]] <= threshold[at]
                node[inner] = np.where(goes_left, left[at], right[at])
                depth[inner] += 1
                inner = left[node] != -1
            total += depth + average_path_length(size[node])
        mean_path = total / len(self.starts)
        return 2.0 ** (-mean_path / float(average_path_length(np.array([self.samples]))[0]))

    # -- saving: one .npz of plain arrays beside aekit.json -----------------------------------------
    def to_meta(self) -> dict:
        return {"trees": int(len(self.starts)), "samples": self.samples}

    def save_files(self, folder: Path) -> None:
        with open(Path(folder) / FOREST_FILE, "wb") as handle:
            np.savez(handle, starts=self.starts, **self.nodes)

    @classmethod
    def from_saved(cls, meta: dict, folder: Path, n_values: int) -> "IsolationModel":
        path = Path(folder) / FOREST_FILE
        try:
            with np.load(path, allow_pickle=False) as saved:
                nodes = {name: saved[name] for name in NODE_FIELDS}
                starts = saved["starts"]
            samples = int(meta["samples"])
        except (OSError, EOFError, KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"{path} is missing or unreadable ({type(exc).__name__}); the isolation part of the "
                                "score needs it. Refit and save the detector again.") from None
        count = len(nodes["left"])
        inner = nodes["left"] != -1
        if (len({len(v) for v in nodes.values()}) != 1 or not len(starts) or (nodes["feature"][inner] >= n_values).any()
                or (nodes["left"] >= count).any() or (nodes["right"] >= count).any()):
            raise ArtifactError(f"{path} does not hold a forest over {n_values} values; the run is inconsistent. "
                                "Refit it.")
        return cls(nodes, starts, samples)
