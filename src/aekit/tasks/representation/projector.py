"""Export codes to the TensorBoard Embedding Projector: checkpoint, labels and a sprite of the originals.

The folder written is a TensorBoard log directory (``tensorboard --logdir DIR``, then the
"Projector" tab) holding:

  - ``tensor.tsv``: the codes, one row per sample, tab separated (the projector reads it; no TensorFlow needed);
  - ``metadata.tsv``: one label per line (single-column metadata has no header, as the projector expects);
  - ``sprite.png``: the original images tiled in the order of the codes, shown in place of the points;
  - ``projector_config.pbtxt``: ties the three together, with paths relative to the folder, so
    the folder can be moved or copied as a whole.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...core.errors import ConfigError
from ._common import as_dataset, png_bytes, resolve_autoencoder, sprite, subsample

SPRITE_LIMIT_PIXELS = 8192  # the projector refuses sprite sheets wider or taller than this
TENSOR_NAME = "codes"
PROJECTOR_FILES = ("tensor.tsv", "metadata.tsv", "sprite.png", "projector_config.pbtxt")


def export_projector(codes: np.ndarray, output_dir, *, labels=None, images=None, max_points: int = 10_000,
                     seed: int = 0, overwrite: bool = False) -> Path:
    """Write a projector log directory for ``codes`` ``(n, d)``, with optional labels and images ``(n, h, w, c)``.

    At most ``max_points`` points are kept (a seeded random subset), and fewer when the images
    would not fit one 8192 x 8192 sprite sheet.

    Parameters
    ----------
    codes : array-like of shape (n, d)
        The codes, at least one.
    output_dir : str or os.PathLike
        The log directory to write (``tensorboard --logdir`` it).
    labels : array-like of shape (n,), optional
        One label per code, written to ``metadata.tsv``.
    images : array-like of shape (n, h, w, c), optional
        One image per code, tiled into ``sprite.png`` (other dtypes than uint8 are stretched from their
        minimum to their maximum).
    max_points : int, default=10000
        At most this many points, at least 1.
    seed : int, default=0
        Seed of the subset.
    overwrite : bool, default=False
        Allow a folder that holds files aekit did not write (see :mod:`aekit.core.outputs`).

    Returns
    -------
    pathlib.Path
        The directory written.
    """
    from tensorboard.plugins import projector

    from ...core.outputs import check_folder, staged

    codes = np.asarray(codes, dtype=np.float32)
    if codes.ndim != 2 or len(codes) == 0:
        raise ConfigError(f"Received codes of shape {codes.shape}; expected (samples, latent_dim) with samples > 0.")
    for name, values in (("labels", labels), ("images", images)):
        if values is not None and len(values) != len(codes):
            raise ConfigError(f"Received {len(values)} {name} for {len(codes)} codes; expected one per code.")
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < 1:
        raise ConfigError(f"Received max_points={max_points!r}; expected a positive integer, e.g. 10000.")
    limit = max_points
    if images is not None:
        images = np.asarray(images)
        if images.ndim != 4:
            raise ConfigError(f"Received images of shape {images.shape}; expected (samples, height, width, channels).")
        per_side = SPRITE_LIMIT_PIXELS // max(images.shape[1:3])
        limit = min(limit, per_side * per_side)
    keep = subsample(len(codes), limit, seed)

    output_dir = check_folder(output_dir, overwrite=overwrite, names=PROJECTOR_FILES, what="projector folder")
    with staged(output_dir) as staging:
        # Paths in the config are relative to the folder: the staged files can be renamed into place.
        np.savetxt(staging / "tensor.tsv", codes[keep], delimiter="\t", fmt="%.7g")
        config = projector.ProjectorConfig()
        embedding = config.embeddings.add()
        embedding.tensor_name = TENSOR_NAME
        embedding.tensor_path = "tensor.tsv"
        embedding.tensor_shape.extend([int(len(keep)), int(codes.shape[1])])
        if labels is not None:
            rows = [str(v).replace("\t", " ").replace("\n", " ") for v in np.asarray(labels)[keep]]
            (staging / "metadata.tsv").write_text("\n".join(rows) + "\n")
            embedding.metadata_path = "metadata.tsv"
        if images is not None:
            chosen = images[keep]
            (staging / "sprite.png").write_bytes(png_bytes(sprite(chosen)))
            embedding.sprite.image_path = "sprite.png"
            embedding.sprite.single_image_dim.extend([int(chosen.shape[2]), int(chosen.shape[1])])  # width, height
        projector.visualize_embeddings(str(staging), config)
    return output_dir


def export_model_projector(model, X, output_dir, *, y=None, max_points: int = 10_000, seed: int = 0,
                           overwrite: bool = False) -> Path:
    """Encode ``X`` with a fitted autoencoder (or run directory) and export the codes for the projector.

    Example::

        export_model_projector("runs/h2006", aekit.data.load("mnist", split="test"), "runs/h2006/projector")
        # then: tensorboard --logdir runs/h2006/projector

    Parameters
    ----------
    model : aekit.Autoencoder, str or os.PathLike
        A fitted autoencoder, or the path of its run directory.
    X : array-like, pandas.DataFrame or aekit.data.Dataset
        The samples to encode, in the model's training units; images become the sprite.
    output_dir : str or os.PathLike
        The log directory to write.
    y : array-like of shape (n,), optional
        Labels for ``metadata.tsv``; wins over a Dataset's own labels.
    max_points : int, default=10000
        Encode and export a seeded random subset of at most this many samples.
    seed : int, default=0
        Seed of the subset.
    overwrite : bool, default=False
        Allow a folder that holds files aekit did not write (see :mod:`aekit.core.outputs`).

    Returns
    -------
    pathlib.Path
        The directory written.
    """
    autoencoder = resolve_autoencoder(model)
    dataset = as_dataset(X, y)
    keep = subsample(len(dataset), max_points, seed)  # encode only what is exported
    subset = dataset.subset(keep)
    codes = autoencoder.transform(subset)
    images = subset.X if subset.kind == "image" else None
    return export_projector(codes, output_dir, labels=subset.y, images=images, max_points=max_points, seed=seed,
                            overwrite=overwrite)
