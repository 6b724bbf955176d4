"""What a few labelled anomalies add (issue 11, item 5): aekit with labels="use" against the same detector
trained on the same normal rows without them.

Per dataset and seed: the semi-supervised split of benchmarks/anomaly.py; then FRACTION of the anomalies (at least
one) move from the test rows into the training rows, labelled 1. Both detectors are scored on the remaining test
rows, so the labelled anomalies are never scored. "ignore" trains on the normal rows alone (a user who drops the
known anomalies), "use" on the normal rows plus the labelled anomalies with ``labels="use"``.
"""

from __future__ import annotations

import numpy as np

FRACTIONS = (0.01, 0.05, 0.10)


def label_runs(X, y, train, test, seed: int) -> list[dict]:
    """AUC-ROC and AUC-PR of "ignore" and "use" for each fraction, on one split."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    import aekit

    plain = aekit.AnomalyDetector(seed=seed).fit(X[train])
    anomalies = np.random.default_rng(seed).permutation(np.intersect1d(test, np.flatnonzero(y == 1)))
    results = []
    for fraction in FRACTIONS:
        known = anomalies[:max(1, int(round(fraction * len(anomalies))))]
        rest = np.setdiff1d(test, known)
        rows = np.concatenate([train, known])
        labels = np.concatenate([np.zeros(len(train), dtype=int), np.ones(len(known), dtype=int)])
        aware = aekit.AnomalyDetector(seed=seed, labels="use").fit(X[rows], labels)
        entry = {"fraction": fraction, "known_anomalies": int(len(known))}
        for name, model in (("ignore", plain), ("use", aware)):
            scores = model.decision_function(X[rest])
            entry[name] = {"auc_roc": float(roc_auc_score(y[rest], scores)),
                           "auc_pr": float(average_precision_score(y[rest], scores))}
        results.append(entry)
    return results


def summarise_labels(records: list[dict]) -> dict:
    """Means over datasets (each the mean of its seeds) per fraction."""
    out = {}
    for fraction in FRACTIONS:
        mine = [r for r in records if r["fraction"] == fraction]
        by_set = {}
        for r in mine:
            by_set.setdefault(r["dataset"], []).append(r)
        means = {name: {metric: float(np.mean([np.mean([r[name][metric] for r in runs]) for runs in by_set.values()]))
                        for metric in ("auc_roc", "auc_pr")} for name in ("ignore", "use")}
        out[f"{fraction:g}"] = {**means, "datasets": len(by_set),
                                "known_anomalies_median": float(np.median([r["known_anomalies"] for r in mine]))}
    return out
