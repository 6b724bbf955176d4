"""Image restoration (issue 14): the unet denoiser and upscaler on real MNIST, images of any size and channel
count in Python, and `aekit denoise` / `aekit upscale` on PNG, JPEG and IDX files."""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import aekit
from aekit.cli import cli
from aekit.data.readers import read_idx
from aekit.errors import ConfigError, DataError
from aekit.estimator import restoration
from aekit.estimator.metrics import psnr_per_image
from aekit.models import Corruption
from aekit.models.unet import bicubic_downscale

from .conftest import IMAGE_FAST

SIGMA = 0.3


def _noisy(images: np.ndarray, seed: int = 7) -> np.ndarray:
    """uint8-range images with clipped gaussian noise of SIGMA (on [0, 1]), as float32 0-255."""
    rng = np.random.default_rng(seed)
    return (np.clip(images / 255.0 + rng.normal(0, SIGMA, images.shape), 0, 1) * 255).astype(np.float32)


@pytest.fixture(scope="module")
def denoiser(mnist_small, tmp_path_factory):
    train, _ = mnist_small
    run = tmp_path_factory.mktemp("restore") / "denoise"
    model = aekit.Autoencoder(model="unet", noise="gaussian", noise_level=SIGMA, run_dir=str(run), **IMAGE_FAST)
    return model.fit(train), run


@pytest.fixture(scope="module")
def upscaler(mnist_small, tmp_path_factory):
    train, _ = mnist_small
    run = tmp_path_factory.mktemp("restore") / "upscale"
    return aekit.Autoencoder(model="unet", upscale_factor=2, run_dir=str(run), **IMAGE_FAST).fit(train), run


def test_the_denoiser_beats_the_noisy_input_and_a_median_filter(denoiser, mnist_small):
    from scipy.ndimage import median_filter

    model, _ = denoiser
    clean = mnist_small[1].X[:200].astype(np.float32)
    noisy = _noisy(clean)
    restored = model.denoise(noisy)
    assert restored.shape == clean.shape and restored.min() >= 0 and restored.max() <= 255
    psnr = {name: psnr_per_image(clean / 255, values / 255).mean() for name, values in
            {"noisy": noisy, "median": median_filter(noisy, size=(1, 3, 3, 1)), "aekit": restored}.items()}
    assert psnr["aekit"] > psnr["noisy"] + 6, psnr
    assert psnr["aekit"] > psnr["median"] + 2, psnr


def test_the_upscaler_doubles_the_size_and_beats_bicubic(upscaler, mnist_small):
    model, _ = upscaler
    clean = mnist_small[1].X[:200]
    small = np.stack([np.asarray(Image.fromarray(im[..., 0]).resize((14, 14), Image.Resampling.BICUBIC))
                      for im in clean])
    enlarged = model.upscale(small)
    assert enlarged.shape == (200, 28, 28, 1)
    bicubic = np.stack([np.asarray(Image.fromarray(im).resize((28, 28), Image.Resampling.BICUBIC)) for im in small])
    ours = psnr_per_image(clean / 255, enlarged / 255).mean()
    theirs = psnr_per_image(clean / 255, bicubic[..., None] / 255).mean()
    assert ours > theirs + 1, (ours, theirs)
    odd = model.upscale([small[0, :9, :13], small[0, :11, :7]])  # sizes it was never traced at, one after another
    assert [image.shape for image in odd] == [(18, 26, 1), (22, 14, 1)]
    with pytest.raises(ConfigError, match="enlarges images 2 times"):
        model.denoise(small)


def test_images_of_any_size_are_tiled_not_cropped(denoiser, monkeypatch):
    model, _ = denoiser
    rng = np.random.default_rng(1)
    photo = rng.integers(0, 256, (1, 150, 97, 1)).astype(np.float32)
    whole = model.denoise(photo)
    assert whole.shape == photo.shape
    monkeypatch.setattr(restoration, "TILE_PIXELS", 64)  # overlapping tiles instead of one image
    monkeypatch.setattr(restoration, "MARGIN_PIXELS", 16)
    tiled = model.denoise(photo)
    assert tiled.shape == photo.shape
    assert np.abs(tiled - whole).mean() < 0.5  # out of 255: the tiles' kept middles saw enough context
    assert [im.shape for im in model.denoise([photo[0], photo[0, :30, :41]])] == [(150, 97, 1), (30, 41, 1)]


def test_colour_images_go_through_a_grayscale_model_channel_by_channel(denoiser):
    model, _ = denoiser
    rng = np.random.default_rng(2)
    colour = rng.integers(0, 256, (2, 32, 36, 3)).astype(np.float32)
    restored = model.denoise(colour)
    assert restored.shape == colour.shape
    np.testing.assert_allclose(restored[..., 1], model.denoise(colour[..., 1])[..., 0], atol=1e-3)


