"""`aekit detect score` streams: a 2-million-row CSV scores with peak memory under 1.5 GB."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from .conftest import run_cli

ROWS = 2_000_000
LIMIT_MB = 1536


def write_table(path, rows: int, seed: int, chunk: int = 250_000) -> None:
    """A 30-column numeric CSV (6 hidden factors plus noise, 4 decimals), written chunk by chunk."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    mixing = np.random.default_rng(12345).normal(size=(6, 30))
    with pa.OSFile(str(path), "wb") as sink:
        for start in range(0, rows, chunk):
            rng = np.random.default_rng(seed + start)
            n = min(chunk, rows - start)
            X = np.round(rng.normal(size=(n, 6)) @ mixing + 0.3 * rng.normal(size=(n, 30)), 4).astype(np.float32)
            table = pa.table({f"f{i}": X[:, i] for i in range(30)})
            pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=start == 0, quoting_style="none"))


@pytest.mark.slow
def test_two_million_rows_score_in_bounded_memory(tmp_path):
    write_table(tmp_path / "train.csv", 5_000, seed=1)
    fit = run_cli("detect", "fit", "--data", tmp_path / "train.csv", "--epochs", "3", "--quiet", "-o", tmp_path / "run")
    assert fit.returncode == 0, fit.stderr
    big = tmp_path / "big.csv"
    write_table(big, ROWS, seed=2)
    assert big.stat().st_size > 400 * 2**20  # ~0.5 GB: the file alone would not fit the budget several times over
    # A wrapper process runs the scorer, so RUSAGE_CHILDREN measures the scorer alone.
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
    out = tmp_path / "scored.csv"
    command = [sys.executable, "-c", probe, sys.executable, "-m", "aekit.cli", "detect", "score", tmp_path / "run",
               "--data",
               big, "-o", out]
    result = subprocess.run(list(map(str, command)), capture_output=True, text=True, env=dict(os.environ),
                            timeout=600)
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout.strip().splitlines()[-1]) / 1024
    assert f"Scored {ROWS:,} rows" in result.stdout
    assert peak_mb < LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"
    lines = 0
    with open(out, "rb") as handle:
        while block := handle.read(1 << 24):
            lines += block.count(b"\n")
    assert lines == ROWS + 1
