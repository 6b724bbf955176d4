"""What to tell a user whose model lacks an ability (see :data:`aekit.models.ABILITIES`): what the model is,
and how to train one that has it."""

from __future__ import annotations

from ..core.errors import ConfigError

HOW = {
    "sample": "{method}() draws codes from a Gaussian prior; this model's code is a {code}. Train a variational "
              "model (model='variational' or 'variational_conv').",
    "interpolate": "Interpolation walks between vector codes; this model's code is a {code}.",
    "upscale": "This model was not trained to upscale (upscale_factor=1). Train one with `aekit train --model unet "
               "--upscale 2` (or 4).",
    "compress": "This run's model is {family!r}, which has no entropy model; compressing needs one trained with "
                "`aekit train --model compression`.",
    "bit_probabilities": "real=True gives a binary code's probabilities; this model's code is a {code}.",
    "own_score": "This model scores samples by their reconstruction error only.",
    "likelihood": "The likelihood estimate needs a variational model (model='variational' or 'variational_conv'); "
                  "this one is {family!r}.",
}
METHOD = {"sample": "sample", "interpolate": "interpolate", "upscale": "upscale", "compress": "compress"}


def require(estimator, ability: str) -> None:
    """Raise a :class:`ConfigError` naming what ``estimator``'s model is and how to get one that has ``ability``."""
    if estimator.can(ability):
        return
    text = HOW.get(ability, "This model cannot {ability}.")
    raise ConfigError(text.format(method=METHOD.get(ability, ability), code=estimator.code_kind_,
                                  family=estimator.config_.model, ability=ability))
