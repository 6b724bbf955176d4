"""Similarity search over binary codes: the Hamming index, and building one from a hashing model and data."""

from .build import build
from .index import HammingIndex

__all__ = ["HammingIndex", "build"]
