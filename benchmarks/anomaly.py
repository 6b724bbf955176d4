"""Anomaly detection on the ADBench tables in ../shared/data/anomaly: aekit's defaults vs eight baselines.

Protocols (the same splits for every method, within one run):
  semi    semi-supervised, as our sources describe it: per seed, split the normal rows 70/30, train on the 70 %,
          test on the other 30 % plus every anomaly;
  unsup   unsupervised: per seed, train on a random 70 % of all rows (anomalies included), test on the other 30 %.
Training rows are capped at --max-train-rows (default 20,000, drawn at random, identically for all methods):
only http (567k rows), shuttle (49k), magic.gamma (19k) and a few others reach it.

Methods: aekit.AnomalyDetector() with its defaults (novelty=False: the training rows may hold anomalies) in both
settings, and AnomalyDetector(novelty=True) (every training row is normal, what `--normal-only` sets) in the
semi-supervised one; the baselines of anomaly_baselines.py, each at its library's defaults: k-NN distance, LOF,
ECOD, DeepSVDD, IsolationForest, PyOD AutoEncoder and VAE, PCA reconstruction, and DTE-NP (Livernoche et al.
2024, re-implemented from the paper). Every aekit run also scores each part of its score alone
(AnomalyDetector.score_parts): the per-table best part is the oracle a perfect chooser of parts would reach.
Baselines need `pip install -e '.[bench]'` (PyOD, the CPU build of torch 2.13.0 and tqdm).
Reported per dataset, as means, and per half (anomaly_summary.py: sorted names, odd positions form half A, the
others half B; each half reports the candidate chosen on the other): AUC-ROC, AUC-PR, fit and score seconds.
The labelled-anomalies study (anomaly_labels.py) measures what labels="use" adds with 1, 5 and 10 % of the
anomalies labelled.

Scoring throughput: a synthetic 30-column table (--throughput-rows rows, default 2,000,000) written as CSV,
scored end to end by `aekit detect score` with the default model, three times; the median rows/s and the
largest peak memory.

    python -m benchmarks.anomaly                                   # everything (hours on 2 cores); resumable
    python -m benchmarks.anomaly --datasets WBC,Pima --seeds 1 --settings semi --name anomaly_quick
    python -m benchmarks.anomaly --only-throughput --throughput-rows 2000000

Finished (dataset, seed, method) runs are cached in results/NAME.runs.jsonl, so an interrupted run resumes where
it stopped; --fresh ignores the cache. aekit's runs are keyed by a hash of the whole package and of this script,
baselines' by the versions of the libraries they use (anomaly_baselines.LIBRARIES).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ._common import RESULTS, code_hash, data_dir, median, script_hash, write_result
from .anomaly_baselines import BASELINES, fit_baseline, library_tag
from .anomaly_baselines import LABELS as BASELINE_LABELS
from .anomaly_labels import label_runs, summarise_labels
from .anomaly_summary import goals, summarise

SETTINGS = ("semi", "unsup")
# The detector at its defaults (both settings) and told that every training row is normal (semi-supervised only).
VARIANTS = {"aekit": {}, "aekit_novelty": {"novelty": True}}
SEMI_ONLY, UNSUP_ONLY = ("aekit_novelty",), ()
METHODS = (*VARIANTS, *BASELINES)
LABELS = {"aekit": "aekit (defaults)", "aekit_novelty": "aekit (novelty=True)", **BASELINE_LABELS}


def split(y: np.ndarray, setting: str, seed: int, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row indices for one seed of one setting."""
    rng = np.random.default_rng(seed)
    if setting == "semi":
        normal = rng.permutation(np.flatnonzero(y == 0))
        n_train = int(round(0.7 * len(normal)))
        train, test = normal[:n_train], np.concatenate([normal[n_train:], np.flatnonzero(y == 1)])
    else:
        order = rng.permutation(len(y))
        n_train = int(round(0.7 * len(y)))
        train, test = order[:n_train], order[n_train:]
    return np.sort(train[:cap]), np.sort(test)


def run_method(method: str, X_train, X_test, seed: int) -> tuple[np.ndarray, float, float, dict]:
    """Fit on X_train, score X_test (higher = more anomalous); return scores, fit and score seconds, and for
    aekit each part of the score alone (scored after the timing)."""
    started = time.perf_counter()
    detector = None
    if method in VARIANTS:
        import aekit

        detector = aekit.AnomalyDetector(seed=seed, **VARIANTS[method]).fit(X_train)
        score = detector.decision_function
    else:
        score = fit_baseline(method, X_train, seed)
    fitted = time.perf_counter()
    scores = score(X_test)
    scored = time.perf_counter()
    parts = detector.score_parts(X_test) if detector is not None else {}
    return np.asarray(scores, dtype=np.float64), fitted - started, scored - fitted, parts


