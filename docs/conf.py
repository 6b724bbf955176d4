"""Sphinx configuration: the site is built from the repository (`make docs`, warnings are errors).

Pages are Markdown (MyST), so the guides read the same on GitHub; the API reference comes from the docstrings
(autodoc + napoleon, numpydoc sections), the CLI reference from click (sphinx-click), the family pages from the
registry (``_ext/aekit_docs.py``). Why Sphinx and not mkdocs: see ``contributing.md``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# JAX imports in about half the time of TensorFlow; the reference reads signatures, not kernels.
os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

import aekit  # noqa: E402

project = "aekit"
author = "the aekit developers"
copyright = "2026, the aekit developers"
release = aekit.__version__
version = ".".join(release.split(".")[:2])

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx_click", "aekit_docs"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "README.md"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

html_theme = "furo"
html_title = f"aekit {release}"
html_static_path = ["_static"]
html_show_sourcelink = False
