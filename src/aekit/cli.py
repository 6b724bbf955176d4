"""The `aekit` command line: a thin layer over the Python API."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from .cli_options import DataSource, add_plugin_flags, handle_errors
from .cli_train import COMMANDS as TRAIN_COMMANDS
from .cli_train import train_into

DEMO_CONFIG = {"model": "deep", "hidden": [48, 32], "latent_dim": 10, "epochs": 150, "batch_size": 64,
               "learning_rate": 3e-3, "patience": 30}


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors (also AEKIT_DEBUG=1).")
@click.option("--plugin", "plugins", multiple=True, metavar="MODULE",
              help="Import a model plugin module (repeatable; also AEKIT_PLUGINS=a,b): its families and their "
                   "flags become available, and runs trained with them may load.")
@click.version_option(package_name="aekit")
@handle_errors
def cli(debug, plugins):
    """aekit: train, inspect, save and reuse autoencoders.

    \b
    Example:
      aekit demo
      aekit train --dataset mnist --preset hinton2006 --epochs 20 -o runs/mnist
      aekit evaluate runs/mnist --dataset mnist --split test
      aekit --plugin my_pkg.models train --model mine --dataset mnist -o runs/mine
    """
    from .plugins import allow, env_plugins

    # Runs before the subcommand parses its arguments, so a plugin's flags are there for `train --help`.
    allow([*env_plugins(), *plugins])
    add_plugin_flags(cli)


for _command in TRAIN_COMMANDS:
    cli.add_command(_command)


@cli.command()
@click.option("--data-dir", type=click.Path(file_okay=False), default=None, help="Extra folder to look in.")
def datasets(data_dir):
    """List named datasets and where each was found.

    \b
    Example:
      AEKIT_DATA_DIR=../shared/data aekit datasets
    """
    from .data.named import NAMED, locate

    for name, spec in NAMED.items():
        click.echo(f"{name:<14} {spec.description}\n{'':<14} {locate(name, data_dir)}")


@cli.command()
@click.argument("name", required=False)
@handle_errors
def models(name):
    """List registered model families and presets, or describe one family and its parameters.

    \b
    Example:
      aekit models
      aekit models conv
    """
    from .cli_models import describe_family, list_families

    click.echo(describe_family(name) if name else list_families())


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False), default="runs/demo", show_default=True)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@handle_errors
def demo(output, quiet):
    """Train a deep autoencoder on the bundled 8x8 digits and write a full run directory (< 1 minute).

    \b
    Example:
      aekit demo -o runs/demo
    """
    from . import data as data_module

    output = Path(output)
    if output.exists():
        shutil.rmtree(output)
    dataset = data_module.load("digits", split="train")
    train_into(output, dict(DEMO_CONFIG), dataset, DataSource(dataset="digits"), resume=False,
               verbose=0 if quiet else 2)
    from .artifacts import load

    report = load(output).evaluate(data_module.load("digits", split="test"))
    click.echo(f"Test set: squared error per image {report['squared_error_per_sample']:.3f}, "
               f"PSNR {report['psnr_db']:.1f} dB. Open {output}/reconstructions.png and {output}/loss.png, "
               f"or run: tensorboard --logdir {output}/tensorboard")


from .cli_detect import detect  # noqa: E402 - the `aekit detect` group lives in its own module

cli.add_command(detect)

from .cli_representation import register as _register_representation  # noqa: E402 - compare, embed, probe, ...

_register_representation(cli)


# Commands that never touch TensorFlow (no tf.data, no TensorBoard): importing it would add seconds of start-up
# and hundreds of MB to scoring a file.
WITHOUT_TENSORFLOW = (("detect", "score"), ("detect", "report"), ("detect", "explain"), ("models",), ("datasets",))


def main() -> None:
    arguments = sys.argv[1:]
    # The words naming the command: neither options nor the module after --plugin.
    words = tuple(arg for i, arg in enumerate(arguments)
                  if not arg.startswith("-") and (i == 0 or arguments[i - 1] != "--plugin"))
    _import_engines_quietly(tensorflow=not any(words[:len(c)] == c for c in WITHOUT_TENSORFLOW))
    cli(prog_name="aekit")


def _import_engines_quietly(tensorflow: bool = True) -> None:
    """Import Keras (and TensorFlow) with native stderr closed: their C++ start-up notes bury the CLI's output."""
    import os

    if os.environ.get("AEKIT_DEBUG"):
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras  # noqa: F401

            if tensorflow:
                import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)


if __name__ == "__main__":
    sys.exit(main())
