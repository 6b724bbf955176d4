"""What a fit trains on, prepared the same way for arrays in memory and for streamed files.

The estimator's one fit body asks a source, in this order:

1. ``survey(validation_split, seed)``: how many training and validation rows there are (a stream reads its
   files once for that, and for exact scaling statistics);
2. ``fit_scaler(scaling)`` and ``units(scaler)``: the scaler, fitted on the training rows, and the units of the
   training data (see :mod:`aekit.data.units`);
3. ``prepare(model_class, config, scaler)``: the scaled inputs (and, for families that learn pairs, the targets),
   and ``model_shape``, the shape of one input the model is built for;
4. ``pipelines(config, scaler, corruption)`` once the model is built: the endless training batches, the
   validation batches and the TensorBoard preview, for :func:`aekit.training.fit.fit_batches`;
5. ``held_out()``: ``(inputs, targets)`` of held-out rows, for the metrics the run reports and its previews.

A model that corrupts its inputs while training (a denoiser: ``noise``) is validated on corrupted inputs too
(:meth:`aekit.models.layers.Corruption.corrupted_copy`, one fixed draw from the run's seed) against the clean
targets, so that early stopping, the reported validation figures and the previews measure its task.
"""

from __future__ import annotations

import math

import numpy as np

from ..core.errors import ConfigError, DataError
from ..data.dataset import Dataset, as_dataset, sample_shape_error
from ..data.pipeline import fingerprint, split_indices
from ..data.scaling import Scaler
from ..data.streaming import Stream
from ..data.units import Units
from .distributed import local_part
from .fit import SUMMARY_IMAGES, array_pipelines
from .streaming import StreamBatches, check_streamable_family, survey, validation_batches, validation_period


def training_source(X, validation=None):
    """The source for ``X``: a :class:`~aekit.data.streaming.Stream` of files, or anything array-like; with
    ``validation``, the rows to validate on instead of a split of ``X`` (arrays only)."""
    if isinstance(X, Stream):
        if validation is not None:
            raise DataError("Received validation_data with a stream of files; a stream holds its validation rows "
                            "itself (validation_split picks them by their place in their file). Pass "
                            "validation_split, or arrays for both.")
        return StreamSource(X)
    return ArraySource(as_dataset(X), None if validation is None else as_dataset(validation, name="validation_data"))


class ArraySource:
    """A :class:`~aekit.data.dataset.Dataset` in memory, split into training and validation rows by a seed, or
    validated on rows of its own (``validation_data``: appended after the training rows, so that every step
    below treats them as a split's held-out rows; the scaler and units still come from the training rows)."""

    croppable = True  # its training batches can be cut into random crops (aekit.data.crops)

    def __init__(self, dataset: Dataset, validation: Dataset | None = None):
        self.training_X = dataset.X
        self.given_validation = 0
        if validation is not None:
            validation = as_dataset(validation, feature_names=dataset.feature_names, name="validation_data")
            if validation.sample_shape != dataset.sample_shape:
                raise sample_shape_error(validation.sample_shape, dataset.sample_shape, "validation_data")
            self.given_validation = len(validation)
            dataset = Dataset(np.concatenate([dataset.X, validation.X.astype(dataset.X.dtype, copy=False)]), None,
                              dataset.kind, dataset.name, dataset.feature_names, dict(dataset.meta))
        self.data = dataset
        self.kind, self.sample_shape, self.feature_names = dataset.kind, dataset.sample_shape, dataset.feature_names

    def survey(self, validation_split: float, seed: int) -> None:
        if self.given_validation:
            rows = len(self.data)
            self.train_index = np.arange(rows - self.given_validation)
            self.val_index = np.arange(rows - self.given_validation, rows)
        else:
            self.train_index, self.val_index = split_indices(len(self.data), validation_split, seed)
        self.train_rows, self.validation_rows = len(self.train_index), len(self.val_index)

    def describe(self, plan: str) -> str:
        return f"training {plan}"

    def fit_scaler(self, scaling: str) -> Scaler:
        rows = self.data.X[self.train_index]
        return Scaler.choose(scaling, self.kind, rows).fit(rows)

    def units(self, scaler: Scaler) -> Units:
        return Units.observe(self.data.X[self.train_index], bounded=scaler.bounded(self.kind))

    def prepare(self, model_class, config, scaler: Scaler) -> None:
        self.targets = scaler.transform(self.data.X)
        self.inputs = model_class.training_inputs(self.targets, config)
        self.goals = model_class.training_targets(self.targets, config, self.train_index)
        self.paired = self.inputs is not self.goals
        self.model_shape = tuple(self.inputs.shape[1:])  # a super-resolution model takes the smaller copies

    def pipelines(self, config, scaler: Scaler, corruption=None):
        train, val = self.train_index, self.val_index
        self.corrupt = held_out_corruption(corruption, config.seed)
        x_val = self.corrupt(self.inputs[val])
        pairs = self.paired or corruption is not None
        return array_pipelines(self.inputs[train], x_val, config,
                               y_train=self.goals[train] if self.paired else None,
                               y_val=self.goals[val] if pairs else None, images=self.kind == "image")

    def clean_samples(self, count: int) -> np.ndarray:
        """Up to ``count`` scaled training samples, uncorrupted (what a model measures before training)."""
        return self.targets[self.train_index[:count]]

    def held_out(self) -> tuple[str, np.ndarray, np.ndarray]:
        """``(split, inputs, targets)``: the validation rows, or the training rows when none are held out."""
        rows = self.val_index if len(self.val_index) else self.train_index
        split = "validation" if len(self.val_index) else "training"
        return split, self.corrupt(self.inputs[rows]), self.targets[rows]

    def fingerprint(self) -> str:
        return fingerprint(self.training_X)

    def summary(self) -> dict | None:
        return None


