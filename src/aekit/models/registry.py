"""The model registry: every family's spec, by name; the CLI, configs, estimators and loading read it.

Families are added by the decorator :func:`aekit.models.register_model` (:mod:`aekit.models.declare`).
A spec says what the family builds (``builder`` and ``model_class``), what data it takes, its own
hyperparameters and its abilities (``can``: sample, compress, upscale, ...; see :data:`aekit.models.base.ABILITIES`).
Plugins register from their own module: ``aekit.models.load_plugin("my_pkg.my_models")``.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass

from ..core import params as family_params
from ..core.errors import ConfigError, unknown_name_error


@dataclass(frozen=True)
class ModelSpec:
    name: str
    builder: Callable
    description: str
    model_class: type
    input_kinds: tuple[str, ...]
    params: tuple[family_params.Param, ...] = ()
    default_latent_dim: Callable | None = None
    for_data: Callable | None = None

    def settle(self, config, samples: int):
        """``config`` with the family's ``auto`` choices that depend on the amount of data made for ``samples``
        training samples (the resolved values are what the run saves, so reloading rebuilds the same model)."""
        return config if self.for_data is None else self.for_data(config, samples)

    def latent_dim_for(self, input_shape: tuple[int, ...], config) -> int:
        """The code size when ``latent_dim`` is not given: the family's rule, else a quarter of the input (<= 32)."""
        if self.default_latent_dim is not None:
            return int(self.default_latent_dim(tuple(input_shape), config))
        return max(1, min(32, math.prod(input_shape) // 4))

    @property
    def module(self) -> str:
        """The module that registered the family; run directories record it for families from plugins."""
        return self.builder.__module__

    @property
    def is_builtin(self) -> bool:
        return self.module.split(".")[0] == "aekit"

    @property
    def code_kind(self) -> str:
        """The code kind with the family's default settings."""
        return self.model_class.code_kind

    @property
    def code_kinds(self) -> tuple[str, ...]:
        """Every code kind the family can have (some choose one with a parameter)."""
        return tuple(getattr(self.model_class, "code_kinds", (self.model_class.code_kind,)))

    def can(self, ability: str, config=None) -> bool:
        """Whether a model of this family (built from ``config``, when the answer depends on it) has ``ability``."""
        return ability in self.model_class.abilities_for(config)

    @property
    def abilities(self) -> tuple[str, ...]:
        """The abilities a model of this family may have, whatever its settings."""
        return tuple(self.model_class.abilities_for(None))


_REGISTRY: dict[str, ModelSpec] = {}


def check_name(name: str, builder: Callable) -> None:
    """Refuse a second family of the same name (registering the same builder again is harmless)."""
    if name in _REGISTRY and _REGISTRY[name].builder is not builder:
        raise ConfigError(f'A model named "{name}" is already registered; choose another name.')


def add(spec: ModelSpec) -> None:
    """Register ``spec`` (see :func:`aekit.models.register_model`, the decorator that builds one)."""
    check_name(spec.name, spec.builder)
    _REGISTRY[spec.name] = spec


def get_spec(name: str) -> ModelSpec:
    if name not in _REGISTRY:
        raise unknown_name_error("model", name, _REGISTRY)
    return _REGISTRY[name]


def available_models() -> dict[str, ModelSpec]:
    return dict(sorted(_REGISTRY.items()))


def load_plugin(module: str) -> None:
    """Import a module whose ``@register_model`` decorators add models to the registry."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(f"Could not import model plugin {module!r}: {exc}. Check that it is installed.") from None
