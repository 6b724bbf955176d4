"""How long the command line takes to answer when it has no work to do: ``--help``, ``--version``, a command's
help, a shell-completion TAB, and the refusal of a wrong setting, a folder of the user's or a bad file (exit code
2). Each is a fresh process, run ``--runs`` times after one warm-up (the median is reported); beside them, what
importing the engines alone costs, which these commands no longer pay.

Goal: the median of 5 runs of ``aekit --help`` under 0.5 s on 2 cores. Run it alone on the machine.

    python -m benchmarks.cli_startup [--runs 5] [--before CHECKOUT]   # writes results/cli_startup.json

``--before`` times ``aekit --help`` and the refusals from another checkout's ``src`` too (e.g.
``git worktree add /tmp/old c26ffca``), with the same Python and packages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from ._common import median, write_result

GOAL_SECONDS = 0.5
AEKIT = str(Path(sys.executable).with_name("aekit"))
COMPLETION = {"_AEKIT_COMPLETE": "bash_complete", "COMP_WORDS": "aekit tr", "COMP_CWORD": "1"}
COMMANDS = {
    "aekit --help": ([AEKIT, "--help"], {}),
    "aekit --version": ([AEKIT, "--version"], {}),
    "aekit train --help": ([AEKIT, "train", "--help"], {}),
    "aekit detect fit --help": ([AEKIT, "detect", "fit", "--help"], {}),
    "completion of `aekit tr<TAB>`": ([AEKIT], COMPLETION),
    "python -m aekit --help": ([sys.executable, "-m", "aekit", "--help"], {}),
    # What the commands above paid before: the engines, imported first.
    "reference: python -c 'import keras' (JAX)": ([sys.executable, "-c", "import keras"], {"KERAS_BACKEND": "jax"}),
    "reference: python -c 'import tensorflow, keras'": ([sys.executable, "-c", "import tensorflow, keras"],
                                                         {"KERAS_BACKEND": "tensorflow"}),
}


def refusals(folder: Path) -> dict[str, list[str]]:
    """Commands that must be refused (exit code 2) with nothing written: each checks its settings, its output
    folder, its data or its run directory before the engine loads."""
    bad, table, taken = folder / "text_column.csv", folder / "table.csv", folder / "taken"
    photo = folder / "photo.png"
    Image.new("L", (8, 8)).save(photo)  # read by the image commands before they look for their run
    bad.write_text("a,b\n1,x\n2,y\n")
    table.write_text("a,b\n" + "".join(f"{i},{i % 7}\n" for i in range(50)))
    taken.mkdir()
    (taken / "notes.txt").write_text("the user's")
    new = str(folder / "never_written")
    return {
        "refused: aekit train --model dep": [AEKIT, "train", "--dataset", "digits", "--model", "dep", "-o", new],
        "refused: aekit train -o FOLDER_OF_THE_USERS": [AEKIT, "train", "--dataset", "digits", "-o", str(taken)],
        "refused: aekit train --data TEXT_COLUMN.csv": [AEKIT, "train", "--data", str(bad), "-o", new],
        "refused: aekit detect fit --contamination 0.9": [AEKIT, "detect", "fit", "--data", str(table),
                                                          "--contamination", "0.9", "-o", new],
        "refused: aekit evaluate NO_RUN": [AEKIT, "evaluate", str(folder / "no_run"), "--dataset", "digits"],
        "refused: aekit detect score NO_RUN": [AEKIT, "detect", "score", str(folder / "no_run"), "--data", str(table),
                                               "-o", str(folder / "never_written.csv")],
        "refused: aekit compress NO_RUN": [AEKIT, "compress", str(folder / "no_run"), str(photo), "-o",
                                           str(folder / "never_written.aez")],
        "refused: aekit denoise -o FOLDER_OF_THE_USERS": [AEKIT, "denoise", str(folder / "no_run"), str(photo), "-o",
                                                          str(taken)],
        "refused: aekit export NO_RUN": [AEKIT, "export", str(folder / "no_run"), "-o", str(folder / "never_written")],
        "refused: aekit embed NO_RUN": [AEKIT, "embed", str(folder / "no_run"), "--data", str(table), "-o", new],
    }


def seconds_of(command: list[str], env: dict, exit_code: int = 0) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env={**os.environ, **env, "TF_CPP_MIN_LOG_LEVEL": "3"}, capture_output=True)
    elapsed = time.perf_counter() - started
    if result.returncode != exit_code:
        raise SystemExit(f"{command} exited {result.returncode}, not {exit_code}: {result.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a checkout of an earlier commit, timed beside this one")
    args = parser.parse_args()
    started = time.time()
    rows = []
    folder = Path(tempfile.mkdtemp(prefix="aekit-startup-"))
    folders = [folder]
    commands = {name: (command, env, 0) for name, (command, env) in COMMANDS.items()}
    commands.update({name: (command, {}, 2) for name, command in refusals(folder).items()})
    if args.before:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=args.before, capture_output=True,
                                text=True).stdout.strip()
        old_source = {"PYTHONPATH": str(args.before.resolve() / "src")}
        commands[f"before: aekit --help at {commit}"] = ([AEKIT, "--help"], old_source, 0)
        folders.append(Path(tempfile.mkdtemp(prefix="aekit-startup-")))
        commands.update({f"before: {name} at {commit}": (command, old_source, 2)
                         for name, command in refusals(folders[-1]).items()})
    for name, (command, env, exit_code) in commands.items():
        seconds_of(command, env, exit_code)  # warm-up: the file system cache, as for a user's second command
        times = [seconds_of(command, env, exit_code) for _ in range(args.runs)]
        rows.append({"command": name, "median_seconds": round(median(times), 3),
                     "runs_seconds": [round(t, 3) for t in times]})
        print(f"{name:<60} median {median(times):.3f} s  ({', '.join(f'{t:.2f}' for t in times)})", flush=True)
    assert not any(any(f.glob("never_written*")) for f in folders), "a refused command wrote its output"
    assert all((f / "taken" / "notes.txt").read_text() == "the user's" for f in folders)
    for each in folders:
        shutil.rmtree(each)
    help_seconds = rows[0]["median_seconds"]
    payload = {"runs": args.runs, "goal_seconds": GOAL_SECONDS, "rows": rows,
               "goal_met": help_seconds < GOAL_SECONDS,
               "speedup_vs_importing_tensorflow": round(rows[len(COMMANDS) - 1]["median_seconds"] / help_seconds, 1)}
    print("wrote", write_result("cli_startup", payload, started))


def render(result: dict) -> str:
    from .stamps import machine_line

    lines = ["| command | median of {} runs |".format(result["runs"]), "|---|---:|"]
    for row in result["rows"]:
        lines.append(f"| {row['command']} | {row['median_seconds']:.2f} s |")
    verdict = "met" if result["goal_met"] else "**missed**"
    before = [row for row in result["rows"] if row["command"].startswith("before:")]
    ratio = f"{before[0]['median_seconds'] / result['rows'][0]['median_seconds']:.0f} times faster than before; " \
        if before else ""
    lines += ["", f"Goal: `aekit --help` under {result['goal_seconds']} s: {verdict} ({ratio}it imported TensorFlow "
              "and Keras first)."]
    refused = [row for row in result["rows"] if row["command"].startswith("refused:")]
    refused_before = [row for row in before if "refused:" in row["command"]]
    # A refusal of the earlier checkout that took over a second waited for the engine: that checkout loaded it first.
    waited = [row for row in refused_before if row["median_seconds"] > 1.0]
    if refused:
        text = (f"A refused setting, folder, file or run is answered in {_span(refused)} (exit code 2, nothing "
                "written)")
        lines.append(text + (f"; before, {len(waited)} of the {len(refused_before)} took {_span(waited)}, as the "
                             "engine loaded first." if waited else "."))
    return "\n".join(lines) + "\n\n" + machine_line(result)


def _span(rows: list[dict]) -> str:
    seconds = sorted(row["median_seconds"] for row in rows)
    return f"{seconds[0]:.2f} to {seconds[-1]:.2f} s"


if __name__ == "__main__":
    main()
