"""Which plugin modules aekit may import, and loading the families that run directories name.

A run directory is untrusted input: aekit never imports a module because ``aekit.json`` names it. The user
allows plugin modules with the global ``aekit --plugin MODULE`` option (repeatable), the ``AEKIT_PLUGINS``
environment variable (comma separated) or ``aekit.load(path, plugins=[...])``; only those are imported.
"""

from __future__ import annotations

import os

from .. import models
from ..core.errors import ArtifactError

ENV = "AEKIT_PLUGINS"
_ALLOWED: list[str] = []


def env_plugins() -> list[str]:
    return [name.strip() for name in os.environ.get(ENV, "").split(",") if name.strip()]


def allow(modules) -> None:
    """Import plugin modules now (their families register) and allow runs that name them to load."""
    for module in modules:
        models.load_plugin(module)
        if module not in _ALLOWED:
            _ALLOWED.append(module)


def allowed(extra=()) -> list[str]:
    return [*_ALLOWED, *env_plugins(), *extra]


def ensure_family(family: str, recorded: list[str], where: str, extra_allowed=()) -> None:
    """Make sure the family a run was trained with is registered, importing its plugin only if allowed."""
    if family in models.available_models():
        return
    how = ("allow its module: `aekit --plugin MODULE ...`, AEKIT_PLUGINS=MODULE, or "
           "aekit.load(path, plugins=['MODULE'])")
    if not recorded:
        raise ArtifactError(f'{where} was trained with model "{family}", which is not registered in this process. '
                            f"If it comes from a plugin, {how}.")
    permitted = allowed(extra_allowed)
    for module in recorded:
        if module not in permitted:
            raise ArtifactError(
                f'{where} was trained with model "{family}" from the plugin module {module!r}. aekit never imports '
                f"a module because a run directory names it (its files are untrusted input). If you trust "
                f"{module!r}, {how.replace('MODULE', module)}."
            )
        models.load_plugin(module)
    if family not in models.available_models():
        raise ArtifactError(f'{where} names model "{family}", but importing {", ".join(recorded)} did not register '
                            "it. Check that the plugin version matches the one the run was trained with.")
