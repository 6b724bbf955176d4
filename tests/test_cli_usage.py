"""The CLI's happy paths: YAML configs, evaluate, encode, reconstruct, listings, the demo."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .conftest import DATA_DIR, run_cli


def test_train_from_yaml_with_flag_overrides_then_encode_and_reconstruct(tmp_path, table_csv):
    config = tmp_path / "config.yaml"
    config.write_text("model: deep\nhidden: [16]\nlatent_dim: 4\nepochs: 150\nbatch_size: 32\nlabel_column: Class\n")
    run = tmp_path / "run"
    result = run_cli("train", config, "--data", table_csv, "--latent-dim", "3", "--quiet", "-o", run)
    assert result.returncode == 0, result.stderr
    meta = json.loads((run / "aekit.json").read_text())
    assert meta["config"]["latent_dim"] == 3 and meta["config"]["hidden"] == [16]
    assert meta["feature_names"] == [f"f{i}" for i in range(8)]
    assert meta["scaler"]["method"] == "standard"

    codes = tmp_path / "codes.csv"
    assert run_cli("encode", run, "--data", table_csv, "--label-column", "Class", "-o", codes).returncode == 0
    frame = pd.read_csv(codes)
    assert list(frame.columns) == ["z0", "z1", "z2", "label"] and len(frame) == 300

    out = tmp_path / "recon.parquet"
    result = run_cli("reconstruct", run, "--data", table_csv, "--label-column", "Class", "-o", out)
    assert result.returncode == 0, result.stderr
    recon = pd.read_parquet(out)
    assert list(recon.columns) == [f"f{i}" for i in range(8)]
    original = pd.read_csv(table_csv).drop(columns="Class")
    # The table has 3 underlying factors, so a 3-number code reconstructs it closely.
    relative = ((recon.values - original.values) ** 2).mean() / original.values.var()
    assert relative < 0.1
    assert (tmp_path / "recon.png").stat().st_size > 1000

    report = run_cli("evaluate", run, "--data", table_csv, "--label-column", "Class", "--json")
    assert json.loads(report.stdout)["samples"] == 300


def test_unknown_config_key_in_yaml(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("latnt_dim: 4\n")
    result = run_cli("train", config, "--dataset", "digits")
    assert result.returncode == 2 and 'Unknown config key "latnt_dim". Did you mean "latent_dim"?' in result.stderr


def test_listings():
    from aekit.models import available_models

    models = run_cli("models")
    assert models.returncode == 0, models.stderr
    lines = {line.split()[0]: line for line in models.stdout.splitlines()[1:] if line.startswith("  ")}
    for name, spec in available_models().items():  # every built-in family, with its code kinds and abilities
        if not spec.is_builtin:
            continue  # a test plugin that another test registered in this process
        assert f"[{' or '.join(spec.code_kinds)} code" in lines[name], lines[name]
        assert all(ability in lines[name] for ability in spec.abilities), lines[name]
    assert "can compress" in lines["compression"] and "sample" in lines["variational"].split("]")[0]
    assert "model=deep, 1000-500-250 -> 30" in lines["hinton2006"]
    datasets = run_cli("datasets").stdout.splitlines()
    where = {datasets[i].split()[0]: datasets[i + 1].strip() for i in range(0, len(datasets) - 1, 2)}
    assert where["mnist"] == f"found in {DATA_DIR / 'mnist'}"
    assert where["fashion_mnist"] == f"found in {DATA_DIR / 'fashion-mnist'}"
    assert where["digits"].startswith("bundled with scikit-learn")


def test_demo_writes_a_full_run_directory(tmp_path):
    run = tmp_path / "demo"
    result = run_cli("demo", "-o", run, "--quiet")
    assert result.returncode == 0, result.stderr
    for name in ("model.keras", "aekit.json", "history.csv", "loss.png", "reconstructions.png", "tensorboard"):
        assert (run / name).exists(), name
    codes = tmp_path / "codes.npy"
    assert run_cli("encode", run, "--dataset", "digits", "-o", codes).returncode == 0
    assert np.load(codes).shape == (359, 10)
    assert "PSNR" in result.stdout
