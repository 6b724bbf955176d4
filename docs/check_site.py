"""Open every page of the built documentation in headless Chromium and fail on what a reader would hit.

    python docs/check_site.py docs/_build/html [--screenshots DIR]      # make docs-check

It serves the folder on localhost, starts at index.html and follows every internal link. It fails on: a link to
a page or file that is missing, a link to an anchor that the page does not have, an image that does not load,
a page whose main content is empty, and a JavaScript error. With ``--screenshots`` it keeps a picture of the
home page and of one guide, for review. Chromium comes from the system (Debian's ``chromium`` package, or the
``CHROMIUM`` environment variable): playwright drives it, and downloads nothing.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urldefrag, urlparse

SCREENSHOTS = {"home.png": "index.html", "guide.png": "guides/detect-anomalies.html"}
# Chromium, as root in a sandboxed machine with no network: no sandbox, no GPU, no calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the report lists what failed; the access log would bury it
        pass


PAGE_FACTS = """() => ({
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
    images: [...document.querySelectorAll('img')].map(i => ({src: i.currentSrc || i.src,
                                                             ok: i.complete && i.naturalWidth > 0})),
    text: (document.querySelector('article') || document.body).innerText.trim().length,
})"""


def check(folder: Path, screenshots: Path | None = None, chromium: str | None = None) -> list[str]:
    """Every problem found on the site built in ``folder`` (an empty list when there is none)."""
    from playwright.sync_api import sync_playwright

    chromium = chromium or find_chromium()
    if chromium is None:
        return ["no Chromium found: install Debian's chromium package or set CHROMIUM=/path/to/chromium"]
    server, base = _serve(folder)
    problems: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            todo, seen, anchors, ids = ["index.html"], set(), [], {}
            while todo:
                path = todo.pop()
                if path in seen:
                    continue
                seen.add(path)
                errors.clear()
                response = page.goto(base + path, wait_until="load")
                if response is None or response.status != 200:
                    problems.append(f"{path}: HTTP {None if response is None else response.status}")
                    continue
                if not path.endswith(".html"):
                    continue
                facts = page.evaluate(PAGE_FACTS)
                ids[path] = set(facts["ids"])
                if facts["text"] < 50:
                    problems.append(f"{path}: the page's main content is empty")
                problems += [f"{path}: image does not load: {image['src'].removeprefix(base)}"
                             for image in facts["images"] if not image["ok"]]
                problems += [f"{path}: JavaScript error: {error}" for error in errors]
                for link in facts["links"]:
                    if not link.startswith(base):
                        continue  # external: not reachable from a closed machine, and not the site's to break
                    target, fragment = urldefrag(link)
                    target_path = urlparse(target).path.lstrip("/") or "index.html"
                    if target_path.endswith("/"):
                        target_path += "index.html"
                    todo.append(target_path)
                    if fragment:
                        anchors.append((path, target_path, fragment))
            for source, target, fragment in anchors:
                if target in ids and fragment not in ids[target]:
                    problems.append(f"{source}: link to a missing anchor {target}#{fragment}")
            if screenshots is not None:
                screenshots.mkdir(parents=True, exist_ok=True)
                for name, path in SCREENSHOTS.items():
                    page.goto(base + path, wait_until="load")
                    page.screenshot(path=str(screenshots / name))
            browser.close()
    finally:
        server.shutdown()
    return sorted(set(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built HTML folder (docs/_build/html)")
    parser.add_argument("--screenshots", type=Path, help="keep a screenshot of the home page and a guide here")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site} has no index.html: build the site first (make docs)", file=sys.stderr)
        return 2
    problems = check(args.site, args.screenshots)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{'FAILED' if problems else 'OK'}: {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
