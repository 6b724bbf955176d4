"""User-facing errors.

Every error a person can act on derives from :class:`AekitError`. The CLI prints
its message without a traceback and exits with code 2; the Python API raises it.
Messages follow Keras's style: what was received, what was expected, how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sklearn.exceptions import NotFittedError as _SklearnNotFittedError


class AekitError(Exception):
    """Base class for errors caused by the user's input or environment."""


class DataError(AekitError, ValueError):
    """The data could not be read, or is not usable for training or scoring."""


class ConfigError(AekitError, ValueError):
    """A configuration value, model name, preset or option is invalid."""


class ArtifactError(AekitError, ValueError):
    """A saved model or run directory is missing, truncated or inconsistent."""



class TrainingError(AekitError, RuntimeError):
    """Training could not go on (for example, the loss became NaN)."""


class OutputError(AekitError, ValueError):
    """An output path would replace or mix with files aekit did not write (see :mod:`aekit.core.outputs`)."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return a ' Did you mean "x"?' hint for ``name`` or an empty string."""
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return f' Did you mean "{close[0]}"?' if close else ""


def unknown_name_error(kind: str, name: str, choices: Iterable[str], cls=ConfigError) -> AekitError:
    """Build the error for an unknown model, preset, dataset or option name."""
    choices = sorted(choices)
    return cls(
        f'Unknown {kind} "{name}".{did_you_mean(name, choices)} '
        f"Available {kind}s: {', '.join(choices)}."
    )


def __getattr__(name: str):
    # NotFittedError subclasses scikit-learn's, so `except sklearn.exceptions.NotFittedError` catches aekit's too;
    # made on first use, because importing scikit-learn takes a second that `aekit --help` must not spend.
    if name == "NotFittedError":
        from sklearn.exceptions import NotFittedError as sklearn_not_fitted

        class NotFittedError(AekitError, sklearn_not_fitted):
            """A method that needs a fitted estimator was called before ``fit`` (a
            :class:`sklearn.exceptions.NotFittedError`, so also a ValueError and an AttributeError)."""

        NotFittedError.__module__, NotFittedError.__qualname__ = __name__, name
        globals()[name] = NotFittedError
        return NotFittedError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    class NotFittedError(AekitError, _SklearnNotFittedError):
        ...
