"""One contract over every registered model and every code kind: shapes, config round-trip, save/load, clone,
quality. The test plugins (tests/plugin_models.py) bring the Gaussian, binary and grid code kinds.

Marked ``backend_contract``: `make test` runs the whole suite on the default backend, then these tests alone under
the other one (``KERAS_BACKEND=jax pytest -m backend_contract``), so both backends keep the contract.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

import aekit
from aekit.core.config import Config
from aekit.models import CODE_KINDS, available_models, build_model, get_spec, load_plugin

load_plugin("tests.plugin_models")
pytestmark = pytest.mark.backend_contract

VARIANTS = {
    "dense": {},
    "deep": {"hidden": [48, 24]},
    "deep-sparse-denoising-tied": {"model": "deep", "hidden": [48, 24], "activity_l1": 1e-4, "noise": "masking",
                                   "noise_level": 0.2, "tied": True, "dropout": 0.05},
    "conv": {"code": "vector", "filters": [16, 32]},
    "conv-spatial": {"model": "conv", "latent_dim": 4, "downsample": 2},
    "compression": {"filters": [16, 32], "lmbda": 0.1},
    "variational": {"hidden": [48]},
    "variational_conv": {"filters": [16, 32], "kl_warmup": 5},
    "hashing": {"hidden": [48], "latent_dim": 16},
    "unet": {"filters": [16, 32], "noise": "gaussian", "noise_level": 0.1},
    "toy_gaussian": {"kl_weight": 0.1},
    "toy_binary": {"latent_dim": 24},
    "toy_grid": {"latent_dim": 4},
}


def _model_name(key: str) -> str:
    return VARIANTS[key].get("model", key)


def _code_kind(key: str) -> str:
    params = {k: v for k, v in VARIANTS[key].items() if k != "model"}
    return get_spec(_model_name(key)).model_class.code_kind_for(Config.from_dict(params))


def test_every_builtin_model_and_every_code_kind_has_a_contract_case():
    builtin = {name for name, spec in available_models().items() if spec.is_builtin}
    covered = {_model_name(key) for key in VARIANTS}
    assert builtin <= covered, builtin - covered
    assert {_code_kind(key) for key in VARIANTS} == set(CODE_KINDS)
    for name in builtin:  # a family with a choice of code kinds has a case for each
        assert set(get_spec(name).code_kinds) <= {_code_kind(k) for k in VARIANTS if _model_name(k) == name}


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def fitted(request, digits):
    train, _ = digits
    params = {"model": request.param, "latent_dim": 12, "epochs": 25, "batch_size": 64, "learning_rate": 3e-3,
              "seed": 1, **VARIANTS[request.param]}
    params["model"] = _model_name(request.param)
    return params, aekit.Autoencoder(**params).fit(train)


def test_shapes_follow_the_code_kind(fitted, digits):
    params, model = fitted
    test = digits[1]
    codes = model.transform(test)
    assert model.code_kind_ == get_spec(params["model"]).model_class.code_kind_for(model.config_)
    assert codes.shape == (len(test), *model.code_shape_)
    if model.code_kind_ == "grid":
        assert codes.ndim == 4 and codes.shape[-1] == params["latent_dim"]
    else:
        assert model.code_shape_ == (params["latent_dim"],)
    if model.code_kind_ == "binary":
        assert codes.dtype == np.uint8 and set(np.unique(codes)) <= {0, 1}
        packed = model.encode(test, packed=True)
        assert packed.shape == (len(test), -(-params["latent_dim"] // 8))
        np.testing.assert_array_equal(np.unpackbits(packed, axis=1)[:, :params["latent_dim"]], codes)
        np.testing.assert_array_equal(model.inverse_transform(packed), model.inverse_transform(codes))
    assert model.inverse_transform(codes).shape == test.X.shape
    assert model.reconstruct(test).shape == test.X.shape
    assert model.score_samples(test).shape == (len(test),)
    history = set(model.history_)
    assert {"loss", "val_loss"} | {f"{prefix}{term}" for term in type(model.model_).loss_terms
                                   for prefix in ("", "val_")} <= history


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
    assert (loaded.code_kind_, loaded.code_shape_) == (model.code_kind_, model.code_shape_)
    assert loaded.history_.keys() == model.history_.keys()
    np.testing.assert_allclose(loaded.history_["loss"], model.history_["loss"])


def test_clone_gives_an_unfitted_copy_with_the_same_params(fitted):
    params, model = fitted
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "model_")
