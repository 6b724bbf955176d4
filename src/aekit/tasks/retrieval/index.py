"""``HammingIndex``: exact Hamming k-NN search and hash-table lookup within a radius, over binary codes.

Search is exact: every item's distance is computed (``faiss.IndexBinaryFlat`` when faiss is installed,
otherwise XOR and ``np.bitwise_count`` over 64-bit words, on every core), and ties are broken by the items'
order in the index, so both paths return the same ids in the same order. ``radius_search`` looks the query's
code up in a hash table of the stored codes, together with every code at most ``radius`` bit flips away (the
semantic-hashing lookup), or scans; it can re-rank what it finds by the real-valued codes.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ...core.errors import ConfigError, DataError
from .bits import as_packed, flip_masks, hamming, words

QUERY_BLOCK = 32  # queries compared at once: a (32, n) distance table per block


class HammingIndex:
    """Binary codes with ids; ``add``, ``search``, ``radius_search``, ``save`` / ``load`` (``.aeidx``).

    ``metadata`` (a dict, saved with the index) records where the codes came from: :func:`build` fills in the
    run, the model's fingerprint and the data.

    Parameters
    ----------
    bits : int
        Bits per code, at least 1.
    backend : {"auto", "numpy", "faiss"}, default="auto"
        What :meth:`search` computes distances with: faiss's ``IndexBinaryFlat`` (needs ``faiss-cpu``, and
        codes of whole bytes), or NumPy; ``"auto"`` takes faiss when it is installed and can. Both give the
        same results.
    """

    def __init__(self, bits: int, backend: str = "auto"):
        if isinstance(bits, bool) or not isinstance(bits, int | np.integer) or bits < 1:
            raise ConfigError(f"Received bits={bits!r}; expected a positive number of bits per code.")
        if backend not in ("auto", "numpy", "faiss"):
            raise ConfigError(f"Received backend={backend!r}; expected 'auto', 'numpy' or 'faiss'.")
        self.bits = int(bits)
        self.backend = backend
        self._packed = np.zeros((0, -(-self.bits // 8)), np.uint8)
        self._ids = np.zeros(0, np.int64)
        self._real: np.ndarray | None = None
        self._cache: dict = {}
        self.metadata: dict = {}  # where the codes came from (run, model fingerprint, data); saved with the index

    # -- contents ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._packed)

    @property
    def ids(self) -> np.ndarray:
        """The items' ids in index order: int64 numbers, or objects (strings) for named ids."""
        return self._ids

    def add(self, codes, ids=None, real=None) -> HammingIndex:
        """Add codes (0/1 ``(n, bits)`` or packed bytes) with their ids (default: their positions in the
        index), and optionally their real-valued codes ``(n, bits)`` for re-ranking.

        Parameters
        ----------
        codes : array-like of shape (n, bits) or (n, ceil(bits / 8))
            0/1 bits, or packed uint8 bytes (:func:`numpy.packbits` order).
        ids : array-like of shape (n,), optional
            One id per code: integers, or strings (named ids); one index holds ids of one kind. None numbers
            the codes by their positions in the index (not allowed in an index of named ids).
        real : array-like of shape (n, bits), optional
            The codes' real values (a hashing model's bit probabilities), for :meth:`radius_search`'s
            re-ranking; given for every item or for none.

        Returns
        -------
        self : HammingIndex
            The index, for chaining.
        """
        packed, _ = as_packed(codes, self.bits)
        count = len(packed)
        if ids is None:
            if self._ids.dtype == object:
                raise DataError("This index has named ids; pass ids=... for the new codes too.")
            ids = np.arange(len(self), len(self) + count, dtype=np.int64)
        ids = np.asarray(ids)
        if ids.shape != (count,):
            raise DataError(f"Received {len(ids)} ids for {count} codes; expected one id per code.")
        named = ids.dtype.kind in "OUS"
        if len(self) and named != (self._ids.dtype == object):
            raise DataError("Mixing named and numbered ids in one index; give ids of one kind.")
        if real is not None or self._real is not None:
            if real is None or (self._real is None and len(self)):
                raise DataError("Real-valued codes are needed for every item or for none.")
            real = np.asarray(real, np.float32).reshape(count, self.bits)
            self._real = real if self._real is None else np.concatenate([self._real, real])
        self._packed = np.concatenate([np.asarray(self._packed), packed])
        self._ids = np.concatenate([self._ids.astype(object) if named else self._ids,
                                    ids.astype(object) if named else ids.astype(np.int64)])
        self._cache.clear()
        return self

    def _words(self) -> np.ndarray:
        if "words" not in self._cache:
            self._cache["words"] = words(np.asarray(self._packed))
        return self._cache["words"]

    # -- k nearest ------------------------------------------------------------------------------
    def search(self, codes, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest items of each query: ``(ids (q, k), distances (q, k))``, nearest first, ties by
        position in the index. Fewer than ``k`` items: all of them.

        Parameters
        ----------
        codes : array-like of shape (q, bits) or (q, ceil(bits / 8))
            Query codes: 0/1 bits, or packed bytes.
        k : int
            How many neighbours per query, at least 1.

        Returns
        -------
        ids : ndarray of shape (q, min(k, len(index)))
            The ids of the nearest items, nearest first.
        distances : ndarray of shape (q, min(k, len(index)))
            Their Hamming distances, uint16.
        """
        packed, _ = as_packed(codes, self.bits)
        k = min(int(k), len(self))
        if k < 1:
            raise DataError("The index is empty, or k < 1: nothing to return.")
        positions, distances = self._faiss_search(packed, k) if self._use_faiss() else self._numpy_search(packed, k)
        return self._ids[positions], distances

    def _use_faiss(self) -> bool:
        if self.backend == "numpy" or self.bits % 8:
            return False
        try:
            import faiss  # noqa: F401
        except ImportError:
            if self.backend == "faiss":
                raise ConfigError("backend='faiss' needs faiss: pip install faiss-cpu.") from None
            return False
        return True

    def _numpy_search(self, packed: np.ndarray, k: int):
        query_words, item_words = words(packed), self._words()
        blocks = [slice(i, i + QUERY_BLOCK) for i in range(0, len(query_words), QUERY_BLOCK)]

        def one_block(block):
            return _top_k(hamming(query_words[block], item_words), k)

        with ThreadPoolExecutor(max(1, min(len(blocks), os.cpu_count() or 1))) as pool:
            parts = list(pool.map(one_block, blocks))
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _faiss_search(self, packed: np.ndarray, k: int):
        index = self._faiss_index()
        distances, _ = index.search(packed, k)
        positions, result = [], []
        for block in range(0, len(packed), QUERY_BLOCK):  # every item at the k-th distance, to break ties
            rows = slice(block, block + QUERY_BLOCK)
            limits, found_d, found_i = index.range_search(packed[rows], int(distances[rows, -1].max()) + 1)
            for row, (start, stop) in enumerate(zip(limits[:-1], limits[1:])):
                d, i = found_d[start:stop], found_i[start:stop]
                keep = d <= distances[block + row, -1]
                order = np.lexsort((i[keep], d[keep]))[:k]
                positions.append(i[keep][order])
                result.append(d[keep][order])
        return np.stack(positions).astype(np.int64), np.stack(result).astype(np.uint16)

    def _faiss_index(self):
        if "faiss" not in self._cache:
            import faiss

            index = faiss.IndexBinaryFlat(self.bits)
            index.add(np.ascontiguousarray(self._packed))
            self._cache["faiss"] = index
        return self._cache["faiss"]

    # -- within a radius ------------------------------------------------------------------------
    def radius_search(self, codes, radius: int, method: str = "auto", rerank=None) -> list[tuple]:
        """Every item within ``radius`` bits of each query: a list of ``(ids, distances)``, nearest first, ties
        by position, or by the distance between real-valued codes with ``rerank`` (the queries' real codes).

        ``method="hash"`` looks up the query's code and all codes ``radius`` flips away in a hash table of the
        stored codes (up to 64 bits); ``"scan"`` compares with every item; ``"auto"`` hashes when the flips are
        fewer than the items.

        Parameters
        ----------
        codes : array-like of shape (q, bits) or (q, ceil(bits / 8))
            Query codes: 0/1 bits, or packed bytes.
        radius : int
            The largest Hamming distance returned, at least 0.
        method : {"auto", "hash", "scan"}, default="auto"
            How items are found (see above); any other value scans. Both find the same items.
        rerank : array-like of shape (q, bits), optional
            The queries' real-valued codes: order each query's items by the squared Euclidean distance between
            real-valued codes instead of by Hamming distance. Needs the items' real codes (``add(real=...)``).

        Returns
        -------
        list of tuple of (ndarray, ndarray)
            One ``(ids, distances)`` pair per query: the ids of the items within ``radius``, in order, and
            their Hamming distances (uint16).
        """
        packed, _ = as_packed(codes, self.bits)
        radius = int(radius)
        if radius < 0:
            raise ConfigError(f"Received radius={radius}; expected 0 or more bits.")
        if method not in ("auto", "hash", "scan"):
            raise ConfigError(f"Received method={method!r}; expected 'auto', 'hash' or 'scan'.")
        if rerank is not None and self._real is None:
            raise DataError("Re-ranking needs the items' real-valued codes: add them with add(..., real=...).")
        flips = _count_flips(self.bits, radius)
        use_hash = method == "hash" or (method == "auto" and self.bits <= 64 and flips < len(self))
        if use_hash and self.bits > 64:
            raise ConfigError("The hash-table lookup takes codes of up to 64 bits; use method='scan'.")
        found = self._hash_lookup(packed, radius) if use_hash else self._scan_within(packed, radius)
        results = []
        for row, (positions, distances) in enumerate(found):
            if rerank is not None:
                gap = np.sum((self._real[positions] - np.asarray(rerank, np.float32)[row]) ** 2, axis=1)
                order = np.lexsort((positions, gap))
            else:
                order = np.lexsort((positions, distances))
            results.append((self._ids[positions[order]], distances[order]))
        return results

    def _scan_within(self, packed: np.ndarray, radius: int):
        distances = hamming(words(packed), self._words())
        return [(np.flatnonzero(row <= radius), row[row <= radius]) for row in distances]

    def _hash_lookup(self, packed: np.ndarray, radius: int):
        keys, starts, order = self._table()
        if ("masks", radius) not in self._cache:
            self._cache[("masks", radius)] = words(flip_masks(self.bits, radius))[:, 0]
        masks = self._cache[("masks", radius)]
        flips = np.bitwise_count(masks).astype(np.uint16)
        out = []
        for query in words(packed)[:, 0]:
            probes = query ^ masks
            slot = np.searchsorted(keys, probes)
            hit = (slot < len(keys)) & (keys[np.minimum(slot, len(keys) - 1)] == probes)
            positions = [order[starts[s]:starts[s + 1]] for s in slot[hit]]
            counts = [len(p) for p in positions]
            out.append((np.concatenate(positions) if positions else np.zeros(0, np.int64),
                        np.repeat(flips[hit], counts) if positions else np.zeros(0, np.uint16)))
        return out

    def _table(self):
        """Sorted distinct codes, where each one's items start in ``order``, and the items sorted by code."""
        if "table" not in self._cache:
            codes = self._words()[:, 0]
            order = np.argsort(codes, kind="stable")
            keys, starts = np.unique(codes[order], return_index=True)
            self._cache["table"] = (keys, np.append(starts, len(codes)), order)
        return self._cache["table"]

    # -- files -------------------------------------------------------------------------------------
    def save(self, path, overwrite: bool = False) -> None:
        """Write the index as an ``.aeidx`` file (see :mod:`aekit.tasks.retrieval.file_format`), atomically; an existing
        file is replaced only with ``overwrite`` (see :mod:`aekit.core.outputs`).

        Parameters
        ----------
        path : str or os.PathLike
            The file to write: codes, ids, real-valued codes and ``metadata``.
        overwrite : bool, default=False
            Replace an existing file.
        """
        from ...core.outputs import check_file
        from .file_format import write_index

        check_file(path, overwrite=overwrite)

        write_index(self, path)

    @classmethod
    def load(cls, path, mmap: bool = True) -> HammingIndex:
        """Read an ``.aeidx`` file; with ``mmap`` the codes stay on disk, mapped into memory.

        Parameters
        ----------
        path : str or os.PathLike
            A file written by :meth:`save`.
        mmap : bool, default=True
            Map the codes from the file (read only) instead of copying them into memory; they are still read
            once, to verify their checksum.

        Returns
        -------
        HammingIndex
            The index, with its ids, real-valued codes and ``metadata``; its backend is ``"auto"``.
        """
        from .file_format import read_index

        return read_index(cls, path, mmap=mmap)


def _top_k(distances: np.ndarray, k: int):
    """Per row: the positions and distances of the ``k`` smallest distances, ties by position."""
    rows, count = distances.shape
    most = int(distances.max()) + 1 if distances.size else 1
    offsets = (np.arange(rows, dtype=np.int64) * most)[:, None]
    histogram = np.bincount((distances + offsets).ravel(), minlength=rows * most).reshape(rows, most)
    threshold = np.argmax(np.cumsum(histogram, axis=1) >= k, axis=1)
    positions, values = np.zeros((rows, k), np.int64), np.zeros((rows, k), np.uint16)
    for row in range(rows):
        candidates = np.flatnonzero(distances[row] <= threshold[row])
        order = np.lexsort((candidates, distances[row, candidates]))[:k]
        positions[row], values[row] = candidates[order], distances[row, candidates[order]]
    return positions, values


def _count_flips(bits: int, radius: int) -> int:
    from math import comb

    return sum(comb(bits, r) for r in range(min(radius, bits) + 1))
