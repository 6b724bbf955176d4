"""fit(): compile a model from its config and train it with keras.Model.fit over tf.data."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np

from ..core.config import Config
from ..core.errors import ConfigError, TrainingError
from ..data.pipeline import EpochShuffledDataset, batched
from .callbacks import Checkpointer, EpochSeeder, LearningRateLogger, NanGuard, ResumableEarlyStopping
from .tensorboard import TensorBoardLogger

SUMMARY_IMAGES = 8
MAX_STEPS_PER_EXECUTION = 8
# Tracing the training step into a graph costs a fixed time per model (a fit of 4 steps: 0.7 to 4.0 s traced, 0.4
# to 1.6 s eager, on 2 CPU cores); a training of at most this many steps in all ends sooner without it. Measured by
# benchmarks/small_fits.py (a whole fit, dense and conv): eager takes 0.39 to 0.90 of the traced time up to 16 steps
# on TensorFlow, and 0.37 to 0.82 up to 8 on JAX, whose tracing costs less (dense at 16 steps: 0.97 in one run, 1.06
# in another); from 64 steps it takes 2 to 5 times as long.
EAGER_MAX_STEPS = {"tensorflow": 16, "jax": 8}


def make_optimizer(config: Config, steps_per_epoch: int) -> keras.optimizers.Optimizer:
    rate = config.learning_rate
    if config.schedule == "cosine":
        rate = keras.optimizers.schedules.CosineDecay(rate, decay_steps=max(1, config.epochs * steps_per_epoch),
                                                      alpha=0.01)
    if config.optimizer == "adam":
        return keras.optimizers.Adam(rate)
    if config.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(rate, momentum=config.momentum)
    return keras.optimizers.SGD(rate, momentum=config.momentum, nesterov=config.momentum > 0)


def compile_model(model: keras.Model, config: Config, steps_per_epoch: int) -> None:
    # The model owns its loss (AutoencoderModel.compute_loss), so nothing is compiled in but the optimizer.
    # jit_compile stays on (XLA on TensorFlow, jit on JAX): it is what makes training fast on CPU (3x for
    # hinton2006 on JAX, benchmarks/throughput.py).
    model.compile(optimizer=make_optimizer(config, steps_per_epoch),
                  steps_per_execution=steps_per_execution(steps_per_epoch))
    train_eagerly(model, config.epochs * steps_per_epoch)


def runs_eagerly(total_steps: int) -> bool:
    """Whether a training of ``total_steps`` steps skips the graph (see ``EAGER_MAX_STEPS``). The count is the
    planned one, so a resumed run takes the same path as the run it continues. Never for a group of workers,
    whose strategy runs its steps in graphs."""
    from .distributed import worker_count

    return total_steps <= EAGER_MAX_STEPS.get(keras.backend.backend(), 0) and worker_count() == 1


def train_eagerly(model: keras.Model, total_steps: int) -> None:
    """Set a compiled model to train eagerly when ``runs_eagerly(total_steps)``. Set after compile(), not passed to
    it, so that the compile config saved with the model keeps the default: a loaded model infers traced."""
    model.run_eagerly = runs_eagerly(total_steps)


def infer_in_graphs(model: keras.Model) -> None:
    """After an eager training, inference goes back to traced steps, as in any other model: it may be of any size,
    and a model must predict the same before and after it is saved and loaded."""
    if model.run_eagerly:
        model.run_eagerly = False
        model.predict_function = model.test_function = None


def steps_per_execution(steps_per_epoch: int) -> int:
    """Training steps per call into the compiled program: the largest divisor of the epoch's steps up to
    ``MAX_STEPS_PER_EXECUTION``. Fewer calls cost less dispatch (about 3 % of a hinton2006 step on JAX); a divisor,
    because Keras takes whole executions of batches and an epoch must end where the next one's batches begin
    (the pipelines are endless, each epoch drawn from (seed, epoch))."""
    return max(d for d in range(1, MAX_STEPS_PER_EXECUTION + 1) if steps_per_epoch % d == 0)


def array_pipelines(x_train: np.ndarray, x_val: np.ndarray | None, config: Config, *,
                    y_train: np.ndarray | None = None, y_val: np.ndarray | None = None, images: bool = False):
    """``(train_data, validation, preview)`` for :func:`fit_batches` from arrays in memory: an endless pipeline
    epoch-shuffled from (seed, epoch), fixed-size validation batches, and for images the samples TensorBoard
    draws. With ``y_*`` the model learns to map ``x`` to ``y`` (pairs), else to reconstruct ``x``."""
    from .distributed import local_part, validation_batch

    if config.augment != "none" and not images:
        raise ConfigError(f"Received augment={config.augment!r} for a table; flips and shifts apply to images. "
                          "Leave augment at 'none'.")
    train_data = EpochShuffledDataset(x_train, config.batch_size, config.seed, targets=y_train, part=local_part(),
                                      augment=config.augment, crop=config.crop)
    n_val = 0 if x_val is None else len(x_val)
    val_batch, drop = validation_batch(max(config.batch_size, 256), n_val)
    has_val = val_batch > 0
    validation = batched(x_val, val_batch, targets=y_val, drop_remainder=drop, part=local_part()) if has_val else None
    preview = None
    if images:
        inputs, targets = (x_val, y_val) if has_val else (x_train, y_train)
        preview = (inputs[:SUMMARY_IMAGES], None if targets is None else targets[:SUMMARY_IMAGES])
    return train_data, validation, preview


def fit(model: keras.Model, x_train: np.ndarray, x_val: np.ndarray | None, config: Config, *,
        y_train: np.ndarray | None = None, y_val: np.ndarray | None = None, run_dir: str | Path | None = None,
        resume: bool = False, verbose: int | str = "auto", images: bool = False,
        on_epoch=None) -> dict[str, list[float]]:
    """Train ``model`` on arrays (:func:`array_pipelines`, then :func:`fit_batches`); return the full history.
    The estimator prepares its data through :mod:`aekit.training.sources` instead; this is for scripts that
    train a model built by :func:`aekit.models.build_model` directly."""
    train_data, validation, preview = array_pipelines(x_train, x_val, config, y_train=y_train, y_val=y_val,
                                                      images=images)
    return fit_batches(model, train_data, validation, config, run_dir=run_dir, resume=resume, verbose=verbose,
                       preview=preview, on_epoch=on_epoch)


def fit_batches(model: keras.Model, train_data, validation, config: Config, *, run_dir: str | Path | None = None,
                resume: bool = False, verbose: int | str = "auto", preview=None,
                on_epoch=None, callbacks: list | None = None) -> dict[str, list[float]]:
    """The one training body, for arrays and streams alike: ``train_data`` has ``dataset``, ``len`` (steps per
    epoch) and ``set_epoch``; ``validation`` is a finite tf.data dataset or None; ``preview`` is ``(inputs,
    targets or None)`` for TensorBoard's image summaries. With ``run_dir``, TensorBoard logs and a checkpoint per
    epoch are written there, and ``resume=True`` continues from the last finished epoch. Returns the full
    history (resumed epochs included). ``callbacks`` (Keras callbacks of the caller's) run after aekit's own, so
    they see the epoch's full logs (learning rate included) and may stop training."""
    from . import distributed

    distributed.check_batch(train_data.batch_size)
    chief = distributed.is_chief()
    compile_model(model, config, len(train_data))
    has_val = validation is not None

    nan_guard = NanGuard()
    hooks: list[keras.callbacks.Callback] = [EpochSeeder(config.seed), LearningRateLogger(), nan_guard]
    early = None
    if config.early_stopping:
        early = ResumableEarlyStopping(monitor="val_loss" if has_val else "loss", patience=config.patience,
                                       restore_best_weights=True)
        hooks.append(early)
    checkpointer = Checkpointer(Path(run_dir or ".") / "checkpoint", early, on_epoch=on_epoch,
                                write=run_dir is not None and chief)
    hooks.append(checkpointer)
    initial_epoch, finished = 0, False
    if run_dir is not None:
        if chief:
            hooks.append(TensorBoardLogger(Path(run_dir) / "tensorboard", preview))
        if resume:  # every worker reads the chief's checkpoint
            initial_epoch, finished = checkpointer.restore(model)
    hooks.extend(callbacks or [])
    verbose = verbose if chief else 0

    if initial_epoch < config.epochs and not finished:
        train_data.set_epoch(initial_epoch)  # the batches start where the run stopped
        model.fit(train_data.dataset, steps_per_epoch=len(train_data), validation_data=validation,
                  epochs=config.epochs, initial_epoch=initial_epoch, callbacks=hooks, verbose=verbose,
                  shuffle=False)
    elif early is not None:
        early.set_model(model)
        early.apply_restored_best()

    if nan_guard.failed_epoch is not None:
        logs = json.dumps({k: v for k, v in nan_guard.failed_logs.items()})
        raise TrainingError(
            f"Training stopped: the loss became NaN or infinite in epoch {nan_guard.failed_epoch + 1} ({logs}). "
            f"Lower the learning rate (now {config.learning_rate}), check the data for extreme values, "
            "or use --loss mse with standardised data."
        )
    infer_in_graphs(model)
    model.on_train_end()
    distributed.finish_training(model)
    return checkpointer.history
