"""`aekit train`, `evaluate`, `encode` and `reconstruct`: training a run directory and using it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click
from click.core import ParameterSource

from ..core.config import Config
from ..core.outputs import check_file
from .backend import backend_note, start_engines
from .options import (
    SectionedCommand,
    config_options,
    handle_errors,
    json_option,
    load_autoencoder,
    overwrite_option,
    quiet_option,
    report,
)
from .sources import DATA_KEYS, DataSource, data_options


@click.command(cls=SectionedCommand)
@click.argument("config_file", required=False, type=click.Path(dir_okay=False))
@data_options(streams=True)
@config_options
@click.option("-o", "--output", type=click.Path(file_okay=False),
              help="Run directory [default: runs/MODEL-TIME]: a new or empty folder, or an aekit run (replaced: "
                   "only the files aekit wrote there go).")
@overwrite_option
@click.option("--resume", is_flag=True, help="Continue the interrupted run in --output from its last epoch, with the "
              "settings and data it was started with (other flags are refused, --data-dir excepted).")
@quiet_option
@json_option
@click.option("--workers", metavar="HOST:PORT,HOST:PORT,...",
              help="Train on several machines (data-parallel, keras.distribution on JAX): every worker's address, "
                   "the first coordinating. Start the same command on each, with its --worker-index. "
                   "[default: $KERAS_DISTRIBUTION_JOB_ADDRESSES]")
@click.option("--worker-index", type=click.IntRange(0), help="This worker's place in --workers (0 = the chief, which "
              "writes the run directory). [default: $KERAS_DISTRIBUTION_PROCESS_ID]")
@handle_errors(engines=False)
def train(config_file, source, output, overwrite, resume, quiet, as_json, workers, worker_index, **flags):
    """Train an autoencoder and write a run directory.

    CONFIG_FILE is an optional YAML file of config keys; flags override it. Model families add
    their own flags (listed with `aekit models NAME`).

    \b
    Example:
      aekit train --dataset mnist --model deep --preset hinton2006 --epochs 2 -o runs/h2006
      aekit train my.yaml --data table.csv --label-column Class --latent-dim 8
      aekit train --data mnist_train.csv --label-column label --image-shape 28,28 -o runs/csv
      aekit train --resume -o runs/h2006
      aekit train --data 'shards/*.csv' --workers 10.0.0.1:7777,10.0.0.2:7777 --worker-index 0 -o /shared/run
    """
    from ..core.config import load_config_file
    from ..runs.layout import read_data_source, read_run_spec
    from ..runs.lifecycle import check_run_dir
    from ..training import distributed

    group = distributed.parse_workers(workers, worker_index)
    if group is not None:
        start_engines()
        distributed.start(group)  # blocks until every worker has joined

    given = {k: v for k, v in flags.items() if v is not None}
    if resume:
        if not output:
            raise click.UsageError("--resume needs -o/--output, the run directory to continue.")
        context = click.get_current_context()
        named = [k for k in DATA_KEYS
                 if k != "data_dir" and context.get_parameter_source(k) == ParameterSource.COMMANDLINE]
        conflicting = (["CONFIG_FILE"] if config_file else []) + ["--" + k.replace("_", "-") for k in [*given, *named]]
        if conflicting:
            raise click.UsageError(f"--resume continues {output} with the settings and data it was started with; "
                                   f"{', '.join(conflicting)} would be ignored. Drop them, or start a new run in "
                                   "another directory.")
        values = read_run_spec(output)["params"]
        source = DataSource(**read_data_source(output), data_dir=source.data_dir)
    else:
        values = load_config_file(config_file) if config_file else {}
        values.update(given)
        from_file = {k: values.pop(k) for k in Config.keys("data") if k in values}
        context = click.get_current_context()
        from_command_line = {k: v for k, v in vars(source).items() if v is not None and (
            k != "split" or context.get_parameter_source("split") == ParameterSource.COMMANDLINE)}
        source = DataSource(**{**from_file, **from_command_line})
        if not source.given:
            raise click.UsageError("Give the training data: --dataset NAME or --data PATH "
                                   "(or put it in the config file).")
    output = Path(output or f"runs/{values.get('model', 'deep')}-{datetime.now():%Y%m%d-%H%M%S}")
    if not resume:
        # Every value and the output folder are checked before the engine loads (seconds), so that a mistake
        # is refused at once.
        Config.of_params(values)
        check_run_dir(output, overwrite=overwrite, inputs=[source.data])
    if source.needs_engine():
        start_engines()  # quietly, before reading imports it
    dataset = source.read(allow_stream=True)
    start_engines()
    from ..estimator import Autoencoder

    estimator = Autoencoder(**values, run_dir=str(output), overwrite=overwrite,
                            verbose=0 if quiet or as_json else "auto")
    train_into(estimator, dataset, resume=resume, as_json=as_json)


def train_into(estimator, dataset, resume: bool = False, as_json: bool = False, say: bool = True):
    """Fit ``estimator`` (whose ``run_dir`` is the run) and, with ``say``, say what was written (``as_json``: as
    one JSON document on stdout); returns it."""
    output = estimator.run_dir
    estimator.fit(dataset, resume=resume, callbacks=[backend_note()])
    if not say:
        return estimator
    if estimator.run_dir_ is None:  # a worker of a group: the chief wrote the run
        click.echo(f"Worker done: {len(estimator.history_.get('loss', []))} epochs, final loss "
                   f"{estimator.history_['loss'][-1]:.6g}; the chief (worker 0) writes the run directory.")
        return estimator
    split, metrics = next(iter(estimator.metrics_.items()), ("validation", {}))
    if as_json:
        click.echo(json.dumps({"run": str(output), "epochs": len(estimator.history_.get("loss", [])),
                               "plan": estimator.training_plan_, "seconds": estimator.training_seconds_,
                               "scaling": estimator.scaler_.method, "metrics": estimator.metrics_,
                               "stream": getattr(estimator, "stream_survey_", None)}, default=float))
        return estimator
    click.echo(f"Wrote {output} ({len(estimator.history_.get('loss', []))} epochs run of "
               f"{estimator.training_plan_}; {estimator.training_seconds_:.1f} s; "
               f"scaling: {estimator.scaler_.method}).")
    survey = getattr(estimator, "stream_survey_", None)
    if survey:
        click.echo(f"Streamed {survey['train_rows'] + survey['validation_rows']:,} rows from {survey['files']} file(s) "
                   f"({survey['bytes'] / 1e9:.2f} GB; survey pass {survey['seconds']:.1f} s); "
                   f"{survey['validation_rows']:,} held out for validation.")
    numbers = ", ".join(f"{k}={v:.4g}" for k, v in metrics.items() if isinstance(v, float))
    click.echo(f"{split.capitalize()}: {numbers} (in {metrics.get('units', 'the scaled space')}).")
    return estimator


@click.command()
@click.argument("run", type=click.Path())
@data_options(split_default="test")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--per-image", "per_sample", type=click.Path(dir_okay=False),
              help="Also write each sample's errors (and PSNR, SSIM for images) to this CSV, with file names for "
                   "image folders.")
@overwrite_option
@click.option("--nll", is_flag=True, help="Variational models: the importance-weighted estimate of the negative "
              "log-likelihood and the ELBO, in nats per sample (Burda et al. 2015).")
@click.option("--importance-samples", type=click.IntRange(1), default=5000, show_default=True,
              help="With --nll: codes drawn per sample (K); 1 gives the ELBO.")
@handle_errors(engines=False)
def evaluate(run, source, as_json, per_sample, overwrite, nll, importance_samples):
    """Reconstruction error of a trained model on a dataset.

    Reports squared error per sample (summed over its values), MSE and MAE per value, and mean
    PSNR and SSIM for images, all in the space the model was trained in (named in the report's
    units line). Another folder of images works too: its images must have the training size.

    \b
    Example:
      aekit evaluate runs/h2006 --dataset mnist --split test
      aekit evaluate runs/faces --data more-faces/ --per-image faces.csv
      aekit evaluate runs/vae --dataset mnist --nll --importance-samples 5000
    """
    if per_sample:
        check_file(per_sample, overwrite=overwrite, inputs=[source.data])
    model = load_autoencoder(run)
    data_obj = source.read(model=model)
    report = model.evaluate(data_obj)
    if nll:
        from ..tasks.generation import importance_weighted_nll

        estimate = importance_weighted_nll(model, data_obj, importance_samples)
        report.update({key: estimate[key] for key in ("nll_nats", "elbo_nats", "importance_samples")})
    if per_sample:
        _write_per_sample(model.evaluate_samples(data_obj), data_obj, per_sample)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    width = max(len(k) for k in report)
    for key, value in report.items():
        click.echo(f"{key:<{width}}  {value:.6g}" if isinstance(value, float) else f"{key:<{width}}  {value}")


def _write_per_sample(values: dict, dataset, path) -> None:
    import pandas as pd

    from ..core.atomic import atomic_path

    frame = pd.DataFrame(values)
    frame.insert(0, "file" if "files" in dataset.meta else "index",
                 dataset.meta.get("files", list(range(len(frame)))))
    with atomic_path(path) as temporary:
        frame.to_csv(temporary, index=False)


@click.command()
@click.argument("run", type=click.Path())
@data_options(split_default="test", streams=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Codes file: .npy, .csv or .parquet.")
@overwrite_option
@click.option("--packed", is_flag=True, help="Binary codes: pack 8 bits per byte (uint8).")
@click.option("--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="With a stream: split its shards across this many processes (one output, in shard order).")
@json_option
@handle_errors(engines=False)
def encode(run, source, output, overwrite, packed, jobs, as_json):
    """Write the latent codes of a dataset (a Gaussian's means, bits, or a grid, by the model's code kind).

    Streamed data (--stream, or shards over 512 MB) is encoded block by block with bounded memory.

    \b
    Example:
      aekit encode runs/h2006 --dataset mnist --split test -o codes.parquet
      aekit encode runs/tx --data 'shards/*.csv' --label-column Class --stream --jobs 2 -o codes.npy
    """
    import time

    from ..data.streaming import Stream
    from ..data.writers import write_array

    check_file(output, overwrite=overwrite, inputs=[source.data])
    model = load_autoencoder(run)
    data_obj = source.read(allow_stream=True, model=model)
    if isinstance(data_obj, Stream):
        from ..estimator.stream_encoding import encode_stream

        started = time.perf_counter()
        rows = encode_stream(run, data_obj, output, packed=packed, jobs=jobs)
        seconds = time.perf_counter() - started
        report(as_json, {"output": str(output), "rows": rows, "code_kind": model.code_kind_, "seconds": seconds,
                         "processes": min(jobs, len(data_obj.paths))},
               f"Wrote {rows:,} {model.code_kind_} codes to {output} in {seconds:.1f} s "
               f"({rows / max(seconds, 1e-9):,.0f} rows/s, {min(jobs, len(data_obj.paths))} process(es)).")
        return
    codes = model.encode(data_obj, packed=packed)
    write_array(codes, output, labels=data_obj.y, prefix="z", overwrite=True)  # checked above
    report(as_json, {"output": str(output), "rows": len(codes), "code_kind": model.code_kind_,
                     "shape": list(codes.shape[1:])},
           f"Wrote {len(codes)} {model.code_kind_} codes of shape {codes.shape[1:]} to {output}.")


@click.command()
@click.argument("run", type=click.Path())
@data_options(split_default="test")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Reconstructions file: .npy, .csv or .parquet.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Comparison plot PNG [default: OUTPUT stem + .png].")
@overwrite_option
@json_option
@handle_errors(engines=False)
def reconstruct(run, source, output, plot, overwrite, as_json):
    """Reconstruct a dataset and draw originals above reconstructions.

    \b
    Example:
      aekit reconstruct runs/h2006 --dataset mnist --max-samples 100 -o recon.npy
    """
    from ..core.plots import plot_reconstructions
    from ..data.writers import write_array

    plot = plot or str(Path(output).with_suffix(".png"))
    for target in (output, plot):
        check_file(target, overwrite=overwrite, inputs=[source.data])
    model = load_autoencoder(run)
    data_obj = source.read(model=model)
    reconstructed = model.reconstruct(data_obj)
    write_array(reconstructed, output, prefix="x", columns=data_obj.feature_names, overwrite=True)
    show = slice(0, 10)
    plot_reconstructions(model.scaler_.transform(data_obj.X[show]), model.scaler_.transform(reconstructed[show]),
                         plot, kind=data_obj.kind)
    report(as_json, {"output": str(output), "plot": str(plot), "rows": len(reconstructed)},
           f"Wrote {len(reconstructed)} reconstructions to {output} and a comparison plot to {plot}.")


COMMANDS = (train, evaluate, encode, reconstruct)
