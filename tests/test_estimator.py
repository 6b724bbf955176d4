"""The scikit-learn contract of aekit.Autoencoder, and atomic saving."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

import aekit
from aekit.core.config import Config
from aekit.errors import ConfigError, DataError, NotFittedError

QUICK = {"hidden": [32], "latent_dim": 8, "epochs": 10, "learning_rate": 3e-3, "batch_size": 64}


@pytest.fixture(scope="module")
def digits_flat(digits):
    train, test = digits
    return (train.X.reshape(len(train.X), -1), train.y), (test.X.reshape(len(test.X), -1), test.y)


def test_init_only_stores_parameters_and_matches_config_defaults():
    model = aekit.Autoencoder(latent_dim=-5, model="nope")  # checked in fit, not here
    assert model.latent_dim == -5
    defaults = Config()
    for key, value in aekit.Autoencoder().get_params().items():
        if hasattr(defaults, key):
            assert getattr(defaults, key) == value, key


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
    pipeline = Pipeline([("ae", aekit.Autoencoder(**QUICK)), ("clf", LogisticRegression(max_iter=2000))])
    pipeline.fit(X, y)
    assert pipeline.score(X_test, y_test) > 0.8


def test_tables_are_standardised_and_round_trip(digits_flat):
    pixels = digits_flat[0][0]
    # Rows of 64 integer pixels in 0..16 share one bounded range: auto scaling reads them as pixels.
    assert aekit.Autoencoder(**{**QUICK, "epochs": 1}).fit(pixels).scaler_.method == "minmax"
    X = pixels * 0.37 - 1.2  # the same numbers as measurements on no shared scale
    model = aekit.Autoencoder(**QUICK).fit(X)
    assert model.scaler_.method == "standard" and model.kind_ == "table"
    assert model.model_.decoder.layers[-1].activation.__name__ == "linear"
    assert model.fit_transform(X).shape == (len(X), 8)
    assert model.score(X) == pytest.approx(-model.score_samples(X).mean())
    with pytest.raises(DataError, match="samples of shape \\(10,\\).*trained on samples of shape \\(64,\\)"):
        model.transform(X[:, :10])
    with pytest.raises(DataError, match="expected \\(n, 8\\)"):
        model.inverse_transform(np.zeros((3, 5)))


def test_images_given_flat_are_accepted(digits):
    train, test = digits
    model = aekit.Autoencoder(**QUICK).fit(train)
    flat = test.X.reshape(len(test.X), -1)
    np.testing.assert_allclose(model.transform(flat), model.transform(test), rtol=1e-6)


def test_a_crash_while_saving_leaves_the_previous_artifact_intact(digits, tmp_path, monkeypatch):
    train, test = digits
    model = aekit.Autoencoder(**QUICK).fit(train)
    model.save(tmp_path / "run")
    before = aekit.load(tmp_path / "run").transform(test)

    retrained = aekit.Autoencoder(**{**QUICK, "seed": 5}).fit(train)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("aekit.runs.directory._write_plots", crash)
    with pytest.raises(OSError, match="disk full"):
        retrained.save(tmp_path / "run")
    np.testing.assert_array_equal(aekit.load(tmp_path / "run").transform(test), before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staging folders left behind


def test_loading_refuses_incomplete_runs(tmp_path):
    from aekit.errors import ArtifactError

    with pytest.raises(ArtifactError, match="No saved model"):
        aekit.load(tmp_path / "nothing")
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "model.keras").write_bytes(b"")
    with pytest.raises(ArtifactError, match="aekit.json is missing"):
        aekit.load(tmp_path / "half")
