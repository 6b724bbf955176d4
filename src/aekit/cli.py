"""The `aekit` command line: a thin layer over the Python API."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime
from pathlib import Path

import click

from .cli_options import config_options, data_options, handle_errors, read_data

DEMO_CONFIG = {"model": "deep", "hidden": [48, 32], "latent_dim": 10, "epochs": 150, "batch_size": 64,
               "learning_rate": 3e-3, "patience": 30}


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.version_option(package_name="aekit")
def cli(debug):
    """aekit: train, inspect, save and reuse autoencoders.

    \b
    Example:
      aekit demo
      aekit train --dataset mnist --preset hinton2006 --epochs 20 -o runs/mnist
      aekit evaluate runs/mnist --dataset mnist --split test
    """


@cli.command()
@click.argument("config_file", required=False, type=click.Path(dir_okay=False))
@data_options
@config_options
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Run directory [default: runs/MODEL-TIME].")
@click.option("--resume", is_flag=True, help="Continue the interrupted run in --output from its last epoch.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@handle_errors
def train(config_file, dataset, data, label_column, image_size, split, data_dir, max_samples, output, resume,
          quiet, **flags):
    """Train an autoencoder and write a run directory.

    CONFIG_FILE is an optional YAML file of config keys; flags override it.

    \b
    Example:
      aekit train --dataset mnist --model deep --preset hinton2006 --epochs 2 -o runs/h2006
      aekit train my.yaml --data table.csv --label-column Class --latent-dim 8
    """
    from .artifacts import read_data_source, read_run_spec
    from .config import Config, load_config_file

    if resume:
        if not output:
            raise click.UsageError("--resume needs -o/--output, the run directory to continue.")
        values = read_run_spec(output)["params"]
        data_spec = read_data_source(output)
    else:
        values = load_config_file(config_file) if config_file else {}
        values.update({k: v for k, v in flags.items() if v is not None})
        data_spec = {k: values.pop(k, None) for k in ("dataset", "data", "label_column", "image_size", "split",
                                                      "max_samples")}
        given = {"dataset": dataset, "data": data, "label_column": label_column,
                 "image_size": list(image_size) if image_size else None, "max_samples": max_samples}
        data_spec.update({k: v for k, v in given.items() if v is not None})
        data_spec["split"] = split if split != "train" or not data_spec.get("split") else data_spec["split"]
        if not data_spec.get("dataset") and not data_spec.get("data"):
            raise click.UsageError("Give the training data: --dataset NAME or --data PATH "
                                   "(or put it in the config file).")
        Config.from_dict(values).resolved()  # check before anything is written
    dataset_obj = read_data(data_spec.get("dataset"), data_spec.get("data"), data_spec.get("label_column"),
                            data_spec.get("image_size"), data_spec.get("split") or "train", data_dir,
                            data_spec.get("max_samples"))
    output = Path(output or f"runs/{values.get('model', 'deep')}-{datetime.now():%Y%m%d-%H%M%S}")
    _train_into(output, values, dataset_obj, data_spec, resume=resume, verbose=0 if quiet else "auto")


def _train_into(output: Path, params: dict, dataset, data_spec: dict, resume: bool, verbose) -> None:
    from .artifacts import record_data_source
    from .errors import AekitError
    from .estimators import Autoencoder

    existed = output.exists()
    try:
        estimator = Autoencoder(**params, run_dir=str(output), verbose=verbose)
        if not resume:
            estimator.config()  # validate parameters before creating the run directory
        if not resume:
            record_data_source(output, data_spec)
        estimator.fit(dataset, resume=resume)
    except AekitError:
        if not existed and not resume:
            shutil.rmtree(output, ignore_errors=True)
        raise
    metrics = next(iter(estimator.metrics_.values()), {})
    click.echo(f"Wrote {output} ({len(estimator.history_.get('loss', []))} epochs, "
               f"{estimator.training_seconds_:.1f} s).")
    click.echo("Validation: " + ", ".join(f"{k}={v:.4g}" for k, v in metrics.items() if k != "samples"))


@cli.command()
@click.argument("run", type=click.Path())
@data_options(split_default="test")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@handle_errors
def evaluate(run, dataset, data, label_column, image_size, split, data_dir, max_samples, as_json):
    """Reconstruction error of a trained model on a dataset.

    Reports squared error per sample (summed over its values, scaled as in training),
    MSE and MAE per value, and PSNR for images.

    \b
    Example:
      aekit evaluate runs/h2006 --dataset mnist --split test
    """
    from .artifacts import load

    model = load(run)
    report = model.evaluate(read_data(dataset, data, label_column, image_size, split, data_dir, max_samples))
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    width = max(len(k) for k in report)
    for key, value in report.items():
        click.echo(f"{key:<{width}}  {value:.6g}" if isinstance(value, float) else f"{key:<{width}}  {value}")


@cli.command()
@click.argument("run", type=click.Path())
@data_options(split_default="test")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Codes file: .npy, .csv or .parquet.")
@handle_errors
def encode(run, dataset, data, label_column, image_size, split, data_dir, max_samples, output):
    """Write the latent codes of a dataset.

    \b
    Example:
      aekit encode runs/h2006 --dataset mnist --split test -o codes.parquet
    """
    from .artifacts import load
    from .io import write_array

    model = load(run)
    data_obj = read_data(dataset, data, label_column, image_size, split, data_dir, max_samples)
    codes = model.transform(data_obj)
    write_array(codes, output, labels=data_obj.y, prefix="z")
    click.echo(f"Wrote {len(codes)} codes of size {codes.shape[1]} to {output}.")


@cli.command()
@click.argument("run", type=click.Path())
@data_options(split_default="test")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Reconstructions file: .npy, .csv or .parquet.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Comparison plot PNG [default: OUTPUT stem + .png].")
@handle_errors
def reconstruct(run, dataset, data, label_column, image_size, split, data_dir, max_samples, output, plot):
    """Reconstruct a dataset and draw originals above reconstructions.

    \b
    Example:
      aekit reconstruct runs/h2006 --dataset mnist --max-samples 100 -o recon.npy
    """
    from .artifacts import load
    from .io import write_array
    from .plots import plot_reconstructions

    model = load(run)
    data_obj = read_data(dataset, data, label_column, image_size, split, data_dir, max_samples)
    reconstructed = model.reconstruct(data_obj)
    write_array(reconstructed, output, prefix="x", columns=data_obj.feature_names)
    plot = plot or str(Path(output).with_suffix(".png"))
    show = slice(0, 10)
    plot_reconstructions(model.scaler_.transform(data_obj.X[show]), model.scaler_.transform(reconstructed[show]),
                         plot, kind=data_obj.kind)
    click.echo(f"Wrote {len(reconstructed)} reconstructions to {output} and a comparison plot to {plot}.")


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
def models():
    """List registered models and presets.

    \b
    Example:
      aekit models
    """
    from .config import PRESETS
    from .models import available_models

    click.echo("Models:")
    for name, spec in available_models().items():
        click.echo(f"  {name:<8} {spec.description}")
    click.echo("Presets:")
    for name, preset in PRESETS.items():
        layers = "-".join(map(str, preset["hidden"])) + f" -> {preset['latent_dim']}"
        click.echo(f"  {name:<11} model={preset['model']}, {layers}")


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
    _train_into(output, dict(DEMO_CONFIG), dataset, {"dataset": "digits", "split": "train"}, resume=False,
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
    words = tuple(arg for arg in sys.argv[1:] if not arg.startswith("-"))
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
