"""TensorBoard logs written by the ``tensorboard`` package itself, so they need no TensorFlow.

Each epoch: every metric as a scalar, training ones under ``train/`` and validation ones under ``validation/``
(named ``epoch_<metric>`` as Keras's own callback names them), and for images the originals above their
reconstructions under ``images/``.
"""

from __future__ import annotations

import io
from pathlib import Path

import keras
import numpy as np

from ..models import reconstruction_of


class _Writer:
    """Scalars and PNG images into one event file of a folder."""

    def __init__(self, folder: Path):
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        folder.mkdir(parents=True, exist_ok=True)
        self._events = EventFileWriter(str(folder))

    def scalars(self, values: dict[str, float], step: int) -> None:
        from tensorboard.compat.proto import summary_pb2

        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=float(value))
                                             for tag, value in values.items()])
        self._add(summary, step)

    def image(self, tag: str, pixels: np.ndarray, step: int) -> None:
        """``pixels`` ``(h, w, c)`` in [0, 1]."""
        from PIL import Image
        from tensorboard.compat.proto import summary_pb2

        values = np.clip(np.rint(pixels * 255), 0, 255).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(values[..., 0] if values.shape[-1] == 1 else values).save(buffer, format="PNG")
        image = summary_pb2.Summary.Image(height=values.shape[0], width=values.shape[1], colorspace=values.shape[2],
                                          encoded_image_string=buffer.getvalue())
        self._add(summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, image=image)]), step)

    def _add(self, summary, step: int) -> None:
        import time

        from tensorboard.compat.proto import event_pb2

        self._events.add_event(event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary))
        self._events.flush()

    def close(self) -> None:
        self._events.close()


class TensorBoardLogger(keras.callbacks.Callback):
    """Writes each epoch's metrics, and with ``preview`` ``(inputs, targets or None)`` the originals (the clean
    targets, for models trained on pairs) above the model's output, into ``log_dir``."""

    def __init__(self, log_dir, preview=None):
        super().__init__()
        self.log_dir = Path(log_dir)
        self.preview = preview
        self._writers: dict[str, _Writer] = {}

    def _writer(self, name: str) -> _Writer:
        if name not in self._writers:
            self._writers[name] = _Writer(self.log_dir / name)
        return self._writers[name]

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        training = {f"epoch_{k}": v for k, v in logs.items() if not k.startswith("val_")}
        validation = {f"epoch_{k[4:]}": v for k, v in logs.items() if k.startswith("val_")}
        self._writer("train").scalars(training, epoch)
        if validation:
            self._writer("validation").scalars(validation, epoch)
        if self.preview is not None:
            from ..core.plots import comparison_grid

            images, targets = self.preview
            outputs = keras.ops.convert_to_numpy(reconstruction_of(self.model(images, training=False)))
            grid = comparison_grid(images if targets is None else targets, outputs)
            self._writer("images").image("originals_above_reconstructions", grid, epoch)

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
