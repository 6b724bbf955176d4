"""Estimator signatures generated from the declared parameters, so no list of them is copied by hand.

scikit-learn reads an estimator's parameters from the signature of its ``__init__`` and ignores
``**kwargs``; :func:`install_signature` gives ``__init__(self, **params)`` a real signature built from
:class:`aekit.core.config.Config`'s architecture and training keys, every model family's declared parameters
(:mod:`aekit.params`) and the estimator's own. ``get_params``, ``clone``, ``GridSearchCV`` and ``help()``
then see every parameter. A plugin that declares new parameters regenerates the signatures.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from typing import Any

from ..core import params as family_params
from ..core.config import Config
from ..core.errors import did_you_mean

_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def install_signature(cls: type, *, leading: dict[str, Any] | None = None, trailing: dict[str, Any] | None = None,
                      overrides: dict[str, Any] | None = None, exclude: tuple[str, ...] = (),
                      types: dict[str, str] | None = None, help: dict[str, str] | None = None) -> type:
    """Give ``cls.__init__`` the signature: ``leading``, the config parameters, then ``trailing`` (``types``: the
    annotations of the leading and trailing ones, for :func:`stub`; ``help``: their descriptions, for the
    docstring's generated Parameters section)."""
    written = cls.__doc__ or ""

    def refresh() -> None:
        defaults = {**(leading or {}), **Config.estimator_defaults(overrides, exclude), **(trailing or {})}
        signature = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        signature += [inspect.Parameter(name, _KEYWORD, default=value) for name, value in defaults.items()]
        cls.__init__.__signature__ = inspect.Signature(signature)
        cls._param_defaults = defaults
        cls._param_types = types or {}
        cls.__doc__ = written.rstrip() + "\n\n" + parameters_section(cls, help or {})

    refresh()
    family_params.on_change(refresh)
    return cls


def parameters_section(cls: type, help: dict[str, str]) -> str:
    """The numpydoc ``Parameters`` section of a generated signature: each parameter's type, default and help,
    from the config's keys, the families' declared parameters and ``help`` for the estimator's own."""
    lines = ["Parameters", "----------"]
    for name, default in cls._param_defaults.items():
        text = help.get(name) or Config.help_for(name) or "(undocumented)"
        owner = family_params.family_params().get(name)
        if owner is not None and name not in help:
            families = family_params.families_using(name)
            named = ", ".join(f"``{f}``" for f in families)
            text += f" (Used by the {named} famil{'y' if len(families) == 1 else 'ies'}.)"
        # Help texts are written for the terminal, with `single` backticks; reST reads those as italics.
        text = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text)
        lines += [f"{name} : {annotation(cls, name)}, default={default!r}", f"    {text}"]
    return "\n".join(lines) + "\n"


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


def annotation(cls: type, name: str) -> str:
    """The type of one parameter of ``cls``, as source text: declared, or a config key's, or a family's."""
    if name in cls._param_types:
        return cls._param_types[name]
    fields = {f.name: f for f in dataclasses.fields(Config)}
    if name in fields:
        return str(fields[name].type)
    param = family_params.family_params()[name]
    if param.choices is not None:
        return "Literal[" + ", ".join(repr(choice) for choice in param.choices) + "]"
    return "float" if param.value_type is float else param.value_type.__name__


def stub(cls: type) -> str:
    """The ``__init__`` that IDEs and type checkers read (a ``TYPE_CHECKING`` block in the class): the generated
    signature with its types, for the built-in families (a plugin's parameters are left out). Regenerate it with
    ``python -c "import aekit; from aekit.estimator.signature import stub; print(stub(aekit.Autoencoder))"``
    (and ``aekit.AnomalyDetector``); tests/test_packaging.py fails when it is out of date.
    """
    lines = ["    if TYPE_CHECKING:  # generated: aekit.estimator.signature.stub; checked by tests/test_packaging.py",
             "        def __init__(", "            self,", "            *,"]
    from ..models.declared import BUILTIN

    builtin = {param.name for params in BUILTIN.values() for param in params}
    plugins = set(family_params.family_params()) - builtin  # a plugin's parameters are not the package's
    for name, default in cls._param_defaults.items():
        if name in plugins:
            continue
        lines.append(f"            {name}: {annotation(cls, name)} = {default!r},")
    lines += ["        ) -> None: ...", "    else:", "        def __init__(self, **params):",
              "            assign_params(self, params)", ""]
    return "\n".join(lines)

