"""A run directory while its model trains: checked before any work, its checkpoints and logs set apart from an
earlier run's, what it trains on recorded for ``--resume``, and saved by the one process that writes."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..core import outputs
from ..core.atomic import atomic_write_text
from ..core.errors import AekitError, ArtifactError
from ..training.distributed import is_chief
from .layout import DATA_SOURCE, RUN_ENTRIES, RUN_SPEC, RUN_STATE, read_run_spec


def check_run_dir(run_dir, overwrite: bool = False, inputs=()) -> Path:
    """Before any work: ``run_dir`` may be written (missing, empty, an aekit run, or ``overwrite``; never inside
    the ``inputs`` it is trained on)."""
    return outputs.check_folder(run_dir, overwrite=overwrite, inputs=inputs, names=RUN_ENTRIES,
                                what=outputs.RUN_FOLDER)


@contextmanager
def training_run(run_dir: Path | None, params: dict, data, *, resume: bool):
    """Around a fit that writes its checkpoints and logs into ``run_dir`` (already checked).

    A fresh run in the folder of an earlier run sets that run's checkpoints and logs aside, so the two never
    mix; they are deleted once the new run is saved, or put back if training fails on an aekit error (a value
    found bad, a NaN loss). A crash or an interrupt leaves the new checkpoints for ``--resume``.
    """
    if run_dir is None or resume or not is_chief():
        yield
        return
    existed = run_dir.exists()
    aside = _set_aside(run_dir, RUN_STATE) if existed else None
    outputs.record(run_dir, RUN_STATE)
    start_run(run_dir, params, data)
    try:
        yield
    except AekitError:
        if not existed:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            _put_back(run_dir, RUN_STATE, aside)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def save_trained(estimator, run_dir: Path | None) -> bool:
    """Save a freshly trained estimator into its run directory (checked before training), in the process that
    writes it: the only one, or the chief of a group of workers, whose models are all the same."""
    if run_dir is None or not is_chief():
        return False
    estimator.save(run_dir, overwrite=True)
    return True


def _set_aside(folder: Path, names) -> Path | None:
    present = [n for n in names if (folder / n).exists()]
    if not present:
        return None
    aside = Path(tempfile.mkdtemp(prefix=outputs.TEMPORARY_PREFIX + "previous-", dir=folder))
    for name in present:
        os.replace(folder / name, aside / name)
    return aside


def _put_back(folder: Path, names, aside: Path | None) -> None:
    for name in names:
        shutil.rmtree(folder / name, ignore_errors=True)
        if aside is not None and (aside / name).exists():
            os.replace(aside / name, folder / name)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def start_run(run_dir: Path, params: dict, data) -> None:
    """Record what a run trains on, so ``--resume`` can rebuild it after a crash."""
    params = {k: v for k, v in params.items() if k not in ("run_dir", "overwrite", "verbose")}
    spec = {"params": params, "data": {"name": data.name, "samples": len(data), "shape": list(data.sample_shape)}}
    atomic_write_text(run_dir / RUN_SPEC, json.dumps(spec, indent=2))
    source = data.meta.get("source")
    if source is not None:  # where the command line read the data: `aekit train --resume` reads it again
        atomic_write_text(run_dir / DATA_SOURCE, json.dumps(source, indent=2))


def check_resumable(run_dir: Path | None, data) -> None:
    """Refuse to resume on data other than the run was started on (another shape or number of samples)."""
    if run_dir is None:
        raise ArtifactError("resume=True continues the run in run_dir; set run_dir.")
    recorded = read_run_spec(run_dir)["data"]
    now = {"samples": len(data), "shape": list(data.sample_shape)}
    if [recorded.get("samples"), recorded.get("shape")] != [now["samples"], now["shape"]]:
        raise ArtifactError(
            f"{run_dir} was started on {recorded.get('samples')} samples of shape {tuple(recorded.get('shape', ()))}, "
            f"but the data given to resume has {now['samples']} samples of shape {tuple(now['shape'])}. Resume with "
            "the same data, or start a new run in another directory."
        )
