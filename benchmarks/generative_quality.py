"""Standard vs variational autoencoder, side by side: reconstruction, samples and interpolations.

Both models get the same encoder and decoder sizes (MNIST: dense 512-256 with a 16-number code; Fashion-MNIST:
the conv family's vector-code layers with a 16-number code) and the same budget (aekit's automatic one).

Sample quality, by a documented proxy: a small classifier (dense 512-256-10, ReLU, 3 epochs) is trained on the
real training images; on 10,000 samples we report its mean confidence (the largest class probability), the
class balance of its predictions (entropy of the predicted-class histogram / log 10; 1 = every class equally
often) and the Frechet distance between its 256-d penultimate features on the samples and on the 10,000 real
test images (as FID does with Inception features; lower is closer). The variational model samples its prior
N(0, I); the standard one has no prior, so its codes are drawn from a Gaussian fitted to its training codes
(mean and full covariance), the usual way to sample a plain autoencoder.

Interpolation smoothness: for 200 random pairs of test images, 10 decoded points on the straight line between
their codes; the roughness is (steps - 1) x the sum of squared pixel steps / the squared distance between the
ends (1 = as even as a pixel cross-fade, larger = jumps), and the classifier's mean confidence on the 8 inner
points says whether they look like clothes or digits at all.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

SEED, SAMPLES, PAIRS, STEPS, CODE = 0, 10_000, 200, 10, 16


def classifier(train):
    import keras

    keras.utils.set_random_seed(SEED)
    inputs = keras.Input((784,))
    x = keras.layers.Dense(512, activation="relu")(inputs)
    features = keras.layers.Dense(256, activation="relu", name="features")(x)
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(features))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train.X.reshape(len(train.X), -1) / 255.0, train.y, epochs=3, batch_size=128, verbose=0)
    return model, keras.Model(inputs, features)


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.linalg import sqrtm

    mean_a, mean_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = sqrtm(cov_a @ cov_b)
    return float(np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2 * np.real(root)))


def sample_standard(model, train, n: int) -> np.ndarray:
    codes = model.transform(train).astype(np.float64)
    rng = np.random.default_rng(SEED)
    draws = rng.multivariate_normal(codes.mean(0), np.cov(codes, rowvar=False), size=n).astype(np.float32)
    return model.inverse_transform(draws)


def quality(images01: np.ndarray, probabilities, features, reference: np.ndarray) -> dict:
    flat = images01.reshape(len(images01), -1)
    probs = probabilities.predict(flat, verbose=0, batch_size=1024)
    counts = np.bincount(probs.argmax(1), minlength=10) / len(probs)
    entropy = -np.sum(counts[counts > 0] * np.log(counts[counts > 0])) / np.log(10)
    return {"confidence": round(float(probs.max(1).mean()), 4), "class_balance": round(float(entropy), 4),
            "frechet_distance": round(frechet_distance(features.predict(flat, verbose=0, batch_size=1024),
                                                       reference), 3)}


def interpolation_scores(model, test, probabilities) -> tuple[dict, np.ndarray]:
    rng = np.random.default_rng(SEED)
    pairs = rng.choice(len(test.X), size=(PAIRS, 2), replace=False)
    roughness, confidence, paths = [], [], []
    for i, j in pairs:
        path = model.interpolate(test.X[i], test.X[j], steps=STEPS).astype(np.float64) / 255.0
        flat = path.reshape(STEPS, -1)
        steps = np.sum(np.diff(flat, axis=0) ** 2)
        roughness.append((STEPS - 1) * steps / max(np.sum((flat[-1] - flat[0]) ** 2), 1e-12))
        confidence.append(probabilities.predict(flat[1:-1], verbose=0).max(1).mean())
        paths.append(path)
    return ({"roughness": round(float(np.median(roughness)), 3), "inner_confidence":
             round(float(np.mean(confidence)), 4)}, np.stack(paths[:6]))


def compare(part: str, pictures: Path, quick: bool) -> dict:
    import aekit
    from aekit.core.plots import save_image, tile
    from aekit.estimator.metrics import psnr_per_image, squared_error_per_sample

    name = "mnist" if part == "mnist" else "fashion_mnist"
    train = aekit.data.load(name, split="train", max_samples=6000 if quick else None)
    test = aekit.data.load(name, split="test", max_samples=1000 if quick else None)
    same = {"latent_dim": CODE, "seed": SEED}
    if part == "mnist":
        models = {"standard": aekit.Autoencoder(model="deep", hidden=[512, 256], **same),
                  "variational": aekit.Autoencoder(model="variational", hidden=[512, 256], **same)}
    else:
        models = {"standard": aekit.Autoencoder(model="conv", code="vector", **same),
                  "variational": aekit.Autoencoder(model="variational_conv", **same)}
    probabilities, features = classifier(train)
    accuracy = float(np.mean(probabilities.predict(test.X.reshape(len(test.X), -1) / 255.0, verbose=0).argmax(1)
                             == test.y))
    reference = features.predict(test.X.reshape(len(test.X), -1) / 255.0, verbose=0, batch_size=1024)
    rows, pictures = [], Path(pictures)
    pictures.mkdir(parents=True, exist_ok=True)
    for kind, model in models.items():
        started = time.perf_counter()
        model.fit(train)
        seconds = time.perf_counter() - started
        x_test = test.X.astype(np.float64) / 255.0
        reconstructed = model.reconstruct(test).astype(np.float64) / 255.0
        n = 1000 if quick else SAMPLES
        samples = (model.sample(n, seed=SEED) if kind == "variational" else sample_standard(model, train, n)) / 255.0
        interpolation, strips = interpolation_scores(model, test, probabilities)
        rows.append({"model": kind, "family": model.config_.model, "training_seconds": round(seconds, 1),
                     "epochs_run": len(model.history_["loss"]),
                     "squared_error_per_image": round(float(squared_error_per_sample(x_test, reconstructed).mean()), 3),
                     "psnr_db": round(float(psnr_per_image(x_test, reconstructed).mean()), 2),
                     **quality(samples, probabilities, features, reference), **interpolation})
        save_image(tile(samples[:64], 8), pictures / f"{part}-samples-{kind}.png", scale=2)
        save_image(tile(strips.reshape(-1, *strips.shape[2:]), STEPS), pictures / f"{part}-interpolations-{kind}.png",
                   scale=2)
    result = {"dataset": name, "code_numbers": CODE, "classifier_test_accuracy": round(accuracy, 4),
              "real_test_images": quality(test.X / 255.0, probabilities, features, reference), "rows": rows}
    if part == "mnist":
        result["manifold"] = _manifold(train, pictures)
    return result


def _manifold(train, pictures: Path) -> str:
    import aekit
    from aekit.core.plots import save_image, tile

    model = aekit.Autoencoder(model="variational", hidden=[512, 256], latent_dim=2, seed=SEED).fit(train)
    grid = model.latent_grid(20) / 255.0
    path = pictures / "mnist-manifold-2d.png"
    save_image(tile(grid.reshape(400, *grid.shape[2:]), 20, gap=0), path)
    return str(path.relative_to(pictures.parents[2]))
