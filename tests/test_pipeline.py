"""The pieces that keep training and inference from recompiling: equal batches, host initializers, fixed shapes."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from aekit.data.pipeline import EpochShuffledDataset
from aekit.errors import ConfigError
from aekit.estimator.inference import predict_fixed_batches
from aekit.models.initializers import HostVarianceScaling, HostZeros, host_initializer


def take_epochs(data: EpochShuffledDataset, start: int, count: int) -> list[list[np.ndarray]]:
    """``count`` epochs of batches from one iterator started at epoch ``start``, as Keras reads them."""
    data.set_epoch(start)
    iterator = iter(data.dataset)
    return [[next(iterator).numpy()[:, 0] for _ in range(len(data))] for _ in range(count)]


def test_every_batch_has_the_same_size_and_every_row_is_seen_each_epoch():
    X = np.arange(10, dtype=np.float32).reshape(10, 1)
    data = EpochShuffledDataset(X, batch_size=4, seed=3)
    assert len(data) == 3
    for epoch in take_epochs(data, 0, 3):
        assert [len(batch) for batch in epoch] == [4, 4, 4]
        rows = np.concatenate(epoch)
        assert set(rows.tolist()) == set(range(10))  # two rows appear twice, to fill the last batch
    assert len(EpochShuffledDataset(X[:3], batch_size=4, seed=0)) == 1  # smaller than a batch: one batch of 3


def test_an_epochs_order_depends_only_on_seed_and_epoch():
    X = np.arange(50, dtype=np.float32).reshape(50, 1)
    data = EpochShuffledDataset(X, batch_size=8, seed=7)
    from_start = take_epochs(data, 0, 4)
    resumed = take_epochs(data, 2, 2)  # a run resumed at epoch 2 sees what an uninterrupted run saw
    for a, b in zip(from_start[2:], resumed):
        np.testing.assert_array_equal(np.concatenate(a), np.concatenate(b))
    assert not np.array_equal(np.concatenate(from_start[0]), np.concatenate(from_start[1]))


# (name, largest allowed |w|, expected standard deviation) for a (300, 200) kernel: fan_in 300, fan_out 200.
@pytest.mark.parametrize("name,bound,std", [
    ("glorot_uniform", np.sqrt(6 / 500), np.sqrt(2 / 500)),
    ("he_normal", 2 * np.sqrt(2 / 300) / 0.87962566103423978, np.sqrt(2 / 300)),  # truncated at 2 sigma
    ("lecun_uniform", np.sqrt(3 / 300), np.sqrt(1 / 300)),
])
def test_host_initializers_draw_kerass_distributions(name, bound, std):
    initializer = host_initializer(name)
    assert isinstance(initializer, HostVarianceScaling)
    keras.utils.set_random_seed(0)
    weights = np.asarray(initializer((300, 200)))
    assert weights.dtype == np.float32 and weights.shape == (300, 200)
    assert np.abs(weights).max() <= bound * (1 + 1e-6)
    assert weights.std() == pytest.approx(std, rel=0.03)
    reference = np.asarray(keras.initializers.get(name)((300, 200)))  # Keras's own draw, for comparison
    assert weights.std() == pytest.approx(reference.std(), rel=0.03)
    keras.utils.set_random_seed(0)
    np.testing.assert_array_equal(np.asarray(initializer((300, 200))), weights)  # seeded: reproducible
    assert isinstance(host_initializer("zeros"), HostZeros)
    assert type(host_initializer("orthogonal")) is keras.initializers.Orthogonal  # no host version: unchanged


def test_unknown_initializer_is_a_config_error():
    with pytest.raises(ConfigError, match="kernel_initializer='glorot_unifrom', which Keras does not know. "
                                          'Did you mean "glorot_uniform"'):
        host_initializer("glorot_unifrom")


@pytest.mark.parametrize("rows", [0, 1, 1023, 1025])
def test_fixed_batch_prediction_matches_keras(rows):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    x = np.random.default_rng(rows).normal(size=(rows, 5)).astype(np.float32)
    out = predict_fixed_batches(model, x)
    assert out.shape == (rows, 3)
    if rows:
        np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_training_and_prediction_trace_the_model_a_fixed_number_of_times(digits, monkeypatch):
    """Python runs a model's forward pass only while a program is traced (compiled), never per step."""
    import aekit
    from aekit.models import AutoencoderModel

    calls = []
    original = AutoencoderModel.forward

    def counting(self, inputs, training=False):
        calls.append(bool(training))
        return original(self, inputs, training=training)

    monkeypatch.setattr(AutoencoderModel, "forward", counting)
    train, test = digits
    params = {"hidden": [16], "latent_dim": 4, "batch_size": 100, "validation_split": 0.2}
    aekit.Autoencoder(**params, epochs=2).fit(train)
    short = list(calls)
    calls.clear()
    model = aekit.Autoencoder(**params, epochs=6).fit(train)  # 3x the epochs, 36 more steps, 4 more validations
    # Traced per program and input shape (train step, validation's full and last batch, prediction), not per epoch.
    assert calls == short and 1 <= short.count(True) <= 2 and len(short) <= 4, short
    calls.clear()
    for rows in (5, 300, 359):
        model.reconstruct(test.subset(slice(0, rows)))
    assert calls == []  # the prediction program traced while fitting serves every size: padded fixed batches
