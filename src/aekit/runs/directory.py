"""Saving a fitted estimator as a run directory, and loading one back as the estimator that wrote it.

Loading never runs code from the files: the model is rebuilt from its plain config through the model registry
and Keras loads it with ``safe_mode=True``; nothing is unpickled. A family from a plugin loads only when its
module is allowed (:mod:`aekit.runs.plugins`).
"""

from __future__ import annotations

import csv
import io
import json
import platform
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from ..core import outputs
from ..core.errors import ArtifactError
from ..models import get_spec
from .layout import FORMAT, FORMAT_VERSION, HISTORY_FILE, META_FILE, MODEL_FILE, RUN_ENTRIES, RUN_STATE, read_meta
from .plugins import ensure_family
from .registry import estimator_class


def library_versions() -> dict[str, str]:
    import importlib.metadata as md

    import keras

    versions = {"python": platform.python_version(), "keras_backend": keras.backend.backend()}
    for package in ("aekit", "keras", "tensorflow-cpu", "tensorflow", "jax", "jaxlib", "numpy", "scikit-learn"):
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            pass
    return versions


def save_artifact(estimator, path, overwrite: bool = False) -> Path:
    """Write ``estimator``'s run directory at ``path``, under the output rule (:mod:`aekit.core.outputs`).

    The files are written into a staging folder inside ``path``, then renamed into place, so a failure leaves
    the previous run as it was. Replacing a run removes that run's own files and nothing else; its TensorBoard
    logs and checkpoints are kept only when ``path`` is the run directory the estimator trained in (or was
    loaded from).
    """
    path = Path(path)
    outputs.check_folder(path, overwrite=overwrite, names=RUN_ENTRIES, what=outputs.RUN_FOLDER)
    own_run = getattr(estimator, "run_dir_", None)
    keep = RUN_STATE if own_run is not None and Path(own_run).resolve() == path.resolve() else ()
    spec = get_spec(estimator.config_.model)
    with outputs.staged(path, keep=keep, replace_owned=True) as staging:
        estimator.model_.save(staging / MODEL_FILE)
        _write_history(estimator.history_, staging / HISTORY_FILE)
        _write_plots(estimator, staging)
        getattr(estimator, "_run_save_files", lambda folder: None)(staging)
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "estimator": type(estimator).__name__,
                "description": estimator.RUN_DESCRIPTION, "hint": estimator.RUN_HINT,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "plugins": [] if spec.is_builtin else [spec.module],
                **estimator._run_meta(), "versions": library_versions()}
        (staging / META_FILE).write_text(json.dumps(meta, indent=2))
    estimator.run_dir_ = path
    return path


def _write_history(history: dict[str, list[float]], path: Path) -> None:
    keys = list(history)
    rows = zip(*(history[k] for k in keys))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["epoch", *keys])
    for epoch, row in enumerate(rows, start=1):
        writer.writerow([epoch, *[repr(float(v)) for v in row]])
    path.write_text(buffer.getvalue())


def read_history(path: Path) -> dict[str, list[float]]:
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    keys = [k for k in (rows[0].keys() if rows else []) if k != "epoch"]
    return {k: [float(r[k]) for r in rows] for k in keys}


def _write_plots(estimator, folder: Path) -> None:
    from ..core.plots import plot_loss, plot_reconstructions

    if estimator.history_.get("loss"):
        plot_loss(estimator.history_, folder / "loss.png", title=f"{estimator.config_.model} autoencoder")
    preview = getattr(estimator, "_run_preview", lambda: None)()
    if preview is not None:
        originals, reconstructions, kind = preview
        plot_reconstructions(originals, reconstructions, folder / "reconstructions.png", kind=kind)


def load(path, plugins=(), expect: type | None = None):
    """Restore an estimator saved by ``fit(run_dir=...)``, ``save()`` or ``aekit train``, as the class that wrote
    it (``expect`` refuses runs of another class: a detector run where an autoencoder is needed).

    Loading never runs code from the files: the model is rebuilt from its plain config through the registry
    and Keras loads it with ``safe_mode=True``; nothing is unpickled. A model family from a plugin loads only
    when its module is allowed: ``plugins=["module"]``, the ``AEKIT_PLUGINS`` environment variable or
    ``aekit --plugin module`` (see :mod:`aekit.runs.plugins`).
    """
    import keras

    path = Path(path)
    meta = read_meta(path)
    found = estimator_class(meta, path, expect)
    family = (meta.get("config") or {}).get("model")
    ensure_family(str(family), list(meta.get("plugins") or []), str(path), extra_allowed=tuple(plugins))
    model_path = path / MODEL_FILE
    try:
        model = keras.saving.load_model(model_path, compile=False, safe_mode=True)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, TypeError) as exc:
        raise ArtifactError(
            f"{model_path} is truncated or corrupted and cannot be loaded ({type(exc).__name__}: "
            f"{str(exc)[:200]}). Retrain, or restore the file from a backup."
        ) from None
    defaults = found().get_params()
    estimator = found(**{k: v for k, v in meta["params"].items() if k in defaults})
    history_path = path / HISTORY_FILE
    try:
        estimator._run_restore(meta, model, read_history(history_path) if history_path.is_file() else {})
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"{path / META_FILE} is incomplete or malformed ({type(exc).__name__}: {exc}); the run "
                            "cannot be loaded. Retrain, or restore the file from a backup.") from None
    getattr(estimator, "_run_restore_files", lambda folder: None)(path)
    estimator.run_dir_ = path
    return estimator