def test_a_model_trained_without_noise_warns_and_still_keeps_the_size(mnist_small):
    plain = aekit.Autoencoder(model="conv", epochs=1, batch_size=64, seed=0).fit(mnist_small[0].X[:512])
    with pytest.warns(UserWarning, match="trained without input noise"):
        restored = plain.denoise(np.zeros((1, 40, 50, 1), np.float32))
    assert restored.shape == (1, 40, 50, 1)  # a fixed-size model runs in 28x28 tiles
    with pytest.raises(ConfigError, match="not trained to upscale"):
        plain.upscale(np.zeros((1, 28, 28, 1)))


def test_training_noise_on_images_is_clipped_to_the_data_range():
    layer = Corruption("gaussian", 0.5, 0.0, 1.0, seed=0, clip=True)
    noisy = np.asarray(layer(np.full((4, 28, 28, 1), 0.5, np.float32), training=True))
    assert noisy.min() == 0.0 and noisy.max() == 1.0
    assert noisy.std() > 0.3


def test_pairs_for_upscaling_need_sizes_the_factor_divides():
    with pytest.raises(DataError, match="sizes divisible by 4"):
        bicubic_downscale(np.zeros((2, 30, 28, 1), np.float32), 4)
    assert bicubic_downscale(np.zeros((2, 28, 28, 1), np.float32), 4).shape == (2, 7, 7, 1)


def _write_inputs(folder, clean):
    folder.mkdir()
    gray = _noisy(clean[:1])[0, ..., 0].astype(np.uint8)
    Image.fromarray(np.tile(gray, (3, 4))).save(folder / "gray.png")  # 84 x 112, not the training size
    Image.fromarray(np.stack([gray] * 3, axis=-1)).save(folder / "colour.jpg", quality=95)
    rgba = np.dstack([np.stack([gray] * 3, axis=-1), np.full_like(gray, 200)])
    Image.fromarray(rgba, "RGBA").save(folder / "alpha.png")
    payload = bytes([0, 0, 8, 3]) + b"".join(d.to_bytes(4, "big") for d in (3, 28, 28)) + \
        _noisy(clean[:3]).astype(np.uint8).tobytes()
    with gzip.open(folder / "noisy-idx3-ubyte.gz", "wb") as handle:
        handle.write(payload)
    (folder / "again-idx3-ubyte").write_bytes(payload)  # a second IDX file of the same shape, not gzipped


