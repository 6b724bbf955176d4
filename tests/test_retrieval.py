"""Hamming index (aekit.tasks.retrieval): exact against brute force, radius lookup, files, and its bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

from aekit.errors import ArtifactError, ConfigError, DataError
from aekit.tasks.retrieval import HammingIndex


def random_codes(n: int, bits: int, seed: int, on: float = 0.5) -> np.ndarray:
    return (np.random.default_rng(seed).random((n, bits)) < on).astype(np.uint8)


def brute_force(items: np.ndarray, queries: np.ndarray, k: int):
    """The reference: every distance bit by bit, nearest first, ties by position."""
    distances = (queries[:, None, :] != items[None, :, :]).sum(axis=2)
    order = np.stack([np.lexsort((np.arange(len(items)), row))[:k] for row in distances])
    return order, np.take_along_axis(distances, order, axis=1)


@pytest.mark.parametrize("bits", [8, 13, 64, 100])
def test_search_matches_brute_force_with_ties_broken_by_position(bits):
    # Few distinct values (on=0.9) make many ties at every distance.
    items, queries = random_codes(700, bits, 0, on=0.9), random_codes(45, bits, 1, on=0.9)
    items[5] = items[300] = queries[0]  # exact duplicates: both at distance 0, in position order
    ids, distances = HammingIndex(bits, backend="numpy").add(items).search(queries, 25)
    expected_ids, expected_distances = brute_force(items, queries, 25)
    np.testing.assert_array_equal(ids, expected_ids)
    np.testing.assert_array_equal(distances, expected_distances)
    assert ids[0, 0] == 5 and 300 in ids[0][distances[0] == 0]


@pytest.mark.parametrize("bits", [16, 64, 128])
def test_faiss_and_numpy_return_the_same_ids_and_distances(bits):
    pytest.importorskip("faiss")
    items, queries = random_codes(2000, bits, 2, on=0.85), random_codes(70, bits, 3, on=0.85)
    by_numpy = HammingIndex(bits, backend="numpy").add(items).search(queries, 50)
    by_faiss = HammingIndex(bits, backend="faiss").add(items).search(queries, 50)
    for a, b in zip(by_numpy, by_faiss):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("method", ["hash", "scan"])
def test_radius_search_returns_exactly_the_items_within_the_radius(method):
    bits = 20
    items, queries = random_codes(3000, bits, 4, on=0.8), random_codes(30, bits, 5, on=0.8)
    index = HammingIndex(bits).add(items, ids=np.arange(3000) + 1000)
    distances = (queries[:, None, :] != items[None, :, :]).sum(axis=2)
    for radius in (0, 1, 2, 3):
        found = index.radius_search(queries, radius, method=method)
        for row, (ids, dists) in enumerate(found):
            within = np.flatnonzero(distances[row] <= radius)
            expected = within[np.lexsort((within, distances[row, within]))]
            np.testing.assert_array_equal(ids, expected + 1000)
            np.testing.assert_array_equal(dists, distances[row, expected])


def test_radius_search_refuses_an_unknown_method():
    index = HammingIndex(16).add(random_codes(10, 16, 1))
    with pytest.raises(ConfigError, match="Received method='hashes'; expected 'auto', 'hash' or 'scan'"):
        index.radius_search(random_codes(1, 16, 2), 1, method="hashes")


def test_radius_search_reranks_by_the_real_valued_codes():
    items = np.array([[0, 0, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]], np.uint8)
    real = np.array([[0.4, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.6], [0.55, 0.1, 0.1, 0.1]], np.float32)
    index = HammingIndex(4).add(items, real=real)
    (ids, distances), = index.radius_search(items[:1], 1, rerank=np.array([[0.45, 0.1, 0.1, 0.1]]))
    assert ids.tolist() == [0, 2, 1] and distances.tolist() == [0, 1, 1]
    (plain_ids, _), = index.radius_search(items[:1], 1)
    assert plain_ids.tolist() == [0, 1, 2]


@pytest.mark.parametrize("mmap", [True, False])
def test_the_index_round_trips_through_a_file_with_ids_real_codes_and_metadata(tmp_path, mmap):
    items = random_codes(500, 24, 6)
    names = np.array([f"img_{i:03d}.png" for i in range(500)], dtype=object)
    index = HammingIndex(24).add(items, ids=names, real=np.random.default_rng(0).random((500, 24)))
    index.metadata = {"model_fingerprint": "abc", "data": {"dataset": "mnist"}}
    index.save(tmp_path / "codes.aeidx")
    loaded = HammingIndex.load(tmp_path / "codes.aeidx", mmap=mmap)
    assert loaded.bits == 24 and len(loaded) == 500 and loaded.metadata == index.metadata
    assert loaded.ids.tolist() == names.tolist()
    queries = random_codes(10, 24, 7)
    for a, b in zip(index.search(queries, 7), loaded.search(queries, 7)):
        np.testing.assert_array_equal(a, b)
    loaded.add(items[:3], ids=np.array(["a", "b", "c"], dtype=object), real=np.zeros((3, 24)))
    assert len(loaded) == 503 and loaded.ids[-1] == "c"


def test_damaged_and_foreign_index_files_are_refused(tmp_path):
    path = tmp_path / "codes.aeidx"
    HammingIndex(32).add(random_codes(1000, 32, 8)).save(path)
    data = path.read_bytes()
    (tmp_path / "short.aeidx").write_bytes(data[: len(data) // 2])
    with pytest.raises(ArtifactError, match="truncated"):
        HammingIndex.load(tmp_path / "short.aeidx")
    flipped = bytearray(data)
    flipped[200] ^= 0xFF  # a byte of the codes
    (tmp_path / "flipped.aeidx").write_bytes(bytes(flipped))
    with pytest.raises(ArtifactError, match="codes of .* are corrupted"):
        HammingIndex.load(tmp_path / "flipped.aeidx")
    header = bytearray(data)
    header[20] ^= 0x01
    (tmp_path / "header.aeidx").write_bytes(bytes(header))
    with pytest.raises(ArtifactError, match="header .* is corrupted"):
        HammingIndex.load(tmp_path / "header.aeidx")
    (tmp_path / "model.keras").write_bytes(b"PK\x03\x04" + bytes(200))
    with pytest.raises(ArtifactError, match="not an aekit index"):
        HammingIndex.load(tmp_path / "model.keras")


def test_bad_codes_ids_and_arguments_get_clear_errors():
    index = HammingIndex(16)
    with pytest.raises(DataError, match=r"expected bits \(0 or 1\)"):
        index.add(np.full((3, 16), 2))
    with pytest.raises(DataError, match="Received codes of 12 bits; this index holds 16-bit codes"):
        index.add(random_codes(3, 12, 0))
    with pytest.raises(DataError, match="Received 2 ids for 3 codes"):
        index.add(random_codes(3, 16, 0), ids=[1, 2])
    with pytest.raises(DataError, match="index is empty"):
        index.search(random_codes(1, 16, 0), 5)
    index.add(random_codes(10, 16, 0))
    with pytest.raises(ConfigError, match="radius=-1"):
        index.radius_search(random_codes(1, 16, 0), -1)
    with pytest.raises(DataError, match="Re-ranking needs the items' real-valued codes"):
        index.radius_search(random_codes(1, 16, 0), 1, rerank=np.zeros((1, 16)))
    with pytest.raises(ConfigError, match="up to 64 bits"):
        HammingIndex(72).add(random_codes(5, 72, 0)).radius_search(random_codes(1, 72, 0), 1, method="hash")
    with pytest.raises(ConfigError, match="bits=0"):
        HammingIndex(0)
