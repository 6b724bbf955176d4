"""Click plumbing for the CLI: flags generated from the declared parameters, data options, error handling."""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
import traceback
import types
import typing
from typing import Any

import click
import numpy as np

from .. import models  # noqa: F401 - registers the built-in families, whose parameters become flags
from ..core import params as family_params
from ..core.config import CHOICES, Config


def _int_list(value):
    if value is None or isinstance(value, list):
        return value
    try:
        return [int(v) for v in str(value).replace(" ", "").split(",") if v]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated integers such as 1000,500,250, got {value!r}") from None


def _base_type(hint):
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and args:
        hint = args[0]
    return typing.get_origin(hint) or hint


class IntOrAuto(click.ParamType):
    """A positive integer or ``auto`` (epochs and batch size)."""

    name = "INTEGER|auto"

    def convert(self, value, param, ctx):
        if value in (None, "auto") or isinstance(value, int):
            return value
        try:
            return int(value)
        except ValueError:
            self.fail(f"expected a positive integer or 'auto', got {value!r}", param, ctx)


def _flag(name: str, value_type, help_text: str, choices=None, aliases: tuple[str, ...] = ()) -> click.Option:
    """One ``--flag`` for a config key (default None: only flags the user gives override a config file)."""
    flag = "--" + name.replace("_", "-")
    names = [flag, *aliases, name]
    if Config.default_for(name) == "auto" and value_type is int:
        return click.Option(names, type=IntOrAuto(), default=None, help=help_text)
    if value_type is bool:
        return click.Option([f"{flag}/--no-{flag[2:]}", name], default=None, help=help_text)
    if value_type is list:
        return click.Option(names, default=None, callback=lambda c, p, v: _int_list(v), help=help_text)
    if choices:
        return click.Option(names, type=click.Choice([str(c) for c in choices]), default=None, help=help_text)
    return click.Option(names, type=value_type, default=None, help=help_text)


def config_flags(defaults: dict[str, Any] | None = None) -> list[click.Option]:
    """Flags for every estimator key: Config's architecture and training keys, then every family's parameters.

    ``defaults`` shows another estimator's defaults in the help (the anomaly detector's).
    """
    defaults = defaults or {}
    hints = typing.get_type_hints(Config)
    options = []
    for field in dataclasses.fields(Config):
        if field.name not in Config.keys("architecture", "training"):
            continue
        default = defaults.get(field.name, field.default)
        shown = "auto" if default is None and field.name in defaults else default
        help_text = field.metadata["help"] + (f" [default: {shown}]" if shown is not None else "")
        options.append(_flag(field.name, _base_type(hints[field.name]), help_text, CHOICES.get(field.name)))
    options += family_flags(set())
    return options


def family_flags(present: set[str]) -> list[click.Option]:
    """Flags for the declared family parameters not yet in ``present`` (plugins add theirs at run time)."""
    options = []
    for name, param in family_params.family_params().items():
        if name in present:
            continue
        users = ", ".join(family_params.families_using(name))
        help_text = f"[{users}] {param.help} [default: {param.default}]"
        options.append(_flag(name, param.value_type, help_text, param.choices, param.flag_aliases))
    return options


def config_options(command=None, *, defaults: dict[str, Any] | None = None):
    """Add one flag per estimator key (see :func:`config_flags`) to a click command."""

    def decorate(cmd):
        # What @click.option does with an Option object: the command collects __click_params__ in reverse.
        cmd.__dict__.setdefault("__click_params__", []).extend(reversed(config_flags(defaults)))
        cmd.__aekit_config_flags__ = True
        return cmd

    return decorate(command) if command is not None else decorate


