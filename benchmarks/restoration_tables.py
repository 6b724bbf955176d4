"""The README tables of benchmarks/restoration.py (rendered by benchmarks/report.py).

Kept apart from the benchmark so that its script hash, which marks results as stale, changes only when what
it measures does.
"""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PICTURES = RESULTS / "restoration"
DATASETS = ("mnist", "fashion")


def _cell(row: dict, key: str, best: bool) -> str:
    psnr = f"{row[f'psnr_db{key}']:.2f}"
    return f"{'**' + psnr + '**' if best else psnr} / {row[f'ssim{key}']:.3f}"


def _table(rows: list[dict], column: str, key: str) -> list[str]:
    """Methods down, the ``column`` values across; PSNR dB / SSIM, the best PSNR of each column in bold."""
    columns = list(dict.fromkeys(row[column] for row in rows))
    methods = list(dict.fromkeys(row["method"] for row in rows if f"psnr_db{key}" in row))
    cells = {(row["method"], row[column]): row for row in rows}
    best = {c: max(row[f"psnr_db{key}"] for row in rows if row[column] == c and f"psnr_db{key}" in row)
            for c in columns}
    label = (lambda c: f"x{c}") if column == "factor" else str
    lines = ["| method | " + " | ".join(label(c) for c in columns) + " |", "|---" + "|---:" * len(columns) + "|"]
    for method in methods:
        row_cells = [_cell(cells[method, c], key, cells[method, c][f"psnr_db{key}"] == best[c])
                     if (method, c) in cells else "" for c in columns]
        lines.append(f"| {method} | " + " | ".join(row_cells) + " |")
    return lines


def _aekit_is_best(rows: list[dict], column: str) -> bool:
    by_column: dict = {}
    for row in rows:
        by_column.setdefault(row[column], []).append(row)
    return all(max(group, key=lambda r: r["psnr_db_200"])["method"].startswith("aekit") for group in by_column.values())


def render(result: dict) -> str:
    from .photo_tables import section
    from .stamps import machine_line as _machine
    from .stamps import part_stamp

    budget = result["budget"]
    epochs = f"{budget['epochs']} epoch{'s' * (budget['epochs'] != 1)}"
    out = [f"Every learned model: {epochs}, batch {budget['batch_size']}, on "
           f"{'all' if not budget['train_samples'] else 'the first ' + format(budget['train_samples'], ',')} "
           "training images. Cells: PSNR dB / SSIM; the best PSNR of each column in bold.", ""]
    for part in DATASETS:
        if part not in result:
            continue
        block = result[part]
        denoising, upscaling = block["denoising"], block["super_resolution"]
        first = f"first {result['bm3d_images']} test images"
        out += [f"**{block['dataset']}, denoising** ({first}, where BM3D runs; aekit best at every level: "
                f"{'yes' if _aekit_is_best(denoising, 'noise') else '**no**'}):", "",
                *_table(denoising, "noise", "_200"), "",
                f"On all {block['test_images']:,} test images:", "", *_table(denoising, "noise", ""), "",
                f"**{block['dataset']}, super-resolution** (all {block['test_images']:,} test images):", "",
                *_table(upscaling, "factor", ""), ""]
        gains = {row["factor"]: row["psnr_db"] for row in upscaling if row["method"].startswith("aekit")}
        bicubic = {row["factor"]: row["psnr_db"] for row in upscaling if row["method"] == "bicubic"}
        speed = block["speed"]
        out += ["Gain over bicubic: " + ", ".join(f"x{f} {gains[f] - bicubic[f]:+.2f} dB" for f in gains)
                + f". Speed on a 512x512 output: denoising {speed['denoise']['megapixels_per_second']:.2f} MP/s, "
                f"x2 upscaling {speed['upscale_x2']['megapixels_per_second']:.2f} MP/s.", "",
                "| denoising, gaussian 0.3 | x2 | x4 |", "|---|---|---|",
                "| " + " | ".join(f"![](benchmarks/results/restoration/{part}-{what}.png)" for what in (
                    "denoise-gaussian-0.3", "upscale-x2", "upscale-x4")) + " |", "",
                "Rows of the pictures: " + "; ".join(
                    (PICTURES / f"{part}-{what}.txt").read_text().strip().removeprefix("rows, top to bottom: ")
                    for what in ("denoise-gaussian-0.3", "upscale-x2")
                    if (PICTURES / f"{part}-{what}.txt").is_file()) + ".", ""]
        out += part_stamp(block)
    out += section(result, "denoised against BM3D given the true sigma", photos)
    return "\n".join(out) + "\n" + _machine(result)


def photos(part: dict) -> str:
    """The small-folder table of docs/benchmarks/restoration.md: PSNR per method, and aekit against BM3D."""
    lines = ["| folder | sigma | noisy input | median 3x3 | BM3D / CBM3D (true sigma) | aekit unet | aekit - BM3D | "
             "blind, level estimated | blind, true level given | training s (unet, blind) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for case in part["folders"]:
        for sigma in sorted({row["sigma"] for row in case["rows"]}):
            by = {row["method"]: row for row in case["rows"] if row["sigma"] == sigma}
            bm3d = by.get("BM3D (true sigma)") or by.get("CBM3D (true sigma)")
            ours = by["aekit unet"]
            blind = [by.get(f"aekit unet blind ({how})") for how in ("level estimated", "true level given")]
            gap = "—" if bm3d is None else f"{ours['psnr_db'] - bm3d['psnr_db']:+.2f}"
            seconds = f"{ours['training_seconds']:.0f}" + (f", {blind[0]['training_seconds']:.0f}" if blind[0] else "")
            lines.append(f"| {case['folder']} | {sigma} | {by['noisy input']['psnr_db']:.2f} | "
                         f"{by['median 3x3']['psnr_db']:.2f} | {'—' if bm3d is None else bm3d['psnr_db']} | "
                         f"{ours['psnr_db']:.2f} | {gap} | "
                         + " | ".join("—" if row is None else f"{row['psnr_db']:.2f}" for row in blind)
                         + f" | {seconds} |")
    return "\n".join(lines)
