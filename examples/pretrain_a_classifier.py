"""Pretrain a classifier: an autoencoder learns from every digit without labels, then a classifier built on
its encoder learns from a few labelled ones, against the same network trained from scratch.

Shows ``aekit.Classifier`` and ``pretraining_curve`` (docs/guides/pretrain-a-classifier.md and
reduce-and-map.md) on the bundled 8x8 digits (no download): the accuracy on the test split of the pretrained
and the from-scratch classifier with 20, 100 and all 1,438 training labels, drawn by ``save_curve``; the
classifier trained on 100 labels is saved and loaded back.

Run it with::

    python examples/pretrain_a_classifier.py [-o OUTPUT_DIR]   # default: runs/examples/pretrain_a_classifier
"""

from __future__ import annotations

import argparse
from pathlib import Path

import aekit
from aekit.tasks.representation import pretraining_curve, save_curve

PICTURES = ["pretraining.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("runs/examples/pretrain_a_classifier"))
    output = parser.parse_args().output
    train, test = aekit.data.load("digits"), aekit.data.load("digits", split="test")

    # Pretraining sees every training image but no label: the unlabelled data is what comes cheap.
    ae = aekit.Autoencoder(latent_dim=16, hidden=[128, 64], epochs=40, seed=0).fit(train)

    # Few steps keep the example fast; a fine-tuning rate above the default 3e-4 makes up for their number.
    settings = dict(freeze_epochs=20, epochs=20, fine_tune_learning_rate=1e-3, min_steps=100)
    rows = pretraining_curve(ae, train, test, label_counts=(20, 100, None), keep_models=True, **settings)
    save_curve(rows, output, dataset="digits", settings=settings, overwrite=True)
    for row in rows:
        print(f"{row['labels']:>5} labels: pretrained {row['pretrained_accuracy']:.3f}, "
              f"from scratch {row['scratch_accuracy']:.3f} ({row['gain_points']:+.1f} points)")

    # A Classifier is saved in its own format (not a run directory): aekit.Classifier.load reads it.
    rows[1]["models"]["pretrained"].save(output / "classifier", overwrite=True)
    clf = aekit.Classifier.load(output / "classifier")
    print(f"reloaded 100-label classifier: test accuracy {clf.score(test.X, test.y):.3f}")


if __name__ == "__main__":
    main()