def add_plugin_flags(group: click.Group) -> None:
    """After plugins load, give every command with config flags the flags of the parameters they declared."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            add_plugin_flags(command)
        elif getattr(command.callback, "__aekit_config_flags__", False):
            present = {p.name for p in command.params}
            command.params.extend(family_flags(present))


@dataclasses.dataclass
class DataSource:
    """Where a command reads its data: a named dataset or a path, and how to read it."""

    dataset: str | None = None
    data: str | None = None
    label_column: str | None = None
    image_size: tuple[int, int] | None = None
    image_shape: tuple[int, ...] | None = None
    split: str = "train"
    data_dir: str | None = None
    max_samples: int | None = None
    stream: bool | None = None
    stream_cache: str | None = None

    def read(self, allow_stream: bool = False, model=None):
        """A :class:`~aekit.data.Dataset` in memory, or, for commands that take one (``allow_stream``), a
        :class:`~aekit.data.Stream` when the data is streamed.

        Given the fitted ``model`` it is for, image files come in its channels and units (files hold pixel values
        of their bit depth; a model trained on [0, 1] values gets them divided by 255, or 65535)."""
        from .. import data as data_module

        if self.stream and not allow_stream:
            raise click.UsageError("This command reads its data into memory; --stream works with `aekit train` and "
                                   "`aekit encode`. Drop --stream (use --max-samples for a part of large data).")
        if allow_stream and self.data is not None and self.stream is not False:
            from ..data.streaming import open_stream, should_stream

            if self.stream or should_stream(self.data):
                if self.max_samples is not None or self.image_shape is not None:
                    raise click.UsageError("--max-samples and --image-shape read data into memory; drop them, or "
                                           "pass --no-stream.")
                stream = open_stream(self.data, self.label_column, self.image_size, cache=self.stream_cache)
                stream.meta["source"] = self.spec()
                return stream
        image_model = model is not None and model.kind_ == "image"
        dataset = data_module.load(self.dataset, self.data, split=self.split, label_column=self.label_column,
                                   image_size=self.image_size, data_dir=self.data_dir, max_samples=self.max_samples,
                                   image_shape=self.image_shape,
                                   channels=model.input_shape_[-1] if image_model else None)
        dataset = in_model_units(dataset, model) if image_model else dataset
        dataset.meta["source"] = self.spec()
        return dataset

    def spec(self) -> dict:
        """Plain values, as recorded in a run directory for ``--resume``."""
        values = dataclasses.asdict(self)
        values.pop("data_dir")
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in values.items()}

    @property
    def given(self) -> bool:
        return bool(self.dataset or self.data)


DATA_KEYS = ("dataset", "data", "label_column", "image_size", "image_shape", "split", "data_dir", "max_samples",
             "stream", "stream_cache")


def data_options(command=None, *, split_default: str = "train"):
    """--dataset/--data and friends; the command receives them as one ``source`` (a :class:`DataSource`)."""

    def decorate(cmd):
        @functools.wraps(cmd)
        def wrapper(*args, **kwargs):
            values = {key: kwargs.pop(key) for key in DATA_KEYS}
            values["image_size"] = tuple(values["image_size"]) if values["image_size"] else None
            values["image_shape"] = tuple(values["image_shape"]) if values["image_shape"] else None
            return cmd(*args, source=DataSource(**values), **kwargs)

        options = [
            click.option("--dataset", help="Named dataset: mnist, fashion_mnist, digits (see `aekit datasets`)."),
            click.option("--data", help="A data file, folder or glob: CSV, Parquet, NPY/NPZ, IDX, images."),
            click.option("--label-column", help="Table column holding labels; kept aside, not trained on."),
            click.option("--image-size", nargs=2, type=int, default=None, metavar="H W",
                         help="Resize images to H x W (needed when they differ in size)."),
            click.option("--image-shape", callback=lambda c, p, v: _int_list(v), default=None, metavar="H,W[,C]",
                         help="Reshape each table row into an H x W (x C) image, e.g. 28,28 for a CSV of "
                              "MNIST pixels. Not --image-size, which resizes images."),
            click.option("--split", type=click.Choice(list(CHOICES["split"])), default=split_default,
                         show_default=True, help="Split of a named dataset."),
            click.option("--data-dir", type=click.Path(file_okay=False), default=None,
                         help="Where named datasets live (also AEKIT_DATA_DIR)."),
            click.option("--max-samples", type=int, default=None, help="Use only the first N samples."),
            click.option("--stream/--no-stream", default=None,
                         help="Read --data through tf.data block by block instead of into memory [default: for "
                              "TFRecord files and data over 512 MB]. For CSV/Parquet shards, TFRecord, images."),
            click.option("--stream-cache", metavar="memory|PATH", default=None,
                         help="With a stream: keep the decoded training rows after the first epoch, in memory or "
                              "in files at this path prefix."),
        ]
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate(command) if command is not None else decorate


def in_model_units(dataset, model):
    """Images read from files (pixel values of their bit depth) in the units ``model`` was trained in."""
    if dataset.kind == "image" and dataset.X.dtype in (np.uint8, np.uint16):
        step = model.units_.per_file_value(dataset.X.dtype)
        if step != 1.0:
            dataset.X = dataset.X.astype(np.float32) * np.float32(step)
    return dataset


def read_data(dataset, data, label_column, image_size, split, data_dir, max_samples, image_shape=None, model=None):
    return DataSource(dataset, data, label_column, tuple(image_size) if image_size else None,
                      tuple(image_shape) if image_shape else None, split, data_dir, max_samples).read(model=model)


OVERWRITE_HELP = ("Write into an -o folder that holds files aekit did not write (files of the names it writes are "
                  "replaced, nothing else), or replace an existing -o file. Without it such outputs are refused.")


def overwrite_option(function):
    """``--overwrite``: the one switch of the output rule (:mod:`aekit.core.outputs`)."""
    return click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)(function)


def load_autoencoder(run):
    """The Autoencoder in a run directory (a clear error for a detector run, or no run): see
    :func:`aekit.runs.as_estimator`."""
    from ..estimator import Autoencoder
    from ..runs import as_estimator

    return as_estimator(run, Autoencoder)


def debugging() -> bool:
    context = click.get_current_context(silent=True)
    return bool(os.environ.get("AEKIT_DEBUG")) or (context is not None and context.find_root().params.get("debug"))


def handle_errors(function):
    """Print AekitErrors as one paragraph and exit 2; --debug (or AEKIT_DEBUG=1) adds the traceback."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from ..core.errors import AekitError

        try:
            return function(*args, **kwargs)
        except AekitError as exc:
            if debugging():
                traceback.print_exc()
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)

    return wrapper
