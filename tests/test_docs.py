"""The documentation: the site builds without a warning and renders in a real browser, every public name has its
numpydoc sections, and the README stays short with its figures taken from the benchmark results."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import docstrings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))

import check_site  # noqa: E402


def test_every_public_name_has_a_docstring_with_its_parameters_and_returns():
    assert docstrings.all_problems() == []


def test_the_generated_estimator_docstrings_describe_every_parameter():
    import aekit

    for estimator in (aekit.Autoencoder, aekit.AnomalyDetector):
        assert "(undocumented)" not in estimator.__doc__, estimator.__name__
        section = estimator.__doc__.split("Parameters\n----------\n", 1)[1]
        assert set(estimator._param_defaults) <= set(re.findall(r"^(\w+) : ", section, re.M))


def test_the_checker_finds_a_missing_section():
    def undocumented(x, y=1):
        """Does something."""
        return x + y

    assert docstrings.problems("f", undocumented) == ["f: no Parameters section (parameters: x, y)",
                                                       "f: no Returns section"]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(ROOT / "docs"), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-4000:]
    return out


def test_the_site_builds_with_no_warning_and_has_every_section(built_site):
    for page in ("index", "getting-started", "cli", "api", "families", "formats", "architecture", "contributing",
                 "changelog", "benchmarks/index", "guides/detect-anomalies", "guides/stream-and-scale"):
        assert (built_site / f"{page}.html").is_file(), page
    cli = (built_site / "cli.html").read_text()
    assert "aekit detect fit" in cli and "--overwrite" in cli
    api = (built_site / "api.html").read_text()
    assert "aekit.Autoencoder.fit" in api and "contamination" in api
    families = (built_site / "families.html").read_text()
    assert all(name in families for name in ("variational", "hashing", "compression", "unet", "lmbda"))


def test_every_page_renders_in_chromium_with_working_links_and_images(built_site, tmp_path):
    if check_site.find_chromium() is None:
        if os.environ.get("AEKIT_REQUIRE_BROWSER"):
            pytest.fail("AEKIT_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)")
        pytest.skip("no Chromium on this machine (apt-get install chromium, or CHROMIUM=/path)")
    assert check_site.check(built_site, screenshots=tmp_path) == []
    assert (tmp_path / "home.png").stat().st_size > 10_000


def test_the_site_check_reports_a_broken_link_and_a_missing_image(tmp_path):
    if check_site.find_chromium() is None:
        pytest.skip("no Chromium on this machine")
    (tmp_path / "index.html").write_text(
        "<html><body><article><p>" + "Text. " * 20 + "</p><a href='gone.html'>gone</a>"
        "<a href='#nowhere'>anchor</a><img src='missing.png'></article></body></html>")
    assert check_site.check(tmp_path) == ["gone.html: HTTP 404", "index.html: image does not load: missing.png",
                                          "index.html: link to a missing anchor index.html#nowhere"]


def test_the_readme_is_short_plain_and_its_results_come_from_the_benchmark_files():
    from benchmarks.headline import render

    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    for bookkeeping in ("../shared", "goal", "Stale", "is not known"):
        assert bookkeeping not in readme
    table = re.search(r"<!-- bench:headline -->\n(.*?)\n<!-- /bench:headline -->", readme, re.S).group(1)
    assert table.strip() == render().strip(), "run python -m benchmarks.report"
    assert "| baseline |" in table  # where a baseline wins, the README says so
    for link in re.findall(r"\]\(((?:docs|examples)/[^)#]+)", readme):
        assert (ROOT / link).exists(), link
