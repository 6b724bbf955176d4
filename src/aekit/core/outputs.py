"""The one rule for every file and folder aekit writes: a user's other files are never lost or mixed in.

**Folders.** aekit writes into a folder only when it is missing, empty, or an aekit folder: a run (it holds
``aekit.json``) or a folder whose manifest, ``.aekit-files.json``, lists what aekit wrote there. Anything else
is refused before any work, naming a few of the files found, unless the user passes ``--overwrite``
(``overwrite=True`` in Python). Either way:

- a file aekit writes replaces a file of the same name only if aekit wrote that one too (or with overwrite);
- replacing a run removes the previous run's own files that the new one does not write again (a detector's
  scores when an autoencoder is saved over it), and nothing else;
- the folder itself is never moved, renamed or deleted, so ``-o .`` writes in place;
- an output inside a folder the command reads its data from is refused: it would become data.

**Files.** A file is written where none is, or over one only with overwrite; never over one of the inputs.

Every write is atomic (a temporary file renamed into place, see :mod:`aekit.core.atomic`), and a folder written in
one go (:func:`staged`) appears entry by entry in a few renames that are undone if one fails.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from .atomic import atomic_write_text
from .errors import OutputError

MANIFEST = ".aekit-files.json"
RUN_MARKER = "aekit.json"
# Runs written before the manifest existed are recognised by their marker; these are the entries they held.
LEGACY_RUN_ENTRIES = ("model.keras", "aekit.json", "history.csv", "loss.png", "reconstructions.png", "tensorboard",
                      "checkpoint", "decision_scores.npy", "residual_precision.npy", "neighbour_references.npy",
                      "known_anomalies.npy", "label_normal_references.npy", "scores.png")
TEMPORARY_PREFIX = ".aekit-"  # staging and set-aside folders inside an output folder; never the user's
SHOWN = 5
HOW_TO_OVERWRITE = "pass --overwrite (overwrite=True in Python)"
RUN_FOLDER = "run directory"


def read_manifest(folder: Path) -> set[str] | None:
    """The entries (relative paths) the manifest of ``folder`` lists, or None when it has none."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    try:
        entries = json.loads(path.read_text()).get("entries", [])
    except (OSError, ValueError, AttributeError):
        return None
    return {str(e) for e in entries if isinstance(e, str)}


def is_aekit_folder(folder: Path) -> bool:
    folder = Path(folder)
    return (folder / MANIFEST).is_file() or (folder / RUN_MARKER).is_file() or \
        (folder / "checkpoint" / "run.json").is_file()


def owned(folder: Path) -> set[str]:
    """What aekit wrote into ``folder``: its manifest's entries, or a legacy run's known entries."""
    folder = Path(folder)
    listed = read_manifest(folder)
    if listed is not None:
        return listed
    if is_aekit_folder(folder):
        return {name for name in LEGACY_RUN_ENTRIES if (folder / name).exists()}
    return set()


def _is_owned(name: str, mine: set[str]) -> bool:
    parts = Path(name).parts
    return any("/".join(parts[:i]) in mine for i in range(1, len(parts) + 1))


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")


def check_folder(path, *, overwrite: bool = False, inputs: Iterable = (), names: Iterable[str] = (),
                 what: str = "output folder") -> Path:
    """Apply the folder rule to ``path`` before any work; raise :class:`OutputError` where it refuses.

    ``names`` are the entries the command will write there (relative paths), when known: in an aekit folder, one
    that exists and was not written by aekit is replaced only with ``overwrite``. ``inputs`` are the paths or
    globs the command reads.
    """
    path = Path(path).expanduser()
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} is a file, but the {what} must be a folder. Choose another -o.")
    check_not_an_input(path, inputs)
    if not path.exists():
        return path
    present = sorted(e for e in os.listdir(path) if not e.startswith(TEMPORARY_PREFIX) and e != MANIFEST)
    if not present:
        return path
    if is_aekit_folder(path):
        mine = owned(path)
        existing = [n for n in names if (path / n).exists()]
        if (path / RUN_MARKER).is_file() and what != RUN_FOLDER and existing and not overwrite:
            raise OutputError(f"{path} is a run directory, and writing the {what} there would replace the run's own "
                              f"{_listing(existing)}. Write it into a folder of its own, e.g. -o {path / 'output'}.")
        clashes = [n for n in existing if not _is_owned(n, mine)]
        if clashes and not overwrite:
            one = len(clashes) == 1
            them = "it" if one else "them"
            raise OutputError(f"{path} is an aekit folder, but {_listing(clashes)} in it {'was' if one else 'were'} "
                              f"not written by aekit and would be replaced. Move {them} away, choose another -o, or "
                              f"{HOW_TO_OVERWRITE} to replace {them}.")
        return path
    if not overwrite:
        shown = [e + ("/" if (path / e).is_dir() else "") for e in present]
        raise OutputError(
            f"The {what} {path} already holds files that aekit did not write ({_listing(shown)}). aekit writes into "
            "a folder only when it is missing, empty or written by aekit, so that none of your files is replaced "
            f"or mixed with its output. Choose another -o (a new folder), or {HOW_TO_OVERWRITE} to write into it: "
            "files of the names aekit writes are then replaced, and every other file is left as it is."
        )
    return path


