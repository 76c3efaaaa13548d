"""Extraction speed and memory per extractor, on the real corpus and on synthetic abstracts.

    python benchmarks/bench_extract.py [--synthetic 2000] [--repeat 3]

One process, one extractor at a time: abstracts per second (best of --repeat passes over
the same papers, after a warm-up pass), mean abstract length, and the peak memory the
extractor adds (tracemalloc over one pass). Target of the learned extractor: 1,000 real
abstracts per second per process. The "candidates" rows time candidate generation alone
(rules.candidate_pool plus the noun phrases, what the learned extractor judges); the load
average is printed first, since on a shared machine it moves every figure.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from kg.extract import get_extractor  # noqa: E402
from kg.ingest import read_papers  # noqa: E402
from kg.ingest.dedupe import merge_duplicates  # noqa: E402


def measure(name: str, papers: list, repeat: int) -> tuple[float, float]:
    ex = get_extractor(name)
    list(ex.pipe(papers[:50]))  # warm-up: model load, caches
    best = min(_timed(ex, papers) for _ in range(repeat))
    tracemalloc.start()
    list(ex.pipe(papers))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return len(papers) / best, peak / 2**20


def measure_candidates(papers: list, repeat: int) -> tuple[float, float]:
    """Candidate generation of the learned extractor (kg.extract.learned.prepare) alone."""
    from kg.extract.learned import prepare
    from kg.extract.rules import RuleExtractor

    rules = RuleExtractor()

    class Pool:  # prepare() as an extractor, so _timed and the warm-up treat it alike
        def pipe(self, batch):
            return (prepare(rules, p) for p in batch)

    ex = Pool()
    list(ex.pipe(papers[:50]))
    best = min(_timed(ex, papers) for _ in range(repeat))
    tracemalloc.start()
    for _ in ex.pipe(papers):  # one paper's pool at a time, as the extractor holds it
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return len(papers) / best, peak / 2**20


def _timed(ex, papers) -> float:
    start = time.perf_counter()
    for _ in ex.pipe(papers):
        pass
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--synthetic", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--extractors", default="learned,rules")
    args = parser.parse_args()
    inputs = {}
    if args.corpus.is_dir():
        inputs["corpus"] = merge_duplicates(read_papers([args.corpus]))[0]
    else:
        print(f"no corpus at {args.corpus}: synthetic abstracts only", file=sys.stderr)
    from synth_corpus import generate
    from kg.records import Paper

    inputs["synthetic"] = [Paper(r["id"], r["title"], r["abstract"]) for r in generate(args.synthetic)]
    if hasattr(os, "getloadavg"):
        print("load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    rows = [("input", "papers", "chars/abstract", "extractor", "abstracts/s", "peak MB")]
    for label, papers in inputs.items():
        chars = sum(len(p.abstract) for p in papers) / len(papers)
        for name in args.extractors.split(","):
            rate, peak = measure(name, papers, args.repeat)
            rows.append((label, str(len(papers)), f"{chars:,.0f}", name, f"{rate:,.0f}", f"{peak:,.1f}"))
        rate, peak = measure_candidates(papers, args.repeat)
        rows.append((label, str(len(papers)), f"{chars:,.0f}", "candidates", f"{rate:,.0f}", f"{peak:,.1f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print(" | ".join(v.ljust(w) for v, w in zip(r, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
