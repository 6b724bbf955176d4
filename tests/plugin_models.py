"""A model plugin as a user would write one: its own loss term and metric, registered from outside aekit."""

from __future__ import annotations

import keras
from keras import ops

from aekit.models import AutoencoderModel, register_model
from aekit.models.dense import build_stack


@keras.saving.register_keras_serializable(package="aekit_test_plugin")
class CodePenaltyModel(AutoencoderModel):
    """Adds 0.01 * mean squared code to the reconstruction loss and reports it as a metric."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.penalty_tracker = keras.metrics.Mean(name="code_penalty")

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        penalty = 0.01 * ops.mean(ops.square(self.encoder(x, training=training)))
        self.penalty_tracker.update_state(penalty)
        return loss + penalty

    @property
    def metrics(self):
        return [*super().metrics, self.penalty_tracker]


@register_model("code_penalty", "Deep stack with a penalty on the code (test plugin).", model_class=CodePenaltyModel)
def build(config, input_shape, data_range):
    return build_stack(config, input_shape, data_range, hidden=config.hidden or [32])
