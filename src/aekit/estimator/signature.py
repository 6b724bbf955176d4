"""Estimator signatures generated from the declared parameters, so no list of them is copied by hand.

scikit-learn reads an estimator's parameters from the signature of its ``__init__`` and ignores
``**kwargs``; :func:`install_signature` gives ``__init__(self, **params)`` a real signature built from
:class:`aekit.core.config.Config`'s architecture and training keys, every model family's declared parameters
(:mod:`aekit.params`) and the estimator's own. ``get_params``, ``clone``, ``GridSearchCV`` and ``help()``
then see every parameter. A plugin that declares new parameters regenerates the signatures.
"""

from __future__ import annotations

import inspect
from typing import Any

from ..core import params as family_params
from ..core.config import Config
from ..core.errors import did_you_mean

_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def config_parameters(overrides: dict[str, Any] | None = None, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The estimator parameters that Config declares, with their defaults (``overrides`` replace some)."""
    overrides = overrides or {}
    return {name: overrides.get(name, Config.default_for(name)) for name in Config.estimator_keys()
            if name not in exclude}


def install_signature(cls: type, *, leading: dict[str, Any] | None = None, trailing: dict[str, Any] | None = None,
                      overrides: dict[str, Any] | None = None, exclude: tuple[str, ...] = ()) -> type:
    """Give ``cls.__init__`` the signature: ``leading``, the config parameters, then ``trailing``."""

    def refresh() -> None:
        defaults = {**(leading or {}), **config_parameters(overrides, exclude), **(trailing or {})}
        signature = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        signature += [inspect.Parameter(name, _KEYWORD, default=value) for name, value in defaults.items()]
        cls.__init__.__signature__ = inspect.Signature(signature)
        cls._param_defaults = defaults

    refresh()
    family_params.on_change(refresh)
    return cls


def assign_params(estimator, given: dict[str, Any]) -> None:
    """What a generated ``__init__`` does: store each parameter as given (or its default), check nothing else."""
    defaults = type(estimator)._param_defaults
    for name in given:
        if name not in defaults:
            raise TypeError(f"{type(estimator).__name__}() got an unexpected keyword argument {name!r}."
                            f"{did_you_mean(name, defaults)} See help({type(estimator).__name__}) or "
                            "`aekit models NAME` for the parameters.")
    for name, default in defaults.items():
        setattr(estimator, name, given.get(name, default))
