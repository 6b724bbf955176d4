"""The flat, plain-data configuration behind every model and training run.

A config is a dataclass that round-trips through dicts, JSON and YAML. Presets fill
in what the user left unset; explicit values always win over presets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, did_you_mean, unknown_name_error

PRESETS: dict[str, dict[str, Any]] = {
    # Hinton & Salakhutdinov (2006): 784-1000-500-250-30, logistic hidden units, linear code.
    "hinton2006": {"model": "deep", "hidden": [1000, 500, 250], "latent_dim": 30},
    # The TensorFlow tutorial's stack: halve the width twice, then a 98-number code.
    "tutorial": {"model": "deep", "hidden": [392, 196], "latent_dim": 98},
    # A small stack for narrow tables and 8x8 images.
    "small": {"model": "deep", "hidden": [64, 32], "latent_dim": 8},
}

CHOICES: dict[str, tuple[str, ...]] = {
    "loss": ("auto", "mse", "mae", "bce"),
    "optimizer": ("adam", "rmsprop", "sgd"),
    "schedule": ("constant", "cosine"),
    "noise": ("none", "gaussian", "masking", "salt_pepper"),
    "output_activation": ("auto", "sigmoid", "linear", "tanh", "relu"),
}


@dataclass
class Config:
    """Every knob of a model and its training, with the defaults of the recipe we measured."""

    # architecture
    model: str = "deep"
    preset: str | None = None
    latent_dim: int | None = None
    hidden: list[int] | None = None
    filters: list[int] | None = None
    kernel_size: int = 3
    activation: str = "elu"
    code_activation: str = "linear"
    output_activation: str = "auto"
    kernel_initializer: str = "glorot_uniform"
    l1: float = 0.0
    l2: float = 0.0
    activity_l1: float = 0.0
    dropout: float = 0.0
    noise: str = "none"
    noise_level: float = 0.2
    tied: bool = False
    # training
    loss: str = "auto"
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    momentum: float = 0.9
    schedule: str = "cosine"
    epochs: int = 50
    batch_size: int = 128
    validation_split: float = 0.1
    early_stopping: bool = True
    patience: int = 10
    seed: int = 0
    # data
    dataset: str | None = None
    data: str | None = None
    label_column: str | None = None
    image_size: list[int] | None = None
    split: str = "train"
    max_samples: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Config":
        names = cls.field_names()
        unknown = [k for k in values if k not in names]
        if unknown:
            key = unknown[0]
            raise ConfigError(
                f'Unknown config key "{key}".{did_you_mean(key, names)} '
                f"Valid keys: {', '.join(names)}."
            )
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **changes: Any) -> "Config":
        return Config.from_dict({**self.to_dict(), **changes})

    def resolved(self) -> "Config":
        """Return a copy with the preset applied to unset fields, and every value checked."""
        values = self.to_dict()
        if self.preset is not None:
            if self.preset not in PRESETS:
                raise unknown_name_error("preset", self.preset, PRESETS)
            for key, value in PRESETS[self.preset].items():
                if key == "model" or values.get(key) is None:
                    values[key] = value
            if self.model not in (PRESETS[self.preset]["model"], Config.model):
                raise ConfigError(
                    f'Preset "{self.preset}" is for model "{PRESETS[self.preset]["model"]}", '
                    f'but model="{self.model}" was given. Drop one of the two.'
                )
        config = Config.from_dict(values)
        config.validate()
        return config

    def validate(self) -> None:
        for key, allowed in CHOICES.items():
            if getattr(self, key) not in allowed:
                raise unknown_name_error(key.replace("_", " ") + " option", getattr(self, key), allowed)
        _check_positive_int("epochs", self.epochs)
        _check_positive_int("batch_size", self.batch_size)
        if self.latent_dim is not None:
            _check_positive_int("latent_dim", self.latent_dim)
        for name in ("hidden", "filters"):
            for units in getattr(self, name) or []:
                _check_positive_int(f"each entry of {name}", units)
        for name in ("l1", "l2", "activity_l1", "noise_level"):
            if getattr(self, name) < 0:
                raise ConfigError(f"Received {name}={getattr(self, name)}; expected a value >= 0.")
        if not self.learning_rate > 0:
            raise ConfigError(f"Received learning_rate={self.learning_rate}; expected a value > 0.")
        for name in ("dropout", "validation_split"):
            if not 0 <= getattr(self, name) < 1:
                raise ConfigError(f"Received {name}={getattr(self, name)}; expected 0 <= {name} < 1.")
        if self.dataset and self.data:
            raise ConfigError("Give either a named dataset (--dataset) or a file (--data), not both.")


def _check_positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"Received {name}={value!r}; expected a positive integer.")


def load_config_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML (or JSON) config file into a dict of config keys."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"Config file not found: {path}. Pass the path of an existing YAML file.")
    try:
        values = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"Config file {path} is not valid YAML: {exc}") from None
    if not isinstance(values, dict):
        raise ConfigError(f"Config file {path} must hold a mapping of keys to values, got {type(values).__name__}.")
    Config.from_dict(values)  # reject unknown keys early, naming the file's key
    return values
