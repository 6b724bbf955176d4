"""aekit.models: a registry of autoencoder builders and the model they are wrapped in."""

from .base import AutoencoderModel
from .factory import build_model
from .layers import Corruption, TiedDense
from .registry import ModelSpec, available_models, get_spec, load_plugin, register_model

__all__ = ["AutoencoderModel", "Corruption", "ModelSpec", "TiedDense", "available_models", "build_model",
           "get_spec", "load_plugin", "register_model"]
