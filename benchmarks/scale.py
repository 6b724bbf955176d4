"""Scale: streaming training on CSV shards of 0.5, 2 and 5 GB in bounded memory, scoring split across processes,
and a model of multi-worker training time from the measured single-machine throughput.

Parts (``--only``, comma-separated; a part not run is kept from the last result file):
- ``memory``: generates CSV shards of 128 MB (a transaction-like table: 30 float columns from 8 latent factors plus
  noise, a 0/1 ``Class`` column) totalling 0.5, 2 and 5 GB under ``--scratch``, and runs
  ``aekit train --data 'DIR/*.csv' --stream`` (1 epoch, the CLI's defaults otherwise) on each in a process of its
  own, recording its peak resident memory (``wait4``'s ``ru_maxrss``), wall time and rows/s. For contrast, the
  same command with ``--no-stream`` on the 0.5 GB set reads everything into memory first.
- ``jobs``: ``aekit detect score`` (a detector fitted on 50,000 rows) and ``aekit encode --stream`` (the 0.5 GB
  run) over the 0.5 GB set's four shards with ``--jobs`` 1, 2 and 4, ``--repeats`` times each (median rows/s).
- ``cluster``: from ``results/throughput.json`` (one machine's training rate) and each model's parameter bytes,
  the time per epoch on 1, 8 and 64 workers joined by a 10 or 100 Gb/s network, data-parallel with a ring
  all-reduce of the gradients every step (each worker keeps the benchmark's batch).

    python -m benchmarks.scale [--only memory,jobs,cluster] [--scratch /tmp/aekit-scale]  # -> results/scale.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from ._common import RESULTS, kept_parts, median, write_result
from .scale_cluster import cluster_model

SEED = 0
SIZES_GB = (0.5, 2.0, 5.0)
SHARD_BYTES = 128 << 20
COLUMNS, FACTORS = 30, 8
MEMORY_GOAL_GB = 2.0
PARTS = ("memory", "jobs", "cluster")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def make_shards(folder: Path, gigabytes: float) -> list[Path]:
    """CSV shards of about SHARD_BYTES each until ``gigabytes`` are written (kept for the next run)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv

    done = folder / "complete"
    if done.exists():
        return sorted(folder.glob("part-*.csv"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    mixing = rng.normal(size=(FACTORS, COLUMNS))
    names = [f"V{j + 1}" for j in range(COLUMNS)] + ["Class"]
    target, written, index = gigabytes * 1e9, 0, 0
    while written < target:
        path = folder / f"part-{index:04d}.csv"
        with pa.OSFile(str(path), "wb") as sink:
            writer = None
            while sink.tell() < SHARD_BYTES and written + sink.tell() < target:
                rows = 100_000
                values = rng.normal(size=(rows, FACTORS)) @ mixing + 0.1 * rng.normal(size=(rows, COLUMNS))
                labels = (rng.random(rows) < 0.002).astype(np.int8)
                table = pa.table([pa.array(np.round(values[:, j], 5).astype(np.float32)) for j in range(COLUMNS)]
                                 + [pa.array(labels)], names=names)
                writer = writer or pcsv.CSVWriter(sink, table.schema)
                writer.write_table(table)
            writer.close()
            written += sink.tell()
        index += 1
    done.write_text(str(written))
    return sorted(folder.glob("part-*.csv"))


def run_measured(command: list[str]) -> dict:
    """Run ``command``; its wall time, peak resident memory (of the process itself) and output."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage, peak memory included
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return {"seconds": round(seconds, 1), "peak_bytes": usage.ru_maxrss * 1024, "stdout": stdout}


def aekit(*args) -> list[str]:
    return [str(Path(sys.executable).with_name("aekit")), *map(str, args)]


def memory_part(scratch: Path) -> dict:
    rows = []
    for size in SIZES_GB:
        folder = scratch / f"csv-{size:g}gb"
        started = time.perf_counter()
        shards = make_shards(folder, size)
        log(f"{size:g} GB: {len(shards)} shards ready ({time.perf_counter() - started:.0f} s)")
        run = scratch / f"run-{size:g}gb"
        measured = run_measured(aekit("train", "--data", folder / "part-*.csv", "--label-column", "Class", "--stream",
                                      "--epochs", 1, "--quiet", "-o", run))
        rows.append(_memory_row(size, shards, measured, streamed=True))
        log(f"  stream: peak {rows[-1]['peak_gb']:.2f} GB, {rows[-1]['seconds']:.0f} s, "
            f"{rows[-1]['rows_per_second']:,} rows/s")
    folder = scratch / f"csv-{SIZES_GB[0]:g}gb"
    measured = run_measured(aekit("train", "--data", folder / "part-*.csv", "--label-column", "Class", "--no-stream",
                                  "--epochs", 1, "--quiet", "-o", scratch / "run-in-memory"))
    rows.append(_memory_row(SIZES_GB[0], sorted(folder.glob("part-*.csv")), measured, streamed=False))
    log(f"  in memory: peak {rows[-1]['peak_gb']:.2f} GB, {rows[-1]['seconds']:.0f} s")
    return {"goal_peak_gb": MEMORY_GOAL_GB, "rows": rows,
            "goal_met": all(r["peak_gb"] < MEMORY_GOAL_GB for r in rows if r["streamed"])}


def _memory_row(size: float, shards: list[Path], measured: dict, streamed: bool) -> dict:
    out = measured["stdout"]
    streamed_rows = re.search(r"Streamed ([\d,]+) rows", out)
    training = re.search(r"; ([\d.]+) s; scaling", out)
    survey = re.search(r"survey pass ([\d.]+) s", out)
    total = int(streamed_rows.group(1).replace(",", "")) if streamed_rows else None
    return {"size_gb": size, "files": len(shards), "bytes": sum(p.stat().st_size for p in shards),
            "streamed": streamed, "rows": total, "peak_gb": round(measured["peak_bytes"] / 1e9, 3),
            "seconds": measured["seconds"], "training_seconds": float(training.group(1)) if training else None,
            "survey_seconds": float(survey.group(1)) if survey else None,
            "rows_per_second": round(total / measured["seconds"]) if total else None}


def jobs_part(scratch: Path, repeats: int) -> dict:
    folder = scratch / f"csv-{SIZES_GB[0]:g}gb"
    shards = make_shards(folder, SIZES_GB[0])
    sample = scratch / "fit-sample.csv"
    with open(shards[0]) as source, open(sample, "w") as target:
        for _, line in zip(range(50_001), source):
            target.write(line)
    detector = scratch / "detector"
    run_measured(aekit("detect", "fit", "--data", sample, "--label-column", "Class", "-o", detector))
    autoencoder = scratch / f"run-{SIZES_GB[0]:g}gb"
    if not (autoencoder / "aekit.json").exists():
        run_measured(aekit("train", "--data", folder / "part-*.csv", "--label-column", "Class", "--stream",
                           "--epochs", 1, "--quiet", "-o", autoencoder))
    commands = {
        "detect score": lambda jobs: aekit("detect", "score", detector, "--data", folder / "part-*.csv", "--jobs", jobs,
                                           "-o", scratch / "scored.csv"),
        "encode": lambda jobs: aekit("encode", autoencoder, "--data", folder / "part-*.csv", "--label-column",
                                     "Class", "--stream", "--jobs", jobs, "-o", scratch / "codes.npy"),
    }
    rows = []
    for name, command in commands.items():
        for jobs in (1, 2, 4):
            rates, walls = [], []
            for _ in range(repeats):
                measured = run_measured(command(jobs))
                rates.append(float(re.search(r"\(([\d,]+) rows/s", measured["stdout"]).group(1).replace(",", "")))
                walls.append(measured["seconds"])
            rows.append({"command": name, "jobs": jobs, "rows_per_second": round(median(rates)),
                         "rows_per_second_runs": [round(r) for r in rates], "wall_seconds": round(median(walls), 1)})
            log(f"{name} --jobs {jobs}: {rows[-1]['rows_per_second']:,} rows/s ({rows[-1]['wall_seconds']} s wall)")
    return {"files": len(shards), "bytes": sum(p.stat().st_size for p in shards), "repeats": repeats, "rows": rows,
            "cores": os.cpu_count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(PARTS))
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/aekit-scale"))
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    # The figures come from CLI processes; importing what they run here records that code with the result.
    import aekit.tasks.anomaly.cli_data  # noqa: F401

    import aekit.cli  # noqa: F401
    import aekit.estimator.stream_encoding  # noqa: F401
    import aekit.training.streaming  # noqa: F401
    started = time.time()
    parts = [p for p in args.only.split(",") if p]
    measured: dict = {}
    if "memory" in parts:
        measured["memory"] = memory_part(args.scratch)
    if "jobs" in parts:
        measured["jobs"] = jobs_part(args.scratch, args.repeats)
    if "cluster" in parts:
        measured["cluster"] = cluster_model(json.loads((RESULTS / "throughput.json").read_text()))
    payload = {**kept_parts("scale", PARTS, measured), **measured, "seed": SEED}
    print(write_result("scale", payload, started))


if __name__ == "__main__":
    main()
