"""aekit's exceptions, where users import them from (they live in :mod:`aekit.core.errors`)."""

from .core.errors import (  # noqa: F401
    AekitError,
    ArtifactError,
    ConfigError,
    DataError,
    NotFittedError,
    OutputError,
    TrainingError,
    did_you_mean,
    unknown_name_error,
)

__all__ = ["AekitError", "ArtifactError", "ConfigError", "DataError", "NotFittedError", "OutputError", "TrainingError"]
