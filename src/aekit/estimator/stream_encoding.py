"""Encoding a stream block by block into one codes file, in one process or several (``--jobs``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..data.parts import run_parts, shard_groups
from ..data.streaming import Stream
from ..data.writers import ArrayWriter


def encode_blocks(run: str, stream: Stream, packed: bool, output: Path) -> int:
    """Write the codes of every row of ``stream`` to ``output``; return the number of rows. Loads the run
    itself, so that it can run in a process of its own."""
    from ..runs import as_estimator
    from .autoencoder import Autoencoder

    model = as_estimator(run, Autoencoder)
    writer = ArrayWriter(output, prefix="z")
    try:
        for block in stream.arrays():
            writer.write(model.encode(block, packed=packed))
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return writer.rows


def encode_stream(run: str, stream: Stream, output: str | Path, *, packed: bool = False, jobs: int = 1) -> int:
    """Codes of a stream's rows, in file order, its shards split across ``jobs`` processes; the row count."""
    groups = shard_groups(stream.paths, jobs)
    arguments = [(str(run), dataclasses.replace(stream, paths=group), packed) for group in groups]
    return sum(run_parts(encode_blocks, arguments, Path(output)))
