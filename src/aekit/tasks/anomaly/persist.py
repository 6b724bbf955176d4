"""What an AnomalyDetector adds to a run directory: threshold, score method, training scores, a score plot.

The model, scaler and column names and order are saved by :func:`aekit.runs.save_artifact` like any
estimator's; this module adds the ``anomaly`` block of ``aekit.json``, ``decision_scores.npy`` (the
training scores) and, for the Mahalanobis score, ``residual_precision.npy``: plain float64 arrays, read
back with ``allow_pickle=False``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...core.errors import ArtifactError
from ...estimator.autoencoder import Autoencoder
from .blend import Blend
from .isolation import IsolationModel
from .labels import label_model
from .neighbours import NeighbourModel
from .scoring import ErrorModel

SCORES_FILE = "decision_scores.npy"
KNOWN_ANOMALIES_FILE = "known_anomalies.npy"
LABEL_REFERENCES_FILE = "label_normal_references.npy"
SCORES_PLOT = "scores.png"


def extra_meta(detector) -> dict:
    scores = detector.decision_scores_
    return {"anomaly": {
        "threshold": detector.threshold_,
        "threshold_strategy": detector.threshold_strategy_,
        "threshold_info": getattr(detector, "threshold_info_", None),
        "contamination": detector.contamination,
        "novelty": detector.novelty_,
        "score": detector.error_model_.to_meta(),
        "reconstruction_scale": detector.reconstruction_scale_,
        "neighbours": None if detector.neighbour_model_ is None else detector.neighbour_model_.to_meta(),
        "labels": None if detector.label_model_ is None else detector.label_model_.to_meta(),
        "isolation": None if detector.isolation_model_ is None else detector.isolation_model_.to_meta(),
        "blend": None if detector.blend_ is None else detector.blend_.to_meta(),
        "autoencoder_params": {k: v for k, v in detector.autoencoder_.get_params().items()
                               if k not in ("run_dir", "overwrite")},
        "trimmed_rows": int(len(getattr(detector, "trimmed_", []))),
        "fit_seconds": getattr(detector, "fit_seconds_", None),
        "training_scores": {"count": int(len(scores)), "min": float(scores.min()), "max": float(scores.max()),
                            "mean": float(scores.mean()), "std": float(scores.std()),
                            "flagged": int(detector.labels_.sum())},
    }}


def save_extra_files(detector, folder: Path) -> None:
    from .report import plot_score_histogram

    with open(Path(folder) / SCORES_FILE, "wb") as handle:
        np.save(handle, np.asarray(detector.decision_scores_, dtype=np.float64))
    detector.error_model_.save_files(folder)
    if detector.neighbour_model_ is not None:
        detector.neighbour_model_.save_files(folder)
    if detector.isolation_model_ is not None:
        detector.isolation_model_.save_files(folder)
    if detector.label_model_ is not None:
        detector.label_model_.anomalies.save_files(folder, KNOWN_ANOMALIES_FILE)
        detector.label_model_.normal.save_files(folder, LABEL_REFERENCES_FILE)
    plot_score_histogram(detector.decision_scores_, detector.threshold_, Path(folder) / SCORES_PLOT,
                         title="Training scores")


def restore_extra_meta(detector, meta: dict, model, history: dict) -> None:
    block = meta.get("anomaly")
    if not isinstance(block, dict):
        raise ArtifactError("This run's aekit.json names an AnomalyDetector but has no 'anomaly' section; "
                            "it was not written by AnomalyDetector.save(). Refit and save it again.")
    try:
        autoencoder = Autoencoder(**block["autoencoder_params"])
        threshold, strategy = float(block["threshold"]), str(block["threshold_strategy"])
        score = dict(block["score"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"The 'anomaly' section of aekit.json is incomplete or malformed ({exc}); "
                            "refit and save the detector again.") from None
    autoencoder._run_restore(meta, model, history)
    detector.autoencoder_ = autoencoder
    detector._pending_score = score
    detector._pending_parts = (block.get("reconstruction_scale", 1.0), block.get("neighbours"), block.get("labels"),
                               block.get("isolation"), block.get("blend"))
    detector.fit_seconds_ = block.get("fit_seconds")
    detector.novelty_ = bool(block.get("novelty", block.get("blend") is None))  # runs before novelty: no blend
    detector._pending_threshold = (threshold, strategy, block.get("threshold_info"))


def restore_extra_files(detector, folder: Path) -> None:
    path = Path(folder) / SCORES_FILE
    try:
        scores = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise ArtifactError(f"{path} is missing or unreadable ({type(exc).__name__}); the detector's training "
                            "scores are needed for predict_proba and labels_. Refit and save it again.") from None
    threshold, strategy, info = detector.__dict__.pop("_pending_threshold")
    detector.error_model_ = ErrorModel.from_saved(detector.__dict__.pop("_pending_score"), folder,
                                                  detector.n_features_in_)
    detector.decision_scores_ = scores.astype(np.float64)
    restore_score_parts(detector, folder, *detector.__dict__.pop("_pending_parts"))
    detector._set_threshold(threshold, strategy)
    if info is not None:
        detector.threshold_info_ = info


def restore_score_parts(detector, folder: Path, reconstruction_scale, neighbours, labels, isolation=None,
                        blend=None) -> None:
    """The neighbour, isolation, blend and label parts, where the run has them (runs saved before they existed have
    none of them)."""
    width = detector.n_features_in_
    try:
        detector.reconstruction_scale_ = float(reconstruction_scale)
        detector.neighbour_model_ = None if neighbours is None else NeighbourModel.from_saved(neighbours, folder, width)
        detector.isolation_model_ = None if isolation is None else IsolationModel.from_saved(isolation, folder, width)
        detector.blend_ = None if blend is None else Blend.from_meta(blend)
        if (detector.blend_ is None) != (detector.isolation_model_ is None):
            raise ValueError("the isolation part and the blend come together")
        detector.label_model_ = None
        if labels is not None:
            known = NeighbourModel.from_saved({"k": 1, "scale": 1.0}, folder, width, KNOWN_ANOMALIES_FILE)
            normal = NeighbourModel.from_saved({"k": 1, "scale": 1.0}, folder, width, LABEL_REFERENCES_FILE)
            detector.label_model_ = label_model(known.references, normal.references, float(labels["scale"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"The score parts in aekit.json are malformed ({exc}); refit and save the "
                            "detector.") from None
