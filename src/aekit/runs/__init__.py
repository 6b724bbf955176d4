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
    """A run directory as the estimator that wrote it; see :func:`aekit.runs.directory.load`.

    Loading never runs code from the files: the model is rebuilt from its plain config through the model
    registry and Keras loads it with ``safe_mode=True``; nothing is unpickled.

    Parameters
    ----------
    path : str or path-like
        The run directory, as written by ``fit(run_dir=...)``, ``save()`` or ``aekit train``.
    plugins : sequence of str, default=()
        Plugin modules allowed to be imported, besides those allowed by ``aekit --plugin`` and
        ``AEKIT_PLUGINS``: a family from a plugin loads only when its module is allowed.
    expect : type, optional
        The estimator class the caller needs (a subclass qualifies); a run of another class is refused. None
        takes whatever class wrote the run.

    Returns
    -------
    object
        The fitted estimator (an :class:`aekit.Autoencoder`, an :class:`aekit.AnomalyDetector`, ...), its
        ``run_dir_`` set to ``path``.

    Raises
    ------
    ArtifactError
        When ``path`` is no complete run of a format this aekit reads, was written by another estimator than
        ``expect``, names a plugin family that is not allowed, or holds a corrupted file.
    """
    from .directory import load as load_run

    return load_run(path, plugins=plugins, expect=expect)


def read_history(path) -> dict[str, list[float]]:
    """A run's ``history.csv`` as ``{column: values by epoch}``.

    Parameters
    ----------
    path : str or path-like
        The ``history.csv`` file itself (``run_dir / "history.csv"``), not the run directory.

    Returns
    -------
    dict of str to list of float
        Each metric column (``loss``, ``val_loss``, ...; not ``epoch``), one value per epoch; empty for a file
        with no rows.
    """
    from .directory import read_history as read

    return read(Path(path))


def save_artifact(estimator, path, overwrite: bool = False) -> Path:
    """An estimator as a run directory; see :func:`aekit.runs.directory.save_artifact`.

    The files are written into a staging folder inside ``path``, then renamed into place, so a failure leaves
    the previous run as it was.

    Parameters
    ----------
    estimator : object
        A fitted estimator of a class registered with :func:`register_estimator`.
    path : str or path-like
        The run directory to write.
    overwrite : bool, default=False
        Allow writing into a folder that holds files aekit did not write (those of the names a run has are then
        replaced, the others kept; see :mod:`aekit.core.outputs`); without it such a folder is refused. An
        earlier run's own files are replaced either way.

    Returns
    -------
    pathlib.Path
        ``path``, also set as the estimator's ``run_dir_``.

    Raises
    ------
    OutputError
        When ``path`` may not be written.
    """
    from .directory import save_artifact as save

    return save(estimator, path, overwrite=overwrite)


def as_estimator(source, expect: type, *, fitted: bool = True):
    """``source`` as a fitted ``expect``: the estimator itself, or the run directory at a path.

    The one resolver of "a run path or a model" in aekit: every command and task that takes either goes
    through it, so each gets the same messages (a detector run where an autoencoder is needed, a path that is
    no run, an object of another type).

    Parameters
    ----------
    source : object, str or path-like
        An estimator, or the path of a run directory (loaded with :func:`load`).
    expect : type
        The estimator class needed, such as :class:`aekit.Autoencoder` (a subclass qualifies).
    fitted : bool, default=True
        Refuse an estimator object that is not fitted. A run directory always holds a fitted one.

    Returns
    -------
    object
        ``source`` itself, or the estimator loaded from it: an instance of ``expect``.

    Raises
    ------
    ConfigError
        When ``source`` is an object of another type.
    ArtifactError
        When the path is no run, or a run of another estimator.
    NotFittedError
        When ``fitted`` and ``source`` is an unfitted estimator.
    """
    if isinstance(source, str | Path) or hasattr(source, "__fspath__"):
        return load(source, expect=expect)
    if isinstance(source, expect):
        if fitted:
            source._check_fitted()
        return source
    raise ConfigError(f"Received a model of type {type(source).__name__}; expected a fitted {expect.__name__} or the "
                      f"path of a run directory ({expect.RUN_DESCRIPTION}).")
