"""The ``.aez`` file format: images coded by a trained ``compression`` model (see :mod:`aekit.estimator.codec`).

Layout (little-endian; ``HEADER`` below, then the optional names, the payload and a CRC)::

    offset  size  field
    0       3     magic b"AEZ"
    3       1     format version (1)
    4       1     flags: bit 0 = a names section follows the header
    5       8     model fingerprint: the first 8 bytes of SHA-256 over the model's config and weights
    13      4     number of images n
    17      2+2+1 image height, width, channels
    22      2+2+2 code grid height, width, channels
    28      2     lowest symbol (signed; the quantisation step is 1, symbols are the rounded latent)
    30      2     symbols per channel (the alphabet of the tables)
    32      4     payload length in bytes (a multiple of 4)
    36      -     names (flag bit 0): u32 length, then the UTF-8 names joined by newlines, zlib-compressed
    ...     -     payload: the range coder's 32-bit words; channel by channel, each channel's symbols in
                  (image, row, column) order, under that channel's frequency table
    end-4   4     CRC-32 of every byte before it

The tables are integers stored with the model (:mod:`aekit.models.entropy`), so decoding the symbols involves
no floating point; the decoder network then turns them into pixels, rounded to 8 bits.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass

import numpy as np

from ..core.errors import DataError

MAGIC, VERSION = b"AEZ", 1
HEADER = struct.Struct("<3sBB8sIHHBHHHhHI")
HAS_NAMES = 1
CRC = struct.Struct("<I")


@dataclass
class Container:
    """What a ``.aez`` file holds, decoded from its bytes but not yet from its symbols."""

    fingerprint: bytes
    image_shape: tuple[int, int, int]
    grid_shape: tuple[int, int, int]
    count: int
    low: int
    alphabet: int
    payload: np.ndarray  # uint32 words
    names: list[str] | None = None


def model_fingerprint(model) -> bytes:
    """8 bytes that change with any weight or setting of ``model`` (a file names the model it needs)."""
    digest = hashlib.sha256(json.dumps(model.build_spec, sort_keys=True).encode())
    for weight in model.weights:
        digest.update(np.ascontiguousarray(np.asarray(weight.numpy() if hasattr(weight, "numpy") else weight)).data)
    return digest.digest()[:8]


def pack(container: Container) -> bytes:
    names = b""
    if container.names is not None:
        packed = zlib.compress("\n".join(container.names).encode(), 9)
        names = struct.pack("<I", len(packed)) + packed
    payload = container.payload.astype("<u4").tobytes()
    header = HEADER.pack(MAGIC, VERSION, HAS_NAMES if names else 0, container.fingerprint, container.count,
                         *container.image_shape, *container.grid_shape, container.low, container.alphabet,
                         len(payload))
    body = header + names + payload
    return body + CRC.pack(zlib.crc32(body))


def unpack(data: bytes, source: str = "the data") -> Container:
    """Parse and check a ``.aez`` file's bytes; every way it can be broken is a ``DataError`` naming it."""
    data = bytes(data)
    if len(data) < 3 or data[:3] != MAGIC:
        raise DataError(f"{source} is not an aekit compressed file (.aez): it does not start with {MAGIC!r}.")
    if len(data) < HEADER.size + CRC.size:
        raise DataError(f"{source} is truncated: {len(data)} bytes, shorter than the {HEADER.size + CRC.size}-byte "
                        "header of a .aez file.")
    fields = HEADER.unpack_from(data)
    version, flags, fingerprint, count = fields[1:5]
    if version != VERSION:
        raise DataError(f"{source} is .aez format version {version}; this aekit reads version {VERSION}. "
                        "Decompress it with the aekit version that wrote it.")
    payload_bytes, offset, names = fields[13], HEADER.size, None
    expected = offset + payload_bytes + CRC.size
    if flags & HAS_NAMES and len(data) >= offset + 4:
        expected += 4 + struct.unpack_from("<I", data, offset)[0]
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "followed by extra bytes"
        raise DataError(f"{source} is {what}: it holds {len(data)} bytes, its header announces {expected}.")
    if zlib.crc32(data[:-CRC.size]) != CRC.unpack_from(data, len(data) - CRC.size)[0]:
        raise DataError(f"{source} is corrupted: its CRC-32 does not match its contents. Nothing was decoded.")
    if flags & HAS_NAMES:
        length = struct.unpack_from("<I", data, offset)[0]
        names = zlib.decompress(data[offset + 4:offset + 4 + length]).decode().split("\n")
        offset += 4 + length
    payload = np.frombuffer(data, "<u4", payload_bytes // 4, offset).astype(np.uint32)
    return Container(fingerprint, tuple(fields[5:8]), tuple(fields[8:11]), count, fields[11], fields[12], payload,
                     names)


def encode_symbols(symbols: np.ndarray, tables: np.ndarray, low: int) -> np.ndarray:
    """Integer symbols ``(n, h, w, c)`` -> the range coder's words, channel by channel."""
    constriction = _range_coder()

    encoder = constriction.stream.queue.RangeEncoder()
    for channel, table in enumerate(tables):
        values = np.ascontiguousarray(symbols[..., channel].reshape(-1) - low, dtype=np.int32)
        encoder.encode(values, _model(table))
    return encoder.get_compressed()


def decode_symbols(words: np.ndarray, tables: np.ndarray, low: int, shape: tuple[int, ...]) -> np.ndarray:
    constriction = _range_coder()

    decoder = constriction.stream.queue.RangeDecoder(np.ascontiguousarray(words, np.uint32))
    per_channel = int(np.prod(shape[:-1]))
    channels = [decoder.decode(_model(table), per_channel) for table in tables]
    return np.stack(channels, axis=-1).reshape(shape).astype(np.int32) + low


def _range_coder():
    try:
        import constriction
    except ImportError:
        from ..core.errors import ConfigError

        raise ConfigError("Compressing to .aez files needs the range coder constriction, which is not installed: "
                          "`pip install 'aekit[codec]'` (on Linux aarch64 it is built from source and needs Rust).") \
            from None
    return constriction


def _model(table: np.ndarray):
    constriction = _range_coder()

    # Integer frequencies over a power-of-two total: exact in float64, so both sides build the same model.
    return constriction.stream.model.Categorical(table.astype(np.float64) / table.sum(), perfect=False)
