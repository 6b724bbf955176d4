"""Render benchmarks/results/*.json as Markdown tables into README.md (between <!-- bench:NAME --> markers).

    python benchmarks/report.py          # rewrites the tables in README.md from the latest results
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def _machine(result: dict) -> str:
    m = result["machine"]
    return (f"_{m['cpu']}, {m['cores']} cores; {result['date'][:10]}; backend versions "
            + ", ".join(f"{k} {v}" for k, v in result["versions"].items() if k in ("keras", "jax", "tensorflow-cpu",
                                                                                   "torch"))
            + f"; script wall time {result['wall_seconds'] / 60:.1f} min._")


def mnist_hinton(result: dict) -> str:
    lines = ["| method | test squared error per image | epochs | training time |", "|---|---:|---:|---:|"]
    for name, value in (("Hinton & Salakhutdinov 2006: PCA-30", result["paper"]["pca"]),
                        ("Hinton & Salakhutdinov 2006: logistic PCA", result["paper"]["logistic_pca"]),
                        ("Hinton & Salakhutdinov 2006: deep autoencoder", result["paper"]["deep_autoencoder"])):
        lines.append(f"| {name} (published) | {value:.2f} | | |")
    for row in result["rows"]:
        epochs = row.get("epochs_run", "")
        lines.append(f"| **{row['method']}** | **{row['test_sse_per_image']:.2f}** | {epochs} | "
                     f"{row['seconds'] / 60:.1f} min |")
    return "\n".join(lines) + "\n\n" + _machine(result)


def throughput(result: dict) -> str:
    names = {"aekit": "aekit", "keras": "plain keras.Model.fit", "torch": "plain PyTorch loop"}
    lines = ["| trainer | backend | median s/epoch | samples/s | GFLOP/s |", "|---|---|---:|---:|---:|"]
    for row in result["rows"]:
        lines.append(f"| {names[row['kind']]} | {row['backend']} | {row['median_epoch_seconds']:.2f} | "
                     f"{row['samples_per_second']:,} | {row['gflops_per_second']:.0f} |")
    ratios = ", ".join(f"{k.replace('_', ' ')}: {v:.2f}" for k, v in result["ratios"].items())
    return "\n".join(lines) + f"\n\nRatios of samples/s (1.00 = equal): {ratios}.\n\n" + _machine(result)


from anomaly_tables import render as anomaly  # noqa: E402 - the anomaly tables live beside their benchmark
from representation import render as representation  # noqa: E402 - its tables are built beside the benchmark
from representation_limits import render as representation_limits  # noqa: E402

RENDERERS = {"mnist_hinton": mnist_hinton, "throughput": throughput, "representation": representation,
             "representation_limits": representation_limits, "anomaly": anomaly}


def main() -> int:
    readme = (ROOT / "README.md").read_text()
    for name, render in RENDERERS.items():
        path = RESULTS / f"{name}.json"
        if not path.is_file():
            print(f"skipped {name}: no {path.relative_to(ROOT)}")
            continue
        table = render(json.loads(path.read_text()))
        pattern = re.compile(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", re.S)
        if not pattern.search(readme):
            print(f"README.md has no <!-- bench:{name} --> section", file=sys.stderr)
            return 1
        readme = pattern.sub(lambda m, table=table: m.group(1) + table + "\n" + m.group(2), readme)
    (ROOT / "README.md").write_text(readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
