"""What a result table says about its own figures: where, when and on which code they were measured."""

from __future__ import annotations

import functools
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
    since = []
    script = f"benchmarks/{result['benchmark']}.py"
    if code.get("script_hash") and code["script_hash"] != script_hash(result["benchmark"]) and not _same_code(
            code.get("commit"), script):
        since.append("its benchmark script")
    files = code.get("files")
    if files:  # the files the benchmark imported, each with its hash at the start of the run
        now = file_hashes()
        changed = [path.removeprefix("src/aekit/") for path, digest in files.items()
                   if now.get(path) != digest and not _same_code(code.get("commit"), path)]
        if changed:
            since.append(f"{len(changed)} of the package's files it ran ({', '.join(changed[:3])}"
                         f"{', ...' if len(changed) > 3 else ''})")
    elif code.get("package_hash") and code["package_hash"] != code_hash():
        touched = _files_changed_since(code.get("commit"))
        since.append(f"the package ({touched} files)" if touched else "the package")
    note = f"\n\n_Measured at commit {(code.get('commit') or '?')[:10]}{local}"
    note += (f"; changed since: {' and '.join(since)}, so a rerun may give other figures._" if since else "._")
    return note


def _files_changed_since(commit: str | None) -> int:
    import subprocess

    if not commit:
        return 0
    listed = subprocess.run(["git", "diff", "--name-only", commit, "--", "src/aekit"], cwd=ROOT, capture_output=True,
                            text=True)
    paths = listed.stdout.split() if listed.returncode == 0 else []
    return sum(not _same_code(commit, path) for path in paths)


@functools.cache  # several results name the same commit and files: one git call each
def _same_code(commit: str | None, path: str) -> bool:
    """Whether ``path`` runs the same code now as at ``commit``: equal once docstrings are set aside (a change
    to the documentation does not change what a benchmark measured)."""
    import subprocess

    current = ROOT / path
    if not commit or not current.is_file():
        return False
    before = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, text=True)
    if before.returncode != 0:
        return False
    try:
        return _without_docstrings(before.stdout) == _without_docstrings(current.read_text())
    except SyntaxError:
        return False


def _without_docstrings(source: str) -> str:
    import ast

    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body and \
                isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant) and \
                isinstance(node.body[0].value.value, str):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


def part_stamp(block: dict) -> list[str]:
    """For a part kept from an earlier run of its benchmark (``--only``): when and at which commit it was measured."""
    measured = block.get("measured")
    if not measured:
        return []
    return [f"_This part: measured {measured['date'][:10]} at commit {(measured.get('commit') or '?')[:10]} "
            f"(a run of {measured['wall_seconds'] / 60:.0f} min)._", ""]
