"""Training an Autoencoder on a :class:`~aekit.data.streaming.Stream`: data larger than memory.

One survey pass over the files counts the training and validation rows and collects what the scaler
needs (range, integrality, per-column mean and variance, merged block by block in float64 by scikit-learn's
``StandardScaler.partial_fit``), so the
scaling statistics are exact, not sampled. Training then reads the files again every epoch: the files in
an order drawn from (seed, epoch), up to ``PARALLEL_FILES`` of them interleaved, the rows mixed in
windows of about ``SHUFFLE_BYTES`` (each permuted), batches of one size (the last partial batch of an epoch is
dropped), scaled inside the pipeline and prefetched. An epoch is therefore a pure function of (seed,
epoch), as for in-memory data, and ``resume`` continues exactly.

Validation rows are every ``round(1 / validation_split)``-th row of each file (see ``validation_mask``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.preprocessing import StandardScaler

from ..core.errors import DataError
from ..data.streaming import Stream, read_error, validation_mask

SHUFFLE_BYTES = 64 << 20
MIN_SHUFFLE_ROWS, MAX_SHUFFLE_ROWS = 1024, 65_536
PARALLEL_FILES = 4
KEPT_ROWS = 2048  # validation rows kept in memory for the metrics report and the preview images


@dataclass
class Survey:
    train_rows: int = 0
    validation_rows: int = 0
    low: float = math.inf
    high: float = -math.inf
    integral: bool = True
    moments: StandardScaler = field(default_factory=StandardScaler)  # per-column mean and variance, merged
    kept: list[np.ndarray] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, block: np.ndarray) -> None:
        flat = block.reshape(len(block), -1).astype(np.float64)
        if not len(flat):
            return
        self.low, self.high = min(self.low, float(flat.min())), max(self.high, float(flat.max()))
        self.integral = self.integral and bool(np.array_equal(flat, np.round(flat)))
        self.moments.partial_fit(flat)  # Chan et al.'s pairwise merge: stable where sums of squares would cancel
        self.train_rows += len(flat)

    @property
    def mean(self) -> np.ndarray:
        return self.moments.mean_

    @property
    def std(self) -> np.ndarray:
        return np.sqrt(self.moments.var_)


def validation_period(validation_split: float) -> int:
    return 0 if validation_split <= 0 else max(2, round(1 / validation_split))


def survey(stream: Stream, validation_split: float) -> Survey:
    """One pass over ``stream``: counts, the training rows' statistics, and a few validation rows kept."""
    import tensorflow as tf

    period = validation_period(validation_split)
    result, started = Survey(), time.perf_counter()
    blocks = stream.blocks(numbered=True).map(lambda x, f, r: (x, validation_mask(x, f, r, period)))
    iterator = iter(blocks.prefetch(2).as_numpy_iterator())
    while True:
        try:
            block, held_out = next(iterator)
        except StopIteration:
            break
        except tf.errors.OpError as exc:
            raise read_error(stream, exc) from None
        if not np.isfinite(block).all():
            raise DataError(f"{stream.spec} holds empty, NaN or infinite values (after row "
                            f"{result.train_rows + result.validation_rows:,}); a stream trains on complete rows. "
                            "Fill or drop them first.")
        result.add(block[~held_out])
        result.validation_rows += int(held_out.sum())
        if sum(map(len, result.kept)) < KEPT_ROWS:
            result.kept.append(block[held_out] if period else block)
    if result.train_rows == 0:
        raise DataError(f"{stream.spec} holds no training rows ({result.validation_rows} validation rows); expected "
                        "at least one.")
    stream.meta["rows"] = result.train_rows + result.validation_rows
    result.kept = [np.concatenate(result.kept)[:KEPT_ROWS]] if result.kept else []
    result.seconds = time.perf_counter() - started
    return result


