"""The model every family's encoder and decoder are wrapped in, and the contract it states.

A family's model class declares:

- ``code_kind``: what its code is (see :data:`CODE_KINDS`), and so what ``transform`` returns;
- ``mapping``: ``reconstruct`` (x -> x) or ``restore`` (a corrupted or downscaled x -> the clean x, trained on
  pairs);
- ``loss_terms``: the terms its loss adds up, each with its scale; each is reported as a metric of that name
  (progress bar, ``history.csv``, TensorBoard) with no special case in the trainer.

- ``abilities``: what else its models can do (see :data:`ABILITIES`), each with the method it needs; the
  estimator asks the registry (``get_spec(name).can(ability, config)``), never the model's attributes.

It overrides ``forward`` (one encoder pass; returns the reconstruction, or a dict holding it under
``"reconstruction"`` next to what the loss terms need, and under ``"target"`` the input it reconstructs when it
transformed it), ``compute_loss_terms`` and ``combine_loss_terms``, ``on_epoch_begin`` for schedules it owns,
``on_train_begin`` for what it measures on the data before training, ``on_train_end`` for what it
derives from its final weights, and for inference ``encode``/``decode``.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from ..core.config import Config
from ..core.errors import ArtifactError, ConfigError
from .factory import build_model
from .layers import Corruption
from .losses import mean_reconstruction_loss, resolve_loss
from .naming import PACKAGE

CODE_KINDS = {
    "vector": "a real vector per sample; transform returns it, shape (n, latent_dim)",
    "gaussian": "a diagonal Gaussian per sample; transform returns its means, shape (n, latent_dim)",
    "binary": "latent_dim bits per sample; transform returns 0/1 uint8 (n, latent_dim), encode(packed=True) packs "
              "them 8 to a byte",
    "grid": "a spatial grid per sample; transform returns it, shape (n, height, width, latent_dim)",
}
CALIBRATION_SAMPLES = 256  # clean samples on_train_begin gets
MAPPINGS = {"reconstruct": "x -> x", "restore": "a corrupted or downscaled x -> the clean x (trained on pairs)"}
# What a family's models can do beyond encoding and reconstructing: the ability, what it gives, and the method of
# the model class it needs (None: the estimator does it with the encoder and decoder alone). Vector and Gaussian
# codes interpolate and Gaussian ones sample whatever the family declares; the others are declared in
# ``abilities`` (or ``abilities_for(config)`` where settings decide).
ABILITIES = {
    "interpolate": ("decodes the path between the codes of two inputs (interpolate)", None),
    "sample": ("draws new samples from the N(0, I) prior of its Gaussian code (sample, latent_grid)", None),
    "upscale": ("enlarges images by the factor it was trained with (upscale)", None),
    "compress": ("codes images into .aez bytes with its learned entropy model (compress, decompress)",
                 "entropy_tables"),
    "bit_probabilities": ("gives each bit's probability before the threshold (encode(X, real=True))",
                          "code_probabilities"),
    "own_score": ("scores samples its own way instead of the reconstruction error (score_samples)", "sample_scores"),
    "likelihood": ("estimates the data's log-likelihood by importance sampling (aekit evaluate --nll)",
                   "log_importance_weights"),
}


def check_abilities(cls: type, family: str) -> None:
    """At registration: every ability a model class declares is known and has the method it needs."""
    for ability in cls.abilities:
        if ability not in ABILITIES:
            from ..core.errors import unknown_name_error

            raise unknown_name_error(f'ability of model "{family}"', ability, ABILITIES)
        method = ABILITIES[ability][1]
        if method is not None and not callable(getattr(cls, method, None)):
            raise ConfigError(f'Model "{family}" declares the ability "{ability}", which needs a method '
                              f"{method}() on {cls.__name__}; define it, or drop the ability.")


def reconstruction_of(outputs):
    """The reconstruction in a model's outputs (the outputs themselves, or their "reconstruction" entry).

    Parameters
    ----------
    outputs : tensor or dict
        What :meth:`AutoencoderModel.forward` (or calling the model) returned.

    Returns
    -------
    tensor
        ``outputs["reconstruction"]`` for a dict, else ``outputs``.
    """
    return outputs["reconstruction"] if isinstance(outputs, dict) else outputs


@keras.saving.register_keras_serializable(package=PACKAGE)
class AutoencoderModel(keras.Model):
    """``decoder(encoder(corrupt(x)))`` as one trainable ``keras.Model``: the plain, vector-code family.

    ``encoder`` and ``decoder`` are separate ``keras.Model`` instances, usable alone. The model is saved as its
    flat aekit config (plus input shape and data range) and rebuilt from it through the registry, so a
    ``.keras`` file never carries code and tied weights survive.

    Build one with :func:`build_model`, which makes the encoder, decoder and corruption from a config; families
    subclass it (see the module docs) and register the subclass with
    ``@keras.saving.register_keras_serializable``.

    Parameters
    ----------
    encoder : keras.Model
        Maps a batch of inputs to its codes.
    decoder : keras.Model
        Maps a batch of codes back to inputs.
    corruption : Corruption, optional
        The layer that corrupts the inputs while training (denoising); None for none.
    build_spec : dict, optional
        What the model is rebuilt from: ``config`` (the flat aekit config, :meth:`aekit.Config.to_dict`),
        ``input_shape`` (one sample's) and ``data_range`` (``"unit"`` for data scaled to [0, 1], else
        ``"real"``; the default is ``"unit"``). It decides the loss (``auto`` is bce for ``unit`` data) and
        the code kind.
    **kwargs
        Passed to ``keras.Model`` (``name``, ...).
    """

    code_kind = "vector"
    mapping = "reconstruct"
    loss_terms = {"reconstruction": "the configured loss (mse, mae or bce), mean per value"}
    abilities: tuple[str, ...] = ()

    @classmethod
    def code_kind_for(cls, config: Config) -> str:
        """The code kind a model of this class built from ``config`` has (families with a choice override it).

        Parameters
        ----------
        config : Config
            The model's config.

        Returns
        -------
        str
            A key of :data:`CODE_KINDS`; here always the class's ``code_kind``.
        """
        return cls.code_kind

    @classmethod
    def abilities_for(cls, config: Config | None) -> tuple[str, ...]:
        """The abilities of a model of this class built from ``config`` (None: every one it may have): the declared
        ones, and those its code kind brings. Families whose settings decide override it.

        Parameters
        ----------
        config : Config or None
            The model's config, or None for every ability any config may give.

        Returns
        -------
        tuple of str
            Keys of :data:`ABILITIES`: ``interpolate`` for vector and Gaussian codes, ``sample`` for Gaussian
            ones, then the class's declared ``abilities``, without repeats.
        """
        kinds = (cls.code_kind_for(config),) if config is not None else getattr(cls, "code_kinds", (cls.code_kind,))
        derived = (("interpolate",) if {"vector", "gaussian"} & set(kinds) else ()) + \
            (("sample",) if "gaussian" in kinds else ())
        return tuple(dict.fromkeys((*derived, *cls.abilities)))

    def __init__(self, encoder: keras.Model, decoder: keras.Model, corruption: Corruption | None = None,
                 build_spec: dict[str, Any] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.corruption = corruption
        self.build_spec = build_spec or {}
        self.aekit_config = Config.from_dict(self.build_spec.get("config", {}))
        self.data_range = self.build_spec.get("data_range", "unit")
        self.loss_name = resolve_loss(self.aekit_config.loss, self.data_range)
        self.code_kind = self.code_kind_for(self.aekit_config)
        self.term_trackers = [keras.metrics.Mean(name=name) for name in self.loss_terms]

    def build(self, input_shape):
        """Build the corruption layer, the only part not built already (the encoder and decoder are).

        Parameters
        ----------
        input_shape : tuple
            The shape of a batch of inputs, ``(None, *sample_shape)``.
        """
        # The encoder and decoder are functional models, built when created; only the corruption layer waits.
        if self.corruption is not None and not self.corruption.built:
            self.corruption.build(input_shape)
        self.built = True

    @classmethod
    def training_inputs(cls, targets, config: Config):
        """The inputs to train on for these (scaled) targets: the targets themselves for x -> x. Restoration
        families return corrupted or downscaled copies, and the model learns the pairs.

        Parameters
        ----------
        targets : numpy.ndarray
            The scaled training data (what the model should output), one row per sample.
        config : Config
            The model's resolved config.

        Returns
        -------
        numpy.ndarray
            The inputs, one per target; here ``targets`` itself.
        """
        return targets

    @classmethod
    def training_targets(cls, targets, config: Config, train_index):
        """What the model learns to output for each (scaled) sample: the sample itself by default. ``train_index``
        says which rows are training rows, the only ones a family may draw new targets from.

        Parameters
        ----------
        targets : numpy.ndarray
            The scaled data, one row per sample (training and validation rows).
        config : Config
            The model's resolved config.
        train_index : numpy.ndarray
            Indices of the training rows of ``targets``.

        Returns
        -------
        numpy.ndarray
            One target per row of ``targets``; here ``targets`` itself.
        """
        return targets

    # -- the forward pass ------------------------------------------------------------------------
    def call(self, inputs, training=False):
        """Corrupt the inputs (while training, when the model has a corruption layer), then :meth:`forward`.

        Parameters
        ----------
        inputs : tensor
            A batch of scaled inputs, ``(batch, *sample_shape)``.
        training : bool, default=False
            Whether this is a training step (corruption, dropout and noise are on only then).

        Returns
        -------
        tensor or dict
            What :meth:`forward` returns.
        """
        if self.corruption is not None:
            inputs = self.corruption(inputs, training=training)
        return self.forward(inputs, training=training)

    def forward(self, inputs, training=False):
        """Encode once and decode. Families with loss terms beyond the reconstruction return a dict.

        Parameters
        ----------
        inputs : tensor
            A batch of (possibly corrupted) scaled inputs, ``(batch, *sample_shape)``.
        training : bool, default=False
            Whether this is a training step.

        Returns
        -------
        tensor or dict
            The reconstruction, of the inputs' shape; families with more loss terms return a dict holding it
            under ``"reconstruction"``, next to what their terms need (and under ``"target"`` an input they
            transformed).
        """
        return self.decoder(self.encoder(inputs, training=training), training=training)

    # -- the loss ----------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The training loss of a batch: :meth:`combine_loss_terms` of :meth:`compute_loss_terms`, plus the
        layers' weight decay and activity penalties. Keras calls it in every training and evaluation step; each
        term's tracker is updated, so each is reported as a metric of its name.

        Parameters
        ----------
        x : tensor
            The batch of inputs.
        y : tensor, optional
            The targets, when the data brings pairs (restoration families); None when the target is ``x``.
        y_pred : tensor or dict
            The model's outputs for ``x``; a ``"target"`` entry replaces the target.
        sample_weight : tensor, optional
            Accepted for Keras's signature and ignored: every sample weighs the same.
        training : bool, default=True
            Whether this is a training step.

        Returns
        -------
        tensor
            The scalar loss.
        """
        # The target is the clean input unless the data brings pairs; pipelines then yield x alone, which saves
        # converting and copying every batch twice on its way into the training step.
        target = x if y is None else y
        if isinstance(y_pred, dict) and "target" in y_pred:  # a family that transformed its input (binarised it)
            target = y_pred["target"]
        terms = self.compute_loss_terms(x, target, y_pred, training=training)
        total = self.combine_loss_terms(terms, training=training)
        for penalty in self.losses:  # weight decay and activity penalties from the layers
            total = total + ops.sum(ops.cast(penalty, total.dtype))
        for tracker in self.term_trackers:
            tracker.update_state(terms[tracker.name])
        return total

    def compute_loss_terms(self, x, target, outputs, training=True) -> dict:
        """Each of ``loss_terms`` as a scalar, before weighting.

        Parameters
        ----------
        x : tensor
            The batch of inputs, as the model was given them.
        target : tensor
            What the model should output for them.
        outputs : tensor or dict
            The model's outputs (see :meth:`forward`).
        training : bool, default=True
            Whether this is a training step.

        Returns
        -------
        dict of str to tensor
            One scalar per name of ``loss_terms``; here ``reconstruction``, the configured loss averaged over
            every value of the batch.
        """
        return {"reconstruction": mean_reconstruction_loss(self.loss_name, target, reconstruction_of(outputs))}

    def combine_loss_terms(self, terms: dict, training: bool = True):
        """The total loss from the terms (a plain sum here; families weight theirs, e.g. ``beta * kl``).

        Parameters
        ----------
        terms : dict of str to tensor
            What :meth:`compute_loss_terms` returned.
        training : bool, default=True
            Whether this is a training step.

        Returns
        -------
        tensor
            The scalar total.
        """
        total = None
        for value in terms.values():
            total = value if total is None else total + value
        return total

    def on_epoch_begin(self, epoch: int) -> None:
        """Called by the trainer before each epoch (0-based), for schedules a family owns (a KL warm-up).

        Parameters
        ----------
        epoch : int
            The epoch about to start, counted from 0 (a resumed run's count goes on from where it stopped).
        """

    def on_train_begin(self, samples) -> None:
        """Called by the estimator once the model is built, before training, with a few hundred clean scaled
        training samples: for what a family measures on the data and saves in its ``build_spec`` (a blind
        denoiser's noise-level calibration). A resumed run calls it again, with the same samples.

        Parameters
        ----------
        samples : numpy.ndarray
            Up to :data:`CALIBRATION_SAMPLES` scaled training samples, ``(n, *sample_shape)``.
        """

    def on_train_end(self) -> None:
        """Called by the trainer once the final weights are in place (best ones restored), before saving: for
        what a family derives from its trained weights (a codec's entropy tables)."""

    # -- inference ---------------------------------------------------------------------------------
    def encode(self, inputs):
        """The code ``transform`` returns (no corruption, no sampling): here the encoder's output.

        Parameters
        ----------
        inputs : tensor or numpy.ndarray
            A batch of scaled inputs, ``(batch, *sample_shape)``.

        Returns
        -------
        tensor
            The codes, ``(batch, *code_shape)``.
        """
        return self.encoder(inputs, training=False)

    def decode(self, codes):
        """Decode codes of the kind ``encode`` returns.

        Parameters
        ----------
        codes : tensor or numpy.ndarray
            A batch of codes, ``(batch, *code_shape)``.

        Returns
        -------
        tensor
            The decoded batch in the scaled space, ``(batch, *sample_shape)``.
        """
        return self.decoder(codes, training=False)

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """The shape of one input sample."""
        return tuple(int(d) for d in self.build_spec["input_shape"])

    @property
    def size_multiple(self) -> int | None:
        """For a fully convolutional model, which takes images of any size: the multiple of pixels their sides must
        be (its halvings). None for a model of one input size, which restores larger images tile by tile."""
        return None

    @property
    def code_shape(self) -> tuple[int, ...]:
        """The shape of one sample's code, as ``transform`` returns it."""
        return tuple(int(d) for d in self.decoder.input_shape[1:])

    # -- saving ------------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """What Keras saves of the model: its name and its build spec, plain data (no layers, no code).

        Returns
        -------
        dict of str to Any
            ``name`` and ``build_spec``.
        """
        return {"name": self.name, "build_spec": self.build_spec}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "AutoencoderModel":
        """Rebuild a saved model through the registry, from what :meth:`get_config` returned.

        The model is built by :func:`build_model` for the family its build spec names (so it may be a subclass
        of ``cls``), unseeded: Keras then loads the saved weights into it.

        Parameters
        ----------
        config : dict of str to Any
            ``name`` and ``build_spec`` (``config``, ``input_shape`` and ``data_range``, and what the family
            measured before training).

        Returns
        -------
        AutoencoderModel
            The model, built, with fresh weights.

        Raises
        ------
        ArtifactError
            When the build spec lacks ``config``, ``input_shape`` or ``data_range``.
        """
        spec = config.get("build_spec") or {}
        try:
            model_config = Config.from_dict(spec["config"])
            input_shape, data_range = tuple(spec["input_shape"]), spec["data_range"]
        except (KeyError, TypeError) as exc:
            raise ArtifactError(f"The saved model's build spec is incomplete ({exc}); it cannot be rebuilt.") from None
        # Saved weights replace the initial ones, so there is nothing to seed (and seeding would import TensorFlow).
        model = build_model(model_config, input_shape, data_range, name=config.get("name"), seed_weights=False)
        # What a family measured on its data (on_train_begin) comes back with it.
        model.build_spec.update({key: value for key, value in spec.items() if key not in model.build_spec})
        return model
