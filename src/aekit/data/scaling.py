"""Scalers fitted on training data only and saved with the model as plain numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import ArtifactError


class Scaler:
    """Maps raw data to the model's range and back.

    ``minmax`` uses one global minimum and maximum (images: pixel values to [0, 1]);
    ``standard`` standardises each column (tables); ``none`` passes data through.
    Constant columns get a scale of 1, so they never divide by zero.

    Scaled data is ``(X - offset) / scale``; ``offset`` and ``scale`` are set by :meth:`fit` (or
    :meth:`fit_summary`) and saved with the model by :meth:`to_dict`.

    Parameters
    ----------
    method : {"minmax", "standard", "none"}, default="minmax"
        How to scale (see above). ``auto`` is no method: :meth:`choose` picks one.

    Raises
    ------
    ValueError
        For any other ``method``.
    """

    METHODS = ("minmax", "standard", "none")
    # A table whose values are all integers in [0, 255] across at least this many columns is read as pixels.
    PIXEL_TABLE_MIN_COLUMNS = 16

    def __init__(self, method: str = "minmax"):
        if method not in self.METHODS:
            raise ValueError(f"Unknown scaling method {method!r}; expected one of {self.METHODS}.")
        self.method = method
        self.offset: np.ndarray | float = 0.0
        self.scale: np.ndarray | float = 1.0

    @classmethod
    def choose(cls, scaling: str, kind: str, X: np.ndarray) -> "Scaler":
        """The scaler for ``scaling`` (``auto`` or a method) and the training data ``X``.

        ``auto``: min-max to [0, 1] for images and for tables whose values share one bounded range, the two
        ways images are stored as rows: every value in [0, 1], or every value an integer in [0, 255] over at
        least ``PIXEL_TABLE_MIN_COLUMNS`` columns (a pixel CSV, whose constant border columns per-column
        standardisation would blow up). Other tables are standardised per column.

        Parameters
        ----------
        scaling : {"auto", "minmax", "standard", "none"}
            The config's ``scaling``; anything but ``auto`` is taken as it is.
        kind : {"table", "image"}
            What ``X`` holds.
        X : numpy.ndarray
            The training data, ``(n, features)`` for a table (read only for ``auto`` and a table).

        Returns
        -------
        Scaler
            An unfitted scaler of the chosen method.
        """
        if scaling != "auto" or kind == "image":
            return cls.auto_method(scaling, kind, 0.0, 0.0, 0, False)
        low, high = float(np.min(X)), float(np.max(X))
        pixels = low >= 0 and high <= 255 and X.shape[1] >= cls.PIXEL_TABLE_MIN_COLUMNS
        return cls.auto_method(scaling, kind, low, high, X.shape[1], pixels and np.array_equal(X, np.round(X)))

    @classmethod
    def auto_method(cls, scaling: str, kind: str, low: float, high: float, columns: int, integral: bool) -> "Scaler":
        """:meth:`choose`'s rule on summary numbers: the data's range, its column count and whether every value
        is an integer (what a stream's single pass over its files collects).

        Parameters
        ----------
        scaling : {"auto", "minmax", "standard", "none"}
            The config's ``scaling``; anything but ``auto`` is taken as it is.
        kind : {"table", "image"}
            What the data holds.
        low, high : float
            The smallest and largest value in the data.
        columns : int
            The number of columns of a table.
        integral : bool
            Whether every value is an integer.

        Returns
        -------
        Scaler
            An unfitted scaler of the chosen method.
        """
        if scaling != "auto":
            return cls(scaling)
        if kind == "image" or (low >= 0 and high <= 1):
            return cls("minmax")
        pixels = low >= 0 and high <= 255 and columns >= cls.PIXEL_TABLE_MIN_COLUMNS
        return cls("minmax" if pixels and integral else "standard")

    def fit_summary(self, low: float, high: float, mean: np.ndarray, std: np.ndarray) -> "Scaler":
        """Fit from summary statistics (a stream's: the data is never in memory at once).

        Parameters
        ----------
        low, high : float
            The smallest and largest value in the data (used by ``minmax``).
        mean, std : numpy.ndarray
            Each column's mean and standard deviation (used by ``standard``).

        Returns
        -------
        Scaler
            This scaler, fitted.
        """
        if self.method == "minmax":
            self.offset, self.scale = float(low), float(high - low) or 1.0
        elif self.method == "standard":
            self.offset = np.asarray(mean, np.float64)
            self.scale = np.where(std > 1e-12, std, 1.0).astype(np.float64)
        return self

    @property
    def units(self) -> str:
        """What one unit of the scaled space is, for reports of errors measured there."""
        if self.method == "minmax":
            return "values min-max scaled to [0, 1] by the training data's range"
        if self.method == "standard":
            return "standardised values (z-scores per column of the training data)"
        return "the data's own units (no scaling)"

    def bounded(self, kind: str) -> bool:
        """Whether the data it scales is bounded by one range (images, min-max scaled tables), rather than
        a table of columns each in units of its own: what :class:`aekit.data.units.Units` records.

        Parameters
        ----------
        kind : {"table", "image"}
            What the data holds.

        Returns
        -------
        bool
            True for images and for ``minmax`` scaling.
        """
        return self.method == "minmax" or kind == "image"

    @property
    def output_range(self) -> str:
        """'unit' when scaled data lies in [0, 1], else 'real'."""
        return "unit" if self.method == "minmax" else "real"

    def fit(self, X: np.ndarray) -> "Scaler":
        """Learn ``offset`` and ``scale`` from the training data.

        Parameters
        ----------
        X : numpy.ndarray
            The training data, samples on the first axis: ``minmax`` takes its global minimum and maximum,
            ``standard`` each value's mean and standard deviation over the samples, ``none`` nothing.

        Returns
        -------
        Scaler
            This scaler, fitted.
        """
        X = np.asarray(X, dtype=np.float64)
        if self.method == "minmax":
            low, high = float(X.min()), float(X.max())
            self.offset, self.scale = low, (high - low) or 1.0
        elif self.method == "standard":
            flat = X.reshape(len(X), -1)
            std = flat.std(axis=0)
            self.offset = flat.mean(axis=0).reshape(X.shape[1:])
            self.scale = np.where(std > 1e-12, std, 1.0).reshape(X.shape[1:])
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Scale data to the model's range: ``(X - offset) / scale``.

        Parameters
        ----------
        X : array-like
            Data shaped as the training data (any number of samples).

        Returns
        -------
        numpy.ndarray
            The scaled data, float32, of ``X``'s shape.
        """
        return ((np.asarray(X, dtype=np.float32) - self.offset) / self.scale).astype(np.float32)

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:
        """Back to the data's units; min-max data stays within the training range, which is bounded.

        Parameters
        ----------
        X : array-like
            Scaled data, such as a reconstruction; for ``minmax`` it is clipped to [0, 1] first.

        Returns
        -------
        numpy.ndarray
            ``X * scale + offset``, float32, of ``X``'s shape.
        """
        X = np.asarray(X, dtype=np.float32)
        if self.method == "minmax":
            X = np.clip(X, 0.0, 1.0)
        return (X * self.scale + self.offset).astype(np.float32)

    def to_dict(self) -> dict[str, Any]:
        """The scaler as plain data, as ``aekit.json`` stores it.

        Returns
        -------
        dict of str to Any
            ``method``, and ``offset`` and ``scale`` as (nested) lists of floats, or floats.
        """
        return {"method": self.method, "offset": np.asarray(self.offset).tolist(),
                "scale": np.asarray(self.scale).tolist()}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Scaler":
        """A fitted scaler from what :meth:`to_dict` wrote.

        Parameters
        ----------
        values : dict of str to Any
            ``method``, ``offset`` and ``scale``.

        Returns
        -------
        Scaler
            The scaler, fitted (``offset`` and ``scale`` as float64 arrays).

        Raises
        ------
        ArtifactError
            When a value is missing or malformed.
        """
        try:
            scaler = cls(values["method"])
            scaler.offset = np.asarray(values["offset"], dtype=np.float64)
            scaler.scale = np.asarray(values["scale"], dtype=np.float64)
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"The saved scaler is incomplete or malformed ({exc}); re-save the model.") from None
        return scaler
