"""The scikit-learn contract of aekit.Autoencoder, and atomic saving."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

import aekit
from aekit.errors import ConfigError, DataError, NotFittedError

from .conftest import DENSE_QUICK


@pytest.fixture(scope="module")
def digits_flat(digits):
    train, test = digits
    return (train.X.reshape(len(train.X), -1), train.y), (test.X.reshape(len(test.X), -1), test.y)


def test_init_only_stores_parameters_and_the_defaults_are_the_documented_ones():
    model = aekit.Autoencoder(latent_dim=-5, model="nope")  # checked in fit, not here
    assert model.latent_dim == -5 and model.model == "nope"
    params = aekit.Autoencoder().get_params()
    # The defaults the README documents (the recipe measured in benchmarks/), and a family's declared ones.
    assert {key: params[key] for key in ("model", "activation", "code_activation", "output_activation", "loss",
                                         "optimizer", "learning_rate", "schedule", "epochs", "batch_size",
                                         "validation_split", "early_stopping", "patience", "seed", "scaling",
                                         "run_dir", "overwrite", "verbose")} == {
        "model": "deep", "activation": "elu", "code_activation": "linear", "output_activation": "auto",
        "loss": "auto", "optimizer": "adam", "learning_rate": 1e-3, "schedule": "cosine", "epochs": "auto",
        "batch_size": "auto", "validation_split": 0.1, "early_stopping": True, "patience": 10, "seed": 0,
        "scaling": "auto", "run_dir": None, "overwrite": False, "verbose": 0}
    assert params["beta"] == 1.0 and params["upscale_factor"] == 1  # the variational and unet families' own


def test_bad_parameters_fail_in_fit_with_keras_style_messages(digits_flat):
    X = digits_flat[0][0]
    with pytest.raises(ConfigError, match="Received latent_dim=-5; expected a positive integer"):
        aekit.Autoencoder(latent_dim=-5).fit(X)
    with pytest.raises(ConfigError, match='Unknown loss option "msse". Did you mean "mse"'):
        aekit.Autoencoder(loss="msse").fit(X)


def test_not_fitted_error():
    with pytest.raises(NotFittedError, match="not fitted yet. Call fit"):
        aekit.Autoencoder().transform(np.zeros((2, 4)))


def test_works_inside_a_pipeline(digits_flat):
    (X, y), (X_test, y_test) = digits_flat
    pipeline = Pipeline([("ae", aekit.Autoencoder(**DENSE_QUICK)), ("clf", LogisticRegression(max_iter=2000))])
    pipeline.fit(X, y)
    assert pipeline.score(X_test, y_test) > 0.8


def test_tables_are_standardised_and_round_trip(digits_flat):
    pixels = digits_flat[0][0]
    # Rows of 64 integer pixels in 0..16 share one bounded range: auto scaling reads them as pixels.
    assert aekit.Autoencoder(**{**DENSE_QUICK, "epochs": 1}).fit(pixels).scaler_.method == "minmax"
    X = pixels * 0.37 - 1.2  # the same numbers as measurements on no shared scale
    model = aekit.Autoencoder(**DENSE_QUICK).fit(X)
    assert model.scaler_.method == "standard" and model.kind_ == "table"
    assert model.model_.decoder.layers[-1].activation.__name__ == "linear"
    assert model.fit_transform(X).shape == (len(X), 8)
    assert model.score(X) == pytest.approx(model.score_samples(X).mean()) == pytest.approx(
        -model.reconstruction_error(X).mean())
    with pytest.raises(DataError, match="samples of shape \\(10,\\).*trained on samples of shape \\(64,\\)"):
        model.transform(X[:, :10])
    with pytest.raises(DataError, match="expected \\(n, 8\\)"):
        model.inverse_transform(np.zeros((3, 5)))


def test_images_given_flat_are_accepted(digits):
    train, test = digits
    model = aekit.Autoencoder(**DENSE_QUICK).fit(train)
    flat = test.X.reshape(len(test.X), -1)
    np.testing.assert_allclose(model.transform(flat), model.transform(test), rtol=1e-6)


def test_loading_refuses_incomplete_runs(tmp_path):
    from aekit.errors import ArtifactError

    with pytest.raises(ArtifactError, match="No saved model"):
        aekit.load(tmp_path / "nothing")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "model.keras").write_bytes(b"")
    with pytest.raises(ArtifactError, match="aekit.json is missing"):
        aekit.load(tmp_path / "half")
