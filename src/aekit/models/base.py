"""The autoencoder model every builder's encoder and decoder are wrapped in."""

from __future__ import annotations

from typing import Any

import keras

from ..errors import ArtifactError
from .layers import PACKAGE, Corruption


@keras.saving.register_keras_serializable(package=PACKAGE)
class AutoencoderModel(keras.Model):
    """``decoder(encoder(corrupt(x)))`` as one trainable ``keras.Model``.

    ``encoder`` and ``decoder`` are separate ``keras.Model``s, usable alone. The model is
    saved as its flat aekit config (plus input shape and data range) and rebuilt from it
    through the registry, so a ``.keras`` file never carries code and tied weights survive.
    Subclasses that bring their own loss terms override ``compute_loss`` and ``metrics``;
    the trainer treats every model the same.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, corruption: Corruption | None = None,
                 build_spec: dict[str, Any] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.corruption = corruption
        self.build_spec = build_spec or {}

    def build(self, input_shape):
        # The encoder and decoder are functional models, built when created; only the corruption layer waits.
        if self.corruption is not None and not self.corruption.built:
            self.corruption.build(input_shape)
        self.built = True

    def call(self, inputs, training=False):
        if self.corruption is not None:
            inputs = self.corruption(inputs, training=training)
        return self.decoder(self.encoder(inputs, training=training), training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        # An autoencoder's target is its clean input. Pipelines yield x alone, which saves converting
        # and copying every batch twice on its way into the training step.
        return super().compute_loss(x=x, y=x if y is None else y, y_pred=y_pred, sample_weight=sample_weight,
                                    training=training)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "build_spec": self.build_spec}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "AutoencoderModel":
        from ..config import Config
        from .factory import build_model

        spec = config.get("build_spec") or {}
        try:
            model_config = Config.from_dict(spec["config"])
            input_shape, data_range = tuple(spec["input_shape"]), spec["data_range"]
        except (KeyError, TypeError) as exc:
            raise ArtifactError(f"The saved model's build spec is incomplete ({exc}); it cannot be rebuilt.") from None
        # Saved weights replace the initial ones, so there is nothing to seed (and seeding would import TensorFlow).
        return build_model(model_config, input_shape, data_range, name=config.get("name"), seed_weights=False)
