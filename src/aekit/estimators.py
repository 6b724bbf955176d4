"""scikit-learn style estimators: ``Autoencoder(...).fit(X).transform(X)``."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from . import artifacts, distributed, training, training_length
from .artifacts import register_estimator
from .codec import CompressionMixin
from .config import Config
from .data.dataset import Dataset, as_dataset, sample_shape_error
from .data.pipeline import fingerprint, split_indices
from .data.scaling import Scaler
from .data.units import CODE_SAMPLE_ROWS, Units, check_codes, code_range
from .errors import ConfigError, DataError, NotFittedError
from .estimator_params import assign_params, install_signature
from .generation import GenerativeMixin
from .inference import predict_fixed_batches, predict_method
from .metrics import per_sample_report, reconstruction_report
from .models import AutoencoderModel, build_model, get_spec, reconstruction_of
from .restoration import RestorationMixin

PREVIEW_SAMPLES = 8
# Fitted attributes saved in aekit.json and restored by load, shared with estimators that wrap an Autoencoder.
FITTED_STATE = ("model_", "encoder_", "decoder_", "scaler_", "units_", "history_", "config_", "input_shape_",
                "kind_", "n_features_in_", "data_fingerprint_", "feature_names_", "metrics_", "training_seconds_",
                "code_kind_", "code_shape_")


@register_estimator
class Autoencoder(GenerativeMixin, RestorationMixin, CompressionMixin, TransformerMixin, BaseEstimator):
    """An autoencoder with the scikit-learn estimator contract.

    ``fit(X)`` trains on a NumPy array (tables ``(n, features)``, images ``(n, h, w)`` or
    ``(n, h, w, c)``) or an :class:`aekit.data.Dataset`; ``transform`` encodes, ``inverse_transform``
    decodes, ``reconstruct`` does both and ``score_samples`` gives each sample's reconstruction
    error (mean squared error per value, in the scaled space; higher means worse), or the family's own
    score (a variational model's negative ELBO).
    The parameters are every key of :class:`aekit.config.Config` that describes the model or its training,
    every model family's own parameters (``aekit models NAME`` lists them), ``run_dir`` (write a run
    directory with checkpoints, TensorBoard logs, plots and the saved model), ``overwrite`` (let ``run_dir`` be a
    folder that holds files aekit did not write; see :mod:`aekit.core.outputs`) and ``verbose``.

    Inputs are taken in the units of the training data, which the model records (``units_``): arrays in other
    units (images scaled to [0, 1] for a model trained on 8-bit files, or the reverse) are refused with a message
    saying how to convert. A pandas DataFrame is matched to the training columns by name (order does not
    matter; columns the model was not trained on are left out).

    What ``transform`` returns depends on the family's code kind (``code_kind_``): a vector ``(n, latent_dim)``;
    a Gaussian's means; 0/1 bits as uint8 (``encode(X, packed=True)`` packs them); or a grid ``(n, h, w, c)``.
    Models with a Gaussian code also ``sample`` and draw a ``latent_grid``; vector codes ``interpolate``.
    Image models trained with noise ``denoise`` images of any size; ``unet`` models trained with ``upscale``
    ``upscale`` them (see :mod:`aekit.restoration`). ``compression`` models ``compress`` images to ``.aez`` bytes
    and ``decompress`` them (see :mod:`aekit.codec`).

    Example::

        ae = aekit.Autoencoder(model="deep", preset="hinton2006", epochs=20).fit(X_train)
        codes = ae.transform(X_test)
    """

    RUN_DESCRIPTION = "an autoencoder run (`aekit train`)"
    RUN_HINT = "Use it with `aekit evaluate`, `encode`, `reconstruct`, `embed`, `probe` and the other commands."

    def __init__(self, **params):
        assign_params(self, params)

    # -- configuration -------------------------------------------------------------------------
    def config(self) -> Config:
        """The flat config these parameters describe (preset applied, family defaults filled in, values checked)."""
        keys = set(Config.estimator_keys())
        return Config.from_dict({k: v for k, v in self.get_params().items() if k in keys}).resolved()

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, X, y=None, *, resume: bool = False) -> "Autoencoder":
        """Train on ``X`` (``y`` is ignored). ``resume=True`` continues the run in ``run_dir``.

        ``X`` may be an :func:`aekit.data.stream` of files larger than memory: they are read again every epoch.
        """
        from .data.streaming import Stream

        if isinstance(X, Stream):
            from .stream_training import fit_stream

            return fit_stream(self, X, resume=resume)
        requested = self.config()
        dataset = as_dataset(X)
        run_dir = Path(self.run_dir) if self.run_dir is not None else None
        if resume:
            artifacts.check_resumable(run_dir, dataset)
        elif run_dir is not None:
            artifacts.check_run_dir(run_dir, overwrite=self.overwrite)
        train_index, val_index = split_indices(len(dataset), requested.validation_split, requested.seed)
        # The family settles first, so that a family rule for an "auto" batch size feeds the epoch budget.
        config = training_length.resolve(get_spec(requested.model).settle(requested, len(train_index)),
                                         len(train_index))
        self.training_plan_ = training_length.describe(requested, config, len(train_index))
        if self.verbose:
            print(f"aekit: training {self.training_plan_}.", flush=True)
        scaler = Scaler.choose(config.scaling, dataset.kind, dataset.X[train_index]).fit(dataset.X[train_index])
        units = Units.observe(dataset.X[train_index], bounded=scaler.bounded(dataset.kind))
        targets = scaler.transform(dataset.X)
        model_class = get_spec(config.model).model_class
        inputs = model_class.training_inputs(targets, config)
        goals = model_class.training_targets(targets, config, train_index)
        paired = inputs is not goals
        model = build_model(config, inputs.shape[1:], scaler.output_range)
        with artifacts.training_run(run_dir, self.get_params(), dataset, resume=resume):
            started = time.perf_counter()
            history = training.fit(
                model, inputs[train_index], inputs[val_index], config,
                y_train=goals[train_index] if paired else None, y_val=goals[val_index] if paired else None,
                run_dir=run_dir, resume=resume, verbose=self.verbose, images=dataset.kind == "image")
            self._set_fitted(model, scaler, units, config, history, kind=dataset.kind,
                             feature_names=dataset.feature_names, data_fingerprint=fingerprint(dataset.X))
            self.training_seconds_ = time.perf_counter() - started
            self.run_dir_ = run_dir
            preview = val_index if len(val_index) else train_index
            split = "validation" if len(val_index) else "training"
            self.metrics_ = {split: self._report(inputs[preview], targets[preview], dataset.kind)}
            self._record_code_range(inputs[preview[:CODE_SAMPLE_ROWS]])
            self._preview = inputs[preview[:PREVIEW_SAMPLES]]
            if run_dir is not None and distributed.is_chief():  # workers share the chief's model: one writer
                self.save(run_dir, overwrite=True)  # checked before training
        return self

    def _set_fitted(self, model, scaler: Scaler, units: Units, config: Config, history, *, kind: str, feature_names,
                    data_fingerprint: str) -> None:
        self.model_ = model
        self.encoder_ = model.encoder
        self.decoder_ = model.decoder
        self.scaler_ = scaler
        self.units_ = units
        self.history_ = history
        self.config_ = config
        self.input_shape_ = model.sample_shape
        self.kind_ = kind
        self.n_features_in_ = int(np.prod(self.input_shape_))
        self.data_fingerprint_ = data_fingerprint
        self.feature_names_ = feature_names
        self.code_kind_ = model.code_kind
        self.code_shape_ = model.code_shape

    # -- using a fitted model ------------------------------------------------------------------
    def encode(self, X, *, packed: bool = False, real: bool = False) -> np.ndarray:
        """The codes of ``X``: see the class docs for the shape per code kind. For binary codes, ``packed``
        packs the bits 8 to a byte and ``real`` gives each bit's probability instead (before the threshold)."""
        if real:
            if not hasattr(self.model_, "code_probabilities"):
                raise ConfigError(f"real=True gives a binary code's probabilities; this model's code is a "
                                  f"{self.code_kind_}.")
            return np.asarray(predict_method(self.model_, "code_probabilities", self._scaled(X)), np.float32)
        codes = self._encode_scaled(self._scaled(X))
        if self.code_kind_ == "binary":
            bits = (np.asarray(codes) > 0.5).astype(np.uint8)
            return np.packbits(bits, axis=1) if packed else bits
        if packed:
            raise ConfigError(f"packed=True packs binary codes, but this model's code is a {self.code_kind_}.")
        return codes

    def transform(self, X) -> np.ndarray:
        """Latent codes (``encode(X)``): shape ``(n, latent_dim)`` for vector, Gaussian and binary codes."""
        return self.encode(X)

    def inverse_transform(self, Z) -> np.ndarray:
        """Decode codes (as ``transform`` returns them; packed bits too) back to the data's units and shape."""
        self._check_fitted()
        Z = np.asarray(Z)
        width = self.code_shape_[0] if len(self.code_shape_) == 1 else None
        if self.code_kind_ == "binary" and Z.dtype == np.uint8 and Z.ndim == 2 and Z.shape[1] == -(-width // 8):
            Z = np.unpackbits(Z, axis=1, count=width)
        if Z.shape[1:] != self.code_shape_:
            raise DataError(f"Received codes of shape {Z.shape}; expected (n, {', '.join(map(str, self.code_shape_))}) "
                            f"for this model's {self.code_kind_} code.")
        check_codes(Z, getattr(self, "code_range_", None), self.code_kind_)
        decoded = self._predict("decode", Z.astype(np.float32))
        return self.scaler_.inverse_transform(reconstruction_of(decoded))

    def decode(self, Z) -> np.ndarray:
        return self.inverse_transform(Z)

    def reconstruct(self, X) -> np.ndarray:
        """Reconstructions of ``X`` in its original units and shape (restoration models: the restored ``X``)."""
        return self.scaler_.inverse_transform(self._reconstruct_scaled(self._scaled(X)))

    def score_samples(self, X) -> np.ndarray:
        """Per-sample score, higher = worse: the mean squared error per value in the scaled space, unless the
        family scores otherwise (a variational model's negative ELBO in nats)."""
        scaled = self._scaled(X)
        if hasattr(self.model_, "sample_scores"):
            return np.asarray(predict_method(self.model_, "sample_scores", scaled), dtype=np.float64)
        diff = (scaled - self._reconstruct_scaled(scaled)).reshape(len(scaled), -1)
        return np.mean(diff.astype(np.float64) ** 2, axis=1)

    def score(self, X, y=None) -> float:
        """Negative mean of ``score_samples`` (higher is better, as scikit-learn's model selection expects)."""
        return -float(np.mean(self.score_samples(X)))

    def evaluate(self, X) -> dict:
        """Reconstruction error report (squared error per sample, MSE per value; mean PSNR and SSIM for images),
        in the units named by its ``units`` entry."""
        scaled = self._scaled(X)
        return self._report(scaled, scaled, self.kind_)

    def evaluate_samples(self, X) -> dict[str, np.ndarray]:
        """Each sample's squared error, and for images its PSNR (dB) and SSIM, in the scaled space."""
        scaled = self._scaled(X)
        return per_sample_report(scaled, self._reconstruct_scaled(scaled), self.kind_)

    def save(self, path, overwrite: bool = False) -> Path:
        """Write the run directory; reload it with :func:`aekit.load`.

        ``path`` may be missing, empty or an aekit run (replaced: only the files aekit wrote there go); a folder
        holding other files needs ``overwrite=True``, and even then its other files stay. See
        :mod:`aekit.core.outputs`."""
        self._check_fitted()
        return artifacts.save_artifact(self, path, overwrite=overwrite)

    # -- artifacts -------------------------------------------------------------------------------
    def _artifact_meta(self) -> dict:
        params = {k: v for k, v in self.get_params().items() if k not in ("run_dir", "overwrite", "verbose")}
        return {"params": params, "config": self.config_.to_dict(), "input_shape": list(self.input_shape_),
                "kind": self.kind_, "code": {"kind": self.code_kind_, "shape": list(self.code_shape_),
                                             "range": getattr(self, "code_range_", None)},
                "feature_names": self.feature_names_, "scaler": self.scaler_.to_dict(), "units": self.units_.to_dict(),
                "data": {"fingerprint": self.data_fingerprint_}, "metrics": getattr(self, "metrics_", {}),
                "training_seconds": getattr(self, "training_seconds_", None),
                "epochs_run": len(self.history_.get("loss", []))}

    def _restore_fitted(self, meta: dict, model, history: dict) -> None:
        scaler = Scaler.from_dict(meta["scaler"])
        units = Units.from_dict(meta["units"]) if meta.get("units") else Units.from_scaler(scaler)
        self._set_fitted(model, scaler, units, Config.from_dict(meta["config"]), history, kind=meta["kind"],
                         feature_names=meta.get("feature_names"), data_fingerprint=meta["data"]["fingerprint"])
        self.metrics_ = meta.get("metrics", {})
        self.code_range_ = (meta.get("code") or {}).get("range")
        self.training_seconds_ = meta.get("training_seconds")
        self.versions_ = meta.get("versions", {})

    # -- helpers -------------------------------------------------------------------------------
    def _record_code_range(self, scaled: np.ndarray) -> None:
        """The range of the codes of held-out training rows, which :meth:`inverse_transform` checks codes against."""
        self.code_range_ = None
        if self.code_kind_ != "binary" and len(scaled):
            self.code_range_ = code_range(self._encode_scaled(scaled))

    def _report(self, inputs: np.ndarray, targets: np.ndarray, kind: str) -> dict:
        return reconstruction_report(targets, self._reconstruct_scaled(inputs), kind, units=self.scaler_.units)

    def _predict(self, method: str, x: np.ndarray):
        model = self.model_
        plain = getattr(type(model), method) is getattr(AutoencoderModel, method)
        if plain:  # the encoder or decoder alone: the same program as ever, no wrapper
            return predict_fixed_batches(model.encoder if method == "encode" else model.decoder, x)
        return predict_method(model, method, x)

    def _encode_scaled(self, scaled: np.ndarray):
        return self._predict("encode", scaled)

    def _reconstruct_scaled(self, scaled: np.ndarray) -> np.ndarray:
        return reconstruction_of(predict_fixed_batches(self.model_, scaled))

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet. Call fit(X) first, "
                "or load a saved one with aekit.load(path)."
            )

    def _scaled(self, X) -> np.ndarray:
        self._check_fitted()
        dataset = self._as_input(X)
        self.units_.check(dataset.X, self.feature_names_)
        return self.scaler_.transform(dataset.X)

    def _as_input(self, X) -> Dataset:
        """``X`` as a dataset of the training samples' shape: DataFrames matched by column name, flat rows of an
        image model's pixels reshaped; anything else of another shape refused with what differs."""
        if self.feature_names_ is None and not isinstance(X, Dataset) and type(X).__name__ == "DataFrame":
            warnings.warn(f"X has column names, but this {type(self).__name__} was fitted on data without them; "
                          "its columns are taken in their order.", UserWarning, stacklevel=4)
            X = X.to_numpy()
        dataset = as_dataset(X, feature_names=self.feature_names_)
        shape = dataset.sample_shape
        if shape != self.input_shape_:
            if int(np.prod(shape)) == self.n_features_in_ and len(self.input_shape_) == 3 and len(shape) == 1:
                return Dataset(dataset.X.reshape(len(dataset.X), *self.input_shape_), kind="image")
            raise sample_shape_error(shape, self.input_shape_)
        return dataset


install_signature(Autoencoder, trailing={"run_dir": None, "overwrite": False, "verbose": 0})