class StreamSource:
    """Files read again every epoch (:mod:`aekit.training.streaming`): exact statistics from one survey pass,
    validation rows chosen by their place in their file."""

    croppable = False

    def __init__(self, stream: Stream):
        self.data = stream
        self.kind, self.sample_shape, self.feature_names = stream.kind, stream.sample_shape, stream.feature_names

    def survey(self, validation_split: float, seed: int) -> None:
        self.found = survey(self.data, validation_split)
        self.period = validation_period(validation_split)
        self.train_rows, self.validation_rows = self.found.train_rows, self.found.validation_rows

    def describe(self, plan: str) -> str:
        found = self.found
        return (f"streaming {len(self.data.paths)} file(s), {found.train_rows:,} training and "
                f"{found.validation_rows:,} validation rows (surveyed in {found.seconds:.1f} s); training {plan}")

    def fit_scaler(self, scaling: str) -> Scaler:
        found, shape = self.found, self.sample_shape
        scaler = Scaler.auto_method(scaling, self.kind, found.low, found.high, math.prod(shape), found.integral)
        return scaler.fit_summary(found.low, found.high, found.mean.reshape(shape), found.std.reshape(shape))

    def units(self, scaler: Scaler) -> Units:
        found = self.found
        return Units.from_summary(found.low, found.high, found.integral, scaler.bounded(self.kind),
                                  "uint8" if self.kind == "image" else "float32")

    def prepare(self, model_class, config, scaler: Scaler) -> None:
        check_streamable_family(model_class, config, self.found.kept[0] if self.found.kept else np.zeros(0))
        kept = self.found.kept
        self.kept = scaler.transform(kept[0]) if kept else np.zeros((0, *self.sample_shape), np.float32)
        self.model_shape = self.sample_shape

    def pipelines(self, config, scaler: Scaler, corruption=None):
        if config.augment != "none" or config.crop > 0:
            what = f"augment={config.augment!r}" if config.augment != "none" else f"crop={config.crop}"
            raise ConfigError(f"Received {what} with streamed data; augmentation and crops apply to images held in "
                              "memory. Leave augment at 'none' and crop at 0, or read the images without --stream.")
        found = self.found
        self.corrupt = held_out_corruption(corruption, config.seed)
        train = StreamBatches(self.data, found.train_rows, config.batch_size, config.seed, self.period, scaler,
                              self.data.cache, part=local_part())
        validation = validation_batches(self.data, self.period, found.validation_rows, max(config.batch_size, 256),
                                        scaler, part=local_part(),
                                        corrupt=None if corruption is None else self.corrupt) \
            if found.validation_rows else None
        preview = (self.corrupt(self.kept[:SUMMARY_IMAGES]), self.kept[:SUMMARY_IMAGES]) \
            if self.kind == "image" and len(self.kept) else None
        return train, validation, preview

    def clean_samples(self, count: int) -> np.ndarray:
        """Up to ``count`` of the rows the survey kept, scaled (a stream holds no training rows in memory)."""
        return self.kept[:count]

    def held_out(self) -> tuple[str, np.ndarray, np.ndarray]:
        """The validation rows the survey kept (up to ``streaming.KEPT_ROWS``; training rows when none are held
        out)."""
        return ("validation" if self.found.validation_rows else "training"), self.corrupt(self.kept), self.kept

    def fingerprint(self) -> str:
        return self.data.fingerprint()

    def summary(self) -> dict:
        found = self.found
        return {"train_rows": found.train_rows, "validation_rows": found.validation_rows,
                "files": len(self.data.paths), "bytes": self.data.nbytes, "seconds": found.seconds}


def held_out_corruption(corruption, seed: int):
    """The function that corrupts held-out inputs for a model with ``corruption`` (the identity for one without),
    a fixed draw from ``seed`` (and ``index``, a stream's batch number) for any one array: see the module docs."""
    if corruption is None:
        return lambda x, index=0: x
    return lambda x, index=0: corruption.corrupted_copy(x, (seed, index))
