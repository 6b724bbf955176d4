"""The conventions of scikit-learn, PyOD and Keras that aekit's Python API follows (issue 28): feature names,
set_output, random_state, NotFittedError, score directions, grid search, pickling through the run, Keras callbacks
and validation data, logging."""

from __future__ import annotations

import copy
import logging
import pickle

import keras
import numpy as np
import pandas as pd
import pytest
import sklearn.exceptions
from sklearn.base import is_outlier_detector
from sklearn.model_selection import GridSearchCV

import aekit

from .conftest import DATA_DIR, TINY


@pytest.fixture(scope="module")
def pima():
    table = np.load(DATA_DIR / "anomaly" / "29_Pima.npz")
    frame = pd.DataFrame(table["X"].astype(np.float32), columns=[f"c{i}" for i in range(table["X"].shape[1])])
    return frame, table["y"].astype(int)


@pytest.fixture(scope="module")
def fitted(pima):
    return aekit.Autoencoder(**TINY, random_state=3).fit(pima[0])


def test_feature_names_in_and_out_give_pandas_output(fitted, pima):
    frame = pima[0]
    assert list(fitted.feature_names_in_) == list(frame.columns) and fitted.n_features_in_ == frame.shape[1]
    assert list(fitted.get_feature_names_out()) == ["autoencoder0", "autoencoder1", "autoencoder2", "autoencoder3"]
    codes = copy.deepcopy(fitted).set_output(transform="pandas").transform(frame)
    assert isinstance(codes, pd.DataFrame) and list(codes.columns) == list(fitted.get_feature_names_out())
    np.testing.assert_allclose(codes.to_numpy(), fitted.transform(frame))
    unnamed = aekit.Autoencoder(**TINY).fit(frame.to_numpy())
    assert not hasattr(unnamed, "feature_names_in_")  # scikit-learn's rule: only for named columns


def test_random_state_is_the_seed_and_wins_over_it(fitted, pima):
    assert fitted.config_.seed == 3
    again = aekit.Autoencoder(**{**TINY, "seed": 0}, random_state=3).fit(pima[0])
    np.testing.assert_array_equal(again.transform(pima[0]), fitted.transform(pima[0]))
    with pytest.raises(aekit.ConfigError, match="random_state=.*expected a non-negative integer seed or None"):
        aekit.Autoencoder(**TINY, random_state=np.random.RandomState(0)).fit(pima[0])


def test_not_fitted_is_scikit_learns_error():
    with pytest.raises(sklearn.exceptions.NotFittedError, match="not fitted yet"):
        aekit.Autoencoder().transform(np.zeros((2, 3)))
    assert issubclass(aekit.NotFittedError, (aekit.AekitError, ValueError, AttributeError))


def test_scores_point_the_way_scikit_learn_says(fitted, pima):
    frame, labels = pima
    error = fitted.reconstruction_error(frame)
    np.testing.assert_allclose(fitted.score_samples(frame), -error)  # higher = more typical
    assert fitted.score(frame) == pytest.approx(float(np.mean(-error)))
    detector = aekit.AnomalyDetector(**TINY).fit(frame[labels == 0])
    decision = detector.decision_function(frame)  # PyOD: higher = more anomalous
    np.testing.assert_allclose(detector.score_samples(frame), -decision)
    confidence = detector.predict_confidence(frame)
    assert confidence.shape == (len(frame),) and ((confidence >= 0) & (confidence <= 1)).all()
    # A score far above the threshold is an anomaly with near certainty; one at the threshold is a toss-up.
    far, near = np.argmax(decision), np.argmin(np.abs(decision - detector.threshold_))
    assert confidence[far] > 0.99 and confidence[near] < confidence[far]
    assert is_outlier_detector(detector)


def test_grid_search_over_latent_dim_picks_by_score(pima):
    search = GridSearchCV(aekit.Autoencoder(hidden=[16], epochs=20, batch_size=32, learning_rate=3e-3),
                          {"latent_dim": [1, 6]}, cv=2)
    search.fit(pima[0])
    scores = search.cv_results_["mean_test_score"]
    assert search.best_params_ == {"latent_dim": 6}, scores  # keeps more of the eight columns: a smaller error
    assert search.best_estimator_.transform(pima[0]).shape == (len(pima[0]), 6)


def test_a_fitted_estimator_pickles_as_its_run(fitted, pima):
    data = pickle.dumps(fitted)
    assert b"model.keras" in data and b"aekit.json" in data  # the run directory's files, zipped
    back = pickle.loads(data)
    np.testing.assert_array_equal(back.transform(pima[0]), fitted.transform(pima[0]))
    assert back.run_dir_ is None and back.get_params() == fitted.get_params()
    unfitted = pickle.loads(pickle.dumps(aekit.Autoencoder(latent_dim=3)))
    assert unfitted.latent_dim == 3 and not hasattr(unfitted, "model_")


def test_callbacks_and_validation_data_reach_keras(pima):
    frame = pima[0]

    class Recorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.logs = []

        def on_epoch_end(self, epoch, logs=None):
            self.logs.append(dict(logs))
            if epoch == 1:
                self.model.stop_training = True  # a caller's own stopping rule

    recorder = Recorder()
    model = aekit.Autoencoder(**{**TINY, "epochs": 6}).fit(frame[:600], validation_data=frame[600:],
                                                             callbacks=[recorder])
    assert len(recorder.logs) == 2 == len(model.history_["loss"])
    assert {"loss", "val_loss", "learning_rate"} <= set(recorder.logs[0])
    assert model.metrics_["validation"]["samples"] == len(frame) - 600
    with pytest.raises(aekit.DataError, match="validation_data"):
        aekit.Autoencoder(**TINY).fit(frame, validation_data=frame.iloc[:, :3].to_numpy())


def test_notes_go_through_the_aekit_logger(pima, caplog):
    with caplog.at_level(logging.INFO, logger="aekit"):
        aekit.Autoencoder(**TINY, verbose=1).fit(pima[0])
    assert any(record.name == "aekit" and "training" in record.getMessage() for record in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="aekit"):
        aekit.Autoencoder(**TINY).fit(pima[0])
    assert not [r for r in caplog.records if r.name == "aekit" and r.levelno >= logging.INFO]


def test_plots_leave_pyplot_and_its_backend_alone(tmp_path):
    import matplotlib
    from matplotlib.figure import Figure

    from aekit.core.plots import plot_loss

    matplotlib.use("svg")  # a notebook's or a user's choice
    figure = plot_loss({"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 1.5]}, tmp_path / "loss.png")
    assert isinstance(figure, Figure) and (tmp_path / "loss.png").stat().st_size > 1000
    assert matplotlib.get_backend() == "svg"
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []  # nothing left open in pyplot
