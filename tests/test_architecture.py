"""The folders are the layers (issue 27): each imports only those below it, and nothing imports in a loop."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def loggers_left_as_they_were():
    """import-linter's command configures logging with dictConfig, which disables every logger that exists (the
    `aekit` logger too) for the rest of the session; put them back."""
    import logging

    loggers = [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    states = [(logger, logger.disabled) for logger in loggers]
    yield
    for logger, disabled in states:
        logger.disabled = disabled


def test_the_import_contracts_hold():
    from importlinter.cli import lint_imports

    # Both contracts of pyproject.toml: the layers, and no cycle between sibling modules at any depth.
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_a_back_edge_breaks_the_layers_contract(tmp_path, monkeypatch):
    """The contract can fail: a copy of the package with one upward import (the data layer reaching the CLI)."""
    import shutil

    pytest.importorskip("importlinter")
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "aekit", copy / "aekit", ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "aekit" / "data" / "paths.py"
    target.write_text(target.read_text() + "\n\ndef _reach_up():\n    from ..cli import options  # noqa: F401\n")
    config = tmp_path / "pyproject.toml"
    config.write_text((ROOT / "pyproject.toml").read_text())
    monkeypatch.syspath_prepend(str(copy))
    for name in [m for m in list(__import__("sys").modules) if m == "aekit" or m.startswith("aekit.")]:
        monkeypatch.delitem(__import__("sys").modules, name)
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(config), no_cache=True) == 1
