"""Outputs written a block at a time, and work split across processes by shard then joined in order.

``--jobs N`` gives each of N processes a contiguous run of the input shards; each writes its own part
file, and the parts are joined, in shard order, into the one output the user asked for, which appears
only when every part is complete. Memory stays bounded: parts are joined by streaming copies.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np

from ..core.atomic import atomic_path

COPY_ROWS = 65_536


def shard_groups(paths: list, jobs: int) -> list[list]:
    """``paths`` in at most ``jobs`` contiguous groups of nearly equal size (none empty)."""
    jobs = max(1, min(int(jobs), len(paths)))
    bounds = np.linspace(0, len(paths), jobs + 1).round().astype(int)
    return [list(paths[a:b]) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def run_parts(function, argument_lists: list[tuple], output: Path) -> list:
    """Run ``function(*arguments, part_path)`` in one process per argument list, then join the parts into
    ``output``; return each call's result. With one list it runs here, straight into ``output``."""
    output = Path(output)
    if len(argument_lists) == 1:
        return [function(*argument_lists[0], output)]
    import multiprocessing

    folder = Path(tempfile.mkdtemp(prefix=f".{output.name}.parts.", dir=output.parent if output.parent.exists()
                                   else None))
    try:
        parts = [folder / f"part{i:05d}{output.suffix}" for i in range(len(argument_lists))]
        # spawn, not fork: the engines' thread pools do not survive a fork.
        with multiprocessing.get_context("spawn").Pool(len(parts)) as pool:
            results = pool.starmap(function, [(*args, part) for args, part in zip(argument_lists, parts)])
        join_parts(parts, output)
        return results
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def join_parts(parts: list[Path], output: Path) -> None:
    """Concatenate part files of one format, in order, into ``output`` (atomically)."""
    suffix = output.suffix.lower()
    with atomic_path(output) as temporary:
        if suffix in (".csv", ".tsv"):
            with open(temporary, "wb") as target:
                for i, part in enumerate(parts):
                    with open(part, "rb") as source:
                        if i:
                            source.readline()  # every part repeats the header
                        shutil.copyfileobj(source, target, 1 << 20)
        elif suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            writer = None
            for part in parts:
                for batch in pq.ParquetFile(part).iter_batches(batch_size=COPY_ROWS):
                    writer = writer or pq.ParquetWriter(temporary, batch.schema)
                    writer.write_batch(batch)
            if writer is not None:
                writer.close()
        else:
            arrays = [np.load(part, mmap_mode="r") for part in parts]
            copy_rows(arrays, temporary, arrays[0].dtype, (sum(len(a) for a in arrays), *arrays[0].shape[1:]))


def copy_rows(sources, path: Path, dtype, shape: tuple) -> None:
    """Write the rows of ``sources`` (arrays or memory maps), in order, into a new ``.npy`` file of ``shape``, a block
    at a time, so that memory stays bounded."""
    if not shape[0]:
        with open(path, "wb") as handle:
            np.save(handle, np.zeros(shape, dtype))
        return
    target = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=shape)
    row = 0
    for source in sources:
        for start in range(0, len(source), COPY_ROWS):
            block = source[start:start + COPY_ROWS]
            target[row:row + len(block)] = block
            row += len(block)
    target.flush()
    del target
