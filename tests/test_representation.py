"""Representation learning in Python: compare with PCA, 2-D maps, probes, the projector export."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import aekit
from aekit.errors import ConfigError, DataError
from aekit.tasks.representation import compare, embed, embed_codes, export_model_projector, export_projector, probe
from aekit.tasks.representation._common import balanced_subset

# A small fixed-seed recipe: 3,000 MNIST images, 784-256-64-k, 20 epochs (about 10 s per model on 2 cores).
SMALL = {"hidden": [256, 64], "epochs": 20, "batch_size": 64, "learning_rate": 2e-3, "seed": 0}


@pytest.fixture(scope="module")
def comparison(mnist_small):
    train, test = mnist_small
    return compare(train, test, latent_dims=(2, 8), **SMALL)


@pytest.fixture(scope="module")
def model8(comparison):
    return comparison.models[("deep", 8)]


def test_compare_autoencoder_beats_pca_at_equal_latent_size(comparison, tmp_path):
    rows = comparison.rows
    assert [(r["method"], r["latent_dim"]) for r in rows] == [("PCA", 2), ("PCA", 8), ("autoencoder (deep)", 2),
                                                              ("autoencoder (deep)", 8)]
    # The quality floor: a nonlinear code beats the best linear code of the same size on held-out images
    # (measured: 0.88 of PCA's error at 2 numbers, 0.68 at 8).
    for k, ratio in ((2, 0.95), (8, 0.8)):
        pca, ae = comparison.row("PCA", k), comparison.row("deep", k)
        assert ae["squared_error_per_sample"] < ratio * pca["squared_error_per_sample"], (k, ae, pca)
        assert ae["psnr_db"] > pca["psnr_db"]
        assert ae["fit_seconds"] > 0 and ae["epochs_run"] >= 1
    # More numbers per image reconstruct better, for both methods.
    assert comparison.row("PCA", 8)["squared_error_per_sample"] < comparison.row("PCA", 2)["squared_error_per_sample"]

    paths = comparison.save(tmp_path)
    payload = json.loads(paths["json"].read_text())
    assert payload["dataset"] == "mnist" and len(payload["rows"]) == 4
    assert payload["reference_hinton2006_mnist"]["PCA"] == 13.87
    frame = pd.read_csv(paths["csv"])
    assert len(frame) == 4 and {"method", "latent_dim", "squared_error_per_sample", "mse_per_value", "psnr_db",
                                "fit_seconds"} <= set(frame.columns)
    assert paths["png"].stat().st_size > 10_000


def test_compare_rejects_bad_latent_sizes_before_training(mnist_small):
    train, test = mnist_small
    with pytest.raises(ConfigError, match="Received latent size 784.*only 784 values per sample"):
        compare(train, test, latent_dims=(2, 784))
    with pytest.raises(ConfigError, match="Received latent size 0"):
        compare(train, test, latent_dims=(0,))
    with pytest.raises(ConfigError, match='Unknown model "deeep". Did you mean "deep"'):
        compare(train, test, latent_dims=(2,), models=("deeep",))


def test_embed_latent_uses_the_code_and_tsne_maps_to_2d(comparison, mnist_small, tmp_path):
    _, test = mnist_small
    model2 = comparison.models[("deep", 2)]
    subset = test.subset(slice(0, 200))
    latent = embed(model2, subset, method="latent")
    np.testing.assert_allclose(latent.coordinates, model2.transform(subset), rtol=1e-6)
    tsne = embed(comparison.models[("deep", 8)], subset, method="tsne", seed=0)
    assert tsne.coordinates.shape == (200, 2) and np.isfinite(tsne.coordinates).all()
    np.testing.assert_array_equal(tsne.labels, subset.y)

    paths = tsne.save(tmp_path, images=subset.X)
    frame = pd.read_csv(paths["csv"])
    assert list(frame.columns) == ["index", "x", "y", "label"] and len(frame) == 200
    np.testing.assert_allclose(frame[["x", "y"]].values, tsne.coordinates, rtol=1e-5)
    assert paths["png"].stat().st_size > 10_000
    page = paths["html"].read_text()
    assert "data:image/png;base64," in page and "<script src" not in page and '"cols":15' in page


def test_embed_methods_and_errors(model8, mnist_small):
    _, test = mnist_small
    codes = model8.transform(test.subset(slice(0, 200)))
    assert embed_codes(codes, "pca").shape == (200, 2)
    with pytest.raises(ConfigError, match="method='latent' for codes of size 8; expected a model with latent_dim=2"):
        embed(model8, test, method="latent")
    with pytest.raises(ConfigError, match='Unknown embedding method "tnse". Did you mean "tsne"'):
        embed_codes(codes, "tnse")
    pytest.importorskip("umap")
    assert embed_codes(codes, "umap", seed=0).shape == (200, 2)


def test_probe_codes_against_pca_and_raw(model8, mnist_small):
    train, test = mnist_small
    rows = probe(model8, train.subset(slice(0, 2000)), test.subset(slice(0, 500)))
    assert [r["representation"] for r in rows] == ["autoencoder", "pca", "raw"]
    assert [r["dims"] for r in rows] == [8, 8, 784]
    for row in rows:
        assert 0.5 < row["linear_probe_accuracy"] <= 1 and 0.5 < row["knn_accuracy"] <= 1, row
    # Raw pixels with 2,000 labels are the strongest linear baseline; 8 numbers keep most of it.
    assert rows[0]["knn_accuracy"] > 0.75
    with pytest.raises(DataError, match="Probing needs labels"):
        probe(model8, train.X[:100], test.X[:100])
    with pytest.raises(ConfigError, match='Unknown baseline "pcaa"'):
        probe(model8, train, test, baselines=("pcaa",))


def test_projector_export(model8, mnist_small, tmp_path):
    _, test = mnist_small
    subset = test.subset(slice(0, 150))
    folder = export_model_projector(model8, subset, tmp_path / "projector", max_points=100)
    names = {p.name for p in folder.iterdir()}
    assert {"tensor.tsv", "metadata.tsv", "sprite.png", "projector_config.pbtxt"} <= names
    values = np.loadtxt(folder / "tensor.tsv", delimiter="\t")
    assert values.shape == (100, 8)
    codes = model8.transform(subset)  # the rows are codes of the exported samples, to the digits written
    assert all(np.isclose(codes, row, rtol=1e-5, atol=1e-6).all(axis=1).any() for row in values[:10])
    labels = (folder / "metadata.tsv").read_text().splitlines()
    assert len(labels) == 100 and set(labels) <= {str(d) for d in range(10)}
    from PIL import Image

    assert Image.open(folder / "sprite.png").size == (10 * 28, 10 * 28)
    config = (folder / "projector_config.pbtxt").read_text()
    assert 'image_path: "sprite.png"' in config and "single_image_dim: 28" in config
    assert 'tensor_path: "tensor.tsv"' in config
    # Codes without images or labels still export; mismatched lengths are refused.
    export_projector(np.zeros((5, 3)), tmp_path / "bare")
    with pytest.raises(ConfigError, match="Received 4 labels for 5 codes"):
        export_projector(np.zeros((5, 3)), tmp_path / "bad", labels=[1, 2, 3, 4])


def test_balanced_subset_is_seeded_and_balanced():
    y = np.repeat(np.arange(10), [500, 300, 50, 400, 400, 400, 400, 400, 400, 7])
    index = balanced_subset(y, 100, seed=3)
    assert len(index) == 100 and len(set(index)) == 100
    counts = np.bincount(y[index], minlength=10)
    assert counts[9] == 7 and counts.sum() == 100 and counts[:9].min() >= 10
    np.testing.assert_array_equal(index, balanced_subset(y, 100, seed=3))
    assert not np.array_equal(index, balanced_subset(y, 100, seed=4))
    with pytest.raises(DataError, match="labels=5.*10 classes"):
        balanced_subset(y, 5, seed=0)


def test_classifier_is_exported():
    assert aekit.Classifier is aekit.tasks.representation.Classifier
