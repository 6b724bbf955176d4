"""Random crops for the fully convolutional families (issue 29): a window of each image and its target, drawn from
(seed, epoch, step) alone, the same on both pipelines; an epoch visits each image once per crop it holds, the
budget counts crops, whole images are restored afterwards, and what cannot be cropped is refused."""

from __future__ import annotations

import numpy as np
import pytest

import aekit
from aekit.core.errors import ConfigError
from aekit.data.crops import crop_batch, crops_per_image
from aekit.data.pipeline import EpochShuffledDataset, _tf_batches
from aekit.estimator.metrics import psnr_per_image


def ramps(n: int = 8, size: int = 16) -> np.ndarray:
    """Images whose every pixel is distinct, so a crop shows exactly where it was cut."""
    grid = np.arange(size * size, dtype=np.float32).reshape(size, size)
    return np.stack([grid + 10_000 * i for i in range(n)])[..., None]


def window_of(crop: np.ndarray, image: np.ndarray) -> tuple[int, int]:
    """Where ``crop`` lies in ``image`` (its top-left pixel's value tells on a ramp)."""
    top, left = divmod(int(crop[0, 0, 0] - image[0, 0, 0]), image.shape[1])
    np.testing.assert_array_equal(crop, image[top:top + len(crop), left:left + crop.shape[1]])
    return top, left


def test_a_crop_is_a_window_of_its_image_and_a_larger_target_is_cut_at_the_same_place():
    x = ramps()
    large = np.repeat(np.repeat(x, 2, axis=1), 2, axis=2)  # a super-resolution target: 2x the input
    small, big = crop_batch(x, large, 6, seed=1, epoch=2, step=3, batch_size=len(x))
    assert small.shape == (8, 6, 6, 1) and big.shape == (8, 12, 12, 1)
    places = [window_of(crop, image) for crop, image in zip(small, x)]
    assert len(set(places)) > 1  # drawn per sample
    for (top, left), target, image in zip(places, big, large):
        np.testing.assert_array_equal(target, image[2 * top:2 * top + 12, 2 * left:2 * left + 12])


def test_crops_depend_on_seed_epoch_and_step_alone_and_a_share_crops_as_the_whole_batch_does():
    x = ramps()
    first = crop_batch(x, None, 8, 1, 4, 7, 8)[0]
    np.testing.assert_array_equal(first, crop_batch(x, None, 8, 1, 4, 7, 8)[0])
    assert not np.array_equal(first, crop_batch(x, None, 8, 1, 4, 8, 8)[0])
    halves = [crop_batch(x[i * 4:(i + 1) * 4], None, 8, 1, 4, 7, 8, offset=i * 4)[0] for i in (0, 1)]
    np.testing.assert_array_equal(np.concatenate(halves), first)
    assert crop_batch(x, None, 0, 1, 4, 7, 8)[0] is x


