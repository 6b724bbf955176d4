"""The ``.aeidx`` file: a Hamming index's codes, ids and optional real-valued codes, memory-mappable.

All numbers are little-endian. A 128-byte header, then three sections, each starting at a multiple of 64
bytes (so the codes can be memory-mapped in place):

| bytes | field |
|---|---|
| 0-7 | magic ``AEKITIDX`` |
| 8-9 | format version (1) |
| 10 | bit order: 0 = NumPy ``packbits`` (bit 0 of a code is the most significant bit of its first byte) |
| 11 | id kind: 0 = int64, 1 = UTF-8 strings |
| 12-15 | bits per code |
| 16-23 | count of items |
| 24-27 | real-valued code width (0 = none stored) |
| 28-91 | offset and length (uint64 each) of the codes, ids, real-code and metadata sections |
| 92-107 | CRC-32 of each section |
| 108-111 | CRC-32 of bytes 0-107 |

Codes: ``count x ceil(bits / 8)`` bytes. Ids: ``count`` int64, or ``count + 1`` int64 offsets into the UTF-8 bytes
that follow them. Real codes: ``count x width`` float32. Metadata: UTF-8 JSON (the run that encoded the codes,
its weights' fingerprint, where the items came from), ``{}`` when none.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import numpy as np

from ...core.atomic import atomic_path
from ...core.errors import ArtifactError

MAGIC, VERSION = b"AEKITIDX", 1
HEADER = struct.Struct("<8sHBBIQI8Q4I")
SECTIONS = 4
HEADER_SIZE, ALIGN = 128, 64


def write_index(index, path) -> None:
    codes = np.ascontiguousarray(index._packed).tobytes()
    if index.ids.dtype == object:
        encoded = [str(i).encode("utf-8") for i in index.ids]
        offsets = np.concatenate([[0], np.cumsum([len(e) for e in encoded])]).astype("<i8")
        ids, id_kind = offsets.tobytes() + b"".join(encoded), 1
    else:
        ids, id_kind = index.ids.astype("<i8").tobytes(), 0
    real = b"" if index._real is None else np.ascontiguousarray(index._real, "<f4").tobytes()
    meta = json.dumps(index.metadata, sort_keys=True).encode("utf-8")
    blobs = (codes, ids, real, meta)
    sections, offset = [], HEADER_SIZE
    for data in blobs:
        sections.append((offset, len(data)))
        offset = _aligned(offset + len(data))
    fields = (MAGIC, VERSION, 0, id_kind, index.bits, len(index), 0 if index._real is None else index.bits,
              *[value for section in sections for value in section], *[zlib.crc32(data) for data in blobs])
    header = HEADER.pack(*fields)
    header += struct.pack("<I", zlib.crc32(header))
    with atomic_path(path) as temporary, open(temporary, "wb") as handle:
        handle.write(header.ljust(HEADER_SIZE, b"\0"))
        for (start, _), data in zip(sections, blobs):
            handle.seek(start)
            handle.write(data)


def read_index(cls, path, mmap: bool = True):
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(HEADER_SIZE)
    except OSError as exc:
        raise ArtifactError(f"Could not read the index {path}: {exc}.") from None
    if len(head) < HEADER.size + 4 or head[:8] != MAGIC:
        raise ArtifactError(f"{path} is not an aekit index (.aeidx): its first bytes are not {MAGIC!r}.")
    fields = HEADER.unpack(head[:HEADER.size])
    (crc,) = struct.unpack("<I", head[HEADER.size:HEADER.size + 4])
    if zlib.crc32(head[:HEADER.size]) != crc:
        raise ArtifactError(f"The header of {path} is corrupted (checksum mismatch); rebuild the index.")
    _, version, bit_order, id_kind, bits, count, real_dim = fields[:7]
    sections = list(zip(fields[7:15:2], fields[8:15:2]))
    checksums = fields[15:19]
    if version > VERSION or bit_order != 0:
        raise ArtifactError(f"{path} is an index of format {version} (bit order {bit_order}); this aekit reads "
                            f"format {VERSION}. Upgrade aekit, or rebuild the index.")
    if any(start + length > size for start, length in sections) or sections[0][1] != count * -(-bits // 8):
        raise ArtifactError(f"{path} is truncated: its header describes {count:,} codes that the file does not "
                            "hold. Rebuild the index.")
    with open(path, "rb") as handle:
        raw = [(_read(handle, start, length)) for start, length in sections[1:]]
    for data, checksum, what in zip(raw, checksums[1:], ("ids", "real-valued codes", "metadata")):
        if zlib.crc32(data) != checksum:
            raise ArtifactError(f"The {what} of {path} are corrupted (checksum mismatch); rebuild the index.")
    width = -(-bits // 8)
    if mmap and count:
        codes = np.memmap(path, np.uint8, "r", offset=sections[0][0], shape=(count, width))
    else:
        with open(path, "rb") as handle:
            codes = np.frombuffer(_read(handle, *sections[0]), np.uint8).reshape(count, width)
    if zlib.crc32(memoryview(np.ascontiguousarray(codes)).cast("B")) != checksums[0]:  # ~1 s per GB
        raise ArtifactError(f"The codes of {path} are corrupted (checksum mismatch); rebuild the index.")
    index = cls(bits)
    index._packed = codes
    index._ids = _ids(raw[0], id_kind, count)
    index._real = np.frombuffer(raw[1], "<f4").reshape(count, real_dim).astype(np.float32) if real_dim else None
    index.metadata = json.loads(raw[2].decode("utf-8") or "{}")
    return index


def _ids(data: bytes, kind: int, count: int) -> np.ndarray:
    if kind == 0:
        return np.frombuffer(data, "<i8").astype(np.int64)
    offsets = np.frombuffer(data[:8 * (count + 1)], "<i8")
    blob = data[8 * (count + 1):]
    return np.array([blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:])], dtype=object)


def _read(handle, start: int, length: int) -> bytes:
    handle.seek(start)
    return handle.read(length)


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN
