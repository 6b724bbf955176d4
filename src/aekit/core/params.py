"""Hyperparameters that a model family declares once, and the table that collects them.

A family (``@register_model(..., params=[Param("beta", 1.0, "...")])``) declares its own knobs with a
default, a help text and a type. From this one declaration they reach :class:`aekit.core.config.Config` (and so
YAML files and ``aekit.json``), the ``aekit train`` flags, the signatures of :class:`aekit.Autoencoder` and
:class:`aekit.AnomalyDetector` (so ``clone`` and ``get_params`` keep them) and ``aekit models NAME``.

Names form one namespace: two families may declare the same name only with the same meaning (equal
declarations), and no family may redeclare a core config key.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Param:
    """One declared hyperparameter: ``name``, ``default``, ``help``, and optional ``choices`` and bounds.

    ``type`` is taken from the default when not given (``float``, ``int``, ``str`` or ``bool``). A float
    parameter accepts integers; ``minimum``/``maximum`` are inclusive bounds for numbers.

    Parameters
    ----------
    name : str
        The key, as it appears in :class:`aekit.Config` (``config.beta``), YAML files and ``aekit.json``, as an
        estimator parameter and, with dashes, as the ``aekit train`` flag (``--kl-warmup``). Must not be a core
        config key.
    default : Any
        The value a family's models get when the user gives none; checked against the declaration when the
        family registers.
    help : str
        One or two sentences for ``aekit train --help``, ``aekit models NAME`` and error messages.
    type : type, optional
        ``float``, ``int``, ``str`` or ``bool``. None (the default) takes the type of ``default``.
    choices : tuple, optional
        The only values allowed, or None for any value of the type.
    minimum : float, optional
        Inclusive lower bound for a number, or None for no bound.
    maximum : float, optional
        Inclusive upper bound for a number, or None for no bound.
    flag_aliases : tuple of str, default=()
        More ``aekit train`` flags for the parameter, each with its dashes (``("--upscale",)``), e.g. a shorter
        name.
    """

    name: str
    default: Any
    help: str
    type: type | None = None
    choices: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None
    flag_aliases: tuple[str, ...] = ()  # more `aekit train` flags for it, e.g. a shorter name

    @property
    def value_type(self) -> type:
        """The declared ``type``, or the type of ``default`` when none was declared."""
        return self.type or type(self.default)

    def check(self, value: Any, family: str) -> Any:
        """Return ``value`` converted to the declared type, or raise a ConfigError saying what was expected.

        Parameters
        ----------
        value : Any
            The value given for the parameter. A float parameter takes any finite int or float (not a bool), an
            int parameter an int (not a bool), a bool or str parameter only a bool or str.
        family : str
            The model family the value is for, named in the error message.

        Returns
        -------
        Any
            ``value``, as a ``float`` for a float parameter and unchanged otherwise.

        Raises
        ------
        ConfigError
            When ``value`` has the wrong type, is not one of ``choices`` or lies outside ``minimum``/``maximum``.
        """
        kind = self.value_type
        expected = {float: "a number", int: "an integer", bool: "true or false", str: "a string"}.get(kind, str(kind))
        if self.choices is not None:
            expected = "one of " + ", ".join(map(str, self.choices))
        ok = True
        if kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            value = float(value) if ok else value
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind is bool:
            ok = isinstance(value, bool)
        elif kind is str:
            ok = isinstance(value, str)
        if ok and self.choices is not None:
            ok = value in self.choices
        if ok and self.minimum is not None and value < self.minimum:
            ok, expected = False, f"{expected} >= {self.minimum}"
        if ok and self.maximum is not None and value > self.maximum:
            ok, expected = False, f"{expected} <= {self.maximum}"
        if not ok:
            raise ConfigError(f'Received {self.name}={value!r} for model "{family}"; expected {expected}. '
                              f"({self.help})")
        return value


_PARAMS: dict[str, Param] = {}
_USED_BY: dict[str, list[str]] = {}
_FAMILY_PARAMS: dict[str, tuple[str, ...]] = {}
_LISTENERS: list[Callable[[], None]] = []


def declare(family: str, params: tuple[Param, ...] | list[Param], reserved: set[str]) -> None:
    """Record ``family``'s parameters; ``reserved`` are the core config keys no family may redeclare."""
    for param in params:
        if param.name in reserved:
            raise ConfigError(f'Model "{family}" declares a parameter "{param.name}", which is already a core '
                              "config key. Choose another name.")
        known = _PARAMS.get(param.name)
        if known is not None and known != param:
            raise ConfigError(
                f'Model "{family}" declares "{param.name}" as {param}, but {", ".join(_USED_BY[param.name])} '
                f"declared it as {known}. Two families may share a parameter name only with the same meaning; "
                "declare it identically or rename it."
            )
        param.check(param.default, family)
    for param in params:
        _PARAMS[param.name] = param
        users = _USED_BY.setdefault(param.name, [])
        if family not in users:
            users.append(family)
    _FAMILY_PARAMS[family] = tuple(p.name for p in params)
    for listener in _LISTENERS:
        listener()


# The built-in families declare theirs like plugins that ship with aekit, when ``aekit.models`` is imported; the
# layers above (the estimator, the command line) import it before they read this table, which sits below it.


def families() -> list[str]:
    """Every registered model family, whether or not it declares parameters."""
    return list(_FAMILY_PARAMS)


def family_params() -> dict[str, Param]:
    """Every declared family parameter, by name, in declaration order."""
    return dict(_PARAMS)


def params_of(family: str) -> dict[str, Param]:
    """The parameters ``family`` declared (empty for families that declare none)."""
    return {name: _PARAMS[name] for name in _FAMILY_PARAMS.get(family, ())}


def families_using(name: str) -> list[str]:
    return list(_USED_BY.get(name, []))


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever a family declares parameters (estimators regenerate their signatures)."""
    _LISTENERS.append(listener)
