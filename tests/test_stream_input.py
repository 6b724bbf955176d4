"""Streamed input: CSV/Parquet shards, TFRecord and image folders read through tf.data, trained on, encoded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import aekit
from aekit.data.streaming import open_stream
from aekit.errors import DataError
from aekit.models import Corruption
from aekit.training.sources import held_out_corruption
from aekit.training.streaming import StreamBatches, survey, validation_batches, validation_period
from tests.conftest import run_cli

COLUMNS = [f"f{j}" for j in range(6)]


def _table(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(rows, 2))
    values = np.column_stack([base, base @ rng.normal(size=(2, 4))]) * [1, 2, 3, 4, 5, 6] + 10
    frame = pd.DataFrame(values.astype(np.float32), columns=COLUMNS)
    frame.insert(3, "Class", (np.arange(rows) % 7 == 0).astype(int))
    return frame


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    """Three CSV shards and the same rows as Parquet shards and one TFRecord file, plus the frame itself."""
    folder = tmp_path_factory.mktemp("shards")
    frames = [_table(rows, seed) for seed, rows in enumerate((700, 1, 1300))]
    for i, frame in enumerate(frames):
        frame.to_csv(folder / f"part-{i}.csv", index=False)
        frame.to_parquet(folder / f"part-{i}.parquet")
    whole = pd.concat(frames, ignore_index=True)
    aekit.data.write_tfrecord(folder / "all.tfrecord", whole[COLUMNS].to_numpy(), COLUMNS)
    return folder, frames, whole


def test_every_table_format_streams_the_rows_in_file_order(shards):
    folder, _, whole = shards
    expected = whole[COLUMNS].to_numpy(np.float32)
    for spec in ("part-*.csv", "part-*.parquet", "all.tfrecord"):
        stream = open_stream(str(folder / spec), label_column="Class" if "part" in spec else None)
        assert stream.feature_names == COLUMNS and stream.kind == "table" and stream.sample_shape == (6,)
        read = np.concatenate(list(stream.arrays(block_rows=256)))
        np.testing.assert_allclose(read, expected, rtol=1e-6, err_msg=spec)


def test_image_folders_and_tfrecord_images_stream_as_the_in_memory_reader_reads_them(tmp_path, digits):
    images = (digits[0].X[:30, ..., 0] * 16).clip(0, 255).astype(np.uint8)
    for i, image in enumerate(images):
        (tmp_path / "faces" / f"c{i % 2}").mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(tmp_path / "faces" / f"c{i % 2}" / f"{i:03d}.png")
    aekit.data.write_tfrecord(tmp_path / "images.tfrecord", images)
    in_memory = aekit.data.load(data=str(tmp_path / "faces")).X.astype(np.float32)
    folder = open_stream(str(tmp_path / "faces"))
    assert folder.kind == "image" and folder.sample_shape == (8, 8, 1)
    np.testing.assert_array_equal(np.concatenate(list(folder.arrays(block_rows=7))), in_memory)
    records = open_stream(str(tmp_path / "images.tfrecord"))
    np.testing.assert_array_equal(np.concatenate(list(records.arrays())), images[..., None].astype(np.float32))
    resized = open_stream(str(tmp_path / "faces"), image_size=(16, 12))
    assert next(resized.arrays()).shape[1:] == (16, 12, 1)


def test_survey_gives_exact_statistics_and_a_split_by_place_in_file(shards):
    folder, frames, _ = shards
    stream = open_stream(str(folder / "part-*.csv"), label_column="Class")
    found = survey(stream, validation_split=0.1)
    period = validation_period(0.1)
    held = [(np.arange(len(f)) + i) % period == 0 for i, f in enumerate(frames)]
    train = np.concatenate([f[COLUMNS].to_numpy(np.float64)[~h] for f, h in zip(frames, held)])
    assert (found.train_rows, found.validation_rows) == (len(train), sum(int(h.sum()) for h in held))
    np.testing.assert_allclose(found.mean, train.mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(found.std, train.std(axis=0), rtol=1e-6)
    assert found.low == pytest.approx(train.min()) and found.high == pytest.approx(train.max())
    assert not found.integral


def test_stream_epochs_are_permutations_drawn_from_seed_and_epoch(shards):
    folder, _, _ = shards
    stream = open_stream(str(folder / "part-*.parquet"), label_column="Class")
    found = survey(stream, validation_split=0.1)
    scaler = aekit.data.Scaler("none")
    batches = StreamBatches(stream, found.train_rows, 64, seed=5, period=validation_period(0.1), scaler=scaler)

    def epoch(number):
        batches.set_epoch(number)
        return np.concatenate(list(batches.dataset.take(len(batches)).as_numpy_iterator()))

    first, again, second = epoch(0), epoch(0), epoch(1)
    assert len(first) == (found.train_rows // 64) * 64  # full batches only: one compiled step shape
    np.testing.assert_array_equal(first, again)  # a resumed run sees the same epoch
    assert not np.array_equal(first, second)
    assert len(np.unique(first[:, 0])) == len(first)  # no row twice within an epoch


def test_training_on_a_stream_matches_in_memory_scaling_and_saves_a_usable_run(shards, tmp_path):
    folder, _, whole = shards
    stream = aekit.data.stream(str(folder / "part-*.csv"), label_column="Class", cache="memory")
    model = aekit.Autoencoder(hidden=[16], latent_dim=2, epochs=8, seed=0, run_dir=str(tmp_path / "run")).fit(stream)
    assert model.stream_survey_["files"] == 3 and model.scaler_.method == "standard"
    loss = model.history_["loss"]
    assert loss[-1] < 0.5 * loss[0]  # two latent factors explain the six columns
    assert model.metrics_["validation"]["mse_per_value"] < 0.3
    loaded = aekit.load(tmp_path / "run")
    codes = loaded.encode(whole[COLUMNS].to_numpy())
    assert codes.shape == (len(whole), 2) and np.isfinite(codes).all()


def test_a_streamed_denoiser_validates_on_corrupted_rows_the_same_every_epoch(shards):
    folder, _, _ = shards
    stream = aekit.data.stream(str(folder / "part-*.csv"), label_column="Class", cache="memory")
    found, period = survey(stream, 0.1), validation_period(0.1)
    corrupt = held_out_corruption(Corruption("gaussian", 0.5, seed=0), seed=0)
    batches = lambda: list(validation_batches(stream, period, found.validation_rows, 64,  # noqa: E731
                                              aekit.data.Scaler("none"), corrupt=corrupt))
    first, second = batches(), batches()
    assert sum(len(clean) for _, clean in first) == found.validation_rows
    noise = np.concatenate([np.asarray(noisy) - np.asarray(clean) for noisy, clean in first])
    assert np.std(noise) == pytest.approx(0.5, rel=0.1)
    for (noisy, _), (again, _) in zip(first, second):
        np.testing.assert_array_equal(noisy, again)  # one fixed draw, not a new one each epoch
    fit = lambda: aekit.Autoencoder(hidden=[16], latent_dim=2, noise="gaussian", noise_level=0.5,  # noqa: E731
                                    epochs=2, seed=0).fit(stream)
    assert fit().history_["val_loss"] == fit().history_["val_loss"]


def test_stream_errors_say_what_to_fix(shards, tmp_path):
    folder, _, _ = shards
    with pytest.raises(DataError, match="matches no files"):
        open_stream(str(tmp_path / "nothing-*.csv"))
    with pytest.raises(DataError, match='Label column .class. is not in part-0.csv. Did you mean "Class"'):
        open_stream(str(folder / "part-*.csv"), label_column="class")
    with pytest.raises(DataError, match="several kinds"):
        open_stream(str(folder / "part-0.*"))
    other = tmp_path / "b.csv"
    _table(5, 0).rename(columns={"f0": "g0"}).to_csv(other, index=False)
    _table(5, 1).to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(DataError, match="do not share one header"):
        open_stream(str(tmp_path / "*.csv"))
    bad = tmp_path / "bad" / "x.csv"
    bad.parent.mkdir()
    bad.write_text("a,b\n1,2\n3,oops\n")
    with pytest.raises(DataError, match="not a number.*oops"):
        survey(open_stream(str(bad)), 0.1)
    bad.write_text("a,b\n1,2\n3,\n")
    with pytest.raises(DataError, match="empty, NaN or infinite"):
        survey(open_stream(str(bad)), 0.1)
    with pytest.raises(DataError, match="trains on pairs"):
        aekit.Autoencoder(model="hashing", neighbour_targets=5, epochs=1).fit(
            open_stream(str(folder / "part-*.csv"), label_column="Class"))


def test_cli_trains_on_shards_and_splits_encoding_and_scoring_across_processes(shards, tmp_path):
    folder, _, whole = shards
    data = ["--data", str(folder / "part-*.csv"), "--label-column", "Class"]
    run = tmp_path / "run"
    result = run_cli("train", *data, "--stream", "--hidden", "8", "--latent-dim", "2", "--epochs", "2", "--quiet",
                     "-o", run)
    assert result.returncode == 0, result.stderr
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"codes{jobs}.npy"
        result = run_cli("encode", run, *data, "--stream", "--jobs", jobs, "-o", out)
        assert result.returncode == 0, result.stderr
        assert f"Wrote {len(whole):,} vector codes" in result.stdout
        outputs.append(np.load(out))
    np.testing.assert_array_equal(outputs[0], outputs[1])
    refused = run_cli("evaluate", run, *data, "--stream")
    assert refused.returncode == 2 and "No such option" in refused.stderr and "--stream" in refused.stderr


def test_detect_score_and_report_take_shards_and_score_splits_them_across_processes(shards, tmp_path):
    folder, frames, _ = shards
    run = tmp_path / "detector"
    fitted = run_cli("detect", "fit", "--data", folder / "part-0.csv", "--label-column", "Class", "--epochs", "2",
                     "-o", run)
    assert fitted.returncode == 0, fitted.stderr
    scored = []
    for jobs in ("1", "2"):
        out = tmp_path / f"scored{jobs}.csv"
        result = run_cli("detect", "score", run, "--data", folder / "part-*.csv", "--jobs", jobs, "-o", out)
        assert result.returncode == 0, result.stderr
        assert f"{jobs} process(es)" in result.stdout
        scored.append(out.read_bytes())
    assert scored[0] == scored[1]
    table = pd.read_csv(tmp_path / "scored2.csv")
    assert len(table) == sum(map(len, frames)) and list(table.columns[:7]) == list(frames[0].columns)
    report = run_cli("detect", "report", run, "--data", folder / "part-*.csv", "--label-column", "Class", "-o",
                     tmp_path / "rep")
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith(f"{len(table):,} rows, {int(table['is_anomaly'].sum()):,} flagged")
