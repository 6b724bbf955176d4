"""Generative use of variational autoencoders: likelihood estimates (sampling lives on the estimator)."""

from .likelihood import importance_weighted_nll

__all__ = ["importance_weighted_nll"]
