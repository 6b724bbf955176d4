"""A standalone interactive HTML map: one file, no external JavaScript; hover a point to see its sample.

Images travel as one base64 PNG sprite sheet (a few MB for 10,000 MNIST digits) rather than one
data URI per point, which keeps the file small and the page fast; tables show the row's first values.
"""

from __future__ import annotations

import base64
import html
import json

import numpy as np

from ...core.atomic import atomic_write_text
from ._common import label_colours, png_bytes, sprite, to_uint8_images

THUMBNAIL_PIXELS = 96  # hover thumbnails are drawn about this wide
SPRITE_MAX_SIDE = 48  # larger images are shrunk to this before going into the sprite
TABLE_VALUES_SHOWN = 10


def write_html(coordinates: np.ndarray, labels, index: np.ndarray, samples, path, title: str = "2-D map") -> None:
    """Write the map; ``samples`` are the points' original images ``(n, h, w, c)`` or table rows, or None."""
    xy = np.asarray(coordinates, dtype=np.float64)
    low, span = xy.min(axis=0), np.ptp(xy, axis=0)
    unit = (xy - low) / np.where(span > 0, span, 1.0)
    data = {"x": np.round(unit[:, 0], 4).tolist(), "y": np.round(unit[:, 1], 4).tolist(),
            "index": np.asarray(index).tolist(), **_colours(labels, len(xy)), **_samples(samples)}
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    atomic_write_text(path, _PAGE.replace("__TITLE__", html.escape(title)).replace("__DATA__", payload))


def _colours(labels, n: int) -> dict:

    if labels is None:
        return {"names": ["samples"], "palette": ["#1f77b4"], "group": [0] * n, "labels": None}
    from matplotlib.colors import to_hex

    groups = label_colours(labels)
    if groups is not None:
        values, inverse, palette = groups
        return {"names": [str(v) for v in values], "palette": [to_hex(c) for c in palette],
                "group": inverse.tolist(), "labels": [str(v) for v in labels]}
    # Continuous labels: 8 quantile bins of the viridis map, so the legend still reads as ranges.
    from ...core.plots import colormap

    values = np.asarray(labels, dtype=np.float64)
    edges = np.unique(np.quantile(values, np.linspace(0, 1, 9)))
    group = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, max(len(edges) - 2, 0))
    cmap = colormap("viridis")
    count = max(len(edges) - 1, 1)
    return {"names": [f"{edges[i]:.3g} to {edges[min(i + 1, len(edges) - 1)]:.3g}" for i in range(count)],
            "palette": [to_hex(cmap(i / max(count - 1, 1))) for i in range(count)], "group": group.tolist(),
            "labels": [f"{v:.4g}" for v in values]}


def _samples(samples) -> dict:
    if samples is None:
        return {"sprite": None, "rows": None}
    samples = np.asarray(samples)
    if samples.ndim == 4:
        images = to_uint8_images(samples)
        h, w = images.shape[1:3]
        if max(h, w) > SPRITE_MAX_SIDE:
            images = _shrink(images, SPRITE_MAX_SIDE / max(h, w))
            h, w = images.shape[1:3]
        sheet = sprite(images)
        cols = sheet.shape[1] // w
        scale = max(1, round(THUMBNAIL_PIXELS / max(h, w)))
        encoded = base64.b64encode(png_bytes(sheet)).decode("ascii")
        return {"sprite": {"uri": "data:image/png;base64," + encoded, "h": h, "w": w, "cols": cols,
                           "scale": scale, "sheet": [sheet.shape[1], sheet.shape[0]]}, "rows": None}
    flat = samples.reshape(len(samples), -1)[:, :TABLE_VALUES_SHOWN]
    return {"sprite": None, "rows": np.round(flat.astype(np.float64), 4).tolist()}


