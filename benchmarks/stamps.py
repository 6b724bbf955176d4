"""What a result table says about its own figures: where, when and on which code they were measured."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine_line(result: dict) -> str:
    """The line under a table: the machine, date, versions, wall time and the code the result measured."""
    m = result["machine"]
    return (f"_{m['cpu']}, {m['cores']} cores; {result['date'][:10]}; backend versions "
            + ", ".join(f"{k} {v}" for k, v in result["versions"].items() if k in ("keras", "jax", "tensorflow-cpu",
                                                                                   "torch"))
            + f"; script wall time {result['wall_seconds'] / 60:.1f} min._" + _staleness(result))


def _staleness(result: dict) -> str:
    """Which code a result measured, and a warning when its script has changed since."""
    from ._common import code_hash, file_hashes, script_hash

    code = result.get("code")
    if not code:
        return "\n\n_Measured before results recorded the commit they measured._"
    local = " (with local changes)" if code.get("dirty") else ""
    note = f"\n\n_Measured at commit {(code.get('commit') or '?')[:10]}{local}._"
    if code.get("script_hash") and code["script_hash"] != script_hash(result["benchmark"]):
        note += " **Stale:** the benchmark script has changed since; rerun it."
    files = code.get("files")
    if files:  # the files the benchmark imported, each with its hash at the start of the run
        now = file_hashes()
        changed = [path.removeprefix("src/aekit/") for path, digest in files.items() if now.get(path) != digest]
        if changed:
            note += (f" **Stale:** the code it measured has changed since ({', '.join(changed[:4])}"
                     f"{f' and {len(changed) - 4} more files' if len(changed) > 4 else ''}); rerun it.")
    elif code.get("package_hash") and code["package_hash"] != code_hash():
        touched = _files_changed_since(code.get("commit"))
        note += (f" The package has changed since{f' ({touched} files under src/aekit)' if touched else ''}; this "
                 "result predates per-file records, so whether the change reaches what it measured is not known.")
    return note


def _files_changed_since(commit: str | None) -> int:
    import subprocess

    if not commit:
        return 0
    listed = subprocess.run(["git", "diff", "--name-only", commit, "--", "src/aekit"], cwd=ROOT, capture_output=True,
                            text=True)
    return len(listed.stdout.split()) if listed.returncode == 0 else 0


def part_stamp(block: dict) -> list[str]:
    """For a part kept from an earlier run of its benchmark (``--only``): when and at which commit it was measured."""
    measured = block.get("measured")
    if not measured:
        return []
    return [f"_This part: measured {measured['date'][:10]} at commit {(measured.get('commit') or '?')[:10]} "
            f"(a run of {measured['wall_seconds'] / 60:.0f} min)._", ""]
