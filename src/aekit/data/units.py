"""The units of a model's training data, recorded with the model and checked on every input.

A scaler maps the training data's values to the model's range by the numbers it saw in training, so data in
other units goes through it without a complaint and comes out as garbage: images scaled to [0, 1] given to a
model trained on 8-bit files land near 0. aekit therefore records what the values were, and refuses inputs
that are clearly in other units, saying which units are expected and how to convert:

- bounded data (images, and tables min-max scaled): the unit family of the training values, 8-bit pixel values
  0-255, 16-bit values 0-65535 or values in [0, 1]; fractional values that never exceed 1 given to a model of
  pixel values, or values above 2 given to a model of [0, 1] values, are an error;
- tables: each column's range, median and interquartile range. A column whose median, over at least
  ``MIN_ROWS_TO_JUDGE`` rows, lies more than ``FAR_SPREADS`` spreads from its training median gets a warning, not
  an error, since anomalous rows may legitimately lie far out.

Files read by the command line (PNG, JPEG, ...) are converted to the model's units by their bit depth, so
only arrays passed in Python can be in the wrong ones.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..core.errors import DataError

EIGHT_BIT, SIXTEEN_BIT, UNIT = 255.0, 65535.0, 1.0
# Above this, values cannot be a [0, 1] image even with added noise (denoising inputs are not clipped).
UNIT_INPUT_LIMIT = 2.0
MIN_ROWS_TO_JUDGE = 20
FAR_SPREADS = 20.0


@dataclass
class Units:
    """What the training values were: ``top`` (255, 65535 or 1 for bounded data, None for tables of other
    ranges), the range ``low``..``high``, whether every value was an integer, and per-column statistics."""

    top: float | None
    low: float
    high: float
    integral: bool
    dtype: str = "float32"
    columns: dict | None = None  # {"median": [...], "spread": [...], "low": [...], "high": [...]}

    @classmethod
    def observe(cls, X: np.ndarray, bounded: bool) -> "Units":
        """The units of training data ``X``; ``bounded``: it is scaled by one global range (images, pixel
        tables, [0, 1] tables), else per column."""
        X = np.asarray(X)
        flat = X.reshape(len(X), -1)
        low, high = float(flat.min()), float(flat.max())
        integral = bool(np.issubdtype(X.dtype, np.integer)) or bool(np.array_equal(flat, np.round(flat)))
        units = cls(None, low, high, integral, str(X.dtype))
        units.top = units._family() if bounded else None
        if not bounded:
            values = flat.astype(np.float64)
            q1, median, q3 = np.percentile(values, [25, 50, 75], axis=0)
            spread = np.maximum(q3 - q1, 0.1 * (values.max(axis=0) - values.min(axis=0)))
            units.columns = {"median": median.tolist(), "spread": spread.tolist(),
                             "low": values.min(axis=0).tolist(), "high": values.max(axis=0).tolist()}
        return units

    @classmethod
    def from_summary(cls, low: float, high: float, integral: bool, bounded: bool, dtype: str = "float32") -> "Units":
        """Units from a stream's survey: its range and integrality (no per-column quantiles)."""
        units = cls(None, float(low), float(high), bool(integral), dtype)
        units.top = units._family() if bounded else None
        return units

    def _family(self) -> float | None:
        """The scale that bounds the data: 255 or 65535 for 8- or 16-bit pixels, the largest value for other
        integer values (0-16 for scikit-learn's digits), 1 for values in [0, 1]; None when nothing bounds it."""
        if self.dtype == "uint8":
            return EIGHT_BIT
        if self.dtype == "uint16":
            return SIXTEEN_BIT
        if self.integral and self.low >= 0 and self.high > 1:
            return self.high
        if self.low >= 0 and self.high <= UNIT + 1e-6:
            return UNIT
        return None

    def describe(self) -> str:
        """The units in words, for messages and ``aekit info``."""
        if self.dtype == "uint8":
            return "8-bit pixel values 0-255"
        if self.dtype == "uint16":
            return "16-bit pixel values 0-65535"
        if self.top == UNIT:
            return "values in [0, 1]"
        if self.top is not None:
            return f"integer values from {self.low:.6g} to {self.high:.6g}"
        if self.columns is not None:
            return "each column in the units it had in training (its range is recorded per column)"
        return f"values from {self.low:.6g} to {self.high:.6g}"

    # -- checking inputs -----------------------------------------------------------------------
    def check(self, X: np.ndarray, feature_names: list[str] | None = None, what: str = "The data") -> None:
        """Raise :class:`DataError` when ``X`` is clearly in other units; warn where it may be."""
        X = np.asarray(X)
        if X.size == 0:
            return
        if self.top is not None:
            self._check_bounded(X, what)
        elif self.columns is not None and len(X) >= MIN_ROWS_TO_JUDGE:
            self._check_columns(X.reshape(len(X), -1), feature_names, what)

    def _check_bounded(self, X: np.ndarray, what: str) -> None:
        high, low = float(np.max(X)), float(np.min(X))
        expected = f"this model was trained on {self.describe()}"
        fractional = not np.issubdtype(X.dtype, np.integer) and not np.array_equal(X, np.round(X))
        if self.top == UNIT:
            if high > UNIT_INPUT_LIMIT:
                hint = "divide by 255 first (x / 255)" if high <= EIGHT_BIT + 0.5 else "scale them to [0, 1] first"
                raise DataError(f"{what} holds values up to {high:.6g}, but {expected}. If these are 8-bit pixel "
                                f"values, {hint}.")
            return
        top = f"{self.top:g}"
        if high <= UNIT and low >= -UNIT and fractional:
            raise DataError(f"{what} holds fractional values from {low:.3g} to {high:.3g}, as data scaled to [0, 1] "
                            f"does, but {expected}. Multiply by {top} first (x * {top}), or pass the values as they "
                            "were in training.")
        if self.top == SIXTEEN_BIT and X.dtype == np.uint8:
            raise DataError(f"{what} holds 8-bit values (uint8), but {expected}. Convert them to 16 bits first "
                            "(x.astype('uint16') * 257).")
        if high > 1.5 * self.top + 0.5:
            raise DataError(f"{what} holds values up to {high:.6g}, far above the training range, but {expected}. "
                            "Convert the values to the training units first (16-bit images need a model trained on "
                            "16-bit images).")
        if high <= UNIT and low >= 0 and not fractional and high > 0:
            warnings.warn(f"{what} holds only the values 0 and 1, but {expected}. If these are binary images "
                          f"scaled to [0, 1], multiply them by {top} first.", UserWarning, stacklevel=4)

    def _check_columns(self, flat: np.ndarray, feature_names, what: str) -> None:
        median = np.asarray(self.columns["median"], np.float64)
        spread = np.asarray(self.columns["spread"], np.float64)
        if flat.shape[1] != len(median):
            return  # the shape check reports it
        seen = np.median(flat.astype(np.float64), axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            distance = np.abs(seen - median) / spread
        far = np.flatnonzero((spread > 0) & (distance > FAR_SPREADS))
        if not len(far):
            return
        names = feature_names or [f"column {j}" for j in range(len(median))]
        shown = ", ".join(f"{names[j]} (median {seen[j]:.4g}, in training {median[j]:.4g})" for j in far[:4])
        warnings.warn(f"{what} looks like it is in other units than the training data: {shown}"
                      f"{' and more' if len(far) > 4 else ''}. Check that the columns are in the same units (cents "
                      "or dollars, raw or standardised) as when the model was trained.", UserWarning, stacklevel=4)

    def per_file_value(self, dtype) -> float:
        """What one step of an image file's pixel values (uint8 or uint16) is in these units: 1 for a model of
        pixel values, 1/255 (or 1/65535) for a model trained on values in [0, 1]."""
        if self.top == UNIT:
            return 1.0 / (SIXTEEN_BIT if np.dtype(dtype) == np.uint16 else EIGHT_BIT)
        return 1.0

    # -- saving ----------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"description": self.describe(), "top": self.top, "low": self.low, "high": self.high,
                "integral": self.integral, "dtype": self.dtype, "columns": self.columns}

    @classmethod
    def from_dict(cls, values: dict) -> "Units":
        return cls(values.get("top"), float(values["low"]), float(values["high"]), bool(values["integral"]),
                   str(values.get("dtype", "float32")), values.get("columns"))

    @classmethod
    def from_scaler(cls, scaler) -> "Units":
        """For runs saved before units were recorded: what the scaler's numbers tell (a min-max range)."""
        if scaler.method != "minmax":
            return cls(None, float("-inf"), float("inf"), False)
        low = float(np.min(scaler.offset))
        high = float(np.max(np.asarray(scaler.offset) + np.asarray(scaler.scale)))
        dtype = "uint8" if round(high) == EIGHT_BIT and low == 0 else "float32"
        units = cls(None, low, high, high > UNIT + 1e-6, dtype)
        units.top = units._family()
        return units


