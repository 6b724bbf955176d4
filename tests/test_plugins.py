"""Plugin families (tests/plugin_models.py) need no change outside their module: they train from the CLI with
their own flags, report their loss terms, save, and reload in a fresh process only when their module is allowed."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import aekit
from aekit.errors import ArtifactError, ConfigError
from aekit.models import available_models, load_plugin

from .conftest import ROOT, run_cli

PLUGIN = "tests.plugin_models"
QUICK = ["--dataset", "digits", "--epochs", "2", "--latent-dim", "3", "--quiet"]


def test_plugin_flags_appear_in_train_help_only_when_the_plugin_is_loaded():
    with_plugin = run_cli("--plugin", PLUGIN, "train", "--help", cwd=ROOT)
    assert with_plugin.returncode == 0, with_plugin.stderr
    assert "--kl-weight" in with_plugin.stdout and "--grid-penalty" in with_plugin.stdout
    described = run_cli("models", "toy_gaussian", cwd=ROOT, env={"AEKIT_PLUGINS": PLUGIN})
    assert "--kl-weight" in described.stdout and "gaussian" in described.stdout and "kl " in described.stdout
    assert "--kl-weight" not in run_cli("train", "--help", cwd=ROOT).stdout


def test_gaussian_plugin_trains_from_the_cli_and_reloads_only_when_allowed(tmp_path):
    run = tmp_path / "gauss"
    trained = run_cli("--plugin", PLUGIN, "train", "--model", "toy_gaussian", "--kl-weight", "0.5", *QUICK,
                      "-o", run, cwd=ROOT)
    assert trained.returncode == 0, trained.stderr
    header = (run / "history.csv").read_text().splitlines()[0].split(",")
    assert {"kl", "val_kl", "reconstruction", "loss"} <= set(header)
    meta = json.loads((run / "aekit.json").read_text())
    assert meta["plugins"] == [PLUGIN] and meta["config"]["kl_weight"] == 0.5 and meta["format_version"] == 2
    assert {key: meta["code"][key] for key in ("kind", "shape")} == {"kind": "gaussian", "shape": [3]}

    codes = tmp_path / "codes.npy"
    refused = run_cli("encode", run, "--dataset", "digits", "-o", codes, cwd=ROOT)
    assert refused.returncode == 2 and f"plugin module '{PLUGIN}'" in refused.stderr
    assert "--plugin tests.plugin_models" in refused.stderr and "truncated" not in refused.stderr
    assert not codes.exists()
    allowed = run_cli("encode", run, "--dataset", "digits", "-o", codes, cwd=ROOT, env={"AEKIT_PLUGINS": PLUGIN})
    assert allowed.returncode == 0, allowed.stderr
    assert np.load(codes).shape == (359, 3)  # the means


def test_grid_plugin_trains_from_the_cli_and_reloads_in_a_fresh_process(tmp_path):
    run = tmp_path / "grid"
    trained = run_cli("--plugin", PLUGIN, "train", "--model", "toy_grid", "--grid-penalty", "0.1", *QUICK,
                      "-o", run, cwd=ROOT)
    assert trained.returncode == 0, trained.stderr
    assert "grid_penalty" in (run / "history.csv").read_text().splitlines()[0]
    script = ("import aekit, sys; d = aekit.data.load('digits', split='test'); "
              f"m = aekit.load(sys.argv[1], plugins=['{PLUGIN}']); print(m.transform(d).shape, m.config_.grid_penalty)")
    fresh = subprocess.run([sys.executable, "-c", script, str(run)], capture_output=True, text=True, cwd=ROOT)
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout.split("\n")[0] == "(359, 4, 4, 3) 0.1"


def test_a_tampered_run_never_makes_aekit_import_the_module_it_names(tmp_path, digits):
    load_plugin(PLUGIN)
    model = aekit.Autoencoder(model="toy_gaussian", latent_dim=2, epochs=1).fit(digits[0])
    model.save(tmp_path / "run")
    meta_path = tmp_path / "run" / "aekit.json"
    meta = json.loads(meta_path.read_text())
    marker = tmp_path / "imported"
    (tmp_path / "evil_plugin.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    meta["plugins"], meta["config"]["model"] = ["evil_plugin"], "evil"
    meta_path.write_text(json.dumps(meta))
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(ArtifactError, match="from the plugin module 'evil_plugin'. aekit never imports"):
            aekit.load(tmp_path / "run")
    finally:
        sys.path.remove(str(tmp_path))
    assert not marker.exists()


def test_plugin_parameters_reach_the_estimator_clone_and_config(digits):
    from sklearn.base import clone

    load_plugin(PLUGIN)
    assert {"toy_gaussian", "toy_grid"} <= set(available_models())
    model = aekit.Autoencoder(model="toy_gaussian", kl_weight=0.25)
    assert model.get_params()["kl_weight"] == 0.25 and clone(model).get_params()["kl_weight"] == 0.25
    assert model.config().kl_weight == 0.25 and "grid_penalty" not in model.config().to_dict()
    with pytest.raises(ConfigError, match='model "deep" has no parameter "kl_weight" .it belongs to: toy_gaussian'):
        aekit.Autoencoder(kl_weight=0.25).config()
    with pytest.raises(ConfigError, match="Received kl_weight=-1.0 for model \"toy_gaussian\"; expected a number >= 0"):
        aekit.Autoencoder(model="toy_gaussian", kl_weight=-1.0).config()


def test_plugin_abilities_need_nothing_outside_the_plugins_module(digits):
    """A Gaussian code samples and a family that declares `compress` writes .aez bytes, by the registry alone."""
    load_plugin(PLUGIN)
    images = (digits[0].X[:300] * 15).astype("uint8")
    gaussian = aekit.Autoencoder(model="toy_gaussian", latent_dim=2, epochs=1).fit(images)
    assert gaussian.can("sample") and gaussian.sample(3).shape == (3, 8, 8, 1)
    codec = aekit.Autoencoder(model="toy_codec", latent_dim=2, epochs=1).fit(images)
    assert codec.can("compress") and not gaussian.can("compress")
    data = codec.compress(images[:5])
    decoded = codec.decompress(data)
    assert decoded.shape == (5, 8, 8, 1) and decoded.dtype == "uint8"
    with pytest.raises(ConfigError, match="no entropy model"):
        gaussian.compress(images[:5])


def test_missing_plugin_module_is_a_clear_error():
    with pytest.raises(ConfigError, match="Could not import model plugin 'no_such_pkg.models'"):
        load_plugin("no_such_pkg.models")
    result = run_cli("--plugin", "no_such_pkg.models", "models")
    assert result.returncode == 2 and "Could not import model plugin 'no_such_pkg.models'" in result.stderr
