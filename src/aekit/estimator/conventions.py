"""What scikit-learn expects of an estimator beyond fit and transform: the names of the features in and out,
``random_state``, and the tags that tell its checks what the estimator does (see
``sklearn.utils.estimator_checks``; ``tests/test_sklearn_checks.py`` runs them).
"""

from __future__ import annotations

import numbers

import numpy as np

from ..core.errors import ConfigError


def seed_of(random_state) -> int:
    """``random_state`` as the integer seed aekit draws from. Keras and NumPy draw from different generators,
    so a ``numpy.random.RandomState`` could not be followed draw by draw: only integers are taken."""
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool) and random_state >= 0:
        return int(random_state)
    raise ConfigError(f"Received random_state={random_state!r}; expected a non-negative integer seed or None (then "
                      "`seed` is used). aekit's training draws from Keras's generators, which take an integer seed.")


class SklearnConventions:
    """``feature_names_in_``, ``get_feature_names_out`` (so ``set_output(transform="pandas")`` works) and the
    estimator tags, for an estimator whose fitted state has ``feature_names_``, ``code_shape_`` and
    ``code_kind_``."""

    @property
    def feature_names_in_(self) -> np.ndarray:
        """The training columns' names, as scikit-learn names them; only for a model fitted on named columns."""
        names = self.feature_names_
        if names is None:
            raise AttributeError(f"This {type(self).__name__} was fitted on data without column names, so it has no "
                                 "feature_names_in_.")
        return np.asarray(names, dtype=object)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The names of ``transform``'s columns: ``autoencoder0``, ``autoencoder1``, ... one per code unit (or bit).
        ``input_features``, if given, must be the training columns (scikit-learn's rule); codes do not depend on it.

        Parameters
        ----------
        input_features : array-like of str, optional
            The training columns' names (or, for data without names, as many names as it had values); checked,
            not used.

        Returns
        -------
        ndarray of str of shape (latent_dim,)
            The estimator's class name in lower case followed by the code unit's number. A grid code (a
            ``compression`` model's) has no feature names and raises :class:`~aekit.errors.ConfigError`.
        """
        self._check_fitted()
        if input_features is not None:
            given = [str(name) for name in input_features]
            expected = list(self.feature_names_) if self.feature_names_ is not None else None
            if len(given) != self.n_features_in_ or (expected is not None and given != expected):
                named = "" if expected is None else f" {expected}"
                raise ConfigError(f"Received input_features of {len(given)} names; expected the "
                                  f"{self.n_features_in_} training columns{named}.")
        if len(self.code_shape_) != 1:
            raise ConfigError(f"This model's {self.code_kind_} code has shape {self.code_shape_}, a grid rather "
                              "than columns, so it has no feature names. Flatten the codes if you need columns.")
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(self.code_shape_[0])], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]  # the network computes, and answers, in float32
        return tags
