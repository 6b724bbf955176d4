"""Hyperparameters are declared once: Config, Autoencoder, AnomalyDetector and the CLI all derive from it."""

from __future__ import annotations

import inspect
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from sklearn.base import clone

import aekit
from aekit.core import params as family_params
from aekit.errors import ConfigError
from aekit.params import Param

Config = aekit.Config  # the public name, which registers the built-in families first


def _names(cls) -> set[str]:
    return set(inspect.signature(cls).parameters)


@contextmanager
def isolated():
    """Families and parameters declared inside are gone after it (and the signatures regenerated)."""
    from aekit.models import registry

    tables = (registry._REGISTRY, family_params._PARAMS, family_params._USED_BY, family_params._FAMILY_PARAMS)
    saved = [dict(table) for table in tables]
    try:
        yield
    finally:
        for table, copy in zip(tables, saved):
            table.clear()
            table.update(copy)
        for listener in family_params._LISTENERS:
            listener()


@pytest.fixture
def isolated_registry():
    with isolated():
        yield


def test_config_autoencoder_and_detector_parameters_never_drift_apart():
    config_keys = set(Config.estimator_keys())
    assert "scaling" in config_keys and "learning_rate" in config_keys
    assert _names(aekit.Autoencoder) == config_keys | {"run_dir", "overwrite", "random_state", "verbose"}
    detector_own = {"contamination", "threshold", "k", "standardize", "novelty", "robust", "score_method", "neighbours",
                    "labels",
                    "random_state", "verbose"}
    assert _names(aekit.AnomalyDetector) == (config_keys - {"scaling"}) | detector_own
    # Defaults agree except where the detector states its own.
    detector = aekit.AnomalyDetector().get_params()
    from aekit.tasks.anomaly.detector import DEFAULT_OVERRIDES

    for name in config_keys - {"scaling"}:
        expected = DEFAULT_OVERRIDES.get(name, Config.default_for(name))
        assert detector[name] == expected, name


def test_a_newly_declared_family_parameter_reaches_every_estimator_and_flag(isolated_registry):
    from aekit.cli.options import config_flags
    from aekit.models import register_model
    from aekit.models.dense import build_dense

    register_model("dense_with_knob", "dense plus a knob (test)", params=[Param("knob", 3, "A test knob.")])(
        lambda config, shape, data_range: build_dense(config, shape, data_range))
    assert "knob" in _names(aekit.Autoencoder) and "knob" in _names(aekit.AnomalyDetector)
    model = aekit.Autoencoder(model="dense_with_knob", knob=5)
    assert clone(model).knob == 5 and model.config().to_dict()["knob"] == 5
    assert any(option.name == "knob" for option in config_flags())


def test_isolated_registry_cleans_up():
    """The isolation the other tests rely on, checked on its own: a parameter declared inside is gone after."""
    with isolated():
        family_params.declare("family_with_knob", (Param("knob", 1, "A knob."),), reserved=set())
        assert "knob" in _names(aekit.Autoencoder) and "knob" in family_params.family_params()
    assert "knob" not in _names(aekit.Autoencoder) and "knob" not in family_params.family_params()
    assert "family_with_knob" not in family_params.families()


def test_two_families_may_share_a_name_only_with_the_same_meaning(isolated_registry):
    same = Param("shared_knob", 1.0, "Shared.")
    family_params.declare("family_a", (same,), reserved=set())
    family_params.declare("family_b", (Param("shared_knob", 1.0, "Shared."),), reserved=set())
    assert family_params.families_using("shared_knob") == ["family_a", "family_b"]
    with pytest.raises(ConfigError, match='"shared_knob" .* but family_a, family_b declared it'):
        family_params.declare("family_c", (Param("shared_knob", 2.0, "Other meaning."),), reserved=set())
    with pytest.raises(ConfigError, match='declares a parameter "epochs", which is already a core config key'):
        family_params.declare("family_d", (Param("epochs", 1, "clash"),), reserved=set(Config.field_names()))


def test_unknown_keyword_is_a_type_error_with_a_hint():
    with pytest.raises(TypeError, match="unexpected keyword argument 'latnt_dim'. Did you mean \"latent_dim\""):
        aekit.Autoencoder(latnt_dim=3)


def test_config_round_trips_flat_with_family_keys_and_reads_format_1_configs():
    config = Config.from_dict({"model": "deep", "latent_dim": 4})
    assert Config.from_dict(config.to_dict()) == config
    old = Config.from_dict({**config.to_dict(), "extra": {}})  # format-1 aekit.json nests an empty "extra"
    assert old == config


def test_detect_fit_help_shows_the_detectors_defaults():
    from aekit.cli import cli

    result = CliRunner().invoke(cli, ["detect", "fit", "--help"])
    text = " ".join(result.output.split())
    assert "[default: 0.003]" in text and "[default: 0.001]" not in text
    assert "--epochs INTEGER|AUTO" in text and text.split("--epochs INTEGER|AUTO")[1].split("--")[0].strip() \
        .endswith("[default: auto]")
    assert "[default: 0.0]" in text.split("--validation-split")[1][:200]
    train = " ".join(CliRunner().invoke(cli, ["train", "--help"]).output.split())
    assert "[default: 0.001]" in train and "--scaling" in train and "--image-shape" in train
