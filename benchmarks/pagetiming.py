"""Timing helpers shared by the page benchmarks: page ready and click-to-focus in Chromium."""
from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # pagesession

from pagesession import Session  # noqa: E402

# Focus a node and wait for the next two frames, i.e. until the focus view is on screen.
FOCUS_MS = """async id => {
  const t0 = performance.now();
  kgView.focus(id);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const ms = performance.now() - t0;
  kgView.overview();
  await new Promise(r => requestAnimationFrame(r));
  return ms;
}"""


def time_page(browser, path: Path, focus_ids: list[str], timeout: float = 300.0) -> dict:
    """Seconds to kgView.ready, click-to-focus ms (p50 and max over `focus_ids`), requests that
    tried to leave file:/data:, console errors."""
    with Session(browser, interval=0.02) as session:
        ready = session.open(path, timeout)
        focus = [session.page.evaluate(FOCUS_MS, i) for i in focus_ids]
        return {"ready": ready, "focus_p50": statistics.median(focus) if focus else None,
                "focus_max": max(focus) if focus else None, "outside": session.requests,
                "errors": session.console_errors()}


def biggest_entities(G, n: int) -> list[str]:
    """The `n` entities with most statements: the heaviest focus views."""
    ents = [v for v, d in G.nodes(data=True) if d.get("type") != "Paper"]
    return sorted(ents, key=lambda v: (-G.degree(v), str(v)))[:n]
