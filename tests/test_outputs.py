"""The output rule (issue 26): every command that writes a folder or a file, and the Python API, never deletes,
replaces or mixes with a user's files, and `-o .` writes in place without a traceback or debris."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import aekit
from aekit.cli import cli
from aekit.errors import OutputError

from .conftest import TINY


@pytest.fixture(scope="module")
def runs(digits, tmp_path_factory):
    """One small run of each kind a command needs, plus input files, built once for the module."""
    root = tmp_path_factory.mktemp("outputs")
    train = (digits[0].X[:400] * 15).astype(np.uint8)  # 8-bit pixels, like the PNG files below
    paths = {}
    for name, params in {
        "ae": TINY,
        "vae": {"model": "variational", "latent_dim": 2, "hidden": [16], "epochs": 2},
        "hash": {"model": "hashing", "latent_dim": 8, "hidden": [16], "epochs": 2},
        "denoiser": {"model": "unet", "noise": "gaussian", "noise_level": 0.2, "epochs": 1, "filters": [4, 8]},
        "upscaler": {"model": "unet", "upscale_factor": 2, "epochs": 1, "filters": [4, 8]},
        "codec": {"model": "compression", "epochs": 1, "batch_size": 32, "filters": [4, 8]},
    }.items():
        aekit.Autoencoder(**params, run_dir=str(root / name)).fit(train)
        paths[name] = root / name
    rng = np.random.default_rng(0)
    table = rng.normal(size=(120, 4))
    csv = root / "table.csv"
    csv.write_text("a,b,c,d,Class\n" + "\n".join(",".join(f"{v:.5f}" for v in row) + f",{i % 10 == 0:d}"
                                                   for i, row in enumerate(table)) + "\n")
    paths["csv"] = csv
    aekit.AnomalyDetector(epochs=2).fit(aekit.data.load(data=str(csv), label_column="Class")).save(root / "det")
    paths["det"] = root / "det"
    pngs = root / "pngs"
    pngs.mkdir()
    for i, image in enumerate(digits[1].X[:4]):
        Image.fromarray((image[..., 0] * 15).astype(np.uint8)).save(pngs / f"d{i}.png")
    paths["pngs"] = pngs
    runner = CliRunner()
    assert runner.invoke(cli, ["compress", str(root / "codec"), str(pngs), "-o", str(root / "d.aez")]).exit_code == 0
    paths["aez"] = root / "d.aez"
    built = runner.invoke(cli, ["index", "build", str(root / "hash"), "--dataset", "digits", "--max-samples", "50",
                                "-o", str(root / "d.aeidx")])
    assert built.exit_code == 0, built.output
    paths["aeidx"] = root / "d.aeidx"
    return paths


DIGITS = ["--dataset", "digits", "--max-samples", "40"]
FOLDER_COMMANDS = {
    "train": lambda r: ["train", "--dataset", "digits", "--max-samples", "200", "--hidden", "8", "--latent-dim", "2",
                        "--epochs", "1", "--quiet"],
    "detect fit": lambda r: ["detect", "fit", "--data", r["csv"], "--epochs", "1", "--quiet"],
    "compare": lambda r: ["compare", "--dataset", "digits", "--latent-dims", "2", "--hidden", "8", "--epochs", "1",
                          "--max-samples", "200", "--max-test-samples", "40", "--no-pca", "--quiet"],
    "embed": lambda r: ["embed", r["ae"], *DIGITS, "--method", "pca", "--no-html"],
    "projector": lambda r: ["projector", r["ae"], *DIGITS],
    "classify": lambda r: ["classify", r["ae"], "--dataset", "digits", "--labels", "20", "--epochs", "1",
                           "--freeze-epochs", "1", "--min-steps", "1", "--no-scratch", "--max-samples", "200",
                           "--max-test-samples", "40"],
    "sample": lambda r: ["sample", r["vae"], "-n", "4"],
    "denoise": lambda r: ["denoise", r["denoiser"], r["pngs"]],
    "upscale": lambda r: ["upscale", r["upscaler"], r["pngs"]],
    "decompress": lambda r: ["decompress", r["codec"], r["aez"]],
    "detect report": lambda r: ["detect", "report", r["det"], "--data", r["csv"], "--label-column", "Class"],
}
FILE_COMMANDS = {
    "reconstruct": (lambda r: ["reconstruct", r["ae"], *DIGITS, "-o"], ".npy"),
    "encode": (lambda r: ["encode", r["ae"], *DIGITS, "-o"], ".npy"),
    "compress": (lambda r: ["compress", r["codec"], r["pngs"], "-o"], ".aez"),
    "index build": (lambda r: ["index", "build", r["hash"], *DIGITS, "-o"], ".aeidx"),
    "evaluate --per-image": (lambda r: ["evaluate", r["ae"], *DIGITS, "--per-image"], ".csv"),
    "detect score": (lambda r: ["detect", "score", r["det"], "--data", r["csv"], "-o"], ".csv"),
    "detect explain": (lambda r: ["detect", "explain", r["det"], "--data", r["csv"], "--count", "2", "-o"], ".csv"),
    "probe": (lambda r: ["probe", r["ae"], "--dataset", "digits", "--max-samples", "200", "--max-test-samples",
                         "40", "--baselines", "", "-o"], ".json"),
    "interpolate": (lambda r: ["interpolate", r["vae"], "--dataset", "digits", "--indices", "0", "1", "-o"], ".png"),
    "search --plot": (lambda r: ["search", r["aeidx"], "--dataset", "digits", "--max-samples", "2", "--plot"], ".png"),
}


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def user_folder(tmp_path):
    folder = tmp_path / "mywork"
    (folder / "data").mkdir(parents=True)
    (folder / "notes.txt").write_text("my notes")
    (folder / "data" / "a.csv").write_text("x\n1\n")
    return folder


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", list(FOLDER_COMMANDS))
def test_a_folder_of_the_users_files_is_refused_then_written_into_with_overwrite_keeping_them(runs, tmp_path, name):
    folder = user_folder(tmp_path)
    args = FOLDER_COMMANDS[name](runs)
    refused = invoke(*args, "-o", folder)
    assert refused.exit_code == 2, refused.output
    assert "notes.txt" in refused.output and "--overwrite" in refused.output and "Traceback" not in refused.output
    assert snapshot(folder) == {"notes.txt": b"my notes", "data/a.csv": b"x\n1\n"}
    written = invoke(*args, "-o", folder, "--overwrite")
    assert written.exit_code == 0, written.output
    assert (folder / "notes.txt").read_text() == "my notes" and (folder / "data" / "a.csv").read_text() == "x\n1\n"
    assert not [p for p in folder.iterdir() if p.name.startswith(".aekit-") and p.is_dir()]  # no debris


@pytest.mark.parametrize("name", ["train", "embed", "denoise", "decompress", "sample"])
def test_an_aekit_folder_is_written_again_without_overwrite(runs, tmp_path, name):
    out = tmp_path / "out"
    args = FOLDER_COMMANDS[name](runs)
    assert invoke(*args, "-o", out).exit_code == 0
    (out / "mine.txt").write_text("keep")
    again = invoke(*args, "-o", out)
    assert again.exit_code == 0, again.output
    assert (out / "mine.txt").read_text() == "keep"


@pytest.mark.parametrize("name", list(FILE_COMMANDS))
def test_an_existing_file_is_replaced_only_with_overwrite(runs, tmp_path, name):
    args, suffix = FILE_COMMANDS[name]
    target = tmp_path / f"out{suffix}"
    target.write_bytes(b"keep me")
    refused = invoke(*args(runs), target)
    assert refused.exit_code == 2 and "already exists" in refused.output and "--overwrite" in refused.output, \
        refused.output
    assert target.read_bytes() == b"keep me"
    replaced = invoke(*args(runs), target, "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert target.read_bytes() != b"keep me"


def test_demo_refuses_a_folder_of_the_users_files_before_training(tmp_path):
    folder = user_folder(tmp_path)
    refused = invoke("demo", "-o", folder)
    assert refused.exit_code == 2 and "notes.txt" in refused.output
    assert snapshot(folder) == {"notes.txt": b"my notes", "data/a.csv": b"x\n1\n"}


def test_index_add_changes_the_index_in_one_write_and_a_failure_leaves_it_as_it_was(runs, tmp_path):
    index = tmp_path / "d.aeidx"
    index.write_bytes(runs["aeidx"].read_bytes())
    wrong = invoke("index", "add", runs["ae"], index, *DIGITS)  # not a hashing model
    assert wrong.exit_code == 2 and index.read_bytes() == runs["aeidx"].read_bytes()
    added = invoke("index", "add", runs["hash"], index, *DIGITS)
    assert added.exit_code == 0, added.output
    assert aekit.tasks.retrieval.HammingIndex.load(index).ids.shape == (90,)
    assert [p.name for p in tmp_path.iterdir()] == ["d.aeidx"]


def test_dot_as_output_writes_in_place_with_overwrite_and_leaves_no_debris(runs, tmp_path, monkeypatch):
    project = user_folder(tmp_path)
    (project / "data" / "table.csv").write_text(runs["csv"].read_text())
    monkeypatch.chdir(project)
    args = ["train", "--data", "data/table.csv", "--label-column", "Class", "--epochs", "1", "--quiet", "-o", "."]
    refused = invoke(*args)
    assert refused.exit_code == 2 and "notes.txt" in refused.output
    assert sorted(p.name for p in project.iterdir()) == ["data", "notes.txt"]
    written = invoke(*args, "--overwrite")
    assert written.exit_code == 0, written.output
    assert isinstance(aekit.load("."), aekit.Autoencoder) and (project / "notes.txt").read_text() == "my notes"
    assert not [p.name for p in project.iterdir() if p.name.startswith(".aekit-") and p.is_dir()]


def test_an_output_inside_the_input_folder_is_refused(runs, tmp_path):
    pngs = tmp_path / "pngs"
    pngs.mkdir()
    for path in runs["pngs"].iterdir():
        (pngs / path.name).write_bytes(path.read_bytes())
    into_input = invoke("train", "--data", pngs, "--epochs", "1", "--quiet", "-o", pngs / "run")
    assert into_input.exit_code == 2 and "reads its data from" in into_input.output
    onto_input = invoke("denoise", runs["denoiser"], pngs, "-o", pngs)
    assert onto_input.exit_code == 2
    assert sorted(p.name for p in pngs.iterdir()) == sorted(p.name for p in runs["pngs"].iterdir())


def test_saving_over_a_run_removes_only_what_aekit_wrote_and_keeps_the_users_files(digits, runs, tmp_path):
    import shutil

    run = tmp_path / "run"
    shutil.copytree(runs["det"], run)
    (run / "notes.txt").write_text("mine")
    model = aekit.load(runs["ae"])
    model.save(run)  # an autoencoder over a detector run: the detector's files go, the user's stay
    names = {p.name for p in run.iterdir()}
    assert "notes.txt" in names and not names & {"decision_scores.npy", "scores.png", "tensorboard"}, names
    assert isinstance(aekit.load(run), aekit.Autoencoder)
    manifest = json.loads((run / ".aekit-files.json").read_text())["entries"]
    assert "notes.txt" not in manifest and "model.keras" in manifest


def test_python_save_and_run_dir_follow_the_rule(digits, tmp_path):
    folder = user_folder(tmp_path)
    model = aekit.Autoencoder(**TINY).fit(digits[0].subset(slice(0, 200)))
    with pytest.raises(OutputError, match="notes.txt"):
        model.save(folder)
    with pytest.raises(OutputError, match="notes.txt"):
        aekit.Autoencoder(**TINY, run_dir=str(folder)).fit(digits[0].subset(slice(0, 200)))
    assert snapshot(folder) == {"notes.txt": b"my notes", "data/a.csv": b"x\n1\n"}
    model.save(folder, overwrite=True)
    aekit.Autoencoder(**TINY, run_dir=str(folder), overwrite=True).fit(digits[0].subset(slice(0, 200)))
    assert (folder / "notes.txt").read_text() == "my notes" and (folder / "model.keras").is_file()


def test_a_failed_training_in_an_earlier_run_puts_its_logs_back(tmp_path):
    table = np.random.default_rng(0).normal(size=(200, 6))
    run = tmp_path / "run"
    aekit.Autoencoder(**TINY, run_dir=str(run)).fit(table)
    before = snapshot(run)
    diverging = aekit.Autoencoder(hidden=[16], latent_dim=2, optimizer="sgd", learning_rate=1e8, momentum=0.0,
                                  schedule="constant", epochs=3, run_dir=str(run))
    with pytest.raises(aekit.TrainingError):
        diverging.fit(table)
    assert snapshot(run) == before
