"""Cost of hostile inputs: duplicate blocks for de-duplication, long abstracts for a build.

    python benchmarks/bench_pathological.py [--records 200000] [--abstract-chars 100000]
                                            [--only dedupe|abstracts]

Prints one table row per case: wall seconds and peak memory (ru_maxrss of a fresh child
process per case, so one case's memory does not hide the next). Targets (issue 15): each
200k-record duplicate block de-duplicated in under 60 s; a pathological abstract costs about
what an ordinary abstract of the same length does (linear, small constant).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ABSTRACT = ("We propose a method for image classification trained on ImageNet and evaluated on "
            "CIFAR-10 with a residual network, improving accuracy over strong baselines. ")


def _dedupe_records(case: str, n: int):
    from kg.ingest.text import make_paper
    for i in range(n):
        src = f"bench.jsonl:{i + 1}"
        if case == "identical":
            yield make_paper("Deep Residual Learning for Image Recognition", ABSTRACT, src,
                             urls=["https://example.org/a"], authors=["A. Author"])
        elif case == "one-title":
            # unrelated abstracts: 40 words drawn from 5000, so no two agree
            words = [f"w{(i * 7919 + j * 104729) % 5000}x{(i + j) % 97}" for j in range(40)]
            yield make_paper("Deep Residual Learning for Image Recognition", " ".join(words), src)
        elif case == "numbered":
            yield make_paper(f"A Study of Residual Learning for Image Recognition {i}", ABSTRACT, src)
        elif case == "no-letters":
            yield make_paper("!!!???..." + "?" * (i % 5), ABSTRACT, src)


def _pathological_abstract(case: str, chars: int) -> str:
    unit = {"resnet-dash": "ResNet-", "san-parens": "(SAN) ", "lexicon-names": "ResNet BERT ImageNet CIFAR-10 ",
            "ordinary": ABSTRACT}[case]
    return (unit * (chars // len(unit) + 1))[:chars]


def run_case(kind: str, case: str, size: int) -> dict:
    t0 = time.perf_counter()
    if kind == "dedupe":
        from kg.ingest import merge_duplicates
        out, merged = merge_duplicates(_dedupe_records(case, size))
        note = f"{len(out)} papers, {merged} merged"
    else:
        import tempfile
        from kg.pipeline import build
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "one.jsonl"
            path.write_text(json.dumps({"title": "A Pathological Paper", "abstract": _pathological_abstract(case, size)}) + "\n")
            from kg.pipeline import BuildReport
            report = BuildReport()
            G = build([path], report=report)
            note = f"{G.number_of_nodes()} nodes; " + " ".join(f"{k}={v:.1f}s" for k, v in report.seconds.items())
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "note": note}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--abstract-chars", type=int, default=100_000)
    ap.add_argument("--only", choices=["dedupe", "abstracts"])
    ap.add_argument("--timeout", type=float, default=600, help="seconds per case before it is reported as over")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(run_case(args.child[0], args.child[1], int(args.child[2]))))
        return 0
    cases = []
    if args.only in (None, "dedupe"):
        cases += [("dedupe", c, args.records) for c in ("identical", "one-title", "numbered", "no-letters")]
    if args.only in (None, "abstracts"):
        cases += [("abstracts", c, args.abstract_chars) for c in ("ordinary", "resnet-dash", "lexicon-names", "san-parens")]
    print(f"{'case':<26} {'size':>8} {'seconds':>9} {'peak MB':>9}  note")
    for kind, case, size in cases:
        try:
            proc = subprocess.run([sys.executable, __file__, "--child", kind, case, str(size)],
                                  capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"{kind + ' ' + case:<26} {size:>8} {'>' + str(int(args.timeout)):>9} {'-':>9}  timed out")
            continue
        if proc.returncode:
            print(f"{kind + ' ' + case:<26} {size:>8} {'-':>9} {'-':>9}  failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{kind + ' ' + case:<26} {size:>8} {r['seconds']:>9.2f} {r['peak_mb']:>9.0f}  {r['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
