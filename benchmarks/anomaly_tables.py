"""Markdown tables for benchmarks/results/anomaly.json (used by report.py between <!-- bench:anomaly --> markers)."""

from __future__ import annotations

TITLES = {
    "semi": "Semi-supervised: trained on 70 % of the normal rows, tested on the other 30 % plus every anomaly",
    "unsup": "Unsupervised: trained on a random 70 % of all rows (anomalies included), tested on the other 30 %",
}
from .anomaly_baselines import BASELINES
from .anomaly_summary import JUDGED

SHORT = {"aekit": "aekit", "aekit_novelty": "aekit novelty", "knn": "k-NN", "lof": "LOF", "ecod": "ECOD",
         "deepsvdd": "DeepSVDD", "iforest": "IForest", "pyod_ae": "PyOD AE", "pyod_vae": "PyOD VAE", "pca": "PCA",
         "dte_np": "DTE-NP"}
SETTING_NAMES = {"semi": "trained on normal rows", "unsup": "trained on rows holding anomalies"}


def render(result: dict) -> str:
    labels = result["protocol"]["methods"]
    seeds = len(result["protocol"]["seeds"])
    parts = []
    for setting, block in result.get("settings", {}).items():
        methods = [m for m in labels if m in block["mean"]]
        parts.append(f"**{TITLES[setting]}** ({seeds} seeds, means; at most "
                     f"{result['protocol']['max_train_rows']:,} training rows per dataset).\n")
        parts.append(_summary(block, methods, labels))
        if block.get("oracle"):
            parts.append(_oracle(block["oracle"]))
        if block.get("halves"):
            parts.append(_halves(block, methods, JUDGED[setting]))
        parts.append(_per_dataset(block, methods, "auc_roc", "AUC-ROC"))
        parts.append("<details><summary>AUC-PR and seconds per dataset</summary>\n\n"
                     + _per_dataset(block, methods, "auc_pr", "AUC-PR") + "\n\n"
                     + _per_dataset(block, methods, "seconds", "fit + score seconds") + "\n\n</details>\n")
    parts.append(_margins(result.get("goals") or {}))
    if result.get("labels"):
        parts.append(_labels(result["labels"]))
    speed = result.get("throughput")
    if speed:
        parts.append(
            f"Scoring throughput (`aekit detect score`, default model, {speed['columns']}-column CSV of "
            f"{speed['rows']:,} rows / {speed['csv_megabytes']:,.0f} MB to scored CSV): "
            f"**{speed['rows_per_second_scoring']:,} rows/s** while scoring, "
            f"{speed['rows_per_second_command']:,} rows/s for the whole command including start-up "
            f"({speed['command_seconds']:.1f} s); peak memory {speed['peak_rss_megabytes']:,} MB.\n")
    from .stamps import machine_line as _machine

    machine = _machine(result)
    tables = result.get("tables")
    if tables:  # the tables and the throughput test may come from separate runs of the script
        spent = f"tables {tables['wall_seconds'] / 60:.0f} min on {tables['date']}"
        if speed and "wall_seconds" in speed:
            spent += f", throughput test {speed['wall_seconds'] / 60:.1f} min"
        machine = machine.replace(f"script wall time {result['wall_seconds'] / 60:.1f} min", spent)
    return "\n".join(parts) + "\n" + machine


def _oracle(oracle: dict) -> str:
    """What each part scores alone, what the blend gets, and what a perfect per-table choice of part would get."""
    names = ("reconstruction", "neighbours", "isolation")
    lines = ["| aekit | the blend (shipped) | " + " | ".join(f"{name} alone" for name in names)
             + " | oracle: best part per table | oracle with the blend |", "|---|---:|---:|---:|---:|---:|---:|"]
    for method, entry in oracle.items():
        alone = [f"{100 * entry['parts'][n]:.1f}" if n in entry["parts"] else "" for n in names]
        lines.append(f"| {SHORT[method]} | {100 * entry['blend']:.1f} | " + " | ".join(alone)
                     + f" | {100 * entry['oracle']:.1f} | {100 * entry['oracle_with_blend']:.1f} |")
    return "Mean AUC-ROC of the score's parts:\n\n" + "\n".join(lines) + "\n"


def _halves(block: dict, methods: list[str], ours: str) -> str:
    """Means per half, for the aekit method the setting's goals judge."""
    halves = block["halves"]
    lines = ["| half (sets) | aekit | AUC-ROC | AUC-PR | best baseline (AUC-ROC) | "
             "AUC-ROC | best baseline (AUC-PR) | AUC-PR |", "|---|---|---:|---:|---|---:|---|---:|"]
    for half, entry in halves.items():
        mean = entry["mean"]
        baselines = [m for m in methods if m in BASELINES and m in mean]
        if ours not in mean or not baselines:
            continue
        best_roc = max(baselines, key=lambda m: mean[m]["auc_roc"])
        best_pr = max(baselines, key=lambda m: mean[m]["auc_pr"])
        lines.append(f"| {half} ({', '.join(n.split('_', 1)[-1] for n in entry['datasets'])}) | {SHORT[ours]} | "
                     f"{100 * mean[ours]['auc_roc']:.1f} | {100 * mean[ours]['auc_pr']:.1f} | {SHORT[best_roc]} | "
                     f"{100 * mean[best_roc]['auc_roc']:.1f} | {SHORT[best_pr]} | "
                     f"{100 * mean[best_pr]['auc_pr']:.1f} |")
    return "\n".join(lines) + "\n"


def _margins(margins: dict) -> str:
    """aekit against the best baseline of each setting and half, in points; negative where the baseline wins."""
    lines = []
    for setting, blocks in margins.items():
        if setting == "time":
            continue
        for where, metrics in blocks.items():
            for metric, g in metrics.items():
                lines.append(f"- {SETTING_NAMES.get(setting, setting)}, {where}, "
                             f"{metric.replace('_', '-').upper()}: {SHORT[g['method']]} {g['margin_points']:+.1f} "
                             f"points against the best baseline there, {SHORT[g['best_baseline']]}")
    for setting, t in margins.get("time", {}).items():
        lines.append(f"- fit + score over all tables ({SETTING_NAMES.get(setting, setting)}): {SHORT[t['method']]} "
                     f"{t['aekit_seconds']:.0f} s, PyOD AutoEncoder {t['pyod_ae_seconds']:.0f} s")
    return ("Against the strongest baseline:\n\n" + "\n".join(lines) + "\n") if lines else ""


def _labels(study: dict) -> str:
    lines = ["**A few labelled anomalies** (`labels=\"use\"`, semi-supervised split; that share of the test "
             "anomalies moves into training, labelled 1; both detectors are scored on the rest):\n",
             "| labelled share of anomalies | median count | AUC-ROC ignoring them | AUC-ROC using them | "
             "AUC-PR ignoring | AUC-PR using |", "|---:|---:|---:|---:|---:|---:|"]
    for fraction, entry in study.items():
        lines.append(f"| {100 * float(fraction):g} % | {entry['known_anomalies_median']:.0f} | "
                     f"{100 * entry['ignore']['auc_roc']:.1f} | {100 * entry['use']['auc_roc']:.1f} | "
                     f"{100 * entry['ignore']['auc_pr']:.1f} | {100 * entry['use']['auc_pr']:.1f} |")
    return "\n".join(lines) + "\n"


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
