"""Reproduce Hinton & Salakhutdinov (2006), MNIST, 30-dimensional codes: PCA vs the deep autoencoder.

Reports the test squared error per image (sum over the 784 pixels scaled to [0, 1], mean
over the 10,000 test images) for
  - PCA with 30 components (the paper: 13.87; 13.76 on these files),
  - aekit's ``hinton2006`` preset (784-1000-500-250-30) with aekit's default training recipe
    and the given number of epochs (the paper's deep autoencoder: 3.00),
  - optionally, a plain Keras recipe (ReLU, Adam 1e-3 constant, MSE, batch 256) with the same number of epochs,
    so that the table compares recipes, not budgets.

    python -m benchmarks.mnist_hinton [--epochs 60] [--no-plain]   # writes results/mnist_hinton.json
"""

from __future__ import annotations

import argparse
import os
import time

from ._common import data_dir, load_mnist, write_result

PAPER = {"pca": 13.87, "logistic_pca": 8.01, "deep_autoencoder": 3.00}
SEED = 0


def sse_per_image(x, reconstruction) -> float:
    return float(((x.astype("float64") - reconstruction) ** 2).sum(axis=1).mean())


def pca_row(x_train, x_test) -> dict:
    from sklearn.decomposition import PCA

    start = time.perf_counter()
    pca = PCA(n_components=30, svd_solver="full").fit(x_train)
    error = sse_per_image(x_test, pca.inverse_transform(pca.transform(x_test)))
    return {"method": "PCA-30", "test_sse_per_image": round(error, 3), "seconds": round(time.perf_counter() - start, 1)}


def aekit_row(epochs: int) -> dict:
    import aekit

    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    train = aekit.data.load("mnist", split="train")
    test = aekit.data.load("mnist", split="test")
    start = time.perf_counter()
    model = aekit.Autoencoder(preset="hinton2006", epochs=epochs, seed=SEED, verbose=2).fit(train)
    seconds = time.perf_counter() - start
    report = model.evaluate(test)
    return {"method": f"aekit hinton2006 (default recipe, {epochs} epochs)",
            "test_sse_per_image": round(report["squared_error_per_sample"], 3),
            "test_psnr_db": round(report["psnr_db"], 2), "epochs_run": len(model.history_["loss"]),
            "seconds": round(seconds, 1), "recipe": {k: v for k, v in model.config_.to_dict().items()
                                                     if k in ("activation", "loss", "optimizer", "learning_rate",
                                                              "schedule", "batch_size", "validation_split",
                                                              "early_stopping")}}


def plain_keras_row(x_train, x_test, epochs: int) -> dict:
    import keras

    keras.utils.set_random_seed(SEED)
    layers = [keras.layers.Dense(u, activation="relu") for u in (1000, 500, 250)] + [keras.layers.Dense(30)]
    layers += [keras.layers.Dense(u, activation="relu") for u in (250, 500, 1000)]
    model = keras.Sequential([keras.Input((784,)), *layers, keras.layers.Dense(784, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    start = time.perf_counter()
    model.fit(x_train, x_train, batch_size=256, epochs=epochs, verbose=0)
    error = sse_per_image(x_test, model.predict(x_test, batch_size=1000, verbose=0))
    return {"method": f"plain Keras (ReLU, Adam 1e-3, MSE, {epochs} epochs)", "test_sse_per_image": round(error, 3),
            "epochs_run": epochs, "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--no-plain", action="store_true", help="skip the plain Keras baseline")
    args = parser.parse_args()
    started = time.time()
    x_train, _ = load_mnist("train")
    x_test, _ = load_mnist("test")
    rows = [pca_row(x_train, x_test)]
    print(rows[-1], flush=True)
    rows.append(aekit_row(args.epochs))
    print(rows[-1], flush=True)
    if not args.no_plain:
        rows.append(plain_keras_row(x_train, x_test, args.epochs))
        print(rows[-1], flush=True)
    import keras

    ours = rows[1]["test_sse_per_image"]
    payload = {"dataset": "MNIST, 60,000 train / 10,000 test", "metric": "test squared error per image",
               "paper": PAPER, "rows": rows, "seed": SEED, "keras_backend": keras.backend.backend(),
               "target_met": ours <= 3.00, "stretch_met": ours <= 2.5,
               "aekit_within_30_minutes": rows[1]["seconds"] <= 1800}
    print(write_result("mnist_hinton", payload, started))


if __name__ == "__main__":
    main()
