"""The codecs benchmarks/compression.py compares aekit with: JPEG (whole files and entropy-coded payload alone),
lossy WebP and lossless PNG, all through Pillow at its defaults but for the quality."""

from __future__ import annotations

import io

import numpy as np

QUALITIES = (1, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 95)


def encode(image: np.ndarray, fmt: str, **options) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def decode(data: bytes, channels: int) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:  # WebP holds grayscale as colour: read it back as gray
        pixels = np.asarray(image.convert("L" if channels == 1 else "RGB"))
    return pixels[..., None] if pixels.ndim == 2 else pixels


def jpeg_payload(data: bytes) -> int:
    """The entropy-coded bytes of a baseline JPEG: from the end of the start-of-scan header to the EOI marker
    (JPEG's most favourable count: no tables, no headers)."""
    start = data.index(b"\xff\xda")
    header_length = int.from_bytes(data[start + 2:start + 4], "big")
    end = data.rindex(b"\xff\xd9")
    return end - (start + 2 + header_length)


def codec_points(images: np.ndarray, scores) -> list[dict]:
    """One row per codec and quality: mean bytes per image and mean per-image scores of the decoded images."""
    rows = []
    for quality in QUALITIES:
        files = [encode(image, "JPEG", quality=quality) for image in images]
        decoded = np.stack([decode(f, images.shape[-1]) for f in files])
        measured = scores(images, decoded)
        rows.append({"codec": "JPEG (whole file)", "quality": quality, "bytes_per_image": _mean_len(files), **measured})
        rows.append({"codec": "JPEG (payload only)", "quality": quality,
                     "bytes_per_image": float(np.mean([jpeg_payload(f) for f in files])), **measured})
        files = [encode(image, "WEBP", quality=quality) for image in images]
        rows.append({"codec": "WebP (whole file)", "quality": quality, "bytes_per_image": _mean_len(files),
                     **scores(images, np.stack([decode(f, images.shape[-1]) for f in files]))})
    files = [encode(image, "PNG", optimize=True) for image in images]
    rows.append({"codec": "PNG (lossless)", "quality": None, "bytes_per_image": _mean_len(files),
                 "psnr_db": None, "ssim": 1.0})
    return rows


def _mean_len(files: list[bytes]) -> float:
    return float(np.mean([len(f) for f in files]))
