"""Training callbacks: epoch seeding, learning-rate logging, the NaN guard, resumable early stopping and checkpoints."""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import keras
import numpy as np

from ..core.atomic import atomic_write_text


def seed_generators(model: keras.Model):
    for layer in model._flatten_layers(include_self=True, recursive=True):
        yield from getattr(layer, "_seed_generators", [])


class EpochSeeder(keras.callbacks.Callback):
    """Makes each epoch's dropout and noise draws a function of (seed, epoch) only (the batches' order is one
    already, see :mod:`aekit.data.pipeline`), and tells the model the epoch starts
    (``AutoencoderModel.on_epoch_begin``), so its own schedules follow resumes too."""

    def __init__(self, seed: int):
        super().__init__()
        self.seed = seed

    def on_epoch_begin(self, epoch, logs=None):
        for i, generator in enumerate(seed_generators(self.model)):
            state = np.array([(self.seed * 1_000_003 + epoch * 7919 + i) % (2**31), 0])
            generator.state.assign(state.astype(generator.state.dtype))
        hook = getattr(self.model, "on_epoch_begin", None)
        if hook is not None:
            hook(epoch)


class LearningRateLogger(keras.callbacks.Callback):
    """Adds the learning rate at the end of each epoch to the logs (history.csv, TensorBoard)."""

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))


class NanGuard(keras.callbacks.TerminateOnNaN):
    """Keras's ``TerminateOnNaN``, which stops training at the first NaN or infinite loss, remembering the epoch
    and the logs it happened in, so the trainer can say where and what to change."""

    def __init__(self):
        super().__init__()
        self.failed_epoch: int | None = None
        self.failed_logs: dict = {}
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_batch_end(self, batch, logs=None):
        super().on_batch_end(batch, logs)
        if self.model.stop_training and self.failed_epoch is None:
            self.failed_epoch, self.failed_logs = self._epoch, dict(logs or {})

    def on_epoch_end(self, epoch, logs=None):
        # A validation loss can become NaN while the training loss stays finite: Keras's check sees the latter.
        logs = logs or {}
        if self.failed_epoch is None and any(isinstance(v, float) and not math.isfinite(v)
                                             for k, v in logs.items() if "loss" in k):
            self.failed_epoch, self.failed_logs = epoch, dict(logs)
            self.model.stop_training = True


class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """Keras early stopping whose progress survives a restart (see :class:`Checkpointer`)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._restored = None

    def restore(self, state: dict, best_weights: list | None) -> None:
        self._restored = (state, best_weights)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        if self._restored is not None:
            state, self.best_weights = self._restored
            self.wait, self.best, self.best_epoch = state["wait"], state["best"], state["best_epoch"]

    def apply_restored_best(self) -> None:
        """After a resume that has nothing left to train, put the best weights back in place."""
        if self._restored is not None and self._restored[1] is not None:
            self.model.set_weights(self._restored[1])

    def state(self) -> dict:
        return {"wait": self.wait, "best": float(self.best), "best_epoch": self.best_epoch}


class Checkpointer(keras.callbacks.Callback):
    """Writes a complete, atomic checkpoint after every epoch and keeps the full history.

    A checkpoint is a folder ``checkpoint/epoch-NNNN`` (weights, optimizer state, early
    stopping's best weights, history) published by atomically rewriting ``checkpoint/latest``.
    After ``kill -9`` at most the running epoch is lost.
    """

    def __init__(self, directory: str | Path, early_stopping: ResumableEarlyStopping | None,
                 on_epoch=None, write: bool = True):
        super().__init__()
        self.directory = Path(directory)
        self.early_stopping = early_stopping
        self.history: dict[str, list[float]] = {}
        self.on_epoch = on_epoch
        self.write = write  # False: keep the history only (no run directory, or a worker other than the chief)

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        if not self.write:
            if self.on_epoch is not None:
                self.on_epoch(self.history)
            return
        folder = self.directory / f"epoch-{epoch + 1:04d}"
        partial = self.directory / f".partial-{epoch + 1:04d}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        np.savez(partial / "weights.npz", *self.model.get_weights())
        np.savez(partial / "optimizer.npz", *[keras.ops.convert_to_numpy(v) for v in self.model.optimizer.variables])
        state = {"epoch": epoch + 1, "history": self.history, "finished": bool(self.model.stop_training)}
        if self.early_stopping is not None:
            state["early_stopping"] = self.early_stopping.state()
            if self.early_stopping.best_weights is not None:
                np.savez(partial / "best.npz", *self.early_stopping.best_weights)
        (partial / "state.json").write_text(json.dumps(state))
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)
        previous = read_latest(self.directory)
        atomic_write_text(self.directory / "latest", folder.name)
        if previous is not None and previous != folder:
            shutil.rmtree(previous, ignore_errors=True)
        if self.on_epoch is not None:
            self.on_epoch(self.history)

    def restore(self, model: keras.Model) -> tuple[int, bool]:
        """Load the latest checkpoint into ``model`` (compiled).

        Returns the number of finished epochs and whether training had already stopped early.
        """
        folder = read_latest(self.directory)
        if folder is None:
            return 0, False
        state = json.loads((folder / "state.json").read_text())
        model.set_weights(_load_arrays(folder / "weights.npz"))
        model.optimizer.build(model.trainable_variables)
        for variable, value in zip(model.optimizer.variables, _load_arrays(folder / "optimizer.npz")):
            variable.assign(value)
        self.history = state["history"]
        if self.early_stopping is not None and "early_stopping" in state:
            best = folder / "best.npz"
            self.early_stopping.restore(state["early_stopping"], _load_arrays(best) if best.exists() else None)
        return int(state["epoch"]), bool(state.get("finished", False))


def read_latest(directory: Path) -> Path | None:
    pointer = Path(directory) / "latest"
    if not pointer.is_file():
        return None
    folder = Path(directory) / pointer.read_text().strip()
    return folder if (folder / "state.json").is_file() else None


def _load_arrays(path: Path) -> list[np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return [data[f"arr_{i}"] for i in range(len(data.files))]
