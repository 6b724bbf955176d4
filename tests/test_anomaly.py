"""aekit.AnomalyDetector: PyOD's contract, thresholds, robust training, explanations, saving, on real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

import aekit
from aekit.errors import ArtifactError, ConfigError, DataError, NotFittedError
from aekit.tasks.anomaly.thresholds import threshold_for_objective, unsupervised_threshold

from .conftest import DATA_DIR, DETECTOR_QUICK

# A small, quick model: fixed seed, a few seconds of training on 2 cores.


@pytest.fixture(scope="module")
def fraud():
    """creditcard-sample.csv split like the benchmark: 70 % of the normal rows to train, the rest + frauds to test."""
    frame = pd.read_csv(DATA_DIR / "creditcard-sample.csv")
    labels = frame.pop("Class").to_numpy()
    normal = np.random.default_rng(0).permutation(np.flatnonzero(labels == 0))
    cut = int(0.7 * len(normal))
    test = np.sort(np.concatenate([normal[cut:], np.flatnonzero(labels == 1)]))
    return frame.iloc[np.sort(normal[:cut])].reset_index(drop=True), frame.iloc[test].reset_index(drop=True), \
        labels[test]


@pytest.fixture(scope="module")
def fitted(fraud):
    train, _, _ = fraud
    return aekit.AnomalyDetector(contamination=0.05, **DETECTOR_QUICK).fit(train)


def test_acceptance_fraud_auc_with_a_small_quick_model(fraud, fitted):
    _, test, y_test = fraud
    auc = roc_auc_score(y_test, fitted.decision_function(test))
    assert auc >= 0.93, auc


def test_the_default_path_chooses_architecture_batch_and_epochs_and_detects_fraud(fraud):
    from aekit.tasks.anomaly.architecture import auto_architecture, auto_batch_size, auto_epochs

    train, test, y_test = fraud
    detector = aekit.AnomalyDetector().fit(train)  # every default: auto architecture, batch size and epochs
    hidden, latent = auto_architecture(29)
    batch = auto_batch_size(len(train))
    assert (detector.config_.hidden, detector.config_.latent_dim) == (hidden, latent) == ([64, 32], 10)
    assert detector.config_.batch_size == batch == 128
    assert len(detector.history_["loss"]) == detector.config_.epochs == auto_epochs(len(train), batch) == 17
    auc = roc_auc_score(y_test, detector.decision_function(test))
    assert auc >= 0.94, auc


def test_pyod_contract_shapes_and_meaning(fraud, fitted):
    train, test, y_test = fraud
    assert fitted.decision_scores_.shape == (len(train),)
    assert fitted.labels_.shape == (len(train),) and set(np.unique(fitted.labels_)) == {0, 1}
    # contamination percentile: that share of the training rows lies above the threshold (PyOD's rule).
    assert fitted.labels_.mean() == pytest.approx(0.05, abs=0.002)
    assert fitted.threshold_ == pytest.approx(np.percentile(fitted.decision_scores_, 95))
    scores = fitted.decision_function(test)
    np.testing.assert_array_equal(fitted.predict(test), (scores > fitted.threshold_).astype(int))
    proba = fitted.predict_proba(test)
    assert proba.shape == (len(test), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert ((proba >= 0) & (proba <= 1)).all()
    # Higher means more anomalous: frauds score higher on average, and get the higher probabilities.
    assert scores[y_test == 1].mean() > 3 * scores[y_test == 0].mean()
    assert proba[y_test == 1, 1].mean() > proba[y_test == 0, 1].mean()
    unify = fitted.predict_proba(test, method="unify")
    assert unify.shape == (len(test), 2) and np.corrcoef(unify[:, 1], proba[:, 1])[0, 1] > 0.3
    # Columns are matched by name: reordered DataFrames score the same.
    np.testing.assert_allclose(fitted.decision_function(test[test.columns[::-1]]), scores, rtol=1e-5)


def test_clone_and_init_only_store_parameters():
    detector = aekit.AnomalyDetector(contamination=0.7, threshold="nope", hidden=[8])  # checked in fit
    copy = clone(detector)
    assert copy.get_params() == detector.get_params() and copy is not detector
    assert not hasattr(copy, "threshold_")
    with pytest.raises(ConfigError, match=r"Received contamination=0.7; expected a number with 0 < contamination"):
        copy.fit(np.zeros((20, 3)))
    with pytest.raises(ConfigError, match='Unknown threshold strategy "nope"'):
        aekit.AnomalyDetector(threshold="nope").fit(np.zeros((20, 3)))
    with pytest.raises(ConfigError, match="needs labelled data.*fit_threshold"):
        aekit.AnomalyDetector(threshold="f1").fit(np.zeros((20, 3)))
    with pytest.raises(NotFittedError, match="not fitted yet"):
        aekit.AnomalyDetector().predict(np.zeros((2, 3)))


def test_threshold_strategies_on_known_scores():
    scores = np.arange(1, 101, dtype=float)
    assert unsupervised_threshold(scores, "contamination", 0.1, 1.0) == pytest.approx(90.1)
    assert unsupervised_threshold(scores, "mean_std", 0.1, 1.0) == pytest.approx(50.5 + scores.std())
    assert unsupervised_threshold(scores, "max", 0.1, 1.0) == 100
    assert unsupervised_threshold(scores, 42.0, 0.1, 1.0) == 42.0
    # Labelled: the 10 top scores are the anomalies, plus one anomaly hidden at score 50.
    y = np.zeros(100, int)
    y[90:] = 1
    y[49] = 1
    best = threshold_for_objective(scores, y, "f1")
    assert 90 < best["threshold"] < 91 and best["precision"] == 1 and best["recall"] == pytest.approx(10 / 11)
    full = threshold_for_objective(scores, y, "recall", target=1.0)
    assert 49 < full["threshold"] < 50 and full["recall"] == 1
    exact = threshold_for_objective(scores, y, "precision", target=0.5)
    assert exact["precision"] >= 0.5 and exact["flagged"] == 20  # the most rows that keep precision >= 0.5
    with pytest.raises(ConfigError, match="needs a target in \\(0, 1\\]"):
        threshold_for_objective(scores, y, "recall")
    with pytest.raises(DataError, match="must be 0 \\(normal\\) or 1 \\(anomaly\\); found 3 distinct values"):
        threshold_for_objective(scores, np.r_[y[:-1], 2], "f1")


def test_fit_threshold_on_labelled_validation_rows(fraud, fitted):
    _, test, y_test = fraud
    half = np.arange(len(test)) % 2 == 0
    original = fitted.threshold_
    try:
        fitted.fit_threshold(test[half], y_test[half], objective="recall", target=0.8)
        assert fitted.threshold_info_["recall"] >= 0.8
        caught = fitted.predict(test[~half])[y_test[~half] == 1].mean()
        assert caught >= 0.7  # held-out recall stays near the target
        fitted.fit_threshold(test[half], y_test[half], objective="f1")
        assert fitted.threshold_strategy_ == "f1" and fitted.threshold_info_["f1"] > 0.7
    finally:
        fitted._set_threshold(original, "contamination")


def test_robust_training_trims_the_anomalies_out(fraud):
    _, test, y_test = fraud
    # Contaminated training data: the test split, whose frauds are 20 % of its rows.
    params = {**DETECTOR_QUICK, "contamination": 0.2, "novelty": True, "neighbours": 0}  # reconstruction alone
    plain = aekit.AnomalyDetector(**params).fit(test)
    robust = aekit.AnomalyDetector(robust=True, **params).fit(test)
    trimmed = np.zeros(len(test), bool)
    trimmed[robust.trimmed_] = True
    assert trimmed.mean() == pytest.approx(0.2, abs=0.01)
    assert y_test[trimmed].mean() > 0.5  # most of what was trimmed is fraud (the base rate is 0.22)
    assert len(plain.trimmed_) == 0
    plain_auc = roc_auc_score(y_test, plain.decision_scores_)
    robust_auc = roc_auc_score(y_test, robust.decision_scores_)
    assert robust_auc > plain_auc + 0.01, (robust_auc, plain_auc)  # measured: 0.871 vs 0.852


def test_the_default_path_on_a_contaminated_table_keeps_up_with_an_isolation_forest():
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import average_precision_score

    # Unsupervised, as a user with unlabelled rows runs it: every normal row of the fraud sample and enough frauds
    # to make 2 % of the table, fitted with every default (novelty=False) and scored in place (outlier detection).
    frame = pd.read_csv(DATA_DIR / "creditcard-sample.csv")
    labels = frame.pop("Class").to_numpy()
    normal, frauds = np.flatnonzero(labels == 0), np.flatnonzero(labels == 1)
    chosen = np.random.default_rng(0).choice(frauds, int(0.02 / 0.98 * len(normal)), replace=False)
    rows = np.sort(np.concatenate([normal, chosen]))
    table, y = frame.iloc[rows].reset_index(drop=True), labels[rows]
    detector = aekit.AnomalyDetector().fit(table)
    assert len(detector.trimmed_) > 0 and set(detector.score_parts(table.head(3))) == {"reconstruction",
                                                                                     "neighbours", "isolation"}
    forest = -IsolationForest(random_state=0).fit(table).score_samples(table)
    ours = detector.decision_scores_
    # Measured: AUC-ROC 0.960 vs 0.953, AUC-PR 0.667 vs 0.578.
    assert roc_auc_score(y, ours) >= roc_auc_score(y, forest) - 0.01, (roc_auc_score(y, ours), roc_auc_score(y, forest))
    assert average_precision_score(y, ours) >= average_precision_score(y, forest) - 0.02
    # Told that the rows are all normal, the detector trusts them and learns the frauds too (measured: 0.939).
    trusting = aekit.AnomalyDetector(novelty=True).fit(table)
    assert roc_auc_score(y, trusting.decision_scores_) < roc_auc_score(y, ours) - 0.01


def test_explain_names_the_worst_reconstructed_columns(fraud, fitted):
    _, test, y_test = fraud
    flagged = test[fitted.predict(test) == 1].head(4)
    table = fitted.explain(flagged, top=3)
    assert list(table.columns) == ["row", "score", "is_anomaly", "rank", "feature", "value", "expected",
                                   "contribution", "share"]
    assert len(table) == 12 and (table["is_anomaly"] == 1).all()
    assert list(table["row"].unique()) == list(flagged.index)
    for _, rows in table.groupby("row"):
        assert list(rows["rank"]) == [1, 2, 3]
        assert rows["contribution"].is_monotonic_decreasing and (rows["share"] > 0).all()
    # The contributions over all columns add up to the score.
    everything = fitted.explain(flagged.head(1), top=100)
    assert len(everything) == 29
    assert everything["contribution"].sum() == pytest.approx(everything["score"].iloc[0])
    assert everything["share"].sum() == pytest.approx(1.0)
    first = everything.iloc[0]
    assert first["value"] == pytest.approx(flagged.iloc[0][first["feature"]])
    with pytest.raises(ConfigError, match="Received top=0; expected a positive integer"):
        fitted.explain(flagged, top=0)


@pytest.mark.parametrize("method", ["normalized", "mse"])
def test_other_score_methods_add_up_and_round_trip(fraud, method, tmp_path):
    train, test, y_test = fraud
    # novelty=True: the score is the reconstruction part plus the neighbour part, both sums of squares.
    detector = aekit.AnomalyDetector(score_method=method, novelty=True, **DETECTOR_QUICK).fit(train)
    assert detector.error_model_.method == method
    contributions = detector.score_contributions(test.head(50))
    np.testing.assert_allclose(contributions.sum(axis=1), detector.decision_function(test.head(50)), rtol=1e-9)
    assert (contributions >= 0).all()  # squared errors: never negative, unlike Mahalanobis contributions
    assert roc_auc_score(y_test, detector.decision_function(test)) > 0.9
    loaded = aekit.load(detector.save(tmp_path / method))
    np.testing.assert_allclose(loaded.decision_function(test.head(50)), detector.decision_function(test.head(50)),
                               rtol=1e-6)
    with pytest.raises(ConfigError, match='Unknown score method "mahalanobs". Did you mean "mahalanobis"'):
        aekit.AnomalyDetector(score_method="mahalanobs").fit(train)


def test_save_and_load_give_identical_outputs(fraud, fitted, tmp_path):
    _, test, _ = fraud
    fitted.save(tmp_path / "run")
    loaded = aekit.load(tmp_path / "run")
    assert type(loaded) is aekit.AnomalyDetector
    assert loaded.feature_names_ == list(test.columns) and loaded.threshold_ == fitted.threshold_
    np.testing.assert_allclose(loaded.decision_function(test), fitted.decision_function(test), rtol=1e-6)
    np.testing.assert_array_equal(loaded.labels_, fitted.labels_)
    np.testing.assert_allclose(loaded.predict_proba(test), fitted.predict_proba(test), rtol=1e-6, atol=1e-9)
    assert (tmp_path / "run" / "scores.png").stat().st_size > 1000
    # The Mahalanobis score's precision matrix is part of the artifact: without it, loading says so.
    (tmp_path / "run" / "residual_precision.npy").unlink()
    with pytest.raises(ArtifactError, match="residual_precision.npy is missing or unreadable"):
        aekit.load(tmp_path / "run")


def test_constant_columns_and_tiny_inputs():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(300, 2))
    X = np.column_stack([base, base @ rng.normal(size=(2, 3)), np.full(300, 7.0)])  # last column is constant
    quick = {"hidden": [8], "latent_dim": 2, "epochs": 5, "batch_size": 64}
    detector = aekit.AnomalyDetector(novelty=True, **quick).fit(X)
    assert np.isfinite(detector.decision_scores_).all() and np.isfinite(detector.threshold_)
    assert detector.scaler_.scale[-1] == 1.0 and np.isfinite(detector.error_model_.precision).all()
    changed = X[:3].copy()
    changed[:, -1] = 8.0  # a value the constant column never had is flagged, with a finite score
    assert np.isfinite(detector.decision_function(changed)).all()
    assert detector.predict(changed).tolist() == [1, 1, 1]
    # With the defaults the isolation forest cannot see the column (it never splits a constant one), so the
    # change weighs less; it still scores above 85 % of the training rows (measured: above 89 %).
    blended = aekit.AnomalyDetector(**quick).fit(X)
    assert (blended.decision_function(changed) > np.quantile(blended.decision_scores_, 0.85)).all()
    assert detector.decision_function(X[:1]).shape == (1,)  # a single row scores
    with pytest.raises(DataError, match="Received 1 training row; the detector needs at least 10"):
        aekit.AnomalyDetector().fit(X[:1])


def test_images_get_error_heat_maps(digits, tmp_path):
    train, test = digits
    normal = train.subset(np.flatnonzero(train.y != 0))
    detector = aekit.AnomalyDetector(hidden=[32], latent_dim=4, epochs=30, batch_size=64).fit(normal)
    maps = detector.error_maps(test.subset(slice(0, 5)))
    assert maps.shape == (5, 8, 8) and (maps >= 0).all()
    np.testing.assert_allclose(maps.mean(axis=(1, 2)), detector.decision_function(test.subset(slice(0, 5))),
                               rtol=1e-5)
    # Zeros were never seen in training: they score higher than the other digits.
    scores = detector.decision_function(test)
    assert roc_auc_score(test.y == 0, scores) > 0.8
    detector.plot_error_maps(test, tmp_path / "maps.png", count=6)
    assert (tmp_path / "maps.png").stat().st_size > 2000
    with pytest.raises(DataError, match="explain\\(\\) breaks scores down by column, for tables"):
        detector.explain(test.X[:2])
