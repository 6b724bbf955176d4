"""Stream and scale: train on Parquet shards read block by block, never all in memory, and encode them the
same way.

Shows ``aekit.data.stream`` of docs/guides/stream-and-scale.md on the bundled digits (no download): the
training digits are written as 4 Parquet shards (64 pixel columns and a ``digit`` label column) into the
output folder; an autoencoder trains from a stream over them (every epoch reads the files again, scaling
statistics come from one exact survey pass), and the shards are encoded block by block. Streaming runs on
tf.data, so it needs TensorFlow (``aekit[tensorflow]``); without it the script reads the same shards into
memory with ``aekit.data.load``, which needs nothing more, and trains the same way. Several processes
(``aekit encode --stream --jobs N``) and several machines (``aekit train --workers``) are command-line
features: see the guide.

Run it with::

    python examples/stream_and_scale.py [-o OUTPUT_DIR]   # default: runs/examples/stream_and_scale
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import aekit

PICTURES = ["reconstructions.png", "run/loss.png"]
SHARDS = 4


def write_shards(folder: Path) -> str:
    """The training digits as Parquet shards sharing one schema; returns their glob."""
    digits = aekit.data.load("digits")
    table = pd.DataFrame(digits.X.reshape(len(digits), -1), columns=[f"px{i // 8}{i % 8}" for i in range(64)])
    table["digit"] = digits.y
    folder.mkdir(parents=True, exist_ok=True)
    for number, rows in enumerate(np.array_split(np.arange(len(table)), SHARDS)):
        table.iloc[rows].to_parquet(folder / f"part-{number}.parquet", index=False)
    return str(folder / "part-*.parquet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("runs/examples/stream_and_scale"))
    output = parser.parse_args().output
    shards = write_shards(output / "shards")

    if importlib.util.find_spec("tensorflow") is not None:
        data = aekit.data.stream(shards, label_column="digit", cache=None)
    else:
        print("TensorFlow is not installed: reading the shards into memory instead of streaming them")
        data = aekit.data.load(data=shards, label_column="digit")
    model = aekit.Autoencoder(latent_dim=10, hidden=[128, 64], epochs=15, seed=0,
                              run_dir=output / "run", overwrite=True).fit(data)

    # Encoding a stream goes block by block too: memory holds one block, not the data.
    blocks = data.arrays(block_rows=512) if isinstance(data, aekit.data.Stream) else [data.X]
    codes = np.concatenate([model.transform(block) for block in blocks])

    test = aekit.data.load("digits", split="test")
    rows = pd.DataFrame(test.X.reshape(len(test), -1), columns=model.feature_names_in_)
    restored = model.reconstruct(rows)  # a DataFrame is matched to the training columns by name
    survey = getattr(model, "stream_survey_", None)  # what the survey pass counted, when streamed
    read = "read into memory"
    if survey:
        read = f"streamed {survey['train_rows']} + {survey['validation_rows']} validation rows"
    print(f"{SHARDS} Parquet shards, {read}: {model.training_plan_}")
    print(f"encoded {len(codes)} rows block by block into {codes.shape[1]} numbers each; test MSE per value "
          f"{model.evaluate(rows)['mse_per_value']:.4f} (pixels scaled to [0, 1])")

    figure, axes = plt.subplots(2, 10, figsize=(8, 1.9))
    for column in range(10):
        for row, images in enumerate((rows.to_numpy(), restored)):
            axes[row, column].imshow(images[column].reshape(8, 8), cmap="gray", vmin=0, vmax=16)
            axes[row, column].axis("off")
    axes[0, 0].set_title("test rows", loc="left", fontsize=9)
    axes[1, 0].set_title("reconstructed by the model trained on the stream", loc="left", fontsize=9)
    figure.savefig(output / PICTURES[0], dpi=110, bbox_inches="tight")


if __name__ == "__main__":
    main()
