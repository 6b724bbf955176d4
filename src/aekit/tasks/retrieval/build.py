"""``build(run, data)``: encode data with a hashing model and index the codes in one step."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ...core.errors import ConfigError, DataError
from ...data.dataset import as_dataset
from ...estimator import Autoencoder
from ...runs import as_estimator
from .index import HammingIndex


def weights_fingerprint(model) -> str:
    """A short hash of a fitted model's weights: an index remembers which model encoded its codes."""
    digest = hashlib.sha256()
    for weights in model.model_.get_weights():
        digest.update(np.ascontiguousarray(weights).tobytes())
    return digest.hexdigest()[:16]


def resolve_model(run):
    """A fitted binary-code Autoencoder from itself or a run directory (see :func:`aekit.runs.as_estimator`)."""
    model = as_estimator(run, Autoencoder)
    if model.code_kind_ != "binary":
        raise ConfigError(f"A Hamming index holds binary codes; this model's code is a {model.code_kind_}. Train one "
                          "with model='hashing' (aekit train --model hashing --latent-dim 32).")
    return model


def encode_for_index(model, data) -> tuple[np.ndarray, np.ndarray | None]:
    """(packed bits, real-valued codes or None) of ``data``."""
    real = model.encode(data, real=True) if model.can("bit_probabilities") else None
    return model.encode(data, packed=True), real


def build(run, data, ids=None, source: dict | None = None) -> HammingIndex:
    """Encode ``data`` (an array, a Dataset) with the hashing model ``run`` (fitted, or a run directory) and
    index the codes. Ids: ``ids`` if given, else the file names of an image folder, else the row numbers.

    Parameters
    ----------
    run : aekit.Autoencoder, str or os.PathLike
        A fitted autoencoder with a binary code (the ``hashing`` family), or the path of its run directory.
    data : array-like, pandas.DataFrame or aekit.data.Dataset
        The samples to index, in the model's training units.
    ids : array-like of shape (n,), optional
        One id per sample (integers or strings).
    source : dict, optional
        What to record as the data in the index's ``metadata``; default: the data's name and sample count.

    Returns
    -------
    HammingIndex
        The index of the packed codes, with the real-valued codes when the model gives them (for re-ranking)
        and ``metadata``: the run's path, the model's weights fingerprint, the bits and the data.
    """
    model = resolve_model(run)
    dataset = as_dataset(data)
    if ids is None and "files" in dataset.meta:
        ids = np.asarray(dataset.meta["files"], dtype=object)
    if ids is not None and len(ids) != len(dataset):
        raise DataError(f"Received {len(ids)} ids for {len(dataset)} samples; expected one id per sample.")
    packed, real = encode_for_index(model, dataset)
    index = HammingIndex(int(model.code_shape_[0])).add(packed, ids=ids, real=real)
    where = run if isinstance(run, str | Path) else getattr(model, "run_dir_", None)
    index.metadata = {"run": str(Path(where).resolve()) if where is not None else None,
                      "model_fingerprint": weights_fingerprint(model), "bits": int(model.code_shape_[0]),
                      "data": source or {"name": dataset.name, "samples": len(dataset)}}
    return index


def check_same_model(index: HammingIndex, model) -> None:
    """Refuse to mix codes of another model into (or query) an index."""
    recorded = index.metadata.get("model_fingerprint")
    if recorded and recorded != weights_fingerprint(model):
        raise ConfigError("This index was built with another model (its weights' fingerprint differs); codes of "
                          "different models are not comparable. Use the run the index was built with, or rebuild.")
