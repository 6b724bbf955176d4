"""The anomaly score's neighbour and label parts: exact neighbours, quality on real tables, saving, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

import aekit
from aekit.errors import ArtifactError, ConfigError, DataError
from aekit.tasks.anomaly import neighbours as neighbours_module
from aekit.tasks.anomaly.neighbours import NeighbourModel

from .conftest import DATA_DIR, DETECTOR_QUICK, run_cli
from .test_cli_errors import assert_bad_input


@pytest.fixture(scope="module")
def cardio():
    """ADBench's cardio table split like the benchmark's semi-supervised setting (seed 0)."""
    with np.load(DATA_DIR / "anomaly" / "6_cardio.npz") as data:
        X, y = data["X"].astype(np.float32), data["y"].astype(int)
    normal = np.random.default_rng(0).permutation(np.flatnonzero(y == 0))
    train, test = normal[:1200], np.concatenate([normal[1200:], np.flatnonzero(y == 1)])
    return X, y, train, test


def test_neighbour_part_is_the_exact_nearest_other_row():
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(300, 4))
    rows[5] = rows[6]  # a duplicate: its nearest other row is at distance 0
    model, training = NeighbourModel.fit(rows, np.ones(300, dtype=bool), 1, seed=0)
    squared = ((rows[:, None, :] - rows[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(squared, np.inf)
    expected = squared.min(axis=1)
    assert model.scale == pytest.approx(expected.mean(), rel=1e-5)
    np.testing.assert_allclose(training, expected / expected.mean(), rtol=1e-4, atol=1e-7)
    assert training[5] == training[6] == 0
    # Unseen rows: the mean over the k nearest references, split by column.
    queries = rng.normal(size=(20, 4))
    model3, _ = NeighbourModel.fit(rows, np.ones(300, dtype=bool), 3, seed=0)
    parts = model3.contributions(queries)
    distances = ((queries[:, None, :] - rows[None, :, :]) ** 2).sum(axis=2)
    nearest3 = np.sort(distances, axis=1)[:, :3].mean(axis=1)
    np.testing.assert_allclose(parts.sum(axis=1), nearest3 / model3.scale, rtol=1e-4)
    assert parts.shape == (20, 4) and (parts >= 0).all()


@pytest.mark.parametrize("own", [False, True])
def test_the_k_d_tree_finds_the_neighbours_brute_force_does(own):
    """Narrow tables search a k-d tree, wide ones compare with every reference: the same neighbours, ties and a
    row's own entry (left out at fit) included."""
    rng = np.random.default_rng(2)
    references = np.round(rng.normal(size=(400, 3)), 1).astype(np.float32)  # rounded: many ties and duplicates
    references[10:20] = references[9]
    model = NeighbourModel(references, 5)
    rows = references if own else np.round(rng.normal(size=(300, 3)), 1).astype(np.float32)
    mine = np.arange(len(rows)) if own else None
    in_tree, brute = model._nearest_in_tree(rows, mine), model._nearest_by_brute_force(rows, mine)
    assert in_tree.shape == brute.shape == (len(rows), 5)
    if own:
        assert not (in_tree == mine[:, None]).any()
    distances = [np.sort(((rows[:, None, :] - references[found]) ** 2).sum(axis=2), axis=1)
                 for found in (in_tree, brute)]
    np.testing.assert_allclose(*distances, atol=1e-6)


def test_references_are_capped_and_skip_untrusted_rows(monkeypatch):
    monkeypatch.setattr(neighbours_module, "MAX_REFERENCES", 50)
    rows = np.random.default_rng(1).normal(size=(200, 3))
    kept = np.arange(200) % 4 != 0
    model, _ = NeighbourModel.fit(rows, kept, 1, seed=0)
    assert len(model.references) == 50
    trusted = {tuple(np.float32(r)) for r in rows[kept]}
    assert all(tuple(r) in trusted for r in model.references)


