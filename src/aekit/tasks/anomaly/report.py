"""Detection reports: ROC and precision-recall curves, a score histogram with the threshold, a confusion
matrix (when labels exist) as PNGs, and the metrics as JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from ...core.atomic import atomic_write_text
from .thresholds import confusion

if TYPE_CHECKING:
    from matplotlib.figure import Figure

def metrics(scores: np.ndarray, threshold: float, labels: np.ndarray | None = None) -> dict:
    """Counts at the threshold, and with labels AUC-ROC, AUC-PR (average precision) and the confusion matrix."""
    scores = np.asarray(scores, dtype=np.float64)
    flagged = scores > threshold
    result = {"rows": int(len(scores)), "threshold": float(threshold), "flagged": int(flagged.sum()),
              "flagged_rate": float(flagged.mean()) if len(scores) else 0.0,
              "score_quantiles": {f"p{q:g}": float(np.percentile(scores, q)) for q in (1, 25, 50, 75, 99, 99.9)}}
    if labels is None:
        return result
    from sklearn.metrics import average_precision_score, roc_auc_score

    labels = np.asarray(labels).astype(int)
    result["anomalies"] = int(labels.sum())
    both = 0 < labels.sum() < len(labels)
    result["auc_roc"] = float(roc_auc_score(labels, scores)) if both else None
    result["auc_pr"] = float(average_precision_score(labels, scores)) if both else None
    result["at_threshold"] = confusion(scores, labels, threshold)
    return result


def plot_score_histogram(scores, threshold: float, path, labels=None, title: str = "Anomaly scores") -> "Figure":
    scores = np.asarray(scores, dtype=np.float64)
    figure, axis = _subplots(figsize=(6.4, 4))
    positive = scores[scores > 0]
    log = len(positive) == len(scores) and len(scores) > 1 and positive.max() / positive.min() > 100
    bins = (np.geomspace(positive.min(), positive.max(), 60) if log
            else np.histogram_bin_edges(scores, bins=60))
    if labels is None:
        axis.hist(scores, bins=bins, color="tab:blue", alpha=0.8, label=f"rows ({len(scores)})")
    else:
        labels = np.asarray(labels).astype(bool)
        axis.hist(scores[~labels], bins=bins, color="tab:blue", alpha=0.6, label=f"normal ({(~labels).sum()})",
                  density=True)
        axis.hist(scores[labels], bins=bins, color="tab:red", alpha=0.6, label=f"anomaly ({labels.sum()})",
                  density=True)
        axis.set_ylabel("density (each class)")
    if log:
        axis.set_xscale("log")
    axis.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.4g}")
    axis.set_xlabel("anomaly score (higher = more anomalous)")
    axis.set_title(title)
    axis.legend()
    return _save(figure, path)


def plot_roc(labels, scores, path) -> "Figure":
    from sklearn.metrics import roc_auc_score, roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    figure, axis = _subplots(figsize=(4.8, 4.5))
    axis.plot(fpr, tpr, label=f"AUC-ROC {roc_auc_score(labels, scores):.3f}")
    axis.plot([0, 1], [0, 1], color="grey", linestyle=":", label="chance")
    axis.set_xlabel("false positive rate")
    axis.set_ylabel("true positive rate (recall)")
    axis.set_title("ROC curve")
    axis.legend(loc="lower right")
    return _save(figure, path)


def plot_precision_recall(labels, scores, threshold: float, path) -> "Figure":
    from sklearn.metrics import average_precision_score, precision_recall_curve

    precision, recall, _ = precision_recall_curve(labels, scores)
    at = confusion(scores, labels, threshold)
    figure, axis = _subplots(figsize=(4.8, 4.5))
    axis.plot(recall, precision, label=f"AUC-PR (AP) {average_precision_score(labels, scores):.3f}")
    axis.scatter([at["recall"]], [at["precision"]], color="black", zorder=3, label="at the threshold")
    axis.axhline(np.mean(labels), color="grey", linestyle=":", label="chance")
    axis.set_xlabel("recall")
    axis.set_ylabel("precision")
    axis.set_ylim(0, 1.02)
    axis.set_title("Precision-recall curve")
    axis.legend(loc="lower left")
    return _save(figure, path)


def plot_confusion(counts: dict, path) -> "Figure":
    matrix = np.array([[counts["true_negatives"], counts["false_positives"]],
                       [counts["false_negatives"], counts["true_positives"]]])
    figure, axis = _subplots(figsize=(4.2, 3.8))
    axis.imshow(matrix, cmap="Blues")
    for (i, j), value in np.ndenumerate(matrix):
        axis.text(j, i, f"{value:,}", ha="center", va="center",
                  color="white" if value > matrix.max() / 2 else "black", fontsize=12)
    axis.set_xticks([0, 1], ["normal", "anomaly"])
    axis.set_yticks([0, 1], ["normal", "anomaly"])
    axis.set_xlabel("predicted")
    axis.set_ylabel("actual")
    axis.set_title("Confusion matrix at the threshold")
    return _save(figure, path)


REPORT_FILES = ("metrics.json", "scores.png", "roc.png", "precision_recall.png", "confusion_matrix.png")


def write_report(scores, threshold: float, folder, labels=None, overwrite: bool = False) -> dict:
    """Write metrics.json and the plots into ``folder`` (under the output rule of :mod:`aekit.core.outputs`);
    return the metrics."""
    from ...core.outputs import prepare_folder

    folder = prepare_folder(folder, overwrite=overwrite, names=REPORT_FILES, what="report")
    result = metrics(scores, threshold, labels)
    files = ["metrics.json", "scores.png"]
    plot_score_histogram(scores, threshold, folder / "scores.png", labels)
    if labels is not None and result.get("auc_roc") is not None:
        plot_roc(labels, scores, folder / "roc.png")
        plot_precision_recall(labels, scores, threshold, folder / "precision_recall.png")
        plot_confusion(result["at_threshold"], folder / "confusion_matrix.png")
        files += ["roc.png", "precision_recall.png", "confusion_matrix.png"]
    result["files"] = files
    atomic_write_text(folder / "metrics.json", json.dumps(result, indent=2) + "\n")
    return result


def _subplots(**kwargs):
    from ...core.plots import subplots

    return subplots(**kwargs)


def _save(figure, path) -> "Figure":
    from ...core.plots import save_figure

    return save_figure(figure, path)
