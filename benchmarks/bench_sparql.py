"""Benchmark `kg serve`: every saved query through the HTTP endpoint vs rdflib's SPARQL engine.

    python benchmarks/bench_sparql.py [--triples 1000000] [--reps 20] [--rdflib-budget 120]

Graphs: the real corpus (built with `kg build ../shared/corpus --formats ttl` when that folder
exists) and a synthetic graph of about --triples triples (benchmarks/synth_rdf.py). For each:
store load time (in memory; on disk first load; on disk restart), then every query in
schema/queries/ POSTed to /sparql (Accept: SPARQL JSON, result fully read) --reps times after one
warm-up, p50 and p95; a query answered 504 is shown as "timeout". rdflib runs the same queries
once each in a subprocess (parse + queries limited to --rdflib-budget seconds; unfinished ones
are shown as ">budget"); the ratio is rdflib p50 / endpoint p50.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from kg.query import saved_queries  # noqa: E402


def _post(url: str, query: str) -> tuple[int, int]:
    req = urllib.request.Request(url, data=query.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/sparql-query",
                                          "Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            body = r.read()
            return r.status, len(json.loads(body)["results"]["bindings"])
    except urllib.error.HTTPError as e:
        e.read()
        return e.code, 0


def bench_endpoint(graph: Path, reps: int, timeout: float, per_query_budget: float) -> dict:
    from kg.serve import load_store, make_server

    out: dict = {"load": {}, "queries": {}}
    t = time.perf_counter()
    store = load_store([graph])
    out["load"]["memory"] = time.perf_counter() - t
    out["triples"] = len(store)
    with tempfile.TemporaryDirectory(prefix="kg-bench-store-") as d:
        t = time.perf_counter()
        disk = load_store([graph], d)
        out["load"]["disk"] = time.perf_counter() - t
        del disk
        import gc
        gc.collect()
        t = time.perf_counter()
        disk = load_store([graph], d)
        out["load"]["restart"] = time.perf_counter() - t
        del disk
        gc.collect()

    # memory cap raised so the figures stay comparable with the engine's own (rdflib has none)
    server = make_server(store, "127.0.0.1", 0, timeout, 10**9, quiet=True, slots=2, max_memory_mb=8000)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = server.url + "sparql"
    try:
        for name, q in saved_queries().items():
            status, rows = _post(url, q["sparql"])  # warm-up
            times: list[float] = []
            if status == 200:
                spent = 0.0
                while len(times) < reps and (len(times) < 3 or spent < per_query_budget):
                    t = time.perf_counter()
                    status, rows = _post(url, q["sparql"])
                    times.append(time.perf_counter() - t)
                    spent += times[-1]
            else:  # a stopped query's worker is replaced: wait for it before the next query
                while not server.service.ready():
                    time.sleep(0.1)
            out["queries"][name] = {"status": status, "rows": rows, "times": times}
    finally:
        server.shutdown()
        server.server_close()
    return out


def rdflib_worker(graph: str) -> None:
    """Subprocess: parse with rdflib, then print one JSON line per query as it finishes."""
    import rdflib

    from kg.rdf import prefixes

    t = time.perf_counter()
    g = rdflib.Graph()
    g.parse(graph, format="turtle")
    print(json.dumps({"parse": time.perf_counter() - t, "triples": len(g)}), flush=True)
    ns = prefixes()
    for name, q in saved_queries().items():
        t = time.perf_counter()
        rows = len(list(g.query(q["sparql"], initNs=ns)))
        print(json.dumps({"name": name, "time": time.perf_counter() - t, "rows": rows}), flush=True)


def bench_rdflib(graph: Path, budget: float) -> dict:
    out: dict = {"parse": None, "queries": {}}
    proc = subprocess.Popen([sys.executable, __file__, "--rdflib-worker", str(graph)],
                            stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + budget
    result: dict = {}

    def reader():
        for line in proc.stdout:
            rec = json.loads(line)
            if "parse" in rec:
                result["parse"] = rec["parse"]
            else:
                result.setdefault("queries", {})[rec["name"]] = rec

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    th.join(max(0.0, deadline - time.monotonic()))
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    th.join(5)
    out["parse"] = result.get("parse")
    out["queries"] = result.get("queries", {})
    return out


def pct(times: list[float], p: float) -> float:
    s = sorted(times)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def fmt_ms(x: float | None) -> str:
    return "-" if x is None else f"{x * 1000:,.1f}"


def report(label: str, ep: dict, rl: dict | None, budget: float) -> None:
    print(f"\n## {label}: {ep['triples']:,} triples")
    ld = ep["load"]
    print(f"store load: in memory {ld['memory']:.2f} s; on disk (--store) first start {ld['disk']:.2f} s, "
          f"restart {ld['restart']:.3f} s" + (f"; rdflib parse {rl['parse']:.1f} s" if rl and rl.get('parse') else ""))
    print()
    print("| query | rows | endpoint p50 ms | endpoint p95 ms | reps | rdflib ms | rdflib / endpoint |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    tot_ox = tot_rl = all_ox = 0.0
    unfinished = 0
    for name, r in ep["queries"].items():
        if r["status"] != 200:
            print(f"| {name} | - | {'timeout' if r['status'] == 504 else r['status']} | - | 0 | - | - |")
            continue
        p50, p95 = pct(r["times"], 50), pct(r["times"], 95)
        all_ox += p50
        rq = (rl or {}).get("queries", {}).get(name)
        if rl is None:
            rl_s, ratio = "skipped", "-"
        elif rq is None:
            rl_s, ratio = f">{budget:.0f} s budget", "-"
            unfinished += 1
        else:
            rl_s, ratio = fmt_ms(rq["time"]), f"{rq['time'] / p50:,.0f}x"
            tot_ox += p50
            tot_rl += rq["time"]
            if rq["rows"] != r["rows"]:
                ratio += f" (rdflib rows {rq['rows']})"
        print(f"| {name} | {r['rows']:,} | {fmt_ms(p50)} | {fmt_ms(p95)} | {len(r['times'])} | {rl_s} | {ratio} |")
    if rl is not None and tot_ox:
        more = f"; {unfinished} more did not finish in rdflib's budget" if unfinished else ""
        print(f"\nsuite (queries both finished): endpoint {tot_ox * 1000:,.0f} ms, rdflib {tot_rl * 1000:,.0f} ms, "
              f"rdflib / endpoint = {tot_rl / tot_ox:,.0f}x{more}")
        if unfinished:
            # rdflib spent its whole budget less the parse on queries: a lower bound for its suite
            floor = budget - (rl.get("parse") or 0.0)
            print(f"whole suite: endpoint {all_ox * 1000:,.0f} ms; rdflib > {floor:,.0f} s (budget less parse), "
                  f"rdflib / endpoint > {floor / all_ox:,.0f}x")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="synthetic graph size (default 1M)")
    ap.add_argument("--reps", type=int, default=20, help="timed requests per query (after one warm-up)")
    ap.add_argument("--query-budget", type=float, default=5.0, help="stop repeating a query after this many s (min 3 reps)")
    ap.add_argument("--timeout", type=float, default=30.0, help="server --timeout")
    ap.add_argument("--rdflib-budget", type=float, default=120.0, help="seconds for rdflib per graph (parse + queries)")
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--rdflib-worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.rdflib_worker:
        rdflib_worker(args.rdflib_worker)
        return

    from synth_rdf import write_graph

    print(f"# kg serve SPARQL benchmark (timeout {args.timeout:g} s, reps {args.reps}, rdflib 1 run/query)")
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        graphs = []
        if args.corpus.is_dir():
            out = Path(tmp) / "corpus"
            subprocess.run([sys.executable, "-m", "kg.cli", "build", str(args.corpus), "--out", str(out),
                            "--formats", "ttl", "--quiet"], check=True, stdout=subprocess.DEVNULL)
            graphs.append((f"corpus graph ({args.corpus})", out / "graph.ttl"))
        else:
            print(f"(no corpus at {args.corpus}: skipped)")
        t = time.perf_counter()
        path, papers, n = write_graph(Path(tmp) / "synthetic", triples=args.triples)
        print(f"synthetic graph: {papers:,} papers, {n:,} triples, generated and written in {time.perf_counter() - t:.1f} s")
        graphs.append((f"synthetic graph ({papers:,} papers)", path))
        for label, path in graphs:
            ep = bench_endpoint(path, args.reps, args.timeout, args.query_budget)
            rl = None if args.no_rdflib else bench_rdflib(path, args.rdflib_budget)
            report(label, ep, rl, args.rdflib_budget)


if __name__ == "__main__":
    main()