# Codes carry no mark of the model that made them; what can be checked is that they lie where this model's codes
# lie. Each channel's range over held-out training codes is recorded, and codes mostly outside it get a warning
# (not an error: decoding points beyond the data, when exploring a latent space, is legitimate).
CODE_SAMPLE_ROWS = 2048
FAR_OUTSIDE_SHARE = 0.5


def code_range(codes: np.ndarray) -> dict:
    """Each code channel's ``low`` and ``high`` (the last axis of vector and grid codes)."""
    flat = np.asarray(codes, np.float64).reshape(-1, np.shape(codes)[-1])
    return {"low": flat.min(axis=0).tolist(), "high": flat.max(axis=0).tolist()}


def check_codes(codes: np.ndarray, recorded: dict | None, kind: str) -> None:
    """Binary codes must be bits; other codes mostly inside the recorded range (else a warning)."""
    if kind == "binary":
        if not np.isin(codes, (0, 1)).all():
            raise DataError("Received binary codes holding values other than 0 and 1; expected the bits transform "
                            "returns (or encode(X, packed=True)'s bytes).")
        return
    if recorded is None or not np.size(codes):
        return
    low, high = np.asarray(recorded["low"]), np.asarray(recorded["high"])
    span = np.maximum(high - low, 1e-6)
    flat = np.asarray(codes, np.float64).reshape(-1, len(low))
    outside = (flat < low - 3 * span) | (flat > high + 3 * span)
    if outside.mean() > FAR_OUTSIDE_SHARE:
        warnings.warn(f"{outside.mean():.0%} of these code values lie far outside the range of this model's codes "
                      f"of its training data (per channel, {np.min(low):.3g} to {np.max(high):.3g}). Codes of another "
                      "model, or of another layer, decode to garbage: use the codes this model's transform gives.",
                      UserWarning, stacklevel=3)
