"""The model registry: every family's spec, by name; the CLI, configs, estimators and loading read it.

Families are added by the decorator :func:`aekit.models.register_model` (:mod:`aekit.models.declare`).
A spec says what the family builds (``builder`` and ``model_class``), what data it takes, its own
hyperparameters and its abilities (``can``: sample, compress, upscale, ...; see :data:`aekit.models.base.ABILITIES`).
Plugins register from their own module: ``aekit.models.load_plugin("my_pkg.my_models")``.
"""

from __future__ import annotations

import importlib
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

from ..core import params as family_params
from ..core.errors import ConfigError, unknown_name_error


@dataclass(frozen=True)
class ModelSpec:
    """A registered model family: what it builds, the data it takes, its parameters and its rules.

    Made by :func:`register_model`; read one with :func:`get_spec`.

    Parameters
    ----------
    name : str
        The family's name: ``model`` in a config, ``--model`` on the command line.
    builder : callable
        ``builder(config, input_shape, data_range) -> (encoder, decoder)``, two ``keras.Model`` instances.
    description : str
        One line for ``aekit models`` (by default the first line of the builder's docstring).
    model_class : type
        The :class:`AutoencoderModel` subclass the encoder and decoder are wrapped in.
    input_kinds : tuple of str
        The data the family takes: ``"table"``, ``"image"`` or both.
    params : tuple of aekit.params.Param, default=()
        The family's own hyperparameters.
    default_latent_dim : callable, optional
        ``default_latent_dim(input_shape, config) -> int``: the code size when the user sets none.
    for_data : callable, optional
        ``for_data(config, samples) -> config``, or ``for_data(config, samples, sample_shape)``: settles
        ``auto`` choices that depend on the number of training samples (and on their shape).
    """

    name: str
    builder: Callable
    description: str
    model_class: type
    input_kinds: tuple[str, ...]
    params: tuple[family_params.Param, ...] = ()
    default_latent_dim: Callable | None = None
    for_data: Callable | None = None

    def settle(self, config, samples: int, sample_shape: tuple[int, ...] | None = None):
        """``config`` with the family's ``auto`` choices that depend on the data made for ``samples`` training
        samples of ``sample_shape`` (the resolved values are what the run saves, so reloading rebuilds the same
        model).

        Parameters
        ----------
        config : Config
            The resolved config.
        samples : int
            The number of training samples.
        sample_shape : tuple of int, optional
            The shape of one training sample, passed to a ``for_data`` that takes a third argument.

        Returns
        -------
        Config
            ``config`` itself for a family without ``for_data``, else what ``for_data`` returns.
        """
        if self.for_data is None:
            return config
        if len(inspect.signature(self.for_data).parameters) >= 3:
            return self.for_data(config, samples, sample_shape)
        return self.for_data(config, samples)

    def latent_dim_for(self, input_shape: tuple[int, ...], config) -> int:
        """The code size when ``latent_dim`` is not given: the family's rule, else a quarter of the input (<= 32).

        Parameters
        ----------
        input_shape : tuple of int
            The shape of one sample.
        config : Config
            The model's config.

        Returns
        -------
        int
            ``default_latent_dim(input_shape, config)``, else a quarter of the values per sample, between 1 and
            32.
        """
        if self.default_latent_dim is not None:
            return int(self.default_latent_dim(tuple(input_shape), config))
        return max(1, min(32, math.prod(input_shape) // 4))

    @property
    def module(self) -> str:
        """The module that registered the family; run directories record it for families from plugins."""
        return self.builder.__module__

    @property
    def is_builtin(self) -> bool:
        """Whether the family ships with aekit (its builder's module is in the ``aekit`` package)."""
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
        """Whether a model of this family (built from ``config``, when the answer depends on it) has ``ability``.

        Parameters
        ----------
        ability : str
            A key of :data:`aekit.models.ABILITIES`, such as ``"sample"`` or ``"compress"``.
        config : Config, optional
            The model's config; None asks whether any model of the family may have it.

        Returns
        -------
        bool
            Whether ``ability`` is among :meth:`AutoencoderModel.abilities_for` of the family's model class.
        """
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
    """The spec of a registered model family.

    Parameters
    ----------
    name : str
        The family's name, such as ``"deep"`` or ``"conv"``.

    Returns
    -------
    ModelSpec
        Its spec.

    Raises
    ------
    ConfigError
        When no family of that name is registered (suggesting a close name).
    """
    if name not in _REGISTRY:
        raise unknown_name_error("model", name, _REGISTRY)
    return _REGISTRY[name]


def available_models() -> dict[str, ModelSpec]:
    """Every registered model family, built-in and from plugins.

    Returns
    -------
    dict of str to ModelSpec
        The specs, by name, sorted by name.
    """
    return dict(sorted(_REGISTRY.items()))


def load_plugin(module: str) -> None:
    """Import a module whose ``@register_model`` decorators add models to the registry.

    Parameters
    ----------
    module : str
        The module's dotted name, as for ``import`` (``"my_pkg.my_models"``).

    Raises
    ------
    ConfigError
        When the module cannot be imported.
    """
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(f"Could not import model plugin {module!r}: {exc}. Check that it is installed.") from None
