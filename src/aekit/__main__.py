"""``python -m aekit``: the command line."""

if __name__ == "__main__":  # not when a worker process of `--jobs` imports this module as its main one
    from .cli import main

    main()
