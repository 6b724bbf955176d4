"""Variational autoencoders: the loss terms, KL warm-up, no NaN, sampling, interpolation, likelihood bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

import aekit
from aekit.errors import ConfigError
from aekit.tasks.generation import importance_weighted_nll

from .conftest import VAE_QUICK


@pytest.fixture(scope="module")
def vae(digits):
    return aekit.Autoencoder(**VAE_QUICK, kl_warmup=4).fit(digits[0])


def test_the_loss_is_reconstruction_plus_beta_kl_in_nats_and_the_error_is_the_negative_elbo(vae, digits):
    history = vae.history_
    assert {"reconstruction", "kl", "val_reconstruction", "val_kl"} <= set(history)
    # Validation weighs the KL by beta (1) whatever the warm-up, so early stopping compares like with like.
    np.testing.assert_allclose(history["val_loss"], np.add(history["val_reconstruction"], history["val_kl"]),
                               rtol=1e-4)
    assert float(vae.model_.kl_weight.numpy()) == pytest.approx(1.0)  # warm-up over 4 epochs, done by epoch 8
    test = digits[1]
    mean, log_var = (np.asarray(a, np.float64) for a in vae.encoder_.predict(vae.scaler_.transform(test.X), verbose=0))
    codes = vae.transform(test)
    np.testing.assert_allclose(codes, mean, rtol=1e-5, atol=1e-6)  # transform gives the means
    x = vae.scaler_.transform(test.X).reshape(len(test.X), -1).astype(np.float64)
    p = np.clip(vae.decoder_.predict(codes, verbose=0).reshape(len(x), -1), 1e-7, 1 - 1e-7)
    expected = -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum(1) \
        - 0.5 * (1 + log_var - mean ** 2 - np.exp(log_var)).sum(1)
    np.testing.assert_allclose(vae.reconstruction_error(test), expected, rtol=1e-4)
    np.testing.assert_allclose(vae.score_samples(test), -expected, rtol=1e-4)  # the ELBO: higher = more typical


def test_kl_warmup_starts_from_zero():
    from aekit.core.config import Config
    from aekit.models import build_model

    model = build_model(Config.from_dict({**VAE_QUICK, "kl_warmup": 4, "beta": 2.0}), (8, 8, 1), "unit")
    weights = []
    for epoch in range(6):
        model.on_epoch_begin(epoch)
        weights.append(float(model.kl_weight.numpy()))
    assert weights == [0.0, 0.5, 1.0, 1.5, 2.0, 2.0]


def test_an_aggressive_run_never_goes_nan(digits):
    model = aekit.Autoencoder(**{**VAE_QUICK, "learning_rate": 0.05, "schedule": "constant", "epochs": 4,
                                 "likelihood": "gaussian", "binarize": False}, scaling="standard").fit(digits[0])
    assert all(math.isfinite(v) for values in model.history_.values() for v in values)
    assert np.isfinite(model.score_samples(digits[1])).all()


def test_samples_survive_save_and_load_and_interpolation_ends_at_the_inputs(vae, digits, tmp_path):
    vae.save(tmp_path / "run")
    loaded = aekit.load(tmp_path / "run")
    by_path = importance_weighted_nll(tmp_path / "run", digits[1].X[:20], importance_samples=50)
    assert by_path["nll_nats"] == importance_weighted_nll(vae, digits[1].X[:20], importance_samples=50)["nll_nats"]
    np.testing.assert_array_equal(loaded.sample(16, seed=3), vae.sample(16, seed=3))
    assert not np.array_equal(vae.sample(16, seed=3), vae.sample(16, seed=4))
    a, b = digits[1].X[0], digits[1].X[1]
    for slerp in (False, True):
        path = vae.interpolate(a, b, steps=6, slerp=slerp)
        assert path.shape == (6, 8, 8, 1)
        np.testing.assert_allclose(path[0], vae.reconstruct(a[None])[0], atol=1e-4)
        np.testing.assert_allclose(path[-1], vae.reconstruct(b[None])[0], atol=1e-4)


def test_the_importance_weighted_estimate_bounds_the_exact_likelihood():
    """A 1-D code: log p(x) = log of the integral of p(x|z) N(z; 0, 1) over z, by quadrature on a fine grid."""
    from scipy.special import logsumexp

    rng = np.random.default_rng(0)
    prototypes = (rng.random((3, 6)) > 0.5).astype(np.float32)
    X = np.abs(prototypes[rng.integers(0, 3, 300)] - (rng.random((300, 6)) < 0.1)).astype(np.float32)
    model = aekit.Autoencoder(model="variational", latent_dim=1, hidden=[16], epochs=30, batch_size=32,
                              learning_rate=3e-3, seed=0, scaling="minmax").fit(X)
    grid = np.linspace(-8, 8, 4001, dtype=np.float32)[:, None]
    p = np.clip(model.decoder_.predict(grid, verbose=0).astype(np.float64), 1e-7, 1 - 1e-7)
    test = X[:40].astype(np.float64)
    log_likelihood = test @ np.log(p).T + (1 - test) @ np.log(1 - p).T  # (samples, grid)
    log_prior = -0.5 * math.log(2 * math.pi) - 0.5 * grid[:, 0].astype(np.float64) ** 2
    exact = -(logsumexp(log_likelihood + log_prior, axis=1) + math.log(16 / 4000))
    estimate = importance_weighted_nll(model, test, importance_samples=2000)
    many = estimate["nll"]
    assert many.mean() >= exact.mean() - 0.01  # an upper bound (in expectation; 2,000 draws make it tight)
    assert many.mean() <= -estimate["elbo"].mean()  # tighter than the ELBO, the K = 1 bound
    np.testing.assert_allclose(many, exact, atol=0.05)


def test_cli_sample_interpolate_and_nll(vae, tmp_path):
    from aekit.cli import cli

    vae.save(tmp_path / "run")
    run = str(tmp_path / "run")
    result = CliRunner().invoke(cli, ["sample", run, "-n", "9", "--npy", "-o", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert np.load(tmp_path / "s" / "samples.npy").shape == (9, 8, 8, 1) and (tmp_path / "s" / "samples.png").exists()
    result = CliRunner().invoke(cli, ["interpolate", run, "--dataset", "digits", "--indices", "0", "3", "--steps", "5",
                                      "--slerp", "-o", str(tmp_path / "path.png")])
    assert result.exit_code == 0 and (tmp_path / "path.png").exists(), result.output
    result = CliRunner().invoke(cli, ["evaluate", run, "--dataset", "digits", "--max-samples", "50", "--nll",
                                      "--importance-samples", "50", "--json"])
    assert result.exit_code == 0 and '"nll_nats"' in result.stdout and '"elbo_nats"' in result.stdout
    grid = CliRunner().invoke(cli, ["sample", run, "--grid", "5", "-o", str(tmp_path / "g")])
    assert grid.exit_code == 2 and "draws a 2-D code; this model's code has 4 numbers" in grid.stderr


def test_sampling_needs_a_gaussian_code(digits):
    plain = aekit.Autoencoder(hidden=[16], latent_dim=3, epochs=1).fit(digits[0])
    with pytest.raises(ConfigError, match="draws codes from a Gaussian prior; this model's code is a vector"):
        plain.sample(4)
    assert plain.interpolate(digits[1].X[0], digits[1].X[1], steps=3).shape == (3, 8, 8, 1)
    with pytest.raises(ConfigError, match="likelihood=bernoulli needs data in \\[0, 1\\]"):
        aekit.Autoencoder(model="variational", scaling="standard", epochs=1).fit(digits[0].X.reshape(-1, 64))
