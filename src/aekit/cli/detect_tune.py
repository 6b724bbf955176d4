"""``aekit detect threshold`` (set a fitted detector's threshold again on labelled rows) and ``aekit detect maps``
(where in each image the reconstruction fails): what the Python API's ``fit_threshold`` and ``error_maps`` do."""

from __future__ import annotations

import json

import click

from .detect import NAN_HELP, detect, load_detector
from .options import data_path_option, handle_errors, json_option, overwrite_option, quiet_option

MAP_FILES = ("error-maps.png", "error-maps.npy", "scores.csv")


@detect.command("threshold")
@click.argument("run", type=click.Path())
@data_path_option("Labelled rows the detector was not trained on: a CSV, TSV or Parquet table.")
@click.option("--label-column", required=True, help="Column of 0/1 labels (1 = anomaly) of rows the detector was "
              "not trained on.")
@click.option("--objective", type=click.Choice(["f1", "recall", "precision"]), default="f1", show_default=True,
              help="f1: the threshold of the best F1; recall/precision: the one that reaches --target.")
@click.option("--target", type=float, help="For --objective recall/precision: the level to reach, e.g. 0.9.")
@click.option("--nan-policy", type=click.Choice(["error", "impute", "drop"]), default="error", show_default=True,
              help=NAN_HELP)
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="The run to write with the new threshold (RUN itself to update it in place).")
@overwrite_option
@json_option
@quiet_option
@handle_errors(engines=False)
def threshold_command(run, data, label_column, objective, target, nan_policy, output, overwrite, as_json, quiet):
    """Set a fitted detector's threshold again, on labelled rows it was not trained on (--data: a table).

    \b
    Example:
      aekit detect threshold runs/fraud --data held-out.csv --label-column Class --objective f1 -o runs/f1
    """
    from ..runs.lifecycle import check_run_dir
    from ..tasks.anomaly.inputs import read_training_table

    if (objective == "f1") != (target is None):
        raise click.UsageError("--target goes with --objective recall or precision (e.g. --target 0.9), and only "
                               "with them.")
    check_run_dir(output, overwrite=overwrite, inputs=[data])
    detector = load_detector(run)
    dataset, labels = read_training_table(data, label_column, nan_policy)
    detector.fit_threshold(dataset, labels, objective=objective, target=target)
    detector.save(output, overwrite=overwrite)
    info = {k: (float(v) if isinstance(v, int | float) else v) for k, v in detector.threshold_info_.items()}
    if as_json:
        click.echo(json.dumps({"threshold": detector.threshold_, **info, "run": str(output)}))
    elif not quiet:
        shown = ", ".join(f"{k} {v:.4g}" for k, v in info.items() if isinstance(v, float) and k != "threshold")
        click.echo(f"Threshold {detector.threshold_:.6g} ({objective}{'' if target is None else f' >= {target:g}'}"
                   f"; {shown}). Wrote {output}.")


@detect.command("maps")
@click.argument("run", type=click.Path())
@data_path_option("The images to map: image files or a folder of them.")
@click.option("--count", type=click.IntRange(1, 64), default=8, show_default=True, help="Images to draw.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for error-maps.png (originals, reconstructions, heat maps), error-maps.npy (every "
                   "image's map) and scores.csv.")
@overwrite_option
@json_option
@quiet_option
@handle_errors(engines=False)
def maps_command(run, data, count, output, overwrite, as_json, quiet):
    """Where each image of --data (image files or a folder) is reconstructed badly: per-pixel error heat maps.

    \b
    Example:
      aekit detect maps runs/parts --data new-photos/ -o runs/parts/maps
    """
    import numpy as np
    import pandas as pd

    from ..core.errors import ConfigError
    from ..core.outputs import check_folder, staged
    from .sources import DataSource

    check_folder(output, overwrite=overwrite, inputs=[data], names=MAP_FILES, what="maps folder")
    detector = load_detector(run)
    if detector.kind_ != "image":
        raise ConfigError(f"{run} detects anomalies in table rows; error maps are for images. For tables, "
                          f"`aekit detect explain {run} --data TABLE` names the columns reconstructed worst.")
    images = DataSource(data=data).read(model=detector)
    maps, scores = detector.error_maps(images), detector.decision_function(images)
    names = images.meta.get("files") or [str(i) for i in range(len(scores))]
    with staged(output) as folder:
        detector.plot_error_maps(images, folder / "error-maps.png", count=count)
        np.save(folder / "error-maps.npy", maps.astype(np.float32))
        table = pd.DataFrame({"file": names, "score": scores, "anomaly": scores > detector.threshold_})
        table.to_csv(folder / "scores.csv", index=False)
    summary = {"images": len(scores), "flagged": int((scores > detector.threshold_).sum()), "folder": str(output)}
    if as_json:
        click.echo(json.dumps(summary))
    elif not quiet:
        click.echo(f"Mapped {summary['images']:,} images ({summary['flagged']:,} flagged); wrote "
                   f"{', '.join(MAP_FILES)} to {output}.")
