"""Image files in and out for the commands that turn images into images (``aekit denoise``, ``aekit upscale``).

Each file keeps what it was: grayscale stays grayscale, colour stays colour, 16-bit stays 16-bit, a PNG stays a
PNG under the same name. An alpha channel is not something a model restores: it is carried over unchanged (denoising) or
enlarged with the bicubic filter (upscaling). IDX files (the MNIST format) come back as IDX files.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.atomic import atomic_path
from ..core.errors import DataError
from .images import IMAGE_SUFFIXES, decode, encode
from .paths import images_in
from .readers import read_idx


@dataclass
class ImageFile:
    """The pixels of one file as uint8 ``(h, w, c)`` (c = 1 or 3; uint16 for 16-bit grayscale), and what is needed
    to write it back alike."""

    source: Path
    relative: Path  # where the result goes, under the output folder
    pixels: np.ndarray
    alpha: np.ndarray | None = None
    idx: bool = False  # an IDX file: pixels is (n, h, w, 1), written back as IDX


def collect(paths: list[str]) -> list[ImageFile]:
    """Read the given image files, IDX files and folders (every image below them, sub-folders kept)."""
    files: list[ImageFile] = []
    for spec in paths:
        path = Path(spec)
        if path.is_dir():
            files += [read_image_file(p, p.relative_to(path)) for p in images_in(path)]
        elif not path.exists():
            raise DataError(f"Image file not found: {spec}. Check the path (relative paths start at {Path.cwd()}).")
        elif path.suffix.lower() in IMAGE_SUFFIXES:
            files.append(read_image_file(path, Path(path.name)))
        elif "idx" in path.name or path.suffix in (".ubyte", ".gz"):
            pixels = read_idx(path)
            if pixels.ndim != 3 or pixels.dtype != np.uint8:
                raise DataError(f"{path} holds {pixels.dtype} values of shape {pixels.shape}; expected uint8 images "
                                "(n, height, width), as MNIST's image files are.")
            files.append(ImageFile(path, Path(path.name), pixels[..., None], idx=True))
        else:
            raise DataError(f"Don't know how to read {path.name} as images: expected PNG, JPEG, BMP, GIF or TIFF "
                            "files, a folder of them, or an IDX file.")
    return files


def read_image_file(path: Path, relative: Path) -> ImageFile:
    pixels, alpha = decode(path)
    return ImageFile(path, relative, pixels, alpha)


def write_result(item: ImageFile, pixels: np.ndarray, output: Path, scale: int = 1) -> Path:
    """Write restored ``pixels`` (float, in the file's own units: 0-255, or 0-65535 for 16-bit files) for ``item``
    under ``output``, in the file's format and bit depth, atomically."""
    target = output / item.relative
    top = np.iinfo(item.pixels.dtype).max
    values = np.clip(np.rint(pixels), 0, top).astype(item.pixels.dtype)
    if item.idx:
        write_idx(values[..., 0], target)
        return target
    encode(values, target, item.alpha, scale)
    return target


def write_idx(values: np.ndarray, path: Path) -> None:
    """Write uint8 ``values`` as an IDX file (gzipped when the name ends in .gz), atomically."""
    header = bytes([0, 0, 0x08, values.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in values.shape)
    payload = header + np.ascontiguousarray(values, np.uint8).tobytes()
    with atomic_path(path) as temporary:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(temporary, "wb") as handle:
            handle.write(payload)
