"""scikit-learn style estimators: ``Autoencoder(...).fit(X).transform(X)``."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .config import Config
from .data.dataset import Dataset, from_array
from .data.pipeline import fingerprint, split_indices
from .data.scaling import Scaler
from .errors import DataError, NotFittedError
from .inference import predict_fixed_batches

PREVIEW_SAMPLES = 8


class Autoencoder(TransformerMixin, BaseEstimator):
    """An autoencoder with the scikit-learn estimator contract.

    ``fit(X)`` trains on a NumPy array (tables ``(n, features)``, images ``(n, h, w)`` or
    ``(n, h, w, c)``) or an :class:`aekit.data.Dataset`; ``transform`` encodes, ``inverse_transform``
    decodes, ``reconstruct`` does both and ``score_samples`` gives each sample's reconstruction
    error (mean squared error per value, in the scaled space; higher means worse).
    Every parameter is a key of :class:`aekit.config.Config` (see ``aekit models``), plus
    ``scaling`` ("auto": [0, 1] for images, standardisation for tables), ``run_dir`` (write a
    run directory with checkpoints, TensorBoard logs, plots and the saved model) and ``verbose``.

    Example::

        ae = aekit.Autoencoder(model="deep", preset="hinton2006", epochs=20).fit(X_train)
        codes = ae.transform(X_test)
    """

    def __init__(self, model="deep", preset=None, latent_dim=None, hidden=None, filters=None, kernel_size=3,
                 activation="elu", code_activation="linear", output_activation="auto",
                 kernel_initializer="glorot_uniform", l1=0.0, l2=0.0, activity_l1=0.0, dropout=0.0,
                 noise="none", noise_level=0.2, tied=False, loss="auto", optimizer="adam", learning_rate=1e-3,
                 momentum=0.9, schedule="cosine", epochs=50, batch_size=128, validation_split=0.1,
                 early_stopping=True, patience=10, seed=0, scaling="auto", run_dir=None, verbose=0):
        self.model = model
        self.preset = preset
        self.latent_dim = latent_dim
        self.hidden = hidden
        self.filters = filters
        self.kernel_size = kernel_size
        self.activation = activation
        self.code_activation = code_activation
        self.output_activation = output_activation
        self.kernel_initializer = kernel_initializer
        self.l1 = l1
        self.l2 = l2
        self.activity_l1 = activity_l1
        self.dropout = dropout
        self.noise = noise
        self.noise_level = noise_level
        self.tied = tied
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.schedule = schedule
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.patience = patience
        self.seed = seed
        self.scaling = scaling
        self.run_dir = run_dir
        self.verbose = verbose

    # -- configuration -------------------------------------------------------------------------
    def config(self) -> Config:
        """The flat config these parameters describe (preset applied, values checked)."""
        names = set(Config.field_names())
        values = {k: v for k, v in self.get_params().items() if k in names}
        return Config.from_dict(values).resolved()

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, X, y=None, *, resume: bool = False) -> "Autoencoder":
        """Train on ``X`` (``y`` is ignored). ``resume=True`` continues the run in ``run_dir``."""
        from . import training
        from .models import build_model

        config = self.config()
        dataset = X if isinstance(X, Dataset) else from_array(X)
        if self.scaling not in ("auto", *Scaler.METHODS):
            raise DataError(f"Received scaling={self.scaling!r}; expected 'auto' or one of {Scaler.METHODS}.")
        train_index, val_index = split_indices(len(dataset), config.validation_split, config.seed)
        scaler = Scaler.for_kind(dataset.kind) if self.scaling == "auto" else Scaler(self.scaling)
        scaler.fit(dataset.X[train_index])
        scaled = scaler.transform(dataset.X)
        model = build_model(config, dataset.sample_shape, scaler.output_range)
        run_dir = Path(self.run_dir) if self.run_dir is not None else None
        if run_dir is not None and not resume:
            from .artifacts import start_run

            start_run(run_dir, self, dataset)
        started = time.perf_counter()
        history = training.fit(model, scaled[train_index], scaled[val_index], config,
                               data_range=scaler.output_range, run_dir=run_dir, resume=resume,
                               verbose=self.verbose, images=dataset.kind == "image")
        self._set_fitted(model, scaler, dataset, config, history)
        self.training_seconds_ = time.perf_counter() - started
        preview = val_index if len(val_index) else train_index
        self.metrics_ = {"validation" if len(val_index) else "training": self._report(scaled[preview], dataset.kind)}
        self._preview = scaled[preview[:PREVIEW_SAMPLES]]
        if run_dir is not None:
            self.save(run_dir)
        return self

    def _set_fitted(self, model, scaler: Scaler, dataset: Dataset, config: Config, history) -> None:
        self.model_ = model
        self.encoder_ = model.encoder
        self.decoder_ = model.decoder
        self.scaler_ = scaler
        self.history_ = history
        self.config_ = config
        self.input_shape_ = dataset.sample_shape
        self.kind_ = dataset.kind
        self.n_features_in_ = int(np.prod(dataset.sample_shape))
        self.data_fingerprint_ = fingerprint(dataset.X)
        self.feature_names_ = dataset.feature_names

    # -- using a fitted model ------------------------------------------------------------------
    def transform(self, X) -> np.ndarray:
        """Latent codes, shape ``(n, latent_dim)``."""
        scaled = self._scaled(X)
        return predict_fixed_batches(self.encoder_, scaled)

    encode = transform

    def inverse_transform(self, Z) -> np.ndarray:
        """Decode latent codes back to the data's original units and shape."""
        self._check_fitted()
        Z = np.asarray(Z, dtype=np.float32)
        latent_dim = self.config_.latent_dim
        if Z.ndim != 2 or Z.shape[1] != latent_dim:
            raise DataError(f"Received codes of shape {Z.shape}; expected (n, {latent_dim}) for this model.")
        return self.scaler_.inverse_transform(predict_fixed_batches(self.decoder_, Z))

    decode = inverse_transform

    def reconstruct(self, X) -> np.ndarray:
        """Reconstructions of ``X`` in its original units and shape."""
        return self.scaler_.inverse_transform(self._reconstruct_scaled(self._scaled(X)))

    def score_samples(self, X) -> np.ndarray:
        """Per-sample reconstruction error: mean squared error per value, in the scaled space."""
        scaled = self._scaled(X)
        diff = (scaled - self._reconstruct_scaled(scaled)).reshape(len(scaled), -1)
        return np.mean(diff.astype(np.float64) ** 2, axis=1)

    def score(self, X, y=None) -> float:
        """Negative mean reconstruction error (higher is better, as scikit-learn's model selection expects)."""
        return -float(np.mean(self.score_samples(X)))

    def evaluate(self, X) -> dict[str, float]:
        """Reconstruction error report (squared error per sample, MSE per value, PSNR for images)."""
        return self._report(self._scaled(X), self.kind_)

    def save(self, path) -> Path:
        """Write the artifact directory (atomically); reload it with :func:`aekit.load`."""
        from .artifacts import save_artifact

        self._check_fitted()
        return save_artifact(self, path)

    # -- helpers -------------------------------------------------------------------------------
    def _report(self, scaled: np.ndarray, kind: str) -> dict[str, float]:
        from .metrics import reconstruction_report

        return reconstruction_report(scaled, self._reconstruct_scaled(scaled), kind)

    def _reconstruct_scaled(self, scaled: np.ndarray) -> np.ndarray:
        return predict_fixed_batches(self.model_, scaled)

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet. Call fit(X) first, "
                "or load a saved one with aekit.load(path)."
            )

    def _scaled(self, X) -> np.ndarray:
        self._check_fitted()
        dataset = X if isinstance(X, Dataset) else from_array(X)
        shape = dataset.sample_shape
        if shape != self.input_shape_:
            if int(np.prod(shape)) == self.n_features_in_ and len(self.input_shape_) == 3 and len(shape) == 1:
                dataset = Dataset(dataset.X.reshape(len(dataset.X), *self.input_shape_), kind="image")
            else:
                raise DataError(
                    f"The data has samples of shape {shape}, but this model was trained on samples of shape "
                    f"{self.input_shape_}. Pass data with the same features (or image size) as the training data."
                )
        return self.scaler_.transform(dataset.X)
