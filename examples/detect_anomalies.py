"""Detect anomalies: flag a rare digit among common ones by how badly an autoencoder reconstructs it.

Shows ``aekit.AnomalyDetector`` (docs/guides/detect-anomalies.md) on a table made from the bundled digits
(no download): each 8x8 image is a row of 64 pixel columns, the digits other than 4 are normal and a few 4s
are the anomalies. Two detectors are fitted, one per setting the guide describes: *outlier* detection on
unlabelled training rows that hold 2 % of 4s (the default), and *novelty* detection on normal rows only
(``novelty=True``). It reports each one's test AUC-ROC, draws the score histograms of normal vs anomalous test
rows with the thresholds, saves the novelty detector (its run directory holds the training-score histogram)
and explains one flagged row.

Run it with::

    python examples/detect_anomalies.py [-o OUTPUT_DIR]   # default: runs/examples/detect_anomalies
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

import aekit

PICTURES = ["test_scores.png", "novelty_detector/scores.png"]
ANOMALY = 4  # the digit that plays the rare anomaly


def table(split: str, share: float, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The split's rows as named pixel columns, with as many 4s as ``share`` of the other rows."""
    digits = aekit.data.load("digits", split=split)
    rows = pd.DataFrame(digits.X.reshape(len(digits), -1), columns=[f"px{i // 8}{i % 8}" for i in range(64)])
    normal, rare = np.flatnonzero(digits.y != ANOMALY), np.flatnonzero(digits.y == ANOMALY)
    keep = np.concatenate([normal, rng.choice(rare, round(share * len(normal)), replace=False)])
    return rows.iloc[keep].reset_index(drop=True), (digits.y[keep] == ANOMALY).astype(int)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("runs/examples/detect_anomalies"))
    output = parser.parse_args().output
    output.mkdir(parents=True, exist_ok=True)

    rng = np.random.default_rng(0)
    X_train, y_train = table("train", 0.02, rng)
    X_test, y_test = table("test", 0.05, rng)
    detectors = {  # the outlier detector never sees y_train: unlabelled data is the common case
        "outlier": aekit.AnomalyDetector(contamination=0.02, seed=0).fit(X_train),
        "novelty": aekit.AnomalyDetector(novelty=True, contamination=0.02, seed=0).fit(X_train[y_train == 0]),
    }
    detectors["novelty"].save(output / "novelty_detector", overwrite=True)

    figure, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for axis, (setting, detector) in zip(axes, detectors.items()):
        scores, flags = detector.decision_function(X_test), detector.predict(X_test)
        bins = np.histogram_bin_edges(scores, 40)
        for label, name in ((0, "normal digits"), (1, f"anomalies ({ANOMALY}s)")):
            # density=True: 16 anomalies would vanish next to 300 normal rows on a count scale
            axis.hist(scores[y_test == label], bins=bins, alpha=0.6, label=name, density=True)
        axis.axvline(detector.threshold_, color="black", linestyle="--", label="threshold")
        auc = roc_auc_score(y_test, scores)
        axis.set(xlabel="anomaly score", ylabel="density", title=f"{setting} detection: AUC-ROC {auc:.3f}")
        axis.legend()
        print(f"{setting} detection: AUC-ROC {auc:.3f} on {len(y_test)} test rows ({y_test.sum()} anomalies); "
              f"flags {flags[y_test == 1].mean():.0%} of the anomalies, {flags[y_test == 0].mean():.1%} of the rest")
    figure.savefig(output / PICTURES[0], dpi=110, bbox_inches="tight")

    flagged = X_test[detectors["novelty"].predict(X_test) == 1]
    why = detectors["novelty"].explain(flagged.head(1), top=3)
    print("the first flagged row's worst pixels: " + ", ".join(why["feature"].astype(str)))


if __name__ == "__main__":
    main()
