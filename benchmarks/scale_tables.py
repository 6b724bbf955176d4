"""Markdown tables of results/scale.json for README.md (called by report.py)."""

from __future__ import annotations


def render(result: dict) -> str:
    from .stamps import machine_line as _machine
    from .stamps import part_stamp

    out: list[str] = []
    memory = result.get("memory")
    if memory:
        out += ["**Training on CSV shards** (`aekit train --data 'DIR/*.csv' --stream --epochs 1`: peak memory stays "
                "flat as the data grows):", "",
                "| data | files | rows | read as | peak memory | wall time | of which survey | rows/s (whole run) |",
                "|---|---:|---:|---|---:|---:|---:|---:|"]
        for row in memory["rows"]:
            rows = f"{row['rows']:,}" if row.get("rows") else ""
            survey = f"{row['survey_seconds']:.0f} s" if row.get("survey_seconds") is not None else ""
            rate = f"{row['rows_per_second']:,}" if row.get("rows_per_second") else ""
            out.append(f"| {row['bytes'] / 1e9:.2f} GB CSV | {row['files']} | {rows} | "
                       f"{'stream' if row['streamed'] else 'in memory (`--no-stream`)'} | "
                       f"**{row['peak_gb']:.2f} GB** | {row['seconds']:.0f} s | {survey} | {rate} |")
        out += [""] + part_stamp(memory)
    jobs = result.get("jobs")
    if jobs:
        out += [f"**Scoring sharded input across processes** ({jobs['files']} CSV shards, "
                f"{jobs['bytes'] / 1e9:.2f} GB; median of {jobs['repeats']} runs; this machine has {jobs['cores']} "
                "cores):", "", "| command | `--jobs 1` | `--jobs 2` | `--jobs 4` |", "|---|---:|---:|---:|"]
        for command in dict.fromkeys(r["command"] for r in jobs["rows"]):
            cells = {r["jobs"]: r for r in jobs["rows"] if r["command"] == command}
            out.append(f"| `aekit {command}` | " + " | ".join(
                f"{cells[j]['rows_per_second']:,} rows/s ({cells[j]['wall_seconds']:.0f} s)" if j in cells else ""
                for j in (1, 2, 4)) + " |")
        out += [""] + part_stamp(jobs)
    cluster = result.get("cluster")
    if cluster:
        assumptions = cluster["assumptions"]
        out += [f"**Modelled time per epoch on a cluster** (60,000 samples; one machine's rate measured by "
                f"`throughput.py` on {cluster['throughput_measured'][:10]}; ring all-reduce of fp32 gradients, "
                f"{assumptions['hop_latency_seconds'] * 1e6:.0f} µs per hop, no overlap with computation; each "
                "worker keeps the benchmark's batch):", "",
                "| model | parameters | network | 1 worker | 8 workers | 64 workers | all-reduce > compute from |",
                "|---|---:|---|---:|---:|---:|---:|"]
        for name, model in cluster["models"].items():
            for gbit in sorted({r["network_gbit"] for r in model["rows"]}):
                cells = {r["workers"]: r for r in model["rows"] if r["network_gbit"] == gbit}
                limit = model["communication_exceeds_compute_at"][str(gbit)]
                out.append(f"| {name} (batch {model['batch_per_worker']}) | {model['parameter_bytes'] / 4e6:.2f} M | "
                           f"{gbit} Gb/s | " + " | ".join(
                               f"{cells[w]['epoch_seconds']:.2f} s (x{cells[w]['speedup']:g})" for w in (1, 8, 64))
                           + f" | {f'{limit:,} workers' if limit else 'beyond 4,096'} |")
        out += [""] + part_stamp(cluster)
    return "\n".join(out) + "\n" + _machine(result)
