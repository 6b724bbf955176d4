"""CLI commands for representation learning: compare, embed, probe, classify, projector.

Each is a thin wrapper over :mod:`aekit.tasks.representation`. Commands that need a train and a
test split read a named dataset's standard splits, or hold out ``--test-fraction`` of a file.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..core.outputs import check_file, check_folder
from .options import (
    _int_list,
    handle_errors,
    json_option,
    load_autoencoder,
    overwrite_option,
    quiet_option,
    renamed_option,
    report,
    retired_data_argument,
    warn_retired_data,
)
from .sources import data_options, read_data


def _pick_source(source, dataset, data):
    """The data from --dataset/--data, or from the positional DATA of earlier releases (a named dataset such as
    mnist, or a path), which still works for one release with a warning."""
    if source is None:
        if not dataset and not data:
            raise click.UsageError("Give the data: --dataset NAME (mnist, fashion_mnist, digits) or --data PATH.")
        return dataset, data
    warn_retired_data(source)
    if dataset or data:
        raise click.UsageError(f"Received DATA={source!r} and --dataset/--data; give the data only once.")
    from ..data.named import NAMED

    return (source, None) if source.replace("-", "_").lower() in NAMED else (None, source)


def train_test_options(command):
    """Data options for commands that fit on a training split and score on a test split."""
    options = [
        retired_data_argument("source"),
        click.option("--dataset", help="Named dataset: mnist, fashion_mnist, digits (train and test splits)."),
        click.option("--data", help="A data file, folder or glob; --test-fraction of it is held out for testing."),
        click.option("--label-column", help="Table column holding labels."),
        click.option("--image-size", nargs=2, type=int, default=None, metavar="H W", help="Resize images to H x W."),
        click.option("--data-dir", type=click.Path(file_okay=False), default=None,
                     help="Where named datasets live (also AEKIT_DATA_DIR)."),
        click.option("--max-samples", type=int, default=None, help="Use only the first N training samples."),
        click.option("--max-test-samples", type=int, default=None, help="Use only the first N test samples."),
        click.option("--test-fraction", type=float, default=0.2, show_default=True,
                     help="Share of --data held out as the test set (named datasets use their test split)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def read_train_test(source, dataset, data, label_column, image_size, data_dir, max_samples, max_test_samples,
                    test_fraction, seed=0, model=None):
    from ..tasks.representation._common import holdout_split

    dataset, data = _pick_source(source, dataset, data)
    if dataset:
        train = read_data(dataset, None, label_column, image_size, "train", data_dir, max_samples, model=model)
        test = read_data(dataset, None, label_column, image_size, "test", data_dir, max_test_samples, model=model)
        return train, test
    train, test = holdout_split(read_data(None, data, label_column, image_size, "train", data_dir, None,
                                          model=model), test_fraction, seed)
    if max_samples is not None:
        train = train.subset(slice(0, max_samples))
    if max_test_samples is not None:
        test = test.subset(slice(0, max_test_samples))
    return train, test


def _labels_list(value):
    """'100,1000,all' -> [100, 1000, None]."""
    out = []
    for part in str(value).replace(" ", "").split(","):
        if not part:
            continue
        if part.lower() == "all":
            out.append(None)
            continue
        try:
            out.append(int(part))
        except ValueError:
            raise click.BadParameter(f"expected comma-separated counts such as 100,1000,all, got {value!r}") from None
    return out


@click.command()
@train_test_options
@click.option("--latent-dims", default="2,10,30,64", show_default=True, callback=lambda c, p, v: _int_list(v),
              help="Latent sizes to compare, comma separated.")
@click.option("--models", default="deep", show_default=True,
              help="Autoencoder models (see `aekit models`), comma separated; e.g. deep,conv.")
@click.option("--preset", help="Architecture preset for the models, e.g. hinton2006 (its latent size is overridden).")
@click.option("--hidden", callback=lambda c, p, v: _int_list(v), help="Hidden widths, e.g. 1000,500,250.")
@click.option("--epochs", type=int, help="Training epochs per model [default: 50].")
@click.option("--batch-size", type=int, help="Batch size [default: 128].")
@click.option("--learning-rate", type=float, help="Learning rate [default: 0.001].")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--no-pca", is_flag=True, help="Leave PCA out of the comparison.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for comparison.json, comparison.csv and comparison.png.")
@overwrite_option
@quiet_option
@json_option
@handle_errors
def compare(source, dataset, data, label_column, image_size, data_dir, max_samples, max_test_samples,
            test_fraction, latent_dims, models, preset, hidden, epochs, batch_size, learning_rate, seed, no_pca,
            output, overwrite, quiet, as_json):
    """PCA vs autoencoders at several latent sizes: test reconstruction error and wall time.

    Trains PCA and each model once per latent size on the training split and reports the test split's
    squared error per sample, MSE per value and PSNR, plus fit time. The plot draws Hinton &
    Salakhutdinov's (2006) MNIST figures at 30 dimensions for reference.

    \b
    Example:
      aekit compare --dataset mnist --latent-dims 2,10,30,64 --preset hinton2006 --epochs 30 -o runs/compare
      aekit compare --dataset digits --latent-dims 2,8 --hidden 64,32 --epochs 100 -o runs/compare-digits
    """
    from ..tasks.representation import compare as run_compare
    from ..tasks.representation.compare import COMPARISON_FILES

    check_folder(output, overwrite=overwrite, inputs=[data, source], names=COMPARISON_FILES, what="comparison")
    train, test = read_train_test(source, dataset, data, label_column, image_size, data_dir, max_samples,
                                  max_test_samples, test_fraction, seed)
    params = {k: v for k, v in {"preset": preset, "hidden": hidden, "epochs": epochs, "batch_size": batch_size,
                                "learning_rate": learning_rate}.items() if v is not None}
    names = [m.strip() for m in models.split(",") if m.strip()]
    result = run_compare(train, test, latent_dims or [], names, pca=not no_pca, seed=seed,
                         verbose=0 if quiet or as_json else 2, **params)
    paths = result.save(output, overwrite=overwrite)
    if as_json:
        click.echo(json.dumps(result.rows, default=float))
        return
    click.echo(f"{'method':<34} {'latent':>6} {'sq. error/sample':>16} {'MSE/value':>10} {'PSNR dB':>8} {'seconds':>8}")
    for row in result.rows:
        psnr = f"{row['psnr_db']:>8.2f}" if "psnr_db" in row else f"{'':>8}"
        click.echo(f"{row['method']:<34} {row['latent_dim']:>6} {row['squared_error_per_sample']:>16.4f} "
                   f"{row['mse_per_value']:>10.5f} {psnr} {row['fit_seconds']:>8.1f}")
    click.echo(f"Wrote {paths['json']}, {paths['csv']} and {paths['png']}.")


@click.command()
@click.argument("run", type=click.Path())
@retired_data_argument("positional")
@data_options(split_default="test")
@click.option("--method", type=click.Choice(["latent", "tsne", "umap", "pca"]), default="tsne", show_default=True,
              help="latent: the code itself (latent_dim=2); tsne/umap/pca: reduce the codes to 2-D.")
@click.option("--perplexity", type=float, default=30.0, show_default=True, help="t-SNE perplexity.")
@click.option("--umap-neighbours", "neighbors", type=int, default=15, show_default=True,
              help="With --method umap: the nearest neighbours of each code in UMAP's graph (n_neighbors).")
@renamed_option("--neighbors", new="--umap-neighbours", param="neighbors", type=int)
@click.option("--html/--no-html", default=True, show_default=True,
              help="Also write a standalone interactive HTML map (hover shows the sample).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for embedding-METHOD.png, .csv and .html.")
@overwrite_option
@json_option
@handle_errors(engines=False)
def embed(run, positional, source, method, perplexity, neighbors, html, seed, output, overwrite, as_json):
    """Map a dataset's latent codes in 2-D: a PNG coloured by label and the coordinates as CSV.

    t-SNE takes about a minute for 5,000 MNIST codes on 2 cores; --max-samples keeps the first N samples.

    \b
    Example:
      aekit embed runs/h2006 --dataset mnist --max-samples 5000 --method tsne -o runs/h2006/maps
      aekit embed runs/h2006 --data photos/ --method umap -o runs/photos/maps
    """
    source.dataset, source.data = _pick_source(positional, source.dataset, source.data)
    model = load_autoencoder(run)  # a mistyped run is refused before the engine starts
    from ..tasks.representation import embed as run_embed
    from ..tasks.representation.embed import check_method, embedding_files

    check_folder(output, overwrite=overwrite, inputs=[source.data], names=embedding_files(method, html),
                 what="map")
    check_method(method, int(model.encoder_.output_shape[-1]))  # before reading data or encoding
    data_obj = source.read(model=model)
    options = {"perplexity": perplexity} if method == "tsne" else {"n_neighbors": neighbors} if method == "umap" else {}
    result = run_embed(model, data_obj, method=method, seed=seed, **options)
    paths = result.save(output, images=data_obj.X, html=html, seed=seed, overwrite=overwrite)
    report(as_json, {"samples": len(result.coordinates), "method": method, "files": [str(p) for p in paths.values()]},
           f"Mapped {len(result.coordinates):,} samples with {method}; wrote "
           + ", ".join(str(p) for p in paths.values()) + ".")


@click.command()
@click.argument("run", type=click.Path())
@train_test_options
@click.option("--baselines", default="pca,raw", show_default=True,
              help="Baselines to probe next to the codes: pca, raw (comma separated; '' for none).")
@click.option("--neighbours", "k", type=int, default=5, show_default=True,
              help="Nearest training codes the k-NN classifier votes with (its k).")
@renamed_option("-k", "--neighbors", new="--neighbours", param="k", type=int)
@click.option("--max-iter", type=int, default=1000, show_default=True, help="Logistic-regression iterations.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (also of the --data hold-out).")
@json_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Also write the rows to this JSON file.")
@overwrite_option
@handle_errors(engines=False)
def probe(run, source, dataset, data, label_column, image_size, data_dir, max_samples, max_test_samples,
          test_fraction, baselines, k, max_iter, seed, as_json, output, overwrite):
    """Linear-probe and k-NN accuracy of the codes, vs PCA codes of equal size and the raw inputs.

    Probes train on the training split's codes and are scored on the test split.

    \b
    Example:
      aekit probe runs/h2006 --dataset mnist --max-samples 10000
      aekit probe runs/cc --data creditcard.csv --label-column Class --baselines pca -o probe.json
    """
    if output:
        check_file(output, overwrite=overwrite, inputs=[data, source])
    model = load_autoencoder(run)  # a mistyped run is refused before the engine starts
    from ..core.atomic import atomic_write_text
    from ..tasks.representation.probe import format_rows
    from ..tasks.representation.probe import probe as run_probe

    train, test = read_train_test(source, dataset, data, label_column, image_size, data_dir, max_samples,
                                  max_test_samples, test_fraction, seed, model=model)
    names = [b.strip() for b in baselines.split(",") if b.strip()]
    rows = run_probe(model, train, test, baselines=names, k=k, max_iter=max_iter, seed=seed)
    if output:
        atomic_write_text(output, json.dumps({"run": str(run), "rows": rows}, indent=2))
    click.echo(json.dumps(rows, indent=2) if as_json else format_rows(rows))
    if output and not as_json:
        click.echo(f"Wrote {output}.")


@click.command()
@click.argument("run", type=click.Path())
@train_test_options
@click.option("--labels", "label_counts", default="100,1000,all", show_default=True, callback=lambda c, p, v:
              _labels_list(v), help="Labelled training set sizes, comma separated; 'all' = every label.")
@click.option("--freeze-epochs", type=int, default=10, show_default=True,
              help="Epochs training only the head, encoder frozen.")
@click.option("--epochs", type=int, default=30, show_default=True, help="Epochs fine-tuning the whole network.")
@click.option("--head-learning-rate", type=float, default=1e-2, show_default=True,
              help="Learning rate of the head-only phase.")
@click.option("--fine-tune-learning-rate", type=float, default=3e-4, show_default=True,
              help="Learning rate of the fine-tuning phase.")
@click.option("--learning-rate", type=float, default=1e-3, show_default=True,
              help="Learning rate of the from-scratch network.")
@click.option("--batch-size", type=int, default=128, show_default=True)
@click.option("--min-steps", type=int, default=500, show_default=True, help="Fewest optimiser steps per phase.")
@click.option("--dropout", type=float, default=0.0, show_default=True, help="Dropout before the softmax head.")
@click.option("--repeats", type=int, default=1, show_default=True,
              help="Labelled subsets drawn per size (mean reported).")
@click.option("--no-scratch", is_flag=True, help="Skip the from-scratch baseline.")
@click.option("--save", is_flag=True, help="Save the pretrained classifier of the largest size to OUTPUT/classifier.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder for pretraining.json, .csv and .png (and classifier/ with --save).")
@overwrite_option
@json_option
@quiet_option
@handle_errors(engines=False)
def classify(run, source, dataset, data, label_column, image_size, data_dir, max_samples, max_test_samples,
             test_fraction, label_counts, freeze_epochs, epochs, head_learning_rate, fine_tune_learning_rate,
             learning_rate, batch_size, min_steps, dropout, repeats, no_scratch, save, seed, output, overwrite,
             as_json, quiet):
    """Train a softmax classifier on the run's encoder with few and many labels, next to one from scratch.

    For each labelled set size, a class-balanced subset of the training split trains (1) the
    pretrained encoder + head (head only first, then fine-tuning) and (2) the same network from
    random weights; both are scored on the test split.

    \b
    Example:
      aekit classify runs/h2006 --dataset mnist --labels 100,1000,all -o runs/h2006/classify
      aekit classify runs/h2006 --dataset mnist --labels 100 --repeats 3 --epochs 10 -o runs/h2006/classify
    """
    model = load_autoencoder(run)  # a mistyped run is refused before the engine starts
    from ..tasks.representation.pretraining import CURVE_FILES, format_rows, pretraining_curve, save_curve

    check_folder(output, overwrite=overwrite, inputs=[data, source], names=[*CURVE_FILES, *(("classifier",) if save
                                                                                          else ())], what="results")
    if save:
        check_folder(Path(output) / "classifier", overwrite=overwrite, what="classifier folder")
    train, test = read_train_test(source, dataset, data, label_column, image_size, data_dir, max_samples,
                                  max_test_samples, test_fraction, seed, model=model)
    params = {"freeze_epochs": freeze_epochs, "epochs": epochs, "head_learning_rate": head_learning_rate,
              "fine_tune_learning_rate": fine_tune_learning_rate, "learning_rate": learning_rate,
              "batch_size": batch_size, "min_steps": min_steps, "dropout": dropout}
    rows = pretraining_curve(model, train, test, label_counts, scratch=not no_scratch, repeats=repeats, seed=seed,
                             keep_models=save, **params)
    paths = save_curve(rows, output, train.name, settings={"run": str(run), "repeats": repeats, **params},
                       overwrite=overwrite)
    saved = rows[-1]["models"]["pretrained"].save(Path(output) / "classifier", overwrite=overwrite) if save else None
    if as_json:
        click.echo(json.dumps([{k: v for k, v in row.items() if k != "models"} for row in rows], default=float))
        return
    if not quiet:
        click.echo(format_rows(rows))
        if saved is not None:
            click.echo(f"Saved the classifier trained on {rows[-1]['labels']:,} labels to {saved}.")
        click.echo(f"Wrote {paths['json']}, {paths['csv']} and {paths['png']}.")


@click.command()
@click.argument("run", type=click.Path())
@retired_data_argument("positional")
@data_options(split_default="test")
@click.option("--max-points", type=int, default=10_000, show_default=True, help="Export at most this many samples.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random subset.")
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="TensorBoard log folder.")
@overwrite_option
@json_option
@handle_errors(engines=False)
def projector(run, positional, source, max_points, seed, output, overwrite, as_json):
    """Export codes, labels and a sprite of the originals for TensorBoard's Embedding Projector.

    \b
    Example:
      aekit projector runs/h2006 --dataset mnist --max-points 5000 -o runs/h2006/projector
      tensorboard --logdir runs/h2006/projector      # then open the "Projector" tab
    """
    source.dataset, source.data = _pick_source(positional, source.dataset, source.data)
    model = load_autoencoder(run)  # a mistyped run is refused before the engine starts
    from ..tasks.representation import export_model_projector
    from ..tasks.representation.projector import PROJECTOR_FILES

    check_folder(output, overwrite=overwrite, inputs=[source.data], names=PROJECTOR_FILES, what="projector folder")
    data_obj = source.read(model=model)
    folder = export_model_projector(model, data_obj, output, max_points=max_points, seed=seed, overwrite=overwrite)
    shown = min(len(data_obj), max_points)
    report(as_json, {"folder": str(folder), "samples": shown},
           f"Wrote the projector files for {shown:,} samples to {folder}. View them with: "
           f"tensorboard --logdir {folder}")


COMMANDS = (compare, embed, probe, classify, projector)
