"""What a user installs: dependency sets that resolve on every platform we claim, a wheel that works when
installed alone, a command line that starts without an engine, and types that IDEs can read."""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

import aekit
from aekit.estimator.signature import stub

ROOT = Path(__file__).resolve().parents[1]


def _uv() -> str:
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed (pip install 'aekit[test]')")
    return uv


def _compile(requirements: Path, platform: str, *extras: str) -> subprocess.CompletedProcess:
    command = [_uv(), "pip", "compile", str(requirements), "--python-platform", platform, "--python-version", "3.11",
               "--only-binary", ":all:", "--no-header", "-q", *[f"--extra={extra}" for extra in extras]]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode and any(word in result.stderr for word in ("Failed to fetch", "dns error", "connect")):
        pytest.skip(f"the package index is unreachable: {result.stderr.strip()[-300:]}")
    return result


@pytest.mark.parametrize("platform,extras,expected", [
    ("x86_64-manylinux_2_28", ("tensorflow",), ("jax==", "keras==", "tensorflow-cpu==")),
    ("aarch64-manylinux_2_28", ("tensorflow",), ("jax==", "keras==")),  # no TensorFlow wheel there: JAX alone
    ("aarch64-apple-darwin", ("tensorflow",), ("jax==", "keras==", "tensorflow==", "constriction==")),
    ("x86_64-pc-windows-msvc", ("tensorflow",), ("jax==", "tensorflow-cpu==")),
    ("x86_64-manylinux_2_28", ("cuda",), ("jax-cuda12-plugin==",)),
    ("aarch64-apple-darwin", ("export",), ("tensorflow==", "tf2onnx==", "onnx==")),
])
def test_the_dependencies_resolve_to_wheels_on_each_platform(platform, extras, expected):
    result = _compile(ROOT / "pyproject.toml", platform, *extras)
    assert result.returncode == 0, result.stderr[-3000:]
    for pin in expected:
        assert pin in result.stdout, (pin, result.stdout)


def test_the_resolution_check_can_fail(tmp_path):
    """The check above would have caught the old pin: tensorflow-cpu 2.21 has no macOS arm64 wheel."""
    requirements = tmp_path / "old.txt"
    requirements.write_text("tensorflow-cpu>=2.21,<2.22\n")
    result = _compile(requirements, "aarch64-apple-darwin")
    assert result.returncode != 0 and "tensorflow-cpu" in result.stderr


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory):
    """The built wheel, installed alone into a fresh virtual environment (its dependencies come from this one,
    whose site-packages a .pth file adds after the new one's own; this one's editable aekit stays out)."""
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel, = out.glob("aekit-*.whl")
    sdist, = out.glob("aekit-*.tar.gz")
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)],
                   check=True, timeout=300)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return {"wheel": wheel, "sdist": sdist, "python": python, "aekit": python.parent / "aekit", "site": site}


def test_the_wheel_and_sdist_hold_what_a_user_needs(wheel_venv):
    import tarfile
    import zipfile

    names = zipfile.ZipFile(wheel_venv["wheel"]).namelist()
    assert "aekit/py.typed" in names and "aekit/cli/__main__.py" in names and "aekit/__main__.py" in names
    assert any(name.endswith("licenses/LICENSE") for name in names)
    metadata = zipfile.ZipFile(wheel_venv["wheel"]).read(
        next(name for name in names if name.endswith("METADATA"))).decode()
    assert f"Version: {aekit.__version__}" in metadata and "Provides-Extra: cuda" in metadata
    assert "Project-URL: Changelog" in metadata and 'extra == "tensorflow"' in metadata
    members = tarfile.open(wheel_venv["sdist"]).getnames()
    assert {"LICENSE", "CHANGELOG.md", "README.md"} <= {name.rsplit("/", 1)[-1] for name in members}


