"""Multi-worker data-parallel training on Keras 3's distribution API over ``jax.distributed``.

Every worker runs the same training: the same model, seed and data pipeline, of which it keeps its own
slice of every global batch (:func:`local_part`); Keras's ``DataParallel`` assembles the slices into one
global batch, JAX all-reduces the gradients over its CPU collectives (gloo; NCCL between GPUs), and every
worker applies the same update, so the model stays identical everywhere and the run matches one process
training on the same global batches. The chief (worker 0) alone writes checkpoints, TensorBoard logs and
the saved model; a restarted worker (``--resume``) reads the chief's latest checkpoint, so the run
directory must be on storage every worker sees (one machine, NFS, a shared volume).

Why JAX: the CLI already trains the dense families on JAX, and ``keras.distribution`` is Keras 3's own
engine-level API. TensorFlow's ``MultiWorkerMirroredStrategy`` (configured by ``TF_CONFIG``) is the
alternative for the TensorFlow backend; aekit does not drive it (see the README).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..core.errors import ConfigError

ENVIRONMENT = ("KERAS_DISTRIBUTION_JOB_ADDRESSES", "KERAS_DISTRIBUTION_NUM_PROCESSES",
               "KERAS_DISTRIBUTION_PROCESS_ID")
_STARTED: dict = {}


@dataclass(frozen=True)
class Workers:
    addresses: tuple[str, ...]  # host:port of every worker; the first is the coordinator
    index: int

    @property
    def count(self) -> int:
        return len(self.addresses)


def parse_workers(workers: str | None, index: int | None) -> Workers | None:
    """``--workers host:port,...`` and ``--worker-index i`` (or the KERAS_DISTRIBUTION_* variables), checked."""
    if workers is None and index is None:
        if not os.environ.get(ENVIRONMENT[0]):
            return None
        workers = os.environ[ENVIRONMENT[0]]
        index = _int_variable(ENVIRONMENT[2])
    if workers is None or index is None:
        raise ConfigError("Multi-worker training needs both --workers HOST:PORT,HOST:PORT,... (every worker, the "
                          "first one coordinating) and --worker-index I (this worker's place in that list).")
    addresses = tuple(a.strip() for a in str(workers).split(",") if a.strip())
    for address in addresses:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"Received worker address {address!r}; expected HOST:PORT, e.g. 10.0.0.5:12345.")
    if len(addresses) < 2:
        raise ConfigError(f"Received --workers {workers!r}: one address. Multi-worker training needs two or more; "
                          "train on one machine without --workers.")
    if not 0 <= index < len(addresses):
        raise ConfigError(f"Received --worker-index {index}; expected 0 to {len(addresses) - 1} "
                          f"(one index per address in --workers).")
    return Workers(addresses, int(index))


def _int_variable(name: str) -> int | None:
    value = os.environ.get(name)
    try:
        return None if value is None else int(value)
    except ValueError:
        raise ConfigError(f"The environment variable {name}={value!r} is not an integer.") from None


def start(workers: Workers) -> None:
    """Join the other workers (blocks until all have joined) and make Keras split every batch among them.
    Call before any model is built; a second call with the same workers does nothing."""
    if _STARTED.get("workers") == workers:
        return
    if _STARTED:
        raise ConfigError("This process already joined other workers; start a new process for another group.")
    import keras

    if keras.backend.backend() != "jax":
        raise ConfigError(f"Multi-worker training runs on JAX (keras.distribution); this process uses the "
                          f"{keras.backend.backend()} backend. Set KERAS_BACKEND=jax, or let the aekit CLI choose.")
    import jax

    # Cross-process collectives on CPU need gloo; on GPUs JAX uses NCCL whatever this says.
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    keras.distribution.initialize(",".join(workers.addresses), workers.count, workers.index)
    # aekit hands each worker its own part of every global batch (local_part): Keras's automatic sharding
    # needs a batch size it can read off the pipeline, which aekit's epoch-seeded pipelines hide.
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=keras.distribution.list_devices(),
                                                                        auto_shard_dataset=False))
    _STARTED["workers"] = workers


def worker_count() -> int:
    workers = _STARTED.get("workers")
    return 1 if workers is None else workers.count


def is_chief() -> bool:
    """True in a single process, and in worker 0 of a group: the one that writes files."""
    workers = _STARTED.get("workers")
    return workers is None or workers.index == 0


def check_batch(batch_size: int) -> None:
    if batch_size % worker_count():
        raise ConfigError(f"The global batch of {batch_size} does not split evenly among {worker_count()} workers; "
                          f"choose a batch size that is a multiple of {worker_count()}.")


def validation_batch(batch_size: int, rows: int) -> tuple[int, bool]:
    """``(batch, drop_remainder)`` for ``rows`` validation rows. Alone: ``batch_size``, the last batch partial.
    Among workers every batch must split evenly (a worker left without its share of a batch would wait for
    the others forever), so batches are full, a multiple of the worker count, and the remainder is dropped."""
    workers = worker_count()
    if workers == 1:
        return (batch_size if rows else 0), False
    batch = min(batch_size - batch_size % workers, rows - rows % workers)
    return max(batch, 0), True


def local_part() -> tuple[int, int]:
    """``(index, count)``: this worker's place among the workers; each keeps rows ``i*b/n`` to ``(i+1)*b/n`` of
    every global batch of ``b`` rows (the pipelines cut them, see :mod:`aekit.data.pipeline`)."""
    workers = _STARTED.get("workers")
    return (0, 1) if workers is None else (workers.index, workers.count)


def finish_training(model) -> None:
    """After a multi-worker fit: give ``model`` plain process-local weights and stop distributing, so that what
    follows (metrics, predictions, saving) runs in each process alone. The weights are the same everywhere."""
    if "workers" not in _STARTED:
        return
    import keras

    weights = model.get_weights()
    keras.distribution.set_distribution(None)
    model.set_weights(weights)
