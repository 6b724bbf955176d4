"""The command line's backend, chosen from the command before Keras is imported (see :mod:`aekit.core.backend`).

The command line is read by click itself (``make_context(..., resilient_parsing=True)``: parsed, nothing run), so
the choice sees the same model, run directory and flags as the command will. Keras and TensorFlow are imported
once the command starts (:func:`start_engines`), never for ``--help``, ``--version`` or shell completion.
"""

from __future__ import annotations

import atexit
import os
import sys
import typing
from pathlib import Path

import click

from ..core.backend import DEFAULT_BACKEND, DENSE_BACKEND, DENSE_FAMILIES, choose_backend, installed, reason
from ..runs.layout import recorded_family

# Commands that never touch TensorFlow (no tf.data, no TensorBoard): on JAX, importing it would add seconds of
# start-up and hundreds of MB to scoring a file.
WITHOUT_TENSORFLOW = (("detect", "score"), ("detect", "report"), ("detect", "explain"), ("models",), ("datasets",),
                      ("info",))
# Commands that train the deep family unless told otherwise.
TRAINS_DEEP = (("train",), ("detect", "fit"), ("demo",), ("compare",))


def parse(group: click.Group, arguments: list[str]) -> tuple[tuple[str, ...], dict]:
    """``(command path, its parameters)`` of an ``aekit`` command line, as click reads it (nothing runs);
    ``((), {})`` where it cannot be read (it fails properly once it runs)."""
    try:
        context = group.make_context("aekit", list(arguments), resilient_parsing=True)
        path, params, command = [], {}, group
        while isinstance(command, click.Group):
            rest = [*context._protected_args, *context.args] if hasattr(context, "_protected_args") else context.args
            if not rest:
                break
            name, command, rest = command.resolve_command(context, rest)
            if command is None:
                break
            path.append(name)
            context = command.make_context(name, rest, parent=context, resilient_parsing=True)
            params = dict(context.params)
        return tuple(path), params
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, IndexError):
        return (), {}


def backend_for_command(arguments: list[str], group: click.Group | None = None) -> str:
    """The backend for an ``aekit`` command line: JAX when the model it trains or uses is a dense family, and
    for multi-worker training (keras.distribution runs on JAX)."""
    if group is None:
        from . import cli as group
    path, params = parse(group, arguments)
    if path == ("train",) and (params.get("workers") or os.environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")):
        return DENSE_BACKEND
    return DENSE_BACKEND if family_of_command(path, params) in DENSE_FAMILIES else DEFAULT_BACKEND


def family_of_command(path: tuple[str, ...], params: dict) -> str | None:
    """The model family a parsed command trains or uses, where the command line or a file says it."""
    if params.get("model"):
        return str(params["model"])
    if params.get("models"):  # compare: dense only if every model is
        families = [f.strip() for f in str(params["models"]).split(",") if f.strip()]
        return families[0] if families and all(f in DENSE_FAMILIES for f in families) else None
    if path == ("train",):
        if params.get("resume") and params.get("output"):
            return recorded_family(params["output"], resuming=True) or "deep"
        if params.get("config_file"):
            return _model_in_config_file(params["config_file"])
    if path in TRAINS_DEEP:
        return "deep"
    if params.get("run"):
        return recorded_family(params["run"])
    return None


def _model_in_config_file(path: str) -> str:
    try:
        import yaml

        values = yaml.safe_load(Path(path).read_text()) or {}
    except Exception:  # noqa: BLE001 - an unreadable file is reported properly once the command runs
        return "deep"
    return str(values.get("model", "deep")) if isinstance(values, dict) else "deep"


def is_command_line() -> bool:
    """Whether this process is the ``aekit`` command (``aekit``, ``python -m aekit``, ``python -m aekit.cli``), not
    a program that imported it (tests, notebooks)."""
    program = Path(sys.argv[0])
    return program.name == "aekit" or sys.argv[0] == "-m" or \
        (program.name == "__main__.py" and program.parent.name in ("aekit", "cli"))


def exit_refused(code: int) -> typing.NoReturn:
    """End a refused command with ``code``. In the ``aekit`` process, after Python's exit handlers, the C++ static
    destructors are skipped: Arrow's can abort a process that exits a moment after reading a CSV ("terminate
    called without an active exception", SIGABRT, apache/arrow#34314; 1 exit in 400 to 1,000 here), which turned
    a refusal's exit code 2 into -6. A refused command has nothing left to finish. Elsewhere (tests, notebooks
    calling the command) it raises SystemExit as usual."""
    if not is_command_line():
        sys.exit(code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def prepare_command_line(group: click.Group, arguments: list[str]) -> None:
    """In the ``aekit`` process, before click runs the command: choose the backend for it. ``aekit export`` runs on
    TensorFlow wherever it is installed, GPU or not: its converters write every format from TensorFlow graphs."""
    path = parse(group, arguments)[0]
    if path == ("export",) and installed("tensorflow"):
        choose_backend(DEFAULT_BACKEND, because="exporting: TensorFlow's converters write every format")
    else:
        choose_backend(backend_for_command(arguments, group))
    _COMMAND[:] = [path]


_COMMAND: list[tuple[str, ...]] = []
_STARTED: list[bool] = []


def start_engines() -> None:
    """Import Keras (and TensorFlow, unless the command never uses it) once, as a command starts, with native
    stderr closed: their C++ start-up notes bury the command's output."""
    if _STARTED or not is_command_line():
        return
    _STARTED.append(True)
    path = _COMMAND[0] if _COMMAND else ()
    tensorflow = installed("tensorflow") and not any(path[:len(c)] == c for c in WITHOUT_TENSORFLOW)
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


def backend_note():
    """A Keras callback that says, as training starts, which Keras backend runs it and why (to stderr: it is no
    result). At the start of training, not before: a refused setting's error must come first and alone. Once per
    command, though a robust detector trains several times."""
    import keras

    class BackendNote(keras.callbacks.Callback):
        said = False

        def on_train_begin(self, logs=None):
            if not self.said:
                self.said = True
                click.echo(f"Training on Keras {keras.__version__} with the {keras.backend.backend()} backend "
                           f"({reason()}).", err=True)

    return BackendNote()