def test_the_installed_wheel_runs_the_demo(wheel_venv, tmp_path):
    located = subprocess.run([str(wheel_venv["python"]), "-c", "import aekit; print(aekit.__file__)"],
                             capture_output=True, text=True, check=True).stdout
    assert located.startswith(str(wheel_venv["site"])), located  # the wheel's copy, not this checkout's
    version = subprocess.run([str(wheel_venv["aekit"]), "--version"], capture_output=True, text=True, timeout=120)
    assert version.stdout.strip() == f"aekit, version {aekit.__version__}"
    demo = subprocess.run([str(wheel_venv["aekit"]), "demo", "-o", str(tmp_path / "demo"), "--quiet"],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert {"model.keras", "aekit.json", "loss.png", "reconstructions.png", "tensorboard"} <= \
        {p.name for p in (tmp_path / "demo").iterdir()}
    assert "Test set: squared error per image" in demo.stdout


# The `aekit` command, run as a program; at exit it writes the engines in sys.modules to the file in argv[1].
PROBE = """
import atexit, runpy, sys
report, sys.argv = sys.argv[1], ["aekit", *sys.argv[2:]]
engines = lambda: sorted(m for m in sys.modules if m.split(".")[0] in ("keras", "tensorflow", "jax"))
atexit.register(lambda: open(report, "w").write(" ".join(engines())))
runpy.run_module("aekit", run_name="__main__", alter_sys=True)
"""


def _imported_engines(tmp_path: Path, *arguments: str, env: dict | None = None, exit_code: int = 0,
                      says: str = "") -> set[str]:
    """The engines in ``sys.modules`` when a real ``aekit ...`` process ends (with ``exit_code``, its stderr
    holding ``says``)."""
    report = tmp_path / "engines.txt"
    result = subprocess.run([sys.executable, "-c", PROBE, str(report), *arguments], capture_output=True, text=True,
                            timeout=300, env={**os.environ, **(env or {})})
    assert result.returncode == exit_code and says in result.stderr, result.stderr[-3000:]
    return set(report.read_text().split())


def test_the_engine_probe_sees_an_engine(tmp_path, table_csv):
    """The check below can fail: a command that trains imports Keras."""
    arguments = ("detect", "fit", "--data", str(table_csv), "-o", str(tmp_path / "run"), "--epochs", "1", "--quiet")
    assert "keras" in _imported_engines(tmp_path, *arguments)


@pytest.mark.parametrize("arguments", [("--help",), ("--version",), ("train", "--help"), ("detect", "fit", "--help"),
                                       ("compress", "--help"), ("search", "--help"), ("index", "build", "--help")])
def test_help_and_version_import_no_engine(arguments, tmp_path):
    assert _imported_engines(tmp_path, *arguments) == set()


@pytest.mark.parametrize("arguments, says", [
    (("train", "--dataset", "digits", "--model", "dep"), 'Unknown model "dep". Did you mean "deep"?'),
    (("train", "--dataset", "digits", "--latent-dim", "0"), "latent_dim"),
    (("train", "--dataset", "digits", "-o", "{taken}"), "files that aekit did not write (notes.txt)"),
    (("detect", "fit", "--data", "{table}", "--contamination", "0.9", "-o", "{run}"), "contamination=0.9"),
    (("detect", "fit", "--data", "{table}", "--model", "variational", "--lmbda", "2", "-o", "{run}"), "lmbda"),
    (("detect", "fit", "--data", "{table}", "-o", "{taken}"), "files that aekit did not write (notes.txt)"),
    (("evaluate", "{missing}", "--dataset", "digits"), "No saved model at"),
    (("encode", "{missing}", "--dataset", "digits", "-o", "{run}"), "No saved model at"),
    (("detect", "score", "{missing}", "--data", "{table}", "-o", "{run}"), "No saved model at"),
    (("compress", "{missing}", "{png}", "-o", "{run}"), "No saved model at"),
    (("decompress", "{missing}", "{png}", "-o", "{run}"), "is not an aekit compressed file"),
    (("denoise", "{missing}", "{png}", "-o", "{taken}"), "files that aekit did not write (notes.txt)"),
    (("upscale", "{missing}", "{png}", "-o", "{run}"), "No saved model at"),
    (("sample", "{missing}", "-o", "{run}"), "No saved model at"),
    (("export", "{missing}", "-o", "{run}"), "No saved model at"),
    (("index", "build", "{missing}", "--data", "{table}", "-o", "{run}"), "No saved model at"),
    (("embed", "{missing}", "--data", "{table}", "-o", "{run}"), "No saved model at"),
    (("detect", "threshold", "{missing}", "--data", "{table}", "--label-column", "Class", "-o", "{run}"),
     "No saved model at"),
], ids=["train-unknown-model", "train-bad-value", "train-taken-folder", "detect-bad-contamination",
        "detect-foreign-family-key", "detect-taken-folder", "evaluate-no-run", "encode-no-run", "score-no-run",
        "compress-no-run", "decompress-not-aez", "denoise-taken-folder", "upscale-no-run", "sample-no-run",
        "export-no-run", "index-no-run", "embed-no-run", "threshold-no-run"])
def test_a_refused_setting_or_folder_is_answered_before_any_engine_loads(arguments, says, tmp_path, table_csv):
    """Settings, the output folder and the run directory are checked before Keras loads, so such a refusal takes
    well under a second instead of the engine's start-up; the command still exits 2 with its own message."""
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    png = tmp_path / "photo.png"
    Image.new("L", (8, 8)).save(png)
    filled = [a.format(taken=taken, table=table_csv, run=tmp_path / "run", missing=tmp_path / "no_run", png=png)
              for a in arguments]
    assert _imported_engines(tmp_path, *filled, exit_code=2, says=says) == set()
    assert (taken / "notes.txt").read_text() == "mine" and not (tmp_path / "run").exists()


def test_shell_completion_imports_no_engine(tmp_path):
    env = {"_AEKIT_COMPLETE": "bash_complete", "COMP_WORDS": "aekit tr", "COMP_CWORD": "1"}
    result = subprocess.run([sys.executable, "-m", "aekit"], capture_output=True, text=True, timeout=300,
                            env={**os.environ, **env})
    assert "train" in result.stdout
    assert _imported_engines(tmp_path, env=env) == set()


def test_python_dash_m_aekit_is_the_command_line():
    result = subprocess.run([sys.executable, "-m", "aekit", "--version"], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == f"aekit, version {aekit.__version__}"


@pytest.mark.parametrize("cls", [aekit.Autoencoder, aekit.AnomalyDetector], ids=lambda cls: cls.__name__)
def test_the_typed_signature_for_ides_is_current(cls):
    """The TYPE_CHECKING ``__init__`` that IDEs read lists every parameter, as the generated signature does.
    To refresh it, paste the output of ``aekit.estimator.signature.stub(cls)`` over the block."""
    assert stub(cls) in inspect.getsource(inspect.getmodule(cls)), stub(cls)


def test_a_session_without_tensorflow_does_everything_on_in_memory_data(tmp_path):
    """Train, save, reload and every use (see tests/tensorflow_free_session.py) with ``import tensorflow``
    failing, as where no TensorFlow wheel exists."""
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "AEKIT_CHOSE_KERAS_BACKEND")}
    result = subprocess.run([sys.executable, str(Path(__file__).with_name("tensorflow_free_session.py")),
                             str(tmp_path)], capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "tensorflow loaded: False" in result.stdout
    assert "with the jax backend (TensorFlow is not installed;" in result.stdout + result.stderr
    assert len(list((tmp_path / "decoded").glob("*.png"))) == len(list((tmp_path / "clean").glob("*.png"))) == 4
    larger = [Image.open(path).size for path in sorted((tmp_path / "larger").glob("*.png"))]
    assert larger == [(32, 32)] * 4  # 16x16 in, twice the size out
    assert (tmp_path / "samples" / "samples.png").exists() and (tmp_path / "pngs.aeidx").stat().st_size > 0
    assert len(pd.read_csv(tmp_path / "scores.csv")) == 300
    assert (tmp_path / "cli-conv" / "tensorboard").is_dir()  # TensorBoard logs need no TensorFlow either
