"""The README tables of benchmarks/compression.py (rendered by benchmarks/report.py).

Kept apart from the benchmark so that its script hash, which marks results as stale, changes only when what
it measures does.
"""

from __future__ import annotations

DATASETS = ("mnist", "fashion")
SHOWN_QUALITIES = (5, 10, 25, 50, 75, 90)


def _dataset(name: str, block: dict) -> list[str]:
    from .stamps import part_stamp

    out = [f"**{name}** ({block['test_images']:,} test images; aekit trained on {block['train_images']:,})", ""]
    out += part_stamp(block)
    out += ["| codec | setting | bytes per image | mean PSNR (dB) | mean SSIM |", "|---|---|---:|---:|---:|"]
    for row in sorted(block["aekit"], key=lambda r: r["bytes_per_image"]):
        setting = f"downsample {row['downsample']}, lmbda {row['lmbda']}, {row['epochs_run']} epochs"
        out.append(f"| aekit | {setting} | **{row['bytes_per_image']:.1f}** (1 per file: "
                   f"{row['bytes_per_image_single_files']:.1f}) | **{row['psnr_db']:.2f}** | {row['ssim']:.3f} |")
    for row in block["baselines"]:
        if row["quality"] is None:
            out.append(f"| {row['codec']} | | {row['bytes_per_image']:.1f} | lossless | 1 |")
        elif row["quality"] in SHOWN_QUALITIES or (row["quality"] == 1 and row["codec"].startswith("JPEG (p")):
            out.append(f"| {row['codec']} | q{row['quality']} | {row['bytes_per_image']:.1f} | "
                       f"{row['psnr_db']:.2f} | {row['ssim']:.3f} |")
    goals = block["goals"]
    at_24, at_28 = goals["a_bytes_at_24db"], goals["b_bytes_at_28.3db"]
    beaten = [c for c in goals["c_points"] if c["above"]]
    missed = [f"{c['codec'].split(' ')[0]} q{c['quality']} ({c['bytes']:.0f} B, {c['their_psnr']:.1f} dB vs "
              f"{'outside the curve' if c['aekit_psnr'] is None else format(c['aekit_psnr'], '.1f') + ' dB'})"
              for c in goals["c_points"] if not c["above"]]
    out += ["", f"- aekit reaches 24 dB at "
                f"{'no rate it was trained for' if at_24 is None else format(at_24, '.1f') + ' bytes per image'}, "
                f"and 28.3 dB (WebP q5 on MNIST) at "
                f"{'no rate it was trained for' if at_28 is None else format(at_28, '.1f') + ' bytes per image'}.",
            f"- Against each JPEG-payload and WebP point from 20 to 200 bytes, aekit's curve is higher at "
            f"{len(beaten)} of {len(goals['c_points'])}" + (f"; lower at {'; '.join(missed)}." if missed else "."),
            "", f"![rate-distortion, {name}](benchmarks/results/compression/{name}_rd.png)",
            f"![originals, aekit, JPEG and WebP at similar bytes, {name}]"
            f"(benchmarks/results/compression/{name}_grid.png)",
            ""]
    return out


def render(result: dict) -> str:
    from .photo_tables import section
    from .stamps import machine_line as _machine

    out = []
    for name in DATASETS:
        if name in result:
            out += _dataset(name, result[name])
    out += section(result, "one `.aez` for the 80 test crops against WebP and JPEG at the same bytes", photos)
    return "\n".join(out) + "\n" + _machine(result)


def photos(part: dict) -> str:
    """The small-folder table of docs/benchmarks/compression.md: aekit's points, and each baseline's PSNR at the
    same bytes per image read off its curve (a dash where its qualities do not reach those bytes)."""
    lines = ["| folder | aekit setting | bytes per image | aekit PSNR dB | WebP at those bytes | JPEG (whole file) | "
             "JPEG (payload only) | aekit - WebP | training s |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for case in part["folders"]:
        for row in case["aekit"]:
            at = [row[f"{codec} PSNR at these bytes"] for codec in
                  ("WebP (whole file)", "JPEG (whole file)", "JPEG (payload only)")]
            margin = row["margin_over_webp_db"]
            lines.append(f"| {case['folder']} | {row['setting']} | {row['bytes_per_image']:.0f} | "
                         f"{row['psnr_db']:.2f} | {' | '.join(map(_dash, at))} | "
                         f"{'—' if margin is None else f'{margin:+.2f}'} | {row['training_seconds']:.0f} |")
    return "\n".join(lines)


def _dash(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
