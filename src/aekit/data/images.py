"""Image files in and out: the one decoder every command and reader uses, and the one encoder.

Pixels keep their bit depth: 8-bit files (PNG, JPEG, BMP, GIF, TIFF) give uint8 values 0-255, 16-bit grayscale
PNG and TIFF files give uint16 values 0-65535 (never clipped to 8 bits). Grayscale stays one channel and
colour three; an alpha channel is returned apart, since no model restores it. Float images are refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..core.errors import DataError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff"}
SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I")
GRAY_MODES = ("L", "LA", "1")
_JPEG_SUFFIXES = {".jpg", ".jpeg"}


def decode(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    """``(pixels, alpha)``: pixels ``(h, w, 1 or 3)`` uint8, or uint16 for 16-bit grayscale; alpha ``(h, w)`` or
    None."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            mode = image.mode
            if mode == "F":
                raise DataError(f"{path} holds floating-point pixels; aekit reads 8-bit and 16-bit images. Save it "
                                "as an 8-bit or 16-bit PNG first.")
            if mode in SIXTEEN_BIT_MODES:
                values = np.asarray(image, dtype=np.int64)
                if values.min() < 0 or values.max() > 65535:
                    raise DataError(f"{path} holds {mode} pixels outside 0-65535; aekit reads 8-bit and 16-bit "
                                    "images. Save it as a 16-bit PNG first.")
                return values.astype(np.uint16)[..., None], None
            has_alpha = mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info)
            gray = mode in GRAY_MODES
            converted = image.convert(("LA" if gray else "RGBA") if has_alpha else ("L" if gray else "RGB"))
    except (OSError, UnidentifiedImageError) as exc:
        raise DataError(f"Could not read image {path}: {exc}") from None
    pixels = np.asarray(converted, dtype=np.uint8)
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    alpha = None
    if has_alpha:
        pixels, alpha = pixels[..., :-1], pixels[..., -1]
    return np.ascontiguousarray(pixels), alpha


def to_channels(pixels: np.ndarray, channels: int, source) -> np.ndarray:
    """``pixels`` ``(h, w, c)`` with ``channels`` channels: grayscale repeated to colour, or colour to grayscale
    by Pillow's ``convert("L")`` (ITU-R 601 luma)."""
    from PIL import Image

    have = pixels.shape[-1]
    if have == channels:
        return pixels
    if have == 1 and channels == 3:
        return np.repeat(pixels, 3, axis=-1)
    if have == 3 and channels == 1 and pixels.dtype == np.uint8:
        return np.asarray(Image.fromarray(pixels).convert("L"))[..., None]
    raise DataError(f"{source} has {have} channels; expected {channels} (1 for grayscale, 3 for colour).")


def resize(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``pixels`` ``(h, w, c)`` resized to ``size`` (height, width) with Pillow's bilinear filter, in their dtype."""
    from PIL import Image

    if pixels.shape[:2] == tuple(size):
        return pixels
    if pixels.dtype == np.uint8:
        image = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
        resized = np.asarray(image.resize((size[1], size[0]), Image.Resampling.BILINEAR))
        return resized[..., None] if resized.ndim == 2 else resized
    planes = []
    for c in range(pixels.shape[-1]):  # 16-bit or float: each channel as a float image (mode F)
        plane = Image.fromarray(pixels[..., c].astype(np.float32))
        planes.append(np.asarray(plane.resize((size[1], size[0]), Image.Resampling.BILINEAR)))
    resized = np.stack(planes, axis=-1)
    if not np.issubdtype(pixels.dtype, np.integer):
        return resized.astype(pixels.dtype)
    info = np.iinfo(pixels.dtype)
    return np.clip(np.rint(resized), info.min, info.max).astype(pixels.dtype)


def common_depth(images: list[np.ndarray]) -> list[np.ndarray]:
    """Images of one bit depth: when some are 16-bit, the 8-bit ones are widened (x 257, so 255 -> 65535)."""
    if all(im.dtype == np.uint8 for im in images):
        return images
    return [im.astype(np.uint16) * 257 if im.dtype == np.uint8 else im for im in images]


def encode(pixels: np.ndarray, target: Path, alpha: np.ndarray | None = None, scale: int = 1) -> None:
    """Write ``pixels`` ``(h, w, c)`` (uint8, or uint16 grayscale) to ``target`` in the format its suffix names
    (JPEG at quality 95), with ``alpha`` (enlarged ``scale`` times, bicubic) when given, atomically."""
    from PIL import Image

    from ..core.atomic import atomic_path

    if pixels.dtype == np.uint16:
        if pixels.shape[-1] != 1 or target.suffix.lower() not in (".png", ".tif", ".tiff"):
            raise DataError(f"Cannot write {target.name} with 16-bit pixels: 16-bit images are written as "
                            "grayscale PNG or TIFF files.")
        image = Image.fromarray(np.ascontiguousarray(pixels[..., 0]))  # mode I;16
    else:
        image = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
        if alpha is not None:
            mask = Image.fromarray(alpha)
            if scale > 1:
                mask = mask.resize((mask.width * scale, mask.height * scale), Image.Resampling.BICUBIC)
            image.putalpha(mask)
    options = {"quality": 95} if target.suffix.lower() in _JPEG_SUFFIXES else {}
    with atomic_path(target) as temporary:
        image.save(temporary, format=Image.registered_extensions()[target.suffix.lower()], **options)
