"""Two workers on 127.0.0.1 train as one process does, and a restarted group resumes from the chief's checkpoint."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from aekit.errors import ConfigError
from aekit.training import distributed
from tests.conftest import run_cli

TRAIN = ["train", "--dataset", "digits", "--hidden", "64", "--latent-dim", "8", "--epochs", "12", "--batch-size", "32",
         "--seed", "3", "--quiet"]


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _start_workers(output, extra=()):
    addresses = ",".join(f"127.0.0.1:{port}" for port in _free_ports(2))
    return [subprocess.Popen([sys.executable, "-m", "aekit.cli", *extra, "-o", str(output), "--workers", addresses,
                              "--worker-index", str(index)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
            for index in range(2)]


def _latest_epoch(output) -> int:
    try:
        return int((output / "checkpoint" / "latest").read_text().strip().split("-")[1])
    except (OSError, IndexError, ValueError):
        return 0


def test_two_workers_match_one_process_and_a_killed_group_resumes_from_the_chiefs_checkpoint(tmp_path):
    single = run_cli(*TRAIN, "-o", tmp_path / "single")
    assert single.returncode == 0, single.stderr
    shared = tmp_path / "shared"  # one run directory for both workers, as on a shared volume
    workers = _start_workers(shared, TRAIN)
    deadline = time.monotonic() + 300
    while _latest_epoch(shared) < 3 and all(w.poll() is None for w in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    killed_at = _latest_epoch(shared)
    for worker in workers:
        worker.send_signal(signal.SIGKILL)
        worker.communicate()
    assert 3 <= killed_at < 12, f"the group was not stopped mid-run (latest checkpoint: epoch {killed_at})"
    assert not (shared / "model.keras").exists()

    resumed = _start_workers(shared, ["train", "--resume", "--quiet"])
    outputs = [w.communicate(timeout=600) for w in resumed]
    for worker, (_, err) in zip(resumed, outputs):
        assert worker.returncode == 0, err
    assert "Worker done: 12 epochs" in outputs[1][0] and f"Wrote {shared}" in outputs[0][0]
    ours = pd.read_csv(shared / "history.csv")
    reference = pd.read_csv(tmp_path / "single" / "history.csv")
    assert len(ours) == len(reference) == 12
    # The same global batches, the gradients all-reduced: the same curve up to float summation order.
    for column in ("loss", "val_loss"):
        np.testing.assert_allclose(ours[column], reference[column], rtol=1e-3)
    assert ours["loss"].iloc[-1] < 0.6 * ours["loss"].iloc[0]


def test_worker_settings_are_checked_before_anything_starts(monkeypatch):
    for workers, index, message in (("127.0.0.1:7000", 0, "one address"),
                                    ("127.0.0.1:7000,127.0.0.1:x", 0, "expected HOST:PORT"),
                                    ("127.0.0.1:7000,127.0.0.1:7001", 2, "expected 0 to 1"),
                                    ("127.0.0.1:7000,127.0.0.1:7001", None, "needs both")):
        with pytest.raises(ConfigError, match=message):
            distributed.parse_workers(workers, index)
    monkeypatch.delenv("KERAS_DISTRIBUTION_JOB_ADDRESSES", raising=False)
    assert distributed.parse_workers(None, None) is None
    monkeypatch.setenv("KERAS_DISTRIBUTION_JOB_ADDRESSES", "a:1,b:2")
    monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "1")
    assert distributed.parse_workers(None, None) == distributed.Workers(("a:1", "b:2"), 1)
    result = run_cli("train", "--dataset", "digits", "--workers", "127.0.0.1:7000", "--worker-index", "0")
    assert result.returncode == 2 and "one address" in result.stderr


def test_the_tensorflow_backend_is_refused_with_the_way_out():
    import keras

    if keras.backend.backend() == "jax":
        pytest.skip("this process runs JAX")
    with pytest.raises(ConfigError, match="KERAS_BACKEND=jax"):
        distributed.start(distributed.Workers(("127.0.0.1:1", "127.0.0.1:2"), 0))
