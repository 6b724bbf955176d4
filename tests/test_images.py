"""Images: SSIM and PSNR, the automatic training length, RGB and grayscale folders, evaluating another folder."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image

import aekit
from aekit.core.budget import auto_batch_size, auto_epochs
from aekit.estimator.metrics import psnr_per_image, ssim_per_image


def test_ssim_matches_scikit_image():
    rng = np.random.default_rng(42)
    a = rng.random((2, 20, 24, 3))
    b = np.clip(a + 0.15 * rng.normal(size=a.shape), 0, 1)
    # skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
    # data_range=1[, channel_axis=-1]) on these arrays, scikit-image 0.26:
    np.testing.assert_allclose(ssim_per_image(a, b), [0.8964957421, 0.8932087331], atol=1e-9)
    np.testing.assert_allclose(ssim_per_image(a[..., 0], b[..., 0]), [0.8824552173, 0.8895916835], atol=1e-9)
    np.testing.assert_allclose(ssim_per_image(a, a), 1.0)
    np.testing.assert_allclose(psnr_per_image(a, np.clip(a + 0.1, 0, 1)), 20.0, atol=0.7)


@pytest.mark.parametrize("samples,batch,epochs", [(288, 16, 84), (1_438, 32, 34), (54_000, 128, 20),
                                                  (30, 16, 300)])
def test_auto_training_length_is_a_step_budget(samples, batch, epochs):
    assert auto_batch_size(samples) == batch
    assert auto_epochs(samples, batch) == epochs


def _write_folder(folder, images, mode):
    folder.mkdir()
    for i, image in enumerate(images):
        Image.fromarray(image.squeeze(-1) if mode == "L" else image, mode).save(folder / f"img{i:03d}.png")


@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_conv_trains_on_a_folder_and_evaluates_another_one(tmp_path, mode):
    digits = aekit.data.load("digits", split="all").X  # 8x8 images, 0..16
    images = np.repeat((digits[:60] * 15).astype(np.uint8), 2, axis=1).repeat(2, axis=2)  # 16x16
    if mode == "RGB":
        images = np.concatenate([images, 255 - images, images // 2], axis=-1)
    _write_folder(tmp_path / "train", images[:48], mode)
    _write_folder(tmp_path / "more", images[48:], mode)
    from aekit.cli import cli

    run = tmp_path / "run"
    result = CliRunner().invoke(cli, ["train", "--data", str(tmp_path / "train"), "--model", "conv", "--epochs", "3",
                                      "--quiet", "-o", str(run)])
    assert result.exit_code == 0, result.output
    assert "chosen for 43 training samples (batch_size=auto)" in result.stdout  # 48 minus the 10 % validation
    model = aekit.load(run)
    assert model.input_shape_ == (16, 16, 3 if mode == "RGB" else 1)
    csv = tmp_path / "per-image.csv"
    result = CliRunner().invoke(cli, ["evaluate", str(run), "--data", str(tmp_path / "more"), "--per-image",
                                      str(csv), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    table = pd.read_csv(csv)
    assert list(table.columns) == ["file", "squared_error", "psnr_db", "ssim"] and len(table) == 12
    assert table["file"].tolist() == [f"img{i:03d}.png" for i in range(12)]
    assert table["psnr_db"].mean() == pytest.approx(report["psnr_db"]) and 0 < report["ssim"] <= 1


def test_default_training_length_is_chosen_and_recorded(digits):
    model = aekit.Autoencoder(model="deep", hidden=[32], latent_dim=8, seed=0)
    train = digits[0].subset(slice(0, 200))
    model.fit(train)
    assert (model.config_.epochs, model.config_.batch_size) == (auto_epochs(180, 16), 16)
    assert model.get_params()["epochs"] == "auto" and "epochs=auto and batch_size=auto" in model.training_plan_


def test_a_conv_on_small_images_gets_twice_the_steps_and_larger_ones_the_common_budget():
    from aekit.core.budget import SMALL_IMAGES
    from aekit.core.config import Config
    from aekit.models import get_spec

    settle, config = get_spec("conv").settle, Config.from_dict({"model": "conv"})
    assert settle(config, 288, (64, 64, 3)).epochs == SMALL_IMAGES.epochs(288, 16) == 167  # 3,000 steps of 16
    assert auto_epochs(288, 16) == 84  # the common budget's 1,500 steps
    assert settle(config, 288, (128, 128, 3)).epochs == "auto"  # larger images: the common budget
    assert settle(config, 54_000, (28, 28, 1)).epochs == auto_epochs(54_000, 128) == 20  # big sets: as before
    assert settle(config, 288, None).epochs == "auto"  # a stream: the common budget
    assert settle(config.replace(epochs=5), 288, (64, 64, 3)).epochs == 5  # the user's choice wins


def test_the_vector_path_deepens_only_with_enough_data():
    from aekit.core.config import Config
    from aekit.models import build_model, get_spec
    from aekit.models.conv import DEEP_FROM_SAMPLES

    config = Config.from_dict({"model": "conv", "code": "vector", "latent_dim": 8})
    settle = get_spec("conv").settle
    assert settle(config, DEEP_FROM_SAMPLES - 1).vector_depth == "lean"
    assert settle(config, DEEP_FROM_SAMPLES).vector_depth == "deep"
    assert settle(config.replace(vector_depth="lean"), 10 * DEEP_FROM_SAMPLES).vector_depth == "lean"
    models = {depth: build_model(config.replace(vector_depth=depth), (28, 28, 1)) for depth in ("auto", "lean", "deep")}
    names = {depth: {layer.name for part in (m.encoder, m.decoder) for layer in part.layers}
             for depth, m in models.items()}
    assert {"enc_hidden_0", "dec_hidden_0", "enc_0_refine_norm"} <= names["deep"]
    assert not any("hidden" in n or "refine" in n for n in names["lean"])
    # Unsettled (a run saved before vector_depth existed): the lean path it was trained with.
    assert models["auto"].count_params() == models["lean"].count_params() < models["deep"].count_params()
