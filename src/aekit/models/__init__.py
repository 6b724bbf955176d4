"""aekit.models: a registry of autoencoder families, the model contract they follow, and the built-in ones."""

from . import compression, conv, dense, hashing, unet, variational  # noqa: E402,F401,I001 - importing them registers the built-in families
from .base import ABILITIES, CODE_KINDS, MAPPINGS, AutoencoderModel, reconstruction_of
from .factory import build_model
from .layers import Corruption, TiedDense
from .declare import register_model
from .registry import ModelSpec, available_models, get_spec, load_plugin

__all__ = ["ABILITIES", "CODE_KINDS", "MAPPINGS", "AutoencoderModel", "Corruption", "ModelSpec", "TiedDense",
           "available_models", "build_model", "get_spec", "load_plugin", "reconstruction_of", "register_model"]
