"""The scripts in examples/ run end to end and draw the pictures they promise (their ``PICTURES``), and every
task guide has one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))

from make_pictures import pictures_of  # noqa: E402  (the reader make docs-pictures uses)

EXAMPLES = ROOT / "examples"
SCRIPTS = ["reduce_and_map", "detect_anomalies", "generate", "compress", "denoise_and_upscale", "hash_and_search",
           "pretrain_a_classifier", "stream_and_scale"]
TASK_GUIDES = ["reduce-and-map", "detect-anomalies", "generate", "compress", "denoise-and-upscale", "hash-and-search",
               "pretrain-a-classifier", "stream-and-scale"]


@pytest.mark.parametrize("name", SCRIPTS, ids=SCRIPTS)
def test_the_example_runs_and_draws_its_pictures(name, tmp_path):
    script = EXAMPLES / f"{name}.py"
    pictures = pictures_of(script)
    assert pictures and all(isinstance(p, str) for p in pictures), f"{name}: PICTURES should list file names"
    output = tmp_path / name
    env = {**os.environ, "AEKIT_NO_DOWNLOAD": "1"}
    result = subprocess.run([sys.executable, str(script), "-o", str(output)], capture_output=True, text=True,
                            timeout=300, env=env, cwd=ROOT)
    assert result.returncode == 0, f"{name} exited with {result.returncode}:\n{result.stderr[-3000:]}"
    assert result.stdout.strip(), f"{name} printed no summary"
    for picture in pictures:
        path = output / picture
        assert path.is_file(), f"{name} did not write {picture}; it wrote {sorted(p.name for p in output.rglob('*'))}"
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.width > 50 and image.height > 50, f"{picture} is only {image.size}"


def test_every_script_in_examples_is_tested():
    assert sorted(p.stem for p in EXAMPLES.glob("*.py")) == sorted(SCRIPTS)


@pytest.mark.parametrize("guide", TASK_GUIDES, ids=TASK_GUIDES)
def test_every_task_guide_has_an_example(guide):
    assert (ROOT / "docs" / "guides" / f"{guide}.md").is_file(), f"docs/guides/{guide}.md is gone: update TASK_GUIDES"
    script = EXAMPLES / f"{guide.replace('-', '_')}.py"
    assert script.is_file(), f"docs/guides/{guide}.md has no example: add examples/{script.name}"
