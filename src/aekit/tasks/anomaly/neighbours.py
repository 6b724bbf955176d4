"""The neighbour part of the anomaly score: how far a row lies from the nearest normal training rows.

The autoencoder's residual says how badly a row fits the patterns the model learned; it misses rows that fit
those patterns yet sit where no normal row lies (between clusters, or in an empty corner of a narrow table). The
squared distance to the nearest training row, in the same scaled space, catches those. Together the two beat
either alone on the benchmark tables, see benchmarks/anomaly.py.

Each part is divided by its mean over the training rows, so both average 1 on normal data and neither drowns the
other whatever the width or scale. The neighbour part splits by column like the reconstruction part does
(``(x_j - r_j)^2`` for the nearest reference ``r``), so a row's per-column contributions still sum to its score
and explanations name the columns that set it apart from its nearest normal rows.

The references are at most ``MAX_REFERENCES`` training rows (drawn with the detector's seed; for ``robust=True``
only rows the trimmed model kept), which bounds both the artifact and the cost of scoring a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...core.errors import ArtifactError

MAX_REFERENCES = 4096
REFERENCES_FILE = "neighbour_references.npy"
_CHUNK_ELEMENTS = 1 << 22  # rows x references per distance block: about 16 MB of float32
# Up to this many columns a k-d tree finds the neighbours faster than comparing with every reference (scikit-learn's
# NearestNeighbors draws its line at the same width); measured 2.2 s -> 0.1 s for 200,000 rows of 3 columns.
TREE_MAX_COLUMNS = 15


@dataclass
class NeighbourModel:
    """``references`` (m, d) in the scaled space, ``k`` neighbours averaged, ``scale`` (the training mean)."""

    references: np.ndarray
    k: int
    scale: float = 1.0
    _tree: object = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def fit(cls, scaled: np.ndarray, kept: np.ndarray, k: int, seed: int | None) -> tuple["NeighbourModel", np.ndarray]:
        """Fit on training rows ``scaled`` (n, d); returns the model and every training row's neighbour part.

        A training row's own entry is left out of its neighbours, so its part is what an unseen row like it
        would get; rows outside ``kept`` are never references.
        """
        rows = np.flatnonzero(kept)
        if len(rows) > MAX_REFERENCES:
            rows = np.sort(np.random.default_rng(seed).choice(rows, MAX_REFERENCES, replace=False))
        k = max(1, min(int(k), len(rows) - 1))
        model = cls(np.ascontiguousarray(scaled[rows], dtype=np.float32), k)
        own = np.full(len(scaled), -1)
        own[rows] = np.arange(len(rows))
        totals = np.concatenate([model.contributions(scaled[i:i + 8192], own[i:i + 8192]).sum(axis=1)
                                 for i in range(0, len(scaled), 8192)])
        model.scale = float(np.mean(totals[kept])) or 1.0
        return model, totals / model.scale

    def contributions(self, scaled: np.ndarray, own: np.ndarray | None = None) -> np.ndarray:
        """Per-value parts ``(n, d)``: the mean squared difference to the ``k`` nearest references, divided by
        ``scale``. ``own[i]`` is row i's own index among the references (-1: none), which is skipped."""
        rows = np.asarray(scaled, dtype=np.float32).reshape(len(scaled), -1)
        nearest = self._nearest(rows, own)
        total = np.zeros(rows.shape, dtype=np.float64)
        for j in range(self.k):  # one neighbour at a time: memory stays (n, d), never (n, k, d)
            total += (rows.astype(np.float64) - self.references[nearest[:, j]]) ** 2
        return total / (self.k * self.scale)

    def _nearest(self, rows: np.ndarray, own: np.ndarray | None) -> np.ndarray:
        """Indices ``(n, k)`` of each row's nearest references, by squared Euclidean distance."""
        if rows.shape[1] <= TREE_MAX_COLUMNS and len(rows):
            return self._nearest_in_tree(rows, own)
        return self._nearest_by_brute_force(rows, own)

    def _nearest_in_tree(self, rows: np.ndarray, own: np.ndarray | None) -> np.ndarray:
        """The same neighbours from a k-d tree of the references, searched on every core. With ``own``, one more
        is asked for and each row's own entry dropped (the farthest, where a tie hid it)."""
        from scipy.spatial import cKDTree

        if self._tree is None:
            self._tree = cKDTree(self.references)
        extra = 0 if own is None else 1
        _, found = self._tree.query(rows, k=self.k + extra, workers=-1)
        found = np.asarray(found, dtype=np.int64).reshape(len(rows), self.k + extra)
        if not extra:
            return found
        is_own = found == np.asarray(own)[:, None]
        drop = np.where(is_own.any(axis=1), is_own.argmax(axis=1), self.k)
        keep = np.ones(found.shape, dtype=bool)
        keep[np.arange(len(rows)), drop] = False
        return found[keep].reshape(len(rows), self.k)

    def _nearest_by_brute_force(self, rows: np.ndarray, own: np.ndarray | None) -> np.ndarray:
        squared_refs = np.einsum("ij,ij->i", self.references, self.references)
        step = max(1, _CHUNK_ELEMENTS // max(1, len(self.references)))
        found = []
        for start in range(0, len(rows), step):
            part = rows[start:start + step]
            distances = squared_refs[None, :] - 2.0 * (part @ self.references.T)
            if own is not None:
                mine = own[start:start + step]
                hit = np.flatnonzero(mine >= 0)
                distances[hit, mine[hit]] = np.inf
            # k passes of argmin are 3x faster than one argpartition for the few neighbours used here.
            chosen = np.empty((len(part), self.k), dtype=np.int64)
            every = np.arange(len(part))
            for j in range(self.k):
                chosen[:, j] = np.argmin(distances, axis=1)
                if j + 1 < self.k:
                    distances[every, chosen[:, j]] = np.inf
            found.append(chosen)
        return np.concatenate(found) if found else np.zeros((0, self.k), dtype=int)

    # -- saving: k and scale in aekit.json, the references beside it ---------------------------------
    def to_meta(self) -> dict:
        return {"k": self.k, "scale": self.scale, "references": int(len(self.references))}

    def save_files(self, folder: Path, name: str = REFERENCES_FILE) -> None:
        with open(Path(folder) / name, "wb") as handle:
            np.save(handle, self.references)

    @classmethod
    def from_saved(cls, meta: dict, folder: Path, n_values: int, name: str = REFERENCES_FILE) -> "NeighbourModel":
        path = Path(folder) / name
        try:
            k, scale = int(meta["k"]), float(meta["scale"])
            references = np.load(path, allow_pickle=False).astype(np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"The saved neighbour score is malformed ({exc}); refit and save the "
                                "detector.") from None
        except (OSError, EOFError) as exc:
            raise ArtifactError(f"{path} is missing or unreadable ({type(exc).__name__}); the neighbour score needs "
                                "it. Refit and save the detector again.") from None
        if references.ndim != 2 or references.shape[1] != n_values or not 1 <= k <= len(references):
            raise ArtifactError(f"{path} holds references of shape {references.shape}, which do not fit a model of "
                                f"{n_values} values with k={k}; the run is inconsistent. Refit it.")
        return cls(references, k, scale)
