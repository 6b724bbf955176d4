"""``Param``, what a model family declares its own hyperparameters with, where plugins import it from (it lives
in :mod:`aekit.core.params`)."""

from .core.params import Param  # noqa: F401

__all__ = ["Param"]
