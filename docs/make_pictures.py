"""Regenerate the pictures the guides show: run every script in examples/ and keep the files it lists in PICTURES.

    python docs/make_pictures.py [NAME ...]      # all examples, or the ones named (make docs-pictures)

Each example runs into runs/examples/NAME (its whole output: models, tables); only its pictures are copied to
docs/_static/examples/NAME, the folder the guides' image links point at.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pictures_of(script: Path) -> list[str]:
    """The script's module-level ``PICTURES``, read without importing it (importing would load Keras)."""
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PICTURES" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise ValueError(f"{script.name} has no module-level PICTURES = [...]")


def main(names: list[str]) -> int:
    scripts = [ROOT / "examples" / f"{n}.py" for n in names] if names else sorted((ROOT / "examples").glob("*.py"))
    for script in scripts:
        output = ROOT / "runs" / "examples" / script.stem
        subprocess.run([sys.executable, str(script), "-o", str(output)], check=True, cwd=ROOT)
        target = ROOT / "docs" / "_static" / "examples" / script.stem
        target.mkdir(parents=True, exist_ok=True)
        for name in pictures_of(script):
            shutil.copy2(output / name, target / Path(name).name)
            print(f"{script.stem}: {target.relative_to(ROOT) / Path(name).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