def test_an_epoch_visits_each_image_once_per_whole_crop_and_both_pipelines_agree():
    x = ramps(6, 16)
    assert crops_per_image((16, 16, 1), 8) == 4 and crops_per_image((16, 12, 1), 5) == 6
    assert crops_per_image((16, 16, 1), 0) == 1
    source = EpochShuffledDataset(x, 8, seed=5, targets=x * 2, crop=8)
    assert source.n == 24 and len(source) == 3
    visits = np.concatenate([source.rows(0, step) % 6 for step in range(len(source))])
    assert np.bincount(visits).tolist() == [4] * 6
    iterator = iter(_tf_batches(source))
    for i in range(2 * len(source)):  # two epochs
        tf_x, tf_y = (np.asarray(t) for t in next(iterator))
        np_x, np_y = source.batch(i // len(source), i % len(source))
        assert np_x.shape == (8, 8, 8, 1)
        np.testing.assert_array_equal(tf_x, np_x)
        np.testing.assert_array_equal(tf_y, np_y)


def test_a_unet_trained_on_crops_counts_them_in_its_budget_and_denoises_whole_images(mnist_small):
    train, test = mnist_small
    model = aekit.Autoencoder(model="unet", noise="gaussian", noise_level=0.2, crop=14, epochs=2, batch_size=64,
                              seed=0).fit(train.X[:600])
    assert model.config_.crop == 14 and np.isfinite(model.history_["loss"]).all()
    auto = aekit.Autoencoder(model="unet", noise="gaussian", crop=14, epochs=1, seed=0).fit(train.X[:200])
    assert "chosen for 720 training crops of 14x14" in auto.training_plan_  # 180 training images x 4 crops
    plan = aekit.Autoencoder(model="unet", noise="gaussian", epochs=1, seed=0).fit(train.X[:200])
    assert "chosen for 180 training samples" in plan.training_plan_ and plan.config_.crop == 0  # digits: whole
    clean = test.X[:200].astype(np.float32) / 255
    noisy = np.clip(clean + np.random.default_rng(0).normal(0, 0.2, clean.shape), 0, 1).astype(np.float32)
    restored = model.denoise(noisy * 255) / 255
    assert restored.shape == clean.shape  # whole 28x28 images, though it never saw more than 14x14
    assert psnr_per_image(clean, restored).mean() > psnr_per_image(clean, noisy).mean() + 3


def test_the_automatic_crop_is_half_the_smaller_side_from_32_pixels_and_whole_images_below_or_streamed():
    from aekit.core.config import Config
    from aekit.models.unet import settle_crop

    unet = Config(model="unet")
    assert settle_crop(unet, 320, (64, 64, 3)).crop == 32
    assert settle_crop(unet, 320, (128, 96, 1)).crop == 48
    assert settle_crop(unet, 320, (62, 62, 1)).crop == 0  # 31 pixels: below 32
    assert settle_crop(unet, 320, (28, 28, 1)).crop == 0
    assert settle_crop(unet.replace(upscale_factor=2), 320, (128, 128, 1)).crop == 32  # the inputs are 64x64
    assert settle_crop(unet, 320, None).crop == 0  # streamed: no crops
    assert settle_crop(unet.replace(crop=40), 320, (64, 64, 1)).crop == 40  # what the user chose stays


def test_crops_that_cannot_apply_are_refused_with_the_fix(digits, tmp_path):
    train, _ = digits  # 8x8 images
    with pytest.raises(ConfigError, match="Received crop=10 for images of 8x8 pixels; a crop must fit in an image. "
                                          "Choose crop <= 8"):
        aekit.Autoencoder(model="unet", crop=10, epochs=1).fit(train.X)
    with pytest.raises(ConfigError, match="Received crop=5; this unet halves its input 1 time\\(s\\), so a crop must "
                                          "be a multiple of 2 pixels. Choose crop=4"):
        aekit.Autoencoder(model="unet", crop=5, epochs=1).fit(train.X)
    with pytest.raises(ConfigError, match="crop"):
        aekit.Autoencoder(model="conv", crop=4, epochs=1).fit(train.X)


def test_a_codec_trained_on_crops_counts_them_and_compresses_whole_images(mnist_small):
    train, test = mnist_small
    model = aekit.Autoencoder(model="compression", crop=12, epochs=1, seed=0).fit(train.X[:200])
    assert "chosen for 720 training crops of 12x12" in model.training_plan_  # 180 training images x 4 crops
    assert model.code_shape_ == (7, 7, 32)  # a whole 28x28 image's grid, though the network takes any size
    decoded = model.decompress(model.compress(test.X[:20]))
    assert decoded.shape == test.X[:20].shape and decoded.dtype == np.uint8
    assert "bits_per_pixel" in model.history_
    with pytest.raises(ConfigError, match="Received crop=10 for images of 28x28 pixels with downsample=4; training on "
                                          "crops needs the crop and the images' sides to be multiples of 4. Choose "
                                          "crop=8, or crop=0"):
        aekit.Autoencoder(model="compression", crop=10, epochs=1).fit(train.X[:50])
