"""Atomic file and directory writes: a crash leaves either the old content or the new, never half."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _default_mode(directory: bool = False) -> int:
    # mkstemp/mkdtemp create private (0600/0700) entries; give the result the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def atomic_write_text(path: str | Path, text: str) -> None:
    path = Path(path)
    with atomic_path(path) as temporary:
        temporary.write_text(text)


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + "".join(path.suffixes[-1:]),
                                    dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, _default_mode())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_directory(path: str | Path, carry: tuple[str, ...] = ()):
    """Yield a staging folder beside ``path``; on success it takes ``path``'s place in one rename.

    Everything an existing ``path`` held is replaced, except the entries named in ``carry`` (a run's
    TensorBoard logs and checkpoints when a model is saved into the run directory it trained in). Those
    are hard-linked into the staging folder, never moved out of ``path``: whatever fails before the
    final rename, ``path`` is left exactly as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".saving", dir=path.parent))
    try:
        yield staging
        os.chmod(staging, _default_mode(directory=True))
        if not path.exists():
            os.replace(staging, path)
            return
        if not path.is_dir():
            raise NotADirectoryError(f"{path} exists and is not a directory")
        for name in carry:
            if (path / name).exists() and not (staging / name).exists():
                _link_tree(path / name, staging / name)
        retired = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
        os.replace(path, retired / "previous")
        try:
            os.replace(staging, path)
        except BaseException:
            os.replace(retired / "previous", path)
            raise
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    """Copy a file or folder as hard links (the data is shared, nothing is rewritten); copy where links fail."""

    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    if source.is_dir():
        shutil.copytree(source, target, copy_function=link, symlinks=True)
    else:
        link(source, target)
