"""The `aekit` command line: a thin layer over the Python API.

Building the commands imports no engine: ``aekit --help``, ``--version``, ``aekit CMD --help`` and shell completion
start at once. :func:`main` chooses the backend for the command (see :mod:`aekit.cli.backend`); Keras loads when
the command starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import detect_tune  # noqa: F401 - adds `detect threshold` and `detect maps` to the detect group
from .backend import is_command_line, prepare_command_line
from .compress import COMMANDS as COMPRESS_COMMANDS
from .detect import detect
from .generate import COMMANDS as GENERATE_COMMANDS
from .index import COMMANDS as INDEX_COMMANDS
from .inspect import COMMANDS as INSPECT_COMMANDS
from .options import add_plugin_flags, handle_errors, json_option, overwrite_option, quiet_option, report
from .represent import COMMANDS as REPRESENT_COMMANDS
from .restore import COMMANDS as RESTORE_COMMANDS
from .train import COMMANDS as TRAIN_COMMANDS
from .train import train_into

DEMO_CONFIG = {"model": "deep", "hidden": [48, 32], "latent_dim": 10, "epochs": 150, "batch_size": 64,
               "learning_rate": 3e-3, "patience": 30}


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors (also AEKIT_DEBUG=1).")
@click.option("--plugin", "plugins", multiple=True, metavar="MODULE",
              help="Import a model plugin module (repeatable; also AEKIT_PLUGINS=a,b): its families and their "
                   "flags become available, and runs trained with them may load.")
@click.version_option(package_name="aekit")
@handle_errors(engines=False)
def cli(debug, plugins):
    """aekit: train, inspect, save and reuse autoencoders.

    Outputs (-o): a folder is written only if it is missing, empty or written by aekit; a folder of other files
    needs --overwrite, and even then only files of the names aekit writes are replaced. A file is replaced only
    with --overwrite. Image files are read in their bit depth (0-255, or 0-65535 for 16-bit) and converted to
    the units, channels and columns of the model they are given to.

    \b
    Example:
      aekit demo
      aekit train --dataset mnist --preset hinton2006 --epochs 20 -o runs/mnist
      aekit evaluate runs/mnist --dataset mnist --split test
      aekit --plugin my_pkg.models train --model mine --dataset mnist -o runs/mine
    """
    from ..runs.plugins import allow, env_plugins

    # Runs before the subcommand parses its arguments, so a plugin's flags are there for `train --help`.
    allow([*env_plugins(), *plugins])
    add_plugin_flags(cli)


for _command in (*TRAIN_COMMANDS, *GENERATE_COMMANDS, *INDEX_COMMANDS, *RESTORE_COMMANDS, *COMPRESS_COMMANDS,
                 *REPRESENT_COMMANDS, *INSPECT_COMMANDS, detect):
    cli.add_command(_command)


@cli.command()
@click.option("--data-dir", type=click.Path(file_okay=False), default=None, help="Extra folder to look in.")
@json_option
def datasets(data_dir, as_json):
    """List named datasets and where each was found.

    \b
    Example:
      AEKIT_DATA_DIR=../shared/data aekit datasets
    """
    from ..data.named import NAMED, locate

    found = {name: {"description": spec.description, "where": locate(name, data_dir)} for name, spec in NAMED.items()}
    report(as_json, found, "\n".join(f"{name:<14} {entry['description']}\n{'':<14} {entry['where']}"
                                     for name, entry in found.items()))


@cli.command()
@click.argument("name", required=False)
@json_option
@handle_errors
def models(name, as_json):
    """List registered model families and presets, or describe one family and its parameters.

    \b
    Example:
      aekit models
      aekit models conv
    """
    from .listing import describe_family, families_document, list_families

    if as_json:
        report(True, families_document(name), "")
        return
    click.echo(describe_family(name) if name else list_families())


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False), default="runs/demo", show_default=True,
              help="Run directory: a new or empty folder, or an aekit run (replaced).")
@overwrite_option
@quiet_option
@json_option
@handle_errors
def demo(output, overwrite, quiet, as_json):
    """Train a deep autoencoder on the bundled 8x8 digits and write a full run directory (< 1 minute).

    \b
    Example:
      aekit demo -o runs/demo
    """
    from .. import data as data_module
    from ..runs.lifecycle import check_run_dir

    output = check_run_dir(Path(output), overwrite=overwrite)
    dataset = data_module.load("digits", split="train")
    from ..estimator import Autoencoder

    model = train_into(Autoencoder(**DEMO_CONFIG, run_dir=str(output), overwrite=overwrite,
                                   verbose=0 if quiet or as_json else 2), dataset, say=not as_json)
    metrics = model.evaluate(data_module.load("digits", split="test"))
    report(as_json, {"run": str(output), "epochs": len(model.history_.get("loss", [])),
                     "seconds": model.training_seconds_, "test": metrics},
           f"Test set: squared error per image {metrics['squared_error_per_sample']:.3f}, "
           f"PSNR {metrics['psnr_db']:.1f} dB. Open {output}/reconstructions.png and {output}/loss.png, "
           f"or run: tensorboard --logdir {output}/tensorboard")


def main() -> None:
    if is_command_line():
        prepare_command_line(cli, sys.argv[1:])
    cli(prog_name="aekit")


if __name__ == "__main__":
    sys.exit(main())
