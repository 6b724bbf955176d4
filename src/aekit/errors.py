"""aekit's exceptions, where users import them from (they live in :mod:`aekit.core.errors`)."""

from typing import TYPE_CHECKING

from .core.errors import (  # noqa: F401
    AekitError,
    ArtifactError,
    ConfigError,
    DataError,
    OutputError,
    TrainingError,
    did_you_mean,
    unknown_name_error,
)

if TYPE_CHECKING:
    from .core.errors import NotFittedError


def __getattr__(name: str):
    # NotFittedError subclasses scikit-learn's, which takes a second to import: made on first use.
    if name == "NotFittedError":
        from .core import errors

        return errors.NotFittedError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["AekitError", "ArtifactError", "ConfigError", "DataError", "NotFittedError", "OutputError", "TrainingError"]
