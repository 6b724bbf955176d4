"""`aekit detect ...`: fit an anomaly detector, score files in chunks, report, explain flagged rows."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from ..core.outputs import check_file
from ..tasks.anomaly.defaults import DEFAULT_OVERRIDES, MIN_TRAINING_ROWS
from .backend import backend_note, start_engines
from .options import (
    SectionedCommand,
    config_options,
    data_path_option,
    handle_errors,
    json_option,
    open_run,
    overwrite_option,
    quiet_option,
    renamed_option,
)

NAN_HELP = ("Empty/NaN feature cells: error (stop, naming the row and column), impute (training column mean) "
            "or drop (leave the row out).")


@click.group()
def detect():
    """Anomaly detection by reconstruction error (fraud, faults, outliers).

    \b
    Example:
      aekit detect fit --data creditcard.csv --label-column Class --normal-only -o runs/fraud
      aekit detect score runs/fraud --data new.csv -o scored.csv
      aekit detect report runs/fraud --data test.csv --label-column Class -o runs/fraud/report
      aekit detect explain runs/fraud --data new.csv --count 3
    """


def load_detector(run):
    """The detector in a run directory (a clear error for an autoencoder run, or no run)."""
    open_run(run)
    from ..runs import as_estimator
    from ..tasks.anomaly import AnomalyDetector

    return as_estimator(run, AnomalyDetector)


@detect.command("fit", cls=SectionedCommand, own_section="Detection and output")
@data_path_option("What to train on: a CSV, TSV or Parquet table, or image files / a folder of images.")
@click.option("--label-column", help="Column of 0/1 labels (1 = anomaly); kept aside as a feature. Without "
              "--normal-only the detector still trains on every row, anomalies included (a warning says so).")
@click.option("--normal-only", is_flag=True, help="Train only on rows labelled 0 (needs --label-column); implies "
              "--novelty.")
@click.option("--novelty", is_flag=True, help="Every training row is normal (novelty detection): one model on every "
              "row, scored by reconstruction and the nearest row. Without it the rows may hold anomalies: robust "
              "training, and reconstruction, neighbours and isolation blended.")
@click.option("--contamination", type=float, default=0.1, show_default=True,
              help="Share of training rows to flag (threshold contamination) and to trim (--robust).")
@click.option("--threshold", "strategy", default="contamination", show_default=True,
              type=click.Choice(["contamination", "mean_std", "max", "f1", "recall", "precision"]),
              help="How to set the threshold; f1/recall/precision choose it on labelled rows.")
@click.option("--std-multiplier", "k", type=float, default=1.0, show_default=True,
              help="For --threshold mean_std: the threshold is the training scores' mean + this many std (k).")
@renamed_option("--k", new="--std-multiplier", param="k", type=float)
@click.option("--target", type=float, help="For --threshold recall/precision: the level to reach, e.g. 0.9.")
@click.option("--validation-fraction", type=float, default=0.2, show_default=True,
              help="With f1/recall/precision: share of the labelled rows held out (never trained on) to set the "
                   "threshold; with --normal-only, of the normal rows, next to every anomaly.")
@click.option("--robust/--no-robust", default=None, help="Train, trim the worst rows, train again [default: on "
              "unless --novelty].")
@click.option("--use-labels", is_flag=True,
              help="Learn from the --label-column (0 = normal, 1 = anomaly, -1 = unknown): known anomalies stay out "
                   "of the model of normal data, raise the score of rows that resemble them and set the threshold "
                   "(best F1 on the labelled rows).")
@click.option("--neighbours", default="auto", show_default=True,
              help="Nearest training rows in the score (0 = reconstruction only); auto = 1 with --novelty, 5 "
                   "otherwise.")
@click.option("--no-standardize", is_flag=True, help="Do not standardise columns (they are already on one scale).")
@click.option("--score-method", type=click.Choice(["auto", "mahalanobis", "normalized", "mse"]),
              default="auto", show_default=True,
              help="How residuals become a score: auto = mahalanobis for tables (mse for images).")
@click.option("--nan-policy", type=click.Choice(["error", "impute", "drop"]), default="error", show_default=True,
              help=NAN_HELP)
@config_options(defaults=DEFAULT_OVERRIDES)
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Run directory to write: a new or empty folder, or an aekit run (replaced).")
@overwrite_option
@quiet_option
@json_option
@handle_errors(engines=False)
def fit_command(data, label_column, normal_only, novelty, contamination, strategy, k, target, validation_fraction,
                robust, use_labels, neighbours, no_standardize, score_method, nan_policy, output, overwrite, quiet,
                as_json, **flags):
    """Train an anomaly detector on --data and write a run directory.

    The run holds the model, the scaler, the threshold and the training column names and order;
    `aekit detect score` matches new files to those columns by name.

    \b
    Example:
      aekit detect fit --data creditcard.csv --label-column Class --normal-only -o runs/fraud
      aekit detect fit --data cards.csv --label-column Class --normal-only --threshold recall --target 0.9 -o r90
      aekit detect fit --data unlabelled.parquet --contamination 0.02 --epochs 30 -o runs/u
      aekit detect fit --data clean.csv --novelty -o runs/n
      aekit detect fit --data partly_labelled.csv --label-column Class --use-labels -o runs/l
    """
    import numpy as np

    from ..runs.lifecycle import check_run_dir
    from ..tasks.anomaly.columns import check_training_rows
    from ..tasks.anomaly.inputs import read_training_table, split_for_threshold
    from ..tasks.anomaly.param_checks import check_detector_params

    objective = strategy in ("f1", "recall", "precision")
    # Checked before any data is read or any training: these mistakes used to surface after the full fit.
    if strategy in ("recall", "precision") and target is None:
        raise click.UsageError(f"--threshold {strategy} needs --target, the {strategy} to reach (e.g. --target 0.9).")
    if target is not None and strategy not in ("recall", "precision"):
        raise click.UsageError("--target applies to --threshold recall or precision.")
    if objective and label_column is None:
        raise click.UsageError(f"--threshold {strategy} chooses the threshold on labelled rows; pass --label-column.")
    if normal_only and label_column is None:
        raise click.UsageError("--normal-only keeps the rows labelled 0, so it needs --label-column.")
    if use_labels and (label_column is None or normal_only or objective):
        raise click.UsageError("--use-labels reads the --label-column (0, 1 or -1 per row) and sets the threshold "
                               "itself; pass --label-column, without --normal-only or --threshold f1/recall/precision.")
    params = {k_: v for k_, v in flags.items() if v is not None}
    if neighbours != "auto":
        try:
            neighbours = int(neighbours)
        except ValueError:
            raise click.UsageError(f"--neighbours {neighbours!r}: expected auto or a whole number such as 1.") from None
    params.update(contamination=contamination, threshold="contamination" if objective else strategy, k=k,
                  robust="auto" if robust is None else robust, novelty=novelty or normal_only,
                  standardize=not no_standardize, score_method=score_method,
                  verbose=0 if quiet or as_json else 2, neighbours=neighbours, labels="use" if use_labels else "ignore")
    # The settings, the output folder and the data are checked before the engine loads (seconds), so that a
    # mistake is refused at once.
    check_detector_params(params)
    check_run_dir(output, overwrite=overwrite, inputs=[data])
    dataset, labels = read_training_table(data, label_column, nan_policy, partial=use_labels)
    check_training_rows(dataset, MIN_TRAINING_ROWS)
    if labels is not None and not normal_only and not use_labels and labels.any():
        click.echo(f"Warning: training on all {len(labels):,} rows, including the {int(labels.sum()):,} labelled as "
                   "anomalies. Pass --normal-only to train on the rows labelled 0 only.", err=True)
    train, validation = split_for_threshold(dataset, labels, normal_only, objective, validation_fraction,
                                            seed=int(params.get("seed", 0)))
    start_engines()
    from ..tasks.anomaly import AnomalyDetector

    detector = AnomalyDetector(**params)
    started = time.perf_counter()
    detector.fit(train, labels if use_labels else None, callbacks=[backend_note()])
    if objective:
        detector.fit_threshold(validation.X, validation.y, objective=strategy, target=target)
    detector.save(output, overwrite=True)  # checked before training
    seconds = time.perf_counter() - started
    if as_json:
        click.echo(json.dumps({"run": str(output), "rows": len(train), "seconds": seconds,
                               "epochs": len(detector.history_.get("loss", [])), "threshold": detector.threshold_,
                               "strategy": detector.threshold_strategy_, "flagged": float(np.mean(detector.labels_)),
                               "held_out": detector.threshold_info_ if objective else None}, default=float))
        return
    trained_on = f"{len(train):,} {'normal ' if normal_only else ''}rows x {len(dataset.feature_names or [])} columns"
    click.echo(f"Wrote {output}: trained on {trained_on} in {seconds:.1f} s "
               f"({len(detector.history_.get('loss', []))} epochs).")
    click.echo(f"Threshold {detector.threshold_:.6g} ({detector.threshold_strategy_}); flags "
               f"{np.mean(detector.labels_):.2%} of the training rows.")
    if objective:
        info = detector.threshold_info_
        click.echo(f"On the {len(validation):,} held-out labelled rows used to set it (not trained on): precision "
                   f"{info['precision']:.3f}, recall {info['recall']:.3f}, F1 {info['f1']:.3f}.")


@detect.command("score")
@click.argument("run", type=click.Path())
@data_path_option("What to score: a CSV, TSV or Parquet file, or a glob of shards ('day-*.parquet').")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Scored file: .csv, .tsv or .parquet.")
@click.option("--top", type=click.IntRange(0, 50), default=3, show_default=True,
              help="How many top-contributing columns to name per row.")
@click.option("--nan-policy", type=click.Choice(["error", "impute", "drop"]), default="error", show_default=True,
              help=NAN_HELP)
@click.option("--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Split the shards --data matches across this many processes (one output, in shard order).")
@overwrite_option
@json_option
@handle_errors(engines=False)
def score_command(run, data, output, top, nan_policy, jobs, overwrite, as_json):
    """Score a CSV/Parquet file, or a glob of shards, in chunks: adds score, is_anomaly and top1..topN columns.

    Memory stays flat however large the data is. Columns are matched by name (order does not
    matter); columns the model does not use (labels, ids) are copied through unchanged.

    \b
    Example:
      aekit detect score runs/fraud --data transactions.csv -o scored.csv
      aekit detect score runs/fraud --data big.parquet -o scored.parquet --top 5
      aekit detect score runs/fraud --data 'day-*.parquet' --jobs 4 -o scored.parquet
    """
    from ..data.parts import run_parts, shard_groups
    from ..data.paths import files

    check_file(output, overwrite=overwrite, inputs=[data])
    open_run(run)
    from ..tasks.anomaly.parts import merge_summaries, score_shards

    groups = shard_groups(files(data), jobs)
    if len(groups) > 1:
        load_detector(run)  # a bad run fails here, before any process starts
    started = time.perf_counter()
    summary = merge_summaries(run_parts(score_shards, [(run, group, top, nan_policy) for group in groups],
                                        Path(output)))
    seconds = time.perf_counter() - started
    rate = summary.rows_written / max(seconds, 1e-9)
    if as_json:
        click.echo(json.dumps({"output": str(output), "rows": summary.rows_written, "seconds": seconds,
                               "flagged": summary.flagged, "copied_through": list(summary.passthrough),
                               "rows_dropped": summary.dropped, "cells_imputed": summary.imputed}))
        return
    click.echo(f"Scored {summary.rows_written:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s, {len(groups)} "
               f"process(es)); "
               f"{summary.flagged:,} flagged ({summary.flagged / summary.rows_written:.2%}). Wrote {output}.")
    if summary.passthrough:
        click.echo(f"Copied through, not scored: {', '.join(summary.passthrough[:10])}.")
    if summary.dropped or summary.imputed:
        click.echo(f"Missing values: {summary.dropped:,} rows dropped, {summary.imputed:,} cells imputed.")


@detect.command("report")
@click.argument("run", type=click.Path())
@data_path_option("What to report on: a CSV, TSV or Parquet file, or a glob of shards.")
@click.option("--label-column", help="Column of 0/1 labels; adds ROC/PR curves, a confusion matrix and AUCs.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="Folder for PNGs and JSON.")
@overwrite_option
@click.option("--nan-policy", type=click.Choice(["error", "impute", "drop"]), default="error", show_default=True,
              help=NAN_HELP)
@json_option
@handle_errors(engines=False)
def report_command(run, data, label_column, output, overwrite, nan_policy, as_json):
    """Score --data (a file or a glob of shards) and write metrics.json plus ROC, precision-recall, score-histogram
    and confusion-matrix PNGs.

    \b
    Example:
      aekit detect report runs/fraud --data test.csv --label-column Class -o runs/fraud/report
    """
    import numpy as np

    from ..core.outputs import check_folder
    from ..data.paths import files
    from ..tasks.anomaly.report import REPORT_FILES, write_report
    from ..tasks.anomaly.streaming import score_file

    check_folder(output, overwrite=overwrite, inputs=[data], names=REPORT_FILES, what="report")
    detector = load_detector(run)
    summary = score_file(detector, files(data), None, nan_policy=nan_policy, label_column=label_column,
                         keep_scores=True, write=False)
    scores = np.concatenate(summary.scores)
    labels = np.concatenate(summary.labels) if label_column else None
    result = write_report(scores, detector.threshold_, output, labels, overwrite=overwrite)
    if as_json:
        click.echo(json.dumps({**result, "folder": str(output)}, default=float))
        return
    line = f"{result['rows']:,} rows, {result['flagged']:,} flagged at threshold {detector.threshold_:.6g}"
    if labels is not None and result.get("auc_roc") is not None:
        at = result["at_threshold"]
        line += (f"; AUC-ROC {result['auc_roc']:.4f}, AUC-PR {result['auc_pr']:.4f}; at the threshold precision "
                 f"{at['precision']:.3f}, recall {at['recall']:.3f}")
    click.echo(line + ".")
    click.echo(f"Wrote {', '.join(result['files'])} to {output}.")


@detect.command("explain")
@click.argument("run", type=click.Path())
@data_path_option("The table whose rows to explain: a CSV, TSV or Parquet file.")
@click.option("--rows", help="Data rows to explain (0-based, comma separated) [default: the highest scores].")
@click.option("--count", type=click.IntRange(1, 1000), default=5, show_default=True,
              help="Without --rows: how many of the highest-scoring rows to explain.")
@click.option("--top", type=click.IntRange(1, 50), default=3, show_default=True, help="Columns per row.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Also write the table to a CSV file.")
@overwrite_option
@json_option
@handle_errors(engines=False)
def explain_command(run, data, rows, count, top, output, overwrite, as_json):
    """Show which columns each row reconstructs worst, with its value and the model's expected value.

    \b
    Example:
      aekit detect explain runs/fraud --data new.csv --count 3
      aekit detect explain runs/fraud --data new.csv --rows 17,42 --top 5
    """
    from ..tasks.anomaly.explain import explain_table

    if output:
        check_file(output, overwrite=overwrite, inputs=[data])
    detector = load_detector(run)
    table = explain_table(detector, data, rows, count, top)
    if output:
        from ..core.atomic import atomic_path

        with atomic_path(output) as temporary:
            table.to_csv(temporary, index=False)
    if as_json:
        click.echo(table.to_json(orient="records"))
    else:
        click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
