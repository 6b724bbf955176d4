"""Streaming scoring: text copied through exactly, missing-value words, errors from threads, no partial files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.errors import DataError
from aekit.tasks.anomaly import streaming
from aekit.tasks.anomaly.background import OrderedWorker, prefetched


@pytest.fixture(scope="module")
def detector():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(400, 2))
    frame = pd.DataFrame(np.column_stack([base, base @ [1.0, -0.5]]), columns=["a", "b", "c"])
    return aekit.AnomalyDetector(hidden=[8], latent_dim=2, epochs=3, batch_size=64).fit(frame)


def test_feature_text_is_copied_through_exactly_and_missing_words_are_nan(detector, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,a,b,c\nx1,1.50,-0.25,1.625\nx2, 2 ,1e-1,NA\nx3,0.0,,3\n")
    out = tmp_path / "out.csv"
    with pytest.raises(DataError, match="data row 1, column 'c'"):  # NA is a missing value: error by default
        streaming.score_file(detector, source, out)
    assert not out.exists()
    summary = streaming.score_file(detector, source, out, nan_policy="impute")
    assert summary.rows_written == 3 and summary.imputed == 2
    lines = out.read_text().splitlines()
    assert lines[0] == "id,a,b,c,score,is_anomaly,top1,top2,top3"
    # The input columns come out as they went in: "1.50" stays "1.50", " 2 " keeps its spaces, NA stays NA.
    assert [line.split(",")[:4] for line in lines[1:]] == [["x1", "1.50", "-0.25", "1.625"],
                                                          ["x2", " 2 ", "1e-1", "NA"], ["x3", "0.0", "", "3"]]
    scored = pd.read_csv(out)
    np.testing.assert_allclose(scored["score"].iloc[:1], detector.decision_function(
        pd.DataFrame({"a": [1.5], "b": [-0.25], "c": [1.625]})), rtol=1e-5)


def test_a_failure_in_a_later_chunk_leaves_no_partial_output(detector, tmp_path, monkeypatch):
    monkeypatch.setattr(streaming, "CSV_BLOCK_BYTES", 256)  # many small chunks
    rows = [f"{i * 0.01:.2f},{i * 0.02:.2f},{i * 0.03:.2f}" for i in range(300)]
    rows[250] = "0.1,oops,0.3"
    source = tmp_path / "in.csv"
    source.write_text("a,b,c\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out.csv"
    out.write_text("previous result\n")
    with pytest.raises(DataError, match="column 'b' holds the non-numeric value 'oops' in data row 250"):
        streaming.score_file(detector, source, out)
    assert out.read_text() == "previous result\n"  # the old output is untouched, no temporary file left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_prefetched_keeps_order_hands_back_errors_and_stops_early():
    def items():
        yield from range(5)
        raise ValueError("broken at 5")

    seen = []
    with pytest.raises(ValueError, match="broken at 5"):
        for item in prefetched(items(), depth=2):
            seen.append(item)
    assert seen == [0, 1, 2, 3, 4]
    produced = []

    def endless():
        for i in range(10_000):
            produced.append(i)
            yield i

    for item in prefetched(endless(), depth=2):
        if item == 3:
            break
    assert len(produced) < 10  # the producer stopped soon after the consumer left


def test_ordered_worker_runs_jobs_in_order_and_reports_the_first_failure():
    done = []
    worker = OrderedWorker(depth=1)
    for i in range(5):
        worker.submit(lambda i=i: done.append(i))
    worker.finish()
    assert done == [0, 1, 2, 3, 4]
    failing = OrderedWorker()
    failing.submit(lambda: 1 / 0)
    failing.submit(lambda: done.append("never"))
    with pytest.raises(ZeroDivisionError):
        failing.finish()
    assert "never" not in done
