"""`aekit sample` and `aekit interpolate`: images from a variational model's prior, and paths between two inputs."""

from __future__ import annotations

import math
from pathlib import Path

import click
import numpy as np

from ..core.outputs import check_file, check_folder, prepare_folder
from .options import handle_errors, json_option, load_autoencoder, overwrite_option, report
from .sources import DataSource, in_model_units


def _images(model, values: np.ndarray) -> np.ndarray:
    """Decoded samples in [0, 1] for drawing (images only)."""
    if model.kind_ != "image":
        raise click.UsageError("Drawing needs an image model; for a table, write the values with --npy.")
    return model.scaler_.transform(values)


def _write(values: np.ndarray, picture: np.ndarray | None, png: Path, npy: bool, tile_height: int = 32) -> list[str]:
    from ..core.atomic import atomic_path
    from ..core.plots import save_image

    written = []
    if picture is not None:  # small images are enlarged to about 32 pixels a side, to be seen
        save_image(picture, png, scale=max(1, round(32 / tile_height)))
        written.append(str(png))
    if npy:
        with atomic_path(png.with_suffix(".npy")) as temporary, open(temporary, "wb") as handle:
            np.save(handle, values)
        written.append(str(png.with_suffix(".npy")))
    return written


@click.command()
@click.argument("run", type=click.Path())
@click.option("-n", "count", type=click.IntRange(1, 10_000), default=64, show_default=True, help="How many samples.")
@click.option("--grid", type=click.IntRange(2, 100), default=None,
              help="For a 2-D code: draw the latent-space manifold, a GRID x GRID table of decoded codes, instead.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the codes drawn from the prior.")
@click.option("--npy", is_flag=True, help="Also write the samples as a .npy array (in the data's units).")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@overwrite_option
@json_option
@handle_errors(engines=False)
def sample(run, count, grid, seed, npy, output, overwrite, as_json):
    """Draw new samples from a variational model: codes from the prior N(0, I), decoded.

    Writes OUTPUT/samples.png (a grid of images), or with --grid OUTPUT/latent-grid.png.

    \b
    Example:
      aekit sample runs/vae -n 64 -o runs/vae/samples
      aekit sample runs/vae2d --grid 20 -o runs/vae2d/manifold
    """
    stem = "latent-grid" if grid else "samples"
    names = [f"{stem}.png", f"{stem}.npy"]
    check_folder(output, overwrite=overwrite, names=names, what="samples folder")  # before the engine starts
    model = load_autoencoder(run)
    output = prepare_folder(output, overwrite=overwrite, names=names, what="samples folder")
    if grid:
        values = model.latent_grid(grid)
        flat = values.reshape(grid * grid, *model.input_shape_)
        picture = _tile(model, flat, grid) if model.kind_ == "image" else None
        written = _write(values, picture, output / "latent-grid.png", npy or model.kind_ != "image",
                         model.input_shape_[0])
    else:
        values = model.sample(count, seed=seed)
        picture = _tile(model, values, math.ceil(math.sqrt(count))) if model.kind_ == "image" else None
        written = _write(values, picture, output / "samples.png", npy or model.kind_ != "image",
                         model.input_shape_[0])
    report(as_json, {"files": written, "samples": int(len(values) if not grid else grid * grid)},
           f"Wrote {', '.join(written)}.")


def _tile(model, values: np.ndarray, columns: int) -> np.ndarray:
    from ..core.plots import tile

    return tile(_images(model, values), columns)


@click.command()
@click.argument("run", type=click.Path())
@click.argument("images", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--dataset", help="Take the two inputs from a named dataset (with --indices).")
@click.option("--data", help="Take the two inputs from a file or folder (with --indices).")
@click.option("--split", type=click.Choice(["train", "test"]), default="test", show_default=True)
@click.option("--indices", nargs=2, type=int, metavar="I J", help="The two samples of --dataset/--data.")
@click.option("--steps", type=click.IntRange(2, 100), default=10, show_default=True,
              help="Points on the path, both ends included.")
@click.option("--slerp", is_flag=True, help="Walk the great circle between the codes instead of the straight line.")
@click.option("--npy", is_flag=True, help="Also write the path as a .npy array (in the data's units).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="PNG file to write.")
@overwrite_option
@json_option
@handle_errors(engines=False)
def interpolate(run, images, dataset, data, split, indices, steps, slerp, npy, output, overwrite, as_json):
    """Decode the path between the codes of two inputs: two image files, or two samples of a dataset.

    \b
    Example:
      aekit interpolate runs/vae three.png eight.png --steps 10 -o path.png
      aekit interpolate runs/vae --dataset mnist --indices 0 1 --slerp -o path.png
    """
    model = load_autoencoder(run)
    npy = npy or model.kind_ != "image"
    for target in (output, *([Path(output).with_suffix(".npy")] if npy else [])):
        check_file(target, overwrite=overwrite, inputs=[*images, data])
    if images and (dataset or data):
        raise click.UsageError("Give two image files, or --dataset/--data with --indices, not both.")
    if images:
        if len(images) != 2:
            raise click.UsageError(f"Received {len(images)} image files; expected two (IMG_A IMG_B).")
        from ..data.readers import read_images

        pair = in_model_units(read_images([Path(p) for p in images], model.input_shape_[:2], "the two images",
                                          channels=model.input_shape_[-1]), model).X
    else:
        if not (dataset or data) or indices is None:
            raise click.UsageError("Give two image files, or --dataset NAME (or --data PATH) with --indices I J.")
        source = DataSource(dataset=dataset, data=data, split=split)
        loaded = source.read(model=model)
        outside = [i for i in indices if not 0 <= i < len(loaded)]
        if outside:
            raise click.UsageError(f"--indices {outside} are outside the {len(loaded):,} samples.")
        pair = loaded.X[list(indices)]
    path = model.interpolate(pair[0], pair[1], steps=steps, slerp=slerp)
    picture = _tile(model, path, steps) if model.kind_ == "image" else None
    written = _write(path, picture, Path(output), npy, model.input_shape_[0])
    report(as_json, {"files": written, "steps": steps, "path": "spherical" if slerp else "linear"},
           f"Wrote {', '.join(written)} ({steps} points, {'spherical' if slerp else 'linear'} path).")


COMMANDS = (sample, interpolate)
