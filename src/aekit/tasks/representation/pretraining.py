"""The pretraining curve: test accuracy with 100, 1,000 and all labels, pretrained encoder vs from scratch.

The autoencoder learns from every training sample without labels; the classifiers then see only a
class-balanced labelled subset. This is the semi-supervised setting where pretraining is supposed to
pay off, and the from-scratch network (same architecture, fresh weights, same labelled subset and
training budget) is the baseline it has to beat.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...core.errors import ConfigError
from ._common import as_dataset, balanced_subset, require_labels, resolve_autoencoder

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DEFAULT_LABEL_COUNTS = (100, 1000, None)  # None = every training label


def pretraining_curve(encoder, train, test, label_counts=DEFAULT_LABEL_COUNTS, *, scratch: bool = True,
                      repeats: int = 1, seed: int = 0, y_train=None, y_test=None, keep_models: bool = False,
                      **classifier_params) -> list[dict]:
    """Fit :class:`aekit.Classifier` on nested labelled subsets of ``train``; score each on ``test``.

    ``encoder`` is a fitted :class:`aekit.Autoencoder` or a run directory (an unfitted Autoencoder
    is first trained on all of ``train``, without labels). ``repeats`` draws that many labelled subsets
    (seeds ``seed``, ``seed + 1``...) for every count smaller than the training set and reports the mean,
    since with 100 labels the draw alone moves accuracy by a few points. ``classifier_params`` go
    to every Classifier (``freeze_epochs``, ``epochs``, ``learning_rate``...).

    Example::

        rows = pretraining_curve("runs/h2006", aekit.data.load("mnist"), aekit.data.load("mnist", split="test"))

    Parameters
    ----------
    encoder : aekit.Autoencoder, str or os.PathLike
        A fitted autoencoder, the path of its run directory, or an unfitted one (a copy is trained on ``train``).
    train, test : array-like, pandas.DataFrame or aekit.data.Dataset
        Labelled training and test samples.
    label_counts : iterable of int or None, default=(100, 1000, None)
        How many labelled training samples each point of the curve uses (each at least 2; ``None`` or
        ``"all"``: every one). Counts above the training set's size are cut to it; duplicates are dropped.
    scratch : bool, default=True
        Also fit the same network from fresh weights on each subset (the baseline).
    repeats : int, default=1
        Subsets drawn per count below the training set's size, at least 1; the rows report their mean.
    seed : int, default=0
        Draw ``r`` uses seed ``seed + r``, both for the class-balanced subset and for the classifiers.
    y_train, y_test : array-like of shape (n,), optional
        Labels of ``train`` and ``test``; they win over a Dataset's own.
    keep_models : bool, default=False
        Keep the fitted classifiers of the last draw in each row, under ``"models"``.
    **classifier_params
        Other :class:`aekit.Classifier` parameters (not ``encoder`` or ``pretrained``), for every classifier.

    Returns
    -------
    list of dict
        One row per count, fewest labels first: ``labels``, ``draws``, ``pretrained_accuracy`` (the mean),
        ``pretrained_accuracies`` (per draw) and ``pretrained_seconds`` (fitting time, summed over the draws);
        with ``scratch`` also ``scratch_accuracy``, ``scratch_accuracies``, ``scratch_seconds`` and
        ``gain_points`` (the mean accuracy's gain in percentage points, pretrained minus scratch); with
        ``keep_models``, ``models`` (``{"pretrained": Classifier, "scratch": Classifier}``).
    """
    from ...estimator.autoencoder import Autoencoder
    from .classifier import Classifier

    train, test = as_dataset(train, y_train), as_dataset(test, y_test)
    labels = require_labels(train, "The pretraining curve")
    require_labels(test, "The pretraining curve")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ConfigError(f"Received repeats={repeats!r}; expected a positive integer.")
    if "encoder" in classifier_params or "pretrained" in classifier_params:
        raise ConfigError("Pass the encoder as the first argument; pretrained and scratch runs are both made here.")
    counts = _check_counts(label_counts, len(train))
    if isinstance(encoder, Autoencoder) and not hasattr(encoder, "model_"):
        from sklearn.base import clone

        encoder = clone(encoder).fit(train)
    autoencoder = resolve_autoencoder(encoder)

    rows = []
    for count in counts:
        draws = 1 if count >= len(train) else repeats
        results = {"pretrained": [], "scratch": []}
        seconds = {"pretrained": 0.0, "scratch": 0.0}
        models = {}
        for r in range(draws):
            index = balanced_subset(labels, count, seed + r)
            subset = train.subset(index)
            for kind in ("pretrained", "scratch") if scratch else ("pretrained",):
                model = Classifier(encoder=autoencoder, pretrained=kind == "pretrained", seed=seed + r,
                                   **classifier_params)
                started = time.perf_counter()
                model.fit(subset)
                seconds[kind] += time.perf_counter() - started
                results[kind].append(float(model.score(test.X, test.y)))
                models[kind] = model
        row = {"labels": int(min(count, len(train))), "draws": draws,
               "pretrained_accuracy": float(np.mean(results["pretrained"])),
               "pretrained_accuracies": results["pretrained"], "pretrained_seconds": seconds["pretrained"]}
        if scratch:
            row.update(scratch_accuracy=float(np.mean(results["scratch"])), scratch_accuracies=results["scratch"],
                       scratch_seconds=seconds["scratch"],
                       gain_points=100 * (row["pretrained_accuracy"] - float(np.mean(results["scratch"]))))
        if keep_models:
            row["models"] = models
        rows.append(row)
    return rows


def _check_counts(label_counts, n_train: int) -> list[int]:
    counts = []
    for value in label_counts:
        if value is None or value == "all":
            counts.append(n_train)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
            raise ConfigError(f"Received {value!r} in label_counts; expected integers >= 2 or None/'all' for "
                              "every label, e.g. (100, 1000, None).")
        counts.append(int(value))
    if not counts:
        raise ConfigError("Received no label counts; expected some, e.g. label_counts=(100, 1000, None).")
    return sorted(set(min(c, n_train) for c in counts))


CURVE_FILES = ("pretraining.json", "pretraining.csv", "pretraining.png")


def save_curve(rows: list[dict], output_dir, dataset: str = "data", settings: dict | None = None,
               overwrite: bool = False) -> dict[str, Path]:
    """Write ``pretraining.json``, ``pretraining.csv`` and ``pretraining.png`` into ``output_dir`` (under the output
    rule of :mod:`aekit.core.outputs`).

    Parameters
    ----------
    rows : list of dict
        What :func:`pretraining_curve` returned (kept models are left out of the files).
    output_dir : str or os.PathLike
        The folder to write into (created if missing).
    dataset : str, default="data"
        The data's name, for the JSON file and the plot's title.
    settings : dict, optional
        Anything to record with the rows in the JSON file (the settings of the run).
    overwrite : bool, default=False
        Allow a folder that holds files aekit did not write (see :mod:`aekit.core.outputs`).

    Returns
    -------
    dict of str to pathlib.Path
        The files written, by kind: ``"json"``, ``"csv"`` (the rows without their per-draw lists) and ``"png"``.
    """
    import pandas as pd

    from ...core.atomic import atomic_path, atomic_write_text
    from ...core.outputs import prepare_folder

    output_dir = Path(output_dir)
    plain = [{k: v for k, v in row.items() if k != "models"} for row in rows]
    paths = dict(zip(("json", "csv", "png"), (output_dir / name for name in CURVE_FILES)))
    prepare_folder(output_dir, overwrite=overwrite, names=CURVE_FILES)
    atomic_write_text(paths["json"], json.dumps({"dataset": dataset, "settings": settings or {}, "rows": plain},
                                                indent=2))
    table = pd.DataFrame([{k: v for k, v in row.items() if not isinstance(v, list)} for row in plain])
    with atomic_path(paths["csv"]) as temporary:
        table.to_csv(temporary, index=False)
    plot_curve(plain, paths["png"], dataset)
    return paths


def plot_curve(rows: list[dict], path, dataset: str = "data") -> "Figure":
    from ...core.plots import save_figure, subplots

    figure, axis = subplots(figsize=(6, 4.2))
    counts = [row["labels"] for row in rows]
    axis.plot(counts, [100 * row["pretrained_accuracy"] for row in rows], marker="o", label="pretrained encoder")
    if rows and "scratch_accuracy" in rows[0]:
        axis.plot(counts, [100 * row["scratch_accuracy"] for row in rows], marker="s", linestyle="--",
                  label="same network from scratch")
    axis.set_xscale("log")
    axis.set_xticks(counts)
    axis.set_xticklabels([f"{c:,}" for c in counts])
    axis.set_xlabel("labelled training samples")
    axis.set_ylabel("test accuracy (%)")
    axis.set_title(f"Pretraining with an autoencoder: {dataset}")
    axis.grid(alpha=0.3)
    axis.legend()
    return save_figure(figure, path)


def format_rows(rows: list[dict]) -> str:
    lines = [f"{'labels':>8} {'pretrained':>11} {'scratch':>9} {'gain (points)':>14}"]
    for row in rows:
        scratch = f"{row['scratch_accuracy']:>9.4f}" if "scratch_accuracy" in row else f"{'-':>9}"
        gain = f"{row['gain_points']:>+14.1f}" if "gain_points" in row else f"{'-':>14}"
        lines.append(f"{row['labels']:>8,} {row['pretrained_accuracy']:>11.4f} {scratch} {gain}")
    return "\n".join(lines)
