"""`aekit compress` and `aekit decompress`: image files to one `.aez` file and back, as PNG files."""

from __future__ import annotations

import time
from pathlib import Path

import click
import numpy as np

from ..core.errors import DataError
from ..core.outputs import check_file, check_folder, record
from .options import handle_errors, json_option, load_autoencoder, overwrite_option, report


def _load_codec(run: str):
    model = load_autoencoder(run)
    model.require("compress")
    return model


def _images_and_names(items, model) -> tuple[np.ndarray, list[str]]:
    """Every input image (``items``, as :func:`aekit.data.image_files.collect` reads them) as the model's uint8
    pixels, with the PNG name each will be decompressed to."""
    images, names = [], []
    for item in items:
        if item.idx:
            stem = item.relative.name.split(".")[0]
            images.extend(item.pixels)
            names.extend(f"{stem}_{i:05d}.png" for i in range(len(item.pixels)))
            continue
        if tuple(item.pixels.shape) != tuple(model.input_shape_):
            h, w, c = item.pixels.shape
            mh, mw, mc = model.input_shape_
            raise DataError(f"{item.source} is {h}x{w} with {c} channel{'s' * (c != 1)}; this model codes {mh}x{mw} "
                            f"images with {mc} channel{'s' * (mc != 1)}. Resize or convert it, or train a "
                            "compression model on images like it. Nothing was written.")
        images.append(item.pixels)
        names.append(item.relative.with_suffix(".png").as_posix())
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})[:3]
        raise DataError(f"Two inputs would decompress to the same name ({', '.join(twice)}); give inputs with "
                        "different names. Nothing was written.")
    return np.stack(images), names


@click.command()
@click.argument("run", type=click.Path())
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .aez file to write.")
@overwrite_option
@json_option
@handle_errors(engines=False)
def compress(run, inputs, output, overwrite, as_json):
    """Compress images into one .aez file with a model trained with --model compression.

    INPUTS are image files (PNG, JPEG, ...), folders of them, or IDX files, of the size and channels the model
    was trained on. `aekit decompress` gives them back as PNG files under the same names (IDX images as
    numbered PNG files).

    \b
    Example:
      aekit train --dataset mnist --model compression --lmbda 0.01 -o runs/codec
      aekit compress runs/codec digits/*.png -o digits.aez
      aekit decompress runs/codec digits.aez -o decoded/
    """
    from ..core.atomic import atomic_path
    from ..data.image_files import collect

    check_file(output, overwrite=overwrite, inputs=inputs)
    items = collect(list(inputs))  # a missing or unreadable input is refused before the engine starts
    model = _load_codec(run)
    images, names = _images_and_names(items, model)
    started = time.perf_counter()
    data = model.compress(images.astype(np.float32) * model.units_.per_file_value(images.dtype), names=names)
    seconds = time.perf_counter() - started
    target = Path(output)
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)
    bits_per_value = 8 * len(data) / images.size
    report(as_json, {"output": str(target), "images": len(images), "bytes": len(data),
                     "bytes_per_image": len(data) / len(images), "bits_per_pixel_value": bits_per_value,
                     "seconds": seconds},
           f"Wrote {target}: {len(images)} image{'s' * (len(images) != 1)} in {len(data):,} bytes "
           f"({len(data) / len(images):.1f} bytes per image, {bits_per_value:.3f} bits per pixel value; "
           f"{seconds:.1f} s).")


@click.command()
@click.argument("run", type=click.Path())
@click.argument("file", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder to write the PNG files into.")
@overwrite_option
@json_option
@handle_errors(engines=False)
def decompress(run, file, output, overwrite, as_json):
    """Decompress a .aez file into PNG files, with the run that compressed it.

    The file is checked whole (model fingerprint, length, CRC) before anything is written.

    \b
    Example:
      aekit decompress runs/codec digits.aez -o decoded/
    """
    from ..core.atomic import atomic_path
    from ..data import aez

    source = Path(file)
    if not source.is_file():
        raise DataError(f"Compressed file not found: {file}. Check the path (relative paths start at {Path.cwd()}).")
    container = aez.unpack(source.read_bytes(), str(source))
    names = container.names or [f"{source.name.split('.')[0]}_{i:05d}.png" for i in range(container.count)]
    unsafe = [n for n in names if Path(n).is_absolute() or ".." in Path(n).parts or not n.endswith(".png")]
    if unsafe or len(names) != container.count:
        raise DataError(f"{source} names its images wrongly ({(unsafe or names)[:1]}; {len(names)} names for "
                        f"{container.count} images); it was not written by aekit. Nothing was written.")
    output_dir = Path(output)
    targets = [output_dir / name for name in names]
    check_folder(output_dir, overwrite=overwrite, inputs=[file], names=names, what="decompressed images folder")
    model = _load_codec(run)
    from ..estimator.codec import decompress_container

    images = decompress_container(model, container, str(source))
    record(output_dir, names)
    from PIL import Image

    pixels = images if images.dtype == np.uint8 else np.rint(images * 255).astype(np.uint8)
    for target, image in zip(targets, pixels):
        with atomic_path(target) as temporary:
            Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(temporary, format="PNG")
    report(as_json, {"output": str(output_dir), "files": names},
           f"Wrote {len(targets)} PNG file{'s' * (len(targets) != 1)} to {output_dir}.")


COMMANDS = (compress, decompress)
