"""Click plumbing for the CLI: config flags generated from Config, data options, and error handling."""

from __future__ import annotations

import dataclasses
import functools
import sys
import types
import typing

import click

from .config import CHOICES, Config

# Keys that are data or run settings rather than model/training flags, or that need a custom flag.
_NOT_FLAGS = {"dataset", "data", "label_column", "image_size", "split", "max_samples", "extra"}
_HELP = {
    "model": "Registered model name (see `aekit models`).",
    "preset": "Architecture preset: hinton2006, tutorial, small.",
    "latent_dim": "Size of the code (bottleneck).",
    "hidden": "Hidden layer widths of a deep stack, comma separated, e.g. 1000,500,250.",
    "filters": "Conv filters per stage, comma separated, e.g. 32,64.",
    "activity_l1": "L1 penalty on the code's activity (sparse autoencoder).",
    "noise": "Input corruption while training (denoising autoencoder).",
    "tied": "Tie decoder weights to the transposed encoder weights.",
    "loss": "Reconstruction loss; auto = bce for [0,1] data, mse otherwise.",
    "seed": "Random seed; the same seed gives identical results on CPU.",
}


def _int_list(value):
    if value is None or isinstance(value, list):
        return value
    try:
        return [int(v) for v in str(value).replace(" ", "").split(",") if v]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated integers such as 1000,500,250, got {value!r}") from None


def config_options(command):
    """Add one --flag per Config key (defaults None, so only flags the user gives override the config file)."""
    hints = typing.get_type_hints(Config)
    for field in reversed(dataclasses.fields(Config)):
        if field.name in _NOT_FLAGS:
            continue
        flag = "--" + field.name.replace("_", "-")
        hint = hints[field.name]
        base = _base_type(hint)
        help_text = _HELP.get(field.name, "") + (f" [default: {field.default}]" if field.default is not None else "")
        if base is bool:
            option = click.option(f"{flag}/--no-{flag[2:]}", field.name, default=None, help=help_text)
        elif base is list:
            option = click.option(flag, field.name, default=None, callback=lambda c, p, v: _int_list(v),
                                  help=help_text)
        elif field.name in CHOICES:
            option = click.option(flag, field.name, type=click.Choice(CHOICES[field.name]), default=None,
                                  help=help_text)
        else:
            option = click.option(flag, field.name, type=base, default=None, help=help_text)
        command = option(command)
    return command


def _base_type(hint):
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and args:
        hint = args[0]
    origin = typing.get_origin(hint)
    return origin or hint


def data_options(command=None, *, split_default: str = "train"):
    """--dataset/--data and friends, shared by every command that reads data."""

    def decorate(cmd):
        options = [
            click.option("--dataset", help="Named dataset: mnist, fashion_mnist, digits (see `aekit datasets`)."),
            click.option("--data", help="A data file, folder or glob: CSV, Parquet, NPY/NPZ, IDX, images."),
            click.option("--label-column", help="Table column holding labels; kept aside, not trained on."),
            click.option("--image-size", nargs=2, type=int, default=None, metavar="H W",
                         help="Resize images to H x W (needed when they differ in size)."),
            click.option("--split", type=click.Choice(["train", "test", "all"]), default=split_default,
                         show_default=True, help="Split of a named dataset."),
            click.option("--data-dir", type=click.Path(file_okay=False), default=None,
                         help="Where named datasets live (also AEKIT_DATA_DIR)."),
            click.option("--max-samples", type=int, default=None, help="Use only the first N samples."),
        ]
        for option in reversed(options):
            cmd = option(cmd)
        return cmd

    return decorate(command) if command is not None else decorate


def read_data(dataset, data, label_column, image_size, split, data_dir, max_samples):
    from . import data as data_module

    return data_module.load(dataset, data, split=split, label_column=label_column,
                            image_size=tuple(image_size) if image_size else None, data_dir=data_dir,
                            max_samples=max_samples)


def handle_errors(function):
    """Print AekitErrors as one paragraph and exit 2; --debug (or AEKIT_DEBUG=1) re-raises them."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from .errors import AekitError

        try:
            return function(*args, **kwargs)
        except AekitError as exc:
            context = click.get_current_context(silent=True)
            if context is not None and (context.find_root().params.get("debug")):
                raise
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)

    return wrapper
