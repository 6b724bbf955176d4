"""aekit's notes go through the ``aekit`` logger (``logging.getLogger("aekit")``), so a notebook, a service or a
script decides where they go and at which level, as for any library.

``verbose`` maps to levels: an estimator fitted with ``verbose=0`` logs its notes at DEBUG (hidden unless asked
for), with ``verbose`` set at INFO. So that ``verbose=1`` shows them where nothing was configured, the first such
note gives the ``aekit`` logger a handler to stderr and the INFO level, unless it (or the root logger) already
has handlers, or the level was set by hand: a configured program keeps its own choice. Keras's own progress
bars follow ``verbose`` as Keras defines it.
"""

from __future__ import annotations

import logging
import sys

LOGGER = logging.getLogger("aekit")


def note(message: str, verbose: int | str = 0) -> None:
    """Log ``message`` at INFO when ``verbose`` (0, 1, 2 or "auto") asks for notes, else at DEBUG."""
    if verbose and verbose != 0:
        _show_notes()
        LOGGER.info(message)
    else:
        LOGGER.debug(message)


def _show_notes() -> None:
    if LOGGER.level == logging.NOTSET and not LOGGER.hasHandlers():
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("aekit: %(message)s"))
        LOGGER.addHandler(handler)
        LOGGER.setLevel(logging.INFO)
