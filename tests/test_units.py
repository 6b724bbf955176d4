"""Inputs in other units, columns or channels than the training data (issue 26): a clear error, a warning, or a
documented conversion, never a silently wrong answer."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image

import aekit
from aekit.cli import cli
from aekit.errors import DataError

from .conftest import TINY


@pytest.fixture(scope="module")
def mnist_pngs(mnist_small, tmp_path_factory):
    """200 MNIST digits as 8-bit PNG files, grayscale and RGB copies."""
    root = tmp_path_factory.mktemp("units")
    images = mnist_small[0].X[:200, ..., 0]
    for kind in ("gray", "rgb"):
        (root / kind).mkdir()
    for i, image in enumerate(images):
        Image.fromarray(image).save(root / "gray" / f"{i:03d}.png")
        Image.fromarray(np.repeat(image[..., None], 3, axis=-1)).save(root / "rgb" / f"{i:03d}.png")
    return root


@pytest.fixture(scope="module")
def pixel_model(mnist_pngs):
    """A conv model trained on the 8-bit PNG folder, as `aekit train --data faces/ --model conv` would."""
    data = aekit.data.load(data=str(mnist_pngs / "gray"))
    assert data.X.dtype == np.uint8
    return aekit.Autoencoder(model="conv", epochs=2, seed=0).fit(data)


@pytest.fixture(scope="module")
def unit_model(mnist_small, tmp_path_factory):
    """A dense model fitted on images scaled to [0, 1], as the Keras tutorials do (x / 255.)."""
    run = tmp_path_factory.mktemp("unit") / "run"
    return aekit.Autoencoder(**TINY, run_dir=str(run)).fit(mnist_small[0].X[:1000] / 255.0), run


def test_the_training_units_are_recorded_and_saved(pixel_model, unit_model, tmp_path):
    assert pixel_model.units_.describe() == "8-bit pixel values 0-255"
    model, run = unit_model
    assert model.units_.describe() == "values in [0, 1]"
    assert json.loads((run / "aekit.json").read_text())["units"]["description"] == "values in [0, 1]"
    assert aekit.load(run).units_.top == 1.0


def test_images_scaled_to_unit_range_given_to_a_model_of_8_bit_files_are_refused(pixel_model, mnist_small):
    test = mnist_small[1].X[:20]
    assert pixel_model.reconstruct(test).max() > 100  # its own units work
    for method in (pixel_model.reconstruct, pixel_model.transform, pixel_model.score_samples):
        with pytest.raises(DataError, match=r"scaled to \[0, 1\].*8-bit pixel values 0-255.*x \* 255"):
            method(test / 255.0)


def test_8_bit_values_given_to_a_model_fitted_on_unit_range_are_refused(unit_model, mnist_small):
    model, _ = unit_model
    with pytest.raises(DataError, match=r"values up to 255.*trained on values in \[0, 1\].*x / 255"):
        model.transform(mnist_small[1].X[:20])
    model.transform(mnist_small[1].X[:20] / 255.0)


def test_the_command_line_converts_image_files_to_the_models_units(unit_model, mnist_pngs):
    _, run = unit_model
    result = CliRunner().invoke(cli, ["evaluate", str(run), "--data", str(mnist_pngs / "gray"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["psnr_db"] > 10  # the PNG files, divided by 255, reconstruct sensibly


def test_binary_unit_images_given_to_a_pixel_model_warn(pixel_model, mnist_small):
    binary = (mnist_small[1].X[:10] > 127).astype(np.float32)
    with pytest.warns(UserWarning, match="only the values 0 and 1"):
        pixel_model.transform(binary)


def test_grayscale_images_given_to_an_rgb_model_say_how_to_convert(mnist_pngs, tmp_path):
    rgb = aekit.data.load(data=str(mnist_pngs / "rgb"))
    model = aekit.Autoencoder(**TINY).fit(rgb)
    gray = aekit.data.load(data=str(mnist_pngs / "gray"))
    with pytest.raises(DataError, match=r"grayscale images .* colour \(RGB\) images.*np.repeat"):
        model.transform(gray.X)
    model.save(tmp_path / "rgb")
    # Files are converted to the model's channels by the command line.
    result = CliRunner().invoke(cli, ["encode", str(tmp_path / "rgb"), "--data", str(mnist_pngs / "gray"), "-o",
                                      str(tmp_path / "codes.npy")])
    assert result.exit_code == 0, result.output
    np.testing.assert_allclose(np.load(tmp_path / "codes.npy"), model.transform(rgb), rtol=1e-4, atol=1e-5)


def test_images_of_another_size_through_the_python_api_say_to_resize(pixel_model):
    small = np.zeros((3, 14, 14, 1), np.uint8)
    for method in (pixel_model.transform, pixel_model.score_samples):
        with pytest.raises(DataError, match="14x14 images.*28x28 images. Resize"):
            method(small)


def test_a_16_bit_png_keeps_its_values_and_is_refused_by_an_8_bit_model(pixel_model, tmp_path):
    values = (np.arange(28 * 28, dtype=np.uint32).reshape(28, 28) * 83 % 65536).astype(np.uint16)
    folder = tmp_path / "deep"
    folder.mkdir()
    Image.fromarray(values).save(folder / "a.png")
    loaded = aekit.data.load(data=str(folder))
    assert loaded.X.dtype == np.uint16 and int(loaded.X.max()) == int(values.max())  # not clipped to 255
    np.testing.assert_array_equal(loaded.X[0, ..., 0], values)
    with pytest.raises(DataError, match="above the training range.*16-bit images need a model trained on 16-bit"):
        pixel_model.transform(loaded)


def test_a_16_bit_model_refuses_8_bit_arrays(tmp_path):
    rng = np.random.default_rng(0)
    model = aekit.Autoencoder(**TINY).fit(rng.integers(0, 65536, size=(200, 8, 8), dtype=np.uint16))
    assert model.units_.describe() == "16-bit pixel values 0-65535"
    with pytest.raises(DataError, match="8-bit values"):
        model.transform(rng.integers(0, 256, size=(5, 8, 8), dtype=np.uint8))


@pytest.fixture(scope="module")
def table_model():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(300, 5)) * [1, 10, 100, 1000, 1] + [0, 5, 50, 500, 2],
                         columns=["a", "b", "c", "d", "e"])
    return aekit.Autoencoder(hidden=[8], latent_dim=2, epochs=2, seed=0).fit(frame), frame


def test_a_dataframe_with_its_columns_in_another_order_gives_the_same_codes(table_model):
    model, frame = table_model
    assert model.feature_names_ == ["a", "b", "c", "d", "e"]
    np.testing.assert_array_equal(model.transform(frame[["e", "d", "c", "b", "a"]]), model.transform(frame))


def test_missing_columns_are_named_and_extra_ones_left_out(table_model):
    model, frame = table_model
    with pytest.raises(DataError, match="lacks 1 of the model's 5 feature columns: c"):
        model.transform(frame.drop(columns=["c"]))
    with_extras = frame.assign(id=np.arange(len(frame)), Class=0)
    np.testing.assert_array_equal(model.transform(with_extras), model.transform(frame))


def test_a_table_in_other_units_warns_naming_the_column(table_model):
    model, frame = table_model
    with pytest.warns(UserWarning, match="other units.*d \\(median"):
        model.transform(frame.assign(d=frame["d"] * 100))  # cents for dollars
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.transform(frame.iloc[:100])  # the training units: no warning


def test_a_scoring_csv_with_or_without_the_training_label_column_scores_alike(table_csv, tmp_path):
    runner = CliRunner()
    run = tmp_path / "run"
    trained = runner.invoke(cli, ["train", "--data", str(table_csv), "--label-column", "Class", "--epochs", "2",
                                  "--hidden", "8", "--latent-dim", "2", "--quiet", "-o", str(run)])
    assert trained.exit_code == 0, trained.output
    without = tmp_path / "without.csv"
    pd.read_csv(table_csv).drop(columns=["Class"]).to_csv(without, index=False)
    reports = [json.loads(runner.invoke(cli, ["evaluate", str(run), "--data", str(path), "--json"]).output)
               for path in (table_csv, without)]
    assert reports[0] == reports[1]
    labelled = runner.invoke(cli, ["evaluate", str(run), "--data", str(without), "--label-column", "Class"])
    assert labelled.exit_code == 2 and "Label column 'Class' is not in without.csv" in labelled.output


def test_codes_of_another_model_warn_and_binary_codes_must_be_bits(table_model):
    model, frame = table_model
    with pytest.warns(UserWarning, match="far outside the range of this model's codes"):
        model.inverse_transform(model.transform(frame) * 1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.inverse_transform(model.transform(frame))
    hashing = aekit.Autoencoder(model="hashing", latent_dim=8, hidden=[16], epochs=1).fit(frame)
    with pytest.raises(DataError, match="other than 0 and 1"):
        hashing.inverse_transform(np.full((2, 8), 0.5))
