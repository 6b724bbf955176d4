"""Shared fixtures: real data from ../shared/data (AEKIT_DATA_DIR), never downloaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("AEKIT_DATA_DIR", str(ROOT.parent / "shared" / "data"))
os.environ["AEKIT_NO_DOWNLOAD"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
DATA_DIR = Path(os.environ["AEKIT_DATA_DIR"])

# Training presets, in one place: the smallest runs that test what each test file tests (never quality, unless
# the name says so). A test that needs another setting overrides one key ({**TINY, "epochs": 5}).
TINY = {"hidden": [16], "latent_dim": 4, "epochs": 2, "seed": 0}  # plumbing: shapes, files, messages
DENSE_QUICK = {"hidden": [32], "latent_dim": 8, "epochs": 10, "learning_rate": 3e-3, "batch_size": 64}  # a floor
DETECTOR_QUICK = {"hidden": [32, 16], "latent_dim": 6, "epochs": 15, "batch_size": 256, "learning_rate": 3e-3,
                  "seed": 0}  # anomaly detection with quality floors on real tables
VAE_QUICK = {"model": "variational", "latent_dim": 4, "hidden": [64], "epochs": 8, "seed": 0}
IMAGE_FAST = {"epochs": 2, "batch_size": 32, "seed": 0, "filters": [16, 32]}  # conv families on MNIST subsets
CODEC_FAST = {**IMAGE_FAST, "model": "compression", "epochs": 5}
CLASSIFIER_QUICK = {"freeze_epochs": 3, "epochs": 3, "min_steps": 120, "batch_size": 32}
CLI_QUICK = ["--epochs", "1", "--quiet"]


def as_flags(preset: dict) -> list[str]:
    """A preset as `aekit` flags (lists comma-separated)."""
    flags = []
    for key, value in preset.items():
        flags += ["--" + key.replace("_", "-"), ",".join(map(str, value)) if isinstance(value, list) else str(value)]
    return flags


@pytest.fixture(scope="session")
def digits():
    from aekit.data import load

    return load("digits", split="train"), load("digits", split="test")


@pytest.fixture(scope="session")
def mnist_small():
    """The first 3,000 MNIST training images and 1,000 test images (uint8, (n, 28, 28, 1))."""
    from aekit.data import load

    return load("mnist", split="train", max_samples=3000), load("mnist", split="test", max_samples=1000)


@pytest.fixture
def table_csv(tmp_path):
    """A small numeric table with a 0/1 label column, as users bring it."""
    rng = np.random.default_rng(0)
    n = 300
    base = rng.normal(size=(n, 3))
    X = np.concatenate([base, base @ rng.normal(size=(3, 5)) + 0.05 * rng.normal(size=(n, 5))], axis=1)
    path = tmp_path / "table.csv"
    header = ",".join([f"f{i}" for i in range(X.shape[1])] + ["Class"])
    rows = [",".join(f"{v:.6f}" for v in row) + f",{int(i % 10 == 0)}" for i, row in enumerate(X)]
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def run_cli(*args, cwd=None, env=None, timeout=600):
    """Run the real `aekit` entry point in a subprocess; return the CompletedProcess."""
    command = [sys.executable, "-m", "aekit.cli", *map(str, args)]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=full_env, timeout=timeout)
