"""Benchmark the graph page on the real corpus, and every analytics function.

    python benchmarks/bench_corpus_page.py [--corpus ../shared/corpus] [--runs 5] [--out DIR]
                                           [--max-nodes 1500] [--no-browser] [--no-analytics]
                                           [--screenshots docs/img]

Builds the corpus graph, writes the page with kg.view.write_html, opens it as file://
in headless Chromium (Debian's /usr/bin/chromium) `--runs` times in fresh pages, times until
`kgView.ready` (overview drawn, labels placed) and click-to-focus on the 10 entities with most
statements (until the focus view is on screen). Prints a table: nodes, page MB, write s, ready
p50 / max (target 2 s) and focus p50 / max (target 200 ms). `--screenshots DIR` saves the
overview, ImageNet focused and a paper's panel (1400x900 PNGs) for docs/view.md and the
README. Then times each kg.analytics function once on the corpus graph (target: 2 s each).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # pagesession
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))  # pagetiming
from pagesession import Session, chromium_available, launch  # noqa: E402
from pagetiming import biggest_entities, time_page  # noqa: E402

import kg  # noqa: E402
from kg.view import write_html  # noqa: E402

READY_TARGET_S = 2.0
FOCUS_TARGET_MS = 200.0
ANALYTICS_TARGET_S = 2.0


def _save_png(session, png: Path) -> None:
    png.parent.mkdir(parents=True, exist_ok=True)
    session.page.screenshot(path=str(png))
    try:  # 256-colour palette: a third of the size, no visible loss on a flat UI
        from PIL import Image

        with Image.open(png) as im:
            small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(png, optimize=True)
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        pass
    print(f"screenshot: {png} ({png.stat().st_size / 1e3:.0f} KB)")


def screenshots(browser, G, page: Path, folder: Path) -> None:
    """The docs pictures: the overview as it opens, ImageNet focused, and the panel of the
    ImageNet paper whose abstract has most highlighted sentences."""
    with Session(browser) as session:
        session.open(page, timeout=120)
        _save_png(session, folder / "view-overview.png")
        session.js("kgView.search('ImageNet')")
        session.page.wait_for_timeout(300)
        _save_png(session, folder / "view-focus.png")
        papers = {d["paper"] for u, v, d in G.edges(data=True) if "dataset/imagenet" in (u, v)}
        best = max(sorted(papers), key=lambda p: sum(1 for *_, d in G.out_edges(p, data=True) if d.get("start", -1) >= 0))
        session.js("id => kgView.focus(id)", best)
        session.page.wait_for_timeout(300)
        _save_png(session, folder / "view-paper.png")
        assert session.console_errors() == [] and session.requests == []


def analytics_calls(G):
    from kg import analytics as A

    method = A.top_entities(G, "Method", n=1)["id"].iloc[0]
    winner = A.method_wins(G, n=1)["id"].iloc[0]
    paper = next(n for n, d in G.nodes(data=True) if d.get("type") == "Paper")
    plots = Path(tempfile.mkdtemp(prefix="bench_plots."))
    return {
        "counts_by_type": lambda: A.counts_by_type(G),
        "relations_by_predicate": lambda: A.relations_by_predicate(G),
        "top_entities": lambda: A.top_entities(G, "Dataset", n=10, by="pagerank"),
        "method_wins": lambda: A.method_wins(G),
        "outperforms_pagerank": lambda: A.outperforms_pagerank(G),
        "co_usage": lambda: A.co_usage(G, "Dataset"),
        "co_usage_table": lambda: A.co_usage_table(G, "Method", "Dataset"),
        "communities": lambda: A.communities(G),
        "lineage": lambda: A.lineage(G, winner),
        "lineage_graph": lambda: A.lineage_graph(G, winner),
        "contradictions": lambda: A.contradictions(G),
        "similar_papers": lambda: A.similar_papers(G, paper),
        "similar_entities": lambda: A.similar_entities(G, method),
        "research_gaps": lambda: A.research_gaps(G, "Method", "Dataset", top=30, n=None),
        "find_node": lambda: A.find_node(G, "ImageNet"),
        "summary_text": lambda: A.summary_text(G),
        "write_plots": lambda: A.write_plots(G, plots),
        "paper_entity_graph": lambda: A.paper_entity_graph(G),
        "outperforms_graph": lambda: A.outperforms_graph(G),
    }


def bench_analytics(G) -> bool:
    from kg import analytics as A

    calls = analytics_calls(G)
    missing = set(A.__all__) - set(calls)
    print(f"\n{'analytics function':<24} {'seconds':>8}  result")
    print("-" * 60)
    worst = 0.0
    for name, call in calls.items():
        t0 = time.perf_counter()
        result = call()
        secs = time.perf_counter() - t0
        worst = max(worst, secs)
        shape = (f"{len(result)} rows" if hasattr(result, "columns")
                 else f"{result.number_of_nodes()} nodes, {result.number_of_edges()} edges" if hasattr(result, "number_of_nodes")
                 else f"{len(result)} items" if isinstance(result, list) else type(result).__name__)
        flag = "" if secs <= ANALYTICS_TARGET_S else "  OVER TARGET"
        print(f"{name:<24} {secs:>8.3f}  {shape}{flag}")
    if missing:
        print(f"(not timed: {sorted(missing)})")
    print(f"slowest {worst:.3f}s (target {ANALYTICS_TARGET_S:.0f}s each)")
    return worst <= ANALYTICS_TARGET_S


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--max-nodes", type=int, default=1500)
    ap.add_argument("--out", type=Path, default=None, help="keep the page in this folder")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-analytics", action="store_true")
    ap.add_argument("--screenshots", type=Path, default=None,
                    help="also save the overview, a focused entity and a paper panel as PNGs in this folder")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_corpus."))
    out.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    G = kg.build_graph([args.corpus])
    build = time.perf_counter() - t0
    path = out / "graph.html"
    t0 = time.perf_counter()
    counts = write_html(G, path, max_nodes=args.max_nodes)
    write = time.perf_counter() - t0
    mb = path.stat().st_size / 1e6
    print(f"corpus graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} statements, built in {build:.2f}s")

    ready: list[float] = []
    focus: list[float] = []
    outside: list[str] = []
    errors: list[str] = []
    if not args.no_browser and chromium_available():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = launch(pw)
            try:
                for _ in range(args.runs):
                    t = time_page(browser, path, biggest_entities(G, 10))
                    ready.append(t["ready"])
                    focus += [t["focus_p50"], t["focus_max"]]
                    outside += t["outside"]
                    errors += t["errors"]
                if args.screenshots:
                    screenshots(browser, G, path, args.screenshots)
            finally:
                browser.close()

    header = (f"{'nodes':>6} {'entities':>8} {'statements':>10} {'page MB':>7} {'write s':>7} {'ready p50':>9} "
              f"{'ready max':>9} {'focus p50 ms':>12} {'focus max ms':>12}")
    print(header)
    print("-" * len(header))
    cell = lambda xs, f: f.format(statistics.median(xs)) if xs else "-"  # noqa: E731
    print(f"{counts['nodes']:>6} {counts['entities']:>8} {counts['statements']:>10} {mb:>7.2f} {write:>7.2f} "
          f"{cell(ready, '{:.2f}'):>9} {(f'{max(ready):.2f}' if ready else '-'):>9} "
          f"{cell(focus[0::2], '{:.0f}'):>12} {(f'{max(focus):.0f}' if focus else '-'):>12}")
    if ready:
        print(f"runs: {', '.join(f'{s:.2f}' for s in ready)}s; targets ready {READY_TARGET_S:.0f}s, focus "
              f"{FOCUS_TARGET_MS:.0f}ms: {'met' if max(ready) <= READY_TARGET_S and max(focus) <= FOCUS_TARGET_MS else 'MISSED'}")
    if outside:
        print(f"!! requests outside file:/data: {outside[:5]}")
    if errors:
        print(f"!! console errors: {errors[:5]}")
    print(f"page: {path}")

    ok = not outside and not errors and (not ready or (max(ready) <= READY_TARGET_S and max(focus) <= FOCUS_TARGET_MS))
    if not args.no_analytics:
        ok = bench_analytics(G) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
