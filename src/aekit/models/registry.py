"""The model registry: one decorator feeds the CLI, configs, estimators and loading.

A builder takes ``(config, input_shape, data_range)`` and returns ``(encoder, decoder)``,
two ``keras.Model``s; the registry wraps them in an :class:`AutoencoderModel` (or the
``model_class`` the builder registered with: its code kind, forward pass and loss terms).
A family declares its own hyperparameters with ``params=[Param(...)]`` (see :mod:`aekit.params`).
Plugins register from their own module: ``aekit.models.load_plugin("my_pkg.my_models")``.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass

import keras

from .. import params as family_params
from ..config import Config
from ..errors import ConfigError, unknown_name_error
from .base import AutoencoderModel


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


_REGISTRY: dict[str, ModelSpec] = {}


def register_model(name: str, description: str = "", model_class: type | None = None,
                   input_kinds: tuple[str, ...] = ("table", "image"), params=(), default_latent_dim=None,
                   for_data=None):
    """Function decorator registering an encoder/decoder builder under ``name``.

    ``model_class`` (a subclass of :class:`AutoencoderModel`) declares the code kind and brings the
    forward pass and loss terms; ``params`` declares the family's own hyperparameters;
    ``default_latent_dim(input_shape, config)`` gives the code size when the user sets none;
    ``for_data(config, samples)`` settles choices that depend on the number of training samples.
    """

    def decorator(builder):
        if name in _REGISTRY and _REGISTRY[name].builder is not builder:
            raise ConfigError(f'A model named "{name}" is already registered; choose another name.')
        cls = model_class or AutoencoderModel
        if not (isinstance(cls, type) and issubclass(cls, AutoencoderModel)):
            raise ConfigError(f'model_class of "{name}" must subclass aekit.models.AutoencoderModel.')
        if keras.saving.get_registered_object(keras.saving.get_registered_name(cls)) is not cls:
            raise ConfigError(f'model_class {cls.__name__} of "{name}" is not registered with Keras, so its runs '
                              "could not be loaded: decorate it with "
                              "@keras.saving.register_keras_serializable(package=...).")
        doc = description or (builder.__doc__ or "").strip().splitlines()[0]
        family_params.declare(name, tuple(params), reserved=set(Config.field_names()))
        _REGISTRY[name] = ModelSpec(name, builder, doc, cls, tuple(input_kinds), tuple(params), default_latent_dim,
                                     for_data)
        return builder

    return decorator


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
