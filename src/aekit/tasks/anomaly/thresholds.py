"""Threshold strategies: turn anomaly scores (higher = more anomalous) into a 0/1 decision.

Unsupervised strategies look only at the training scores:

- ``contamination``: the ``1 - contamination`` quantile, so that fraction of the training rows is flagged (PyOD);
- ``mean_std``: mean + k standard deviations (the TensorFlow autoencoder tutorial uses k = 1);
- ``max``: the largest training score, so nothing seen in training is flagged (the keras.io time-series example).

With labels (``y``: 1 = anomaly), :func:`threshold_for_objective` picks the threshold that maximises F1, or the
highest threshold that still reaches a target recall, or the lowest that reaches a target precision.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from ...core.errors import ConfigError, DataError, unknown_name_error

STRATEGIES = ("contamination", "mean_std", "max")
OBJECTIVES = ("f1", "recall", "precision")


def check_contamination(contamination) -> float:
    if isinstance(contamination, bool) or not isinstance(contamination, Real) or not 0 < contamination <= 0.5:
        raise ConfigError(
            f"Received contamination={contamination!r}; expected a number with 0 < contamination <= 0.5 "
            "(the fraction of anomalies you expect in the training data, e.g. 0.01 for 1 %)."
        )
    return float(contamination)


def check_strategy(threshold, k) -> None:
    """Validate the ``threshold`` parameter: a strategy name or a fixed number."""
    if isinstance(threshold, Real) and not isinstance(threshold, bool):
        if not np.isfinite(threshold):
            raise ConfigError(f"Received threshold={threshold!r}; expected a finite number or a strategy name.")
        return
    if threshold in OBJECTIVES:
        raise ConfigError(
            f"Received threshold={threshold!r}, which needs labelled data. Fit with an unsupervised strategy "
            f"({', '.join(STRATEGIES)}), then call fit_threshold(X_val, y_val, objective={threshold!r})."
        )
    if threshold not in STRATEGIES:
        raise unknown_name_error("threshold strategy", threshold, STRATEGIES)
    if isinstance(k, bool) or not isinstance(k, Real) or not np.isfinite(k):
        raise ConfigError(f"Received k={k!r}; expected a finite number (mean + k * std of the training scores).")


def unsupervised_threshold(scores: np.ndarray, strategy, contamination: float, k: float) -> float:
    """The threshold a strategy picks from the training scores (or the fixed number given)."""
    scores = np.asarray(scores, dtype=np.float64)
    if isinstance(strategy, Real) and not isinstance(strategy, bool):
        return float(strategy)
    if strategy == "contamination":
        # PyOD's rule: the (1 - contamination) percentile, linear interpolation, so `> threshold` flags that share.
        return float(np.percentile(scores, 100 * (1 - contamination)))
    if strategy == "mean_std":
        return float(scores.mean() + k * scores.std())
    if strategy == "max":
        return float(scores.max())
    raise unknown_name_error("threshold strategy", strategy, STRATEGIES)


def check_binary_labels(y, name: str = "y", n: int | None = None) -> np.ndarray:
    """Labels as an int8 0/1 array (1 = anomaly), or a DataError saying which values were found."""
    values = np.asarray(y)
    if values.ndim != 1:
        values = values.reshape(-1) if values.size == len(values) else values
    if values.ndim != 1:
        raise DataError(f"Received {name} of shape {values.shape}; expected one 0/1 label per row.")
    if n is not None and len(values) != n:
        raise DataError(f"Received {len(values)} labels in {name} for {n} rows; expected one label per row.")
    try:
        numeric = values.astype(np.float64)
    except (TypeError, ValueError):
        numeric = None
    if numeric is None or not np.isin(numeric, (0.0, 1.0)).all():
        found = _describe_values(values)
        raise DataError(
            f"The labels in {name} must be 0 (normal) or 1 (anomaly); found {found}. "
            "Map them to 0/1 first (e.g. df[col] = (df[col] == 'fraud').astype(int))."
        )
    return numeric.astype(np.int8)


def _describe_values(values: np.ndarray) -> str:
    import pandas as pd

    unique = pd.unique(pd.Series(values.astype(object)).map(lambda v: "NaN" if v != v else v))
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in unique[:6])
    return f"{len(unique)} distinct values ({shown}{', ...' if len(unique) > 6 else ''})"


def threshold_for_objective(scores, y, objective: str = "f1", target: float | None = None) -> dict:
    """The threshold meeting ``objective`` on labelled scores; returns it with the precision/recall it gets.

    A row is flagged when ``score > threshold``. For ``recall`` the highest threshold whose recall is at
    least ``target`` is chosen (fewest false alarms); for ``precision`` the lowest threshold whose precision
    is at least ``target`` (most anomalies caught).

    Parameters
    ----------
    scores : array-like of shape (n,)
        Anomaly scores, higher = more anomalous (as :meth:`aekit.AnomalyDetector.decision_function` gives).
    y : array-like of shape (n,)
        0 (normal) or 1 (anomaly) per score; both must occur.
    objective : {"f1", "recall", "precision"}, default="f1"
        Maximise F1, or reach a recall or a precision of ``target``.
    target : float, optional
        The recall or precision to reach, in (0, 1] (e.g. 0.9 for 90 %); required for ``"recall"`` and
        ``"precision"``, not allowed for ``"f1"``.

    Returns
    -------
    dict
        ``threshold`` (float: flag ``score > threshold``; it lies between the chosen score and the next
        lower one), and the ``precision``, ``recall`` and ``f1`` it gets on these labels (floats) and the
        number of rows it ``flagged`` (int).

    Raises
    ------
    aekit.DataError
        If the labels are not 0/1, hold only one class, or no threshold reaches a ``precision`` target.
    aekit.ConfigError
        If ``objective`` is unknown or ``target`` does not suit it.
    """
    if objective not in OBJECTIVES:
        raise unknown_name_error("threshold objective", objective, OBJECTIVES)
    scores = np.asarray(scores, dtype=np.float64)
    y = check_binary_labels(y, n=len(scores))
    positives = int(y.sum())
    if positives == 0 or positives == len(y):
        raise DataError(
            f"Choosing a threshold by {objective} needs both normal rows and anomalies in the labelled set; "
            f"it holds {positives} anomalies among {len(y)} rows."
        )
    if objective == "f1":
        if target is not None:
            raise ConfigError(f"Received target={target!r} with objective='f1'; a target applies to recall or "
                              "precision only.")
    elif isinstance(target, bool) or not isinstance(target, Real) or not 0 < target <= 1:
        raise ConfigError(f"Received target={target!r}; objective={objective!r} needs a target in (0, 1], "
                          "e.g. target=0.9 for 90 %.")
    from sklearn.metrics import precision_recall_curve

    # Precision and recall of flagging "score >= cut" for each distinct score, highest cut first (scikit-learn
    # lists them lowest first, then appends recall 0); ties between objectives go to the highest cut.
    precision, recall, cuts = precision_recall_curve(y, scores)
    precision, recall, cuts = precision[-2::-1], recall[-2::-1], cuts[::-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    if objective == "f1":
        best = int(np.argmax(f1))
    elif objective == "recall":
        meets = np.flatnonzero(recall >= target - 1e-12)
        best = int(meets[0])  # the fewest rows flagged that still reach the recall
    else:
        meets = np.flatnonzero(precision >= target - 1e-12)
        if not len(meets):
            raise DataError(f"No threshold reaches precision >= {target} on this labelled set (the best is "
                            f"{precision.max():.3f}). Lower the target or improve the model.")
        best = int(meets[-1])  # the most rows flagged that keep the precision
    cut = cuts[best]
    # The decision is "score > threshold": just below the cut, midway to the next lower score (robust to round-off).
    threshold = float((cut + cuts[best + 1]) / 2) if best + 1 < len(cuts) else float(np.nextafter(cut, -np.inf))
    return {"threshold": threshold, "precision": float(precision[best]), "recall": float(recall[best]),
            "f1": float(f1[best]), "flagged": int(np.count_nonzero(scores >= cut))}


def confusion(scores, y, threshold: float) -> dict:
    """Counts and rates of the decision ``score > threshold`` against 0/1 labels."""
    predicted = np.asarray(scores) > threshold
    y = np.asarray(y).astype(bool)
    tp, fp = int((predicted & y).sum()), int((predicted & ~y).sum())
    fn, tn = int((~predicted & y).sum()), int((~predicted & ~y).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"true_positives": tp, "false_positives": fp, "false_negatives": fn, "true_negatives": tn,
            "precision": precision, "recall": recall, "f1": f1}
