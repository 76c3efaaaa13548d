"""Headless Chromium (Debian's /usr/bin/chromium) driving kg.view pages, for tests and benchmarks.

Playwright is not imported here: callers start it (and skip or carry on without a browser
when it is missing) and hand a launched browser to `Session`. The page carries a CSP
without 'unsafe-eval', so conditions are polled with page.evaluate (which the CSP does
not govern) rather than page.wait_for_function (which evaluates strings in the page).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
READY = "!!(window.kgView && window.kgView.ready)"
VIEWPORT = {"width": 1400, "height": 900}


def chromium_available() -> bool:
    """True when CHROMIUM names an executable file."""
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def launch(pw):
    """Launch CHROMIUM headless from a started Playwright (``sync_playwright()``)."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)


class Session:
    """A page with everything it logs, requests and pops up recorded.

    Requests other than file: and data: are aborted and listed in `requests`.
    """

    def __init__(self, browser, interval: float = 0.05):
        self.interval = interval
        self.page = browser.new_page(viewport=VIEWPORT)
        self.console, self.errors, self.requests, self.dialogs = [], [], [], []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.page.close()

    def _dialog(self, d):
        self.dialogs.append(d.message)
        d.dismiss()

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def open(self, path: Path, timeout: float = 60.0, fragment: str = "") -> float:
        """Load `path` as file:// (with `#fragment`) and return the seconds until kgView.ready."""
        t0 = time.perf_counter()
        self.page.goto(path.resolve().as_uri() + (f"#{fragment}" if fragment else ""))
        self.wait(READY, timeout)
        return time.perf_counter() - t0

    def wait(self, expr: str, timeout: float = 10.0):
        """Poll `expr` until it is truthy and return its value; AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.page.evaluate(expr)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expr}")
            time.sleep(self.interval)

    def js(self, expr: str, *args):
        return self.page.evaluate(expr, *args)

    def console_errors(self):
        return [t for kind, t in self.console if kind == "error"] + self.errors

    def _node_xy(self, node_id: str) -> tuple[float, float]:
        box = self.page.locator("#kg-stage").bounding_box()
        pos = self.js("id => { const n = kgView.activeNetwork(), i = kgView.indexOf(id);"
                      " return n.canvasToDOM(n.getPositions([i])[i]); }", node_id)
        return box["x"] + pos["x"], box["y"] + pos["y"]

    def click_node(self, node_id: str):
        self.page.mouse.click(*self._node_xy(node_id))

    def hover_node(self, node_id: str):
        x, y = self._node_xy(node_id)
        self.page.mouse.move(x - 5, y - 5)
        self.page.mouse.move(x, y, steps=3)

    def label_overlaps(self) -> list:
        """Pairs of overview labels drawn in the last frame whose ink boxes overlap. The boxes are
        measured here, with a canvas of our own, from the text, font and position drawn."""
        return self.js("""() => {
          const ctx = document.createElement('canvas').getContext('2d');
          const boxes = kgView.drawnLabels().map(l => {
            ctx.font = l.font; const m = ctx.measureText(l.text);
            return { t: l.text, l: l.x - m.width / 2, r: l.x + m.width / 2,
                     top: l.y - m.actualBoundingBoxAscent, bottom: l.y + m.actualBoundingBoxDescent };
          });
          const out = [];
          for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.l < b.r && b.l < a.r && a.top < b.bottom && b.top < a.bottom) out.push([a.t, b.t]);
          }
          return out;
        }""")

    def assert_clean(self):
        assert self.console_errors() == []
        assert self.requests == []
        assert self.dialogs == []
