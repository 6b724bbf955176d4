"""A model of data-parallel training time on a cluster, from one machine's measured throughput.

Each of N workers keeps the benchmark's batch B (weak scaling: the global batch is N*B) and computes a
step in B / R seconds, R being the samples/s measured on one machine by ``throughput.py``. After the
backward pass the gradients (P parameter bytes, fp32) are all-reduced with a ring: every worker sends and
receives 2 (N-1)/N * P bytes, in 2 (N-1) messages of latency ALPHA. The model assumes no overlap of
communication with computation (XLA on CPU all-reduces after the backward pass), so a step takes
B/R + 2 (N-1)/N * P / bandwidth + 2 (N-1) * ALPHA, and an epoch of S samples takes S / (N*B) steps.
"""

from __future__ import annotations

WORKERS = (1, 8, 64)
NETWORKS_GBIT = (10, 100)
ALPHA_SECONDS = 30e-6  # one hop of a TCP ring (gloo on Ethernet): an assumption, stated in the README
EPOCH_SAMPLES = 60_000  # MNIST's training set, for every model


def step_seconds(batch: int, rate: float, parameter_bytes: int, workers: int, gbit: float) -> tuple[float, float]:
    """``(compute, communication)`` seconds of one step on ``workers`` machines."""
    compute = batch / rate
    if workers == 1:
        return compute, 0.0
    transfer = 2 * (workers - 1) / workers * parameter_bytes * 8 / (gbit * 1e9)
    return compute, transfer + 2 * (workers - 1) * ALPHA_SECONDS


def efficiency_below_half(batch: int, rate: float, parameter_bytes: int, gbit: float) -> int | None:
    """The first worker count (up to 4,096) at which a step spends more time communicating than computing."""
    for workers in range(2, 4097):
        compute, communication = step_seconds(batch, rate, parameter_bytes, workers, gbit)
        if communication >= compute:
            return workers
    return None


def cluster_model(throughput: dict) -> dict:
    """Per model of the throughput benchmark: epoch times for WORKERS x NETWORKS_GBIT, and where scaling stops."""
    from aekit.core.backend import DEFAULT_BACKEND, DENSE_BACKEND

    from .throughput_models import SPECS, keras_model

    models = {}
    for name, summary in throughput["summary"].items():
        backend = DENSE_BACKEND if name == "dense" else DEFAULT_BACKEND
        rate = summary["aekit_samples_per_second"]
        batch = SPECS[name]["batch"]
        parameter_bytes = 4 * keras_model(name).count_params()
        rows = []
        for gbit in NETWORKS_GBIT:
            for workers in WORKERS:
                compute, communication = step_seconds(batch, rate, parameter_bytes, workers, gbit)
                steps = EPOCH_SAMPLES / (batch * workers)
                epoch = steps * (compute + communication)
                rows.append({"network_gbit": gbit, "workers": workers, "step_compute_ms": round(1e3 * compute, 2),
                             "step_allreduce_ms": round(1e3 * communication, 2), "epoch_seconds": round(epoch, 2),
                             "speedup": round(EPOCH_SAMPLES / rate / epoch, 1)})
        models[name] = {"backend": backend, "samples_per_second_one_machine": rate, "batch_per_worker": batch,
                        "parameter_bytes": parameter_bytes, "rows": rows,
                        "workers_at_one_step_per_epoch": EPOCH_SAMPLES // batch,
                        "communication_exceeds_compute_at": {str(g): efficiency_below_half(batch, rate,
                                                                                           parameter_bytes, g)
                                                             for g in NETWORKS_GBIT}}
    return {"assumptions": {"allreduce": "ring, no overlap with computation", "hop_latency_seconds": ALPHA_SECONDS,
                            "epoch_samples": EPOCH_SAMPLES, "scaling": "weak: each worker keeps the batch"},
            "throughput_measured": throughput["date"], "models": models}
