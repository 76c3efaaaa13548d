"""Build benchmark: throughput per stage and peak memory, on synthetic corpora.

    python benchmarks/bench_build.py                          # 10k and 100k abstracts, 1 and 2 workers
    python benchmarks/bench_build.py --sizes 20000 --workers 1    # the README's 20k row
    python benchmarks/bench_build.py --sizes 1000000 --workers 2
    python benchmarks/bench_build.py --sizes 10000 --formats ttl,nt

Corpora come from benchmarks/synth_corpus.py (cached in --data, default /tmp/kg-bench). Every
configuration runs in a fresh child process that does what `kg build --workers N --formats
FORMATS` does (read + de-duplicate, extract, resolve, graph, build state, export with the
streaming Turtle/N-Triples/JSON-LD pass), and reports seconds per stage and the peak resident
memory (ru_maxrss) of the build process and of its worker processes; with 2 or more workers,
GraphML and the page are written by a forked process beside the RDF pass, as `kg build` does,
and "peak MB" adds that process's private memory at most (its pages not shared with the build
process; the two run at once). Throughput is abstracts
(input records) per second. The default formats are those of `kg build`: every registered
exporter (ttl, nt, jsonld, graphml, html). A second table gives each format's share: seconds,
share of the export time (of the sum of the formats' seconds), and how much that writer raised
the build's peak memory (ru_maxrss after it minus before it; 0 when it fits in memory the build
already used; for a format written by the forked process, how much it raised that process's
private memory). "triples" is making
the triples of the shared Turtle/N-Triples/JSON-LD pass, counted once for the three. A third
table gives the build process's peak memory at the end of each stage, so the stage that sets the
peak shows.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def _human(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def corpus(size: int, data: Path, seed: int) -> Path:
    from synth_corpus import write_corpus

    path = data / f"synth-{_human(size)}-s{seed}.jsonl"
    if not path.exists():
        start = time.perf_counter()
        write_corpus(size, path, seed)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.0f} s",
              file=sys.stderr)
    return path


def child(path: Path, workers: int, formats: list[str], extractor: str, state: bool, out: Path) -> dict:
    """One configuration, in this (fresh) process."""
    from kg.export.stream import export_streaming
    from kg.pipeline import BuildReport, build

    report = BuildReport()
    G = build([path], workers=workers, extractor=extractor, report=report, state_dir=out if state else None)
    timings: dict[str, float] = {}
    peaks: dict[str, float] = {}
    start = time.perf_counter()
    export_streaming(G, out, formats, timings, peaks, processes=workers)  # as kg build --workers N
    export_wall = time.perf_counter() - start
    forked_mb = peaks.pop("export process", None) or 0  # the forked writer's private memory, beside this one
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "records": report.papers_read, "papers": report.papers_read - report.duplicates_merged,
        "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
        "seconds": report.seconds, "export": timings, "export_wall": export_wall, "export_peak_mb": peaks,
        "stage_peak_mb": report.peak_mb, "peak_mb": self_kb / 1024 + forked_mb,
        "worker_peak_mb": kids_kb / 1024,
    }


def run_config(path: Path, workers: int, args) -> dict:
    out = args.data / f"out-{path.stem}-w{workers}"
    cmd = [sys.executable, __file__, "--child", str(path), "--workers", str(workers), "--formats", args.formats,
           "--extractor", args.extractor, "--out", str(out)] + (["--state"] if args.state else [])
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1], "wall": wall}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def table(rows: list[tuple[int, int, dict]]) -> str:
    head = ("abstracts", "workers", "read/s", "extract/s", "per proc/s", "resolve/s", "graph/s", "export/s",
            "build+export s", "wall s", "peak MB", "worker MB", "nodes", "edges")
    lines = [head]
    for size, workers, r in rows:
        if "error" in r:
            lines.append((_human(size), str(workers), "error: " + r["error"][:80]) + ("",) * (len(head) - 3))
            continue
        n, s = r["records"], r["seconds"]
        export_s = r.get("export_wall") or sum(r["export"].values())
        rate = lambda sec: f"{n / sec:,.0f}" if sec > 0 else "-"  # noqa: E731
        total = sum(s.values()) + export_s
        lines.append((
            _human(size), str(workers), rate(s["read"]), rate(s["extract"]), rate(s["extract"] * workers),
            rate(s["resolve"]), rate(s["graph"]), rate(export_s), f"{total:.1f}", f"{r['wall']:.1f}",
            f"{r['peak_mb']:,.0f}", f"{r['worker_peak_mb']:,.0f}" if workers > 1 else "-",
            f"{r['nodes']:,}", f"{r['edges']:,}",
        ))
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    fmt = lambda row: "  ".join(c.rjust(w) for c, w in zip(row, widths))  # noqa: E731
    return "\n".join([fmt(lines[0]), fmt(tuple("-" * w for w in widths))] + [fmt(r) for r in lines[1:]])


def format_table(rows: list[tuple[int, int, dict]]) -> str:
    """Each export step's seconds, share of the export time, and rise of the peak memory."""
    head = ("abstracts", "workers", "format", "seconds", "share of export", "peak rise MB")
    lines = [head]
    for size, workers, r in rows:
        if "error" in r:
            continue
        total = sum(r["export"].values()) or 1.0
        for name, sec in r["export"].items():
            rise = r.get("export_peak_mb", {}).get(name)
            lines.append((_human(size), str(workers), name, f"{sec:.1f}", f"{100 * sec / total:.0f}%",
                          "-" if rise is None else f"{rise:,.0f}"))
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    fmt = lambda row: "  ".join(c.rjust(w) for c, w in zip(row, widths))  # noqa: E731
    return "\n".join([fmt(lines[0]), fmt(tuple("-" * w for w in widths))] + [fmt(r) for r in lines[1:]])


