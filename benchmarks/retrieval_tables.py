"""The README tables of benchmarks/retrieval.py (rendered by benchmarks/report.py).

Kept apart from the benchmark so that its script hash, which marks results as stale, changes only when what
it measures does.
"""

from __future__ import annotations


def render(result: dict) -> str:
    """The README tables (benchmarks/report.py)."""
    from .photo_tables import section
    from .stamps import machine_line as _machine
    from .stamps import part_stamp

    out = []
    for name in ("mnist", "fashion_mnist"):
        if name not in result:
            continue
        block = result[name]
        out += [f"**{name}** ({block['database']:,} database images, {block['queries']:,} test queries; relevant = "
                "same label; Hamming ranking, ties by id, no re-ranking)", "",
                "| method | bits | P@100 | mAP@1000 | mean bit imbalance | training s |",
                "|---|---:|---:|---:|---:|---:|"]
        for row in block["rows"]:
            imbalance = f"{row['mean_bit_imbalance']:.3f}" if "mean_bit_imbalance" in row else ""
            seconds = f"{row['training_seconds']:.0f}" if "training_seconds" in row else ""
            out.append(f"| {row['method']} | {row['bits'] or 'real'} | {row['p_at_100']:.3f} | "
                       f"{row['map_at_1000']:.3f} | {imbalance} | {seconds} |")
        out += ["", f"![](benchmarks/results/retrieval/{name}-queries.png)", "", *part_stamp(block)]
    speed = result.get("speed")
    if speed:
        radius = speed["radius2_32bit"]
        out += [f"Search speed over {speed['items']:,} codes ({speed['threads']} threads):", "",
                "| search | queries/s | 64-bit comparisons/s |", "|---|---:|---:|",
                f"| linear scan, 64-bit codes, NumPy | {speed['scan_numpy']['queries_per_second']:,.0f} | "
                f"{speed['scan_numpy']['comparisons_per_second']:,.0f} M |",
                f"| linear scan, 64-bit codes, faiss IndexBinaryFlat | {speed['scan_faiss']['queries_per_second']:,.0f}"
                f" | {speed['scan_faiss']['comparisons_per_second']:,.0f} M |",
                f"| radius 2, 32-bit codes, hash-table lookup | {radius['hash_queries_per_second']:,.0f} | |",
                f"| radius 2, 32-bit codes, linear scan | {radius['scan_queries_per_second']:,.0f} | |", "",
                f"The hash-table lookup is {radius['hash_vs_scan']:.0f}x faster than the scan.", ""]
    out += section(result, "32-bit codes, precision@5 for the same photo among the 80 test crops", photos)
    return "\n".join(out) + "\n" + _machine(result)


def photos(part: dict) -> str:
    """The small-folder table of docs/benchmarks/retrieval.md."""
    lines = ["| folder | method | bits | precision@5 (same photo) | vs LSH | bits a 4-pixel shift changes |",
             "|---|---|---:|---:|---:|---:|"]
    for case in part["folders"]:
        lsh = next(row["precision_at_5"] for row in case["rows"] if row["method"] == "LSH")
        for row in case["rows"]:
            shift = row.get("bits_changed_by_shift")
            lines.append(f"| {case['folder']} | {row['method']} | {row['bits'] or '—'} | "
                         f"{row['precision_at_5']:.3f} | {100 * (row['precision_at_5'] - lsh):+.1f} points | "
                         f"{'—' if shift is None else f'{shift:.2f}'} |")
        lines.append(f"| {case['folder']} | chance | — | {case['chance_precision']:.3f} | | |")
    return "\n".join(lines)
