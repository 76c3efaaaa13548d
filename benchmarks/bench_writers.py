"""Each exporter on its own, on the same graph: seconds, ratio to Turtle, file size, peak rise.

    python benchmarks/bench_writers.py                    # 5k synthetic abstracts
    python benchmarks/bench_writers.py --size 20000 --formats ttl,nt,jsonld,graphml,html

The graph is built once (synthetic corpus from benchmarks/synth_corpus.py, cached in --data,
`--workers 2` extraction); then every writer runs alone, as `kg build --formats X` would run it,
so each one pays for making its own triples (in `kg build` Turtle, N-Triples and JSON-LD share
that pass: see bench_build.py's per-format table). "peak rise MB" is ru_maxrss after the writer
minus before it (writers run in the order given, so a later one only shows memory beyond the
peak of those before).
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=5000)
    ap.add_argument("--formats", default="ttl,nt,jsonld,graphml")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("KG_BENCH_DATA", "/tmp/kg-bench")))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    from bench_build import corpus

    from kg.export import get_exporter
    from kg.pipeline import build

    args.data.mkdir(parents=True, exist_ok=True)
    G = build([corpus(args.size, args.data, args.seed)], workers=2)
    out = args.data / f"writers-{args.size}"
    out.mkdir(exist_ok=True)
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # noqa: E731
    rows = []
    for name in [f for f in args.formats.split(",") if f]:
        exp = get_exporter(name)
        before = peak()
        start = time.perf_counter()
        exp(G, out / exp.filename)
        rows.append((exp.name, time.perf_counter() - start, (out / exp.filename).stat().st_size / 1e6, peak() - before))
    turtle = next((sec for n, sec, _, _ in rows if n == "turtle"), None)
    print(f"# {args.size} synthetic abstracts: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges; "
          f"load average {os.getloadavg()[0]:.1f}")
    head = ("format", "seconds", "x turtle", "MB written", "peak rise MB")
    lines = [head] + [(n, f"{s:.2f}", f"{s / turtle:.2f}" if turtle else "-", f"{mb:,.0f}", f"{rise:,.0f}")
                      for n, s, mb, rise in rows]
    widths = [max(len(r[i]) for r in lines) for i in range(len(head))]
    for i, r in enumerate(lines):
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    main()
