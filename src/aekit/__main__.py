"""``python -m aekit``: the command line."""

from .cli import main

main()