def check_file(path, *, overwrite: bool = False, inputs: Iterable = ()) -> Path:
    """Apply the file rule to ``path`` before any work: no folder, no input, and no existing file unless
    ``overwrite``."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise OutputError(f"{path} is a folder; expected the name of a file to write. Choose another -o.")
    check_not_an_input(path, inputs)
    if path.exists() and not overwrite:
        raise OutputError(f"{path} already exists, and aekit replaces a file only when asked. Choose another -o, "
                          f"or {HOW_TO_OVERWRITE} to replace it.")
    return path


def _input_paths(spec) -> list[tuple[Path, bool]]:
    """``(path, is_pattern)`` for one input: the path itself, or a glob pattern (checked by matching: an output the
    pattern would match is refused)."""
    text = str(spec)
    path = Path(text).expanduser()
    if path.exists():
        return [(path, False)]
    if not any(ch in text for ch in "*?["):
        return []  # a named dataset, or a path the command will report as missing
    return [(path, True)]


def check_not_an_input(path, inputs: Iterable) -> None:
    """Refuse an output that is an input, lies inside an input folder, or that an input pattern would match."""
    target = Path(path).expanduser().resolve()
    for spec in inputs:
        if spec is None:
            continue
        for source, pattern in _input_paths(spec):
            resolved = source.resolve()
            if pattern:
                if fnmatch.fnmatch(str(target), str(resolved)):
                    raise OutputError(f"{path} matches the input pattern {spec!r}: the output would be read as data "
                                      "the next time. Choose an -o that the pattern does not match.")
            elif target == resolved:
                raise OutputError(f"{path} is also an input of this command; writing it would destroy the data "
                                  "being read. Choose another -o.")
            elif source.is_dir() and resolved in target.parents:
                raise OutputError(f"{path} lies inside {source}, which this command reads its data from: what aekit "
                                  "wrote there would be read as data the next time. Choose an -o outside it.")


def record(folder, names: Iterable[str], *, drop: Iterable[str] = ()) -> None:
    """Add ``names`` to the manifest of ``folder`` (creating both), minus ``drop``: what aekit wrote there."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entries = (read_manifest(folder) or owned(folder)) | {str(Path(n).as_posix()) for n in names}
    entries -= set(drop)
    atomic_write_text(folder / MANIFEST, json.dumps({"written_by": "aekit", "entries": sorted(entries)}, indent=1))


def prepare_folder(path, *, overwrite: bool = False, inputs: Iterable = (), names: Iterable[str] = (),
                   what: str = "output folder") -> Path:
    """:func:`check_folder`, then create the folder and record ``names`` in its manifest before they are
    written, so that a folder left half-written by a crash is still recognised as aekit's."""
    names = list(names)
    path = check_folder(path, overwrite=overwrite, inputs=inputs, names=names, what=what)
    record(path, names)
    return path


@contextmanager
def staged(folder, *, keep: Iterable[str] = (), replace_owned: bool = False):
    """Yield an empty staging folder inside ``folder``; on success every entry written there takes its place in
    ``folder`` (replacing what has that name), and the manifest lists them.

    ``replace_owned``: the previous content is a run being replaced, so entries aekit wrote there before and
    does not write again are removed too, except those in ``keep`` (a run's own logs and checkpoints). The
    folder is created if missing (and removed again if the write fails); it is never moved. If a rename fails,
    the ones done are undone, and the folder is left as it was.
    """
    folder = Path(folder)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX + "staging-", dir=folder))
    try:
        yield staging
        _publish(folder, staging, set(keep), replace_owned)
    except BaseException:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish(folder: Path, staging: Path, keep: set[str], replace_owned: bool) -> None:
    new = sorted(os.listdir(staging))
    previous = owned(folder)
    stale = sorted(previous - set(new) - keep - {MANIFEST}) if replace_owned else []
    aside = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX + "previous-", dir=folder))
    set_aside, placed = [], []
    try:
        for name in new:
            target = folder / name
            if target.exists() or target.is_symlink():
                os.replace(target, aside / name)
                set_aside.append(name)
            os.replace(staging / name, target)
            placed.append(name)
        for name in stale:
            if (folder / name).exists():
                os.replace(folder / name, aside / name)
                set_aside.append(name)
        record(folder, new + [k for k in keep if (folder / k).exists()], drop=stale)
    except BaseException:
        # Undo in reverse order; if undoing fails too, what was set aside stays in `aside` (nothing is deleted).
        for name in reversed(placed):
            os.replace(folder / name, staging / name)
        for name in reversed(set_aside):
            os.replace(aside / name, folder / name)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    remove_leftovers(folder)


def remove_leftovers(folder: Path) -> None:
    """Delete staging and set-aside folders that an earlier, interrupted write left in ``folder``."""
    for entry in Path(folder).glob(TEMPORARY_PREFIX + "*"):
        if entry.is_dir() and (entry.name.startswith(TEMPORARY_PREFIX + "staging-") or
                               entry.name.startswith(TEMPORARY_PREFIX + "previous-")):
            shutil.rmtree(entry, ignore_errors=True)
