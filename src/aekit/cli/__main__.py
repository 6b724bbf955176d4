"""``python -m aekit.cli``: the command line."""

from . import main

main()
