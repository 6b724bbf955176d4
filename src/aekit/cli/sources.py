"""Where a command reads its data: ``--dataset``/``--data`` and the options beside them, declared once as
:class:`aekit.core.config.Config`'s data keys (YAML config files name the same keys), and read as a
:class:`DataSource`."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import click
import numpy as np

from ..core.config import CHOICES, DATA, Config
from .options import _int_list

DATA_KEYS = tuple(Config.keys(DATA))
# What click needs beyond a key's name and help: its type, value count and display.
CLICK_EXTRAS = {
    "image_size": {"nargs": 2, "type": int, "metavar": "H W"},
    "image_shape": {"callback": lambda c, p, v: _int_list(v), "metavar": "H,W[,C]"},
    "split": {"type": click.Choice(list(CHOICES["split"])), "show_default": True},
    "data_dir": {"type": click.Path(file_okay=False)},
    "max_samples": {"type": int},
    "stream_cache": {"metavar": "memory|PATH"},
}


class _Reading:
    def read(self, allow_stream: bool = False, model=None):
        """A :class:`~aekit.data.Dataset` in memory, or, for commands that take one (``allow_stream``), a
        :class:`~aekit.data.Stream` when the data is streamed.

        Given the fitted ``model`` it is for, image files come in its channels and units (files hold pixel values
        of their bit depth; a model trained on [0, 1] values gets them divided by 255, or 65535)."""
        from .. import data as data_module

        if allow_stream and self.streams():
            from ..data.streaming import open_stream

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

    def streams(self) -> bool:
        """Whether a command that takes a stream reads this data as one: --stream, or files that
        :func:`~aekit.data.streaming.should_stream` streams by default (--no-stream reads into memory)."""
        from ..data.streaming import should_stream

        return self.data is not None and self.stream is not False and bool(self.stream or should_stream(self.data))

    def needs_engine(self) -> bool:
        """Whether reading goes through the engine: a stream reads through tf.data, and a named dataset with no
        copy here downloads through Keras. Other data reads without it, so a bad file is refused at once."""
        from ..data.named import downloads

        return self.streams() or (self.dataset is not None and downloads(self.dataset, self.data_dir))

    def spec(self) -> dict:
        """Plain values, as recorded in a run directory for ``--resume``."""
        values = dataclasses.asdict(self)
        values.pop("data_dir")
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in values.items()}

    @property
    def given(self) -> bool:
        return bool(self.dataset or self.data)


DataSource = dataclasses.make_dataclass(
    "DataSource", [(key, Any, dataclasses.field(default=Config.default_for(key))) for key in DATA_KEYS],
    bases=(_Reading,), namespace={"__doc__": "Where a command reads its data: a named dataset or a path, and how "
                                             "to read it (the data keys of Config)."})
DataSource.__module__ = __name__


# The keys only commands that read data larger than memory take (the others read it into memory).
STREAM_KEYS = ("stream", "stream_cache")


def data_options(command=None, *, split_default: str = "train", streams: bool = False):
    """--dataset/--data and friends; the command receives them as one ``source`` (a :class:`DataSource`).
    ``streams``: the command can read a stream of files (``source.read(allow_stream=True)``) and shows --stream."""

    def decorate(cmd):
        @functools.wraps(cmd)
        def wrapper(*args, **kwargs):
            values = {key: kwargs.pop(key) if key in kwargs else Config.default_for(key) for key in DATA_KEYS}
            values["image_size"] = tuple(values["image_size"]) if values["image_size"] else None
            values["image_shape"] = tuple(values["image_shape"]) if values["image_shape"] else None
            return cmd(*args, source=DataSource(**values), **kwargs)

        for key in reversed(DATA_KEYS):
            if key in STREAM_KEYS and not streams:
                continue
            flag = "--" + key.replace("_", "-")
            names = [f"{flag}/--no-{flag[2:]}"] if key == "stream" else [flag]
            default = split_default if key == "split" else Config.default_for(key)
            wrapper = click.option(*names, key, default=default, help=Config.help_for(key),
                                   **CLICK_EXTRAS.get(key, {}))(wrapper)
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
    return DataSource(dataset=dataset, data=data, label_column=label_column,
                      image_size=tuple(image_size) if image_size else None,
                      image_shape=tuple(image_shape) if image_shape else None, split=split, data_dir=data_dir,
                      max_samples=max_samples).read(model=model)
