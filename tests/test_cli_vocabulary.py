"""The command line's vocabulary, checked on the whole click tree (issue 28): one spelling per option, RUN
first, data through --dataset/--data (positional files only where they are the point), no option shown and then
refused, --json on every command and --quiet where it trains, and the old spellings still working for one release
with a warning."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from aekit.cli import cli

# Spellings that were retired, and what replaced them (hidden aliases until aekit 0.3).
RETIRED = {"--neighbors": "--neighbours / --umap-neighbours", "--k": "--neighbours / --std-multiplier",
           "-k": "--neighbours"}
# Commands that can read data larger than memory (`source.read(allow_stream=True)`).
STREAMING = {"train", "encode"}
# Commands that train networks: each can be silenced.
TRAINING = {"train", "demo", "compare", "classify", "detect fit"}
# The positional arguments a usage line may show: runs, indexes, and the files that are the point of a command
# (images to compress, denoise, upscale or interpolate between; a .aez file; a config file; a family's name).
POSITIONALS = {"RUN", "INDEX_FILE", "INPUTS...", "FILE", "[IMAGES]...", "[CONFIG_FILE]", "[NAME]"}


def commands(group: click.Group = cli, path: tuple[str, ...] = ()):
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


def shown_flags(command: click.Command) -> set[str]:
    return {flag for param in command.params if isinstance(param, click.Option) and not param.hidden
            for flag in (*param.opts, *param.secondary_opts)}


@pytest.mark.parametrize("name,command", list(commands()), ids=[name for name, _ in commands()])
def test_every_command_follows_the_vocabulary(name, command):
    flags = shown_flags(command)
    assert not flags & set(RETIRED), (name, flags & set(RETIRED))  # one spelling: neighbours, no bare k
    arguments = [param.name for param in command.params if isinstance(param, click.Argument)]
    if "run" in arguments:
        assert arguments[0] == "run", (name, arguments)  # RUN first wherever a command uses a run
    if name not in STREAMING:
        assert not flags & {"--stream", "--stream-cache"}, name  # never shown, then refused
    assert "--json" in flags, name  # every command's result can be read by a script
    with click.Context(command, info_name=name) as context:
        shown = set(command.collect_usage_pieces(context)) - {"[OPTIONS]"}
    assert shown <= POSITIONALS, (name, shown - POSITIONALS)  # data comes through --dataset/--data
    if name in TRAINING:
        assert {"--quiet", "-q"} <= flags, name


@pytest.mark.parametrize("arguments,warning", [
    (["search", "missing.aeidx", "--k", "3"], "--k is renamed --neighbours"),
    (["probe", "missing-run", "--neighbors", "3"], "-k/--neighbors is renamed --neighbours"),
    (["probe", "missing-run", "-k", "3"], "-k/--neighbors is renamed --neighbours"),
    (["embed", "missing-run", "--neighbors", "5", "-o", "maps"], "--neighbors is renamed --umap-neighbours"),
    (["embed", "missing-run", "mnist", "-o", "maps"], "DATA as a positional argument (mnist) is now --data PATH"),
    (["detect", "score", "missing-run", "x.csv", "-o", "s.csv"], "DATA as a positional argument (x.csv) is now"),
    (["detect", "fit", "x.csv", "-o", "run"], "DATA as a positional argument (x.csv) is now --data PATH"),
])
def test_old_spellings_still_parse_and_say_the_new_one(arguments, warning, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, arguments)
    assert warning in result.output  # parsed, warned, then the command ran (and found no such run)
    assert "No such option" not in result.output and result.exit_code == 2


def test_index_add_takes_the_run_first_and_the_old_order_with_a_warning(tmp_path):
    run, index = tmp_path / "run", tmp_path / "i.aeidx"
    run.mkdir()
    index.write_bytes(b"not an index")
    old = CliRunner().invoke(cli, ["index", "add", str(index), str(run), "--dataset", "digits"])
    assert "is now `aekit index add RUN INDEX_FILE`" in old.output and old.exit_code == 2
    new = CliRunner().invoke(cli, ["index", "add", str(run), str(index), "--dataset", "digits"])
    assert "is now" not in new.output and new.exit_code == 2


@pytest.mark.parametrize("arguments,own", [(["train"], "Output and running"),
                                           (["detect", "fit"], "Detection and output")])
def test_long_helps_come_in_sections(arguments, own):
    text = CliRunner().invoke(cli, [*arguments, "--help"]).output
    headings = [line[:-1] for line in text.splitlines() if line and not line[0].isspace() and line.endswith(":")]
    assert headings[-5:] == ["Data", "Model", "Family options", "Training", own], headings
    data = text[text.index("\nData:"):text.index("\nModel:")]
    assert "--label-column" in data and "--latent-dim" not in data and "--latent-dim" in text


def test_json_puts_one_document_on_stdout_and_nothing_else(tmp_path):
    import json

    import numpy as np
    import pandas as pd

    from .conftest import DATA_DIR

    table = np.load(DATA_DIR / "anomaly" / "29_Pima.npz")
    frame = pd.DataFrame(table["X"], columns=[f"c{i}" for i in range(table["X"].shape[1])])
    frame["Class"] = table["y"].astype(int)
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    quick = ["--epochs", "2", "--hidden", "8", "--latent-dim", "2"]
    data, labels = str(path), ["--label-column", "Class"]
    autoencoder, detector = str(tmp_path / "ae"), str(tmp_path / "det")
    for arguments in (["train", "--data", data, *labels, *quick, "-o", autoencoder],
                      ["detect", "fit", "--data", data, *labels, "--normal-only", *quick, "-o", detector],
                      ["detect", "score", detector, "--data", data, "-o", str(tmp_path / "s.csv")],
                      ["detect", "report", detector, "--data", data, *labels, "-o", str(tmp_path / "r")],
                      ["detect", "explain", detector, "--data", data, "--count", "2"],
                      ["evaluate", autoencoder, "--data", data, *labels],
                      ["info", autoencoder],
                      ["encode", autoencoder, "--data", data, *labels, "-o", str(tmp_path / "codes.npy")],
                      ["reconstruct", autoencoder, "--data", data, *labels, "-o", str(tmp_path / "recon.csv")],
                      ["datasets"], ["models", "deep"]):
        result = CliRunner().invoke(cli, [*arguments, "--json"])
        assert result.exit_code == 0, (arguments, result.output)
        json.loads(result.stdout)  # the whole of stdout is one JSON document
