"""The flat, plain-data configuration behind every model and training run.

A config is a dataclass that round-trips through flat dicts, JSON and YAML. Every core key is declared
once here, with its default, help text and group; model families add their own keys (see
:mod:`aekit.params`), which live in ``extra`` and read like the core ones (``config.beta``). Presets
fill in what the user left unset; explicit values always win over presets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import params as family_params
from .errors import ConfigError, did_you_mean, unknown_name_error

PRESETS: dict[str, dict[str, Any]] = {
    # Hinton & Salakhutdinov (2006): 784-1000-500-250-30, logistic hidden units, linear code.
    "hinton2006": {"model": "deep", "hidden": [1000, 500, 250], "latent_dim": 30},
    # The TensorFlow tutorial's stack: halve the width twice, then a 98-number code.
    "tutorial": {"model": "deep", "hidden": [392, 196], "latent_dim": 98},
    # A small stack for narrow tables and 8x8 images.
    "small": {"model": "deep", "hidden": [64, 32], "latent_dim": 8},
}

CHOICES: dict[str, tuple[str, ...]] = {
    "loss": ("auto", "mse", "mae", "bce"),
    "optimizer": ("adam", "rmsprop", "sgd"),
    "schedule": ("constant", "cosine"),
    "noise": ("none", "gaussian", "masking", "salt_pepper"),
    "augment": ("none", "flips", "shifts", "flips+shifts"),
    "output_activation": ("auto", "sigmoid", "linear", "tanh", "relu"),
    "scaling": ("auto", "minmax", "standard", "none"),
    "split": ("train", "test", "all"),
}

ARCHITECTURE, TRAINING, DATA = "architecture", "training", "data"
AUTO = "auto"


def _key(default, group: str, help: str):
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"group": group, "help": help})
    return field(default=default, metadata={"group": group, "help": help})


@dataclass
class Config:
    """Every knob of a model and its training, with the defaults of the recipe we measured.

    Each key belongs to a group: ``architecture`` and ``training`` keys are estimator parameters (and flags of
    ``aekit train``); ``data`` keys say where the command line and YAML files read the data. The parameters a
    model family declares (:class:`aekit.params.Param`) are held in ``extra`` and read like the core keys
    (``config.beta``). A new config is not checked: :meth:`resolved` applies the preset and checks every value.

    Parameters
    ----------
    model : str, default="deep"
        Registered model family (see ``aekit models`` and :func:`aekit.models.available_models`).
    preset : {"hinton2006", "tutorial", "small"}, optional
        Architecture preset, applied by :meth:`resolved` to the keys left unset: ``hinton2006`` is the deep
        784-1000-500-250-30 stack of Hinton & Salakhutdinov (2006), ``tutorial`` the TensorFlow tutorial's
        392-196-98 stack, ``small`` a 64-32-8 stack for narrow tables and 8x8 images.
    latent_dim : int, optional
        Size of the code: numbers for a vector or Gaussian code, bits for a binary code, channels for a spatial
        grid. None chooses it from the input (the family's rule, else a quarter of the input values, at most 32).
    hidden : list of int, optional
        Hidden layer widths of a deep stack, e.g. ``[1000, 500, 250]`` (for ``conv`` with ``code="vector"``: the
        Dense layers beside the code). None takes the family's default.
    filters : list of int, optional
        Convolution filters per stage, e.g. ``[32, 64]``. None takes the family's default.
    kernel_size : int, default=3
        Convolution kernel size.
    activation : str, default="elu"
        Activation of the hidden layers (any Keras activation name).
    code_activation : str, default="linear"
        Activation of the code layer.
    output_activation : {"auto", "sigmoid", "linear", "tanh", "relu"}, default="auto"
        Output activation; ``auto`` is sigmoid for data scaled to [0, 1] and linear otherwise.
    kernel_initializer : str, default="glorot_uniform"
        Keras initializer of the weights.
    l1 : float, default=0.0
        L1 weight decay (>= 0).
    l2 : float, default=0.0
        L2 weight decay (>= 0).
    activity_l1 : float, default=0.0
        L1 penalty on the code's activity, which makes a sparse autoencoder (>= 0).
    dropout : float, default=0.0
        Dropout rate after the hidden layers, in [0, 1).
    noise : {"none", "gaussian", "masking", "salt_pepper"}, default="none"
        Input corruption while training, which makes a denoising autoencoder (see
        :class:`aekit.models.Corruption`).
    noise_level : float, default=0.2
        Corruption strength (>= 0): the standard deviation of gaussian noise, or the share of values masked or
        set to salt and pepper.
    tied : bool, default=False
        Tie the decoder's weights to the transposed encoder weights (see :class:`aekit.models.TiedDense`).
    scaling : {"auto", "minmax", "standard", "none"}, default="auto"
        Input scaling (see :class:`aekit.data.Scaler`): ``auto`` is min-max to [0, 1] for images and for tables
        whose values share one bounded range (pixels 0-255 or values in [0, 1]), and per-column z-scores
        (``standard``) for other tables.
    loss : {"auto", "mse", "mae", "bce"}, default="auto"
        Reconstruction loss; ``auto`` is binary cross-entropy for data in [0, 1] and mse otherwise.
    optimizer : {"adam", "rmsprop", "sgd"}, default="adam"
        Optimizer.
    learning_rate : float, default=1e-3
        Initial learning rate (> 0).
    momentum : float, default=0.9
        Momentum of ``rmsprop`` and ``sgd``.
    schedule : {"cosine", "constant"}, default="cosine"
        Learning-rate schedule: cosine decay to 1% of ``learning_rate`` over the run, or constant.
    epochs : int or "auto", default="auto"
        Training epochs (the most, with early stopping); ``auto`` is a budget of optimiser steps that fits the
        data's size.
    batch_size : int or "auto", default="auto"
        Samples per optimiser step; ``auto`` chooses it from the data's size.
    validation_split : float, default=0.1
        Share of the training data held out for validation, in [0, 1).
    early_stopping : bool, default=True
        Stop when the validation loss stops improving, and keep the best weights.
    patience : int, default=10
        Epochs without improvement before early stopping.
    seed : int, default=0
        Random seed; the same seed gives identical results on CPU.
    augment : {"none", "flips", "shifts", "flips+shifts"}, default="none"
        Images only: each batch's images flipped left to right and/or shifted by up to 1/16 of their side (the
        targets alike), drawn anew for every batch (see :mod:`aekit.data.augment`). Off by default, since
        whether a mirrored image means the same cannot be read from the data.
    dataset : {"mnist", "fashion_mnist", "digits"}, optional
        Named dataset to read (see :func:`aekit.data.load_named`). Not with ``data``.
    data : str, optional
        A data file, folder or glob to read: CSV, Parquet, NPY/NPZ, IDX or images (see
        :func:`aekit.data.read_path`). Not with ``dataset``.
    label_column : str, optional
        Table column holding labels, kept aside and not trained on.
    image_size : list of int, optional
        ``[height, width]`` to resize images to (needed when they differ in size).
    image_shape : list of int, optional
        ``[H, W]`` or ``[H, W, C]`` to reshape each table row into an image, e.g. ``[28, 28]`` for a CSV of
        MNIST pixels (``image_size`` resizes images instead).
    split : {"train", "test", "all"}, default="train"
        Split of a named dataset.
    data_dir : str, optional
        Where named datasets live, searched first (then ``AEKIT_DATA_DIR``; see :func:`aekit.data.search_dirs`).
    max_samples : int, optional
        Use only the first ``max_samples`` samples.
    stream : bool, optional
        Read ``data`` block by block through tf.data instead of into memory (see :func:`aekit.data.stream`).
        None streams TFRecord files and data over 512 MB; streaming reads CSV/Parquet shards, TFRecord files
        and images.
    stream_cache : str, optional
        With a stream: keep the decoded rows after the first pass (an epoch), in memory (``"memory"``) or in
        files at this path prefix. None reads the files again every epoch.
    extra : dict, default={}
        The model family's own parameters, by name (see :mod:`aekit.params`); a parameter not given here reads
        as its declared default.
    """

    model: str = _key("deep", ARCHITECTURE, "Registered model family (see `aekit models`).")
    preset: str | None = _key(None, ARCHITECTURE, "Architecture preset: hinton2006, tutorial, small.")
    latent_dim: int | None = _key(None, ARCHITECTURE, "Size of the code: numbers for a vector or Gaussian code, "
                                  "bits for a binary code, channels for a spatial grid [default: from the input].")
    hidden: list[int] | None = _key(None, ARCHITECTURE, "Hidden layer widths of a deep stack, comma separated, "
                                    "e.g. 1000,500,250 (conv with code=vector: the Dense layers beside the code).")
    filters: list[int] | None = _key(None, ARCHITECTURE, "Conv filters per stage, comma separated, e.g. 32,64.")
    kernel_size: int = _key(3, ARCHITECTURE, "Convolution kernel size.")
    activation: str = _key("elu", ARCHITECTURE, "Activation of hidden layers (any Keras activation name).")
    code_activation: str = _key("linear", ARCHITECTURE, "Activation of the code layer.")
    output_activation: str = _key("auto", ARCHITECTURE, "Output activation; auto = sigmoid for [0, 1] data, "
                                  "linear otherwise.")
    kernel_initializer: str = _key("glorot_uniform", ARCHITECTURE, "Keras initializer of the weights.")
    l1: float = _key(0.0, ARCHITECTURE, "L1 weight decay.")
    l2: float = _key(0.0, ARCHITECTURE, "L2 weight decay.")
    activity_l1: float = _key(0.0, ARCHITECTURE, "L1 penalty on the code's activity (sparse autoencoder).")
    dropout: float = _key(0.0, ARCHITECTURE, "Dropout rate after hidden layers.")
    noise: str = _key("none", ARCHITECTURE, "Input corruption while training (denoising autoencoder).")
    noise_level: float = _key(0.2, ARCHITECTURE, "Corruption strength: std of gaussian noise, share of values "
                              "masked or set to salt and pepper.")
    tied: bool = _key(False, ARCHITECTURE, "Tie decoder weights to the transposed encoder weights.")
    scaling: str = _key("auto", ARCHITECTURE, "Input scaling: auto = minmax to [0, 1] for images and for tables "
                        "whose values share one bounded range (pixels 0-255 or values in [0, 1]), standard "
                        "(per-column z-scores) for other tables; or minmax, standard, none.")
    loss: str = _key("auto", TRAINING, "Reconstruction loss; auto = bce for [0,1] data, mse otherwise.")
    optimizer: str = _key("adam", TRAINING, "Optimizer.")
    learning_rate: float = _key(1e-3, TRAINING, "Initial learning rate.")
    momentum: float = _key(0.9, TRAINING, "Momentum of rmsprop and sgd.")
    schedule: str = _key("cosine", TRAINING, "Learning-rate schedule: cosine decay to 1% over the run, "
                         "or constant.")
    epochs: int | str = _key("auto", TRAINING, "Training epochs (the most, with early stopping); auto = a budget "
                             "of optimiser steps that fits the data's size.")
    batch_size: int | str = _key("auto", TRAINING, "Samples per optimiser step; auto = from the data's size.")
    validation_split: float = _key(0.1, TRAINING, "Share of the training data held out for validation.")
    early_stopping: bool = _key(True, TRAINING, "Stop when the validation loss stops improving; keep the best "
                                "weights.")
    patience: int = _key(10, TRAINING, "Epochs without improvement before early stopping.")
    seed: int = _key(0, TRAINING, "Random seed; the same seed gives identical results on CPU.")
    augment: str = _key("none", TRAINING, "Images only: flip them left to right and/or shift them by up to 1/16 of "
                        "their side, each batch anew: none, flips, shifts, flips+shifts. Off by default: a "
                        "mirrored digit or page of text means something else, so it is your call.")
    # data: where the CLI and YAML files read the data (not estimator parameters); the command line's data options
    # and its DataSource are made from these declarations (aekit.cli.sources)
    dataset: str | None = _key(None, DATA, "Named dataset: mnist, fashion_mnist, digits (see `aekit datasets`).")
    data: str | None = _key(None, DATA, "A data file, folder or glob: CSV, Parquet, NPY/NPZ, IDX, images.")
    label_column: str | None = _key(None, DATA, "Table column holding labels; kept aside, not trained on.")
    image_size: list[int] | None = _key(None, DATA, "Resize images to H x W (needed when they differ in size).")
    image_shape: list[int] | None = _key(None, DATA, "Reshape each table row into an H x W (x C) image, e.g. 28,28 "
                                         "for a CSV of MNIST pixels. Not --image-size, which resizes images.")
    split: str = _key("train", DATA, "Split of a named dataset.")
    data_dir: str | None = _key(None, DATA, "Where named datasets live (also AEKIT_DATA_DIR).")
    max_samples: int | None = _key(None, DATA, "Use only the first N samples.")
    stream: bool | None = _key(None, DATA, "Read --data through tf.data block by block instead of into memory "
                               "[default: for TFRecord files and data over 512 MB]. For CSV/Parquet shards, "
                               "TFRecord, images.")
    stream_cache: str | None = _key(None, DATA, "With a stream: keep the decoded rows after the first pass (an "
                                    "epoch), in memory or in files at this path prefix.")
    extra: dict[str, Any] = field(default_factory=dict, metadata={"group": "family", "help": ""})

    def __getattr__(self, name: str) -> Any:
        # Family parameters read like core keys: the given value, else the family's declared default.
        if name.startswith("__") or name == "extra":
            raise AttributeError(name)
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        declared = family_params.family_params().get(name)
        if declared is not None:
            return declared.default
        raise AttributeError(f"Config has no key {name!r}")

    @classmethod
    def field_names(cls) -> list[str]:
        """The names of every core key, in declaration order, ``extra`` last.

        Returns
        -------
        list of str
            The dataclass fields' names.
        """
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def keys(cls, *groups: str) -> list[str]:
        """Core keys of the given groups (architecture, training, data), in declaration order.

        Parameters
        ----------
        *groups : str
            Any of ``"architecture"``, ``"training"`` and ``"data"``.

        Returns
        -------
        list of str
            The names of the core keys in those groups (family parameters are never included).
        """
        return [f.name for f in dataclasses.fields(cls) if f.metadata.get("group") in groups]

    @classmethod
    def estimator_keys(cls) -> list[str]:
        """The keys that are estimator parameters: core architecture/training keys, then family ones.

        Returns
        -------
        list of str
            The core architecture and training keys, then every declared family parameter.
        """
        return cls.keys(ARCHITECTURE, TRAINING) + list(family_params.family_params())

    @classmethod
    def estimator_defaults(cls, overrides: dict[str, Any] | None = None,
                           exclude: tuple[str, ...] = ()) -> dict[str, Any]:
        """Each estimator key with its default, as an estimator's signature holds them.

        Parameters
        ----------
        overrides : dict of str to Any, optional
            Defaults of this estimator that differ from the config's (the detector's shorter training, say).
        exclude : tuple of str
            Keys the estimator does not take as parameters.

        Returns
        -------
        dict of str to Any
            The keys of :meth:`estimator_keys`, in order, less ``exclude``, with their defaults.
        """
        overrides = overrides or {}
        return {name: overrides.get(name, cls.default_for(name)) for name in cls.estimator_keys()
                if name not in exclude}

    @classmethod
    def of_params(cls, params: dict[str, Any]) -> "Config":
        """The resolved config of an estimator's parameters, checked as ``Autoencoder(**params).config()`` checks
        them but without importing the estimator, so a command refuses a wrong value before Keras has loaded.

        Parameters
        ----------
        params : dict of str to Any
            Parameters by name; those that are not estimator keys (``run_dir``, ``verbose``...) are ignored, and
            the config's defaults fill the keys not given.

        Returns
        -------
        Config
            The resolved config.

        Raises
        ------
        ConfigError
            When a value is not valid.
        """
        keys = set(cls.estimator_keys())
        given = {name: value for name, value in params.items() if name in keys}
        return cls.from_dict({**cls.estimator_defaults(), **given}).resolved()

    @classmethod
    def help_for(cls, name: str) -> str:
        """The help text of a core key or a declared family parameter.

        Parameters
        ----------
        name : str
            A core key or a family parameter's name.

        Returns
        -------
        str
            Its help text; empty for ``extra`` and for a name that is neither.
        """
        for f in dataclasses.fields(cls):
            if f.name == name:
                return f.metadata.get("help", "")
        declared = family_params.family_params().get(name)
        return declared.help if declared is not None else ""

    @classmethod
    def default_for(cls, name: str) -> Any:
        """The default value of a core key or a declared family parameter.

        Parameters
        ----------
        name : str
            A core key or a family parameter's name.

        Returns
        -------
        Any
            Its default (a fresh copy for list and dict defaults).

        Raises
        ------
        KeyError
            When ``name`` is neither a core key nor a declared family parameter.
        """
        for f in dataclasses.fields(cls):
            if f.name == name:
                return f.default_factory() if f.default is dataclasses.MISSING else f.default
        return family_params.family_params()[name].default

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "Config":
        """Build from a flat dict of core and family keys (a nested ``extra`` from format-1 runs is accepted).

        Parameters
        ----------
        values : dict of str to Any
            Core keys and declared family parameters, by name, as :meth:`to_dict` writes them.

        Returns
        -------
        Config
            A new config holding ``values`` (not resolved, not checked beyond the names).

        Raises
        ------
        ConfigError
            When a key is neither a core key nor a declared family parameter.
        """
        names = [n for n in cls.field_names() if n != "extra"]
        declared = family_params.family_params()
        core, extra = {}, dict(values.get("extra") or {})
        for key, value in values.items():
            if key in names:
                core[key] = value
            elif key in declared:
                extra[key] = value
            elif key != "extra":
                known = names + list(declared)
                raise ConfigError(f'Unknown config key "{key}".{did_you_mean(key, known)} '
                                  f"Valid keys: {', '.join(known)}.")
        return cls(**core, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """A flat dict: the core keys, then the family's own keys.

        Returns
        -------
        dict of str to Any
            Every core key but ``extra``, then the family parameters held in ``extra``; lists are copied.
        """
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        values = {k: (list(v) if isinstance(v, list) else v) for k, v in values.items()}
        values.update(self.extra)
        return values

    def replace(self, **changes: Any) -> "Config":
        """A copy with ``changes``; a resolved config stays resolved, its changed values checked.

        Parameters
        ----------
        **changes : Any
            New values of core keys or family parameters, by name.

        Returns
        -------
        Config
            A new config; this one is left as it is.

        Raises
        ------
        ConfigError
            When a key is unknown or, for a resolved config, a value is not valid.
        """
        config = Config.from_dict({**self.to_dict(), **changes})
        if self.is_resolved:
            config.validate()
            own = family_params.params_of(config.model)
            for key, value in changes.items():
                if key in own:
                    config.extra[key] = own[key].check(value, config.model)
            config.__dict__["_resolved"] = True
        return config

    @property
    def is_resolved(self) -> bool:
        """Whether this config came out of :meth:`resolved` (so resolving it again would change nothing)."""
        return bool(self.__dict__.get("_resolved"))

    def resolved(self) -> "Config":
        """A copy with the preset applied to unset keys, the family's defaults filled in, every value checked
        (done once: a resolved config is returned as it is).

        Returns
        -------
        Config
            The resolved config: its ``extra`` holds exactly the parameters of its model family.

        Raises
        ------
        ConfigError
            For an unknown preset or model family, a preset made for another family, a non-default value of a
            parameter the family does not have, or any value :meth:`validate` refuses.
        """
        if self.is_resolved:
            return self
        values = self.to_dict()
        if self.preset is not None:
            if self.preset not in PRESETS:
                raise unknown_name_error("preset", self.preset, PRESETS)
            for key, value in PRESETS[self.preset].items():
                if key == "model" or values.get(key) is None:
                    values[key] = value
            if self.model not in (PRESETS[self.preset]["model"], Config.model):
                raise ConfigError(
                    f'Preset "{self.preset}" is for model "{PRESETS[self.preset]["model"]}", '
                    f'but model="{self.model}" was given. Drop one of the two.'
                )
        family = values["model"]
        if family not in family_params.families():
            raise unknown_name_error("model", family, family_params.families())
        own = family_params.params_of(family)
        for key in list(self.extra):
            if key in own:
                continue
            if values[key] != family_params.family_params()[key].default:
                users = ", ".join(family_params.families_using(key))
                raise ConfigError(f'Received {key}={values[key]!r}, but model "{family}" has no parameter '
                                  f'"{key}" (it belongs to: {users}). Drop it, or choose one of those models.')
            values.pop(key)
        for key, param in own.items():
            values[key] = param.check(values.get(key, param.default), family)
        config = Config.from_dict(values)
        config.validate()
        config.__dict__["_resolved"] = True
        return config

    def validate(self) -> None:
        """Check the core keys: choices, positive integers, non-negative penalties, rates in [0, 1).

        Raises
        ------
        ConfigError
            Naming the first value that is not valid, and what was expected.
        """
        for key, allowed in CHOICES.items():
            if getattr(self, key) not in allowed:
                raise unknown_name_error(key.replace("_", " ") + " option", getattr(self, key), allowed)
        for name in ("epochs", "batch_size"):
            if getattr(self, name) != AUTO:
                _check_positive_int(name, getattr(self, name), also="or 'auto'")
        if self.latent_dim is not None:
            _check_positive_int("latent_dim", self.latent_dim)
        for name in ("hidden", "filters", "image_shape"):
            for units in getattr(self, name) or []:
                _check_positive_int(f"each entry of {name}", units)
        if self.image_shape is not None and len(self.image_shape) not in (2, 3):
            raise ConfigError(f"Received image_shape={self.image_shape}; expected H W or H W C.")
        for name in ("l1", "l2", "activity_l1", "noise_level"):
            if getattr(self, name) < 0:
                raise ConfigError(f"Received {name}={getattr(self, name)}; expected a value >= 0.")
        if not self.learning_rate > 0:
            raise ConfigError(f"Received learning_rate={self.learning_rate}; expected a value > 0.")
        for name in ("dropout", "validation_split"):
            if not 0 <= getattr(self, name) < 1:
                raise ConfigError(f"Received {name}={getattr(self, name)}; expected 0 <= {name} < 1.")
        if self.dataset and self.data:
            raise ConfigError("Give either a named dataset (--dataset) or a file (--data), not both.")


def _check_positive_int(name: str, value: Any, also: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"Received {name}={value!r}; expected a positive integer{' ' + also if also else ''}.")


def load_config_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML (or JSON) config file into a dict of config keys."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"Config file not found: {path}. Pass the path of an existing YAML file.")
    try:
        values = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"Config file {path} is not valid YAML: {exc}") from None
    if not isinstance(values, dict):
        raise ConfigError(f"Config file {path} must hold a mapping of keys to values, got {type(values).__name__}.")
    Config.from_dict(values)  # reject unknown keys early, naming the file's key
    return values
