"""fit(): compile a model from its config and train it with keras.Model.fit over tf.data."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np

from .callbacks import Checkpointer, EpochSeeder, ImageSummary, LearningRateLogger, NanGuard, ResumableEarlyStopping
from .config import Config
from .data.pipeline import EpochShuffledDataset, batched
from .errors import TrainingError

SUMMARY_IMAGES = 8


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
    # jit_compile stays on (XLA on TensorFlow, jit on JAX): it is what makes training fast on CPU.
    model.compile(optimizer=make_optimizer(config, steps_per_epoch))


def fit(model: keras.Model, x_train: np.ndarray, x_val: np.ndarray | None, config: Config, *,
        y_train: np.ndarray | None = None, y_val: np.ndarray | None = None, run_dir: str | Path | None = None,
        resume: bool = False, verbose: int | str = "auto", images: bool = False,
        on_epoch=None) -> dict[str, list[float]]:
    """Train ``model`` on ``x_train`` (to reconstruct it, or to map it to ``y_train`` when pairs are given);
    return the full history (resumed epochs included).

    With ``run_dir``, TensorBoard logs and a checkpoint per epoch are written there, and
    ``resume=True`` continues from the last finished epoch.
    """
    train_data = EpochShuffledDataset(x_train, config.batch_size, config.seed, targets=y_train)
    compile_model(model, config, len(train_data))
    has_val = x_val is not None and len(x_val) > 0
    validation = batched(x_val, max(config.batch_size, 256), targets=y_val) if has_val else None

    nan_guard = NanGuard()
    callbacks: list[keras.callbacks.Callback] = [EpochSeeder(train_data, config.seed), LearningRateLogger(), nan_guard]
    early = None
    if config.early_stopping:
        early = ResumableEarlyStopping(monitor="val_loss" if has_val else "loss", patience=config.patience,
                                       restore_best_weights=True)
        callbacks.append(early)
    checkpointer = Checkpointer(Path(run_dir or ".") / "checkpoint", early, on_epoch=on_epoch)
    initial_epoch, finished = 0, False
    if run_dir is not None:
        run_dir = Path(run_dir)
        log_dir = run_dir / "tensorboard"
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(log_dir), write_graph=False))
        if images:
            inputs, targets = (x_val, y_val) if has_val else (x_train, y_train)
            callbacks.append(ImageSummary(inputs[:SUMMARY_IMAGES], log_dir / "images",
                                          None if targets is None else targets[:SUMMARY_IMAGES]))
        callbacks.append(checkpointer)
        if resume:
            initial_epoch, finished = checkpointer.restore(model)
    else:
        callbacks.append(_HistoryOnly(checkpointer))

    if initial_epoch < config.epochs and not finished:
        model.fit(train_data.dataset, steps_per_epoch=len(train_data), validation_data=validation,
                  epochs=config.epochs, initial_epoch=initial_epoch, callbacks=callbacks, verbose=verbose,
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
    model.on_train_end()
    return checkpointer.history


class _HistoryOnly(keras.callbacks.Callback):
    """Collects the history without writing checkpoints (training without a run directory)."""

    def __init__(self, checkpointer: Checkpointer):
        super().__init__()
        self.checkpointer = checkpointer

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.checkpointer.history.setdefault(key, []).append(float(value))
        if self.checkpointer.on_epoch is not None:
            self.checkpointer.on_epoch(self.checkpointer.history)
