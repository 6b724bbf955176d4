"""Models from a plugin module bring their own loss terms and metrics; the trainer needs no special case."""

from __future__ import annotations

import numpy as np
import pytest

import aekit
from aekit.errors import ConfigError
from aekit.models import available_models, load_plugin


def test_plugin_model_trains_reports_its_metric_and_reloads(digits, tmp_path):
    load_plugin("tests.plugin_models")
    assert "code_penalty" in available_models()
    train, test = digits
    model = aekit.Autoencoder(model="code_penalty", latent_dim=6, epochs=3, seed=0).fit(train)
    assert {"loss", "val_loss", "code_penalty", "val_code_penalty"} <= set(model.history_)
    assert all(value > 0 for value in model.history_["code_penalty"])
    model.save(tmp_path / "run")
    np.testing.assert_array_equal(aekit.load(tmp_path / "run").transform(test), model.transform(test))


def test_missing_plugin_module_is_a_clear_error():
    with pytest.raises(ConfigError, match="Could not import model plugin 'no_such_pkg.models'"):
        load_plugin("no_such_pkg.models")
