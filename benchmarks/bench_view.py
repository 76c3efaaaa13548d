"""Benchmark kg.view.write_html and the page's load time in headless Chromium.

    python benchmarks/bench_view.py 500 2000 20000 [--max-nodes 1500] [--out DIR] [--no-browser]

For each paper count: build the synthetic graph of benchmarks/synth_rdf.py (GRAPH_CONTRACT.md
shape, Zipf-like entity popularity), write the page, open it as file:// in Debian's Chromium and
wait for `kgView.ready` (layout stabilised, physics off). Prints a table.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # pagesession
sys.path.insert(0, str(ROOT / "benchmarks"))  # synth_rdf
sys.path.insert(0, str(ROOT))

from pagesession import Session, chromium_available, launch  # noqa: E402
from synth_rdf import synthetic_graph  # noqa: E402

from kg.view import write_html  # noqa: E402


def time_ready(browser, path: Path, timeout: float = 300.0) -> tuple[float, list[str]]:
    """Seconds from navigation to kgView.ready, and the requests that tried to leave file:/data:."""
    with Session(browser, interval=0.02) as session:
        return session.open(path, timeout), session.requests


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("papers", nargs="*", type=int, default=[500, 2000, 20000])
    ap.add_argument("--max-nodes", type=int, default=1500)
    ap.add_argument("--out", type=Path, default=None, help="keep the pages in this folder")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_view."))

    browser = pw_ctx = None
    if not args.no_browser and chromium_available():
        try:
            from playwright.sync_api import sync_playwright

            pw_ctx = sync_playwright().start()
            browser = launch(pw_ctx)
        except Exception as exc:  # pragma: no cover
            print(f"(no browser timing: {exc})", file=sys.stderr)

    header = f"{'papers':>7} {'graph nodes':>11} {'statements':>10} {'nodes':>6} {'edges':>6} {'page MB':>7} {'build s':>7} {'write s':>7} {'ready s':>7}"
    print(header)
    print("-" * len(header))
    try:
        for n in args.papers:
            t0 = time.perf_counter()
            G = synthetic_graph(n)
            build = time.perf_counter() - t0
            path = out / f"view_{n}.html"
            t0 = time.perf_counter()
            counts = write_html(G, path, max_nodes=args.max_nodes)
            write = time.perf_counter() - t0
            ready = "-"
            if browser is not None:
                secs, outside = time_ready(browser, path)
                ready = f"{secs:7.2f}" + (" !net" if outside else "")
            mb = path.stat().st_size / 1e6
            print(f"{n:>7} {G.number_of_nodes():>11} {G.number_of_edges():>10} {counts['nodes']:>6} "
                  f"{counts['edges']:>6} {mb:>7.2f} {build:>7.2f} {write:>7.2f} {ready:>7}")
    finally:
        if browser is not None:
            browser.close()
        if pw_ctx is not None:
            pw_ctx.stop()
    print(f"pages in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