def code_version() -> str:
    """What aekit's results depend on: the whole package, this benchmark and the backend, so that a change in
    training.py or models/ redoes the cached aekit runs (the same hash that every results file records, see
    _common)."""
    return f"{code_hash()}-{script_hash('anomaly')}-{os.environ['KERAS_BACKEND']}"


def cache_tag(method: str, version: str) -> str:
    return version if method.startswith("aekit") else library_tag(method)


def read_cache(cache_path: Path, fresh: bool) -> dict:
    lines = [] if fresh or not cache_path.is_file() else cache_path.read_text().splitlines()
    return {record["key"]: record for record in (json.loads(line) for line in lines if line.strip())}


def tables(datasets):
    """``(path, X, y)`` of each dataset file, loaded one at a time."""
    for path in datasets:
        with np.load(path, allow_pickle=False) as data:
            X, y = data["X"].astype(np.float32), data["y"].astype(int)
        yield path, X, y


def label_study(datasets, seeds, cap: int, cache_path: Path, fresh: bool) -> list[dict]:
    """anomaly_labels.label_runs on every dataset and seed (cached like the other runs)."""
    version, cache, records = code_version(), read_cache(cache_path, fresh), []
    for path, X, y in tables(datasets):
        for seed in seeds:
            key = f"{path.stem}|labels|{seed}|{cap}|{version}"
            if key not in cache:
                train, test = split(y, "semi", seed, cap)
                cache[key] = {"key": key, "dataset": path.stem, "seed": seed,
                              "runs": label_runs(X, y, train, test, seed)}
                with open(cache_path, "a") as handle:
                    handle.write(json.dumps(cache[key]) + "\n")
                print(f"{path.stem:<28} labels seed {seed} " + " ".join(
                    f"{r['fraction']:g}: {r['ignore']['auc_roc']:.3f}->{r['use']['auc_roc']:.3f}"
                    for r in cache[key]["runs"]), flush=True)
            records.extend({"dataset": path.stem, **run} for run in cache[key]["runs"])
    return records


