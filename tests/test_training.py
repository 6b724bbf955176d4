"""Training behaviour: determinism, kill -9 and --resume, the NaN guard, TensorBoard output, the MNIST run."""

from __future__ import annotations

import json
import pickle
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import aekit
from aekit.errors import TrainingError

from .conftest import run_cli

RUN_FILES = ["model.keras", "aekit.json", "history.csv", "loss.png", "reconstructions.png", "tensorboard"]


def test_same_seed_gives_identical_results(digits):
    train, test = digits
    params = {"hidden": [32], "latent_dim": 6, "epochs": 4, "dropout": 0.1, "noise": "gaussian", "seed": 7}
    first = aekit.Autoencoder(**params).fit(train)
    second = aekit.Autoencoder(**params).fit(train)
    assert first.history_ == second.history_
    np.testing.assert_array_equal(first.transform(test), second.transform(test))
    other = aekit.Autoencoder(**{**params, "seed": 8}).fit(train)
    assert other.history_["loss"] != first.history_["loss"]


def test_nan_guard_stops_with_a_clear_message(table_csv):
    data = aekit.data.load(data=str(table_csv), label_column="Class")
    model = aekit.Autoencoder(hidden=[16], latent_dim=2, optimizer="sgd", learning_rate=1e8, momentum=0.0,
                              schedule="constant", epochs=5)
    with pytest.raises(TrainingError, match="loss became NaN or infinite in epoch 1.*Lower the learning rate"):
        model.fit(data)


def test_a_training_of_few_steps_runs_eagerly_and_learns_what_the_graph_learns(digits, monkeypatch):
    """Up to EAGER_MAX_STEPS steps in all, tracing the step would cost more than the training
    (benchmarks/small_fits.py): the step runs eagerly, the model is the one a graph gives, and inference is
    traced again after training."""
    import keras

    from aekit.training import fit as training

    rule, chosen = training.runs_eagerly, []
    monkeypatch.setattr(training, "runs_eagerly", lambda steps: chosen.append((steps, rule(steps))) or rule(steps))
    assert rule(8) and rule(16) == (keras.backend.backend() == "tensorflow") and not rule(17)
    X = digits[0].X[:64]
    params = {"hidden": [16], "latent_dim": 4, "dropout": 0.1, "batch_size": 32, "validation_split": 0.0, "seed": 3}
    eager = aekit.Autoencoder(**params, epochs=4).fit(X)  # 2 steps per epoch: 8 in all
    assert eager.history_ == aekit.Autoencoder(**params, epochs=4).fit(X).history_  # still deterministic
    aekit.Autoencoder(**params, epochs=10).fit(X)
    assert chosen == [(8, True), (8, True), (20, False)]
    assert not eager.model_.run_eagerly and not pickle.loads(pickle.dumps(eager)).model_.run_eagerly
    monkeypatch.setattr(training, "runs_eagerly", lambda steps: False)
    graph = aekit.Autoencoder(**params, epochs=4).fit(X)
    np.testing.assert_allclose(eager.history_["loss"], graph.history_["loss"], rtol=1e-5)
    np.testing.assert_allclose(eager.transform(X), graph.transform(X), rtol=1e-4, atol=1e-5)


def _history(run):
    from aekit.runs import read_history

    return read_history(run / "history.csv")


def test_kill_9_during_epoch_3_then_resume_matches_an_uninterrupted_run(tmp_path):
    args = ["train", "--dataset", "mnist", "--max-samples", "10000", "--hidden", "256,64", "--latent-dim", "16",
            "--epochs", "5", "--dropout", "0.1", "--quiet"]
    straight = tmp_path / "straight"
    assert run_cli(*args, "-o", straight).returncode == 0

    killed = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-m", "aekit.cli", *args, "-o", str(killed)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pointer = killed / "checkpoint" / "latest"
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None:
        if pointer.is_file() and pointer.read_text().strip() == "epoch-0002":
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "training ended before it could be killed in epoch 3"
    assert not (killed / "model.keras").exists()

    resumed = run_cli("train", "--resume", "-o", killed, "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    expected, got = _history(straight), _history(killed)
    assert list(got) == list(expected) and len(got["loss"]) == 5
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, err_msg=key)


def _tensorboard_tags(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    tags = {}
    for events in folder.rglob("events.out.tfevents.*"):
        accumulator = EventAccumulator(str(events.parent), size_guidance={"images": 0, "tensors": 0})
        accumulator.Reload()
        for kind, names in accumulator.Tags().items():
            if isinstance(names, list):
                tags.setdefault(kind, set()).update(names)
    return tags


@pytest.mark.slow
def test_hinton2006_on_mnist_writes_a_full_run_and_evaluates(tmp_path):
    run = tmp_path / "h2006"
    # Half of MNIST: two epochs of it already beat PCA (10.4 against 13.76), in half the time of all 60,000.
    result = run_cli("train", "--dataset", "mnist", "--model", "deep", "--preset", "hinton2006", "--epochs", "2",
                     "--max-samples", "30000", "-o", run)
    assert result.returncode == 0, result.stderr
    for name in RUN_FILES:
        assert (run / name).exists(), name
    meta = json.loads((run / "aekit.json").read_text())
    assert meta["config"]["hidden"] == [1000, 500, 250] and meta["config"]["latent_dim"] == 30
    assert {"scaler", "data", "metrics", "versions", "config"} <= meta.keys()
    assert meta["versions"]["keras"] and len(meta["data"]["fingerprint"]) == 16

    tags = _tensorboard_tags(run / "tensorboard")
    assert {"epoch_loss", "epoch_learning_rate"} <= tags.get("tensors", set()) | tags.get("scalars", set())
    image_tags = tags.get("tensors", set()) | tags.get("images", set())
    assert "originals_above_reconstructions" in image_tags

    evaluated = run_cli("evaluate", run, "--dataset", "mnist", "--split", "test", "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    report = json.loads(evaluated.stdout)
    assert report["samples"] == 10000
    # Two epochs already beat PCA with 30 components (13.76 on these files).
    assert report["squared_error_per_sample"] < 13.76
