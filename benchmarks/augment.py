"""What `--augment` buys a conv autoencoder on small folders: each mode against none, on unseen images.

The rule, stated before the runs: augmentation stays off by default whatever this measures, because whether a
mirror image means the same is a fact about the data that its pixels do not give (the issue's own example: flips
are wrong for digits and text). This measures what a user who opts in gains, on a folder of photo crops (where
flips are safe) and on a folder of digits (where they are not), through the real command line at the defaults.

    python -m benchmarks.augment [--only photo-crops,mnist-folder]   # -> benchmarks/results/augment.json
"""

from __future__ import annotations

import argparse
import os
import time

from ._common import data_dir, write_result
from .images import folder_case

MODES = ("none", "flips", "shifts", "flips+shifts")
CASES = ("photos-gray-64", "mnist-folder")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(CASES), help="comma-separated folders")
    args = parser.parse_args()
    os.environ.setdefault("AEKIT_DATA_DIR", data_dir())
    started = time.time()
    variants = {f"--augment {mode}": ["--model", "conv", "--augment", mode] for mode in MODES}
    cases = []
    for case in args.only.split(","):
        result = folder_case(case, variants)
        print(f"{case}: " + ", ".join(f"{r['method']} {r['psnr_db']:.2f} dB" for r in result["rows"]), flush=True)
        cases.append(result)
    print(write_result("augment", {"seed": 0, "modes": list(MODES), "cases": cases}, started))


def render(result: dict) -> str:
    """The table of docs/benchmarks/images.md: PSNR on the unseen images per mode, and the change over none."""
    from .stamps import machine_line

    lines = ["| folder | `--augment` | PSNR dB (unseen) | vs none | SSIM | PCA at the same code size, dB | "
             "training s |", "|---|---|---:|---:|---:|---:|---:|"]
    for case in result["cases"]:
        ours = [r for r in case["rows"] if r["method"].startswith("aekit")]
        pca = [r for r in case["rows"] if r["method"].startswith("PCA")]
        for row, baseline in zip(ours, pca):
            mode = row["method"].removeprefix("aekit --augment ")
            gain = row["psnr_db"] - ours[0]["psnr_db"]
            lines.append(f"| {case['case']} | {mode} | {row['psnr_db']:.2f} | {gain:+.2f} | {row['ssim']:.3f} | "
                         f"{baseline['psnr_db']:.2f} | {row['training_seconds']:.0f} |")
    return "\n".join(lines) + "\n\n" + machine_line(result)


if __name__ == "__main__":
    main()
