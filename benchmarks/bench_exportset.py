"""Cost of the export-set manifest (kg.exportset) next to the export and a reader's parse.

    python benchmarks/bench_exportset.py --papers 20000

Exports a synthetic graph (benchmarks/synth_rdf.py) with the build's streaming exporter, then
times write_manifest (sha256 of every export, as `kg build` does after exporting), check_export
per file (what each reader pays before parsing) and, for scale, pyoxigraph parsing graph.ttl
into an in-memory store (less than what `kg query` does). Prints one table.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyoxigraph as ox  # noqa: E402

from kg.export.stream import export_streaming  # noqa: E402
from kg.exportset import check_export, write_manifest  # noqa: E402
from synth_rdf import synthetic_graph  # noqa: E402


def _timed(func, *args):
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=20000)
    args = parser.parse_args(argv)
    G = synthetic_graph(args.papers)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        files = export_streaming(G, out)
        export_s = time.perf_counter() - start
        manifest_s = _timed(write_manifest, out, files)
        total_mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"{args.papers} papers, {len(files)} exports, {total_mb:.1f} MB")
        print(f"{'step':<34}{'seconds':>9}")
        print(f"{'export (all formats)':<34}{export_s:>9.2f}")
        print(f"{'write_manifest (sha256 of all)':<34}{manifest_s:>9.2f}")
        for f in files:
            print(f"{'check_export ' + f.name:<34}{_timed(check_export, f):>9.3f}  ({f.stat().st_size / 1e6:.1f} MB)")
        ttl = out / "graph.ttl"
        parse_s = _timed(lambda: ox.Store().bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE))
        print(f"{'parse graph.ttl (pyoxigraph)':<34}{parse_s:>9.2f}")


if __name__ == "__main__":
    main()
