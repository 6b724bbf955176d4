"""Model export (aekit.estimator.export): each format reloaded without aekit gives what the estimator gives, with
the scaler folded in, and every refusal says what was asked, why not, and what to do instead."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest

import aekit
from aekit.errors import ConfigError, NotFittedError, OutputError
from aekit.estimator import export as export_module
from aekit.estimator.export import FORMATS, PARTS, export_model

from .conftest import DATA_DIR, TINY

TENSORFLOW = keras.backend.backend() == "tensorflow"
needs_tensorflow = pytest.mark.skipif(not TENSORFLOW, reason="Keras writes ONNX (tf2onnx) and LiteRT from "
                                      "TensorFlow graphs; this session runs on " + keras.backend.backend())


def _fit(X, **params):
    return aekit.Autoencoder(**{**TINY, "batch_size": 32, **params}).fit(X)


@pytest.fixture(scope="module")
def images(mnist_small):
    """8-bit MNIST images and a deep model trained on them (min-max scaling from 0-255)."""
    X = mnist_small[0].X[:600]
    return X, _fit(X)


@pytest.fixture(scope="module")
def table():
    """The Pima table in its own units (columns up to 846), standardised per column by the model."""
    X = np.load(DATA_DIR / "anomaly" / "29_Pima.npz")["X"].astype(np.float32)
    return X, _fit(X)


def _saved_model(path, x):
    import tensorflow as tf

    loaded = tf.saved_model.load(str(path))  # kept alive: the endpoint refers to its variables
    return np.asarray(loaded.serve(x))


def _onnx(path, x):
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path))
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def _close(got, expected):
    # float32 graphs against the scaler's float64 arithmetic: a few ulps of the data's own range.
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4 * max(1.0, float(np.abs(expected).max())))


def test_a_saved_model_encoder_takes_8_bit_pixels_and_gives_the_codes_of_transform(images, tmp_path):
    X, ae = images
    codes_before = ae.transform(X[:64])
    path = export_model(ae, tmp_path / "encoder")
    assert path == tmp_path / "encoder" and (path / "saved_model.pb").is_file()
    pixels = X[:64].astype(np.float32)  # 0-255, as the data comes: the scaling is in the graph
    assert pixels.max() > 1
    _close(_saved_model(path, pixels), codes_before)
    np.testing.assert_array_equal(ae.transform(X[:64]), codes_before)  # exporting left the estimator as it was
    # An aekit folder is written again in place; one holding the user's files is refused (the output rule).
    export_model(ae, path)
    assert json.loads((path / ".aekit-files.json").read_text())["written_by"] == "aekit"
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError, match=r"already holds files that aekit did not write \(notes.txt\)"):
        export_model(ae, tmp_path / "mine")


def test_a_saved_model_of_a_standardised_table_gives_every_part_in_its_units(table, tmp_path):
    X, ae = table
    assert ae.scaler_.method == "standard"
    x, codes = X[:64], ae.transform(X[:64])
    _close(_saved_model(export_model(ae, tmp_path / "encoder"), x), codes)
    _close(_saved_model(export_model(ae, tmp_path / "decoder", part="decoder"), codes), ae.inverse_transform(codes))
    _close(_saved_model(export_model(ae, tmp_path / "model", part="model"), x), ae.reconstruct(x))


def test_binary_codes_export_as_the_bits_of_transform(images, tmp_path):
    X, _ = images
    ae = _fit(X, model="hashing", latent_dim=16)
    bits = ae.transform(X[:64])
    got = _saved_model(export_model(ae, tmp_path / "encoder"), X[:64].astype(np.float32))
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, bits)
    _close(_saved_model(export_model(ae, tmp_path / "decoder", part="decoder"), bits), ae.inverse_transform(bits))


def test_a_compression_model_exports_the_symbols_its_coder_writes(images, tmp_path):
    X, _ = images
    ae = _fit(X[:256], model="compression", filters=[4, 8], epochs=1)
    assert ae.can("compress")
    got = _saved_model(export_model(ae, tmp_path / "symbols"), X[:16].astype(np.float32))
    np.testing.assert_array_equal(got, ae.transform(X[:16]))  # integers: exact, not close
    with pytest.raises(ConfigError) as refused:
        export_model(ae, tmp_path / "coder", part="compress")
    assert str(refused.value) == (
        "Received part='compress': the compression family's .aez coding is a range coder over its learned probability "
        "tables, run in Python, not a graph, so no format can hold it. Export the latent symbols it codes with "
        "part='encoder' (what transform returns) and their decoding with part='decoder'; compress and decompress "
        ".aez files with `aekit compress` / `aekit decompress`.")


@needs_tensorflow
def test_onnx_encoder_and_model_round_trip_through_onnxruntime(images, tmp_path):
    pytest.importorskip("tf2onnx", reason="the ONNX converter is the export extra: pip install 'aekit[export]'")
    pytest.importorskip("onnxruntime", reason="onnxruntime runs the exported file")
    X, ae = images
    x = X[:64].astype(np.float32)
    encoder = export_model(ae, tmp_path / "encoder.onnx", format="onnx")
    _close(_onnx(encoder, x), ae.transform(X[:64]))
    _close(_onnx(export_model(ae, tmp_path / "model.onnx", format="onnx", part="model"), x), ae.reconstruct(X[:64]))
    with pytest.raises(OutputError, match="already exists, and aekit replaces a file only when asked"):
        export_model(ae, encoder, format="onnx")
    assert export_model(ae, encoder, format="onnx", part="model", overwrite=True) == encoder
    _close(_onnx(encoder, x), ae.reconstruct(X[:64]))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary files left


@needs_tensorflow
def test_litert_encoder_round_trip(images, tmp_path):
    import tensorflow as tf

    X, ae = images
    path = export_model(ae, tmp_path / "encoder.tflite", format="litert")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TensorFlow's interpreter points to ai-edge-litert, which runs the same file
        runtime = getattr(getattr(tf, "lite", None), "Interpreter", None)
        if runtime is None:
            runtime = pytest.importorskip("ai_edge_litert.interpreter", reason="no LiteRT interpreter: TensorFlow "
                                          "no longer ships one; pip install ai-edge-litert").Interpreter
        interpreter = runtime(model_path=str(path))
    x = X[:10].astype(np.float32)
    entry = interpreter.get_input_details()[0]
    interpreter.resize_tensor_input(entry["index"], x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(entry["index"], x)
    interpreter.invoke()
    _close(interpreter.get_tensor(interpreter.get_output_details()[0]["index"]), ae.transform(X[:10]))


def test_requests_that_cannot_be_exported_are_refused_with_what_to_do(images, tmp_path):
    _, ae = images
    refusals = {
        (("format", "pb"),): "Unknown export format 'pb'; expected one of saved_model, onnx, litert (saved_model: a "
                             "TensorFlow SavedModel folder, onnx: an ONNX file, litert: a .tflite file).",
        (("part", "latent"),): "Unknown part 'latent' to export; expected one of encoder, decoder, model (encoder: "
                               "data to codes, as transform; decoder: codes to data, as inverse_transform; model: data "
                               "to its reconstruction, as reconstruct).",
    }
    for options, message in refusals.items():
        with pytest.raises(ConfigError) as refused:
            export_model(ae, tmp_path / "x", **dict(options))
        assert str(refused.value) == message
    assert FORMATS == ("saved_model", "onnx", "litert") and PARTS == ("encoder", "decoder", "model")
    with pytest.raises(ConfigError) as refused:
        export_model(ae, tmp_path / "codes.onnx")
    assert str(refused.value) == (
        f"Received -o {tmp_path / 'codes.onnx'} for format='saved_model', which writes a folder, not a .onnx file. "
        "Pass format='onnx' for that file, or name the SavedModel folder without the suffix.")
    if TENSORFLOW:
        with pytest.raises(ConfigError) as refused:
            export_model(ae, tmp_path / "codes.lite", format="litert")
        assert str(refused.value) == (
            f"Received -o {tmp_path / 'codes.lite'} for format='litert'; a LiteRT file's name must end in .tflite "
            f"(Keras's rule). Use e.g. -o {tmp_path / 'codes.tflite'}.")
    with pytest.raises(NotFittedError, match="not fitted yet, so there is nothing to export"):
        export_model(aekit.Autoencoder(), tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_a_missing_converter_or_a_backend_that_cannot_write_the_format_is_refused(monkeypatch):
    check = export_module._check_converter
    with pytest.raises(ConfigError) as refused:
        check("jax", "litert")
    assert str(refused.value) == (
        "format='litert' cannot be written on the JAX backend: Keras converts to LiteRT with TensorFlow's converter, "
        "from TensorFlow graphs only. Keras runs on jax in this process; export on TensorFlow instead: set "
        "KERAS_BACKEND=tensorflow before aekit is imported and load the run there (a saved run loads on either "
        "backend), or run `KERAS_BACKEND=tensorflow aekit export RUN --format litert -o PATH`.")
    monkeypatch.setattr(export_module, "installed", lambda name: name not in ("tf2onnx", "jax2onnx"))
    with pytest.raises(ConfigError) as refused:
        check("tensorflow", "onnx")
    assert str(refused.value) == ("format='onnx' needs the ONNX converter, and tf2onnx is not installed. Install it "
                                  "with `pip install 'aekit[export]'`, or export format='saved_model'.")
    with pytest.raises(ConfigError, match=r"^format='onnx' on the JAX backend needs jax2onnx, which is not installed\. "
                                          r"Keras runs on jax in this process; export on TensorFlow instead"):
        check("jax", "onnx")
    monkeypatch.setattr(export_module, "installed", lambda name: False)
    with pytest.raises(ConfigError) as refused:
        check("jax", "saved_model")
    assert str(refused.value) == ("format='saved_model' needs TensorFlow, which is not installed. Install it with "
                                  "`pip install 'aekit[export]'` (TensorFlow and the ONNX converter).")


JAX_ROUND_TRIP = """
import numpy as np, aekit, keras, tensorflow as tf
from aekit.estimator.export import export_model
assert keras.backend.backend() == "jax"
X = np.load({data!r})["X"][:300].astype(np.float32)
ae = aekit.Autoencoder(hidden=[16], latent_dim=4, epochs=1, batch_size=32).fit(X)
path = export_model(ae, {path!r})
loaded = tf.saved_model.load(str(path))
print(float(np.abs(np.asarray(loaded.serve(X[:50])) - ae.transform(X[:50])).max()))
"""


def test_the_jax_backend_writes_a_saved_model_too(tmp_path):
    """jax2tf turns the JAX program into the SavedModel: the one format Keras writes from JAX without extras."""
    pytest.importorskip("tensorflow")
    code = JAX_ROUND_TRIP.format(data=str(DATA_DIR / "anomaly" / "29_Pima.npz"), path=str(tmp_path / "encoder"))
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert float(result.stdout.split()[-1]) < 1e-4


def test_the_command_line_exports_a_run_on_tensorflow_and_info_describes_it(images, tmp_path):
    from .conftest import run_cli

    X, model = images
    run = tmp_path / "run"
    model.save(run)
    onnx_file = tmp_path / "encoder.onnx"
    result = run_cli("export", run, "--format", "onnx", "-o", onnx_file, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"path": str(onnx_file), "format": "onnx", "part": "encoder"}
    pytest.importorskip("onnxruntime")
    _close(_onnx(onnx_file, X[:5].astype(np.float32)), model.transform(X[:5]))
    again = run_cli("export", run, "--format", "onnx", "-o", onnx_file)
    assert again.returncode == 2 and "--overwrite" in again.stderr  # the one output rule

    described = run_cli("info", run, "--json")
    assert described.returncode == 0, described.stderr
    summary = json.loads(described.stdout)
    assert summary["estimator"] == "Autoencoder" and summary["config"]["model"] == "deep"
    assert summary["input_shape"] == [28, 28, 1] and "model.keras" in summary["files"]
    assert summary["data"]["fingerprint"] == model.data_fingerprint_
    text = run_cli("info", run).stdout
    assert "Autoencoder run" in text and "family      deep" in text and "validation" in text
    missing = run_cli("info", tmp_path / "nothing")
    assert missing.returncode == 2 and missing.stderr.startswith("Error: No saved model at")
