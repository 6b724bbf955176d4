"""`aekit models [NAME]`: the registered families, what each one's code is, its loss terms and parameters."""

from __future__ import annotations

from ..core.config import PRESETS, Config
from ..models import ABILITIES, CODE_KINDS, MAPPINGS, available_models, get_spec


def list_families() -> str:
    lines = ["Models (aekit models NAME for one family's parameters):"]
    for name, spec in available_models().items():
        origin = "" if spec.is_builtin else f" (plugin {spec.module})"
        can = f"; can {', '.join(spec.abilities)}" if spec.abilities else ""
        lines.append(f"  {name:<12} [{' or '.join(spec.code_kinds)} code{can}] {spec.description}{origin}")
    lines.append("Presets:")
    for name, preset in PRESETS.items():
        layers = "-".join(map(str, preset["hidden"])) + f" -> {preset['latent_dim']}"
        lines.append(f"  {name:<12} model={preset['model']}, {layers}")
    return "\n".join(lines)


def describe_family(name: str) -> str:
    spec = get_spec(name)
    model_class = spec.model_class
    lines = [f"{name}: {spec.description}",
             f"  module:  {spec.module}",
             f"  data:    {', '.join(spec.input_kinds)}",
             *[f"  code:    {kind} - {CODE_KINDS[kind]}" for kind in spec.code_kinds],
             f"  maps:    {model_class.mapping} ({MAPPINGS[model_class.mapping]})",
             *[f"  can:     {ability} - {ABILITIES[ability][0]}" for ability in spec.abilities],
             "  loss terms (each a column of history.csv):"]
    lines += [f"    {term:<16} {scale}" for term, scale in model_class.loss_terms.items()]
    if spec.params:
        lines.append("  its own parameters (flag, type, default):")
        for param in spec.params:
            flag = "--" + param.name.replace("_", "-")
            choices = f" one of {', '.join(map(str, param.choices))};" if param.choices else ""
            lines.append(f"    {flag:<20} {param.value_type.__name__:<6} {param.default!r:<10}{choices} {param.help}")
    else:
        lines.append("  its own parameters: none")
    lines.append("  shared parameters (see `aekit train --help`): "
                 + ", ".join(Config.keys("architecture", "training")))
    return "\n".join(lines)


def families_document(name: str | None = None) -> dict:
    """What ``aekit models --json`` prints: every family (or the one named) with its code, abilities and
    parameters, and the presets."""
    names = [name] if name else list(available_models())
    families = {}
    for family in names:
        spec = get_spec(family)
        families[family] = {
            "description": spec.description, "module": spec.module, "data": list(spec.input_kinds),
            "code_kinds": list(spec.code_kinds), "abilities": list(spec.abilities),
            "mapping": spec.model_class.mapping, "loss_terms": list(spec.model_class.loss_terms),
            "parameters": [{"name": p.name, "type": p.value_type.__name__, "default": p.default,
                            "choices": list(p.choices) if p.choices else None, "help": p.help} for p in spec.params]}
    return {"families": families, "presets": {} if name else PRESETS}
