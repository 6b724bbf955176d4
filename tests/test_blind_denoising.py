"""A blind denoiser (issue 29): ``unet`` with ``blind=True`` learns every gaussian level up to ``noise_level``, reads
the level as an input channel, estimates it from each image (calibrated on its training images) or takes it from
the user, and refuses what it cannot do."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from keras import ops
from PIL import Image

import aekit
from aekit.cli import cli
from aekit.core.errors import ConfigError
from aekit.estimator.metrics import psnr_per_image
from aekit.models.layers import Corruption
from aekit.models.noise_level import calibrated, calibration_table, estimate_noise_level


def noisy_copy(clean: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(clean + sigma * rng.standard_normal(clean.shape), 0, 1).astype(np.float32)


def psnr(restored: np.ndarray, clean: np.ndarray) -> float:
    return float(np.mean(psnr_per_image(restored, clean)))


@pytest.mark.parametrize("sigma", [0.02, 0.05, 0.1])
def test_the_level_estimate_follows_donohos_rule_on_a_photo(sigma):
    skimage = pytest.importorskip("skimage")
    photo = skimage.data.camera().astype(np.float32) / 255
    noisy = noisy_copy(photo, sigma)
    estimate = float(ops.convert_to_numpy(estimate_noise_level(noisy[None, :, :, None]))[0])
    assert estimate == pytest.approx(skimage.restoration.estimate_sigma(noisy), rel=0.03)
    assert estimate == pytest.approx(sigma, rel=0.1, abs=0.006)  # the photo's own detail reads as ~0.005


def test_calibration_undoes_the_clipping_bias_of_images_at_their_bounds(mnist_small):
    digits = mnist_small[0].X[:200].astype(np.float32) / 255  # mostly 0 and 1: clipping takes half the noise
    noisy = noisy_copy(digits, 0.2, seed=1)
    raw = ops.convert_to_numpy(estimate_noise_level(noisy))
    assert raw.mean() < 0.15
    table = calibration_table(digits, 0.4, 0.0, 1.0, seed=0)
    assert np.all(np.diff(table[0]) > 0) and table[1][0] == 0 and table[1][-1] == pytest.approx(0.4)
    assert float(ops.convert_to_numpy(calibrated(raw, table)).mean()) == pytest.approx(0.2, abs=0.01)
    assert float(ops.convert_to_numpy(calibrated(np.zeros(1, np.float32), table))[0]) == 0


def test_spread_noise_draws_each_samples_level_and_reports_it():
    corruption = Corruption("gaussian", 0.3, seed=0, spread=True)
    noisy, levels = corruption.corrupt_with_levels(ops.zeros((64, 32, 32, 1)))
    levels, spread = ops.convert_to_numpy(levels), ops.convert_to_numpy(noisy).std(axis=(1, 2, 3))
    assert levels.shape == (64,) and 0 <= levels.min() and levels.max() <= 0.3 and levels.std() > 0.05
    np.testing.assert_allclose(spread, levels, rtol=0.1, atol=0.01)
    copy = corruption.corrupted_copy(np.zeros((64, 32, 32, 1)), seed=(0, 1))
    np.testing.assert_array_equal(copy, corruption.corrupted_copy(np.zeros((64, 32, 32, 1)), seed=(0, 1)))
    assert copy.std(axis=(1, 2, 3)).std() > 0.05  # validation copies spread over the levels too
    with pytest.raises(ValueError, match="Only gaussian noise draws a level per sample"):
        Corruption("masking", 0.3, spread=True)


@pytest.fixture(scope="module")
def blind(mnist_small, tmp_path_factory):
    run = tmp_path_factory.mktemp("blind") / "run"
    model = aekit.Autoencoder(model="unet", noise="gaussian", noise_level=0.4, blind=True, epochs=3, seed=0,
                              run_dir=str(run)).fit(mnist_small[0].X[:1500])
    return model, run


def test_a_blind_unet_denoises_every_level_and_takes_a_given_one(blind, mnist_small):
    model, run = blind
    assert model.model_.corruption.spread and model.model_.build_spec["level_calibration"]
    clean = mnist_small[1].X[:100].astype(np.float32) / 255
    for sigma, gain in ((0.1, 2.0), (0.3, 4.5)):  # measured: +2.6 and +5.8 dB
        noisy = noisy_copy(clean, sigma)
        estimated = model.denoise(noisy * 255) / 255
        given = model.denoise(noisy * 255, noise_level=sigma) / 255
        assert psnr(estimated, clean) > psnr(noisy, clean) + gain, sigma
        assert abs(psnr(estimated, clean) - psnr(given, clean)) < 0.5, sigma  # the estimate is as good as the truth
    stronger = model.denoise(noisy * 255, noise_level=0.4) / 255
    weaker = model.denoise(noisy * 255, noise_level=0.05) / 255
    assert np.abs(stronger - noisy).mean() > np.abs(weaker - noisy).mean()  # a higher level corrects more
    loaded = aekit.load(run)
    assert loaded.model_.build_spec["level_calibration"] == model.model_.build_spec["level_calibration"]
    np.testing.assert_allclose(loaded.denoise(noisy[:8] * 255), model.denoise(noisy[:8] * 255), atol=1e-4)


def test_aekit_denoise_takes_a_noise_level_for_a_blind_model_only(blind, mnist_small, tmp_path):
    model, run = blind
    folder = tmp_path / "noisy"
    folder.mkdir()
    clean = mnist_small[1].X[:2, ..., 0]
    for i, image in enumerate(noisy_copy(clean / 255, 0.2)):
        Image.fromarray((image * 255).round().astype(np.uint8)).save(folder / f"{i}.png")
    result = CliRunner().invoke(cli, ["denoise", str(run), str(folder), "-o", str(tmp_path / "out"),
                                      "--noise-level", "0.2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.png")) == ["0.png", "1.png"]

    plain = aekit.Autoencoder(model="unet", noise="gaussian", noise_level=0.2, epochs=1, filters=[4, 8],
                              run_dir=str(tmp_path / "plain")).fit(mnist_small[0].X[:200])
    with pytest.raises(ConfigError, match="trained for one noise level .* takes none"):
        plain.denoise(clean[:1], noise_level=0.1)
    refused = CliRunner().invoke(cli, ["denoise", str(tmp_path / "plain"), str(folder), "-o", str(tmp_path / "x"),
                                       "--noise-level", "0.1"])
    assert refused.exit_code == 2 and "train a blind denoiser" in refused.output
    assert not (tmp_path / "x").exists()
    with pytest.raises(ConfigError, match="standard deviation in the scaled images. units"):
        model.denoise(clean[:1], noise_level=1.5)


@pytest.mark.parametrize("settings", [{"noise": "masking"}, {"noise_level": 0.0}, {"upscale_factor": 2}])
def test_a_blind_model_needs_gaussian_noise_up_to_a_level_and_no_upscaling(settings, mnist_small):
    params = {"model": "unet", "noise": "gaussian", "noise_level": 0.2, "blind": True, "epochs": 1, **settings}
    with pytest.raises(ConfigError, match="a blind denoiser learns gaussian noise up to a level"):
        aekit.Autoencoder(**params).fit(mnist_small[0].X[:64])
