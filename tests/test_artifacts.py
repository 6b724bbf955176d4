"""Run directories: older formats keep loading, unknown ones are refused, and saving never half-replaces a run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import aekit
from aekit.errors import ArtifactError

from .conftest import TINY

FIXTURES = Path(__file__).parent / "fixtures"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_runs_written_by_earlier_aekit_versions_still_load_and_give_the_same_outputs(digits, version):
    """v1: format 1 (aekit 0.1); v2: format 2 as written before the re-layout and the output rule (no units, no
    manifest, its estimators in other modules)."""
    autoencoder = aekit.load(FIXTURES / f"run-{version}-autoencoder")
    codes = autoencoder.transform(digits[1].subset(slice(0, 10)))
    np.testing.assert_allclose(codes, np.load(FIXTURES / f"run-{version}-autoencoder-expected-codes.npy"), rtol=1e-5)
    assert autoencoder.code_kind_ == "vector" and autoencoder.config_.hidden == [16]
    assert autoencoder.units_.describe() == "integer values from 0 to 16"  # told by the scaler of an older run
    detector = aekit.load(FIXTURES / f"run-{version}-detector")
    assert isinstance(detector, aekit.AnomalyDetector)
    scores = detector.decision_function(np.load(FIXTURES / f"run-{version}-detector-rows.npy"))
    np.testing.assert_allclose(scores, np.load(FIXTURES / f"run-{version}-detector-expected-scores.npy"), rtol=1e-5)


@pytest.mark.parametrize("change,message", [
    ({"estimator": "Regressor"}, "names the estimator 'Regressor', which this aekit does not know"),
    ({"format_version": 99}, "this aekit reads versions 1 to 2"),
    ({"format": "something-else"}, "is not an aekit run of a format this version reads"),
])
def test_unknown_estimators_and_formats_are_refused(tmp_path, change, message):
    run = tmp_path / "run"
    shutil.copytree(FIXTURES / "run-v1-autoencoder", run)
    meta = json.loads((run / "aekit.json").read_text())
    (run / "aekit.json").write_text(json.dumps({**meta, **change}))
    with pytest.raises(ArtifactError, match=message):
        aekit.load(run)


def test_a_failed_save_leaves_the_previous_run_exactly_as_it_was(digits, tmp_path, monkeypatch):
    import os

    run = tmp_path / "run"
    aekit.Autoencoder(**TINY, run_dir=str(run)).fit(digits[0])
    assert (run / "tensorboard").is_dir() and (run / "checkpoint").is_dir()
    before = snapshot(run)
    loaded = aekit.load(run)
    real_replace, calls = os.replace, []

    def fail_on_the_fourth_rename(source, target):
        calls.append(target)
        if len(calls) == 4:
            raise OSError("disk full")
        return real_replace(source, target)

    monkeypatch.setattr("aekit.core.outputs.os.replace", fail_on_the_fourth_rename)
    with pytest.raises(OSError, match="disk full"):
        loaded.save(run)  # fails after two files were renamed into place: both are put back
    monkeypatch.undo()
    assert snapshot(run) == before
    assert sorted(p.name for p in run.iterdir() if p.name.startswith(".aekit-")) == [".aekit-files.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_saving_over_another_run_replaces_it_and_into_its_own_run_keeps_the_logs(digits, tmp_path):
    other = tmp_path / "other"
    aekit.AnomalyDetector(epochs=2).fit(np.random.default_rng(0).normal(size=(100, 4))).save(other)
    (other / "notes.txt").write_text("the user's")
    model = aekit.Autoencoder(**TINY).fit(digits[0])
    model.save(other)
    left = {p.name for p in other.iterdir()}
    assert not left & {"decision_scores.npy", "scores.png"}, left
    assert "notes.txt" in left  # only what aekit wrote is replaced
    assert isinstance(aekit.load(other), aekit.Autoencoder)

    own = tmp_path / "own"
    trained = aekit.Autoencoder(**TINY, run_dir=str(own)).fit(digits[0])
    events = sorted((own / "tensorboard").rglob("events.*"))
    trained.save(own)
    assert sorted((own / "tensorboard").rglob("events.*")) == events and (own / "checkpoint" / "latest").is_file()
