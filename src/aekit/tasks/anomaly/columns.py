"""The detector's training rows: enough of them to learn what normal data looks like."""

from __future__ import annotations

from ...core.errors import DataError
from ...data.dataset import Dataset, check_dataset


def check_training_rows(dataset: Dataset, minimum: int) -> None:
    check_dataset(dataset)
    if len(dataset) < minimum:
        raise DataError(
            f"Received {len(dataset)} training row{'s' if len(dataset) != 1 else ''}; the detector needs at least "
            f"{minimum} to learn what normal data looks like (n_samples = {len(dataset)}). Fit on more rows (a single "
            "row can be scored, not learned from)."
        )