class StreamBatches:
    """Training batches from a stream, with the interface of :class:`~aekit.data.pipeline.EpochShuffledDataset`
    (``dataset``, ``len``, ``set_epoch``): an endless tf.data pipeline, epoch after epoch from the one set."""

    def __init__(self, stream: Stream, train_rows: int, batch_size: int, seed: int, period: int, scaler,
                 cache: str | None = None, part: tuple[int, int] = (0, 1)):
        import tensorflow as tf

        self.batch_size = batch_size = max(1, min(int(batch_size), train_rows))
        self.steps = max(1, train_rows // batch_size)
        self._epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
        row_bytes = 4 * math.prod(stream.sample_shape)
        buffer = int(min(MAX_SHUFFLE_ROWS, max(MIN_SHUFFLE_ROWS, batch_size, SHUFFLE_BYTES // row_bytes)))
        seed_value = tf.constant(int(seed) % (2**31), tf.int64)
        count, epoch, steps = len(stream.paths), self._epoch, self.steps
        transform = _scaling_op(scaler)

        def training_rows(blocks):
            return blocks.map(lambda x, f, r: tf.boolean_mask(x, ~validation_mask(x, f, r, period)))

        cached = None
        if cache is not None:  # decoded once, in file order; later epochs mix the cached rows in the buffer
            cached = training_rows(stream.blocks(numbered=True)).cache("" if cache == "memory" else cache)

        def one_epoch(number):
            pair = tf.stack([seed_value, number])
            if cached is not None:
                rows = cached
            else:
                order = tf.random.experimental.stateless_shuffle(tf.range(count, dtype=tf.int64), seed=pair)
                files = tf.data.Dataset.from_tensor_slices(order)
                rows = files.interleave(
                    lambda i: training_rows(stream.blocks(tf.data.Dataset.from_tensors(i), numbered=True)),
                    cycle_length=min(PARALLEL_FILES, count), num_parallel_calls=min(PARALLEL_FILES, count),
                    deterministic=True)
            # Rows are mixed a window at a time (a permutation drawn from seed, epoch and window): a vectorised
            # gather, where tf.data's shuffle buffer would cost a step per row and take no per-epoch seed.
            windows = rows.rebatch(buffer).enumerate().map(
                lambda w, x: tf.gather(x, tf.random.experimental.stateless_shuffle(
                    tf.range(tf.shape(x)[0]), seed=tf.stack([seed_value * 1_000_003 + number, w]))))
            return windows.rebatch(batch_size, drop_remainder=True).take(steps)

        def epochs_from_current(_):
            return tf.data.Dataset.range(epoch.read_value(), tf.int64.max).flat_map(one_epoch)

        self.dataset = (tf.data.Dataset.range(1).flat_map(epochs_from_current).map(transform)
                        .map(_worker_share(part)).prefetch(tf.data.AUTOTUNE))

    def set_epoch(self, epoch: int) -> None:
        self._epoch.assign(epoch)

    def __len__(self) -> int:
        return self.steps


def validation_batches(stream: Stream, period: int, rows: int, batch_size: int, scaler, part: tuple[int, int] = (0, 1),
                       corrupt=None):
    """The validation rows, scaled, in file order; their count is declared (the survey counted them), so Keras
    knows where an epoch of validation ends. ``corrupt(batch, number)``, for a model that corrupts its inputs,
    gives ``(corrupted batch, clean batch)`` pairs, the same draw every epoch (see :mod:`aekit.training.sources`)."""
    import tensorflow as tf

    from .distributed import validation_batch

    batch_size, drop = validation_batch(batch_size, rows)
    if batch_size == 0:
        return None
    held_out = stream.blocks(numbered=True).map(
        lambda x, f, r: tf.boolean_mask(x, validation_mask(x, f, r, period)))
    batches = held_out.rebatch(batch_size, drop_remainder=drop).map(_scaling_op(scaler)).map(_worker_share(part))
    if corrupt is not None:
        batches = batches.enumerate().map(_corrupting_op(corrupt))
    count = rows // batch_size if drop else -(-rows // batch_size)
    return batches.apply(tf.data.experimental.assert_cardinality(count)).prefetch(2)


def _corrupting_op(corrupt):
    """tf: ``(number, batch)`` -> ``(corrupt(batch, number), batch)``."""
    import tensorflow as tf

    def pair(number, batch):
        noisy = tf.numpy_function(lambda b, n: corrupt(b, int(n)), [batch, number], tf.float32, stateful=False)
        noisy.set_shape(batch.shape)
        return noisy, batch

    return pair


def _worker_share(part: tuple[int, int]):
    """tf: one worker's rows of a global batch (``i*b/n`` to ``(i+1)*b/n``)."""
    import tensorflow as tf

    index, count = part

    def share(batch):
        size = tf.shape(batch)[0] // count
        return batch[index * size:(index + 1) * size]

    return share


def _scaling_op(scaler):
    import tensorflow as tf

    offset = tf.constant(np.asarray(scaler.offset, np.float32))
    scale = tf.constant(np.asarray(scaler.scale, np.float32))
    return lambda x: (x - offset) / scale


def check_streamable_family(model_class, config, kept: np.ndarray) -> None:
    """A stream trains x -> x: families that train on other pairs (restoration, neighbour targets) need arrays."""
    sample = kept[:4] if len(kept) else np.zeros((1,), np.float32)
    if model_class.training_inputs(sample, config) is not sample or \
            model_class.training_targets(sample, config, np.arange(len(sample))) is not sample:
        raise DataError(f"The {config.model} model with these settings trains on pairs made from the whole dataset "
                        "(corrupted, downscaled or neighbour copies), which a stream cannot make. Train it on data "
                        "that fits in memory, or use a plain reconstruction model.")
