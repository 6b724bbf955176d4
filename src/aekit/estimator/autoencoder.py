"""``Autoencoder``: the scikit-learn style estimator, ``Autoencoder(...).fit(X).transform(X)``."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..core import budget
from ..core.config import Config
from ..core.errors import ConfigError, DataError, NotFittedError
from ..core.log import note
from ..data.crops import crops_per_image
from ..data.units import CODE_SAMPLE_ROWS, check_codes
from ..models import AutoencoderModel, build_model, get_spec, reconstruction_of
from ..models.base import CALIBRATION_SAMPLES
from ..runs import register_estimator, save_artifact
from ..runs.lifecycle import check_resumable, check_run_dir, save_trained, training_run
from ..runs.pickling import PicklesAsRun
from ..training.fit import fit_batches
from ..training.sources import training_source
from . import codec, generation, restoration
from .abilities import require
from .conventions import SklearnConventions, seed_of
from .inference import predict_fixed_batches, predict_method
from .inputs import as_model_input
from .metrics import bit_usage, per_sample_report, reconstruction_report
from .run_state import PREVIEW_SAMPLES, record_code_range, restore_fitted, run_meta, set_fitted
from .signature import assign_params, install_signature


@register_estimator
class Autoencoder(PicklesAsRun, SklearnConventions, TransformerMixin, BaseEstimator):
    """An autoencoder with the scikit-learn estimator contract.

    ``fit(X)`` trains on a NumPy array (tables ``(n, features)``, images ``(n, h, w)`` or ``(n, h, w, c)``), a
    pandas DataFrame, an :class:`aekit.data.Dataset` or a stream of files (:func:`aekit.data.stream`);
    ``transform`` encodes, ``inverse_transform`` decodes, ``reconstruct`` does both and ``reconstruction_error``
    gives each sample's error (mean squared error per value, in the scaled space; higher means worse), or the
    family's own (a variational model's negative ELBO); ``score_samples`` is its negative, higher = more typical,
    as scikit-learn's estimators score.
    The parameters are every key of :class:`aekit.core.config.Config` that describes the model or its training,
    every model family's own parameters (``aekit models NAME`` lists them), ``run_dir`` (write a run
    directory with checkpoints, TensorBoard logs, plots and the saved model), ``overwrite`` (let ``run_dir`` be a
    folder that holds files aekit did not write; see :mod:`aekit.core.outputs`), ``random_state`` (scikit-learn's
    name for ``seed``; an integer, which wins over ``seed`` when given) and ``verbose``.

    Inputs are taken in the units of the training data, which the model records (``units_``): arrays in other
    units (images scaled to [0, 1] for a model trained on 8-bit files, or the reverse) are refused with a message
    saying how to convert. A pandas DataFrame is matched to the training columns by name (order does not
    matter; columns the model was not trained on are left out).

    What ``transform`` returns depends on the family's code kind (``code_kind_``): a vector ``(n, latent_dim)``;
    a Gaussian's means; 0/1 bits as uint8 (``encode(X, packed=True)`` packs them); or a grid ``(n, h, w, c)``.
    What else a model can do depends on its family's abilities (``can``; ``aekit models NAME`` lists them):
    Gaussian codes ``sample`` and draw a ``latent_grid``, vector codes ``interpolate``, image models ``denoise``
    images of any size, ``unet`` models trained with ``upscale_factor`` ``upscale`` them, ``compression`` models
    ``compress`` images to ``.aez`` bytes and ``decompress`` them.

    Example::

        ae = aekit.Autoencoder(model="deep", preset="hinton2006", epochs=20).fit(X_train)
        codes = ae.transform(X_test)
    """

    RUN_DESCRIPTION = "an autoencoder run (`aekit train`)"
    RUN_HINT = "Use it with `aekit evaluate`, `encode`, `reconstruct`, `embed`, `probe` and the other commands."

    if TYPE_CHECKING:  # generated: aekit.estimator.signature.stub; checked by tests/test_packaging.py
        def __init__(
            self,
            *,
            model: str = 'deep',
            preset: str | None = None,
            latent_dim: int | None = None,
            hidden: list[int] | None = None,
            filters: list[int] | None = None,
            kernel_size: int = 3,
            activation: str = 'elu',
            code_activation: str = 'linear',
            output_activation: str = 'auto',
            kernel_initializer: str = 'glorot_uniform',
            l1: float = 0.0,
            l2: float = 0.0,
            activity_l1: float = 0.0,
            dropout: float = 0.0,
            noise: str = 'none',
            noise_level: float = 0.2,
            tied: bool = False,
            scaling: str = 'auto',
            loss: str = 'auto',
            optimizer: str = 'adam',
            learning_rate: float = 0.001,
            momentum: float = 0.9,
            schedule: str = 'cosine',
            epochs: int | str = 'auto',
            batch_size: int | str = 'auto',
            validation_split: float = 0.1,
            early_stopping: bool = True,
            patience: int = 10,
            seed: int = 0,
            augment: str = 'none',
            code: Literal['spatial', 'vector'] = 'spatial',
            downsample: Literal[2, 4, 8, 16] = 4,
            vector_depth: Literal['auto', 'lean', 'deep'] = 'auto',
            lmbda: float = 0.01,
            quality: int = 0,
            crop: int = -1,
            binarizer: Literal['noise', 'straight_through'] = 'noise',
            code_noise: float = 4.0,
            balance_weight: float = 0.1,
            decorrelation_weight: float = 0.1,
            neighbour_weight: float = 0.0,
            neighbour_targets: int = 10,
            similarity_weight: float = 0.0,
            invariance_weight: float = 0.0,
            upscale_factor: Literal[1, 2, 4] = 1,
            blind: bool = False,
            likelihood: Literal['bernoulli', 'gaussian'] = 'bernoulli',
            beta: float = 1.0,
            kl_warmup: int = 0,
            decoder_std: float = 0.0,
            binarize: bool = False,
            run_dir: str | os.PathLike[str] | None = None,
            overwrite: bool = False,
            random_state: int | None = None,
            verbose: int | str = 0,
        ) -> None: ...
    else:
        def __init__(self, **params):
            assign_params(self, params)

    # -- configuration -------------------------------------------------------------------------
    def config(self) -> Config:
        """The flat config these parameters describe (preset applied, family defaults filled in, values checked):
        resolved here, once for the parameters the estimator holds.

        Returns
        -------
        config : aekit.core.config.Config
            The resolved config (``random_state``, when given, as its ``seed``). It is cached and resolved again
            only when the parameters change; a parameter that is not valid raises
            :class:`~aekit.errors.ConfigError` here, before any data is read.
        """
        keys = set(Config.estimator_keys())
        values = {k: v for k, v in self.get_params().items() if k in keys}
        if self.random_state is not None:
            values["seed"] = seed_of(self.random_state)
        cached = self.__dict__.get("_config_for")
        if cached is None or cached[0] != values:
            cached = (values, Config.from_dict(values).resolved())
            self.__dict__["_config_for"] = cached
        return cached[1]

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, X, y=None, *, validation_data=None, callbacks: list | None = None,
            resume: bool = False) -> "Autoencoder":
        """Train on ``X`` (``y`` is ignored). ``validation_data`` (samples like ``X``) is validated on instead of
        a ``validation_split`` of ``X``: the validation loss, early stopping and the run's validation metrics use
        it. ``callbacks`` are Keras callbacks (``keras.callbacks.Callback``: W&B's or MLflow's loggers, Optuna's
        pruning, your own stopping rule), run after aekit's own each epoch. ``resume=True`` continues the run in
        ``run_dir``.

        ``X`` may be an :func:`aekit.data.stream` of files larger than memory: they are read again every epoch.
        Arrays and streams go through the same steps (:mod:`aekit.training.sources`).

        Parameters
        ----------
        X : array-like, pandas.DataFrame, aekit.data.Dataset or aekit.data.Stream
            The training samples: a table ``(n, features)``, images ``(n, h, w)`` or ``(n, h, w, c)``, a
            DataFrame (its column names are recorded, see ``feature_names_in_``), a Dataset or a stream of files.
        y : Ignored
            Not used (nor are a Dataset's labels); present for scikit-learn's API.
        validation_data : array-like, pandas.DataFrame or aekit.data.Dataset, optional
            Samples of the shape (and columns) of ``X`` to validate on instead of a ``validation_split`` of
            ``X``. Not with a stream, which picks its validation rows itself.
        callbacks : list of keras.callbacks.Callback, optional
            Keras callbacks of your own, run after aekit's each epoch; they see the epoch's full logs and may
            stop training.
        resume : bool, default=False
            Continue the run in ``run_dir`` from its last finished epoch instead of starting afresh. Needs
            ``run_dir``, and the data the run was started on (the same number of samples and sample shape).

        Returns
        -------
        self : Autoencoder
            The fitted estimator.
        """
        return self._fit(X, validation_data, callbacks, resume, summarise=True)

    def _fit(self, X, validation_data, callbacks: list | None, resume: bool, *, summarise: bool) -> "Autoencoder":
        """:meth:`fit`; ``summarise=False`` leaves out the held-out metrics, code range and preview (``metrics_``
        stays empty), for a model that is only scored once in memory (the anomaly detector's first trimming
        round), whose summary would cost a reconstruction and an encoder's compilation for nothing."""
        requested = self.config()
        source = training_source(X, validation_data)
        run_dir = Path(self.run_dir) if self.run_dir is not None else None
        if run_dir is not None and not resume:
            check_run_dir(run_dir, overwrite=self.overwrite)
        source.survey(requested.validation_split, requested.seed)
        if resume:
            check_resumable(run_dir, source.data)
        # The family settles first, so that a family rule for an "auto" batch size feeds the epoch budget; the
        # budget counts what an epoch visits: rows, or with crops every whole crop of the model's inputs.
        rows = source.train_rows
        settled = get_spec(requested.model).settle(requested, rows, source.sample_shape if source.croppable else None)
        scaler = source.fit_scaler(settled.scaling)
        units = source.units(scaler)
        source.prepare(get_spec(settled.model).model_class, settled, scaler)
        samples = rows * crops_per_image(source.model_shape, settled.crop)
        config = budget.resolve(settled, samples)
        self.training_plan_ = budget.describe(requested, config, samples,
                                              f"training crops of {config.crop}x{config.crop}" if config.crop > 0
                                              else "training samples")
        note(f"{source.describe(self.training_plan_)}.", self.verbose)
        model = build_model(config, source.model_shape, scaler.output_range)
        with training_run(run_dir, self.get_params(), source.data, resume=resume):
            train, validation, preview = source.pipelines(config, scaler, getattr(model, "corruption", None))
            model.on_train_begin(source.clean_samples(CALIBRATION_SAMPLES))
            started = time.perf_counter()
            history = fit_batches(model, train, validation, config, run_dir=run_dir, resume=resume,
                                  verbose=self.verbose, preview=preview, callbacks=callbacks)
            set_fitted(self, model, scaler, units, config, history, kind=source.kind,
                       feature_names=source.feature_names, data_fingerprint=source.fingerprint())
            self.training_seconds_ = time.perf_counter() - started
            if not summarise and run_dir is None:
                self.metrics_, self.code_range_, self._preview, self.run_dir_ = {}, None, None, None
                return self
            split, inputs, targets = source.held_out()
            self.metrics_ = {split: self._report(inputs, targets, source.kind)}
            if self.code_kind_ == "binary":  # a bit that never changes carries nothing: the run says so
                self.metrics_[split].update(bit_usage(np.asarray(self._predict("encode", inputs)) > 0.5))
            if source.summary() is not None:
                self.stream_survey_ = source.summary()
                self.metrics_[split]["rows"] = len(inputs)
            record_code_range(self, inputs[:CODE_SAMPLE_ROWS])
            self._preview = inputs[:PREVIEW_SAMPLES]
            self.run_dir_ = run_dir
            self.run_dir_ = run_dir if save_trained(self, run_dir) else None
        return self

    # -- using a fitted model ------------------------------------------------------------------
    def encode(self, X, *, packed: bool = False, real: bool = False) -> np.ndarray:
        """The codes of ``X``: see the class docs for the shape per code kind. For binary codes, ``packed``
        packs the bits 8 to a byte and ``real`` gives each bit's probability instead (before the threshold).

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training data's shape (flat rows of an image model's pixels are reshaped), columns
            and units.
        packed : bool, default=False
            Binary codes only: pack the 0/1 bits 8 to a byte (:func:`numpy.packbits` order), giving
            ``(n, ceil(latent_dim / 8))`` uint8. Any other code kind raises :class:`~aekit.errors.ConfigError`.
        real : bool, default=False
            Binary codes only (the ``bit_probabilities`` ability): each bit's probability in [0, 1] before
            the 0.5 threshold, as float32, instead of the bits. Wins over ``packed``.

        Returns
        -------
        codes : ndarray
            ``(n, latent_dim)`` float32 for vector codes and a Gaussian's means; ``(n, latent_dim)`` uint8 bits,
            or ``(n, ceil(latent_dim / 8))`` packed bytes, for binary codes; ``(n, h, w, c)`` for a grid.
        """
        if real:
            self.require("bit_probabilities")
            return np.asarray(predict_method(self.model_, "code_probabilities", self.scale(X)), np.float32)
        codes = self._predict("encode", self.scale(X))
        if self.code_kind_ == "binary":
            bits = (np.asarray(codes) > 0.5).astype(np.uint8)
            return np.packbits(bits, axis=1) if packed else bits
        if packed:
            raise ConfigError(f"packed=True packs binary codes, but this model's code is a {self.code_kind_}.")
        return codes

    def transform(self, X) -> np.ndarray:
        """Latent codes (``encode(X)``): shape ``(n, latent_dim)`` for vector, Gaussian and binary codes.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training data's shape, columns and units.

        Returns
        -------
        codes : ndarray of shape (n, latent_dim), or (n, h, w, c) for a grid code
            float32 codes (a Gaussian code's means), or 0/1 uint8 bits for a binary code.
        """
        return self.encode(X)

    def inverse_transform(self, Z) -> np.ndarray:
        """Decode codes (as ``transform`` returns them; packed bits too) back to the data's units and shape.

        Parameters
        ----------
        Z : array-like of shape ``(n,) + code_shape_``
            Codes as :meth:`transform` gives them; for a binary code also packed bytes ``(n, ceil(bits / 8))``
            of dtype uint8. Codes of another shape, or binary codes other than 0/1, raise
            :class:`~aekit.errors.DataError`; codes mostly far outside the range of the training data's codes
            give a warning.

        Returns
        -------
        X : ndarray of shape ``(n,) + input_shape_``
            The decoded samples, float32, in the training data's units.
        """
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
        """Decode codes back to data: the same as :meth:`inverse_transform`.

        Parameters
        ----------
        Z : array-like of shape ``(n,) + code_shape_``
            Codes as :meth:`transform` gives them (packed bits too).

        Returns
        -------
        X : ndarray of shape ``(n,) + input_shape_``
            The decoded samples, float32, in the training data's units.
        """
        return self.inverse_transform(Z)

    def reconstruct(self, X) -> np.ndarray:
        """Reconstructions of ``X`` in its original units and shape (restoration models: the restored ``X``).

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training data's shape, columns and units.

        Returns
        -------
        reconstructions : ndarray of shape ``(n,) + input_shape_``
            float32, in the training data's units. Images come back with a channel axis, ``(n, h, w, c)``, also
            when ``X`` was given as ``(n, h, w)`` or as flat rows.
        """
        return self.scaler_.inverse_transform(self.reconstruct_scaled(self.scale(X)))

    def reconstruction_error(self, X) -> np.ndarray:
        """Per-sample error, higher = worse: the mean squared error per value in the scaled space, unless the
        family scores otherwise (a variational model's negative ELBO in nats).

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training data's shape, columns and units.

        Returns
        -------
        errors : ndarray of shape (n,)
            float64, one error per sample.
        """
        scaled = self.scale(X)
        if self.can("own_score"):
            return np.asarray(predict_method(self.model_, "sample_scores", scaled), dtype=np.float64)
        diff = (scaled - self.reconstruct_scaled(scaled)).reshape(len(scaled), -1)
        return np.mean(diff.astype(np.float64) ** 2, axis=1)

    def score_samples(self, X) -> np.ndarray:
        """Per-sample score as scikit-learn defines it, higher = more typical of the training data: minus
        :meth:`reconstruction_error` (for a variational model, the ELBO, a lower bound of the log-likelihood, as
        a density estimator's ``score_samples`` gives the log-likelihood).

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training data's shape, columns and units.

        Returns
        -------
        scores : ndarray of shape (n,)
            float64, ``-reconstruction_error(X)``.
        """
        return -self.reconstruction_error(X)

    def score(self, X, y=None) -> float:
        """Mean of ``score_samples`` (higher is better, as scikit-learn's model selection expects).

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training data's shape, columns and units.
        y : Ignored
            Not used; present for scikit-learn's API.

        Returns
        -------
        score : float
            The mean of :meth:`score_samples` over ``X``.
        """
        return float(np.mean(self.score_samples(X)))

    def evaluate(self, X) -> dict:
        """Reconstruction error report (squared error per sample, MSE per value; mean PSNR and SSIM for images),
        in the units named by its ``units`` entry.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training data's shape, columns and units.

        Returns
        -------
        report : dict
            ``samples`` (int), ``squared_error_per_sample`` (the mean over samples of each one's summed squared
            error), ``mse_per_value``, ``mae_per_value``, for images ``psnr_db`` and ``ssim`` (means over the
            images, peak 1.0), and ``units`` (the scaled space they are measured in): floats.
        """
        scaled = self.scale(X)
        return self._report(scaled, scaled, self.kind_)

    def evaluate_samples(self, X) -> dict[str, np.ndarray]:
        """Each sample's squared error, and for images its PSNR (dB) and SSIM, in the scaled space.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training data's shape, columns and units.

        Returns
        -------
        values : dict of str to ndarray of shape (n,)
            ``squared_error`` (summed over each sample's values); for images also ``psnr_db`` and ``ssim``.
        """
        scaled = self.scale(X)
        return per_sample_report(scaled, self.reconstruct_scaled(scaled), self.kind_)

    def scale(self, X) -> np.ndarray:
        """``X`` as the model sees it: checked (shape, columns, units, see the class docs) and scaled.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples in the training data's units; a DataFrame is matched to the training columns by name.

        Returns
        -------
        scaled : ndarray of shape ``(n,) + input_shape_``
            float32, scaled by the fitted ``scaler_``.
        """
        self._check_fitted()
        dataset = as_model_input(self, X)
        self.units_.check(dataset.X, self.feature_names_)
        return self.scaler_.transform(dataset.X)

    def reconstruct_scaled(self, scaled: np.ndarray) -> np.ndarray:
        """Reconstructions of inputs already scaled (:meth:`scale`), in the scaled space.

        Parameters
        ----------
        scaled : ndarray of shape ``(n,) + input_shape_``
            Inputs as :meth:`scale` returns them; not checked again.

        Returns
        -------
        reconstructions : ndarray of shape ``(n,) + input_shape_``
            The model's reconstructions, in the scaled space.
        """
        return reconstruction_of(predict_fixed_batches(self.model_, scaled))

    # -- abilities (see aekit.models.ABILITIES) ----------------------------------------------------
    def can(self, ability: str) -> bool:
        """Whether this fitted model has ``ability`` (``sample``, ``compress``, ``upscale``, ...).

        Parameters
        ----------
        ability : str
            One of :data:`aekit.models.ABILITIES`: ``"interpolate"``, ``"sample"``, ``"upscale"``,
            ``"compress"``, ``"bit_probabilities"``, ``"own_score"`` or ``"likelihood"``. Other names give False.

        Returns
        -------
        bool
            True if the model's family, with this model's settings, has the ability.
        """
        self._check_fitted()
        return get_spec(self.config_.model).can(ability, self.config_)

    def require(self, ability: str) -> None:
        """Raise a :class:`~aekit.errors.ConfigError` saying how to get a model that can, unless this one can.

        Parameters
        ----------
        ability : str
            One of :data:`aekit.models.ABILITIES` (see :meth:`can`).

        Raises
        ------
        aekit.ConfigError
            If the model lacks ``ability``; the message says what the model is and how to train one that has it.
        """
        require(self, ability)

    def sample(self, n: int, seed: int | None = 0) -> np.ndarray:
        """``n`` new samples in the data's units, codes drawn from the N(0, I) prior and decoded; the same seed
        gives the same samples, after save and load too. Gaussian codes only.

        Parameters
        ----------
        n : int
            How many samples, at least 1.
        seed : int or None, default=0
            Seed of the NumPy generator the codes are drawn from; None draws differently on every call.

        Returns
        -------
        samples : ndarray of shape ``(n,) + input_shape_``
            float32 decoded samples in the training data's units (a Bernoulli decoder's probabilities, not
            binary draws).
        """
        return generation.sample(self, n, seed)

    def latent_grid(self, size: int = 20) -> np.ndarray:
        """For a 2-D Gaussian code: the decoded ``size`` x ``size`` grid of codes at the prior's quantiles 5 % to
        95 % on each axis (the latent-space manifold), shape ``(size, size, *sample_shape)``.

        Parameters
        ----------
        size : int, default=20
            Points per axis.

        Returns
        -------
        grid : ndarray of shape ``(size, size) + input_shape_``
            float32 decoded samples in the training data's units; row ``i``, column ``j`` decodes the code
            with the ``j``-th quantile on the first axis and the ``i``-th from the top on the second (the top
            row has the highest second coordinate).
        """
        return generation.latent_grid(self, size)

    def interpolate(self, a, b, steps: int = 10, *, slerp: bool = False) -> np.ndarray:
        """``steps`` samples decoded along the path from the code of ``a`` to that of ``b`` (both included):
        linear, or spherical with ``slerp=True``. Vector and Gaussian codes.

        Parameters
        ----------
        a, b : array-like
            One sample each, of the training data's shape (``input_shape_``, a batch of one, or as many values
            flat), in its units.
        steps : int, default=10
            How many points on the path, at least 2 (the two ends included).
        slerp : bool, default=False
            Walk the great circle between the codes instead of the straight line (keeps Gaussian codes at a
            typical distance from the origin).

        Returns
        -------
        path : ndarray of shape ``(steps,) + input_shape_``
            float32 decoded samples in the training data's units, from ``a``'s code to ``b``'s.
        """
        return generation.interpolate(self, a, b, steps, slerp=slerp)

    def denoise(self, X, noise_level: float | None = None):
        """Restore noisy images: an array ``(n, h, w[, c])`` or a list of arrays of any sizes, in the training
        data's units; returns the same structure. Warns when the model was not trained with input noise.

        Parameters
        ----------
        X : ndarray or list of ndarray
            Images ``(n, h, w)`` or ``(n, h, w, c)`` of one size, or a list of images ``(h, w)`` or
            ``(h, w, c)`` of any sizes, in the training data's units. A table model takes rows and returns
            :meth:`reconstruct`'s output.
        noise_level : float, optional
            A blind denoiser only (``blind=True``): the noise's standard deviation in the scaled images' units
            (as ``noise_level`` at training; 0.1 is 25 of 255 levels). None estimates each image's from its
            pixels. A larger value smooths more.

        Returns
        -------
        restored : ndarray or list of ndarray
            The restored images, of the input's sizes, in the training data's units: one array
            ``(n, h, w, c)`` for an array, one ``(h, w, c)`` per image for a list.
        """
        return restoration.restore(self, X, "denoise", noise_level)

    def upscale(self, X):
        """Enlarge images ``upscale_factor`` times: an array ``(n, h, w[, c])`` or a list of arrays of any sizes,
        in the training data's units; returns the same structure.

        Parameters
        ----------
        X : ndarray or list of ndarray
            Images ``(n, h, w)`` or ``(n, h, w, c)`` of one size, or a list of images ``(h, w)`` or
            ``(h, w, c)`` of any sizes, in the training data's units.

        Returns
        -------
        upscaled : ndarray or list of ndarray
            The images ``upscale_factor`` times larger on each side, in the training data's units: one array
            ``(n, h * f, w * f, c)`` for an array, one image per image for a list.
        """
        return restoration.restore(self, X, "upscale")

    def compress(self, images, names: list[str] | None = None) -> bytes:
        """The ``.aez`` bytes of ``images`` ``(n, h, w[, c])`` in the training data's units (``names``, one per
        image, are stored for ``aekit decompress``).

        Parameters
        ----------
        images : array-like of shape (n, h, w) or (n, h, w, c)
            At least one image of the size and channels the model was trained on (``(n, h, w)`` for a
            one-channel model), in the training data's units (0-255 for 8-bit images). Values are rounded to
            8-bit levels first.
        names : list of str, optional
            One name per image, stored in the file for ``aekit decompress`` to write the images under.

        Returns
        -------
        bytes
            The ``.aez`` file's contents (:mod:`aekit.data.aez`).
        """
        return codec.compress_images(self, images, names)

    def decompress(self, data: bytes, source: str = "the data") -> np.ndarray:
        """The images in ``.aez`` bytes, ``(n, h, w, c)``: uint8 for a model of 8-bit images, else float32 in
        [0, 1]. A file from another model, truncated or corrupted, raises ``DataError``.

        Parameters
        ----------
        data : bytes
            The contents of a ``.aez`` file written by :meth:`compress` with this model.
        source : str, default="the data"
            What to call ``data`` in error messages (e.g. the file's path).

        Returns
        -------
        images : ndarray of shape (n, h, w, c)
            In the training data's units: uint8 for a model of pixel values (8-bit files, or another integer
            range such as the bundled digits' 0-16), float32 in [0, 1] on 1/255 steps for a model of [0, 1] values.
        """
        from ..data import aez

        return codec.decompress_container(self, aez.unpack(data, source), source)

    def export(self, path, format: str = "saved_model", part: str = "encoder", overwrite: bool = False) -> Path:
        """Write the encoder, decoder or whole model as a standalone graph with the scaling folded in: a TensorFlow
        SavedModel folder (``format="saved_model"``), an ONNX file (``"onnx"``, needs ``aekit[export]``) or a
        LiteRT ``.tflite`` file (``"litert"``). ``part="encoder"`` takes data in its own units and gives what
        ``transform`` gives; ``"decoder"`` gives ``inverse_transform``, ``"model"`` gives ``reconstruct``. See
        :mod:`aekit.estimator.export` for which format each backend writes.

        Parameters
        ----------
        path : str or os.PathLike
            Where to write: a folder for ``"saved_model"``, a file for ``"onnx"``, a file ending in ``.tflite``
            for ``"litert"``.
        format : {"saved_model", "onnx", "litert"}, default="saved_model"
            The file format.
        part : {"encoder", "decoder", "model"}, default="encoder"
            Which inference path to export: data to codes, codes to data, or data to its reconstruction.
        overwrite : bool, default=False
            Replace an existing file, or write into a folder holding files aekit did not write (see
            :mod:`aekit.core.outputs`).

        Returns
        -------
        pathlib.Path
            The path written.
        """
        from .export import export_model

        return export_model(self, path, format=format, part=part, overwrite=overwrite)

    # -- saving ----------------------------------------------------------------------------------
    def save(self, path, overwrite: bool = False) -> Path:
        """Write the run directory; reload it with :func:`aekit.load`.

        ``path`` may be missing, empty or an aekit run (replaced: only the files aekit wrote there go); a folder
        holding other files needs ``overwrite=True``, and even then its other files stay. See
        :mod:`aekit.core.outputs`.

        Parameters
        ----------
        path : str or os.PathLike
            The run directory to write.
        overwrite : bool, default=False
            Allow a folder that holds files aekit did not write.

        Returns
        -------
        pathlib.Path
            The run directory written.
        """
        self._check_fitted()
        return save_artifact(self, path, overwrite=overwrite)

    def _run_meta(self) -> dict:
        return run_meta(self)

    def _run_restore(self, meta: dict, model, history: dict) -> None:
        restore_fitted(self, meta, model, history)

    def _run_preview(self):
        preview = getattr(self, "_preview", None)
        if preview is None or not len(preview):
            return None
        return preview, self.reconstruct_scaled(preview), self.kind_

    # -- helpers -------------------------------------------------------------------------------
    def _report(self, inputs: np.ndarray, targets: np.ndarray, kind: str) -> dict:
        return reconstruction_report(targets, self.reconstruct_scaled(inputs), kind, units=self.scaler_.units)

    def _predict(self, method: str, x: np.ndarray):
        model = self.model_
        plain = getattr(type(model), method) is getattr(AutoencoderModel, method)
        if plain:  # the encoder or decoder alone: the same program as ever, no wrapper
            return predict_fixed_batches(model.encoder if method == "encode" else model.decoder, x)
        return predict_method(model, method, x)

    def __sklearn_is_fitted__(self) -> bool:
        return "model_" in self.__dict__

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet. Call fit(X) first, or load a saved "
                                 "one with aekit.load(path).")


install_signature(Autoencoder, trailing={"run_dir": None, "overwrite": False, "random_state": None, "verbose": 0},
                  types={"run_dir": "str | os.PathLike[str] | None", "overwrite": "bool", "random_state": "int | None",
                         "verbose": "int | str"},
                  help={"run_dir": "Folder to write the run into while training (model, aekit.json, history, plots, "
                                   "TensorBoard logs, checkpoints); None keeps the model in memory until save().",
                        "overwrite": "Allow run_dir to be a folder holding files aekit did not write (only files of "
                                     "the names aekit writes are replaced).",
                        "random_state": "scikit-learn's name for seed: an integer that wins over seed when given.",
                        "verbose": "Keras's verbosity while training: 0 silent, 1 a progress bar, 2 a line per "
                                   "epoch; other than 0, aekit's notes are logged at INFO on the aekit logger (at "
                                   "DEBUG otherwise)."})
