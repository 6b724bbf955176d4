"""Representation learning on MNIST and Fashion-MNIST (60,000 train / 10,000 standard test images each).

For each dataset:
  1. PCA vs aekit's ``hinton2006`` deep autoencoder (784-1000-500-250-k, default recipe) at latent sizes
     2, 10, 30 and 64: test squared error per image (pixels in [0, 1]), PSNR and training time.
     Goal: autoencoder error at 30 dimensions <= 1/4 of PCA's, on both datasets.
  2. Probes of the 30-d codes vs PCA-30 vs the 784 raw pixels: logistic-regression ("linear probe")
     and 5-NN test accuracy, fitted on all training images.
     Goal: the 30-d code beats PCA-30 by >= 3 points of linear-probe accuracy on MNIST.
  3. The pretraining curve: aekit.Classifier on the 30-d encoder (head frozen, then fine-tuned) vs the
     same network from scratch, with 100, 1,000 and all 60,000 labels (class-balanced draws; the mean
     of --repeats draws for 100 and 1,000). The autoencoder saw every training image, without labels.
     Goal: >= 5 points better with 100 labels on MNIST.

    python -m benchmarks.representation             # full run; about 40 minutes on 2 cores (estimate below)
    python -m benchmarks.representation --quick     # 5,000/1,000-image subsets, 3 epochs: ~3 minutes, a smoke test

Time of the full run, estimated from ~6.5 s per hinton2006 epoch on 60,000 images (benchmarks/mnist_hinton.py):
per dataset, 4 latent sizes x 30 epochs ~ 13 min, probes ~ 1.5 min (logistic regression on 784 raw pixels
dominates), pretraining curve ~ 4 min (the all-labels runs: 5 + 15 epochs pretrained, 20 from scratch).
The full run writes results/representation.json (rendered into README.md by report.py) and the plots in
results/representation/; --quick writes results/representation-quick.json and never touches the full results.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ._common import RESULTS, data_dir, write_result

SEED = 0
DATASETS = ("mnist", "fashion_mnist")
GOALS = {"error_ratio_at_30": 0.25, "mnist_linear_probe_gain_points": 3.0, "mnist_100_label_gain_points": 5.0}
FULL = {"train": None, "test": None, "latent_dims": (2, 10, 30, 64), "epochs": 30, "labels": (100, 1000, None),
        "repeats": 3, "classifier": {"freeze_epochs": 5, "epochs": 15, "min_steps": 500, "batch_size": 128}}
QUICK = {"train": 5000, "test": 1000, "latent_dims": (2, 30), "epochs": 3, "labels": (100, 1000, None),
         "repeats": 1, "classifier": {"freeze_epochs": 1, "epochs": 2, "min_steps": 50, "batch_size": 128}}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_dataset(name: str, plan: dict, plots: Path) -> dict:
    import aekit
    from aekit.tasks.representation import compare, pretraining_curve, probe, save_curve

    train = aekit.data.load(name, split="train", max_samples=plan["train"])
    test = aekit.data.load(name, split="test", max_samples=plan["test"])
    log(f"{name}: {len(train):,} train / {len(test):,} test images")

    started = time.perf_counter()
    comparison = compare(train, test, latent_dims=plan["latent_dims"], preset="hinton2006", epochs=plan["epochs"],
                         seed=SEED, verbose=0)
    comparison.save(plots / name)
    for row in comparison.rows:
        log(f"  {row['method']:<30} k={row['latent_dim']:<3} error {row['squared_error_per_sample']:7.3f}  "
            f"PSNR {row['psnr_db']:5.2f} dB  {row['fit_seconds']:6.1f} s")
    compare_seconds = time.perf_counter() - started

    model = comparison.models[("deep", 30)]
    started = time.perf_counter()
    probes = probe(model, train, test, k=5, seed=SEED)
    for row in probes:
        log(f"  probe {row['description']:<24} linear {row['linear_probe_accuracy']:.4f}  "
            f"5-NN {row['knn_accuracy']:.4f}")
    probe_seconds = time.perf_counter() - started

    started = time.perf_counter()
    curve = pretraining_curve(model, train, test, label_counts=plan["labels"], repeats=plan["repeats"], seed=SEED,
                              **plan["classifier"])
    save_curve(curve, plots / name, name, settings=plan["classifier"])
    for row in curve:
        log(f"  {row['labels']:>6,} labels: pretrained {row['pretrained_accuracy']:.4f}  "
            f"scratch {row['scratch_accuracy']:.4f}  gain {row['gain_points']:+.1f} points")
    curve_seconds = time.perf_counter() - started

    pca30, ae30 = comparison.row("PCA", 30), comparison.row("deep", 30)
    probe_by = {row["representation"]: row for row in probes}
    return {
        "train_samples": len(train), "test_samples": len(test),
        "comparison": comparison.rows, "probes": probes, "pretraining": curve,
        "error_ratio_at_30": ae30["squared_error_per_sample"] / pca30["squared_error_per_sample"],
        "linear_probe_gain_points": 100 * (probe_by["autoencoder"]["linear_probe_accuracy"]
                                           - probe_by["pca"]["linear_probe_accuracy"]),
        "seconds": {"compare": compare_seconds, "probe": probe_seconds, "pretraining": curve_seconds},
    }


def goals(results: dict) -> dict:
    out = {}
    for name, result in results.items():
        out[f"{name}: autoencoder error at 30-d <= 1/4 of PCA's"] = result["error_ratio_at_30"] <= GOALS[
            "error_ratio_at_30"]
    if "mnist" in results:
        mnist = results["mnist"]
        out["mnist: 30-d code beats PCA-30 by >= 3 points (linear probe)"] = (
            mnist["linear_probe_gain_points"] >= GOALS["mnist_linear_probe_gain_points"])
        hundred = next((r for r in mnist["pretraining"] if r["labels"] == 100), None)
        if hundred is not None:
            out["mnist: pretrained beats scratch by >= 5 points with 100 labels"] = (
                hundred["gain_points"] >= GOALS["mnist_100_label_gain_points"])
    return out


NAMES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}


def render(result: dict) -> str:
    """Markdown tables for README.md (called by report.py)."""
    from .stamps import machine_line as _machine

    datasets = result["datasets"]
    lines = ["**Reconstruction: PCA vs the deep autoencoder** (test squared error per image, pixels in [0, 1]; "
             "lower is better)", "",
             "| dataset | latent size | PCA | autoencoder | autoencoder / PCA | PCA PSNR | autoencoder PSNR | "
             "training time |", "|---|---:|---:|---:|---:|---:|---:|---:|",
             "| MNIST, Hinton & Salakhutdinov 2006 (published) | 30 | 13.87 | 3.00 | 0.22 | | | |"]
    for name, data in datasets.items():
        rows = data["comparison"]
        for k in sorted({r["latent_dim"] for r in rows}):
            pca = next(r for r in rows if r["model"] == "pca" and r["latent_dim"] == k)
            ae = next(r for r in rows if r["model"] != "pca" and r["latent_dim"] == k)
            ratio = ae["squared_error_per_sample"] / pca["squared_error_per_sample"]
            bold = "**" if k == 30 else ""
            lines.append(f"| {NAMES.get(name, name)} | {k} | {pca['squared_error_per_sample']:.2f} | "
                         f"{bold}{ae['squared_error_per_sample']:.2f}{bold} | {bold}{ratio:.2f}{bold} | "
                         f"{pca['psnr_db']:.1f} dB | {ae['psnr_db']:.1f} dB | {ae['fit_seconds'] / 60:.1f} min "
                         f"({ae['epochs_run']} epochs) |")
    lines += ["", "**Probes of the codes** (test accuracy; logistic regression and 5-NN fitted on all training "
              "images)", "", "| dataset | representation | linear probe | 5-NN |", "|---|---|---:|---:|"]
    for name, data in datasets.items():
        for row in data["probes"]:
            lines.append(f"| {NAMES.get(name, name)} | {row['description']} | "
                         f"{100 * row['linear_probe_accuracy']:.2f} % | {100 * row['knn_accuracy']:.2f} % |")
    lines += ["", "**Pretraining a classifier** (test accuracy; `aekit.Classifier` on the 30-d encoder vs the same "
              "network from scratch; class-balanced labelled subsets, mean of the draws shown)", "",
              "| dataset | labels | draws | pretrained encoder | from scratch | gain |",
              "|---|---:|---:|---:|---:|---:|"]
    for name, data in datasets.items():
        for row in data["pretraining"]:
            lines.append(f"| {NAMES.get(name, name)} | {row['labels']:,} | {row['draws']} | "
                         f"{100 * row['pretrained_accuracy']:.2f} % | {100 * row['scratch_accuracy']:.2f} % | "
                         f"{row['gain_points']:+.1f} points |")
    lines += ["", "Goals: " + "; ".join(f"{goal}: **{'met' if ok else 'missed'}**"
                                        for goal, ok in result["goals_met"].items()) + "."]
    plan = result["plan"]
    lines += ["", f"_Autoencoder: `preset=\"hinton2006\"` with `latent_dim` set per row, {plan['epochs']} epochs of "
              f"aekit's default recipe, seed {result['seed']}; classifier: {plan['classifier']}._", "",
              _machine(result)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small subsets and 3 epochs: checks the script works")
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma separated [default: both]")
    parser.add_argument("--epochs", type=int, help="autoencoder epochs per latent size [default: 30; quick: 3]")
    args = parser.parse_args()
    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    plan = dict(QUICK if args.quick else FULL)
    if args.epochs:
        plan["epochs"] = args.epochs
    name = "representation-quick" if args.quick else "representation"
    plots = RESULTS / name
    started = time.time()
    results = {}
    for dataset in [d.strip() for d in args.datasets.split(",") if d.strip()]:
        results[dataset] = run_dataset(dataset, plan, plots)
    import keras

    met = goals(results)
    for goal, ok in met.items():
        log(f"{'met   ' if ok else 'MISSED'} {goal}")
    payload = {"mode": "quick" if args.quick else "full", "seed": SEED, "keras_backend": keras.backend.backend(),
               "plan": {k: (list(v) if isinstance(v, tuple) else v) for k, v in plan.items()},
               "model": "aekit Autoencoder(preset='hinton2006', latent_dim=k), default recipe",
               "goals": GOALS, "goals_met": met, "datasets": results}
    print(write_result(name, payload, started))


if __name__ == "__main__":
    main()
