"""Pick the Keras backend before Keras is imported.

`KERAS_BACKEND` always wins, and so does a Keras imported before aekit. Otherwise (numbers from
benchmarks/throughput.py, 2-core CPU): convolutions train 9 to 16 times faster on TensorFlow than on
JAX, whose CPU convolutions are slow, while dense stacks train about 1.2 times faster on JAX. So:

- the Python API uses TensorFlow, which is never far from the fastest, whatever model you build;
- the CLI knows the model before anything is imported, and picks JAX for the dense families
  (``DENSE_FAMILIES``) and TensorFlow for the rest (convolutional families, plugins).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import sys
from pathlib import Path

DEFAULT_BACKEND = "tensorflow"
DENSE_BACKEND = "jax"
# Families that are fully connected: measured faster on JAX. Anything else (conv, plugins) gets the default.
DENSE_FAMILIES = ("dense", "deep", "variational", "hashing")
COMMAND_GROUPS = ("detect", "index")
# Commands whose first argument is a run directory.
RUN_COMMANDS = ("evaluate", "encode", "reconstruct", "embed", "probe", "classify", "projector", "score", "report",
                "explain", "sample", "interpolate", "denoise", "upscale", "compress", "decompress", "build")

# Set next to KERAS_BACKEND when aekit chose it, so that a child process (an `aekit` command started from a
# program that imported aekit) can tell aekit's choice, which it may make again for its own command, from the
# user's, which it must keep.
CHOSEN_MARK = "AEKIT_CHOSE_KERAS_BACKEND"


def choose_backend(preferred: str | None = None) -> str:
    """Set ``KERAS_BACKEND`` to ``preferred`` (or the default) unless the user chose one or Keras is loaded."""
    current = os.environ.get("KERAS_BACKEND")
    chosen_by_aekit = current is not None and os.environ.get(CHOSEN_MARK) == current
    if "keras" in sys.modules or (current is not None and not chosen_by_aekit):
        return current or ""
    backend = preferred or DEFAULT_BACKEND
    if importlib.util.find_spec(backend) is None:
        backend = DEFAULT_BACKEND
    os.environ["KERAS_BACKEND"] = os.environ[CHOSEN_MARK] = backend
    return backend


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
            spec = _read_json(Path(options.get("-o") or options.get("--output")) / "checkpoint" / "run.json")
            return (spec.get("params") or {}).get("model", "deep")
        config_file = next((w for w in words[1:] if w.endswith((".yaml", ".yml", ".json"))), None)
        return _model_in_config_file(config_file) if config_file else "deep"
    if command in ("fit", "demo", "compare"):
        return "deep"
    if command in RUN_COMMANDS:
        position = 2 if grouped else 1
        if len(words) > position:
            return (_read_json(Path(words[position]) / "aekit.json").get("config") or {}).get("model")
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


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


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
    if Path(sys.argv[0]).name not in ("aekit", "cli.py"):
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


class _DropRetracingNotes(logging.Filter):
    # aekit compiles one prediction program per model and method (encoder, decoder, scores...), each once; after
    # five of them TensorFlow warns about "retracing" as if one function were recompiled in a loop.
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def quiet_tensorflow_logs() -> None:
    # TensorFlow's C++ start-up chatter (oneDNN notes, CPU feature lines) drowns the CLI output.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("tensorflow").addFilter(_DropRetracingNotes())
