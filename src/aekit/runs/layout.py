"""Where things are in a run directory, and its plain JSON files, read without importing any engine.

A run directory holds ``model.keras`` (the Keras model), ``aekit.json`` (format, config, scaler, units,
metrics, versions), ``history.csv``, plots, ``tensorboard/`` and ``checkpoint/`` (the last finished epoch, with
``run.json``, what the run trains on, and, for runs the command line started, ``data_source.json``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.errors import ArtifactError

FORMAT = "aekit-run"
# 2: a flat config with the family's own parameters, the code kind and the plugin modules; 1 still loads.
FORMAT_VERSION = 2
MODEL_FILE, META_FILE, HISTORY_FILE = "model.keras", "aekit.json", "history.csv"
PLOT_FILES = ("loss.png", "reconstructions.png")
CHECKPOINT_DIR, TENSORBOARD_DIR = "checkpoint", "tensorboard"
# What training writes into a run directory; kept when the model is saved into the run it trained in.
RUN_STATE = (CHECKPOINT_DIR, TENSORBOARD_DIR)
RUN_ENTRIES = (MODEL_FILE, META_FILE, HISTORY_FILE, *PLOT_FILES, *RUN_STATE)
RUN_SPEC = Path(CHECKPOINT_DIR) / "run.json"
DATA_SOURCE = Path(CHECKPOINT_DIR) / "data_source.json"


def read_meta(path: Path) -> dict:
    """``aekit.json`` of a complete run directory, checked for format and version."""
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
    version = meta.get("format_version") if isinstance(meta, dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(version, int) \
            or not 1 <= version <= FORMAT_VERSION:
        raise ArtifactError(f"{meta_path} is not an aekit run of a format this version reads "
                            f"(format={meta.get('format') if isinstance(meta, dict) else None!r}, version={version!r}; "
                            f"this aekit reads versions 1 to {FORMAT_VERSION}).")
    return meta


def read_run_spec(run_dir) -> dict:
    """What an interrupted run trains on (``checkpoint/run.json``), for ``--resume``."""
    path = Path(run_dir) / RUN_SPEC
    if not path.is_file():
        raise ArtifactError(f"{run_dir} holds no run to resume (no {RUN_SPEC}). "
                            f"Start it with `aekit train -o {run_dir}`.")
    return json.loads(path.read_text())


def read_data_source(run_dir) -> dict:
    """Where the command line read a run's training data, so `aekit train --resume` reads it again."""
    path = Path(run_dir) / DATA_SOURCE
    if not path.is_file():
        raise ArtifactError(f"{run_dir} does not record its training data ({DATA_SOURCE} is missing); "
                            "it was not started by `aekit train` and cannot be resumed from the CLI.")
    return json.loads(path.read_text())


def recorded_family(run_dir, resuming: bool = False) -> str | None:
    """The model family a run names (an interrupted one's, with ``resuming``), or None where nothing readable
    names one: the command line's backend choice, made before any engine is imported."""
    path = Path(run_dir) / (RUN_SPEC if resuming else META_FILE)
    try:
        values = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    section = (values.get("params") if resuming else values.get("config")) if isinstance(values, dict) else None
    family = (section or {}).get("model", "deep" if resuming else None)
    return str(family) if family is not None else None


def run_summary(path: Path) -> dict:
    """What ``aekit info`` shows of a run, from its files alone: ``aekit.json`` (checked), where the command line
    read its data, how many epochs its history holds, and the files it holds."""
    meta = read_meta(path)
    summary = {"path": str(path), **meta, "files": sorted(entry.name + ("/" if entry.is_dir() else "")
                                                         for entry in Path(path).iterdir())}
    try:
        summary["data_source"] = read_data_source(path)
    except (ArtifactError, OSError, ValueError):
        summary["data_source"] = None
    summary.setdefault("code", None)
    return summary
