"""`aekit denoise` and `aekit upscale`: image files in, restored image files out, under the same names."""

from __future__ import annotations

import time
import warnings
from collections import defaultdict
from functools import partial
from pathlib import Path

import click
import numpy as np

from ..core.errors import DataError
from ..core.outputs import check_folder, record
from .options import handle_errors, json_option, load_autoencoder, overwrite_option, report


def _restore_files(run: str, inputs: tuple[str, ...], output: str, method: str, overwrite: bool,
                   as_json: bool, noise_level: float | None = None) -> None:
    from ..data.image_files import collect, write_result

    # The inputs and the output folder are checked before the run loads the engine: a refusal comes at once.
    items = collect(list(inputs))
    output_dir = Path(output)
    _check_targets(items, output_dir)
    names = [item.relative.as_posix() for item in items]
    check_folder(output_dir, overwrite=overwrite, inputs=inputs, names=names, what=f"{method}d images folder")
    model = load_autoencoder(run)
    from ..estimator.restoration import check_restorer, upscale_factor

    if model.kind_ != "image":
        raise DataError(f"The run {run} holds a model of tables; `aekit {method}` restores images. For rows, use "
                        f"`aekit reconstruct`.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_restorer(model, method, noise_level)  # refuses the wrong kind of model before writing anything
    restore = getattr(model, method)
    if noise_level is not None:
        restore = partial(restore, noise_level=noise_level)
    for warning in {str(w.message) for w in caught}:
        click.echo(f"Warning: {warning}", err=True)
    record(output_dir, names)
    groups: dict[tuple, list] = defaultdict(list)
    for item in items:
        # Images of one size go through together; an IDX file is a batch of its own.
        groups[("idx", str(item.source)) if item.idx else ("image", item.pixels.shape)].append(item)
    scale = upscale_factor(model) if method == "upscale" else 1
    started, pixels_in = time.perf_counter(), 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said once above
        for group in groups.values():
            batch = group[0].pixels if group[0].idx else np.stack([item.pixels for item in group])
            units = model.units_.per_file_value(batch.dtype)
            restored = restore(batch.astype(np.float32) * units) / units
            pixels_in += batch.size // batch.shape[-1]
            if group[0].idx:
                write_result(group[0], restored, output_dir, scale)
            else:
                for item, result in zip(group, restored):
                    write_result(item, result, output_dir, scale)
    seconds = time.perf_counter() - started
    megapixels = pixels_in * scale * scale / 1e6
    report(as_json, {"output": str(output_dir), "files": names, "megapixels_out": megapixels, "seconds": seconds},
           f"Wrote {len(items)} file{'s' * (len(items) != 1)} to {output_dir} ({megapixels:.2f} megapixels out "
           f"in {seconds:.1f} s, {megapixels / max(seconds, 1e-9):.2f} MP/s).")


def _check_targets(items, output_dir: Path) -> None:
    """Refuse before writing anything: two inputs onto one output name, or an output onto its input."""
    seen: dict[Path, Path] = {}
    for item in items:
        target = (output_dir / item.relative).resolve()
        if target == item.source.resolve():
            raise DataError(f"Writing the result for {item.source} would overwrite it; choose another output "
                            f"folder than {output_dir}.")
        if target in seen:
            raise DataError(f"{seen[target]} and {item.source} would both be written to {target}; give inputs "
                            "with different names, or restore them in two runs with different output folders.")
        seen[target] = item.source


def _restoring_command(what: str):
    """The shared signature of the two commands: RUN INPUTS... -o OUTPUT."""

    def decorate(function):
        function = handle_errors(function, engines=False)
        function = json_option(function)
        function = overwrite_option(function)
        function = click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
                                help=f"Folder to write the {what} images into, under the input file names.")(function)
        function = click.argument("inputs", nargs=-1, required=True, type=click.Path())(function)
        function = click.argument("run", type=click.Path())(function)
        return click.command()(function)

    return decorate


@click.option("--noise-level", type=click.FloatRange(0, 1), default=None,
              help="A blind denoiser only (trained with --blind): the noise's standard deviation, in the scaled "
                   "images' units (0.1 = 25 of 255 levels); larger smooths more. Default: estimated per image.")
@_restoring_command("cleaned")
def denoise(run, inputs, output, overwrite, as_json, noise_level):
    """Remove noise from images with a model trained with --noise (best: --model unet).

    INPUTS are image files, folders of them, or IDX files; each is written under OUTPUT with the same name
    and format. Images of any size are processed whole or in overlapping tiles, never cropped. A blind
    denoiser (--blind) estimates each image's noise level, or takes --noise-level.

    \b
    Example:
      aekit train --dataset mnist --model unet --noise gaussian --noise-level 0.3 -o runs/denoise
      aekit denoise runs/denoise noisy/*.png -o clean/
      aekit train --data photos/ --model unet --blind --noise gaussian --noise-level 0.25 -o runs/blind
      aekit denoise runs/blind noisy/ -o clean/ --noise-level 0.08
    """
    _restore_files(run, inputs, output, "denoise", overwrite, as_json, noise_level)


@_restoring_command("enlarged")
def upscale(run, inputs, output, overwrite, as_json):
    """Enlarge images 2 or 4 times with a model trained with --model unet --upscale 2|4.

    INPUTS are image files, folders of them, or IDX files; each is written under OUTPUT with the same name
    and format, the upscale factor times larger on each side.

    \b
    Example:
      aekit train --dataset mnist --model unet --upscale 2 -o runs/sr2
      aekit upscale runs/sr2 small/*.png -o large/
    """
    _restore_files(run, inputs, output, "upscale", overwrite, as_json)


COMMANDS = (denoise, upscale)
