"""Benchmarks: each script measures aekit beside the strongest baselines and writes results/NAME.json; run one
from the repository root as ``python -m benchmarks.NAME``, and ``python -m benchmarks.report`` to render the tables."""