def warm_up(methods) -> None:
    """Run each method once on a tiny table, untimed: imports and backend start-up are paid once per process,
    and would otherwise be charged to whichever method and dataset happen to come first."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5)).astype(np.float32)
    for method in methods:
        run_method(method, X, X[:10], 0)


def evaluate(datasets, seeds, settings, methods, cap, cache_path: Path, fresh: bool) -> list[dict]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    version, cache, records = code_version(), read_cache(cache_path, fresh), []
    warmed = False
    for path, X, y in tables(datasets):
        for setting in settings:
            for seed in seeds:
                train, test = split(y, setting, seed, cap)
                for method in methods:
                    if method in (UNSUP_ONLY if setting == "semi" else SEMI_ONLY):
                        continue  # robust trimming is for contaminated training data
                    tag = cache_tag(method, version)
                    key = f"{path.stem}|{setting}|{seed}|{method}|{cap}|{tag}"
                    if key in cache:
                        records.append(cache[key])
                        continue
                    if not warmed:
                        warm_up(methods)
                        warmed = True
                    scores, fit_s, score_s, parts = run_method(method, X[train], X[test], seed)
                    if not np.isfinite(scores).all():  # PyOD's VAE can diverge; rank NaN as least anomalous
                        scores = np.nan_to_num(scores, nan=-np.inf, posinf=np.finfo(np.float64).max)
                        scores[~np.isfinite(scores)] = np.finfo(np.float64).min
                    record = {"key": key, "dataset": path.stem, "setting": setting, "seed": seed, "method": method,
                              "train_rows": int(len(train)), "test_rows": int(len(test)),
                              "auc_roc": float(roc_auc_score(y[test], scores)),
                              "auc_pr": float(average_precision_score(y[test], scores)),
                              "fit_seconds": round(fit_s, 3), "score_seconds": round(score_s, 3),
                              "parts": {name: {"auc_roc": float(roc_auc_score(y[test], values)),
                                               "auc_pr": float(average_precision_score(y[test], values))}
                                        for name, values in parts.items()}}
                    with open(cache_path, "a") as handle:
                        handle.write(json.dumps(record) + "\n")
                    records.append(record)
                    print(f"{path.stem:<28} {setting:<6} seed {seed} {method:<13} AUC-ROC {record['auc_roc']:.4f} "
                          f"AUC-PR {record['auc_pr']:.4f} fit {fit_s:6.2f}s score {score_s:5.2f}s", flush=True)
    return records


# -- scoring throughput -------------------------------------------------------------------------------------
def synthetic_table(rows: int, seed: int, columns: int = 30) -> np.ndarray:
    """Rows of a 30-column table with 6 underlying factors plus noise (numbers as a CSV export holds them)."""
    rng = np.random.default_rng(seed)
    mixing = np.random.default_rng(12345).normal(size=(6, columns))
    X = rng.normal(size=(rows, 6)) @ mixing + 0.3 * rng.normal(size=(rows, columns))
    return np.round(X, 4).astype(np.float32)


def write_csv(path: Path, rows: int, seed: int, chunk: int = 250_000) -> None:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"f{i}" for i in range(30)]
    with pa.OSFile(str(path), "wb") as sink:
        for start in range(0, rows, chunk):
            part = synthetic_table(min(chunk, rows - start), seed + start)
            table = pa.table({name: part[:, i] for i, name in enumerate(names)})
            pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=start == 0, quoting_style="none"))


# The scoring rate is the median of THROUGHPUT_REPEATS runs, each at least MIN_TIMED_SECONDS of scoring: one short
# timing on this shared machine says more about its neighbours than about the scorer.
THROUGHPUT_REPEATS = 3
MIN_TIMED_SECONDS = 5.0


def throughput(rows: int) -> dict:
    env = {**os.environ, "AEKIT_DATA_DIR": data_dir()}
    aekit_cli = [sys.executable, "-m", "aekit.cli"]
    with tempfile.TemporaryDirectory(prefix="aekit-throughput-") as folder:
        folder = Path(folder)
        write_csv(folder / "train.csv", 20_000, seed=1)
        fit = subprocess.run([*aekit_cli, "detect", "fit", "--data", folder / "train.csv", "-o", folder / "run",
                              "--quiet"],
                             capture_output=True, text=True, env=env)
        if fit.returncode:
            raise RuntimeError(fit.stderr)
        started = time.perf_counter()
        write_csv(folder / "big.csv", rows, seed=2)
        generate_s = time.perf_counter() - started
        size = (folder / "big.csv").stat().st_size
        # A fresh wrapper process, so RUSAGE_CHILDREN holds the scorer alone.
        probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                 "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
                 "print(r.stdout); print(r.stderr, file=sys.stderr); "
                 "print('WALL', time.perf_counter() - t); "
                 "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
        # --overwrite: each repeat replaces the previous repeat's output (aekit refuses to replace a file unasked).
        command = [sys.executable, "-c", probe, *aekit_cli, "detect", "score", folder / "run", "--data",
                   folder / "big.csv", "-o", folder / "scored.csv", "--overwrite"]
        runs = [_timed_score(command, env) for _ in range(THROUGHPUT_REPEATS)]
        scored_rows = runs[0]["rows"]
        scoring_s = median(r["scoring_seconds"] for r in runs)
        wall = median(r["command_seconds"] for r in runs)
        if scoring_s < MIN_TIMED_SECONDS:
            raise RuntimeError(f"Scoring took {scoring_s:.1f} s, under the {MIN_TIMED_SECONDS} s that a steady "
                               "rate needs; raise --throughput-rows.")
        return {"rows": scored_rows, "columns": 30, "csv_megabytes": round(size / 2**20, 1),
                "generate_seconds": round(generate_s, 1), "repeats": len(runs),
                "command_seconds": round(wall, 2), "scoring_seconds": round(scoring_s, 2),
                "scoring_seconds_each": [r["scoring_seconds"] for r in runs],
                "rows_per_second_scoring": round(scored_rows / scoring_s),
                "rows_per_second_command": round(scored_rows / wall),
                "peak_rss_megabytes": round(max(r["peak_mb"] for r in runs)), "goal_rows_per_second": 200_000,
                "goal_peak_megabytes": 1536}


def _timed_score(command: list, env: dict) -> dict:
    result = subprocess.run(list(map(str, command)), capture_output=True, text=True, env=env)
    if result.returncode:
        raise RuntimeError(result.stdout + result.stderr)
    inner = re.search(r"Scored ([\d,]+) rows in ([\d.]+) s", result.stdout)
    return {"rows": int(inner.group(1).replace(",", "")), "scoring_seconds": float(inner.group(2)),
            "command_seconds": float(re.search(r"WALL ([\d.]+)", result.stdout).group(1)),
            "peak_mb": int(re.search(r"MAXRSS_KB (\d+)", result.stdout).group(1)) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", help="comma-separated names or substrings of files in anomaly/ [all]")
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds: 0..N-1 [5]")
    parser.add_argument("--settings", default="semi,unsup", help="semi, unsup or both [semi,unsup]")
    parser.add_argument("--methods", default=",".join(METHODS), help=f"subset of {','.join(METHODS)}")
    parser.add_argument("--max-train-rows", type=int, default=20_000)
    parser.add_argument("--label-seeds", type=int, default=3,
                        help="seeds of the labelled-anomalies study (labels='use'); 0 skips it [3]")
    parser.add_argument("--throughput-rows", type=int, default=2_000_000, help="0 skips the throughput test")
    parser.add_argument("--only-throughput", action="store_true")
    parser.add_argument("--name", default="anomaly", help="results/NAME.json (and NAME.runs.jsonl) [anomaly]")
    parser.add_argument("--fresh", action="store_true", help="ignore cached runs")
    args = parser.parse_args()
    started = time.time()
    # aekit is timed on the backend `aekit detect fit` trains on (JAX: the detector's model is a dense family, see
    # aekit.cli.backend), unless KERAS_BACKEND says otherwise; set before anything imports Keras.
    os.environ.setdefault("KERAS_BACKEND", "jax")
    folder = Path(data_dir()) / "anomaly"
    datasets = sorted(folder.glob("*.npz"), key=lambda p: (int(p.stem.split("_")[0]) if p.stem[0].isdigit() else 99,
                                                           p.stem))
    if args.datasets:
        wanted = [w.strip().lower() for w in args.datasets.split(",") if w.strip()]
        datasets = [p for p in datasets if any(w in p.stem.lower() for w in wanted)]
    settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [s for s in settings if s not in SETTINGS] + [m for m in methods if m not in METHODS]
    if unknown or not datasets:
        parser.error(f"unknown settings/methods {unknown}" if unknown else f"no dataset matches {args.datasets!r}")
    payload = {"protocol": {"settings": settings, "seeds": list(range(args.seeds)), "max_train_rows":
                            args.max_train_rows, "methods": {m: LABELS[m] for m in methods},
                            "aekit_code_version": code_version(), "aekit_backend": os.environ["KERAS_BACKEND"]}}
    if not args.only_throughput:
        RESULTS.mkdir(parents=True, exist_ok=True)
        records = evaluate(datasets, range(args.seeds), settings, methods, args.max_train_rows,
                           RESULTS / f"{args.name}.runs.jsonl", args.fresh)
        payload["settings"] = summarise(records, datasets, settings, methods)
        payload["goals"] = goals(payload["settings"])
        if args.label_seeds:
            payload["labels"] = summarise_labels(label_study(datasets, range(args.label_seeds), args.max_train_rows,
                                                             RESULTS / f"{args.name}.runs.jsonl", args.fresh))
            print("labels:", json.dumps(payload["labels"]))
        for setting, block in payload["settings"].items():
            for method, values in block["mean"].items():
                print(f"mean {setting:<6} {LABELS[method]:<22} AUC-ROC {values['auc_roc']:.4f} "
                      f"AUC-PR {values['auc_pr']:.4f} fit+score {values['total_fit_plus_score_seconds']:.1f}s")
        print("goals:", json.dumps(payload["goals"]))
        payload["tables"] = {"date": time.strftime("%Y-%m-%d"), "wall_seconds": round(time.time() - started, 1)}
    elif (RESULTS / f"{args.name}.json").is_file():  # keep the tables (and when they were made), refresh the rest
        previous = json.loads((RESULTS / f"{args.name}.json").read_text())
        payload.update({k: previous[k] for k in ("protocol", "settings", "goals", "tables") if k in previous})
    if args.throughput_rows:
        throughput_started = time.time()
        payload["throughput"] = throughput(args.throughput_rows)
        payload["throughput"]["wall_seconds"] = round(time.time() - throughput_started, 1)
        print("throughput:", json.dumps(payload["throughput"]))
    print(write_result(args.name, payload, started))


if __name__ == "__main__":
    main()
