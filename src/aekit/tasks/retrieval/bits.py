"""Binary codes as bits, bytes and 64-bit words, and Hamming distances between them.

Bit order is NumPy's ``packbits`` order: bit 0 of a code is the most significant bit of its first byte. Codes
are stored as ``(n, bytes)`` uint8 with ``bytes = ceil(bits / 8)``, and compared as ``(n, words)`` uint64,
zero-padded to whole words (padding bits are 0 on every code, so they never add to a distance).
"""

from __future__ import annotations

import numpy as np

from ...core.errors import DataError


def as_packed(codes, bits: int | None = None) -> tuple[np.ndarray, int]:
    """``(packed uint8 (n, ceil(bits/8)), bits)`` from 0/1 codes ``(n, bits)`` or already packed uint8 codes.

    Packed codes need ``bits`` (the bytes alone do not say how many bits the last one holds).
    """
    codes = np.asarray(codes)
    if codes.ndim != 2:
        raise DataError(f"Received codes of shape {codes.shape}; expected (n, bits) of 0/1, or packed uint8 bytes.")
    if bits is not None and codes.dtype == np.uint8 and codes.shape[1] == -(-bits // 8) and codes.shape[1] != bits:
        return np.ascontiguousarray(codes), int(bits)
    values = np.unique(codes)
    if not set(values.tolist()) <= {0, 1}:
        raise DataError(f"Received codes holding {values[:5].tolist()}...; expected bits (0 or 1), or packed bytes "
                        "with bits=... given.")
    if bits is not None and codes.shape[1] != bits:
        raise DataError(f"Received codes of {codes.shape[1]} bits; this index holds {bits}-bit codes.")
    return np.packbits(codes.astype(np.uint8), axis=1), int(codes.shape[1])


def words(packed: np.ndarray) -> np.ndarray:
    """Packed uint8 codes as ``(n, ceil(bytes/8))`` uint64 words (big-endian within each word)."""
    n, width = packed.shape
    padded = -(-width // 8) * 8
    if padded != width:
        packed = np.concatenate([packed, np.zeros((n, padded - width), np.uint8)], axis=1)
    return np.ascontiguousarray(packed).view(">u8").astype(np.uint64)


def hamming(query_words: np.ndarray, item_words: np.ndarray) -> np.ndarray:
    """Distances ``(q, n)`` (uint16) between query words ``(q, w)`` and item words ``(n, w)``."""
    total = np.zeros((len(query_words), len(item_words)), np.uint16)
    for word in range(item_words.shape[1]):
        total += np.bitwise_count(query_words[:, word:word + 1] ^ item_words[None, :, word])
    return total


def flip_masks(bits: int, radius: int) -> np.ndarray:
    """Every XOR mask of at most ``radius`` set bits over ``bits`` bits, as packed uint8 rows (0 flips first)."""
    from itertools import combinations

    masks = []
    for flips in range(radius + 1):
        for chosen in combinations(range(bits), flips):
            row = np.zeros(bits, np.uint8)
            row[list(chosen)] = 1
            masks.append(row)
    return np.packbits(np.stack(masks), axis=1)
