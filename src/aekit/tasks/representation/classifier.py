"""aekit.Classifier: a softmax head on an autoencoder's encoder, frozen first and then fine-tuned."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ...core.errors import ConfigError, DataError, NotFittedError
from ...data.dataset import Dataset, sample_shape_error
from ...data.scaling import Scaler
from ...estimator.conventions import seed_of
from ...estimator.inference import predict_fixed_batches
from ._common import as_dataset, check_class_labels, require_labels

MODEL_FILE, META_FILE = "classifier.keras", "classifier.json"


class Classifier(ClassifierMixin, BaseEstimator):
    """A classifier initialised from a trained encoder (unsupervised pretraining, then supervised training).

    ``encoder`` is one of:

    - a fitted :class:`aekit.Autoencoder` (its encoder and scaler are used),
    - the path of a run directory (``aekit train -o RUN``),
    - an unfitted :class:`aekit.Autoencoder`, which ``fit`` first trains on ``X`` without labels,
    - a ``keras.Model`` mapping samples to codes (inputs are scaled with ``scaling``).

    Training has two phases. With ``pretrained=True`` the encoder's weights are copied (the encoder
    given is never changed), the encoder is frozen and only the softmax head (on the standardised
    code) trains for ``freeze_epochs`` at ``head_learning_rate``, a rate that suits one linear layer;
    then everything trains for ``epochs`` at the much lower ``fine_tune_learning_rate``, so the
    pretrained features are adjusted rather than overwritten. With ``pretrained=False`` the same
    architecture starts from fresh random weights and trains for ``freeze_epochs + epochs`` at
    ``learning_rate``: the baseline "same network from scratch". Every phase decays its rate on a
    cosine schedule. Training runs at least ``min_steps`` optimiser steps in all, since 100 labels make one
    step per epoch: when the epochs give fewer, every phase's epochs are multiplied by the same factor, so a
    pretrained and a from-scratch classifier always take the same number of steps.

    Example::

        ae = aekit.Autoencoder(preset="hinton2006", epochs=30).fit(unlabelled_images)
        clf = aekit.Classifier(encoder=ae).fit(X_small, y_small)
        clf.score(X_test, y_test)

    Parameters
    ----------
    encoder : Autoencoder, str, os.PathLike or keras.Model, default=None
        Where the network below the head comes from (see above). Required: None is refused by ``fit``. It is
        never changed: ``fit`` trains a copy (``encoder_``), and an unfitted Autoencoder is cloned before
        it is pretrained (``autoencoder_``).
    pretrained : bool, default=True
        Start from the encoder's weights (frozen first, then fine-tuned); False trains the same architecture
        from fresh random weights (an unfitted Autoencoder is then not trained at all: only its architecture
        is built).
    freeze_epochs : int, default=10
        Epochs of the first phase, which trains the head only on the frozen encoder (with ``pretrained=True``).
        At least 0.
    epochs : int, default=30
        Epochs of the second phase, which fine-tunes everything (with ``pretrained=True``). At least 0, and
        ``freeze_epochs + epochs`` at least 1; from scratch, the network trains for ``freeze_epochs + epochs``.
    head_learning_rate : float, default=1e-2
        Learning rate of the first phase (the head alone). Greater than 0.
    fine_tune_learning_rate : float, default=3e-4
        Learning rate of the second phase (the whole network). Greater than 0.
    learning_rate : float, default=1e-3
        Learning rate of training from scratch (``pretrained=False``). Greater than 0.
    optimizer : {"adam", "rmsprop", "sgd"}, default="adam"
        The Keras optimizer of every phase.
    batch_size : int, default=128
        Samples per batch (at most the number of training samples). At least 1.
    min_steps : int, default=500
        The fewest optimiser steps training takes in all: when the phases' epochs give fewer, every phase's
        epochs are multiplied by the same whole factor (kept in ``epoch_stretch_``). 0 turns this off.
    dropout : float, default=0.0
        Dropout rate between the standardised code and the head, in [0, 1); 0 adds no dropout layer.
    validation_split : float, default=0.0
        Share of the labelled samples held out for validation (a seeded random draw), in [0, 1). With a
        validation share, each phase stops early after ``patience`` epochs without a lower validation loss and
        keeps its best weights.
    patience : int, default=10
        Epochs without improvement before a phase stops; used only with ``validation_split > 0``, and 0 turns
        early stopping off. At least 0.
    scaling : {"auto", "minmax", "standard", "none"}, default="auto"
        How inputs are scaled for an encoder given as a ``keras.Model`` (a scaler fitted on ``X``, see
        :meth:`aekit.data.Scaler.choose`). An Autoencoder's own fitted scaler is used otherwise.
    seed : int, default=0
        Seed of the fresh weights (the head's, and from scratch the encoder's), the dropout, the validation
        split and the shuffling of batches.
    random_state : int, optional
        scikit-learn's name for ``seed``: a non-negative integer that, when given, wins over ``seed``.
    verbose : int or str, default=0
        Keras's verbosity in training: 0 silent, 1 a progress bar, 2 one line per epoch, ``"auto"``.
    """

    def __init__(self, encoder=None, pretrained=True, freeze_epochs=10, epochs=30, head_learning_rate=1e-2,
                 fine_tune_learning_rate=3e-4, learning_rate=1e-3, optimizer="adam", batch_size=128, min_steps=500,
                 dropout=0.0, validation_split=0.0, patience=10, scaling="auto", seed=0, random_state=None,
                 verbose=0):
        self.encoder = encoder
        self.pretrained = pretrained
        self.freeze_epochs = freeze_epochs
        self.epochs = epochs
        self.head_learning_rate = head_learning_rate
        self.fine_tune_learning_rate = fine_tune_learning_rate
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.batch_size = batch_size
        self.min_steps = min_steps
        self.dropout = dropout
        self.validation_split = validation_split
        self.patience = patience
        self.scaling = scaling
        self.seed = seed
        self.random_state = random_state
        self.verbose = verbose

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, X, y=None) -> "Classifier":
        """Train on samples ``X`` with labels ``y`` (or the labels of an :class:`aekit.data.Dataset`).

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Training samples: rows ``(n, features)`` or images ``(n, h, w)`` / ``(n, h, w, c)`` (flat rows of
            an image encoder's pixels are reshaped), in the units the encoder was trained on.
        y : array-like of shape (n,), optional
            One class label per sample (binary or multiclass, at least two classes); wins over a Dataset's own
            labels, which are used when ``y`` is None.

        Returns
        -------
        self : Classifier
            The fitted classifier, with ``classes_``, ``model_``, ``encoder_`` and ``history_`` set.
        """
        import keras

        from ...data.pipeline import split_indices

        self._check_params()
        dataset = as_dataset(X, y)
        labels = require_labels(dataset, "Classifier.fit")
        labels = check_class_labels(labels)
        self.classes_, targets = np.unique(labels, return_inverse=True)
        if len(self.classes_) < 2:
            raise DataError(f"Received labels of 1 class ({self.classes_[0]!r}); expected at least two.")
        seed = self.seed if self.random_state is None else seed_of(self.random_state)
        started = time.perf_counter()
        encoder, scaler = self._source_encoder(dataset)
        self.scaler_ = scaler
        self.input_shape_ = tuple(int(d) for d in encoder.input_shape[1:])
        self.n_features_in_ = int(np.prod(self.input_shape_))
        x = self._scaled(dataset)
        keras.utils.set_random_seed(seed)
        # clone_model builds fresh layers: the caller's encoder is never trained or changed.
        self.encoder_ = keras.models.clone_model(encoder)
        if self.pretrained:
            self.encoder_.set_weights(encoder.get_weights())
        train_index, val_index = split_indices(len(x), self.validation_split, seed)
        validation = (x[val_index], targets[val_index]) if len(val_index) else None
        x_train, y_train = x[train_index], targets[train_index]
        self.model_ = self._build(self.encoder_, len(self.classes_), x_train, seed)
        self.history_ = {}
        steps_per_epoch = math.ceil(len(x_train) / min(self.batch_size, len(x_train)))
        stretch = max(1, math.ceil(self.min_steps / (steps_per_epoch * (self.freeze_epochs + self.epochs))))
        self.epoch_stretch_ = stretch
        if self.pretrained:
            self.encoder_.trainable = False
            self.history_["frozen"] = self._train(x_train, y_train, validation,
                                                  self.freeze_epochs * stretch, self.head_learning_rate)
            self.encoder_.trainable = True
            self.history_["fine_tune"] = self._train(x_train, y_train, validation,
                                                     self.epochs * stretch, self.fine_tune_learning_rate)
        else:
            self.history_["scratch"] = self._train(x_train, y_train, validation,
                                                   (self.freeze_epochs + self.epochs) * stretch, self.learning_rate)
        self.training_seconds_ = time.perf_counter() - started
        return self

    def _check_params(self) -> None:
        for name, lowest in (("freeze_epochs", 0), ("epochs", 0), ("min_steps", 0), ("patience", 0),
                             ("batch_size", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lowest:
                raise ConfigError(f"Received {name}={value!r}; expected an integer >= {lowest}.")
        if self.freeze_epochs + self.epochs < 1:
            raise ConfigError("Received freeze_epochs=0 and epochs=0; expected at least one epoch of training.")
        for name in ("head_learning_rate", "fine_tune_learning_rate", "learning_rate"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"Received {name}={getattr(self, name)!r}; expected a value > 0, e.g. 1e-3.")
        for name in ("dropout", "validation_split"):
            if not 0 <= getattr(self, name) < 1:
                raise ConfigError(f"Received {name}={getattr(self, name)!r}; expected 0 <= {name} < 1.")
        if self.optimizer not in ("adam", "rmsprop", "sgd"):
            from ...core.errors import unknown_name_error

            raise unknown_name_error("optimizer", self.optimizer, ("adam", "rmsprop", "sgd"))

    def _source_encoder(self, dataset: Dataset):
        """(encoder keras.Model, fitted scaler) from whatever ``encoder`` holds."""
        import keras
        from sklearn.base import clone

        from ...estimator.autoencoder import Autoencoder
        from ._common import resolve_autoencoder

        source = self.encoder
        if source is None:
            raise ConfigError("Received encoder=None; expected a fitted aekit.Autoencoder, a run directory path, "
                              "an unfitted aekit.Autoencoder to pretrain on X, or a keras.Model.")
        if isinstance(source, keras.Model):
            return source, Scaler.choose(self.scaling, dataset.kind, dataset.X).fit(dataset.X)
        if isinstance(source, Autoencoder) and not hasattr(source, "model_"):
            if not self.pretrained:  # from scratch: only the architecture is needed, so skip pretraining
                from ...models import build_model

                scaler = Scaler.choose(source.scaling, dataset.kind, dataset.X).fit(dataset.X)
                # The config of a copy: resolving it caches it on the estimator, and a parameter must stay as given.
                model = build_model(clone(source).config(), dataset.sample_shape, scaler.output_range)
                return model.encoder, scaler
            # Pretrain a copy: scikit-learn estimators never modify their parameters.
            self.autoencoder_ = clone(source).fit(Dataset(dataset.X, None, dataset.kind, dataset.name))
            return self.autoencoder_.encoder_, self.autoencoder_.scaler_
        autoencoder = resolve_autoencoder(source)
        return autoencoder.encoder_, autoencoder.scaler_

    def _build(self, encoder, n_classes: int, x_train: np.ndarray, seed: int):
        import keras

        # A linear code has an arbitrary scale (MNIST codes reach +-10): standardising it with the training
        # codes' statistics lets one head learning rate work for every encoder. The statistics are fixed
        # weights of the model, so fine-tuning and saving keep them.
        codes = predict_fixed_batches(encoder, x_train).astype(np.float64)
        inputs = keras.Input(shape=self.input_shape_, name="input")
        x = keras.layers.Normalization(mean=codes.mean(axis=0), variance=codes.var(axis=0),
                                       name="code_standardisation")(encoder(inputs))
        if self.dropout:
            x = keras.layers.Dropout(self.dropout, seed=seed, name="head_dropout")(x)
        outputs = keras.layers.Dense(n_classes, activation="softmax", name="head")(x)
        return keras.Model(inputs, outputs, name="classifier")

    def _train(self, x, y, validation, epochs: int, learning_rate: float) -> dict[str, list[float]]:
        import keras

        from ...core.config import Config
        from ...training.fit import infer_in_graphs, make_optimizer, train_eagerly

        if epochs == 0:
            return {}
        batch_size = min(self.batch_size, len(x))
        steps_per_epoch = math.ceil(len(x) / batch_size)
        schedule = Config(optimizer=self.optimizer, learning_rate=learning_rate, schedule="cosine", epochs=epochs)
        # Recompiling after a trainable switch is what makes Keras pick up the new set of trained weights.
        self.model_.compile(optimizer=make_optimizer(schedule, steps_per_epoch),
                            loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        train_eagerly(self.model_, epochs * steps_per_epoch)
        callbacks = []
        if validation is not None and self.patience:
            callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=self.patience,
                                                           restore_best_weights=True))
        history = self.model_.fit(x, y, batch_size=batch_size, epochs=epochs, validation_data=validation,
                                  shuffle=True, callbacks=callbacks, verbose=self.verbose)
        infer_in_graphs(self.model_)
        return {k: [float(v) for v in values] for k, values in history.history.items()}

    # -- using a fitted classifier -------------------------------------------------------------
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training samples' shape (or as many values flat), in the same units.

        Returns
        -------
        probabilities : ndarray of shape (n, n_classes)
            float32 softmax probabilities; each row sums to 1.
        """
        scaled = self._scaled(as_dataset(X))  # checks fitted-ness first
        return predict_fixed_batches(self.model_, scaled)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample.

        Parameters
        ----------
        X : array-like, pandas.DataFrame or aekit.data.Dataset
            Samples of the training samples' shape (or as many values flat), in the same units.

        Returns
        -------
        labels : ndarray of shape (n,)
            One of ``classes_`` per sample.
        """
        proba = self.predict_proba(X)  # raises NotFittedError before classes_ is needed
        return self.classes_[np.argmax(proba, axis=1)]

    def _scaled(self, dataset: Dataset) -> np.ndarray:
        if not hasattr(self, "scaler_"):
            raise NotFittedError("This Classifier is not fitted yet. Call fit(X, y) first, or load a saved one "
                                 "with aekit.Classifier.load(path).")
        X = dataset.X
        if dataset.sample_shape != self.input_shape_:
            if int(np.prod(dataset.sample_shape)) != self.n_features_in_:
                raise sample_shape_error(dataset.sample_shape, self.input_shape_)
            X = X.reshape(len(X), *self.input_shape_)  # e.g. flat (n, 784) rows for a (28, 28, 1) encoder
        return self.scaler_.transform(X)

    # -- saving --------------------------------------------------------------------------------
    def save(self, path, overwrite: bool = False) -> Path:
        """Write ``classifier.keras`` and ``classifier.json`` into a directory, under the output rule of
        :mod:`aekit.core.outputs`.

        The parameters are saved except ``encoder`` (the trained network holds it) and ``verbose``.

        Parameters
        ----------
        path : str or os.PathLike
            The directory to write (created if missing).
        overwrite : bool, default=False
            Allow a directory that holds files aekit did not write.

        Returns
        -------
        pathlib.Path
            The directory written.
        """
        from ...core.outputs import check_folder, staged
        from ...runs.directory import library_versions

        if not hasattr(self, "model_"):
            raise NotFittedError("This Classifier is not fitted yet. Call fit(X, y) before save().")
        path = Path(path)
        params = {k: v for k, v in self.get_params(deep=False).items() if k not in ("encoder", "verbose")}
        meta = {"format": "aekit-classifier", "format_version": 1, "params": params,
                "classes": self.classes_.tolist(), "input_shape": list(self.input_shape_),
                "scaler": self.scaler_.to_dict(), "history": self.history_, "versions": library_versions()}
        check_folder(path, overwrite=overwrite, names=(MODEL_FILE, META_FILE), what="classifier folder")
        with staged(path) as staging:
            self.model_.save(staging / MODEL_FILE)
            (staging / META_FILE).write_text(json.dumps(meta, indent=2))
        return path

    @classmethod
    def load(cls, path) -> "Classifier":
        """Restore a classifier written by :meth:`save` (Keras ``safe_mode``; nothing is unpickled).

        Parameters
        ----------
        path : str or os.PathLike
            A directory written by :meth:`save` (or ``aekit classify --save``).

        Returns
        -------
        Classifier
            The fitted classifier, ready to predict. Its ``encoder`` parameter is None (it was not saved), so
            fitting it again needs ``set_params(encoder=...)`` first.
        """
        import keras

        from ...core.errors import ArtifactError

        path = Path(path)
        if not (path / MODEL_FILE).is_file() or not (path / META_FILE).is_file():
            raise ArtifactError(f"No saved classifier at {path}: expected a directory holding {MODEL_FILE} and "
                                f"{META_FILE}, written by Classifier.save() or `aekit classify --save`.")
        try:
            meta = json.loads((path / META_FILE).read_text())
            model = keras.saving.load_model(path / MODEL_FILE, compile=False, safe_mode=True)
        except (ValueError, OSError, KeyError) as exc:
            raise ArtifactError(f"The classifier in {path} is corrupted ({type(exc).__name__}: {str(exc)[:200]}); "
                                "retrain it.") from None
        classifier = cls(**meta["params"])
        classifier.model_ = model
        classifier.encoder_ = next(layer for layer in model.layers if isinstance(layer, keras.Model))
        classifier.classes_ = np.asarray(meta["classes"])
        classifier.input_shape_ = tuple(meta["input_shape"])
        classifier.n_features_in_ = int(np.prod(classifier.input_shape_))
        classifier.scaler_ = Scaler.from_dict(meta["scaler"])
        classifier.history_ = meta.get("history", {})
        return classifier