def memory_table(rows: list[tuple[int, int, dict]]) -> str:
    """The build process's peak resident memory (MB) at the end of each stage, then after the export."""
    stages: list[str] = []
    for _, _, r in rows:
        stages += [s for s in r.get("stage_peak_mb", {}) if s not in stages]
    head = ("abstracts", "workers", *stages, "export")
    lines = [head]
    for size, workers, r in rows:
        if "error" in r:
            continue
        got = r.get("stage_peak_mb", {})
        lines.append((_human(size), str(workers), *(f"{got[s]:,.0f}" if s in got else "-" for s in stages),
                      f"{r['peak_mb']:,.0f}"))
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    fmt = lambda row: "  ".join(c.rjust(w) for c, w in zip(row, widths))  # noqa: E731
    return "\n".join([fmt(lines[0]), fmt(tuple("-" * w for w in widths))] + [fmt(r) for r in lines[1:]])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="Comma-separated corpus sizes (abstracts).")
    ap.add_argument("--workers", default="1,2", help="Comma-separated worker counts.")
    ap.add_argument("--formats", default=None, help="Export formats (default: every registered one, as kg build).")
    ap.add_argument("--extractor", default="rules")
    ap.add_argument("--state", action="store_true", help="Also write the --update state (as `kg build` does by default).")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("KG_BENCH_DATA", "/tmp/kg-bench")))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.formats is None:
        from kg.export import exporters

        args.formats = ",".join(exporters())
    if args.child:
        result = child(args.child, int(args.workers), [f for f in args.formats.split(",") if f], args.extractor,
                       args.state, args.out)
        print(json.dumps(result), flush=True)
        os._exit(0)  # as `kg build` (kg.cli.run) ends: without freeing the graph object by object

    args.data.mkdir(parents=True, exist_ok=True)
    sizes = [int(float(s)) for s in args.sizes.split(",") if s]
    worker_counts = [int(w) for w in args.workers.split(",") if w]
    print(f"# kg build benchmark: formats {args.formats}, extractor {args.extractor}, state {'on' if args.state else 'off'}, "
          f"{os.cpu_count()} CPUs", flush=True)
    rows = []
    for size in sizes:
        path = corpus(size, args.data, args.seed)
        for workers in worker_counts:
            r = run_config(path, workers, args)
            rows.append((size, workers, r))
            print(f"done {_human(size)} workers={workers}: " + (r.get("error") or json.dumps(r)), file=sys.stderr, flush=True)
    print(table(rows))
    print()
    print(format_table(rows))
    print()
    print("peak MB at the end of each stage")
    print(memory_table(rows))


if __name__ == "__main__":
    main()
