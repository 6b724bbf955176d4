"""The README's one table of headline results: each task against its strongest baseline, from the result files.

Rendered by ``python -m benchmarks.report`` into README.md (``<!-- bench:headline -->``). A row whose result file
is missing is left out; rows where a baseline wins stay in.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

ANOMALY_NAMES = {"knn": "k-NN", "iforest": "IsolationForest", "lof": "LOF", "pyod_ae": "PyOD AutoEncoder",
                 "dte_np": "DTE-NP", "pca": "PCA", "ecod": "ECOD", "deepsvdd": "DeepSVDD", "pyod_vae": "PyOD VAE"}


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _verdict(ours: float, theirs: float, higher_is_better: bool = True) -> str:
    if ours == theirs:
        return "level"
    return "aekit" if (ours > theirs) == higher_is_better else "baseline"


def _representation(result: dict) -> list[tuple]:
    rows = []
    for key, label in (("mnist", "MNIST"), ("fashion_mnist", "Fashion-MNIST")):
        table = {(r["method"], r["latent_dim"]): r for r in result["datasets"][key]["comparison"]}
        ours = next(r for (m, d), r in table.items() if d == 30 and m != "PCA")["squared_error_per_sample"]
        pca = table[("PCA", 30)]["squared_error_per_sample"]
        rows.append(("Reduce to 30 numbers", f"{label} test images, squared error per image", f"{ours:.2f}",
                     f"PCA-30: {pca:.2f}", _verdict(ours, pca, False)))
    return rows


def _anomaly(result: dict) -> list[tuple]:
    rows = []
    for setting, method, what in (("semi", "aekit_novelty", "22 tables, trained on normal rows (`--novelty`)"),
                                  ("unsup", "aekit", "22 tables, trained on rows holding anomalies (defaults)")):
        means = result["settings"][setting]["mean"]
        for metric, name in (("auc_roc", "AUC-ROC"), ("auc_pr", "AUC-PR")):
            if setting == "semi" and metric == "auc_pr":
                continue
            best = max((m for m in means if not m.startswith("aekit")), key=lambda m: means[m][metric])
            ours, theirs = 100 * means[method][metric], 100 * means[best][metric]
            rows.append(("Detect anomalies", f"{what}, mean {name}", f"{ours:.1f}",
                         f"{ANOMALY_NAMES.get(best, best)}: {theirs:.1f}", _verdict(round(ours, 1), round(theirs, 1))))
    semi = result["settings"]["semi"]["mean"]
    best = max((m for m in semi if not m.startswith("aekit")), key=lambda m: semi[m]["auc_roc"])
    rows.append(("Detect anomalies", "the same clean rows at the plain defaults (no `--novelty`), AUC-ROC",
                 f"{100 * semi['aekit']['auc_roc']:.1f}",
                 f"{ANOMALY_NAMES.get(best, best)}: {100 * semi[best]['auc_roc']:.1f}",
                 _verdict(round(semi["aekit"]["auc_roc"], 3), round(semi[best]["auc_roc"], 3))))
    fraud = next(r for r in result["settings"]["semi"]["datasets"] if r["dataset"].startswith("fraud"))["methods"]
    best = max((m for m in fraud if not m.startswith("aekit")), key=lambda m: fraud[m]["auc_roc"])
    rows.append(("Detect anomalies", "credit-card fraud sample (`--normal-only`), AUC-ROC",
                 f"{fraud['aekit_novelty']['auc_roc']:.3f}", f"{ANOMALY_NAMES.get(best, best)}: "
                 f"{fraud[best]['auc_roc']:.3f}", _verdict(round(fraud["aekit_novelty"]["auc_roc"], 3),
                                                          round(fraud[best]["auc_roc"], 3))))
    return rows


def _compression(result: dict) -> list[tuple]:
    rows = []
    for key, label in (("mnist", "MNIST"), ("fashion", "Fashion-MNIST")):
        points = result[key]["goals"]["c_points"]
        above = sum(p["above"] for p in points)
        verdict = "aekit" if above == len(points) else ("baseline" if above == 0 else "mixed")
        rows.append(("Compress images", f"{label}: PSNR at equal bytes, at each JPEG and WebP quality tried",
                     f"higher at {above} of {len(points)}", f"JPEG, WebP: higher at {len(points) - above}", verdict))
    for case in _photo_folders(result):
        ours = sorted(case["aekit"], key=lambda row: row["bytes_per_image"])
        # Below WebP's smallest file (quality 1), that file stands in: WebP cannot spend fewer bytes.
        smallest = min((b for b in case["baselines"] if b["codec"] == "WebP (whole file)"),
                       key=lambda b: b["bytes_per_image"])
        webp = [row["WebP (whole file) PSNR at these bytes"] for row in ours]
        shown = [f"{value:.1f}" if value is not None else
                 f"{smallest['psnr_db']:.1f} (its smallest file, {smallest['bytes_per_image']:.0f} B)"
                 for value in webp]
        webp = [smallest["psnr_db"] if value is None else value for value in webp]
        sizes = " / ".join(f"{row['bytes_per_image']:.0f}" for row in ours)
        rows.append(("Compress images", f"{case['folder']}, unseen photos: PSNR dB at {sizes} B per image",
                     " / ".join(f"{row['psnr_db']:.1f}" for row in ours), "WebP: " + " / ".join(shown),
                     _all_verdict([row["psnr_db"] for row in ours], webp)))
    return rows


def _photo_folders(result: dict) -> list[dict]:
    return (result.get("photos") or {}).get("folders", [])


def _all_verdict(ours: list[float], theirs: list[float]) -> str:
    """One verdict for a row of several points: the winner of all of them, or mixed."""
    verdicts = {_verdict(round(a, 2), round(b, 2)) for a, b in zip(ours, theirs)}
    return verdicts.pop() if len(verdicts) == 1 else "mixed"


def _restoration(result: dict) -> list[tuple]:
    rows = []
    for key, label in (("mnist", "MNIST"), ("fashion", "Fashion-MNIST")):
        noisy = {r["method"]: r["psnr_db_200"] for r in result[key]["denoising"] if r["noise"] == "gaussian 0.3"}
        best = max((m for m in noisy if not m.startswith("aekit") and m != "noisy input"), key=noisy.get)
        rows.append(("Denoise", f"{label}, Gaussian noise 0.3, PSNR dB", f"{noisy['aekit unet']:.1f}",
                     f"{best}: {noisy[best]:.1f}", _verdict(noisy["aekit unet"], noisy[best])))
    sr = {r["method"]: r["psnr_db"] for r in result["mnist"]["super_resolution"] if r["factor"] == 2}
    rows.append(("Upscale", "MNIST x2, PSNR dB", f"{sr['aekit unet']:.1f}", f"bicubic: {sr['bicubic']:.1f}",
                 _verdict(sr["aekit unet"], sr["bicubic"])))
    for case in _photo_folders(result):
        sigmas = sorted({row["sigma"] for row in case["rows"]})
        ours = [next(r["psnr_db"] for r in case["rows"] if r["sigma"] == s and r["method"] == "aekit unet")
                for s in sigmas]
        bm3d = [next(r["psnr_db"] for r in case["rows"] if r["sigma"] == s and "BM3D" in r["method"])
                for s in sigmas]
        name = next(r["method"] for r in case["rows"] if "BM3D" in r["method"])
        rows.append(("Denoise", f"{case['folder']}, unseen photos, Gaussian noise "
                     f"{' / '.join(str(s) for s in sigmas)}, PSNR dB", " / ".join(f"{v:.1f}" for v in ours),
                     f"{name}: " + " / ".join(f"{v:.1f}" for v in bm3d), _all_verdict(ours, bm3d)))
    return rows


def _retrieval(result: dict) -> list[tuple]:
    rows = []
    for key, label in (("mnist", "MNIST"), ("fashion_mnist", "Fashion-MNIST")):
        table = {(r["method"], r["bits"]): r["p_at_100"] for r in result[key]["rows"]}
        ours, itq, lsh = table[("aekit hashing", 32)], table[("PCA-ITQ", 32)], table[("LSH", 32)]
        rows.append(("Hash and search", f"{label}, 32-bit codes, precision@100", f"{ours:.3f}",
                     f"PCA-ITQ: {itq:.3f} (LSH {lsh:.3f})", _verdict(ours, itq)))
    for case in _photo_folders(result):
        table = {row["method"]: row["precision_at_5"] for row in case["rows"]}
        ours, itq, lsh = table["aekit hashing"], table["PCA-ITQ"], table["LSH"]
        rows.append(("Hash and search", f"{case['folder']}, unseen photos, 32-bit codes, precision@5 (same photo)",
                     f"{ours:.3f}", f"PCA-ITQ: {itq:.3f} (LSH {lsh:.3f})", _verdict(ours, itq)))
    return rows


def _generative(result: dict) -> list[tuple]:
    nll = result.get("nll")
    if not nll:
        return []
    name, value = min(nll["published"].items(), key=lambda item: item[1])
    return [("Generate", f"binarised MNIST, test NLL in nats ({nll['training_minutes']:.0f} min on 2 CPU cores)",
             f"{nll['test_nll_nats']:.2f}", f"{name}: {value:.2f} (published)",
             _verdict(nll["test_nll_nats"], value, False))]


def _images(result: dict) -> list[tuple]:
    rows = []
    for case in result["cases"]:
        if "psnr_gain_db" in case and case["case"].startswith("photos-"):
            ours, pca = case["rows"][0]["psnr_db"], case["rows"][1]["psnr_db"]
            seconds = case["rows"][0]["training_seconds"]
            rows.append(("Reduce images", f"{case['case']}, unseen photos, PSNR dB at PCA's code size ({seconds:.0f} s "
                         "of training)", f"{ours:.1f}", f"PCA: {pca:.1f}", _verdict(ours, pca)))
    return rows


def _throughput(result: dict) -> list[tuple]:
    rows = []
    for key, label in (("dense", "784-1000-500-250-30"), ("conv64", "conv, 64x64 images")):
        summary = result["summary"][key]
        torch = next(r["samples_per_second"] for r in result["rows"]
                     if r["model"] == key and r["trainer"] == summary["fastest_torch"])
        rows.append(("Training speed", f"{label}, samples per second on 2 CPU cores",
                     f"{summary['aekit_samples_per_second']:,}", f"PyTorch ({summary['fastest_torch']}): {torch:,}",
                     _verdict(summary["aekit_samples_per_second"], torch)))
    return rows


SOURCES = {"representation": _representation, "images": _images, "anomaly": _anomaly, "compression": _compression,
           "restoration": _restoration, "retrieval": _retrieval, "generative": _generative,
           "throughput": _throughput}


def render(_: dict | None = None) -> str:
    lines = ["| task | measured on | aekit | strongest baseline | ahead |", "|---|---|---:|---|---|"]
    for name, rows_of in SOURCES.items():
        result = _load(name)
        for row in rows_of(result) if result else []:
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)
