"""`aekit detect threshold` (fit_threshold from the command line) and `aekit detect maps` (error_maps)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from click.testing import CliRunner
from PIL import Image

import aekit
from aekit.cli import cli

from .conftest import DATA_DIR, TINY


def test_threshold_sets_a_fitted_runs_threshold_on_labelled_rows(tmp_path):
    table = np.load(DATA_DIR / "anomaly" / "29_Pima.npz")
    X, y = table["X"].astype(np.float32), table["y"].astype(int)
    run = tmp_path / "run"
    detector = aekit.AnomalyDetector(**TINY).fit(X[:300][y[:300] == 0])
    detector.save(run)
    held_out = pd.DataFrame(X[300:], columns=detector.feature_names_ or [f"x{i}" for i in range(X.shape[1])])
    held_out["Class"] = y[300:]
    path = tmp_path / "validation.csv"
    held_out.to_csv(path, index=False)
    result = CliRunner().invoke(cli, ["detect", "threshold", str(run), "--data", str(path), "--label-column", "Class",
                                      "--objective", "recall", "--target", "0.9", "-o", str(tmp_path / "r90"),
                                      "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output.strip().splitlines()[-1])
    tuned = aekit.load(tmp_path / "r90")
    assert tuned.threshold_ == answer["threshold"] and answer["recall"] >= 0.9
    flagged = tuned.predict(held_out.drop(columns="Class"))
    assert (flagged[held_out["Class"].to_numpy() == 1]).mean() >= 0.9  # the recall it promised, on those rows
    refused = CliRunner().invoke(cli, ["detect", "threshold", str(run), "--data", str(path), "--label-column", "Class",
                                       "--target", "0.9", "-o", str(tmp_path / "x")])
    assert refused.exit_code == 2 and "--target goes with --objective recall or precision" in refused.output


def test_maps_draws_where_each_image_fails(mnist_small, tmp_path):
    images = mnist_small[0].X[:300]
    run = tmp_path / "run"
    aekit.AnomalyDetector(**TINY).fit(images).save(run)
    folder = tmp_path / "new"
    folder.mkdir()
    for i, image in enumerate(mnist_small[1].X[:5]):
        Image.fromarray(image[..., 0]).save(folder / f"{i}.png")
    out = tmp_path / "maps"
    result = CliRunner().invoke(cli, ["detect", "maps", str(run), "--data", str(folder), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["images"] == 5
    maps = np.load(out / "error-maps.npy")
    assert maps.shape == (5, 28, 28) and (maps >= 0).all()
    scores = pd.read_csv(out / "scores.csv")
    assert [str(name).split("/")[-1] for name in scores["file"]] == [f"{i}.png" for i in range(5)], scores
    assert (out / "error-maps.png").stat().st_size > 1000
    table_run = tmp_path / "table"
    aekit.AnomalyDetector(**TINY).fit(np.random.default_rng(0).normal(size=(100, 8))).save(table_run)
    refused = CliRunner().invoke(cli, ["detect", "maps", str(table_run), "--data", str(folder), "-o",
                                       str(tmp_path / "m")])
    assert refused.exit_code == 2 and "detect explain" in refused.output
