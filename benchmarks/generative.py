"""Variational autoencoders: test NLL on binarised MNIST against published figures, and standard vs variational.

Part ``nll`` (JAX): the one-stochastic-layer VAE of Burda et al. (2015): 784-200-200 tanh, a 50-d Gaussian
code, Bernoulli decoder, Adam 1e-3 (cosine), batch 100, trained on dynamically binarised MNIST (a fresh
Bernoulli draw of every training image at every step) for ``--epochs`` epochs or ``--minutes`` of training,
whichever comes first. The test set is binarised once (seed ``TEST_SEED``). Test NLL is the importance-weighted
estimate with K = 5,000; a curve of cheaper estimates (K = 500, first 2,000 test images) is taken during
training. Published: VAE 86.76 nats (Burda et al. 2015, k = 1), 89.9 (Rezende & Mohamed 2015's baseline).

Parts ``mnist`` (dense, JAX) and ``fashion`` (conv, TensorFlow): a standard autoencoder and a variational one
with the same encoder and decoder sizes and the same budget, compared on reconstruction error, samples and
interpolations (see benchmarks/generative_quality.py), with pictures.

    python -m benchmarks.generative [--minutes 60] [--epochs 3000] [--only nll,mnist,fashion] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from ._common import RESULTS, data_dir, kept_parts, run_worker, write_result

SEED, TEST_SEED = 0, 1234
PUBLISHED = {"VAE, 1 stochastic layer, k=1 (Burda et al. 2015)": 86.76,
             "VAE baseline (Rezende & Mohamed 2015)": 89.9}
PICTURES = RESULTS / "generative"


def binarised_test_set():
    import aekit

    test = aekit.data.load("mnist", split="test").X.astype(np.float32) / 255.0
    return (np.random.default_rng(TEST_SEED).random(test.shape) < test).astype(np.float32)


def part_nll(epochs: int, minutes: float, quick: bool) -> dict:
    """Train the Burda et al. VAE on dynamically binarised MNIST within a time budget; estimate the test NLL."""
    import keras

    import aekit
    from aekit.models import build_model
    from aekit.tasks.generation.likelihood import importance_weighted_nll_scaled
    from aekit.training import fit as training

    train = aekit.data.load("mnist", split="train").X.astype(np.float32) / 255.0
    test = binarised_test_set()
    if quick:
        train, test = train[:6000], test[:1000]
    config = aekit.Config.from_dict({
        "model": "variational", "hidden": [200, 200], "activation": "tanh", "latent_dim": 50,
        "likelihood": "bernoulli", "binarize": True, "epochs": epochs, "batch_size": 100, "learning_rate": 1e-3,
        "validation_split": 0.0, "early_stopping": False, "seed": SEED})
    network = build_model(config, train.shape[1:], "unit")
    curve, started = [], time.perf_counter()
    budget = minutes * 60
    checkpoints = {1, 2, 5, 10, 25, 50, 100, 200, 400, 800, 1600, 3200}

    def on_epoch(history):
        epoch, seconds = len(history["loss"]), time.perf_counter() - started - sum(p["eval_seconds"] for p in curve)
        if epoch in checkpoints or seconds >= budget or epoch == epochs:
            mark = time.perf_counter()
            estimate = importance_weighted_nll_scaled(network, test[:2000], 100 if quick else 500, seed=SEED)
            curve.append({"epoch": epoch, "train_seconds": round(seconds, 1), "nll_k500_first2000":
                          round(estimate["nll_nats"], 3), "train_loss": round(history["loss"][-1], 3),
                          "eval_seconds": round(time.perf_counter() - mark, 1)})
            print(json.dumps(curve[-1]), flush=True)
        if seconds >= budget:
            network.stop_training = True

    training.fit(network, train, None, config, verbose=0, on_epoch=on_epoch)
    trained_seconds = curve[-1]["train_seconds"]
    mark = time.perf_counter()
    final = importance_weighted_nll_scaled(network, test, 500 if quick else 5000, seed=SEED)
    return {"architecture": "784-200-200(tanh)-50 Gaussian, Bernoulli decoder", "backend": keras.backend.backend(),
            "epochs_run": curve[-1]["epoch"], "training_minutes": round(trained_seconds / 60, 1),
            "test_nll_nats": round(final["nll_nats"], 2), "test_elbo_nats": round(final["elbo_nats"], 2),
            "importance_samples": final["importance_samples"], "test_images": len(test),
            "estimate_seconds": round(time.perf_counter() - mark, 1), "curve": curve, "published": PUBLISHED,
            "budget_minutes": minutes, "test_binarisation_seed": TEST_SEED}


def run_part(name: str, args) -> dict:
    """Each part in its own process, on its backend (JAX for dense models, TensorFlow for convolutions)."""
    backend = "tensorflow" if name == "fashion" else "jax"
    arguments = ["--part", name, "--epochs", str(args.epochs), "--minutes", str(args.minutes)] + \
        (["--quick"] if args.quick else [])
    env = {**os.environ, "KERAS_BACKEND": backend, "AEKIT_DATA_DIR": data_dir(), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return run_worker("generative", arguments, env, f"part {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3000, help="most epochs of the NLL model")
    parser.add_argument("--minutes", type=float, default=60.0, help="training budget of the NLL model")
    parser.add_argument("--only", default="nll,mnist,fashion")
    parser.add_argument("--quick", action="store_true", help="a smoke test on 10 %% of the data")
    parser.add_argument("--part", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        from .generative_quality import compare

        result = part_nll(args.epochs, args.minutes, args.quick) if args.part == "nll" else \
            compare(args.part, PICTURES, args.quick)
        print(json.dumps(result))
        return
    started = time.time()
    parts = {name: run_part(name, args) for name in args.only.split(",")}
    name = "generative-quick" if args.quick else "generative"
    kept = kept_parts(name, ("nll", "mnist", "fashion"), parts)
    write_result(name, {"seed": SEED, **kept, **parts}, started)


if __name__ == "__main__":
    main()
