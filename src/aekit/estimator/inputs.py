"""Inputs as a fitted model takes them: of its training samples' shape and columns, or refused saying why."""

from __future__ import annotations

import warnings

import numpy as np

from ..data.dataset import Dataset, as_dataset, is_dataframe, sample_shape_error


def as_model_input(estimator, X) -> Dataset:
    """``X`` as a dataset of ``estimator``'s training samples' shape: DataFrames matched by column name, flat rows
    of an image model's pixels reshaped; anything else of another shape refused with what differs."""
    names = estimator.feature_names_
    if names is None and not isinstance(X, Dataset) and is_dataframe(X):
        warnings.warn(f"X has column names, but this {type(estimator).__name__} was fitted on data without them; its "
                      "columns are taken in their order.", UserWarning, stacklevel=4)
        X = X.to_numpy()
    dataset = as_dataset(X, feature_names=names)
    shape, expected = dataset.sample_shape, estimator.input_shape_
    if shape != expected:
        if int(np.prod(shape)) == estimator.n_features_in_ and len(expected) == 3 and len(shape) == 1:
            return Dataset(dataset.X.reshape(len(dataset.X), *expected), kind="image")
        raise sample_shape_error(shape, expected)
    return dataset
