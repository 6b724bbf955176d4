"""`aekit index build|add` and `aekit search`: a Hamming-index search engine over a hashing model's codes."""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np

from ..core.outputs import check_file
from .options import RENAMED_UNTIL, handle_errors, json_option, open_run, overwrite_option, renamed_option, report
from .sources import DataSource, data_options

ID_HELP = "Table column holding the items' ids (default: row numbers; image folders: file names)."


def _read_with_ids(source: DataSource, id_column: str | None, model):
    """The dataset for ``model`` and its ids (an id column is taken out of a table's features)."""
    if id_column is None:
        return source.read(model=model), None
    from ..core.errors import DataError
    from ..data.readers import read_frame, table_to_dataset

    if not source.data or Path(source.data).suffix.lower() not in (".csv", ".tsv", ".parquet", ".pq"):
        raise DataError("--id-column names a column of a table; give the table with --data FILE.csv/.parquet.")
    frame = read_frame(source.data)
    if id_column not in frame.columns:
        raise DataError(f"The id column {id_column!r} is not in {Path(source.data).name}; its columns are "
                        f"{', '.join(map(str, frame.columns[:20]))}.")
    ids = frame.pop(id_column).astype(str).to_numpy(dtype=object)
    return table_to_dataset(frame, source.label_column, Path(source.data).name), ids


@click.group()
def index():
    """Build and extend Hamming indexes of a hashing model's binary codes (.aeidx files).

    \b
    Example:
      aekit train --dataset mnist --model hashing --latent-dim 32 -o runs/hash32
      aekit index build runs/hash32 --dataset mnist -o mnist.aeidx
      aekit search mnist.aeidx --dataset mnist --split test --max-samples 3 --neighbours 10
    """


@index.command("build")
@click.argument("run", type=click.Path())
@data_options
@click.option("--id-column", help=ID_HELP)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .aeidx file to write.")
@overwrite_option
@json_option
@handle_errors(engines=False)
def build_command(run, source, id_column, output, overwrite, as_json):
    """Encode the data with the hashing model RUN and write a Hamming index.

    \b
    Example:
      aekit index build runs/hash32 --dataset mnist -o mnist.aeidx
      aekit index build runs/hash32 --data photos/ -o photos.aeidx       # ids: the file names
    """
    check_file(output, overwrite=overwrite, inputs=[source.data])
    open_run(run)  # a mistyped run is refused before the engine starts
    from ..tasks.retrieval import build
    from ..tasks.retrieval.build import resolve_model

    model = resolve_model(run)
    dataset, ids = _read_with_ids(source, id_column, model)
    built = build(model, dataset, ids=ids, source={**source.spec(), "id_column": id_column})
    built.save(output, overwrite=True)  # checked above
    report(as_json, {"output": str(output), "items": len(built), "bits": built.bits},
           f"Indexed {len(built):,} items as {built.bits}-bit codes in {output}.")


@index.command("add")
@click.argument("run", type=click.Path())
@click.argument("index_file", type=click.Path())  # a folder here is the run of the old order (_run_first)
@data_options
@click.option("--id-column", help=ID_HELP)
@json_option
@handle_errors(engines=False)
def add_command(run, index_file, source, id_column, as_json):
    """Encode the data with RUN (the model the index was built with) and add it to INDEX_FILE.

    \b
    Example:
      aekit index add runs/hash32 mnist.aeidx --data new-digits.npy
    """
    run, index_file = _run_first(run, index_file)
    open_run(run)
    from ..tasks.retrieval import HammingIndex
    from ..tasks.retrieval.build import check_same_model, encode_for_index, resolve_model

    existing = HammingIndex.load(index_file, mmap=False)
    model = resolve_model(run)
    check_same_model(existing, model)
    dataset, ids = _read_with_ids(source, id_column, model)
    if ids is None and existing.ids.dtype == object:
        ids = np.asarray(dataset.meta.get("files", []), dtype=object) if "files" in dataset.meta else None
    packed, real = encode_for_index(model, dataset)
    existing.add(packed, ids=ids, real=real)
    existing.metadata.setdefault("added", []).append(source.spec())
    existing.save(index_file, overwrite=True)  # the index grows in place, in one atomic write
    report(as_json, {"index": str(index_file), "added": len(dataset), "items": len(existing)},
           f"Added {len(dataset):,} items; {index_file} now holds {len(existing):,}.")


