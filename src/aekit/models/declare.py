"""``register_model``: the one decorator that adds a family, and so its flags, config keys, estimator parameters,
``aekit models`` entry and loading.

A builder takes ``(config, input_shape, data_range)`` and returns ``(encoder, decoder)``, two ``keras.Model``s;
the registry wraps them in an :class:`AutoencoderModel` (or the ``model_class`` the builder registered with: its
code kind, forward pass, loss terms and abilities). A family declares its own hyperparameters with
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
    ``for_data(config, samples)`` settles choices that depend on the number of training samples.
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
