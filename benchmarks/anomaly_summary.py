"""Means per setting and per half of the datasets, and the goals of the anomaly benchmark.

The halves guard the detector's defaults against overfitting these tables: sort the set names, the sets at odd
positions (1st, 3rd, ...) form half A and the others half B. A default chosen on A is reported on B, one chosen
on B on A (the README says which choice each half reports).
"""

from __future__ import annotations

import numpy as np

from .anomaly_baselines import BASELINES

METRICS = ("auc_roc", "auc_pr", "fit_seconds", "score_seconds")
# The candidate defaults of each setting (see VARIANTS in anomaly.py); the first is the shipped default.
CANDIDATES = {"semi": ("aekit", "aekit_recon", "aekit_k5"), "unsup": ("aekit_robust", "aekit_robust_k1")}


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
        out[setting] = {"datasets": rows, "mean": mean, "halves": by_half,
                        "choice": _choice(by_half, [m for m in CANDIDATES.get(setting, ()) if m in present])}
    return out


def _choice(by_half: dict, candidates: list[str]) -> dict:
    """For each half: the candidate with the best mean AUC-ROC on the *other* half, which is what it reports."""
    if not candidates:
        return {}
    other = {"A": "B", "B": "A"}
    return {half: max(candidates, key=lambda m: by_half[other[half]]["mean"][m]["auc_roc"]) for half in by_half}


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
    return row


def _means(rows: list[dict], methods) -> dict:
    if not rows:
        return {}
    return {m: {k: float(np.mean([r["methods"][m][k] for r in rows])) for k in METRICS} for m in methods}


def goals(summary: dict) -> dict:
    """Each goal of issue 11, on the whole table and on each half: margins in AUC points against the best
    baseline of that block (semi-supervised: +2 AUC-ROC; unsupervised: level or better on AUC-ROC and AUC-PR),
    and aekit's fit-plus-score time against PyOD's AutoEncoder."""
    result = {}
    for setting, default, needed in (("semi", "aekit", 2.0), ("unsup", "aekit_robust", 0.0)):
        block = summary.get(setting)
        if not block or default not in block["mean"]:
            continue
        blocks = {"all": (default, block["mean"])}
        blocks.update({f"half {h}": (block.get("choice", {}).get(h, default), b["mean"])
                       for h, b in block["halves"].items()})
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
    semi = summary.get("semi", {}).get("mean", {})
    if "aekit" in semi and "pyod_ae" in semi:
        ours, theirs = (semi[m]["total_fit_plus_score_seconds"] for m in ("aekit", "pyod_ae"))
        result["time"] = {"aekit_seconds": round(ours, 1), "pyod_ae_seconds": round(theirs, 1),
                          "met": ours <= theirs}
    return result
