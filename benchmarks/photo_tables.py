"""The small-folder section that the compression, restoration and retrieval tables share (benchmarks/report.py)."""

from __future__ import annotations


def section(result: dict, what: str, table) -> list[str]:
    """Lines of the ``photos`` part of ``result``, under one heading, or none when it was not measured."""
    from .stamps import part_stamp

    part = result.get("photos")
    if not part:
        return []
    folders = "; ".join(f"{case['folder']}: {case['train_images']} training crops of "
                        f"{len(case['train_photos'])} photos, {case['test_images']} test crops of "
                        f"{len(case['test_photos'])} others ({', '.join(case['test_photos'])})"
                        for case in part["folders"])
    return [f"**Small folders of real photos, {what}** (defaults through `aekit train --data DIR`; {folders}; "
            "the photos come from scikit-image and scikit-learn, see benchmarks/photo_folders.py):", "",
            table(part), "", *part_stamp(part)]
