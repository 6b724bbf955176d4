"""One contract over every registered model: shapes, config round-trip, save/load, clone, quality.

Runs on the default backend here; test_backends.py runs this same file under the other backend.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

import aekit
from aekit.config import Config
from aekit.models import available_models, build_model

VARIANTS = {
    "dense": {},
    "deep": {"hidden": [48, 24]},
    "deep-sparse-denoising-tied": {"model": "deep", "hidden": [48, 24], "activity_l1": 1e-4, "noise": "masking",
                                   "noise_level": 0.2, "tied": True, "dropout": 0.05},
    "conv": {"filters": [16, 32]},
}


def test_every_registered_model_has_a_contract_case():
    names = {VARIANTS[key].get("model", key) for key in VARIANTS}
    assert set(available_models()) <= names


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def fitted(request, digits):
    train, _ = digits
    params = {"model": request.param, **VARIANTS[request.param], "latent_dim": 12, "epochs": 25,
              "batch_size": 64, "learning_rate": 3e-3, "seed": 1}
    return params, aekit.Autoencoder(**params).fit(train)


def test_shapes(fitted, digits):
    params, model = fitted
    test = digits[1]
    codes = model.transform(test)
    assert codes.shape == (len(test), 12)
    assert model.inverse_transform(codes).shape == test.X.shape
    assert model.reconstruct(test).shape == test.X.shape
    assert model.score_samples(test).shape == (len(test),)
    assert model.encoder_.output_shape == (None, 12)
    assert model.decoder_.input_shape == (None, 12)


def test_reconstruction_beats_predicting_the_mean(fitted, digits):
    params, model = fitted
    train, test = digits
    mean_image = train.X.mean(axis=0, keepdims=True)
    baseline = ((test.X - mean_image) ** 2).mean()
    error = ((test.X - model.reconstruct(test)) ** 2).mean()
    assert error < 0.6 * baseline, (params["model"], error, baseline)


def test_config_round_trip(fitted):
    params, model = fitted
    config = model.config_
    assert Config.from_dict(config.to_dict()) == config
    rebuilt = build_model(config, model.input_shape_, "unit")
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in model.model_.get_weights()]


def test_save_load_gives_identical_outputs(fitted, digits, tmp_path):
    params, model = fitted
    test = digits[1]
    model.save(tmp_path / "run")
    loaded = aekit.load(tmp_path / "run")
    np.testing.assert_array_equal(loaded.transform(test), model.transform(test))
    np.testing.assert_array_equal(loaded.reconstruct(test), model.reconstruct(test))
    assert loaded.get_params() == model.get_params()
    assert loaded.history_.keys() == model.history_.keys()
    np.testing.assert_allclose(loaded.history_["loss"], model.history_["loss"])


def test_clone_gives_an_unfitted_copy_with_the_same_params(fitted):
    params, model = fitted
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "model_")