def test_default_detector_on_an_adbench_table(cardio):
    X, y, train, test = cardio
    # Clean training rows, said so: every other default (auto architecture, epochs, batch).
    detector = aekit.AnomalyDetector(seed=0, novelty=True).fit(X[train])
    assert detector.neighbour_model_ is not None and detector.neighbour_model_.k == 1 and detector.blend_ is None
    scores = detector.decision_function(X[test])
    assert roc_auc_score(y[test], scores) >= 0.93  # measured 0.939 (reconstruction alone: 0.907)
    assert detector.decision_scores_.mean() == pytest.approx(2.0, rel=1e-3)  # each part averages 1 on training rows
    np.testing.assert_allclose(detector.score_contributions(X[test[:30]]).sum(axis=1), scores[:30], rtol=1e-9)
    # The defaults (the rows may hold anomalies): trimmed training, 5 kept neighbours and the isolation part.
    blended = aekit.AnomalyDetector(**DETECTOR_QUICK).fit(X[train])
    assert blended.neighbour_model_.k == 5 and blended.isolation_model_ is not None and len(blended.trimmed_) > 0
    scores = blended.decision_function(X[test])
    assert roc_auc_score(y[test], scores) >= 0.9
    np.testing.assert_allclose(blended.score_contributions(X[test[:30]]).sum(axis=1), scores[:30], rtol=1e-9)
    parts = blended.score_parts(X[test])
    assert set(parts) == {"reconstruction", "neighbours", "isolation"} and all(len(v) == len(test) for v in
                                                                               parts.values())


def test_neighbour_and_label_parts_are_saved(cardio, tmp_path):
    X, y, train, test = cardio
    known = np.flatnonzero(y == 1)[:10]
    rows = np.concatenate([train, known])
    labels = np.r_[np.zeros(len(train), dtype=int), np.ones(len(known), dtype=int)]
    detector = aekit.AnomalyDetector(labels="use", **DETECTOR_QUICK).fit(X[rows], labels)
    assert detector.novelty_ and detector.blend_ is None  # no row unknown: the rest are known to be normal
    first_labels = detector.labels_.copy()
    np.testing.assert_array_equal(detector.fit_predict(X[rows], labels), first_labels)  # y reaches fit
    loaded = aekit.load(detector.save(tmp_path / "run"))
    assert loaded.novelty_
    np.testing.assert_allclose(loaded.decision_function(X[test]), detector.decision_function(X[test]), rtol=1e-6)
    assert loaded.threshold_ == detector.threshold_ and loaded.threshold_strategy_ == "labels:f1"
    plain = aekit.AnomalyDetector(neighbours=0, **DETECTOR_QUICK).fit(X[train])
    assert plain.neighbour_model_ is None and plain.reconstruction_scale_ == 1.0
    reloaded = aekit.load(plain.save(tmp_path / "plain"))
    np.testing.assert_allclose(reloaded.decision_function(X[test]), plain.decision_function(X[test]), rtol=1e-6)
    (tmp_path / "run" / "neighbour_references.npy").unlink()
    with pytest.raises(ArtifactError, match="neighbour_references.npy is missing or unreadable"):
        aekit.load(tmp_path / "run")


def test_known_anomalies_raise_the_auc_and_stay_out_of_training(cardio):
    X, y, train, test = cardio
    known = np.flatnonzero(y == 1)[:10]
    rest = np.setdiff1d(test, known)
    rows = np.concatenate([train, known, test[:5]])
    labels = np.r_[np.zeros(len(train), dtype=int), np.ones(len(known), dtype=int), -np.ones(5, dtype=int)]
    ignored = aekit.AnomalyDetector(seed=0).fit(X[train])
    aware = aekit.AnomalyDetector(seed=0, labels="use").fit(X[rows], labels)
    assert len(aware.decision_scores_) == len(train) + 5  # the known anomalies are not training rows
    before, after = (roc_auc_score(y[rest], m.decision_function(X[rest])) for m in (ignored, aware))
    assert after > before + 0.01, (before, after)  # measured 0.940 -> 0.967
    # By default y is ignored, as PyOD's contract says: the same as fitting without it.
    same = aekit.AnomalyDetector(seed=0).fit(X[train], np.ones(len(train)))
    np.testing.assert_allclose(same.decision_scores_, ignored.decision_scores_, rtol=1e-6)


