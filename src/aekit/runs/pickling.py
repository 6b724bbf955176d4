"""Pickling a fitted estimator through its run directory (the artifact aekit saves and loads), not through
Python's object graph: a pickle then holds what ``save`` writes, zipped, and unpickling is ``aekit.load`` of it,
so it keeps loading across aekit versions as run directories do (``tests/fixtures``), and joblib, multiprocessing
and scikit-learn's parallel search can ship fitted models between processes.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path


def run_bytes(estimator) -> bytes:
    """The run directory of the fitted ``estimator`` as the bytes of a zip archive (checkpoints and logs left out:
    they belong to a training run, not to the model)."""
    from . import save_artifact

    with tempfile.TemporaryDirectory(prefix="aekit-pickle-") as folder:
        run = Path(folder) / "run"
        own_run = estimator.__dict__.pop("run_dir_", None)  # saved afresh, not copied from a training run
        try:
            save_artifact(estimator, run)
        finally:
            estimator.__dict__["run_dir_"] = own_run
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for path in sorted(run.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(run).as_posix())
        return buffer.getvalue()


def from_run_bytes(data: bytes):
    """The estimator that :func:`run_bytes` archived, loaded as ``aekit.load`` loads a run (no run directory)."""
    from . import load

    with tempfile.TemporaryDirectory(prefix="aekit-unpickle-") as folder:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(folder)
        estimator = load(folder)
    estimator.run_dir_ = None
    return estimator


class PicklesAsRun:
    """Pickling (and ``copy.deepcopy``) for estimators that save run directories: a fitted one as its run (see the
    module docs), an unfitted one as its parameters, as any scikit-learn estimator. The estimator defines
    ``__sklearn_is_fitted__``."""

    def __reduce_ex__(self, protocol):
        if not self.__sklearn_is_fitted__():
            return super().__reduce_ex__(protocol)
        return from_run_bytes, (run_bytes(self),)
