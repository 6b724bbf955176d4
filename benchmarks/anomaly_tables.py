"""Markdown tables for benchmarks/results/anomaly.json (used by report.py between <!-- bench:anomaly --> markers)."""

from __future__ import annotations

TITLES = {
    "semi": "Semi-supervised: trained on 70 % of the normal rows, tested on the other 30 % plus every anomaly",
    "unsup": "Unsupervised: trained on a random 70 % of all rows (anomalies included), tested on the other 30 %",
}
SHORT = {"aekit": "aekit", "aekit_robust": "aekit robust", "iforest": "IForest", "pyod_ae": "PyOD AE",
         "pyod_vae": "PyOD VAE", "pca": "PCA"}


def render(result: dict) -> str:
    labels = result["protocol"]["methods"]
    seeds = len(result["protocol"]["seeds"])
    parts = []
    for setting, block in result.get("settings", {}).items():
        methods = [m for m in labels if m in block["mean"]]
        parts.append(f"**{TITLES[setting]}** ({seeds} seeds, means; at most "
                     f"{result['protocol']['max_train_rows']:,} training rows per dataset).\n")
        parts.append(_summary(block, methods, labels))
        parts.append(_per_dataset(block, methods, "auc_roc", "AUC-ROC"))
        parts.append("<details><summary>AUC-PR and seconds per dataset</summary>\n\n"
                     + _per_dataset(block, methods, "auc_pr", "AUC-PR") + "\n\n"
                     + _per_dataset(block, methods, "seconds", "fit + score seconds") + "\n\n</details>\n")
    goals = result.get("goals") or {}
    if goals:
        parts.append(
            f"Goals: aekit's mean AUC-ROC (semi-supervised) is {goals['margin_points']:+.1f} points against the best "
            f"baseline ({SHORT[goals['best_baseline']]}); target +2: "
            f"{'met' if goals['beats_best_by_2_points'] else 'not met'}. Fit + score, all datasets: aekit "
            f"{goals.get('aekit_seconds', float('nan')):.0f} s, PyOD AutoEncoder "
            f"{goals.get('pyod_ae_seconds', float('nan')):.0f} s; no slower: "
            f"{'met' if goals.get('no_slower_than_pyod_ae') else 'not met'}.\n")
    speed = result.get("throughput")
    if speed:
        parts.append(
            f"Scoring throughput (`aekit detect score`, default model, {speed['columns']}-column CSV of "
            f"{speed['rows']:,} rows / {speed['csv_megabytes']:,.0f} MB to scored CSV): "
            f"**{speed['rows_per_second_scoring']:,} rows/s** while scoring, "
            f"{speed['rows_per_second_command']:,} rows/s for the whole command including start-up "
            f"({speed['command_seconds']:.1f} s); peak memory {speed['peak_rss_megabytes']:,} MB "
            f"(goals: 200,000 rows/s, 1,536 MB).\n")
    from report import _machine

    machine = _machine(result)
    tables = result.get("tables")
    if tables:  # the tables and the throughput test may come from separate runs of the script
        spent = f"tables {tables['wall_seconds'] / 60:.0f} min on {tables['date']}"
        if speed and "wall_seconds" in speed:
            spent += f", throughput test {speed['wall_seconds'] / 60:.1f} min"
        machine = machine.replace(f"script wall time {result['wall_seconds'] / 60:.1f} min", spent)
    return "\n".join(parts) + "\n" + machine


def _summary(block: dict, methods: list[str], labels: dict) -> str:
    lines = ["| method | mean AUC-ROC | mean AUC-PR | fit s (mean) | score s (mean) | fit + score s (all sets) |",
             "|---|---:|---:|---:|---:|---:|"]
    best = max(block["mean"][m]["auc_roc"] for m in methods)
    for m in methods:
        v = block["mean"][m]
        roc = f"{100 * v['auc_roc']:.1f}"
        lines.append(f"| {labels[m]} | {'**' + roc + '**' if v['auc_roc'] == best else roc} | "
                     f"{100 * v['auc_pr']:.1f} | {v['fit_seconds']:.2f} | {v['score_seconds']:.2f} | "
                     f"{v['total_fit_plus_score_seconds']:.0f} |")
    return "\n".join(lines) + "\n"


def _per_dataset(block: dict, methods: list[str], key: str, title: str) -> str:
    lines = [f"| dataset ({title}) | rows | cols | anomalies | " + " | ".join(SHORT[m] for m in methods) + " |",
             "|---|---:|---:|---:|" + "---:|" * len(methods)]
    for row in block["datasets"]:
        values = {}
        for m in methods:
            v = row["methods"].get(m)
            if v is not None:
                values[m] = v["fit_seconds"] + v["score_seconds"] if key == "seconds" else v[key]
        best = (min if key == "seconds" else max)(values.values()) if values else None
        cells = []
        for m in methods:
            if m not in values:
                cells.append("")
                continue
            text = f"{values[m]:.1f}" if key == "seconds" else f"{100 * values[m]:.1f}"
            cells.append(f"**{text}**" if values[m] == best else text)
        lines.append(f"| {row['dataset']} | {row['rows']:,} | {row['features']} | {100 * row['anomaly_rate']:.1f} % | "
                     + " | ".join(cells) + " |")
    if key != "seconds":
        means = [f"{100 * block['mean'][m][key]:.1f}" if m in block["mean"] else "" for m in methods]
        lines.append("| **mean** | | | | " + " | ".join(means) + " |")
    return "\n".join(lines) + "\n"
