"""Extraction speed and memory per extractor, on the real corpus and on synthetic abstracts.

    python benchmarks/bench_extract.py [--synthetic 2000] [--repeat 3]

One process, one extractor at a time: abstracts per second on papers the process has not met
("unseen/s": a fresh process per pass, warmed up on the other input's papers, so no cache holds
these papers' names, as in a build of a new listing; best of --repeat), abstracts per second
on passes over papers already met ("repeat/s": best of --repeat passes after a warm-up pass,
every name and word of the papers cached), mean abstract length, and the peak memory the
extractor adds (tracemalloc over one pass). Target of the learned extractor: 1,000 real
abstracts per second per process, on unseen papers. The "candidates" rows time candidate
generation alone (rules.candidate_pool plus the noun phrases, what the learned extractor
judges); the load average is printed first, since on a shared machine it moves every figure.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from kg.extract import get_extractor  # noqa: E402
from kg.ingest import read_papers  # noqa: E402
from kg.ingest.dedupe import merge_duplicates  # noqa: E402


def runner(name: str):
    """The extractor called `name`, or "candidates": the learned extractor's candidate pool
    (kg.extract.learned.prepare) alone, with the same pipe()."""
    if name != "candidates":
        return get_extractor(name)
    from kg.extract.learned import prepare
    from kg.extract.rules import RuleExtractor

    rules = RuleExtractor()

    class Pool:
        def pipe(self, batch):
            return (prepare(rules, p) for p in batch)

    return Pool()


def measure(name: str, papers: list, repeat: int) -> tuple[float, float]:
    """Best rate over passes on papers already met, and the peak memory of one pass."""
    ex = runner(name)
    list(ex.pipe(papers[:50]))  # warm-up: model load, caches
    best = min(_timed(ex, papers) for _ in range(repeat))
    tracemalloc.start()
    for _ in ex.pipe(papers):  # one paper's result at a time, as a build holds it
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return len(papers) / best, peak / 2**20


def measure_unseen(name: str, label: str, args) -> float:
    """Best rate of --repeat first passes, each in a fresh process (see --unseen)."""
    command = [sys.executable, __file__, "--unseen", name, label, "--corpus", str(args.corpus),
               "--synthetic", str(args.synthetic)]
    return max(float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
               for _ in range(args.repeat))


def unseen_pass(name: str, label: str, inputs: dict) -> float:
    """Abstracts per second over `label`'s papers, met for the first time: the extractor is
    warmed up on papers of the other input (model load, the field's common names)."""
    ex = runner(name)
    other = [papers for key, papers in inputs.items() if key != label]
    list(ex.pipe(other[0][:200] if other else synthetic(200, seed=8)))
    return len(inputs[label]) / _timed(ex, inputs[label])


def synthetic(n: int, seed: int = 7) -> list:
    from synth_corpus import generate
    from kg.records import Paper

    return [Paper(r["id"], r["title"], r["abstract"]) for r in generate(n, seed)]


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
    parser.add_argument("--unseen", nargs=2, metavar=("EXTRACTOR", "INPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    inputs = {}
    if args.corpus.is_dir():
        inputs["corpus"] = merge_duplicates(read_papers([args.corpus]))[0]
    elif not args.unseen:
        print(f"no corpus at {args.corpus}: synthetic abstracts only", file=sys.stderr)
    inputs["synthetic"] = synthetic(args.synthetic)
    if args.unseen:  # one pass in this fresh process, for measure_unseen
        print(unseen_pass(*args.unseen, inputs))
        return 0
    if hasattr(os, "getloadavg"):
        print("load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    rows = [("input", "papers", "chars/abstract", "extractor", "unseen/s", "repeat/s", "peak MB")]
    for label, papers in inputs.items():
        chars = sum(len(p.abstract) for p in papers) / len(papers)
        for name in args.extractors.split(",") + ["candidates"]:
            unseen = measure_unseen(name, label, args)
            rate, peak = measure(name, papers, args.repeat)
            rows.append((label, str(len(papers)), f"{chars:,.0f}", name, f"{unseen:,.0f}", f"{rate:,.0f}", f"{peak:,.1f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print(" | ".join(v.ljust(w) for v, w in zip(r, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
