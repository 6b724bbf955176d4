"""Representation learning with autoencoders: beat PCA, map the data in 2-D, probe the codes, pretrain classifiers.

- :func:`compare`: PCA vs autoencoders at several latent sizes (error, wall time, plot with Hinton 2006's figures);
- :func:`embed`: 2-D maps of the codes (the code itself, t-SNE, UMAP, PCA) as PNG, CSV and interactive HTML;
- :func:`probe`: linear-probe and k-NN accuracy of the codes vs PCA codes and raw inputs;
- :class:`Classifier` and :func:`pretraining_curve`: a softmax head on a pretrained encoder vs from scratch;
- :func:`export_projector`: codes, labels and a sprite for TensorBoard's Embedding Projector.
"""

from __future__ import annotations

from .classifier import Classifier
from .compare import HINTON_2006_MNIST, Comparison, compare, plot_comparison
from .embed import METHODS, Embedding, embed, embed_codes, plot_embedding
from .pretraining import pretraining_curve, save_curve
from .probe import probe, probe_features
from .projector import export_model_projector, export_projector

__all__ = [
    "HINTON_2006_MNIST", "METHODS", "Classifier", "Comparison", "Embedding", "compare", "embed", "embed_codes",
    "export_model_projector", "export_projector", "plot_comparison", "plot_embedding", "pretraining_curve",
    "probe", "probe_features", "save_curve",
]
