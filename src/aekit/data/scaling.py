"""Scalers fitted on training data only and saved with the model as plain numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ArtifactError


class Scaler:
    """Maps raw data to the model's range and back.

    ``minmax`` uses one global minimum and maximum (images: pixel values to [0, 1]);
    ``standard`` standardises each column (tables); ``none`` passes data through.
    Constant columns get a scale of 1, so they never divide by zero.
    """

    METHODS = ("minmax", "standard", "none")

    def __init__(self, method: str = "minmax"):
        if method not in self.METHODS:
            raise ValueError(f"Unknown scaling method {method!r}; expected one of {self.METHODS}.")
        self.method = method
        self.offset: np.ndarray | float = 0.0
        self.scale: np.ndarray | float = 1.0

    @classmethod
    def for_kind(cls, kind: str) -> "Scaler":
        return cls("minmax" if kind == "image" else "standard")

    @property
    def output_range(self) -> str:
        """'unit' when scaled data lies in [0, 1], else 'real'."""
        return "unit" if self.method == "minmax" else "real"

    def fit(self, X: np.ndarray) -> "Scaler":
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
        return ((np.asarray(X, dtype=np.float32) - self.offset) / self.scale).astype(np.float32)

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:
        return (np.asarray(X, dtype=np.float32) * self.scale + self.offset).astype(np.float32)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "offset": np.asarray(self.offset).tolist(),
                "scale": np.asarray(self.scale).tolist()}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Scaler":
        try:
            scaler = cls(values["method"])
            scaler.offset = np.asarray(values["offset"], dtype=np.float64)
            scaler.scale = np.asarray(values["scale"], dtype=np.float64)
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"The saved scaler is incomplete or malformed ({exc}); re-save the model.") from None
        return scaler
