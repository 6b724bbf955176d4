"""The README tables of benchmarks/throughput.py: aekit against PyTorch first, then every row against the peak."""

from __future__ import annotations

from .stamps import machine_line

NAMES = {"aekit": "aekit", "keras": "plain keras.Model.fit", "torch": "PyTorch, eager",
         "torch-1-thread": "PyTorch, eager, 1 thread", "torch-channels-last": "PyTorch, eager, channels-last",
         "torch-compile": "PyTorch, torch.compile",
         "aekit-default-conv": "aekit's default `conv` model (its own layers)",
         "aekit-no-jit": "aekit without XLA/jit (ablation)",
         "aekit-one-step-per-call": "aekit, one step per call (ablation)",
         "aekit-bf16": "aekit, bf16 mixed precision (ablation)",
         "aekit-tf-data": "aekit, tf.data batches instead of NumPy ones (ablation)"}
TITLES = {"dense": "784-1000-500-250-30 (hinton2006), MNIST, batch 256",
          "conv28": "conv 32-64 / Dense 32 / convT, 28x28 MNIST, batch 128",
          "conv64": "conv 32-64 / Dense 32 / convT, 64x64 Fashion-MNIST, batch 128"}


def render(result: dict) -> str | None:
    if "peak" not in result:  # measured before the peak was a peak (NumPy alone): keep its table
        return None
    kept = result.get("kept_from") or {}
    lines = ["| model | aekit (its backend) | fastest PyTorch | aekit / PyTorch |", "|---|---:|---:|---:|"]
    for model, summary in result["summary"].items():
        if "vs_fastest_torch" not in summary:
            continue
        torch_rate = summary["aekit_samples_per_second"] / summary["vs_fastest_torch"]
        lines.append(f"| {TITLES[model]}{' ¹' if model in kept.get('models', ()) else ''} | "
                     f"{summary['aekit_samples_per_second']:,} samples/s ({summary['aekit_default_backend']}) | "
                     f"{torch_rate:,.0f} ({NAMES[summary['fastest_torch']]}) | "
                     f"**{summary['vs_fastest_torch']:.2f}x** |")
    lines += ["", _peak_line(result), "", *_detail(result, kept), *_footnotes(result, kept)]
    return "\n".join(lines) + "\n" + machine_line(result)


def _peak_line(result: dict) -> str:
    peak = result["peak"]
    engines = {}
    for measured in peak["by_engine_4096"]:
        for engine, value in measured.items():
            engines.setdefault(engine, []).append(value)
    each = ", ".join(f"{engine} {max(values):.0f}" for engine, values in engines.items())
    theory = peak["theoretical"]
    stated = f"{theory['gflops']:.0f} GFLOP/s ({theory['how']})" if theory.get("gflops") else theory["how"]
    return (f"Peak: the best 4096x4096 fp32 matrix product of the engines, **{result['fp32_peak_gflops']:.0f} "
            f"GFLOP/s** (median of the rounds' best; per engine, best round: {each}). Theoretical: {stated}. "
            f"For the dense model, its own matrix shapes at the best speed any engine reaches on each allow "
            f"**{peak['dense_shape_bound_samples_per_second']:,} samples/s** (the shape bound).")


def _detail(result: dict, kept: dict) -> list[str]:
    lines = ["| model | trainer | backend | median s/epoch | samples/s | GFLOP/s | share of peak | share of shape "
             "bound |", "|---|---|---|---:|---:|---:|---:|---:|"]
    for row in result["rows"]:
        share = "bf16: not vs the fp32 peak" if row["share_of_fp32_peak"] is None else \
            f"{row['share_of_fp32_peak']:.0%}"
        bound = f"{row['share_of_shape_bound']:.0%}" if "share_of_shape_bound" in row else ""
        mark = " ¹" if row["model"] in kept.get("models", ()) else ""
        lines.append(f"| {TITLES[row['model']]}{mark} | {NAMES[row['trainer']]} | {row['backend']} | "
                     f"{row['median_epoch_seconds']:.2f} | {row['samples_per_second']:,} | "
                     f"{row['gflops_per_second']:.0f} | {share} | {bound} |")
    return lines + [""]


def _footnotes(result: dict, kept: dict) -> list[str]:
    lines = []
    for failure in result.get("failed", []):
        lines += [f"Failed: {NAMES[failure['trainer']]} on {failure['backend']}, {failure['model']}: "
                  f"{failure['error']}", ""]
    if kept:
        where = f" on {kept['machine']}" if kept.get("machine") else ""
        lines += [f"¹ Kept from the run of {kept['date'][:10]}{where} at commit {(kept.get('commit') or '?')[:10]} "
                  f"(shares of that run's peak, {kept['fp32_peak_gflops']:.0f} GFLOP/s); `--only` measured the other "
                  "rows.", ""]
    return lines
