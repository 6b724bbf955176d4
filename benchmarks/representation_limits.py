"""What limits the two representation goals that benchmarks/representation.py misses?

1. MNIST linear probe (goal: the 30-d code beats PCA-30 by >= 3 points). Does a denoising objective make
   the 30-d code more linearly separable? hinton2006 at 30-d, 30 epochs, seed 0: the plain recipe next to
   Gaussian noise 0.3 and masking noise 0.3 (training only); test error, linear-probe and 5-NN accuracy,
   with PCA-30 and the raw pixels probed in the same run.
2. Fashion-MNIST error ratio (goal: autoencoder error at 30-d <= 1/4 of PCA-30's). Is the autoencoder
   overfitting or running short of epochs? hinton2006 at 30-d for 30 and 60 epochs: squared error per image
   on the training and the test images, next to PCA-30's.

    python -m benchmarks.representation_limits          # about 25 minutes on 2 cores
    python -m benchmarks.representation_limits --quick  # 2,000/500-image subsets, 1-2 epochs: checks the script

Writes results/representation_limits.json (rendered into README.md by report.py).
"""

from __future__ import annotations

import os
import sys
import time

from ._common import data_dir, write_result

SEED = 0
QUICK = {"train": 2000, "test": 500, "epochs": 1}
MNIST_VARIANTS = {"plain": {}, "gaussian noise 0.3": {"noise": "gaussian", "noise_level": 0.3},
                  "masking noise 0.3": {"noise": "masking", "noise_level": 0.3}}
FASHION_EPOCHS = (30, 60)
SUBSET = {"train": None, "test": None}  # --quick shrinks it


def load(name: str, split: str):
    import aekit

    return aekit.data.load(name, split=split, max_samples=SUBSET[split])


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def autoencoder(epochs: int, **options):
    import aekit

    epochs = QUICK["epochs"] * epochs // 30 if SUBSET["train"] else epochs
    return aekit.Autoencoder(model="deep", preset="hinton2006", latent_dim=30, epochs=epochs, seed=SEED, **options)


def mnist_probes() -> list[dict]:
    from aekit.tasks.representation import probe

    train, test = load("mnist", "train"), load("mnist", "test")
    rows = []
    for name, options in MNIST_VARIANTS.items():
        model = autoencoder(30, **options).fit(train)
        baselines = ("pca", "raw") if not rows else ()
        for row in probe(model, train, test, baselines=baselines, k=5, seed=SEED):
            coded = row["representation"] == "autoencoder"
            label = f"autoencoder, {name}" if coded else row["description"]
            error = model.evaluate(test)["squared_error_per_sample"] if coded else None
            rows.append({"representation": label, "test_error": error,
                         "fit_seconds": model.training_seconds_ if coded else None,
                         "linear_probe_accuracy": row["linear_probe_accuracy"], "knn_accuracy": row["knn_accuracy"]})
            log(f"  {label:<36} linear {row['linear_probe_accuracy']:.4f}  5-NN {row['knn_accuracy']:.4f}")
    return rows


def fashion_errors() -> list[dict]:
    from sklearn.decomposition import PCA

    from aekit.data.scaling import Scaler

    train, test = load("fashion_mnist", "train"), load("fashion_mnist", "test")
    # the [0, 1] pixels the autoencoder and compare() use
    scaler = Scaler.choose("auto", train.kind, train.X).fit(train.X)
    flat_train, flat_test = (scaler.transform(d.X).reshape(len(d), -1) for d in (train, test))
    pca = PCA(n_components=30, random_state=SEED).fit(flat_train)

    def pca_error(flat):
        return float(((pca.inverse_transform(pca.transform(flat)) - flat) ** 2).sum(axis=1).mean())

    rows = [{"method": "PCA-30", "epochs": None, "train_error": pca_error(flat_train),
             "test_error": pca_error(flat_test)}]
    for epochs in FASHION_EPOCHS:
        model = autoencoder(epochs).fit(train)
        rows.append({"method": "autoencoder-30", "epochs": epochs, "epochs_run": len(model.history_["loss"]),
                     "train_error": model.evaluate(train)["squared_error_per_sample"],
                     "test_error": model.evaluate(test)["squared_error_per_sample"],
                     "fit_seconds": model.training_seconds_})
    for row in rows:
        log(f"  {row['method']:<16} epochs {row['epochs'] or '-':<4} train {row['train_error']:.3f}  "
            f"test {row['test_error']:.3f}")
    return rows


def render(result: dict) -> str:
    """Markdown tables for README.md (called by report.py)."""
    from .stamps import machine_line as _machine

    lines = ["**MNIST, 30-d codes: does denoising help the linear probe?** (test accuracy; test squared error "
             "per image)", "", "| representation | test error | linear probe | 5-NN |", "|---|---:|---:|---:|"]
    for row in result["mnist_probes"]:
        error = f"{row['test_error']:.2f}" if row["test_error"] is not None else ""
        lines.append(f"| {row['representation']} | {error} | {100 * row['linear_probe_accuracy']:.2f} % | "
                     f"{100 * row['knn_accuracy']:.2f} % |")
    lines += ["", "**Fashion-MNIST, 30-d: training vs test error** (squared error per image)", "",
              "| method | epochs | training images | test images | test / PCA-30 test |", "|---|---:|---:|---:|---:|"]
    pca_test = result["fashion_errors"][0]["test_error"]
    for row in result["fashion_errors"]:
        lines.append(f"| {row['method']} | {row['epochs'] or ''} | {row['train_error']:.2f} | {row['test_error']:.2f} "
                     f"| {row['test_error'] / pca_test:.2f} |")
    return "\n".join(lines) + "\n\n" + _machine(result)


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    if quick:
        SUBSET.update(train=QUICK["train"], test=QUICK["test"])
    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    started = time.time()
    log("MNIST: probes of plain and denoising 30-d codes")
    probes = mnist_probes()
    log("Fashion-MNIST: training vs test error")
    errors = fashion_errors()
    name = "representation_limits-quick" if quick else "representation_limits"
    print(write_result(name, {"seed": SEED, "mnist_probes": probes, "fashion_errors": errors},
                       started))


if __name__ == "__main__":
    main()
