"""The model registry: one decorator feeds the CLI, configs and loading.

A builder takes ``(config, input_shape, data_range)`` and returns ``(encoder, decoder)``,
two ``keras.Model``s; the registry wraps them in an :class:`AutoencoderModel` (or the
``model_class`` the builder registered with, for models with their own loss terms).
Plugins register from their own module: ``aekit.models.load_plugin("my_pkg.my_models")``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ConfigError, unknown_name_error


@dataclass(frozen=True)
class ModelSpec:
    name: str
    builder: Callable
    description: str
    model_class: type
    input_kinds: tuple[str, ...]


_REGISTRY: dict[str, ModelSpec] = {}


def register_model(name: str, description: str = "", model_class: type | None = None,
                   input_kinds: tuple[str, ...] = ("table", "image")):
    """Class/function decorator registering an encoder/decoder builder under ``name``."""

    def decorator(builder):
        from .base import AutoencoderModel

        if name in _REGISTRY and _REGISTRY[name].builder is not builder:
            raise ConfigError(f'A model named "{name}" is already registered; choose another name.')
        doc = description or (builder.__doc__ or "").strip().splitlines()[0]
        _REGISTRY[name] = ModelSpec(name, builder, doc, model_class or AutoencoderModel, input_kinds)
        return builder

    return decorator


def get_spec(name: str) -> ModelSpec:
    _ensure_builtins()
    if name not in _REGISTRY:
        raise unknown_name_error("model", name, _REGISTRY)
    return _REGISTRY[name]


def available_models() -> dict[str, ModelSpec]:
    _ensure_builtins()
    return dict(sorted(_REGISTRY.items()))


def load_plugin(module: str) -> None:
    """Import a module whose ``@register_model`` decorators add models to the registry."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(f"Could not import model plugin {module!r}: {exc}. Check that it is installed.") from None


def _ensure_builtins() -> None:
    from . import conv, dense  # noqa: F401 - importing registers the built-in models
