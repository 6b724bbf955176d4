"""Augmentation of image batches (issue 29): flips and shifts applied alike to inputs and targets, drawn from
(seed, epoch, step) alone, the same on both backends and for a worker's share, and refused where it cannot apply."""

from __future__ import annotations

import numpy as np
import pytest

import aekit
from aekit.core.errors import ConfigError
from aekit.data.augment import augment_batch, max_shift
from aekit.data.pipeline import EpochShuffledDataset, _tf_batches


def ramps(n: int = 16, size: int = 32) -> np.ndarray:
    """Images whose every pixel is distinct, so a flip or a shift shows exactly where each one went."""
    grid = np.arange(size * size, dtype=np.float32).reshape(size, size)
    return np.stack([grid + 10_000 * i for i in range(n)])[..., None]


def test_flips_mirror_and_shifts_move_by_at_most_a_sixteenth_with_reflected_edges():
    x = ramps()
    flipped, _ = augment_batch(x, None, "flips", seed=0, epoch=0, step=0, batch_size=len(x))
    mirrored = [i for i in range(len(x)) if not np.array_equal(flipped[i], x[i])]
    assert 0 < len(mirrored) < len(x)  # about half, drawn per sample
    for i in mirrored:
        np.testing.assert_array_equal(flipped[i], x[i][:, ::-1])
    shifted, _ = augment_batch(x, None, "shifts", seed=0, epoch=0, step=0, batch_size=len(x))
    assert max_shift(32) == 2 and max_shift(8) == 1
    for image, original in zip(shifted, x):
        inner = image[2:-2, 2:-2, 0]
        found = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                 if np.array_equal(inner, original[2 - dy:30 - dy, 2 - dx:30 - dx, 0])]
        assert len(found) == 1  # a pure translation by at most 2 pixels
        assert set(np.unique(image)) <= set(np.unique(original))  # the uncovered edge is the image's own pixels


def test_targets_move_with_their_inputs_and_a_larger_target_moves_further():
    x = ramps(8, 16)
    same, same_y = augment_batch(x, x.copy(), "flips+shifts", seed=3, epoch=1, step=2, batch_size=8)
    np.testing.assert_array_equal(same, same_y)
    large = np.repeat(np.repeat(x, 2, axis=1), 2, axis=2)  # a super-resolution target: 2x the input
    small, big = augment_batch(x, large, "flips+shifts", seed=3, epoch=1, step=2, batch_size=8)
    # Away from the uncovered edge (1 input pixel here), the target is the input's content moved twice as far.
    np.testing.assert_array_equal(big[:, 2:-2:2, 2:-2:2], small[:, 1:-1, 1:-1])


def test_draws_depend_on_seed_epoch_and_step_alone_and_a_share_augments_as_the_whole_batch_does():
    x = ramps(8, 16)
    first = augment_batch(x, None, "flips+shifts", seed=1, epoch=4, step=7, batch_size=8)[0]
    np.testing.assert_array_equal(first, augment_batch(x, None, "flips+shifts", 1, 4, 7, 8)[0])
    assert not np.array_equal(first, augment_batch(x, None, "flips+shifts", 1, 5, 7, 8)[0])
    halves = [augment_batch(x[i * 4:(i + 1) * 4], None, "flips+shifts", 1, 4, 7, 8, offset=i * 4)[0] for i in (0, 1)]
    np.testing.assert_array_equal(np.concatenate(halves), first)
    assert augment_batch(x, None, "none", 1, 4, 7, 8)[0] is x


def test_numpy_and_tf_data_pipelines_give_the_same_augmented_batches():
    x = ramps(24, 16)
    source = EpochShuffledDataset(x, 8, seed=5, targets=x * 2, augment="flips+shifts")
    iterator = iter(_tf_batches(source))
    for i in range(2 * len(source)):  # two epochs
        tf_x, tf_y = (np.asarray(t) for t in next(iterator))
        np_x, np_y = source.batch(i // len(source), i % len(source))
        np.testing.assert_array_equal(tf_x, np_x)
        np.testing.assert_array_equal(tf_y, np_y)


def test_an_image_model_trains_with_augmentation_and_a_table_or_an_unknown_mode_is_refused(digits):
    train, _ = digits
    model = aekit.Autoencoder(model="conv", augment="flips+shifts", epochs=2, batch_size=64, seed=0).fit(train.X)
    assert model.config_.augment == "flips+shifts" and np.isfinite(model.history_["loss"]).all()
    table = np.random.default_rng(0).random((64, 6)).astype(np.float32)
    with pytest.raises(ConfigError, match="Received augment='flips' for a table; flips and shifts apply to images"):
        aekit.Autoencoder(augment="flips", epochs=1).fit(table)
    with pytest.raises(ConfigError, match="augment"):
        aekit.Autoencoder(augment="rotations", epochs=1).fit(table)
