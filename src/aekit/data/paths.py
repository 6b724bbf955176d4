"""Paths the user names: a file, a folder, or a glob pattern of shards (``'day-*.csv'``, ``'**/*.png'``)."""

from __future__ import annotations

import glob
from pathlib import Path

from ..core.errors import DataError
from .images import IMAGE_SUFFIXES

PATTERN_CHARACTERS = "*?["


def is_pattern(spec) -> bool:
    """Whether ``spec`` is a glob pattern rather than a path (a path that exists is a path, brackets or not)."""
    text = str(spec)
    return any(ch in text for ch in PATTERN_CHARACTERS) and not Path(text).expanduser().exists()


def expand(spec, files_only: bool = True) -> list[Path]:
    """The paths a glob pattern matches (recursively, ``**`` included), sorted: the order their rows are read and
    written in. A pattern that matches nothing is a :class:`DataError`."""
    pattern = str(Path(str(spec)).expanduser())
    paths = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if not files_only or Path(p).is_file())
    if not paths:
        raise DataError(f"The pattern {spec!r} matches no files. Check the pattern and the current folder.")
    return paths


def files(spec) -> list[Path]:
    """The file a path names, or the files a pattern matches (sorted): shards read one after another."""
    return expand(spec) if is_pattern(spec) else [Path(str(spec)).expanduser()]


def images_in(folder: Path) -> list[Path]:
    """Every image file below ``folder`` (sub-folders included), sorted; a folder of none is a DataError."""
    found = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not found:
        raise DataError(f"The folder {folder} holds no images (PNG, JPEG, BMP, GIF or TIFF).")
    return found


def missing(spec) -> DataError:
    """The error for a data path that does not exist."""
    return DataError(f"Data file not found: {spec}. Check the path (relative paths start at {Path.cwd()}).")
