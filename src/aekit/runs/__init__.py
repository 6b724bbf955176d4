"""Run directories: the only code that reads and writes them (see :mod:`aekit.runs.layout` for what is where).

- :func:`load` and :func:`as_estimator`: a run as the estimator that wrote it;
- :func:`save_artifact`: an estimator as a run, under the output rule of :mod:`aekit.core.outputs`;
- :mod:`aekit.runs.lifecycle`: a run while it trains (checks, checkpoints set apart, ``--resume`` records);
- :func:`register_estimator`: the estimators that write runs; :mod:`aekit.runs.plugins`: which plugin modules a
  run may make aekit import (only those the user allowed).

Importing this package imports no engine (the command line reads run layouts before choosing its backend);
what needs Keras is imported when called.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import ConfigError
from .registry import register_estimator

__all__ = ["as_estimator", "load", "read_history", "register_estimator", "save_artifact"]


def load(path, plugins=(), expect: type | None = None):
    """A run directory as the estimator that wrote it; see :func:`aekit.runs.directory.load`."""
    from .directory import load as load_run

    return load_run(path, plugins=plugins, expect=expect)


def read_history(path) -> dict[str, list[float]]:
    """A run's ``history.csv`` as ``{column: values by epoch}``."""
    from .directory import read_history as read

    return read(Path(path))


def save_artifact(estimator, path, overwrite: bool = False) -> Path:
    """An estimator as a run directory; see :func:`aekit.runs.directory.save_artifact`."""
    from .directory import save_artifact as save

    return save(estimator, path, overwrite=overwrite)


def as_estimator(source, expect: type, *, fitted: bool = True):
    """``source`` as a fitted ``expect``: the estimator itself, or the run directory at a path.

    The one resolver of "a run path or a model" in aekit: every command and task that takes either goes
    through it, so each gets the same messages (a detector run where an autoencoder is needed, a path that is
    no run, an object of another type).
    """
    if isinstance(source, str | Path) or hasattr(source, "__fspath__"):
        return load(source, expect=expect)
    if isinstance(source, expect):
        if fitted:
            source._check_fitted()
        return source
    raise ConfigError(f"Received a model of type {type(source).__name__}; expected a fitted {expect.__name__} or the "
                      f"path of a run directory ({expect.RUN_DESCRIPTION}).")
