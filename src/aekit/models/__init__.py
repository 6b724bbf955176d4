"""aekit.models: a registry of autoencoder families, the model contract they follow, and the built-in ones.

Importing this package loads no engine; its names do, on first use, and register the built-in families
(``from aekit.models import register_model`` then ``get_spec("conv")`` works as ever). What needs no engine,
the built-in families' parameters, lives in :mod:`aekit.models.declared`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for IDEs and type checkers; at run time the names load on first use
    from .base import ABILITIES, CODE_KINDS, MAPPINGS, AutoencoderModel, reconstruction_of  # noqa: F401
    from .declare import register_model  # noqa: F401
    from .factory import build_model  # noqa: F401
    from .layers import Corruption, TiedDense  # noqa: F401
    from .registry import ModelSpec, available_models, get_spec, load_plugin  # noqa: F401

_NAMES = {
    "ABILITIES": ".base", "CODE_KINDS": ".base", "MAPPINGS": ".base", "AutoencoderModel": ".base",
    "reconstruction_of": ".base", "build_model": ".factory", "Corruption": ".layers", "TiedDense": ".layers",
    "register_model": ".declare", "ModelSpec": ".registry", "available_models": ".registry", "get_spec": ".registry",
    "load_plugin": ".registry",
}
BUILTIN_MODULES = (".compression", ".conv", ".dense", ".hashing", ".unet", ".variational")

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name not in _NAMES:
        raise AttributeError(f"module 'aekit.models' has no attribute {name!r}")
    for module in BUILTIN_MODULES:  # importing them registers the built-in families
        importlib.import_module(module, __name__)
    value = getattr(importlib.import_module(_NAMES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_NAMES})