def test_cli_denoise_writes_every_file_under_its_own_name(denoiser, mnist_small, tmp_path):
    _, run = denoiser
    _write_inputs(tmp_path / "in", mnist_small[1].X)
    inputs = sorted(str(p) for p in (tmp_path / "in").iterdir())
    result = CliRunner().invoke(cli, ["denoise", str(run), *inputs, "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Wrote 5 files" in result.output and "MP/s" in result.output
    np.testing.assert_array_equal(read_idx(tmp_path / "out" / "again-idx3-ubyte"),
                                  read_idx(tmp_path / "out" / "noisy-idx3-ubyte.gz"))
    out = tmp_path / "out"
    with Image.open(out / "gray.png") as image:
        assert (image.mode, image.size) == ("L", (112, 84))
    with Image.open(out / "colour.jpg") as image:
        assert (image.mode, image.size, image.format) == ("RGB", (28, 28), "JPEG")
    with Image.open(out / "alpha.png") as image:
        assert image.mode == "RGBA" and set(np.asarray(image)[..., 3].ravel()) == {200}
    restored = read_idx(out / "noisy-idx3-ubyte.gz")
    assert restored.shape == (3, 28, 28) and restored.dtype == np.uint8
    clean = mnist_small[1].X[:3, ..., 0] / 255
    assert psnr_per_image(clean, restored / 255).mean() > psnr_per_image(
        clean, _noisy(mnist_small[1].X[:3])[..., 0] / 255).mean() + 5


def test_cli_upscale_enlarges_and_refuses_what_it_cannot_do(denoiser, upscaler, tmp_path):
    _, run = upscaler
    folder = tmp_path / "in"
    folder.mkdir()
    Image.fromarray(np.zeros((9, 13), np.uint8)).save(folder / "odd.png")
    Image.fromarray(np.full((10, 12, 3), 90, np.uint8)).save(folder / "colour.jpg")
    result = CliRunner().invoke(cli, ["upscale", str(run), str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "out" / "odd.png") as image:
        assert (image.mode, image.size) == ("L", (26, 18))
    with Image.open(tmp_path / "out" / "colour.jpg") as image:
        assert (image.mode, image.size, image.format) == ("RGB", (24, 20), "JPEG")
    (folder / "colour.jpg").unlink()

    wrong = CliRunner().invoke(cli, ["upscale", str(denoiser[1]), str(folder), "-o", str(tmp_path / "x")])
    assert wrong.exit_code == 2 and "not trained to upscale" in wrong.output
    assert not (tmp_path / "x").exists()
    before = (folder / "odd.png").read_bytes()
    onto = CliRunner().invoke(cli, ["upscale", str(run), str(folder / "odd.png"), "-o", str(folder)])
    assert onto.exit_code == 2 and "would overwrite it" in onto.output
    assert (folder / "odd.png").read_bytes() == before
    (tmp_path / "other").mkdir()
    Image.fromarray(np.zeros((9, 13), np.uint8)).save(tmp_path / "other" / "odd.png")
    clash = CliRunner().invoke(cli, ["upscale", str(run), str(folder / "odd.png"), str(tmp_path / "other" / "odd.png"),
                                     "-o", str(tmp_path / "y")])
    assert clash.exit_code == 2 and "would both be written" in clash.output
    assert not (tmp_path / "y").exists()


def test_cli_denoise_says_when_the_model_was_not_trained_to_and_keeps_float_models_in_their_units(mnist_small,
                                                                                                  tmp_path):
    run = tmp_path / "plain"
    floats = mnist_small[0].X[:256].astype(np.float32) / 255  # trained on [0, 1] floats, given 8-bit files
    aekit.Autoencoder(model="unet", run_dir=str(run), epochs=1, batch_size=64, filters=[8, 16]).fit(floats)
    gradient = np.tile(np.linspace(40, 215, 28).astype(np.uint8), (28, 1))
    Image.fromarray(gradient).save(tmp_path / "a.png")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the command reports it as a line, not a Python warning
        result = CliRunner().invoke(cli, ["denoise", str(run), str(tmp_path / "a.png"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "Warning: This model was trained without input noise" in result.output
    with Image.open(tmp_path / "o" / "a.png") as image:
        assert np.abs(np.asarray(image, np.float32) - gradient).mean() < 25  # not saturated to white


def _validation_rows(n: int) -> np.ndarray:
    from aekit.data.pipeline import split_indices

    return split_indices(n, 0.1, 0)[1]


def test_a_denoisers_validation_figures_measure_restoring_corrupted_inputs(denoiser, mnist_small):
    """The noise layer is the identity at inference: validated on clean inputs, a denoiser is scored on copying them,
    which a residual network learns at once, and early stopping ends training before it denoises (issue 29)."""
    model, _ = denoiser
    images = mnist_small[0].X
    clean = model.scale(images[_validation_rows(len(images))])
    noisy = model.model_.corruption.corrupted_copy(clean, (0, 0))
    restored = model.reconstruct_scaled(noisy)
    reported = model.metrics_["validation"]["mse_per_value"]
    assert reported == pytest.approx(float(np.mean((restored.astype(np.float64) - clean) ** 2)), rel=1e-5)
    copied = float(np.mean((model.reconstruct_scaled(clean).astype(np.float64) - clean) ** 2))
    assert reported > 1.5 * copied  # what the figure said before: the far easier task


@pytest.mark.parametrize("kind", ["gaussian", "masking", "salt_pepper"])
def test_every_noise_kind_validates_on_one_fixed_corrupted_copy(digits, kind):
    train = digits[0].X
    fit = lambda: aekit.Autoencoder(model="deep", hidden=[32], latent_dim=8, noise=kind, noise_level=0.3,  # noqa: E731
                                    epochs=2, batch_size=64, seed=0).fit(train)
    first, second = fit(), fit()
    assert first.history_["val_loss"] == second.history_["val_loss"]  # the same draw every run
    clean = first.scale(train[_validation_rows(len(train))])
    noisy = first.model_.corruption.corrupted_copy(clean, (0, 0))
    expected = float(np.mean((first.reconstruct_scaled(noisy).astype(np.float64) - clean) ** 2))
    assert first.metrics_["validation"]["mse_per_value"] == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("kind", ["gaussian", "masking", "salt_pepper"])
def test_the_fixed_corrupted_copy_draws_the_training_corruption(kind):
    layer = Corruption(kind, 0.2, 0.0, 1.0, seed=0, clip=False)
    clean = np.full((200, 50), 0.5, np.float32)
    copy = layer.corrupted_copy(clean, (3, 1))
    trained = np.asarray(layer(clean, training=True))
    np.testing.assert_array_equal(copy, layer.corrupted_copy(clean, (3, 1)))
    assert not np.array_equal(copy, layer.corrupted_copy(clean, (3, 2)))
    if kind == "gaussian":
        assert np.std(copy - clean) == pytest.approx(np.std(trained - clean), rel=0.05)
    else:
        assert np.mean(copy != clean) == pytest.approx(np.mean(trained != clean), abs=0.02)
