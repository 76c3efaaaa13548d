"""Time `kg build` on the real corpus (../shared/corpus), exports included.

    python benchmarks/bench_corpus_build.py [--runs 3] [--corpus PATH]

Prints one row per run (wall seconds of the whole command, and the per-stage
seconds the build reports) and the median. Target: under 10 s.
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    rows = []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(args.corpus), "--out", out, "--quiet"],
                                    capture_output=True, text=True, check=True)
            wall = time.perf_counter() - start
        stages = dict(re.findall(r"(\w+) (\d+\.\d+)", result.stdout.splitlines()[-1].split("(", 1)[1]))
        papers = re.search(r"papers in graph\s+(\d+)", result.stdout).group(1)
        rows.append((run, wall, stages, papers))
    names = list(rows[0][2])
    header = ["run", "papers", "wall s"] + [f"{n} s" for n in names]
    table = [header] + [[str(r), p, f"{w:.2f}"] + [s[n] for n in names] for r, w, s, p in rows]
    table.append(["median", rows[0][3], f"{statistics.median(r[1] for r in rows):.2f}"]
                 + [f"{statistics.median(float(r[2][n]) for r in rows):.2f}" for n in names])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
