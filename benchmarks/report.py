"""Render benchmarks/results/*.json as Markdown tables into the pages that show them: the benchmark pages of the
documentation (docs/benchmarks/*.md) and the README's headline table, between <!-- bench:NAME --> markers.

    python -m benchmarks.report          # rewrites every table from the latest results
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from .stamps import machine_line as _machine
from .stamps import part_stamp

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


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


def images(result: dict) -> str:
    out = []
    for case in result["cases"]:
        shape = "x".join(map(str, case["image_shape"]))
        out.append(f"**{case['case']}** ({case['train_images']:,} training / {case['test_images']:,} test images, "
                   f"{shape}; scored on the test images)\n")
        out.append("| method | code (numbers) | squared error / image | PSNR dB | SSIM | training s | epochs |")
        out.append("|---|---:|---:|---:|---:|---:|---:|")
        for row in case["rows"]:
            seconds = row.get("training_seconds", row.get("fit_seconds"))
            epochs = row.get("epochs_run", "")
            out.append(f"| {row['method']} | {row['code_numbers']:,} | {row['squared_error_per_image']:.2f} | "
                       f"{row['psnr_db']:.2f} | {row['ssim']:.3f} | {seconds:.1f} | {epochs} |")
        if "psnr_gain_db" in case:
            command = case["rows"][0].get("command_seconds")
            out += ["", f"Default settings: {case['psnr_gain_db']:+.2f} dB over PCA on the unseen images; the whole "
                    f"`aekit train` command took {command:.0f} s."]
        if "ratio_to_pca" in case:
            out += ["", f"Squared error = {case['ratio_to_pca']:.3f} x PCA's."]
        out += ["", *part_stamp(case)]
    return "\n".join(out) + "\n" + _machine(result)


def generative(result: dict) -> str:
    out = []
    nll = result.get("nll")
    if nll:
        out += ["| model | test NLL, nats | ELBO, nats | training |", "|---|---:|---:|---:|"]
        out += [f"| {name} (published) | {value:.2f} | | |" for name, value in nll["published"].items()]
        out.append(f"| **aekit `variational`**, {nll['architecture']} | **{nll['test_nll_nats']:.2f}** | "
                   f"{nll['test_elbo_nats']:.2f} | {nll['epochs_run']} epochs, {nll['training_minutes']:.0f} min |")
        out += ["", f"Test NLL: importance-weighted, K = {nll['importance_samples']:,}, on the {nll['test_images']:,} "
                f"test images binarised once (seed {nll['test_binarisation_seed']}); budget "
                f"{nll['budget_minutes']:.0f} minutes of training on {nll['backend']}. During training "
                "(K = 500, first 2,000 test images):", "",
                "| epoch | training minutes | test NLL (K = 500) |", "|---:|---:|---:|"]
        out += [f"| {p['epoch']} | {p['train_seconds'] / 60:.1f} | {p['nll_k500_first2000']:.2f} |"
                for p in nll["curve"]]
        out += ["", *part_stamp(nll)]
    for part in ("mnist", "fashion"):
        if part not in result:
            continue
        block = result[part]
        real = block["real_test_images"]
        out += [f"**{block['dataset']}**, {block['code_numbers']}-number codes (classifier test accuracy "
                f"{block['classifier_test_accuracy']:.1%}):", "",
                "| model | family | squared error / image | PSNR dB | sample confidence | class balance | "
                "Frechet distance | interpolation roughness | in-between confidence | training s |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
                f"| real test images | | | | {real['confidence']:.3f} | {real['class_balance']:.3f} | "
                f"{real['frechet_distance']:.2f} | | | |"]
        for row in block["rows"]:
            out.append(f"| {row['model']} | `{row['family']}` | {row['squared_error_per_image']:.2f} | "
                       f"{row['psnr_db']:.2f} | {row['confidence']:.3f} | {row['class_balance']:.3f} | "
                       f"{row['frechet_distance']:.2f} | {row['roughness']:.2f} | {row['inner_confidence']:.3f} | "
                       f"{row['training_seconds']:.0f} |")
        out += ["", "| samples, standard | samples, variational | interpolations, standard | "
                "interpolations, variational |", "|---|---|---|---|",
                "| " + " | ".join(f"![](benchmarks/results/generative/{part}-{what}.png)" for what in (
                    "samples-standard", "samples-variational", "interpolations-standard",
                    "interpolations-variational")) + " |", ""]
        out += part_stamp(block)
        if block.get("manifold"):
            out += ["The 2-D latent space of a variational model on MNIST (`aekit sample RUN --grid 20`):", "",
                    f"![]({block['manifold']})", ""]
    return "\n".join(out) + "\n" + _machine(result)


from .anomaly_tables import render as anomaly
from .augment import render as augment
from .cli_startup import render as cli_startup
from .compression_tables import render as compression
from .gpu import render as gpu
from .headline import render as headline
from .representation import render as representation
from .representation_limits import render as representation_limits
from .restoration_tables import render as restoration
from .retrieval_tables import render as retrieval
from .scale_tables import render as scale
from .small_fits import render as small_fits
from .throughput_tables import render as throughput

RENDERERS = {"mnist_hinton": mnist_hinton, "throughput": throughput, "representation": representation,
             "representation_limits": representation_limits, "anomaly": anomaly, "images": images,
             "generative": generative, "retrieval": retrieval, "restoration": restoration,
             "compression": compression, "scale": scale, "cli_startup": cli_startup,
             "gpu": gpu, "gpu_on_cpu": gpu, "headline": headline, "augment": augment,
             "small_fits": small_fits}


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _without_goals(table: str) -> str:
    """The pages state figures and where a baseline wins; the goals a benchmark script judges (kept in its result
    file for the team) are left out of them."""
    kept = [line for line in table.split("\n") if not re.match(r"(Goals?:|Against the goals)", line)]
    return re.sub(r"; goal [^:;]*: (met|\*\*missed\*\*)", "", "\n".join(kept))


def _for_page(table: str, page: Path) -> str:
    """Result images are named from the repository root; a page in a folder reaches them relative to itself."""
    prefix = Path(os.path.relpath(ROOT, page.parent)).as_posix()
    return table if prefix == "." else table.replace("](benchmarks/results/", f"]({prefix}/benchmarks/results/")


def main() -> int:
    texts = {page: page.read_text() for page in PAGES}
    for name, render in RENDERERS.items():
        path = RESULTS / f"{name}.json"
        if name != "headline" and not path.is_file():
            print(f"skipped {name}: no {path.relative_to(ROOT)}")
            continue
        table = render(json.loads(path.read_text()) if path.is_file() else {})
        table = table if table is None else _without_goals(table)
        if table is None:
            print(f"kept the table of {name}: {path.relative_to(ROOT)} predates its renderer")
            continue
        pattern = re.compile(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", re.S)
        shown = [page for page, text in texts.items() if pattern.search(text)]
        if not shown:
            print(f"no page has a <!-- bench:{name} --> section", file=sys.stderr)
            return 1
        for page in shown:
            rendered = _for_page(table, page)
            texts[page] = pattern.sub(lambda m, t=rendered: m.group(1) + t + "\n" + m.group(2), texts[page])
    for page, text in texts.items():
        page.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
