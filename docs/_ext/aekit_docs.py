"""Pages generated at build time from aekit itself, so they cannot drift from the code.

``families.md`` gets one section per registered family (its code, abilities, loss terms and own parameters,
the same document as ``aekit models --json``) and the table of the shared parameters with their defaults.
"""

from __future__ import annotations

import re


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def shared_parameters() -> str:
    from aekit.core.config import Config

    lines = ["| parameter | default | what |", "|---|---|---|"]
    for name in Config.keys("architecture", "training"):
        lines.append(f"| `{name}` | `{Config.default_for(name)!r}` | {_cell(Config.help_for(name))} |")
    return "\n".join(lines)


def families() -> str:
    from aekit.cli.listing import families_document
    from aekit.models import ABILITIES, CODE_KINDS

    document = families_document()
    out = []
    for name, family in document["families"].items():
        out += [f"### `{name}`", "", _cell(family["description"]), "",
                f"- data: {', '.join(family['data'])}",
                *[f"- code: `{kind}`, {CODE_KINDS[kind]}" for kind in family["code_kinds"]],
                f"- maps: `{family['mapping']}`",
                *[f"- can {ability}: {ABILITIES[ability][0]}" for ability in family["abilities"]],
                f"- loss terms (columns of `history.csv`): {', '.join(f'`{t}`' for t in family['loss_terms'])}", ""]
        if family["parameters"]:
            out += ["| parameter | type | default | what |", "|---|---|---|---|"]
            for p in family["parameters"]:
                choices = f" One of {', '.join(f'`{c}`' for c in p['choices'])}." if p["choices"] else ""
                out.append(f"| `{p['name']}` (`--{p['name'].replace('_', '-')}`) | {p['type']} | "
                           f"`{p['default']!r}` | {_cell(p['help'])}{choices} |")
        else:
            out.append("No parameters of its own.")
        out.append("")
    out += ["### Presets", "", "| preset | family | layers | code |", "|---|---|---|---|"]
    for name, preset in document["presets"].items():
        out.append(f"| `{name}` | `{preset['model']}` | {'-'.join(map(str, preset['hidden']))} | "
                   f"{preset['latent_dim']} |")
    return "\n".join(out)


GENERATED = {"families": {"<!-- generated:families -->": families,
                          "<!-- generated:shared-parameters -->": shared_parameters}}


def _fill(app, docname, source):
    for marker, make in GENERATED.get(docname, {}).items():
        source[0] = source[0].replace(marker, make())


def _skip_foreign(app, what, name, obj, skip, options):
    """Leave out what a class inherits from scikit-learn (get_params, set_output, the metadata-routing
    ``set_*_request`` methods...): scikit-learn documents it, and its docstrings point into scikit-learn's site."""
    if what == "class" and callable(obj) and not (getattr(obj, "__module__", None) or "aekit").startswith("aekit"):
        return True
    return None


def _plain_text(line: str) -> str:
    """A line of click help is plain text; sphinx-click reads it as reStructuredText, where ``DIR/*.csv`` opens
    an emphasis and ``name_`` is a link. Escape those, keeping sphinx-click's own markup (directives, the ``| ``
    of a line block) as it is."""
    if line.lstrip().startswith(".. "):
        return line
    match = re.match(r"(\s*(?:\| )?)(.*)", line)
    lead, text = match.group(1), match.group(2)
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([*`|])", r"\\\1", text)
    text = re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)
    return lead + text


def _escape_click_help(app, ctx, lines):
    lines[:] = [_plain_text(line) for line in lines]


def setup(app):
    for event in ("description", "options", "arguments", "epilog"):
        app.connect(f"sphinx-click-process-{event}", _escape_click_help)
    app.connect("source-read", _fill)
    app.connect("autodoc-skip-member", _skip_foreign)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
