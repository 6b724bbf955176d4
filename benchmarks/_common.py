"""Shared pieces of the benchmark scripts: machine facts, versions, result files."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_DATA_DIR = ROOT.parent / "shared" / "data"


def data_dir() -> str:
    return os.environ.get("AEKIT_DATA_DIR", str(DEFAULT_DATA_DIR))


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]}


def versions() -> dict:
    import importlib.metadata as md

    found = {}
    for package in ("aekit", "keras", "tensorflow-cpu", "jax", "jaxlib", "numpy", "scikit-learn", "torch", "pyod"):
        try:
            found[package] = md.version(package)
        except md.PackageNotFoundError:
            pass
    return found


def median(values) -> float:
    return float(statistics.median(values))


def code_hash() -> str:
    """A short hash of the package's source (src/aekit/**/*.py): what a result measured."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "aekit").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def file_hashes() -> dict[str, str]:
    """``{path relative to the repository: short hash}`` of every source file of the package."""
    import hashlib

    return {str(path.relative_to(ROOT)): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for path in sorted((ROOT / "src" / "aekit").rglob("*.py"))}


def measured_files(at_start: dict[str, str]) -> dict[str, str]:
    """The package's files this process imported, with their hashes when the run started: the code a result
    measured (worker processes import the same modules as the script that starts them)."""
    loaded = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and Path(path).is_relative_to(ROOT / "src" / "aekit"):
            loaded.add(str(Path(path).relative_to(ROOT)))
    return {path: at_start[path] for path in sorted(loaded) if path in at_start}


def script_hash(name: str) -> str:
    import hashlib

    path = ROOT / "benchmarks" / f"{name}.py"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


def commit() -> dict:
    import subprocess

    def git(*args):
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else None

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--", "src"))}


# The code a result measured is the code when the benchmark started: commits made while it runs (hours, for
# some) must not be stamped on it.
_CODE_AT_START = {**commit(), "package_hash": code_hash()}
_FILES_AT_START = file_hashes()


def write_result(name: str, payload: dict, started: float) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": name, "date": datetime.now(UTC).isoformat(timespec="seconds"),
               "machine": machine(), "versions": versions(), "wall_seconds": round(time.time() - started, 1),
               "code": {**_CODE_AT_START, "script_hash": script_hash(name), "files": measured_files(_FILES_AT_START)},
               **payload}
    path = RESULTS / f"{name}.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(payload, indent=2) + "\n")
    temporary.replace(path)
    return path


def kept_parts(name: str, parts: tuple[str, ...], measured: dict) -> dict:
    """The parts of the last ``results/NAME.json`` that this run did not measure (``--only``), each stamped with
    its own date and commit, so that a benchmark's parts can be measured one at a time."""
    path = RESULTS / f"{name}.json"
    if not path.is_file():
        return {}
    previous = json.loads(path.read_text())
    kept = {part: previous[part] for part in parts if part in previous and part not in measured}
    for block in kept.values():
        stamp_as_measured(block, previous)
    return kept


def stamp_as_measured(block: dict, previous: dict) -> dict:
    """``block``, a part of the results file ``previous`` kept by a later run, marked with when and at which commit
    it was measured (unless it already is)."""
    block.setdefault("measured", {"date": previous["date"], "commit": (previous.get("code") or {}).get("commit"),
                                  "wall_seconds": previous.get("wall_seconds")})
    return block


def run_worker(module: str, arguments: list[str], env: dict, what: str) -> dict:
    """Run ``python -m benchmarks.MODULE ARGUMENTS`` (a worker that prints its result as JSON on its last line) in
    its own process; raise RuntimeError with the end of its stderr when it fails."""
    import subprocess

    result = subprocess.run([sys.executable, "-m", f"benchmarks.{module}", *arguments], env=env, capture_output=True,
                            text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def load_mnist(split: str):
    """MNIST pixels scaled to [0, 1] as float32 (n, 784), from the IDX files aekit reads."""
    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    from aekit.data import load

    data = load("mnist", split=split)
    return (data.X.reshape(len(data.X), -1).astype("float32") / 255.0), data.y