def _shrink(images: np.ndarray, factor: float) -> np.ndarray:
    from PIL import Image

    h, w = images.shape[1:3]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    out = [np.asarray(Image.fromarray(im[..., 0] if im.shape[-1] == 1 else im).resize(size, Image.Resampling.BILINEAR))
           for im in images]
    stacked = np.stack(out)
    return stacked[..., None] if stacked.ndim == 3 else stacked


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{font-family:system-ui,sans-serif;margin:16px;color:#222}
#wrap{position:relative;display:inline-block}
canvas{border:1px solid #ccc;cursor:crosshair}
#tip{position:absolute;pointer-events:none;background:#fff;border:1px solid #888;padding:4px 6px;font-size:12px;
display:none;box-shadow:0 1px 5px rgba(0,0,0,.3);white-space:pre}
#thumb{image-rendering:pixelated;background-repeat:no-repeat;margin-bottom:3px}
#legend span{display:inline-block;margin:0 12px 4px 0;cursor:pointer;user-select:none}
#legend span.off{opacity:.3}
#legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
</style></head><body>
<h3>__TITLE__</h3>
<div id="legend"></div>
<div id="wrap"><canvas id="map" width="820" height="720"></canvas>
<div id="tip"><div id="thumb"></div><div id="text"></div></div></div>
<p style="font-size:12px;color:#666">Hover a point to see its sample; click a legend entry to hide or show it.</p>
<script>
const D = __DATA__;
const canvas = document.getElementById("map"), ctx = canvas.getContext("2d");
const tip = document.getElementById("tip"), thumb = document.getElementById("thumb"),
      text = document.getElementById("text"), legend = document.getElementById("legend");
const M = 14, W = canvas.width - 2 * M, H = canvas.height - 2 * M, R = D.x.length > 5000 ? 2 : 3;
const px = D.x.map(v => M + v * W), py = D.y.map(v => M + (1 - v) * H);
const hidden = new Set();
function draw() {
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < px.length; i++) {
    if (hidden.has(D.group[i])) continue;
    ctx.fillStyle = D.palette[D.group[i]];
    ctx.globalAlpha = 0.75;
    ctx.beginPath(); ctx.arc(px[i], py[i], R, 0, 2 * Math.PI); ctx.fill();
  }
  ctx.globalAlpha = 1;
}
D.names.forEach((name, g) => {
  const s = document.createElement("span");
  s.innerHTML = '<i style="background:' + D.palette[g] + '"></i>';
  s.appendChild(document.createTextNode(name));
  s.onclick = () => { hidden.has(g) ? hidden.delete(g) : hidden.add(g); s.classList.toggle("off"); draw(); };
  legend.appendChild(s);
});
if (D.sprite) {
  const s = D.sprite;
  thumb.style.width = s.w * s.scale + "px"; thumb.style.height = s.h * s.scale + "px";
  thumb.style.backgroundImage = "url(" + s.uri + ")";
  thumb.style.backgroundSize = s.sheet[0] * s.scale + "px " + s.sheet[1] * s.scale + "px";
} else { thumb.style.display = "none"; }
canvas.addEventListener("mousemove", e => {
  const r = canvas.getBoundingClientRect(), mx = e.clientX - r.left, my = e.clientY - r.top;
  let best = -1, bestD = 100;  // only points within 10 px
  for (let i = 0; i < px.length; i++) {
    if (hidden.has(D.group[i])) continue;
    const d = (px[i] - mx) ** 2 + (py[i] - my) ** 2;
    if (d < bestD) { bestD = d; best = i; }
  }
  if (best < 0) { tip.style.display = "none"; return; }
  if (D.sprite) {
    const s = D.sprite, col = best % s.cols, row = Math.floor(best / s.cols);
    thumb.style.backgroundPosition = -col * s.w * s.scale + "px " + -row * s.h * s.scale + "px";
  }
  let t = "sample " + D.index[best] + (D.labels ? "\\nlabel " + D.labels[best] : "");
  if (D.rows) t += "\\n" + D.rows[best].map((v, j) => "x" + j + " = " + v).join("\\n");
  text.textContent = t;
  tip.style.display = "block";
  tip.style.left = Math.min(mx + 14, canvas.width - tip.offsetWidth) + "px";
  tip.style.top = Math.min(my + 14, canvas.height - tip.offsetHeight) + "px";
});
canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; });
draw();
</script></body></html>
"""
