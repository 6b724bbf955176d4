"""The command line's backend: chosen from the command before Keras is imported (see :mod:`aekit.core.backend`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..core.backend import DEFAULT_BACKEND, DENSE_BACKEND, DENSE_FAMILIES, choose_backend
from ..runs.layout import recorded_family

COMMAND_GROUPS = ("detect", "index")
# Commands whose first argument is a run directory.
RUN_COMMANDS = ("evaluate", "encode", "reconstruct", "embed", "probe", "classify", "projector", "score", "report",
                "explain", "sample", "interpolate", "denoise", "upscale", "compress", "decompress", "build")


def backend_for_command(arguments: list[str]) -> str:
    """The backend for an ``aekit`` command line: JAX when the model it trains or uses is a dense family, and
    for multi-worker training (keras.distribution runs on JAX)."""
    words = _positionals(arguments)
    distributed = any(a.startswith("--workers") for a in arguments) or \
        bool(os.environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES"))
    if words[:1] == ["train"] and distributed:
        return DENSE_BACKEND
    family = _family_of_command(arguments)
    return DENSE_BACKEND if family in DENSE_FAMILIES else DEFAULT_BACKEND


def _family_of_command(arguments: list[str]) -> str | None:
    options = _options(arguments)
    words = _positionals(arguments)
    if "--model" in options:
        return options["--model"]
    if "--models" in options:  # compare: dense only if every model is
        families = options["--models"].split(",")
        return families[0] if all(f in DENSE_FAMILIES for f in families) else None
    grouped = bool(words) and words[0] in COMMAND_GROUPS  # `detect score RUN ...`, `index build RUN ...`
    command = (words[1] if len(words) > 1 else None) if grouped else (words[0] if words else None)
    if command == "train":
        if "--resume" in arguments and ("-o" in options or "--output" in options):
            return recorded_family(options.get("-o") or options.get("--output"), resuming=True) or "deep"
        config_file = next((w for w in words[1:] if w.endswith((".yaml", ".yml", ".json"))), None)
        return _model_in_config_file(config_file) if config_file else "deep"
    if command in ("fit", "demo", "compare"):
        return "deep"
    if command in RUN_COMMANDS:
        position = 2 if grouped else 1
        if len(words) > position:
            return recorded_family(words[position])
    return None


def _options(arguments: list[str]) -> dict[str, str]:
    return {arg: value for arg, value in zip(arguments, arguments[1:]) if arg.startswith("-")}


def _positionals(arguments: list[str]) -> list[str]:
    """The words that are neither options nor option values (a heuristic: flags that take no value are few)."""
    flags = {"--resume", "--quiet", "--debug", "--json", "--packed", "--normal-only", "--robust", "--no-standardize",
             "--tied", "--no-tied", "--early-stopping", "--no-early-stopping", "--help", "-h", "--html", "--no-html",
             "--save", "--per-image", "--slerp", "--nll", "--version"}
    # --plugin's module is a value: skipped like every option value.
    words, skip = [], False
    for arg in arguments:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg not in flags and "=" not in arg
        else:
            words.append(arg)
    return words


def _model_in_config_file(path: str) -> str:
    try:
        import yaml

        values = yaml.safe_load(Path(path).read_text()) or {}
    except Exception:  # noqa: BLE001 - an unreadable file is reported properly once the command runs
        return "deep"
    return str(values.get("model", "deep")) if isinstance(values, dict) else "deep"


# Commands that never touch TensorFlow (no tf.data, no TensorBoard): on JAX, importing it would add seconds of
# start-up and hundreds of MB to scoring a file.
WITHOUT_TENSORFLOW = (("detect", "score"), ("detect", "report"), ("detect", "explain"), ("models",), ("datasets",))


def prepare_command_line() -> None:
    """In the ``aekit`` process: choose the backend for the command, then import the engines quietly."""
    program = Path(sys.argv[0])
    # `aekit`, `python -m aekit` or `python -m aekit.cli` (while the package imports, argv[0] is still "-m").
    ours = program.name == "aekit" or sys.argv[0] == "-m" or \
        (program.name == "__main__.py" and program.parent.name in ("aekit", "cli"))
    if not ours:
        return  # imported by another program (tests, notebooks): nothing to choose here
    arguments = sys.argv[1:]
    choose_backend(backend_for_command(arguments))
    words = tuple(_positionals(arguments))
    import_engines_quietly(tensorflow=not any(words[:len(c)] == c for c in WITHOUT_TENSORFLOW))


def import_engines_quietly(tensorflow: bool = True) -> None:
    """Import Keras (and TensorFlow) with native stderr closed: their C++ start-up notes bury the CLI's output."""
    if os.environ.get("AEKIT_DEBUG"):
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras  # noqa: F401

            if tensorflow:
                import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)


