"""Benchmark the graph page on synthetic graphs: write time, page ready and click-to-focus.

    python benchmarks/bench_view.py 500 2000 20000 [--max-nodes 1500] [--out DIR] [--no-browser]

For each paper count: build the synthetic graph of benchmarks/synth_rdf.py (GRAPH_CONTRACT.md
shape, Zipf-like entity popularity), write the page, open it as file:// in Debian's Chromium,
wait for `kgView.ready` (overview drawn, labels placed), then focus the 10 entities with most
statements one after the other and time each until the focus view is on screen (two frames).
Prints a table. Targets: ready < 3 s at 20k papers, focus < 200 ms.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # pagesession
sys.path.insert(0, str(ROOT / "benchmarks"))  # synth_rdf, pagetiming
sys.path.insert(0, str(ROOT))

from pagesession import chromium_available, launch  # noqa: E402
from pagetiming import biggest_entities, time_page  # noqa: E402
from synth_rdf import synthetic_graph  # noqa: E402

from kg.view import write_html  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("papers", nargs="*", type=int, default=[500, 2000, 20000])
    ap.add_argument("--max-nodes", type=int, default=1500)
    ap.add_argument("--out", type=Path, default=None, help="keep the pages in this folder")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_view."))
    out.mkdir(parents=True, exist_ok=True)

    browser = pw_ctx = None
    if not args.no_browser and chromium_available():
        from playwright.sync_api import sync_playwright

        pw_ctx = sync_playwright().start()
        browser = launch(pw_ctx)

    header = (f"{'papers':>7} {'statements':>10} {'entities':>8} {'page MB':>7} {'write s':>7} {'ready s':>7} "
              f"{'focus p50 ms':>12} {'focus max ms':>12}")
    print(header)
    print("-" * len(header))
    try:
        for n in args.papers:
            G = synthetic_graph(n)
            path = out / f"view_{n}.html"
            t0 = time.perf_counter()
            counts = write_html(G, path, max_nodes=args.max_nodes)
            write = time.perf_counter() - t0
            ready = p50 = mx = "-"
            if browser is not None:
                t = time_page(browser, path, biggest_entities(G, 10))
                ready, p50, mx = f"{t['ready']:.2f}", f"{t['focus_p50']:.0f}", f"{t['focus_max']:.0f}"
                if t["outside"] or t["errors"]:
                    ready += " !"
                    print(f"!! requests {t['outside'][:3]} errors {t['errors'][:3]}", file=sys.stderr)
            mb = path.stat().st_size / 1e6
            print(f"{n:>7} {G.number_of_edges():>10} {counts['entities']:>8} {mb:>7.2f} {write:>7.2f} {ready:>7} {p50:>12} {mx:>12}")
    finally:
        if browser is not None:
            browser.close()
        if pw_ctx is not None:
            pw_ctx.stop()
    print(f"pages in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