def _run_first(run: str, index_file: str) -> tuple[str, str]:
    """``(run, index_file)``, taking the order of aekit 0.1 (INDEX_FILE RUN) for one more release, with a warning."""
    if Path(run).is_file() and Path(index_file).is_dir():
        click.echo(f"Warning: `aekit index add INDEX_FILE RUN` is now `aekit index add RUN INDEX_FILE` (the run "
                   f"first, as in every command); the old order goes in {RENAMED_UNTIL}.", err=True)
        return index_file, run
    return run, index_file


@click.command()
@click.argument("index_file", type=click.Path(dir_okay=False))
@data_options(split_default="test")
@click.option("--run", type=click.Path(), help="The hashing model to encode the queries [default: the index's].")
@click.option("--neighbours", "k", type=click.IntRange(1), default=10, show_default=True,
              help="Nearest items per query.")
@renamed_option("--k", new="--neighbours", param="k", type=click.IntRange(1))
@click.option("--radius", type=click.IntRange(0), default=None,
              help="Instead of the k nearest: every item within this many bit flips (hash-table lookup).")
@click.option("--rerank", is_flag=True, help="With --radius: order what is found by the real-valued codes.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Images: a PNG of each query and its results.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@overwrite_option
@handle_errors
def search(index_file, source, run, k, radius, rerank, plot, as_json, overwrite):
    """Find the items of INDEX_FILE nearest to each query (--dataset / --data, e.g. an image file).

    \b
    Example:
      aekit search mnist.aeidx --dataset mnist --split test --max-samples 3 --neighbours 10 --plot results.png
      aekit search mnist.aeidx --data query.png --radius 2 --rerank
    """
    from ..core.errors import ArtifactError
    from ..tasks.retrieval import HammingIndex
    from ..tasks.retrieval.build import check_same_model, encode_for_index, resolve_model

    if plot:
        check_file(plot, overwrite=overwrite, inputs=[source.data, index_file])
    found_index = HammingIndex.load(index_file)
    run = run or found_index.metadata.get("run")
    if not run:
        raise ArtifactError(f"{index_file} does not record the model that built it; pass --run RUN.")
    model = resolve_model(run)
    check_same_model(found_index, model)
    queries = source.read(model=model)
    packed, real = encode_for_index(model, queries)
    if radius is None:
        ids, distances = found_index.search(packed, k)
        results = list(zip(ids, distances))
    else:
        results = found_index.radius_search(packed, radius, rerank=real if rerank else None)
    rows = [{"query": int(i), "ids": [_plain(v) for v in ids], "distances": [int(d) for d in dists]}
            for i, (ids, dists) in enumerate(results)]
    if as_json:
        click.echo(json.dumps(rows, indent=1))
    else:
        for row in rows:
            pairs = ", ".join(f"{i} ({d})" for i, d in zip(row["ids"][:k], row["distances"][:k]))
            click.echo(f"query {row['query']}: {pairs or 'nothing within the radius'}")
    if plot:
        _plot(found_index, queries, rows, k, plot)
        click.echo(f"Wrote {plot}.")


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _plot(found_index, queries, rows, k: int, path) -> None:
    from ..core.errors import DataError
    from ..core.plots import save_image, tile

    sources = [found_index.metadata.get("data") or {}, *found_index.metadata.get("added", [])]
    if queries.kind != "image" or not all(s.get("dataset") or s.get("data") for s in sources):
        raise DataError("--plot draws image queries and results; this index or query is not of images.")
    fields = DataSource.__dataclass_fields__
    database = np.concatenate([DataSource(**{key: v for key, v in s.items() if key in fields}).read().X
                               for s in sources])
    position = {_plain(v): i for i, v in enumerate(found_index.ids)}
    scale = float(max(queries.X.max(), 1))
    blank = np.ones(queries.X.shape[1:], np.float32)
    grid = []
    for row, query in zip(rows, queries.X):
        grid.append(query / scale)
        found = [database[position[i]] / scale for i in row["ids"][:k]]
        grid.extend(found + [blank] * (k - len(found)))
    save_image(tile(np.stack(grid), k + 1), path, scale=max(1, round(32 / queries.X.shape[1])))


COMMANDS = (index, search)
