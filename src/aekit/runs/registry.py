"""The estimators that write run directories, by the name each run records, so that a run loads as the
estimator that wrote it.

An estimator class registers itself with :func:`register_estimator` and follows the run protocol:

- ``RUN_DESCRIPTION`` and ``RUN_HINT``: what its runs are and what to do with one, for messages;
- ``model_``, ``history_`` and ``config_``: the fitted Keras model, its history and config, saved as such;
- ``_run_meta()``: its fitted state as plain data for ``aekit.json``; ``_run_restore(meta, model, history)``
  sets it again from those;
- optionally ``_run_save_files(folder)`` / ``_run_restore_files(folder)`` for arrays kept beside it, and
  ``_run_preview()``: ``(originals, reconstructions, kind)`` to draw, or None.
"""

from __future__ import annotations

from ..core.errors import ArtifactError

_ESTIMATORS: dict[str, type] = {}


def register_estimator(cls: type) -> type:
    """Class decorator: run directories whose ``estimator`` is ``cls.__name__`` load as ``cls``.

    Parameters
    ----------
    cls : type
        An estimator class that follows the run protocol (see the module docs); a later class of the same name
        replaces it.

    Returns
    -------
    type
        ``cls`` itself, unchanged.
    """
    _ESTIMATORS[cls.__name__] = cls
    return cls


def estimator_class(meta: dict, path, expect: type | None = None) -> type:
    """The class a run's ``aekit.json`` names, checked against the class the caller ``expect``\\ s."""
    name = meta.get("estimator")
    found = _ESTIMATORS.get(name)
    if expect is not None and (found is None or not issubclass(found, expect)):
        what = found.RUN_DESCRIPTION if found is not None else meta.get("description") or f"a {name} run"
        hint = found.RUN_HINT if found is not None else meta.get("hint", "")
        raise ArtifactError(f"{path} is {what}, not {expect.RUN_DESCRIPTION}. {hint}".strip())
    if found is None:
        raise ArtifactError(f"{path} names the estimator {name!r}, which this aekit does not know (it knows "
                            f"{', '.join(sorted(_ESTIMATORS))}). It was written by another program or a newer aekit, "
                            "or the file was edited.")
    return found


def known() -> list[str]:
    return sorted(_ESTIMATORS)
