"""Commands about a run as a whole: ``aekit info RUN`` (what it is, read from its files without loading any
engine) and ``aekit export RUN`` (its encoder, decoder or model as a SavedModel, ONNX or LiteRT graph)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .options import handle_errors, json_option, load_autoencoder, overwrite_option, quiet_option

EXPORT_FORMATS = ("saved_model", "onnx", "litert")
EXPORT_PARTS = ("encoder", "decoder", "model")


@click.command()
@click.argument("run", type=click.Path())
@json_option
@handle_errors(engines=False)
def info(run, as_json):
    """Describe a run: its estimator, family and config, code, data, metrics, versions and files.

    Read from the run's own files (aekit.json, history.csv, checkpoint/); nothing is loaded, so it answers at
    once, even for a run whose family's plugin is not installed here.

    \b
    Example:
      aekit info runs/mnist
      aekit info runs/mnist --json | jq .metrics
    """
    from ..runs.layout import run_summary

    summary = run_summary(Path(run))
    if as_json:
        click.echo(json.dumps(summary, indent=2, default=str))
        return
    click.echo(_describe(summary))


def _describe(summary: dict) -> str:
    from ..core.config import Config

    config = summary.get("config", {})
    code = summary.get("code") or {}
    code_text = f"{code.get('kind')} code of shape {tuple(code.get('shape', ()))}" if code else "code not recorded"
    lines = [f"{summary['path']}: {summary['estimator']} run, format {summary['format_version']}, "
             f"created {summary.get('created', 'at an unknown time')}",
             f"  family      {config.get('model')}, {code_text}",
             f"  input       {summary.get('kind')} of shape {tuple(summary.get('input_shape') or ())}",
             f"  data        fingerprint {summary.get('data', {}).get('fingerprint', '?')}"
             + (f", from {summary['data_source']}" if summary.get("data_source") else ""),
             f"  trained     {summary.get('epochs_run', '?')} epochs in {summary.get('training_seconds', 0):.1f} s"]
    for split, figures in (summary.get("metrics") or {}).items():
        shown = ", ".join(f"{k} {v:.4g}" for k, v in figures.items() if isinstance(v, (int, float)))
        lines.append(f"  {split:<11} {shown}")
    versions = summary.get("versions", {})
    lines.append(f"  versions    aekit {versions.get('aekit', '?')}, keras {versions.get('keras', '?')} on "
                 f"{versions.get('keras_backend', '?')}")
    lines.append(f"  files       {', '.join(summary.get('files', []))}")
    defaults = Config().to_dict()
    changed = {k: v for k, v in config.items() if k in defaults and v != defaults[k]}
    lines.append("  settings    " + (", ".join(f"{k}={v}" for k, v in sorted(changed.items())) or "the defaults")
                 + " (all of them: --json)")
    return "\n".join(lines)


@click.command()
@click.argument("run", type=click.Path())
@click.option("--format", "format_", type=click.Choice(EXPORT_FORMATS), default="saved_model", show_default=True,
              help="saved_model (a folder, for TensorFlow Serving), onnx (a file, for ONNX Runtime) or litert "
                   "(a .tflite file).")
@click.option("--part", type=click.Choice(EXPORT_PARTS), default="encoder", show_default=True,
              help="encoder (data to codes, as `aekit encode`), decoder (codes to data) or model (data to its "
                   "reconstruction, as `aekit reconstruct`).")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The SavedModel folder, or the .onnx or .tflite file, to write.")
@overwrite_option
@json_option
@quiet_option
@handle_errors(engines=False)
def export(run, format_, part, output, overwrite, as_json, quiet):
    """Export a run's encoder, decoder or model to serve without aekit, its scaling folded in: the exported
    graph takes data in the training data's own units and gives what `aekit encode` gives.

    Runs on TensorFlow (its converters write every format); needs `pip install 'aekit[export]'` for ONNX. A
    compression model's .aez coding is not a graph: its symbols (encoder) and their decoding (decoder) export.

    \b
    Example:
      aekit export runs/mnist --format onnx -o encoder.onnx
      aekit export runs/mnist --part model -o served/
    """
    model = load_autoencoder(run)  # a mistyped run is refused before the engine starts
    from ..estimator.export import export_model

    path = export_model(model, output, format=format_, part=part, overwrite=overwrite)
    if as_json:
        click.echo(json.dumps({"path": str(path), "format": format_, "part": part}))
    elif not quiet:
        click.echo(f"Wrote {path}: the {part} as {format_}.")


COMMANDS = (info, export)
