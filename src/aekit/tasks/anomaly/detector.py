"""``AnomalyDetector``: an autoencoder that flags what it reconstructs badly, with PyOD's detector contract."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Literal

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin

from ...core.config import Config
from ...core.errors import ConfigError, NotFittedError
from ...data.dataset import as_dataset
from ...estimator import Autoencoder
from ...estimator.signature import assign_params, install_signature
from ...runs import register_estimator, save_artifact
from ...runs.pickling import PicklesAsRun
from .architecture import auto_architecture, auto_batch_size, auto_epochs
from .blend import Blend
from .columns import check_training_rows
from .defaults import (
    DEFAULT_OVERRIDES,
    EXCLUDED,
    MIN_TRAINING_ROWS,
    NOVELTY_NEIGHBOURS,
    OUTLIER_NEIGHBOURS,
    OWN_HELP,
    OWN_PARAMS,
    OWN_TYPES,
    ROBUST_FIRST_SHARE,
    ROBUST_ROUNDS,
)
from .isolation import IsolationModel
from .labels import check_partial_labels, fit_label_part
from .neighbours import NeighbourModel
from .param_checks import check_detector_params
from .persist import extra_meta, restore_extra_files, restore_extra_meta, save_extra_files
from .scoring import residuals, resolve_method, score_chunks, training_scores
from .thresholds import (
    check_binary_labels,
    check_contamination,
    threshold_for_objective,
    unsupervised_threshold,
)


@register_estimator
class AnomalyDetector(PicklesAsRun, OutlierMixin, BaseEstimator):
    """Flags rows (or images) that an autoencoder trained on normal data reconstructs badly.

    Follows PyOD's detector API: ``fit(X)`` then ``decision_function(X)`` (higher = more anomalous),
    ``predict(X)`` (1 = anomaly, 0 = normal), ``predict_proba(X)`` (``(n, 2)``: normal, anomaly) and
    ``predict_confidence(X)``; after fitting, ``decision_scores_`` (training scores), ``threshold_`` and
    ``labels_`` (training labels). It is a scikit-learn ``OutlierMixin`` (an outlier detector to
    ``GridSearchCV`` and pipelines) whose ``score_samples`` has scikit-learn's direction (higher = more normal);
    its ``predict`` keeps PyOD's 0/1 rather than scikit-learn's -1/1.

    The score of a table row has parts. The reconstruction part turns the row's residual (in the scaled space)
    into one number, see :mod:`aekit.tasks.anomaly.scoring` (``score_method="auto"``, the default, is the
    Mahalanobis distance of the residual from the training residuals for tables and the mean squared error for
    images; ``"normalized"`` divides each value's squared error by its training mean; ``"mse"`` is the plain mean
    squared error); the neighbour part is the squared distance to the nearest training rows, see
    :mod:`aekit.tasks.anomaly.neighbours`. Images score by reconstruction alone.

    Which parts, and how they combine, follows scikit-learn's split between outlier and novelty detection:

    - ``novelty=False`` (the default; the training rows may hold anomalies, as in most real data): training is
      robust (``robust="auto"``), the neighbour part averages the 5 nearest rows the robust model kept, an
      isolation part joins (:mod:`aekit.tasks.anomaly.isolation`), and the three are combined on their training
      distributions (:mod:`aekit.tasks.anomaly.blend`);
    - ``novelty=True`` (every training row is normal: the semi-supervised setting, ``--normal-only``): one model
      trains on every row, and the score is the reconstruction part plus the distance to the nearest training
      row, each divided by its training mean.

    Parameters beyond the architecture (which are the :class:`aekit.Autoencoder` ones; ``hidden``,
    ``latent_dim`` left as None and ``epochs`` and ``batch_size`` left "auto" are chosen from the data's width and size,
    see :mod:`aekit.tasks.anomaly.architecture`):

    - ``contamination``: expected fraction of anomalies in the training data, in (0, 0.5];
    - ``threshold``: ``"contamination"`` (flag that fraction of the training rows, PyOD), ``"mean_std"``
      (mean + ``k`` std of the training scores, the TensorFlow tutorial), ``"max"`` (the largest training
      score) or a number; with labels, :meth:`fit_threshold` maximises F1 or meets a recall/precision target;
    - ``standardize``: standardise table columns (on by default; images are always scaled to [0, 1]);
    - ``novelty``: ``True`` when every training row is normal (see above); ``labels="use"`` with no row labelled
      -1 (unknown) implies it, since every row that is not a known anomaly is then known to be normal.
      ``novelty_`` says which way the detector was fitted;
    - ``robust``: for contaminated training data: train briefly, drop the ``contamination`` share of training
      rows reconstructed worst, and train a fresh model on the rest (about 1.25 times the training time);
      ``trimmed_`` lists the rows left out. ``"auto"`` (the default) is on for tables unless ``novelty=True``;
    - ``neighbours``: how many nearest training rows the neighbour part averages; ``"auto"`` is 1 with
      ``novelty=True``, 5 otherwise, for tables, and 0 (reconstruction only) for images;
    - ``labels``: ``"ignore"`` (``fit`` ignores ``y``, PyOD's contract) or ``"use"``: ``y`` gives 0 (normal), 1
      (anomaly) or -1 (unknown) per training row, and known anomalies add a label part to the score and set the
      threshold, see :mod:`aekit.tasks.anomaly.labels`.

    Unlike :class:`aekit.Autoencoder`, training runs a short fixed budget of steps (learning rate 3e-3, cosine
    schedule) on every training row, without a validation split or early stopping: on the benchmark tables that
    reached the AUC of 3x longer runs, and validating every epoch cost more time than training on small tables
    (see benchmarks/anomaly.py and :mod:`aekit.tasks.anomaly.architecture`).

    Example::

        detector = aekit.AnomalyDetector(contamination=0.01).fit(X)          # X may hold anomalies
        detector = aekit.AnomalyDetector(novelty=True).fit(X_normal)         # every training row is normal
        flags = detector.predict(X_new)             # 0/1
        why = detector.explain(X_new[flags == 1])   # the columns reconstructed worst, per row
    """

    RUN_DESCRIPTION = "an anomaly-detector run (`aekit detect fit`)"
    RUN_HINT = "Use it with `aekit detect score`, `report` or `explain`."

    if TYPE_CHECKING:  # generated: aekit.estimator.signature.stub; checked by tests/test_packaging.py
        def __init__(
            self,
            *,
            contamination: float | str = 0.1,
            threshold: str | float = 'contamination',
            k: float = 1.0,
            standardize: bool = True,
            novelty: bool = False,
            robust: bool | str = 'auto',
            score_method: str = 'auto',
            neighbours: str | int = 'auto',
            labels: str = 'ignore',
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
            loss: str = 'auto',
            optimizer: str = 'adam',
            learning_rate: float = 0.003,
            momentum: float = 0.9,
            schedule: str = 'cosine',
            epochs: int | str = 'auto',
            batch_size: int | str = 'auto',
            validation_split: float = 0.0,
            early_stopping: bool = False,
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
            random_state: int | None = None,
            verbose: int | str = 0,
        ) -> None: ...
    else:
        def __init__(self, **params):
            assign_params(self, params)

    # -- fitting -------------------------------------------------------------------------------
    def check_params(self) -> float:
        """Check every parameter before any data is read; returns the contamination. (``fit`` checks the
        architecture again once the data's width and size have filled in the automatic values.)

        Returns
        -------
        contamination : float
            ``contamination`` as a float, checked to lie in (0, 0.5].

        Raises
        ------
        aekit.ConfigError
            If a parameter is not valid; the message names it and the values it may take.
        """
        return check_detector_params(self.get_params())

    def fit(self, X, y=None, *, callbacks: list | None = None) -> "AnomalyDetector":
        """Train on ``X`` (normal rows, or contaminated ones with ``robust=True``). ``callbacks`` (Keras callbacks)
        run in the autoencoder's training, in each of its rounds with ``robust=True``.

        ``y`` is ignored unless ``labels="use"``: then it gives each row as 0 (normal), 1 (anomaly) or -1 (unknown);
        known anomalies are kept out of the model of normal data and feed the label part of the score and the
        threshold, see :mod:`aekit.tasks.anomaly.labels`.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            The training rows ``(n, features)`` or images ``(n, h, w)`` / ``(n, h, w, c)``; at least 10.
        y : array-like of shape (n,), optional
            Ignored unless ``labels="use"``, which requires it: 0 (normal), 1 (anomaly) or -1 (unknown) per row.
        callbacks : list of keras.callbacks.Callback, optional
            Keras callbacks of your own, passed to every training of the autoencoder.

        Returns
        -------
        self : AnomalyDetector
            The fitted detector, with ``decision_scores_``, ``threshold_`` and ``labels_`` set.
        """
        contamination = self.check_params()
        dataset = as_dataset(X, name="the training data")
        known = check_partial_labels(y, len(dataset)) if self.labels == "use" else None
        anomalies = None
        if known is not None and (known == 1).any():
            anomalies, dataset = dataset.subset(known == 1), dataset.subset(known != 1)
            known = known[known != 1]
        # Every row left labelled 0 (none unknown): the training rows are known to be normal, whatever novelty says.
        self.novelty_ = bool(self.novelty or (known is not None and not (known == -1).any()))
        check_training_rows(dataset, MIN_TRAINING_ROWS)
        params = self._autoencoder_params(dataset)
        Autoencoder(**params).config()  # check every architecture/training value before any training
        method = resolve_method(self.score_method, dataset.kind, int(np.prod(dataset.sample_shape)))
        started = time.perf_counter()
        kept = np.ones(len(dataset), dtype=bool)
        if self._robust(dataset.kind):
            autoencoder, kept = self._fit_trimmed(dataset, params, contamination, method, callbacks)
        else:
            autoencoder = Autoencoder(**params).fit(dataset, callbacks=callbacks)
        self.autoencoder_ = autoencoder
        self.error_model_, self.decision_scores_ = training_scores(autoencoder, dataset.X, kept, method)
        self.reconstruction_scale_, self.neighbour_model_, self.label_model_ = 1.0, None, None
        self.isolation_model_, self.blend_ = None, None
        neighbours = self._neighbour_count(dataset.kind)
        if dataset.kind == "table" and not self.novelty_:
            self._fit_blend(dataset, kept, neighbours)
        elif neighbours:
            self._fit_neighbours(dataset, kept, neighbours)
        self.trimmed_ = np.flatnonzero(~kept)
        if anomalies is not None:
            # The known anomalies' scores for the threshold leave out the label part, which they would dominate
            # themselves: the threshold is set for anomalies as the model of normal data sees them.
            anomaly_scores = self.decision_function(anomalies.X)
            self.label_model_ = fit_label_part(self, dataset.X, kept, anomalies.X)
            self.decision_scores_ = self.decision_scores_ + self.label_model_.training_part
        self.fit_seconds_ = time.perf_counter() - started
        self._set_threshold(unsupervised_threshold(self.decision_scores_, self.threshold, contamination, self.k),
                            str(self.threshold) if isinstance(self.threshold, str) else "fixed")
        if anomalies is not None and self.threshold == "contamination":
            self._threshold_from_labels(known, anomaly_scores)
        return self

    def _robust(self, kind: str) -> bool:
        """``robust="auto"``: trim for tables that may hold anomalies (``novelty=False``); images train once."""
        return kind == "table" and not self.novelty_ if self.robust == "auto" else bool(self.robust)

    def _neighbour_count(self, kind: str) -> int:
        """``neighbours="auto"``: for tables, 1 with ``novelty=True`` and 5 otherwise (see defaults.py); 0 for
        images."""
        if kind != "table":
            return 0
        if self.neighbours == "auto":
            return NOVELTY_NEIGHBOURS if self.novelty_ else OUTLIER_NEIGHBOURS
        return int(self.neighbours)

    def _fit_blend(self, dataset, kept: np.ndarray, neighbours: int) -> None:
        """``novelty=False``: the reconstruction, neighbour (references: the kept rows) and isolation parts,
        blended on their training distributions (see :mod:`aekit.tasks.anomaly.blend`)."""
        scaled = self.scaler_.transform(dataset.X).reshape(len(dataset), -1)
        parts = {"reconstruction": self.decision_scores_}
        if neighbours:
            self.neighbour_model_, parts["neighbours"] = NeighbourModel.fit(scaled, kept, neighbours, self.config_.seed)
        self.isolation_model_ = IsolationModel.fit(scaled, self.config_.seed)
        parts["isolation"] = self.isolation_model_.scores(scaled)
        self.blend_ = Blend.fit(parts)
        self.decision_scores_ = self.blend_.scores(parts)

    def _fit_neighbours(self, dataset, kept: np.ndarray, neighbours: int) -> None:
        """Add the neighbour part; both parts are divided by their training means (over the kept rows)."""
        self.reconstruction_scale_ = float(np.mean(self.decision_scores_[kept])) or 1.0
        scaled = self.scaler_.transform(dataset.X).reshape(len(dataset), -1)
        self.neighbour_model_, part = NeighbourModel.fit(scaled, kept, neighbours, self.config_.seed)
        self.decision_scores_ = self.decision_scores_ / self.reconstruction_scale_ + part

    def _threshold_from_labels(self, known: np.ndarray, anomaly_scores: np.ndarray) -> None:
        """With known anomalies and ``threshold="contamination"``: the threshold that maximises F1 on the labelled
        rows (known anomalies against the rows labelled normal, or all unlabelled rows when none is)."""
        normal = self.decision_scores_[known == 0] if (known == 0).any() else self.decision_scores_
        scores = np.concatenate([normal, anomaly_scores])
        labels = np.concatenate([np.zeros(len(normal), dtype=int), np.ones(len(anomaly_scores), dtype=int)])
        info = threshold_for_objective(scores, labels, "f1", None)
        self._set_threshold(info["threshold"], "labels:f1")
        self.threshold_info_ = info

    def _fit_trimmed(self, dataset, params: dict, contamination: float, method: str, callbacks: list | None):
        """Robust training on contaminated rows: returns the final autoencoder and the rows it trained on.

        A briefly trained model has learned the bulk of the data but not yet its rare rows (networks fit the
        common patterns first), so its worst-reconstructed ``contamination`` share is mostly anomalies. Those
        rows are dropped and a fresh model is trained on the rest (``ROBUST_ROUNDS`` times; each round re-scores
        every training row, so a row dropped early can come back).
        """
        short = dict(params, epochs=max(1, int(params["epochs"] * ROBUST_FIRST_SHARE)))
        autoencoder = Autoencoder(**short)._fit(dataset, validation_data=None, callbacks=callbacks, resume=False,
                                                summarise=False)
        kept = np.ones(len(dataset), dtype=bool)
        for _ in range(ROBUST_ROUNDS):
            _, scores = training_scores(autoencoder, dataset.X, kept, method)
            kept = scores <= np.quantile(scores, 1 - contamination)
            autoencoder = Autoencoder(**params).fit(dataset.subset(kept), callbacks=callbacks)
        return autoencoder, kept

    def fit_threshold(self, X, y, objective: str = "f1", target: float | None = None) -> "AnomalyDetector":
        """Choose ``threshold_`` on labelled rows (``y``: 1 = anomaly) of data the model was not trained on.

        ``objective="f1"`` maximises F1; ``"recall"`` with ``target=0.9`` picks the highest threshold that
        still catches 90 % of the anomalies; ``"precision"`` with a target picks the lowest threshold whose
        flags are at least that precise. The result is kept in ``threshold_info_``.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Rows (or images) of the training data's shape, columns and units; a DataFrame is matched to the
            training columns by name.
        y : array-like of shape (n,)
            0 (normal) or 1 (anomaly) per row; both must occur.
        objective : {"f1", "recall", "precision"}, default="f1"
            What the threshold optimises (see :func:`aekit.tasks.anomaly.threshold_for_objective`).
        target : float, optional
            The recall or precision to reach, in (0, 1]; required for ``"recall"`` and ``"precision"``, not
            allowed for ``"f1"``.

        Returns
        -------
        self : AnomalyDetector
            The detector with its new ``threshold_`` (``labels_`` are recomputed on the training scores).
        """
        self._check_fitted()
        scores = self.decision_function(X)
        labels = check_binary_labels(y, name="y", n=len(scores))
        info = threshold_for_objective(scores, labels, objective, target)
        self._set_threshold(info["threshold"], objective if target is None else f"{objective}>={target:g}")
        self.threshold_info_ = info
        return self

    def _set_threshold(self, threshold: float, strategy: str) -> None:
        self.threshold_ = float(threshold)
        self.threshold_strategy_ = strategy
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(int)
        self._mu, self._sigma = float(np.mean(self.decision_scores_)), float(np.std(self.decision_scores_))
        self._score_range = (float(np.min(self.decision_scores_)), float(np.max(self.decision_scores_)))

    def _autoencoder_params(self, dataset) -> dict:
        params = {name: getattr(self, name) for name in Config.estimator_defaults(exclude=EXCLUDED)}
        params["verbose"], params["random_state"] = self.verbose, self.random_state
        if dataset.kind == "table":
            params["scaling"] = "standard" if self.standardize else "none"
            if self.preset is None and self.model in ("deep", "dense"):
                hidden, latent = auto_architecture(int(np.prod(dataset.sample_shape)))
                params["hidden"] = hidden if params["hidden"] is None else params["hidden"]
                params["latent_dim"] = latent if params["latent_dim"] is None else params["latent_dim"]
        held_out = self.validation_split if isinstance(self.validation_split, float | int) else 0.0
        train_rows = len(dataset) * (1 - min(max(float(held_out), 0.0), 0.9))
        if params["batch_size"] in (None, "auto"):
            params["batch_size"] = auto_batch_size(train_rows)
        if params["epochs"] in (None, "auto"):
            batch = params["batch_size"]
            valid = isinstance(batch, int) and not isinstance(batch, bool) and batch > 0
            params["epochs"] = auto_epochs(train_rows, batch) if valid else 50  # else the config check names it
        return params

    # -- scoring -------------------------------------------------------------------------------
    def decision_function(self, X) -> np.ndarray:
        """Anomaly score of each row, shape ``(n,)``; higher means more anomalous.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Rows (or images) of the training data's shape, columns and units; a DataFrame is matched to the
            training columns by name.

        Returns
        -------
        scores : ndarray of shape (n,)
            float64 anomaly scores; a row is flagged when its score is above ``threshold_``.
        """
        scaled = self._scaled(X)
        return np.concatenate([self._contributions_of_scaled(part).sum(axis=1) for part in score_chunks(scaled)])

    def score_contributions(self, X) -> np.ndarray:
        """Each value's part of its row's score, ``(n, values)``; rows sum to :meth:`decision_function`.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Rows (or images) of the training data's shape, columns and units; a DataFrame is matched to the
            training columns by name.

        Returns
        -------
        contributions : ndarray of shape (n, values)
            float64, one column per value of a sample (a table's columns, in training order, or an image's
            pixels and channels, flattened). A contribution may be negative (see
            :mod:`aekit.tasks.anomaly.scoring`).
        """
        return np.concatenate([self._contributions_of_scaled(part) for part in score_chunks(self._scaled(X))])

    def _contributions_of_scaled(self, scaled: np.ndarray) -> np.ndarray:
        parts = self.error_model_.contributions(residuals(self.autoencoder_, scaled)) / self.reconstruction_scale_
        neighbour = None if self.neighbour_model_ is None else self.neighbour_model_.contributions(scaled)
        if self.blend_ is not None:
            isolation = self.isolation_model_.scores(scaled)
            parts = self.blend_.contributions({"reconstruction": parts, "neighbours": neighbour}, isolation)
        elif neighbour is not None:
            parts = parts + neighbour
        if self.label_model_ is not None:
            parts = parts + self.label_model_.contributions(scaled.reshape(len(scaled), -1), parts)
        return parts

    def score_parts(self, X) -> dict[str, np.ndarray]:
        """Each part of the score on its own, before they are combined: ``{"reconstruction": (n,),
        "neighbours": (n,), "isolation": (n,)}`` for the parts this detector has (higher = more anomalous in
        each). Shows which part flags a row, and lets a benchmark measure what a per-table choice of parts
        could gain.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Rows (or images) of the training data's shape, columns and units; a DataFrame is matched to the
            training columns by name.

        Returns
        -------
        parts : dict of str to ndarray of shape (n,)
            ``"reconstruction"`` always; ``"neighbours"`` and ``"isolation"`` when the detector has them. The
            label part of ``labels="use"`` is not among them.
        """
        scaled = self._scaled(X)
        flat = scaled.reshape(len(scaled), -1)
        parts = {"reconstruction": np.concatenate([self.error_model_.scores(residuals(self.autoencoder_, chunk))
                                                   for chunk in score_chunks(scaled)])}
        if self.neighbour_model_ is not None:
            parts["neighbours"] = self.neighbour_model_.contributions(flat).sum(axis=1)
        if self.isolation_model_ is not None:
            parts["isolation"] = self.isolation_model_.scores(flat)
        return parts

    def score_samples(self, X) -> np.ndarray:
        """scikit-learn's outlier score, higher = more normal: minus :meth:`decision_function`.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Rows (or images) of the training data's shape, columns and units; a DataFrame is matched to the
            training columns by name.

        Returns
        -------
        scores : ndarray of shape (n,)
            float64, ``-decision_function(X)``.
        """
        return -self.decision_function(X)

    def predict_confidence(self, X) -> np.ndarray:
        """How sure each :meth:`predict` answer is, in [0, 1] (ExCeeD, as PyOD computes it): see
        :mod:`aekit.tasks.anomaly.confidence`.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Rows (or images) of the training data's shape, columns and units; a DataFrame is matched to the
            training columns by name.

        Returns
        -------
        confidence : ndarray of shape (n,)
            float64 in [0, 1]: for a row predicted anomalous, the confidence that it is; for a row predicted
            normal, that it is normal.
        """
        from .confidence import exceed_confidence

        self._check_fitted()
        return exceed_confidence(self.decision_scores_, self.decision_function(X), self.threshold_,
                                 check_contamination(self.contamination))

    def predict(self, X) -> np.ndarray:
        """1 for anomalies (score above ``threshold_``), 0 for normal rows; shape ``(n,)``.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Rows (or images) of the training data's shape, columns and units; a DataFrame is matched to the
            training columns by name.

        Returns
        -------
        labels : ndarray of shape (n,)
            int, 1 for an anomaly and 0 for a normal row (PyOD's convention, not scikit-learn's -1/1).
        """
        self._check_fitted()
        return (self.decision_function(X) > self.threshold_).astype(int)

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit on ``X`` and return the training rows' labels, ``labels_``.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            The training rows or images.
        y : array-like of shape (n,), optional
            Passed on to :meth:`fit`: ignored unless ``labels="use"``, where it gives 0 (normal), 1 (anomaly) or
            -1 (unknown) per row.

        Returns
        -------
        labels : ndarray of shape (n,)
            int, 1 for each training row scored above ``threshold_``, 0 otherwise (PyOD's convention, not
            scikit-learn's -1/1).
        """
        return self.fit(X, y).labels_

    def predict_proba(self, X, method: str = "linear") -> np.ndarray:
        """``(n, 2)`` probabilities of [normal, anomaly], as PyOD computes them.

        ``linear`` rescales scores by the training scores' min and max (clipped to [0, 1]); ``unify``
        maps them through the Gaussian error function of their training mean and std (Kriegel et al. 2011).

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Rows (or images) of the training data's shape, columns and units; a DataFrame is matched to the
            training columns by name.
        method : {"linear", "unify"}, default="linear"
            How scores become probabilities (see above).

        Returns
        -------
        probabilities : ndarray of shape (n, 2)
            Column 0 the probability of normal, column 1 of anomaly; each row sums to 1.
        """
        from scipy.special import erf

        self._check_fitted()
        scores = self.decision_function(X)
        if method == "linear":
            low, high = self._score_range
            anomalous = np.clip((scores - low) / ((high - low) or 1.0), 0, 1)
        elif method == "unify":
            anomalous = np.clip(erf((scores - self._mu) / ((self._sigma or 1.0) * np.sqrt(2))), 0, 1)
        else:
            raise ConfigError(f"Received method={method!r}; expected 'linear' or 'unify'.")
        return np.stack([1 - anomalous, anomalous], axis=1)

    # -- explanations, saving --------------------------------------------------------------------
    def explain(self, X, top: int = 3):
        """For tables: each row's worst-reconstructed columns, with values, reconstructions and shares.

        See :mod:`aekit.tasks.anomaly.explain`; images raise :class:`~aekit.errors.DataError` (use
        :meth:`error_maps`).

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Rows (or images) of the training data's shape, columns and units; a DataFrame is matched to the
            training columns by name.
        top : int, default=3
            How many columns per row, at least 1 (at most every column).

        Returns
        -------
        pandas.DataFrame
            One line per row and column, ``top`` per row, largest contribution first, with the columns ``row``
            (the DataFrame's index, or the row's position), ``score``, ``is_anomaly`` (0/1), ``rank`` (from 1),
            ``feature``, ``value`` and ``expected`` (the row's value and its reconstruction, in the data's
            units), ``contribution`` and ``share`` (``contribution / score``).
        """
        from .explain import explain_rows

        return explain_rows(self, X, top=top)

    def error_maps(self, X) -> np.ndarray:
        """For images: per-pixel squared error ``(n, height, width)``, to draw as heat maps.

        Parameters
        ----------
        X : array-like or aekit.data.Dataset
            Images of the training data's shape and units. A table model raises
            :class:`~aekit.errors.DataError` (use :meth:`explain`).

        Returns
        -------
        maps : ndarray of shape (n, height, width)
            float64 squared reconstruction error of each pixel in the scaled space, averaged over channels.
        """
        from .explain import error_maps

        return error_maps(self, X)

    def plot_error_maps(self, X, path, count: int = 8):
        """For images: draw originals, reconstructions and error heat maps of the first ``count`` images into
        ``path``; returns the matplotlib Figure.

        Parameters
        ----------
        X : array-like or aekit.data.Dataset
            Images of the training data's shape and units.
        path : str or os.PathLike
            The image file to write (atomically; an existing file is replaced); its suffix chooses the format
            (``.png``, ``.pdf``, ``.svg``...).
        count : int, default=8
            How many images, from the first: one column each, with its score above it (``*``: flagged).

        Returns
        -------
        matplotlib.figure.Figure
            The figure written.
        """
        from .explain import plot_error_maps

        return plot_error_maps(self, X, path, count)

    def save(self, path, overwrite: bool = False):
        """Write the run directory (model, scaler, threshold, column names and order) under the output rule of
        :mod:`aekit.core.outputs`; reload it with aekit.load.

        Parameters
        ----------
        path : str or os.PathLike
            The run directory to write: missing, empty or an aekit run (replaced).
        overwrite : bool, default=False
            Allow a folder that holds files aekit did not write (they stay).

        Returns
        -------
        pathlib.Path
            The run directory written.
        """
        self._check_fitted()
        return save_artifact(self, path, overwrite=overwrite)

    # The run protocol (aekit.runs.registry): the autoencoder's state, then the detector's own.
    def _run_meta(self) -> dict:
        params = {k: v for k, v in self.get_params().items() if k != "verbose"}
        return {**self.autoencoder_._run_meta(), "params": params, **extra_meta(self)}

    def _run_restore(self, meta: dict, model, history: dict) -> None:
        restore_extra_meta(self, meta, model, history)

    def _run_save_files(self, folder) -> None:
        save_extra_files(self, folder)

    def _run_restore_files(self, folder) -> None:
        restore_extra_files(self, folder)

    def _run_preview(self):
        return self.autoencoder_._run_preview()

    # -- helpers -------------------------------------------------------------------------------
    def _scaled(self, X) -> np.ndarray:
        self._check_fitted()
        return self.autoencoder_.scale(as_dataset(X, feature_names=self.feature_names_))

    def _inner(self) -> Autoencoder:
        inner = self.__dict__.get("autoencoder_")
        if inner is None:
            raise AttributeError("not fitted")  # hasattr(detector, "model_") is False, as for an unfitted estimator
        return inner

    def __sklearn_is_fitted__(self) -> bool:
        return "autoencoder_" in self.__dict__

    def _check_fitted(self) -> None:
        if not hasattr(self, "autoencoder_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet. Call fit(X) first, or load a saved "
                                 "one with aekit.load(path).")


def _delegated(name: str) -> property:
    def read(self):
        return getattr(self._inner(), name)

    # The docstring goes on the getter, which the property copies it from (tests/docstrings.py reads the getter's).
    read.__doc__ = f"The fitted autoencoder's ``{name}`` (read only; the detector holds it in ``autoencoder_``)."
    return property(read)


# The detector holds its autoencoder; these fitted attributes read through to it rather than being copied.
AUTOENCODER_STATE = ("model_", "encoder_", "decoder_", "scaler_", "units_", "history_", "config_", "input_shape_",
                     "kind_", "n_features_in_", "data_fingerprint_", "feature_names_", "metrics_", "training_seconds_",
                     "code_kind_", "code_shape_")
for _name in AUTOENCODER_STATE:
    setattr(AnomalyDetector, _name, _delegated(_name))

install_signature(AnomalyDetector, leading=OWN_PARAMS, trailing={"random_state": None, "verbose": 0},
                  overrides=DEFAULT_OVERRIDES, exclude=EXCLUDED,
                  types={**OWN_TYPES, "random_state": "int | None", "verbose": "int | str"}, help=OWN_HELP)
