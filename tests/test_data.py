"""Data sources: real IDX files, tables, NumPy files, image folders, and each kind of bad input."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from PIL import Image

from aekit.data import Scaler, load, read_idx, split_indices
from aekit.errors import DataError

from .conftest import DATA_DIR


def test_mnist_idx_files_have_the_standard_split():
    train = load("mnist", split="train")
    test = load("mnist", split="test")
    assert train.X.shape == (60000, 28, 28, 1) and train.X.dtype == np.uint8
    assert test.X.shape == (10000, 28, 28, 1)
    assert np.bincount(test.y).tolist()[:3] == [980, 1135, 1032]


def test_fashion_mnist_and_digits_load():
    assert load("fashion-mnist", split="test").X.shape == (10000, 28, 28, 1)
    digits = load("digits", split="all")
    assert digits.X.shape == (1797, 8, 8, 1) and digits.kind == "image"


def test_truncated_idx_file_is_rejected(tmp_path):
    raw = gzip.open(DATA_DIR / "mnist" / "t10k-labels-idx1-ubyte.gz").read()
    broken = tmp_path / "t10k-labels-idx1-ubyte"
    broken.write_bytes(raw[:5000])
    with pytest.raises(DataError, match="truncated or corrupted.*announces shape \\(10000,\\)"):
        read_idx(broken)
    corrupt_gz = tmp_path / "images-idx3-ubyte.gz"
    corrupt_gz.write_bytes(gzip.compress(raw)[:300])
    with pytest.raises(DataError, match="truncated or corrupted"):
        read_idx(corrupt_gz)


def test_unknown_dataset_suggests_the_closest_name():
    with pytest.raises(DataError, match='Unknown dataset "minst". Did you mean "mnist"\\?'):
        load("minst")


def test_missing_named_dataset_lists_every_place_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("AEKIT_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(DataError) as info:
        load("fashion_mnist", data_dir=tmp_path / "mine")
    message = str(info.value)
    for place in (tmp_path / "mine", tmp_path / "empty", tmp_path / "keras" / "datasets", "/usr/share/datasets"):
        assert str(place) in message
    assert "AEKIT_DATA_DIR" in message


def test_csv_with_label_column_keeps_labels_aside(table_csv):
    data = load(data=str(table_csv), label_column="Class")
    assert data.X.shape == (300, 8) and data.kind == "table"
    assert data.feature_names == [f"f{i}" for i in range(8)]
    assert data.y.sum() == 30


def test_parquet_and_glob_of_csvs(tmp_path, table_csv):
    import pandas as pd

    frame = pd.read_csv(table_csv)
    frame.to_parquet(tmp_path / "t.parquet")
    assert load(data=str(tmp_path / "t.parquet"), label_column="Class").X.shape == (300, 8)
    frame.iloc[:100].to_csv(tmp_path / "part1.csv", index=False)
    frame.iloc[100:].to_csv(tmp_path / "part2.csv", index=False)
    assert load(data=str(tmp_path / "part*.csv"), label_column="Class").X.shape == (300, 8)


def test_non_numeric_columns_are_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,city\n1,2,Paris\n3,4,Rome\n")
    with pytest.raises(DataError, match="non-numeric columns: city"):
        load(data=str(path))


def test_nan_and_inf_are_located(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,\n5,inf\n")
    with pytest.raises(DataError, match="2 NaN or infinite values in 2 rows \\(first at row 1, column 'b'\\)"):
        load(data=str(path))


def test_empty_table_is_rejected(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n")
    with pytest.raises(DataError, match="is empty"):
        load(data=str(path))


def test_numpy_files(tmp_path):
    X = np.random.default_rng(0).random((20, 6)).astype(np.float32)
    np.save(tmp_path / "x.npy", X)
    np.savez(tmp_path / "xy.npz", X=X, y=np.arange(20))
    assert load(data=str(tmp_path / "x.npy")).X.shape == (20, 6)
    both = load(data=str(tmp_path / "xy.npz"))
    assert both.y.tolist() == list(range(20))


def _write_images(folder, sizes, mode="L"):
    for i, size in enumerate(sizes):
        sub = folder / ("cat" if i % 2 else "dog")
        sub.mkdir(parents=True, exist_ok=True)
        Image.new(mode, size, color=i * 10).save(sub / f"{i}.png")


def test_image_folder_of_mixed_sizes_needs_image_size(tmp_path):
    _write_images(tmp_path / "imgs", [(16, 16), (20, 12), (16, 16)])
    with pytest.raises(DataError, match="3 different sizes|2 different sizes.*--image-size"):
        load(data=str(tmp_path / "imgs"))
    data = load(data=str(tmp_path / "imgs"), image_size=(10, 12))
    assert data.X.shape == (3, 10, 12, 1)
    assert sorted(set(data.y.tolist())) == [0, 1]


def test_rgb_images_keep_three_channels(tmp_path):
    _write_images(tmp_path / "rgb", [(8, 8)] * 4, mode="RGB")
    assert load(data=str(tmp_path / "rgb")).X.shape == (4, 8, 8, 3)


def test_missing_file_says_so(tmp_path):
    with pytest.raises(DataError, match="Data file not found: .*nope.csv"):
        load(data=str(tmp_path / "nope.csv"))


def test_split_is_seeded_and_scalers_fit_on_given_rows():
    train, val = split_indices(100, 0.2, seed=3)
    assert len(val) == 20 and not set(train) & set(val)
    assert np.array_equal(split_indices(100, 0.2, seed=3)[1], val)
    X = np.array([[0.0, 5.0], [10.0, 5.0]])
    scaler = Scaler("standard").fit(X)
    assert np.allclose(scaler.transform(X), [[-1, 0], [1, 0]])  # constant column: no division by zero
    restored = Scaler.from_dict(scaler.to_dict())
    assert np.allclose(restored.inverse_transform(restored.transform(X)), X)
