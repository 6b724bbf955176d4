"""`aekit detect score --jobs N`: shards scored in several processes, and their summaries merged as one."""

from __future__ import annotations

from ...runs import as_estimator
from .detector import AnomalyDetector
from .streaming import ScoreSummary, score_file


def merge_summaries(summaries: list[ScoreSummary]) -> ScoreSummary:
    """The summary of several processes' parts, as if one had scored them all."""
    merged = ScoreSummary(passthrough=summaries[0].passthrough)
    for part in summaries:
        for name in ("rows_read", "rows_written", "flagged", "dropped", "imputed"):
            setattr(merged, name, getattr(merged, name) + getattr(part, name))
        merged.scores += part.scores
        merged.labels += part.labels
    return merged


def score_shards(run: str, paths: list, top: int, nan_policy: str, output):
    """Score ``paths`` into ``output`` with the detector in ``run`` (loaded here: this may be a process of its own,
    one of ``aekit detect score --jobs``)."""
    return score_file(as_estimator(run, AnomalyDetector), paths, output, top=top, nan_policy=nan_policy)
