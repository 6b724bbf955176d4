"""Means per setting and per half of the datasets, the oracle of aekit's parts, and the goals of the benchmark.

The halves show how much a figure depends on which tables it is measured on: sort the set names, the sets at odd
positions (1st, 3rd, ...) form half A and the others half B. The oracle is what a perfect per-table chooser of the
score's parts would reach: for each table, the best of the parts' AUC-ROC (each averaged over the seeds).
"""

from __future__ import annotations

import numpy as np

from .anomaly_baselines import BASELINES

METRICS = ("auc_roc", "auc_pr", "fit_seconds", "score_seconds")
# What each setting's goals judge: with clean training rows a user says so (novelty=True, `--normal-only`); with
# rows that may hold anomalies the defaults apply. The other aekit method of a setting is reported beside it.
JUDGED = {"semi": "aekit_novelty", "unsup": "aekit"}
NEEDED_POINTS = {"semi": 1.0, "unsup": 0.0}


def halves(names) -> dict[str, list[str]]:
    ordered = sorted(names)
    return {"A": ordered[0::2], "B": ordered[1::2]}


def summarise(records: list[dict], datasets, settings, methods) -> dict:
    out = {}
    for setting in settings:
        rows = [_dataset_row(records, path, setting, methods) for path in datasets]
        present = [m for m in methods if all(m in r["methods"] for r in rows)]
        mean = _means(rows, present)
        for m in present:
            mean[m]["total_fit_plus_score_seconds"] = float(sum(r["methods"][m]["fit_seconds"]
                                                                + r["methods"][m]["score_seconds"] for r in rows))
        split = halves(r["dataset"] for r in rows)
        by_half = {half: {"datasets": names, "mean": _means([r for r in rows if r["dataset"] in names], present)}
                   for half, names in split.items()}
        out[setting] = {"datasets": rows, "mean": mean, "halves": by_half, "oracle": _oracle(rows, present)}
    return out


def _oracle(rows: list[dict], methods) -> dict:
    """Per aekit method: its mean AUC-ROC, each part's alone, and the per-table best part's (the oracle)."""
    out = {}
    for method in methods:
        parts = [r["methods"][method].get("parts") for r in rows]
        if not all(parts):
            continue
        names = sorted(parts[0])
        out[method] = {"blend": float(np.mean([r["methods"][method]["auc_roc"] for r in rows])),
                       "parts": {n: float(np.mean([p[n] for p in parts])) for n in names},
                       "oracle": float(np.mean([max(p.values()) for p in parts])),
                       "oracle_with_blend": float(np.mean([max(*p.values(), r["methods"][method]["auc_roc"])
                                                           for p, r in zip(parts, rows)]))}
    return out


def _dataset_row(records, path, setting: str, methods) -> dict:
    with np.load(path, allow_pickle=False) as data:
        y = data["y"]
        shape = data["X"].shape
    row = {"dataset": path.stem, "rows": int(shape[0]), "features": int(shape[1]),
           "anomaly_rate": float(np.mean(y)), "methods": {}}
    for method in methods:
        mine = [r for r in records if r["dataset"] == path.stem and r["setting"] == setting and r["method"] == method]
        if mine:
            row["train_rows"] = mine[0]["train_rows"]
            row["methods"][method] = {k: float(np.mean([r[k] for r in mine])) for k in METRICS}
            row["methods"][method]["auc_roc_std"] = float(np.std([r["auc_roc"] for r in mine]))
            row["methods"][method]["seeds"] = len(mine)
            if all("parts" in r for r in mine) and mine[0]["parts"]:
                row["methods"][method]["parts"] = {name: float(np.mean([r["parts"][name]["auc_roc"] for r in mine]))
                                                   for name in mine[0]["parts"]}
    return row


def _means(rows: list[dict], methods) -> dict:
    if not rows:
        return {}
    return {m: {k: float(np.mean([r["methods"][m][k] for r in rows])) for k in METRICS} for m in methods}


def goals(summary: dict) -> dict:
    """Each goal of issue 30, on the whole table and on each half: margins in AUC points against the best
    baseline of that block (semi-supervised, novelty=True: +1 AUC-ROC; unsupervised, the defaults: level or
    better on AUC-ROC and AUC-PR), and aekit's fit-plus-score time against PyOD's AutoEncoder."""
    result = {}
    for setting, default in JUDGED.items():
        needed = NEEDED_POINTS[setting]
        block = summary.get(setting)
        if not block or default not in block["mean"]:
            continue
        blocks = {"all": (default, block["mean"])}
        blocks.update({f"half {h}": (default, b["mean"]) for h, b in block["halves"].items()})
        metrics = ("auc_roc",) if setting == "semi" else ("auc_roc", "auc_pr")
        for where, (ours, mean) in blocks.items():
            for metric in metrics:
                baselines = {m: v[metric] for m, v in mean.items() if m in BASELINES}
                if not baselines or ours not in mean:
                    continue
                best = max(baselines, key=baselines.get)
                margin = round(100 * (mean[ours][metric] - baselines[best]), 2)
                result.setdefault(setting, {}).setdefault(where, {})[metric] = {
                    "method": ours, "best_baseline": best, "margin_points": margin, "needed_points": needed,
                    "met": margin >= needed}
    for setting, default in JUDGED.items():
        mean = summary.get(setting, {}).get("mean", {})
        if default in mean and "pyod_ae" in mean:
            ours, theirs = (mean[m]["total_fit_plus_score_seconds"] for m in (default, "pyod_ae"))
            result.setdefault("time", {})[setting] = {"method": default, "aekit_seconds": round(ours, 1),
                                                      "pyod_ae_seconds": round(theirs, 1), "met": ours <= theirs}
    return result
