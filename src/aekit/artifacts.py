"""Run directories: model.keras + aekit.json + history.csv + plots + TensorBoard logs, and load()."""

from __future__ import annotations

import csv
import io
import json
import platform
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .atomic import atomic_directory, atomic_write_text
from .errors import ArtifactError

FORMAT = "aekit-run"
FORMAT_VERSION = 1
MODEL_FILE, META_FILE, HISTORY_FILE = "model.keras", "aekit.json", "history.csv"
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


def start_run(run_dir: Path, estimator, dataset) -> None:
    """Record what a run trains on, so ``--resume`` can rebuild it after a crash."""
    spec = {"params": _plain_params(estimator), "data": {"name": dataset.name, "samples": len(dataset),
                                                         "shape": list(dataset.sample_shape)}}
    atomic_write_text(run_dir / RUN_SPEC, json.dumps(spec, indent=2))


def read_run_spec(run_dir: str | Path) -> dict:
    path = Path(run_dir) / RUN_SPEC
    if not path.is_file():
        raise ArtifactError(f"{run_dir} holds no run to resume (no {RUN_SPEC}). "
                            f"Start it with `aekit train -o {run_dir}`.")
    return json.loads(path.read_text())


def record_data_source(run_dir: str | Path, data_spec: dict) -> None:
    """Remember where the CLI read the training data, so `aekit train --resume` reads it again."""
    atomic_write_text(Path(run_dir) / DATA_SOURCE, json.dumps(data_spec, indent=2))


def read_data_source(run_dir: str | Path) -> dict:
    path = Path(run_dir) / DATA_SOURCE
    if not path.is_file():
        raise ArtifactError(f"{run_dir} does not record its training data ({DATA_SOURCE} is missing); "
                            "it was not started by `aekit train` and cannot be resumed from the CLI.")
    return json.loads(path.read_text())


def _plain_params(estimator) -> dict:
    params = estimator.get_params()
    params.pop("run_dir", None)
    params.pop("verbose", None)
    return params


def save_artifact(estimator, path) -> Path:
    path = Path(path)
    with atomic_directory(path) as staging:
        estimator.model_.save(staging / MODEL_FILE)
        _write_history(estimator.history_, staging / HISTORY_FILE)
        _write_plots(estimator, staging)
        getattr(estimator, "_save_extra_files", lambda folder: None)(staging)
        meta = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "estimator": type(estimator).__name__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "params": _plain_params(estimator), "config": estimator.config_.to_dict(),
            "input_shape": list(estimator.input_shape_), "kind": estimator.kind_,
            "feature_names": estimator.feature_names_, "scaler": estimator.scaler_.to_dict(),
            "data": {"fingerprint": estimator.data_fingerprint_},
            "metrics": getattr(estimator, "metrics_", {}),
            "training_seconds": getattr(estimator, "training_seconds_", None),
            "epochs_run": len(estimator.history_.get("loss", [])),
            "versions": library_versions(),
        }
        meta.update(getattr(estimator, "_extra_meta", lambda: {})())
        (staging / META_FILE).write_text(json.dumps(meta, indent=2))
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


def load(path):
    """Restore an estimator saved by ``fit(run_dir=...)``, ``save()`` or ``aekit train``.

    Loading never runs code from the files: the model is rebuilt from its plain config
    through the registry and Keras loads it with ``safe_mode=True``; nothing is unpickled.
    """
    import keras

    from . import models  # noqa: F401 - registers aekit's layers before Keras deserialises them
    from .config import Config
    from .data.scaling import Scaler
    from .estimators import Autoencoder

    path = Path(path)
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
    if meta.get("format") != FORMAT or meta.get("format_version", 99) > FORMAT_VERSION:
        raise ArtifactError(f"{meta_path} is not an aekit run of a format this version reads "
                            f"(format={meta.get('format')!r}, version={meta.get('format_version')!r}).")
    try:
        model = keras.saving.load_model(model_path, compile=False, safe_mode=True)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, TypeError) as exc:
        raise ArtifactError(
            f"{model_path} is truncated or corrupted and cannot be loaded ({type(exc).__name__}: "
            f"{str(exc)[:200]}). Retrain, or restore the file from a backup."
        ) from None
    estimator_class = _estimator_classes().get(meta.get("estimator"), Autoencoder)
    params = {k: v for k, v in meta["params"].items() if k in estimator_class().get_params()}
    estimator = estimator_class(**params)
    estimator.model_, estimator.encoder_, estimator.decoder_ = model, model.encoder, model.decoder
    estimator.scaler_ = Scaler.from_dict(meta["scaler"])
    estimator.config_ = Config.from_dict(meta["config"])
    estimator.input_shape_ = tuple(meta["input_shape"])
    estimator.kind_ = meta["kind"]
    estimator.n_features_in_ = int(np.prod(estimator.input_shape_))
    estimator.feature_names_ = meta.get("feature_names")
    estimator.data_fingerprint_ = meta["data"]["fingerprint"]
    estimator.metrics_ = meta.get("metrics", {})
    estimator.training_seconds_ = meta.get("training_seconds")
    history_path = path / HISTORY_FILE
    estimator.history_ = read_history(history_path) if history_path.is_file() else {}
    estimator.versions_ = meta.get("versions", {})
    getattr(estimator, "_restore_extra_meta", lambda m: None)(meta)
    getattr(estimator, "_restore_extra_files", lambda folder: None)(path)
    return estimator


def _estimator_classes() -> dict[str, type]:
    from .estimators import Autoencoder
    from .tasks.anomaly import AnomalyDetector

    return {"Autoencoder": Autoencoder, "AnomalyDetector": AnomalyDetector}
