"""An Autoencoder's fitted state: set once by ``fit``, written to ``aekit.json`` and read back by ``aekit.load``."""

from __future__ import annotations

import numpy as np

from ..core.config import Config
from ..data.scaling import Scaler
from ..data.units import Units, code_range

PREVIEW_SAMPLES = 8


def set_fitted(estimator, model, scaler: Scaler, units: Units, config: Config, history, *, kind: str,
               feature_names, data_fingerprint: str) -> None:
    estimator.model_ = model
    estimator.encoder_ = model.encoder
    estimator.decoder_ = model.decoder
    estimator.scaler_ = scaler
    estimator.units_ = units
    estimator.history_ = history
    estimator.config_ = config
    estimator.input_shape_ = model.sample_shape
    estimator.kind_ = kind
    estimator.n_features_in_ = int(np.prod(estimator.input_shape_))
    estimator.data_fingerprint_ = data_fingerprint
    estimator.feature_names_ = feature_names
    estimator.code_kind_ = model.code_kind
    estimator.code_shape_ = model.code_shape


def record_code_range(estimator, scaled: np.ndarray) -> None:
    """The range of the codes of held-out training rows, which ``inverse_transform`` checks codes against."""
    estimator.code_range_ = None
    if estimator.code_kind_ != "binary" and len(scaled):
        estimator.code_range_ = code_range(estimator._predict("encode", scaled))


def run_meta(estimator) -> dict:
    """The fitted state as plain data for ``aekit.json`` (the model itself is saved beside it)."""
    params = {k: v for k, v in estimator.get_params().items() if k not in ("run_dir", "overwrite", "verbose")}
    return {"params": params, "config": estimator.config_.to_dict(), "input_shape": list(estimator.input_shape_),
            "kind": estimator.kind_, "code": {"kind": estimator.code_kind_, "shape": list(estimator.code_shape_),
                                              "range": getattr(estimator, "code_range_", None)},
            "feature_names": estimator.feature_names_, "scaler": estimator.scaler_.to_dict(),
            "units": estimator.units_.to_dict(), "data": {"fingerprint": estimator.data_fingerprint_},
            "metrics": getattr(estimator, "metrics_", {}),
            "training_seconds": getattr(estimator, "training_seconds_", None),
            "epochs_run": len(estimator.history_.get("loss", []))}


def restore_fitted(estimator, meta: dict, model, history: dict) -> None:
    """The fitted state from ``aekit.json`` (runs of earlier versions have no units: the scaler's tell them)."""
    scaler = Scaler.from_dict(meta["scaler"])
    units = Units.from_dict(meta["units"]) if meta.get("units") else Units.from_scaler(scaler)
    set_fitted(estimator, model, scaler, units, Config.from_dict(meta["config"]), history, kind=meta["kind"],
               feature_names=meta.get("feature_names"), data_fingerprint=meta["data"]["fingerprint"])
    estimator.metrics_ = meta.get("metrics", {})
    estimator.code_range_ = (meta.get("code") or {}).get("range")
    estimator.training_seconds_ = meta.get("training_seconds")
    estimator.versions_ = meta.get("versions", {})
