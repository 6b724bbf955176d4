"""Seeded train/validation splits, and the batches training takes from arrays in memory: the same batches on every
backend, with TensorFlow (tf.data) or without it (NumPy)."""

from __future__ import annotations

import hashlib

import numpy as np

from .augment import augment_batch
from .crops import crop_batch, crops_per_image


def split_indices(n: int, validation_split: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded random split of ``n`` samples into train and validation indices.

    Parameters
    ----------
    n : int
        The number of samples.
    validation_split : float
        The share of samples held out for validation, in [0, 1); rounded to a whole number of samples, and at
        least one sample is always left for training.
    seed : int
        The seed of the permutation: the same seed gives the same split.

    Returns
    -------
    train : numpy.ndarray
        Sorted indices of the training samples.
    validation : numpy.ndarray
        Sorted indices of the validation samples (empty for ``validation_split=0``).
    """
    order = np.random.default_rng(seed).permutation(n)
    n_val = int(round(n * validation_split))
    if validation_split > 0 and n - n_val < 1:
        n_val = n - 1
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def fingerprint(X: np.ndarray) -> str:
    """A short content hash of an array, stored with the model to tell which data it saw.

    Parameters
    ----------
    X : numpy.ndarray
        The array; its shape and dtype are hashed with its values.

    Returns
    -------
    str
        The first 16 hex digits of the SHA-256 digest.
    """
    digest = hashlib.sha256()
    digest.update(str((X.shape, str(X.dtype))).encode())
    digest.update(np.ascontiguousarray(X).tobytes())
    return digest.hexdigest()[:16]


def epoch_order(n: int, batch_size: int, seed: int, epoch: int) -> np.ndarray:
    """The order of the ``n`` rows in ``epoch``: a permutation drawn from (seed, epoch) alone, filled up to whole
    batches with the first rows of that order (every batch has the same number of rows)."""
    order = np.random.default_rng([int(seed) % (2**31), int(epoch)]).permutation(n)
    fill = -n % batch_size
    return np.concatenate([order, order[:fill]]) if fill else order


class EpochShuffledDataset:
    """Training batches whose order is a pure function of (seed, epoch) (:func:`epoch_order`).

    The order does not depend on how many epochs this process has already run, so a run resumed at epoch k
    (``set_epoch(k)`` before fitting) sees exactly the batches an uninterrupted run sees at epoch k. The batches
    come endlessly, one epoch after another (fit with ``steps_per_epoch=len(self)``): Keras keeps one iterator
    for the whole fit, where a new one per epoch cost about 8 ms, more than an epoch of a small table.

    Every batch has the same number of rows: a short last batch would be a second input shape, and so a second
    compilation of the training step, which costs more than the whole training of a small model.

    ``dataset`` is what ``keras.Model.fit`` takes: on JAX (and wherever TensorFlow is absent) a
    ``keras.utils.PyDataset`` that gathers batch i with NumPy; on TensorFlow a tf.data pipeline over the same
    orders. ``part=(index, count)`` keeps one worker's share of every batch (multi-worker training).

    Parameters
    ----------
    X : numpy.ndarray
        The training inputs, one row per sample.
    batch_size : int
        Rows per batch, capped at the number of rows (and at least 1).
    seed : int
        The seed the order of every epoch is drawn from, with the epoch's number.
    targets : numpy.ndarray, optional
        What the model learns to output for each row, when it is not the input itself; batches are then
        ``(x, targets)`` pairs, else ``(x,)``.
    part : (int, int), default=(0, 1)
        ``(index, count)``: keep the ``index``-th of ``count`` equal shares of every batch (the rows a share
        would leave over are dropped).
    augment : {"none", "flips", "shifts", "flips+shifts"}, default="none"
        Images only: flip and shift each batch's images (and their targets alike), drawn from (seed, epoch,
        step); see :mod:`aekit.data.augment`.
    crop : int, default=0
        Images only: train on a random ``crop`` x ``crop`` window of each image (its target alike), and visit
        each image as many times an epoch as it holds whole crops; see :mod:`aekit.data.crops`. 0 or less: whole
        images.
    """

    def __init__(self, X: np.ndarray, batch_size: int, seed: int, targets: np.ndarray | None = None,
                 part: tuple[int, int] = (0, 1), augment: str = "none", crop: int = 0):
        self.X, self.targets, self.seed, self.augment, self.crop = X, targets, seed, augment, int(crop)
        self.visits = crops_per_image(X.shape[1:], self.crop)
        self.n = len(X) * self.visits  # the places in an epoch: every image once per crop it holds
        self.batch_size = max(1, min(int(batch_size), self.n))
        self.part = part
        self.start_epoch = 0
        self._dataset = None

    def batch(self, epoch: int, step: int) -> tuple[np.ndarray, ...]:
        """Batch ``step`` of ``epoch`` as training sees it: ``(x,)`` or ``(x, targets)``, augmented if asked.

        Parameters
        ----------
        epoch : int
            The 0-based epoch.
        step : int
            The batch within the epoch.

        Returns
        -------
        tuple of numpy.ndarray
            The inputs, and the targets when the model learns pairs.
        """
        rows = self.rows(epoch, step) % len(self.X)
        x = self.X[rows]
        y = None if self.targets is None else self.targets[rows]
        x, y = self._augmented(x, y, epoch, step)
        return (x,) if y is None else (x, y)

    @property
    def transforms(self) -> bool:
        """Whether batches are cropped or augmented after they are gathered."""
        return self.augment != "none" or self.crop > 0

    def _augmented(self, x, y, epoch: int, step: int):
        offset = self.part[0] * len(x)
        x, y = crop_batch(x, y, self.crop, self.seed, epoch, step, self.batch_size, offset=offset)
        return augment_batch(x, y, self.augment, self.seed, epoch, step, self.batch_size, offset=offset)

    def set_epoch(self, epoch: int) -> None:
        """The epoch the batches start at (a resumed run's): set before fitting.

        Parameters
        ----------
        epoch : int
            The 0-based epoch the first batch belongs to.
        """
        self.start_epoch = int(epoch)
        if self._dataset is not None and hasattr(self._dataset, "start"):
            self._dataset.start.assign(self.start_epoch)

    def __len__(self) -> int:
        return -(-self.n // self.batch_size)

    def rows(self, epoch: int, step: int) -> np.ndarray:
        """The rows of batch ``step`` of ``epoch`` (this worker's share of it).

        Parameters
        ----------
        epoch : int
            The 0-based epoch, whose order :func:`epoch_order` draws.
        step : int
            The batch within the epoch, from 0 to ``len(self) - 1``.

        Returns
        -------
        numpy.ndarray
            Places in the epoch; place ``i`` is row ``i % len(X)`` of ``X`` (and ``targets``), so that with crops
            an image is visited once per crop it holds.
        """
        order = self._order(epoch)
        batch = order[step * self.batch_size:(step + 1) * self.batch_size]
        index, count = self.part
        share = len(batch) // count
        return batch[index * share:(index + 1) * share]

    def _order(self, epoch: int) -> np.ndarray:
        cached = getattr(self, "_cached_order", None)
        if cached is None or cached[0] != epoch:
            cached = (epoch, epoch_order(self.n, self.batch_size, self.seed, epoch))
            self._cached_order = cached
        return cached[1]

    @property
    def dataset(self):
        """What ``keras.Model.fit`` takes: a ``keras.utils.PyDataset`` or, on TensorFlow, a tf.data dataset,
        built on first use; its batches never end."""
        if self._dataset is None:
            self._dataset = _tf_batches(self) if _backend() == "tensorflow" else _numpy_batches(self)
        return self._dataset


def _numpy_batches(source: EpochShuffledDataset):
    """Batch ``i`` of the fit: epoch ``start + i // steps``, its batch ``i % steps``, gathered by NumPy."""
    import keras

    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(workers=1, use_multiprocessing=False)

        @property
        def num_batches(self):
            return None  # endless: Keras keeps one iterator for the whole fit

        def __getitem__(self, i):
            steps = len(source)
            return source.batch(source.start_epoch + i // steps, i % steps)

    return Batches()


def _tf_batches(source: EpochShuffledDataset):
    """The same batches as tf.data: the orders come from :func:`epoch_order`, one NumPy call per epoch."""
    import tensorflow as tf

    start = tf.Variable(source.start_epoch, dtype=tf.int64, trainable=False)
    features = tf.constant(source.X)
    labels = None if source.targets is None else tf.constant(source.targets)
    size, index, count = len(source) * source.batch_size, *source.part

    def one_epoch(number):
        order = tf.numpy_function(lambda e: epoch_order(source.n, source.batch_size, source.seed, int(e)), [number],
                                  tf.int64)
        order.set_shape([size])
        batches = tf.data.Dataset.from_tensor_slices(order).batch(source.batch_size).enumerate()
        return batches.map(lambda step, rows: (number, step, rows))

    def epochs_from_start(_):
        return tf.data.Dataset.range(start.read_value(), tf.int64.max).flat_map(one_epoch)

    def gather(epoch, step, rows):
        share = tf.shape(rows)[0] // count
        rows = rows[index * share:(index + 1) * share] % len(source.X)
        batch = tf.gather(features, rows)
        targets = None if labels is None else tf.gather(labels, rows)
        if source.transforms:
            batch, targets = _tf_augmented(source, batch, targets, epoch, step)
        return batch if targets is None else (batch, targets)

    # One sequential gather per batch and a private one-thread pool: on a 2-core machine, tf.data's parallel map
    # and autotuning steal the cores the training step needs (measured ~30% slower).
    options = tf.data.Options()
    options.threading.private_threadpool_size = 1
    options.autotune.enabled = False
    dataset = tf.data.Dataset.range(1).flat_map(epochs_from_start).map(gather).prefetch(2).with_options(options)
    dataset.start = start
    return dataset


def _tf_augmented(source: EpochShuffledDataset, batch, targets, epoch, step):
    """The NumPy augmentation inside the tf.data pipeline: the same draws, so both backends see the same batches."""
    import tensorflow as tf

    def run(x, y, e, s):
        x, y = source._augmented(x, None if y.size == 0 else y, int(e), int(s))
        return x, (np.zeros((0,), x.dtype) if y is None else y)

    empty = tf.zeros((0,), batch.dtype)
    x, y = tf.numpy_function(run, [batch, empty if targets is None else targets, epoch, step],
                             (batch.dtype, batch.dtype if targets is None else targets.dtype))
    x.set_shape(_cropped(batch.shape, source.crop, 1))
    if targets is None:
        return x, None
    y.set_shape(_cropped(targets.shape, source.crop, targets.shape[1] // batch.shape[1]))
    return x, y


def _cropped(shape, crop: int, factor: int) -> list:
    """A batch's static shape after :func:`aekit.data.crops.crop_batch` (``factor``: a target's scale)."""
    shape = list(shape)
    return shape if crop <= 0 else [shape[0], crop * factor, crop * factor, *shape[3:]]


def batched(X: np.ndarray, batch_size: int, targets: np.ndarray | None = None, drop_remainder: bool = False,
            part: tuple[int, int] = (0, 1)):
    """Rows in order, in batches of ``batch_size`` (the last one partial, unless ``drop_remainder``), for validation
    (x alone: the model's target is x): a ``keras.utils.PyDataset`` on JAX, tf.data on TensorFlow. ``part`` as for
    :class:`EpochShuffledDataset`.

    Parameters
    ----------
    X : numpy.ndarray
        The inputs, one row per sample.
    batch_size : int
        Rows per batch.
    targets : numpy.ndarray, optional
        What the model should output for each row, when it is not the input itself; batches are then
        ``(x, targets)`` pairs, else ``(x,)`` (x alone on TensorFlow).
    drop_remainder : bool, default=False
        Leave out the last, partial batch.
    part : (int, int), default=(0, 1)
        ``(index, count)``: keep the ``index``-th of ``count`` equal shares of every batch.

    Returns
    -------
    keras.utils.PyDataset or tf.data.Dataset
        One pass over the rows, in order.
    """
    if _backend() == "tensorflow":
        return _tf_batched(X, batch_size, targets, drop_remainder, part)
    import keras

    starts = list(range(0, len(X) - (batch_size - 1 if drop_remainder else 0), batch_size))
    index, count = part

    class Validation(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(workers=1, use_multiprocessing=False)

        @property
        def num_batches(self):
            return len(starts)

        def __getitem__(self, i):
            rows = slice(starts[i], min(starts[i] + batch_size, len(X)))
            share = (rows.stop - rows.start) // count
            keep = slice(rows.start + index * share, rows.start + (index + 1) * share)
            return (X[keep],) if targets is None else (X[keep], targets[keep])

    return Validation()


def _tf_batched(X, batch_size, targets, drop_remainder, part):
    import tensorflow as tf

    index, count = part
    data = X if targets is None else (X, targets)
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(batch_size, drop_remainder)
    if count > 1:
        def share(*tensors):
            size = tf.shape(tensors[0])[0] // count
            parts = [t[index * size:(index + 1) * size] for t in tensors]
            return parts[0] if len(parts) == 1 else tuple(parts)

        dataset = dataset.map(share)
    return dataset.prefetch(tf.data.AUTOTUNE)


def _backend() -> str:
    import keras

    return keras.backend.backend()
