"""The detector's parameter checks, apart from the detector so that they need no engine: ``aekit detect fit``
refuses a wrong value before Keras loads (seconds sooner), and ``AnomalyDetector.check_params`` runs the same
checks."""

from __future__ import annotations

from typing import Any

from ...core.config import Config
from ...core.errors import ConfigError
from .defaults import DEFAULT_OVERRIDES, EXCLUDED, OWN_PARAMS
from .labels import check_label_mode
from .thresholds import check_contamination, check_strategy


def check_detector_params(given: dict[str, Any]) -> float:
    """Check a detector's parameters (``given`` by name; the detector's defaults fill the rest) before any data is
    read; returns the contamination as a float.

    Raises
    ------
    aekit.ConfigError
        If a parameter is not valid; the message names it and the values it may take.
    """
    params = {**OWN_PARAMS, **Config.estimator_defaults(DEFAULT_OVERRIDES, EXCLUDED), **given}
    contamination = check_contamination(params["contamination"])
    check_strategy(params["threshold"], params["k"])
    standardize, novelty, robust = params["standardize"], params["novelty"], params["robust"]
    if not isinstance(standardize, bool) or not isinstance(novelty, bool):
        raise ConfigError(f"Received standardize={standardize!r}, novelty={novelty!r}; expected True or False for "
                          "both.")
    if not (isinstance(robust, bool) or robust == "auto"):
        raise ConfigError(f"Received robust={robust!r}; expected 'auto' (on unless novelty=True), True or False.")
    neighbours = params["neighbours"]
    if neighbours != "auto" and (isinstance(neighbours, bool) or not isinstance(neighbours, int)
                                 or not 0 <= neighbours <= 100):
        raise ConfigError(f"Received neighbours={neighbours!r}; expected 'auto' or a whole number of nearest "
                          "training rows from 0 (reconstruction only) to 100.")
    check_label_mode(params["labels"])
    # The automatic budget needs the data; any whole number stands in for it here.
    Config.of_params({**params, **{name: 1 for name in ("epochs", "batch_size") if params[name] in (None, "auto")}})
    return contamination
