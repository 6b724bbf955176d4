"""`aekit detect`: fit, score, report and explain on the fraud sample, and each kind of bad input (exit code 2)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from .conftest import DATA_DIR, DETECTOR_QUICK, as_flags, run_cli
from .test_cli_errors import assert_bad_input

CREDITCARD = DATA_DIR / "creditcard-sample.csv"
SMALL = [*as_flags({**DETECTOR_QUICK, "epochs": 8}), "--quiet"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """600 rows of the fraud sample (all columns), as a frame and a CSV."""
    folder = tmp_path_factory.mktemp("detect")
    frame = pd.read_csv(CREDITCARD).head(600)
    frame.to_csv(folder / "sample.csv", index=False)
    return frame, folder


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "fraud"
    result = run_cli("detect", "fit", "--data", CREDITCARD, "--label-column", "Class", "--normal-only",
                     "--contamination", "0.02", *SMALL, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "trained on" in result.stdout and "normal rows x 29 columns" in result.stdout
    return out


def test_fit_writes_a_complete_artifact(run):
    meta = json.loads((run / "aekit.json").read_text())
    assert meta["estimator"] == "AnomalyDetector"
    assert meta["feature_names"] == [f"V{i}" for i in range(1, 29)] + ["Amount"]  # names and order; no Class
    assert meta["scaler"]["method"] == "standard" and len(meta["scaler"]["offset"]) == 29
    assert meta["anomaly"]["threshold"] > 0 and meta["anomaly"]["threshold_strategy"] == "contamination"
    assert meta["anomaly"]["training_scores"]["count"] == 5446  # the normal rows only
    assert meta["anomaly"]["score"]["method"] == "mahalanobis"  # the default for tables
    for name in ("model.keras", "decision_scores.npy", "residual_precision.npy", "scores.png", "loss.png"):
        assert (run / name).is_file(), name


def test_score_adds_score_flag_and_top_columns(run, sample, tmp_path):
    frame, folder = sample
    out = tmp_path / "scored.csv"
    result = run_cli("detect", "score", run, "--data", folder / "sample.csv", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "Scored 600 rows" in result.stdout and "Copied through, not scored: Class" in result.stdout
    scored = pd.read_csv(out)
    assert list(scored.columns) == list(frame.columns) + ["score", "is_anomaly", "top1", "top2", "top3"]
    np.testing.assert_allclose(scored[frame.columns].to_numpy(), frame.to_numpy(), rtol=1e-6)  # rows unchanged
    assert set(scored["is_anomaly"]) <= {0, 1}
    assert scored["top1"].isin(frame.columns).all() and (scored["top1"] != scored["top2"]).all()
    fraud, normal = scored["Class"] == 1, scored["Class"] == 0
    assert scored.loc[fraud, "is_anomaly"].mean() > 0.6 > 0.1 > scored.loc[normal, "is_anomaly"].mean()

    # Parquet in and out, reordered columns and an extra id column: matched by name, the same scores.
    shuffled = frame[list(reversed(frame.columns))].assign(txn_id=[f"t{i}" for i in range(len(frame))])
    shuffled.to_parquet(tmp_path / "shuffled.parquet")
    result = run_cli("detect", "score", run, "--data", tmp_path / "shuffled.parquet", "-o", tmp_path / "s.parquet",
                     "--top", "1")
    assert result.returncode == 0, result.stderr
    again = pd.read_parquet(tmp_path / "s.parquet")
    assert list(again.columns) == list(shuffled.columns) + ["score", "is_anomaly", "top1"]
    np.testing.assert_allclose(again["score"], scored["score"], rtol=1e-5)
    assert list(again["txn_id"][:2]) == ["t0", "t1"]


def test_report_writes_curves_histogram_confusion_and_metrics(run, tmp_path):
    out = tmp_path / "report"
    result = run_cli("detect", "report", run, "--data", CREDITCARD, "--label-column", "Class", "-o", out)
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["rows"] == 5919 and metrics["anomalies"] == 473
    assert metrics["auc_roc"] > 0.9 and 0 < metrics["auc_pr"] <= 1
    counts = metrics["at_threshold"]
    assert counts["true_positives"] + counts["false_negatives"] == 473
    assert counts["true_positives"] + counts["false_positives"] == metrics["flagged"]
    for name in ("roc.png", "precision_recall.png", "scores.png", "confusion_matrix.png"):
        assert (out / name).stat().st_size > 5000, name
    assert "AUC-ROC" in result.stdout

    unlabelled = tmp_path / "unlabelled"
    result = run_cli("detect", "report", run, "--data", CREDITCARD, "-o", unlabelled)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in unlabelled.iterdir() if not p.name.startswith(".")) == ["metrics.json", "scores.png"]


def test_explain_prints_the_top_rows_and_their_columns(run, sample):
    _, folder = sample
    result = run_cli("detect", "explain", run, "--data", folder / "sample.csv", "--count", "2", "--top", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].split() == ["row", "score", "is_anomaly", "rank", "feature", "value", "expected",
                                "contribution", "share"]
    assert len(lines) == 1 + 2 * 3
    chosen = run_cli("detect", "explain", run, "--data", folder / "sample.csv", "--rows", "0,5", "--top", "1")
    assert chosen.returncode == 0 and [line.split()[0] for line in chosen.stdout.splitlines()[1:]] == ["0", "5"]
    assert_bad_input(run_cli("detect", "explain", run, "--data", folder / "sample.csv", "--rows", "9999"),
                     "Rows [9999] are outside sample.csv, which has data rows 0 to 599")


# -- bad input -------------------------------------------------------------------------------------------------
def test_score_with_missing_columns_names_them(run, sample, tmp_path):
    frame, _ = sample
    path = tmp_path / "missing.csv"
    frame.drop(columns=["V3", "Amount"]).rename(columns={"V7": "V7x"}).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    assert_bad_input(run_cli("detect", "score", run, "--data", path, "-o", out),
                     "missing.csv lacks 3 of the model's 29 feature columns: V3, V7, Amount.", 'Did you mean "V7x"?',
                     "matched by name")
    assert not out.exists() and list(tmp_path.iterdir()) == [path]  # nothing half-written


def test_nan_cells_error_or_follow_the_policy(run, sample, tmp_path):
    frame, _ = sample
    path = tmp_path / "holes.csv"
    holes = frame.head(20).copy()
    holes.loc[3, "V2"] = np.nan
    holes.to_csv(path, index=False)
    assert_bad_input(run_cli("detect", "score", run, "--data", path, "-o", tmp_path / "x.csv"),
                     "data row 3, column 'V2'", "--nan-policy impute", "--nan-policy drop")
    result = run_cli("detect", "score", run, "--data", path, "-o", tmp_path / "dropped.csv", "--nan-policy", "drop")
    assert result.returncode == 0 and len(pd.read_csv(tmp_path / "dropped.csv")) == 19
    result = run_cli("detect", "score", run, "--data", path, "-o", tmp_path / "imputed.csv", "--nan-policy", "impute")
    assert result.returncode == 0 and "1 cells imputed" in result.stdout
    assert np.isfinite(pd.read_csv(tmp_path / "imputed.csv")["score"]).all()


def test_text_in_a_feature_column(run, sample, tmp_path):
    frame, _ = sample
    path = tmp_path / "text.csv"
    bad = frame.head(5).astype({"V4": object})
    bad.loc[2, "V4"] = "n/a?"
    bad.to_csv(path, index=False)
    assert_bad_input(run_cli("detect", "score", run, "--data", path, "-o", tmp_path / "x.csv"),
                     "column 'V4' holds the non-numeric value 'n/a?'")


def test_a_single_row_file_scores_but_cannot_train(run, sample, tmp_path):
    frame, _ = sample
    path = tmp_path / "one.csv"
    frame.head(1).to_csv(path, index=False)
    result = run_cli("detect", "score", run, "--data", path, "-o", tmp_path / "one-scored.csv")
    assert result.returncode == 0, result.stderr
    assert len(pd.read_csv(tmp_path / "one-scored.csv")) == 1
    out = tmp_path / "run-one"
    assert_bad_input(run_cli("detect", "fit", "--data", path, "--label-column", "Class", *SMALL, "-o", out),
                     "Received 1 training row; the detector needs at least 10")
    assert not out.exists()
    empty = tmp_path / "header-only.csv"
    empty.write_text(",".join(frame.columns) + "\n")
    assert_bad_input(run_cli("detect", "score", run, "--data", empty, "-o", tmp_path / "e.csv"),
                     "has a header but no data rows")


@pytest.mark.parametrize("values,expected", [
    ([0, 1, 2], "found 3 distinct values (0, 1, 2)"),
    (["ok", "fraud"], "found 2 distinct values ('ok', 'fraud')"),
])
def test_label_column_must_be_zero_or_one(sample, tmp_path, values, expected):
    frame, _ = sample
    path = tmp_path / "labels.csv"
    frame.head(60).assign(Class=[values[i % len(values)] for i in range(60)]).to_csv(path, index=False)
    out = tmp_path / "run"
    assert_bad_input(run_cli("detect", "fit", "--data", path, "--label-column", "Class", "--normal-only", *SMALL,
                             "-o", out),
                     "The labels in the label column 'Class' must be 0 (normal) or 1 (anomaly)", expected)
    assert not out.exists()


def test_constant_columns_train_and_score(sample, tmp_path):
    frame, _ = sample
    path = tmp_path / "constant.csv"
    frame.head(300).assign(const=3.5, zero=0).to_csv(path, index=False)
    out = tmp_path / "run"
    result = run_cli("detect", "fit", "--data", path, "--label-column", "Class", *SMALL, "-o", out)
    assert result.returncode == 0, result.stderr
    scored = tmp_path / "scored.csv"
    assert run_cli("detect", "score", out, "--data", path, "-o", scored).returncode == 0
    assert np.isfinite(pd.read_csv(scored)["score"]).all()


def test_other_bad_invocations(run, sample, tmp_path):
    _, folder = sample
    assert_bad_input(run_cli("detect", "score", tmp_path / "nowhere", "--data", folder / "sample.csv", "-o",
                             tmp_path / "o.csv"),
                     "No saved model")
    assert_bad_input(run_cli("detect", "score", run, "--data", folder / "sample.csv", "-o", tmp_path / "o.json"),
                     "expected a file ending in .csv, .tsv or .parquet")
    result = run_cli("detect", "fit", "--data", folder / "sample.csv", "--normal-only", "-o", tmp_path / "r")
    assert result.returncode == 2 and "--normal-only keeps the rows labelled 0, so it needs --label-column" in \
        result.stderr


def test_every_detect_command_has_help_with_an_example():
    from click.testing import CliRunner

    from aekit.cli import cli

    for command in ("fit", "score", "report", "explain"):
        result = CliRunner().invoke(cli, ["detect", command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, command
    assert "Example" in CliRunner().invoke(cli, ["detect", "--help"]).output
