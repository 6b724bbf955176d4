"""``register_model``: the one decorator that adds a family, and so its flags, config keys, estimator parameters,
``aekit models`` entry and loading.

A builder takes ``(config, input_shape, data_range)`` and returns ``(encoder, decoder)``, two ``keras.Model``
instances; the registry wraps them in an :class:`AutoencoderModel` (or the ``model_class`` the builder registered
with: its code kind, forward pass, loss terms and abilities). A family declares its own hyperparameters with
``params=[Param(...)]`` (see :mod:`aekit.core.params`).
"""

from __future__ import annotations

import keras

from ..core import params as family_params
from ..core.config import Config
from ..core.errors import ConfigError
from .base import AutoencoderModel, check_abilities
from .registry import ModelSpec, add, check_name


def register_model(name: str, description: str = "", model_class: type | None = None,
                   input_kinds: tuple[str, ...] = ("table", "image"), params=(), default_latent_dim=None,
                   for_data=None):
    """Function decorator registering an encoder/decoder builder under ``name``.

    ``model_class`` (a subclass of :class:`AutoencoderModel`) declares the code kind and brings the
    forward pass and loss terms; ``params`` declares the family's own hyperparameters;
    ``default_latent_dim(input_shape, config)`` gives the code size when the user sets none;
    ``for_data(config, samples)`` settles choices that depend on the number of training samples (a third
    parameter receives the shape of one sample).

    Parameters
    ----------
    name : str
        The family's name (``--model NAME``); it must not be taken by another builder.
    description : str, default=""
        One line for ``aekit models``; empty takes the first line of the builder's docstring.
    model_class : type, optional
        A subclass of :class:`AutoencoderModel` registered with ``@keras.saving.register_keras_serializable``;
        None is :class:`AutoencoderModel` itself (a vector code, the reconstruction loss).
    input_kinds : tuple of str, default=("table", "image")
        The data the family takes.
    params : sequence of aekit.params.Param, default=()
        The family's own hyperparameters; their names must not be core config keys, and a name another family
        declared must be declared identically.
    default_latent_dim : callable, optional
        ``default_latent_dim(input_shape, config) -> int``; None takes a quarter of the input values, at most
        32.
    for_data : callable, optional
        ``for_data(config, samples) -> config`` or ``for_data(config, samples, sample_shape) -> config``, or
        None.

    Returns
    -------
    callable
        The decorator, which registers the builder it is given (a :class:`ModelSpec`) and returns it unchanged.

    Raises
    ------
    ConfigError
        When the decorator is applied: for a name taken by another builder, a ``model_class`` that is not a
        registered :class:`AutoencoderModel` subclass, an unknown ability or a missing method it needs, or a
        parameter declaration that clashes.
    """

    def decorator(builder):
        check_name(name, builder)
        cls = model_class or AutoencoderModel
        if not (isinstance(cls, type) and issubclass(cls, AutoencoderModel)):
            raise ConfigError(f'model_class of "{name}" must subclass aekit.models.AutoencoderModel.')
        if keras.saving.get_registered_object(keras.saving.get_registered_name(cls)) is not cls:
            raise ConfigError(f'model_class {cls.__name__} of "{name}" is not registered with Keras, so its runs '
                              "could not be loaded: decorate it with "
                              "@keras.saving.register_keras_serializable(package=...).")
        check_abilities(cls, name)
        doc = description or (builder.__doc__ or "").strip().splitlines()[0]
        family_params.declare(name, tuple(params), reserved=set(Config.field_names()))
        add(ModelSpec(name, builder, doc, cls, tuple(input_kinds), tuple(params), default_latent_dim, for_data))
        return builder

    return decorator
