"""What the API reference documents, and what each of its docstrings must hold (numpydoc sections).

Used by tests/test_docs.py; run it alone to list what is missing: ``python -m tests.docstrings``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap

# The modules docs/api.md documents, each by its __all__ (the top-level package's lazy names included).
MODULES = ("aekit", "aekit.data", "aekit.models", "aekit.runs", "aekit.tasks.anomaly", "aekit.tasks.representation",
           "aekit.tasks.retrieval", "aekit.tasks.generation")
EXTRA = ("aekit.params.Param",)
SKIPPED_PARAMETERS = {"self", "cls", "args", "kwargs"}


def public_objects():
    """(qualified name, object) for every public class and function the reference documents, and every public
    method or property those classes define themselves (not what they inherit from Keras or scikit-learn)."""
    seen = {}
    names = [f"{m}.{n}" for m in MODULES for n in importlib.import_module(m).__all__] + list(EXTRA)
    for qualified in names:
        module, _, name = qualified.rpartition(".")
        value = getattr(importlib.import_module(module), name)
        if not (inspect.isclass(value) or inspect.isfunction(value)) or id(value) in seen:
            continue
        seen[id(value)] = (qualified, value)
        if inspect.isclass(value):
            for attr, member in vars(value).items():
                if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(
                        member, (property, classmethod, staticmethod))):
                    continue
                seen[id(member)] = (f"{qualified}.{attr}", member)
    return list(seen.values())


def _function(member):
    if isinstance(member, (classmethod, staticmethod)):
        return member.__func__
    if isinstance(member, property):
        return None
    return member


def _documented_parameters(doc: str) -> set[str] | None:
    match = re.search(r"^Parameters\n-+\n(.*?)(?=^\S[^\n]*\n-+\n|\Z)", doc, re.S | re.M)
    if not match:
        return None
    names = set()
    for line in match.group(1).splitlines():
        if line and not line[0].isspace():
            for name in line.split(":")[0].split(","):
                names.add(name.strip().lstrip("*"))
    return names


def _returns_a_value(function) -> bool:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return False
    body = tree.body[0]
    for node in ast.walk(body):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            # a return inside a nested function is the nested function's
            if any(node in ast.walk(inner) for inner in ast.walk(body)
                   if inner is not body and isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))):
                continue
            return True
    return False


def problems(qualified: str, member) -> list[str]:
    """What the docstring of ``member`` lacks: a summary, a Parameters entry for each parameter, a Returns
    section for a function that returns a value."""
    doc = inspect.getdoc(member.fget if isinstance(member, property) else _function(member) or member)
    if not doc or not doc.strip():
        return [f"{qualified}: no docstring"]
    if isinstance(member, property):
        return []
    target = member.__init__ if inspect.isclass(member) else _function(member)
    if inspect.isclass(member) and target is object.__init__:
        return []
    try:
        signature = inspect.signature(member if inspect.isclass(member) else target)
    except (TypeError, ValueError):
        return []
    wanted = [p for p in signature.parameters if p not in SKIPPED_PARAMETERS
              and signature.parameters[p].kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
    out = []
    if wanted:
        documented = _documented_parameters(doc)
        if documented is None:
            out.append(f"{qualified}: no Parameters section (parameters: {', '.join(wanted)})")
        elif missing := [p for p in wanted if p not in documented]:
            out.append(f"{qualified}: Parameters section lacks {', '.join(missing)}")
    if not inspect.isclass(member) and _returns_a_value(target) and not re.search(
            r"^(Returns|Yields)\n-+\n", doc, re.M):
        out.append(f"{qualified}: no Returns section")
    return out


def all_problems() -> list[str]:
    return [p for qualified, member in public_objects() for p in problems(qualified, member)]


if __name__ == "__main__":
    found = all_problems()
    print("\n".join(found))
    print(f"{len(found)} problems in {len(public_objects())} public names")
