"""Run directories: model.keras + aekit.json + history.csv + plots + TensorBoard logs, and load()."""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .atomic import atomic_write_text
from .core import outputs
from .errors import AekitError, ArtifactError
from .models import get_spec
from .plugins import ensure_family

FORMAT = "aekit-run"
# 2: a flat config with the family's own parameters, the code kind and the plugin modules; 1 still loads.
FORMAT_VERSION = 2
# What training writes into a run directory; kept when the model is saved into the run it trained in.
RUN_STATE = ("checkpoint", "tensorboard")
MODEL_FILE, META_FILE, HISTORY_FILE = "model.keras", "aekit.json", "history.csv"
PLOT_FILES = ("loss.png", "reconstructions.png")
RUN_ENTRIES = (MODEL_FILE, META_FILE, HISTORY_FILE, *PLOT_FILES, *RUN_STATE)
RUN_SPEC = Path("checkpoint") / "run.json"
DATA_SOURCE = Path("checkpoint") / "data_source.json"


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


_ESTIMATORS: dict[str, type] = {}


def register_estimator(cls: type) -> type:
    """Class decorator: run directories whose ``estimator`` is ``cls.__name__`` load as ``cls``.

    The class names its runs in ``RUN_DESCRIPTION`` and ``RUN_HINT`` (what to do with one), saves its fitted
    state with ``_artifact_meta()`` (and optionally ``_save_extra_files(folder)``) and restores it with
    ``_restore_fitted(meta, model, history)`` (and ``_restore_extra_files(folder)``).
    """
    _ESTIMATORS[cls.__name__] = cls
    return cls


def check_run_dir(run_dir, overwrite: bool = False, inputs=()) -> Path:
    """Before any work: ``run_dir`` may be written (missing, empty, an aekit run, or ``overwrite``; never inside
    the ``inputs`` it is trained on)."""
    return outputs.check_folder(run_dir, overwrite=overwrite, inputs=inputs, names=RUN_ENTRIES,
                                what=outputs.RUN_FOLDER)


@contextmanager
def training_run(run_dir: Path | None, params: dict, dataset, *, resume: bool):
    """Around a fit that writes its checkpoints and logs into ``run_dir`` (already checked).

    A fresh run in the folder of an earlier run sets that run's checkpoints and logs aside, so the two never
    mix; they are deleted once the new run is saved, or put back if training fails on an aekit error (a value
    found bad, a NaN loss). A crash or an interrupt leaves the new checkpoints for ``--resume``.
    """
    from .distributed import is_chief

    if run_dir is None or resume or not is_chief():
        yield
        return
    existed = run_dir.exists()
    aside = _set_aside(run_dir, RUN_STATE) if existed else None
    outputs.record(run_dir, RUN_STATE)
    start_run(run_dir, params, dataset)
    try:
        yield
    except AekitError:
        if not existed:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            _put_back(run_dir, RUN_STATE, aside)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def _set_aside(folder: Path, names) -> Path | None:
    present = [n for n in names if (folder / n).exists()]
    if not present:
        return None
    aside = Path(tempfile.mkdtemp(prefix=outputs.TEMPORARY_PREFIX + "previous-", dir=folder))
    for name in present:
        os.replace(folder / name, aside / name)
    return aside


def _put_back(folder: Path, names, aside: Path | None) -> None:
    for name in names:
        shutil.rmtree(folder / name, ignore_errors=True)
        if aside is not None and (aside / name).exists():
            os.replace(aside / name, folder / name)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def start_run(run_dir: Path, params: dict, dataset) -> None:
    """Record what a run trains on, so ``--resume`` can rebuild it after a crash."""
    params = {k: v for k, v in params.items() if k not in ("run_dir", "overwrite", "verbose")}
    spec = {"params": params, "data": {"name": dataset.name, "samples": len(dataset),
                                       "shape": list(dataset.sample_shape)}}
    atomic_write_text(run_dir / RUN_SPEC, json.dumps(spec, indent=2))
    source = dataset.meta.get("source")
    if source is not None:  # where the command line read the data: `aekit train --resume` reads it again
        atomic_write_text(run_dir / DATA_SOURCE, json.dumps(source, indent=2))