def test_bad_label_and_neighbour_settings(cardio):
    X, _, train, _ = cardio
    part = X[train[:100]]
    with pytest.raises(DataError, match="labels='use' needs y"):
        aekit.AnomalyDetector(labels="use", **DETECTOR_QUICK).fit(part)
    with pytest.raises(DataError, match=r"Received label values 2 \(1 rows\); expected 0 \(normal\), 1"):
        aekit.AnomalyDetector(labels="use", **DETECTOR_QUICK).fit(part, np.r_[np.zeros(99, dtype=int), 2])
    with pytest.raises(DataError, match="Received 99 labels for 100 training rows"):
        aekit.AnomalyDetector(labels="use", **DETECTOR_QUICK).fit(part, np.zeros(99))
    with pytest.raises(ConfigError, match="Received labels='yes'; expected 'ignore'"):
        aekit.AnomalyDetector(labels="yes").fit(part)
    with pytest.raises(ConfigError, match="Received neighbours=-1; expected 'auto' or a whole number"):
        aekit.AnomalyDetector(neighbours=-1).fit(part)


def test_cli_use_labels(tmp_path):
    frame = pd.read_csv(DATA_DIR / "creditcard-sample.csv").head(800)
    frame["Class"] = np.where(frame["Class"] == 1, np.where(np.arange(len(frame)) % 2 == 0, 1, -1), 0)
    path = tmp_path / "partly.csv"
    frame.to_csv(path, index=False)
    small = ["--hidden", "32,16", "--latent-dim", "6", "--epochs", "5", "--quiet"]
    out = tmp_path / "run"
    result = run_cli("detect", "fit", "--data", path, "--label-column", "Class", "--use-labels", *small, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "(labels:f1)" in result.stdout and (out / "known_anomalies.npy").is_file()
    for flags, message in ((["--use-labels"], "--use-labels reads the --label-column"),
                           (["--neighbours", "two"], "--neighbours 'two': expected auto or a whole number")):
        result = run_cli("detect", "fit", "--data", path, *flags, *small, "-o", tmp_path / "r2")
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r2").exists()
    assert_bad_input(run_cli("detect", "fit", "--data", path, "--label-column", "Class", "--use-labels",
                             "--neighbours", "-1",
                             *small, "-o", tmp_path / "r3"), "Received neighbours=-1")


def test_the_isolation_part_scores_as_scikit_learn_does_and_is_saved_as_plain_arrays(cardio, tmp_path):
    from sklearn.ensemble import IsolationForest

    from aekit.tasks.anomaly.isolation import FOREST_FILE, IsolationModel

    X, _, train, test = cardio
    model = IsolationModel.fit(X[train], seed=0)
    forest = IsolationForest(random_state=0).fit(X[train].astype(np.float32))
    np.testing.assert_allclose(model.scores(X[test]), -forest.score_samples(X[test].astype(np.float32)), atol=1e-12)
    with pytest.MonkeyPatch.context() as patch:  # many rows are walked in blocks on every core: the same scores
        patch.setattr("aekit.tasks.anomaly.isolation.MIN_ROWS_PER_THREAD", 100)
        patch.setattr("os.cpu_count", lambda: 3)
        np.testing.assert_array_equal(model.scores(X[test]), model._walk(X[test].astype(np.float32)))
    model.save_files(tmp_path)
    loaded = IsolationModel.from_saved(model.to_meta(), tmp_path, X.shape[1])
    np.testing.assert_array_equal(loaded.scores(X[test]), model.scores(X[test]))
    with pytest.raises(ArtifactError, match="does not hold a forest over 3 values"):
        IsolationModel.from_saved(model.to_meta(), tmp_path, 3)
    (tmp_path / FOREST_FILE).write_bytes(b"not a forest")
    with pytest.raises(ArtifactError, match="isolation_forest.npz is missing or unreadable"):
        IsolationModel.from_saved(model.to_meta(), tmp_path, X.shape[1])
