"""Export a fitted autoencoder's encoder, decoder or whole model as a standalone graph: a TensorFlow SavedModel,
an ONNX file or a LiteRT (``.tflite``) file, to serve without aekit or Keras (TensorFlow Serving, ONNX
Runtime, LiteRT on phones and boards).

The graph is the one ``transform``, ``inverse_transform`` and ``reconstruct`` run, with what they do around the
network folded in, so that the file alone gives the same numbers (within float32 rounding):

- ``encoder``: data in its own units (0-255 pixels for a model of 8-bit images, a table's raw columns), scaled as
  in training, to the code ``transform`` returns (binary codes: 0/1 uint8 bits; Gaussian codes: the means;
  compression models: the rounded latent symbols its coder writes);
- ``decoder``: codes as ``transform`` gives them (unpacked bits for binary codes) to ``inverse_transform``'s
  output, back in the data's units;
- ``model``: data to ``reconstruct``'s output.

Each goes through Keras's own export (``keras.Model.export``), which decides what runs on which backend:

===============  ===================================  ===================================================
format           TensorFlow backend                   JAX backend
===============  ===================================  ===================================================
``saved_model``  yes                                  yes (through jax2tf; TensorFlow must be installed)
``onnx``         with tf2onnx (``aekit[export]``)     with jax2onnx, if installed
``litert``       yes (TensorFlow's converter)         no: Keras converts to LiteRT on TensorFlow only
===============  ===================================  ===================================================

The compression family's ``.aez`` coding (a range coder over the learned probability tables) is not a graph and
is not exported; its symbols are (``part="encoder"``), and so is their decoding (``part="decoder"``).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import keras
import numpy as np
from keras import ops

from ..core.atomic import atomic_path
from ..core.backend import installed
from ..core.errors import ConfigError, NotFittedError
from ..core.outputs import check_file, check_folder, staged
from ..models import reconstruction_of

FORMATS = ("saved_model", "onnx", "litert")
PARTS = ("encoder", "decoder", "model")
KERAS_FORMATS = {"saved_model": "tf_saved_model", "onnx": "onnx", "litert": "litert"}
# What a SavedModel folder holds, for the folder rule of aekit.core.outputs.
SAVED_MODEL_ENTRIES = ("saved_model.pb", "variables", "assets", "fingerprint.pb")
# Names a user may try for the compression family's coder, which has no graph to export.
CODER_NAMES = ("compress", "decompress", "codec", "coder", "entropy", "aez")
INSTALL_EXPORT = "pip install 'aekit[export]'"


def export_model(estimator, path, *, format: str = "saved_model", part: str = "encoder",
                 overwrite: bool = False) -> Path:
    """Write ``part`` of the fitted ``estimator`` to ``path`` in ``format``; return the path written.

    ``saved_model`` writes a folder (reload it with ``tf.saved_model.load(path).serve(x)``); ``onnx`` and
    ``litert`` write one file (``.tflite`` for LiteRT). ``path`` follows aekit's output rule
    (:mod:`aekit.core.outputs`): a file is replaced, and a folder holding files aekit did not write is written
    into, only with ``overwrite=True``. Every refusal is raised before any work, as a
    :class:`~aekit.errors.ConfigError` (or :class:`~aekit.errors.OutputError` for the path).
    """
    _check_request(format, part)
    if not hasattr(estimator, "model_"):
        raise NotFittedError(f"This {type(estimator).__name__} is not fitted yet, so there is nothing to export. "
                             "Call fit(X) first, or load a saved run with aekit.load(path).")
    _check_converter(keras.backend.backend(), format)
    path = Path(path).expanduser()
    if format == "litert" and path.suffix != ".tflite":
        raise ConfigError(f"Received -o {path} for format='litert'; a LiteRT file's name must end in .tflite (Keras's "
                          f"rule). Use e.g. -o {path.with_suffix('.tflite')}.")
    if format == "saved_model" and path.suffix in (".onnx", ".tflite"):
        other = "onnx" if path.suffix == ".onnx" else "litert"
        raise ConfigError(f"Received -o {path} for format='saved_model', which writes a folder, not a {path.suffix} "
                          f"file. Pass format={other!r} for that file, or name the SavedModel folder without the "
                          "suffix.")
    if format == "saved_model":
        check_folder(path, overwrite=overwrite, names=SAVED_MODEL_ENTRIES, what="SavedModel folder")
    else:
        check_file(path, overwrite=overwrite)

    graph, spec = _graph(estimator, part)
    with warnings.catch_warnings():
        # tf2onnx's NumPy 2 patch in Keras and TensorFlow's converter warn about their own internals.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        if format == "saved_model":
            with staged(path) as staging:
                graph.export(str(staging), format=KERAS_FORMATS[format], input_signature=[spec], verbose=False)
        else:
            with atomic_path(path) as temporary:
                graph.export(str(temporary), format=KERAS_FORMATS[format], input_signature=[spec], verbose=False)
    return path


def _check_request(format: str, part: str) -> None:
    if format not in FORMATS:
        raise ConfigError(f"Unknown export format {format!r}; expected one of {', '.join(FORMATS)} (saved_model: "
                          "a TensorFlow SavedModel folder, onnx: an ONNX file, litert: a .tflite file).")
    if str(part).lower() in CODER_NAMES:
        raise ConfigError(
            f"Received part={part!r}: the compression family's .aez coding is a range coder over its learned "
            "probability tables, run in Python, not a graph, so no format can hold it. Export the latent symbols it "
            "codes with part='encoder' (what transform returns) and their decoding with part='decoder'; compress "
            "and decompress .aez files with `aekit compress` / `aekit decompress`.")
    if part not in PARTS:
        raise ConfigError(f"Unknown part {part!r} to export; expected one of {', '.join(PARTS)} (encoder: data to "
                          "codes, as transform; decoder: codes to data, as inverse_transform; model: data to its "
                          "reconstruction, as reconstruct).")


def _check_converter(backend: str, format: str) -> None:
    """Refuse a format that Keras cannot write on this backend, or whose converter is not installed."""
    on_tensorflow = (f"Keras runs on {backend} in this process; export on TensorFlow instead: set KERAS_BACKEND="
                     f"tensorflow before aekit is imported and load the run there (a saved run loads on either "
                     f"backend), or run `KERAS_BACKEND=tensorflow aekit export RUN --format {format} -o PATH`")
    if backend not in ("tensorflow", "jax"):
        raise ConfigError(f"aekit exports models from the TensorFlow and JAX backends only. {on_tensorflow}.")
    if not installed("tensorflow"):
        # Every format goes through TensorFlow: the SavedModel itself, jax2tf, tf2onnx and the LiteRT converter.
        raise ConfigError(f"format={format!r} needs TensorFlow, which is not installed. Install it with "
                          f"`{INSTALL_EXPORT}` (TensorFlow and the ONNX converter).")
    if format == "litert" and backend != "tensorflow":
        raise ConfigError("format='litert' cannot be written on the JAX backend: Keras converts to LiteRT with "
                          f"TensorFlow's converter, from TensorFlow graphs only. {on_tensorflow}.")
    if format == "onnx" and backend == "tensorflow":
        missing = [name for name in ("tf2onnx", "onnx") if not installed(name)]
        if missing:
            raise ConfigError(f"format='onnx' needs the ONNX converter, and {' and '.join(missing)} "
                              f"{'is' if len(missing) == 1 else 'are'} not installed. Install it with "
                              f"`{INSTALL_EXPORT}`, or export format='saved_model'.")
    if format == "onnx" and backend == "jax" and not installed("jax2onnx"):
        raise ConfigError("format='onnx' on the JAX backend needs jax2onnx, which is not installed. "
                          f"{on_tensorflow}, with `{INSTALL_EXPORT}`. (Or `pip install jax2onnx`.)")


def _graph(estimator, part: str):
    """The Keras model to export for ``part``, built by one call, and its input spec (dynamic batch size)."""
    graph = ExportedPart(estimator, part)
    binary = estimator.code_kind_ == "binary"
    if part == "decoder":
        shape, dtype, name = tuple(estimator.code_shape_), "uint8" if binary else "float32", "codes"
    else:
        shape, dtype, name = tuple(estimator.input_shape_), "float32", "inputs"
    graph(np.zeros((1, *shape), dtype))  # Keras exports built models only; this also surfaces errors before writing
    return graph, keras.InputSpec(shape=(None, *shape), dtype=dtype, name=name)


class ExportedPart(keras.Model):
    """One inference path of an aekit model with its scaler folded in: the model's own ``encode``/``decode``
    (families override them) and forward pass, on shared weights, without training-time noise."""

    def __init__(self, estimator, part: str):
        super().__init__(name=f"aekit_{part}")
        self.network = estimator.model_
        self.part = part
        self.binary = estimator.code_kind_ == "binary"
        scaler = estimator.scaler_
        # float32 constants: the scaler computes in float64 and rounds to float32, a difference of one ulp.
        self.offset = np.asarray(scaler.offset, np.float32)
        self.scale = np.asarray(scaler.scale, np.float32)
        self.clip_unit = scaler.method == "minmax"  # inverse_transform keeps min-max data in the training range

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        if self.part == "decoder":
            return self.unscaled(reconstruction_of(self.network.decode(x)))
        scaled = (x - self.offset) / self.scale
        if self.part == "model":
            return self.unscaled(reconstruction_of(self.network(scaled, training=False)))
        codes = self.network.encode(scaled)
        # transform's threshold rather than the family's rounding: the same bits, in the same dtype.
        return ops.cast(ops.greater(codes, 0.5), "uint8") if self.binary else codes

    def unscaled(self, y):
        if self.clip_unit:
            y = ops.clip(y, 0.0, 1.0)
        return y * self.scale + self.offset