def check_resumable(run_dir: Path | None, dataset) -> None:
    """Refuse to resume on data other than the run was started on (another shape or number of samples)."""
    if run_dir is None:
        raise ArtifactError("resume=True continues the run in run_dir; set run_dir.")
    recorded = read_run_spec(run_dir)["data"]
    now = {"samples": len(dataset), "shape": list(dataset.sample_shape)}
    if [recorded.get("samples"), recorded.get("shape")] != [now["samples"], now["shape"]]:
        raise ArtifactError(
            f"{run_dir} was started on {recorded.get('samples')} samples of shape {tuple(recorded.get('shape', ()))}, "
            f"but the data given to resume has {now['samples']} samples of shape {tuple(now['shape'])}. Resume with "
            "the same data, or start a new run in another directory."
        )


def read_run_spec(run_dir: str | Path) -> dict:
    path = Path(run_dir) / RUN_SPEC
    if not path.is_file():
        raise ArtifactError(f"{run_dir} holds no run to resume (no {RUN_SPEC}). "
                            f"Start it with `aekit train -o {run_dir}`.")
    return json.loads(path.read_text())


def read_data_source(run_dir: str | Path) -> dict:
    path = Path(run_dir) / DATA_SOURCE
    if not path.is_file():
        raise ArtifactError(f"{run_dir} does not record its training data ({DATA_SOURCE} is missing); "
                            "it was not started by `aekit train` and cannot be resumed from the CLI.")
    return json.loads(path.read_text())


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
        getattr(estimator, "_save_extra_files", lambda folder: None)(staging)
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "estimator": type(estimator).__name__,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "plugins": [] if spec.is_builtin else [spec.module],
                **estimator._artifact_meta(), "versions": library_versions()}
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
    from .plots import plot_loss, plot_reconstructions

    if estimator.history_.get("loss"):
        plot_loss(estimator.history_, folder / "loss.png", title=f"{estimator.config_.model} autoencoder")
    preview = getattr(estimator, "_preview", None)
    if preview is not None and len(preview):
        reconstructed = estimator._reconstruct_scaled(preview)
        plot_reconstructions(preview, reconstructed, folder / "reconstructions.png", kind=estimator.kind_)


def load(path, plugins=(), expect: type | None = None):
    """Restore an estimator saved by ``fit(run_dir=...)``, ``save()`` or ``aekit train``.

    Loading never runs code from the files: the model is rebuilt from its plain config
    through the registry and Keras loads it with ``safe_mode=True``; nothing is unpickled. A model
    family from a plugin loads only when its module is allowed: ``plugins=["module"]``, the
    ``AEKIT_PLUGINS`` environment variable or ``aekit --plugin module`` (see :mod:`aekit.plugins`).
    ``expect`` refuses runs of another estimator class (a detector run where an autoencoder is needed).
    """
    import keras

    path = Path(path)
    meta = read_meta(path)
    name = meta.get("estimator")
    if name not in _ESTIMATORS:
        raise ArtifactError(f"{path / META_FILE} names the estimator {name!r}, which this aekit does not know "
                            f"(it knows {', '.join(sorted(_ESTIMATORS))}). It was written by another program or a "
                            "newer aekit, or the file was edited.")
    found = _ESTIMATORS[name]
    if expect is not None and not issubclass(found, expect):
        raise ArtifactError(f"{path} is {found.RUN_DESCRIPTION}, not {expect.RUN_DESCRIPTION}. {found.RUN_HINT}")
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
        estimator._restore_fitted(meta, model, read_history(history_path) if history_path.is_file() else {})
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"{path / META_FILE} is incomplete or malformed ({type(exc).__name__}: {exc}); the run "
                            "cannot be loaded. Retrain, or restore the file from a backup.") from None
    getattr(estimator, "_restore_extra_files", lambda folder: None)(path)
    estimator.run_dir_ = path
    return estimator


def read_meta(path: Path) -> dict:
    """``aekit.json`` of a complete run directory, checked for format and version."""
    meta_path, model_path = path / META_FILE, path / MODEL_FILE
    if not path.is_dir():
        raise ArtifactError(f"No saved model at {path}: expected a run directory holding {MODEL_FILE} and {META_FILE}.")
    for required in (meta_path, model_path):
        if not required.is_file():
            raise ArtifactError(f"{path} is not a complete aekit run: {required.name} is missing. "
                                "Training may still be running or was interrupted; resume it with --resume.")
    try:
        meta = json.loads(meta_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{meta_path} is corrupted ({exc}); the run cannot be loaded.") from None
    version = meta.get("format_version") if isinstance(meta, dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(version, int) \
            or not 1 <= version <= FORMAT_VERSION:
        raise ArtifactError(f"{meta_path} is not an aekit run of a format this version reads "
                            f"(format={meta.get('format') if isinstance(meta, dict) else None!r}, version={version!r}; "
                            f"this aekit reads versions 1 to {FORMAT_VERSION}).")
    return meta
