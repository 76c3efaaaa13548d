"""Load and abuse benchmark for `kg serve` (loopback only, bounded in count and time).

    python benchmarks/bench_serve_abuse.py [--graph graph.ttl] [--clients 50] [--lookups 200]
                                           [--slow 200] [--slow-seconds 60] [--timeout 10]

Starts the real command (`kg serve GRAPH --port P --timeout T`) on the corpus graph (built with
`kg build ../shared/corpus` unless --graph is given) and prints one table per part:

1. load: --clients threads in --procs client processes, --lookups lookups each, a new TCP
   connection per request (no keep-alive): p50 / p99 / max latency, errors. Every lookup is a
   different query (a node's outgoing or incoming edges, LIMIT 20, over all subject IRIs):
   nothing is repeated, so the figure is not a cache's.
2. slow sockets: --slow sockets that send a header byte every 2 s for --slow-seconds while a
   probe sends a normal request every 0.5 s: probe p50 / max, and how many slow sockets the
   server closed (its header deadline), with the time it took.
3. pathological queries (the ones that crashed, stalled or bloated the old server): status, time
   to answer, peak RSS of the server with its workers, then the time to answer the next request.
   Targets: p99 < 50 ms with 0 errors; probes < 50 ms; each case answered within its limit,
   RSS < 1 GB, next request < 100 ms; nesting 100,000 deep -> 400, server alive.
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(pid: int) -> int:
    """Resident bytes of pid and its children (the query workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            p = int(stat.parent.name)
            if p == pid or int(fields[1]) == pid:
                total += int((stat.parent / "statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


class Peak(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, False

    def run(self) -> None:
        while not self.stop:
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(0.05)


def request(port: int, query: str, *, method: str = "GET", read: bool = True, timeout: float = 120) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        if method == "GET":
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        else:
            conn.request("POST", "/sparql", body=query.encode(), headers={"Content-Type": "application/sparql-query"})
        r = conn.getresponse()
        if read:
            r.read()
        return r.status, time.perf_counter() - start
    except OSError:
        return 0, time.perf_counter() - start
    finally:
        conn.close()


def lookup_queries(iris: list[str], count: int) -> list[str]:
    """`count` distinct lookups: a node's outgoing edges, then its incoming ones, over all the
    graph's subject IRIs (no query is sent twice, so no cache could answer a repeat)."""
    forms = ("SELECT ?p ?o WHERE {{ <{}> ?p ?o }} LIMIT 20", "SELECT ?s ?p WHERE {{ ?s ?p <{}> }} LIMIT 20")
    queries = [form.format(iri) for form in forms for iri in iris]
    if count > len(queries):
        raise SystemExit(f"only {len(queries)} distinct lookups in this graph; ask for fewer")
    return queries[:count]


def _client_proc(port: int, queries: list[list[str]], out) -> None:
    times, errors = [], [0]

    def one(mine):
        for query in mine:
            status, t = request(port, query)
            times.append(t)
            if status != 200:
                errors[0] += 1
    ts = [threading.Thread(target=one, args=(mine,)) for mine in queries]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put((times, errors[0]))


def part_load(port: int, clients: int, lookups: int, procs: int, iris: list[str]) -> None:
    q = multiprocessing.Queue()
    queries = lookup_queries(iris, clients * lookups)
    per_client = [queries[k::clients] for k in range(clients)]  # client k: every clients-th lookup
    ps = [multiprocessing.Process(target=_client_proc, args=(port, per_client[i::procs], q))
          for i in range(min(procs, clients))]
    start = time.perf_counter()
    for p in ps:
        p.start()
    results = [q.get() for _ in ps]
    for p in ps:
        p.join()
    wall = time.perf_counter() - start
    times = sorted(t for r in results for t in r[0])
    errors = sum(r[1] for r in results)
    p99 = times[int(len(times) * 0.99) - 1]
    print(f"\n## 1. load: {clients} clients x {lookups} lookups, new connection per request\n")
    print("| requests | wall s | req/s | p50 ms | p99 ms | max ms | errors | target |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    print(f"| {len(times)} | {wall:.1f} | {len(times) / wall:.0f} | {statistics.median(times) * 1e3:.1f} | "
          f"{p99 * 1e3:.1f} | {times[-1] * 1e3:.0f} | {errors} | p99 < 50 ms, 0 errors: "
          f"{'met' if p99 < 0.05 and errors == 0 else 'not met'} |")


def part_slow(port: int, n: int, seconds: float) -> None:
    socks, opened = [], time.monotonic()
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n")
        s.setblocking(False)
        socks.append(s)
    closed_at: dict[int, float] = {}
    probes = []
    end = time.monotonic() + seconds
    next_drip = time.monotonic()
    while time.monotonic() < end:
        if time.monotonic() >= next_drip:
            for i, s in enumerate(socks):
                if i in closed_at:
                    continue
                try:
                    s.send(b"X")
                    if s.recv(4096) == b"":
                        closed_at[i] = time.monotonic() - opened
                except BlockingIOError:
                    pass
                except OSError:
                    closed_at[i] = time.monotonic() - opened
            next_drip += 2.0
        probes.append(request(port, "ASK { ?s ?p ?o }"))
        time.sleep(0.5)
    for s in socks:
        s.close()
    lat = sorted(t for _, t in probes)
    bad = sum(1 for st, _ in probes if st != 200)
    print(f"\n## 2. {n} slow sockets (a header byte every 2 s) for {seconds:g} s\n")
    print("| probes | failed | probe p50 ms | probe max ms | slow sockets closed by server | closed after s | target |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    after = f"{min(closed_at.values()):.0f}-{max(closed_at.values()):.0f}" if closed_at else "-"
    ok = bad == 0 and lat[-1] < 0.05 and len(closed_at) == n
    print(f"| {len(probes)} | {bad} | {statistics.median(lat) * 1e3:.1f} | {lat[-1] * 1e3:.1f} | {len(closed_at)}/{n} | "
          f"{after} | probes < 50 ms, sockets closed: {'met' if ok else 'not met'} |")


def part_pathological(port: int, pid: int, timeout: float) -> None:
    cross = "?a ?b ?c . ?d ?e ?f"
    cases = [
        ("braces nested 3,000 deep", "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000, 1),
        ("OPTIONALs nested 3,000 deep", "SELECT * WHERE { " + "OPTIONAL { ?s ?p ?o " * 3000 + "}" * 3000 + " }", 1),
        ("subselects nested 3,000 deep", "SELECT * WHERE " + "{ SELECT * WHERE " * 3000 + "{ ?s ?p ?o }" + " }" * 3000, 1),
        ("expression 5,000 deep", "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", 1),
        ("unary ! 5,000 deep", "ASK { FILTER(" + "!" * 5000 + "true) }", 1),
        ("nesting 100,000 deep", "SELECT * WHERE " + "{" * 100_000 + "?s ?p ?o" + "}" * 100_000, 1),
        ("2 x COUNT over a cross join", f"SELECT (COUNT(*) AS ?n) WHERE {{ {cross} . ?g ?h ?i }}", 2),
        ("ORDER BY over a 2-way cross join", f"SELECT * WHERE {{ {cross} }} ORDER BY ?c ?f", 1),
        ("GROUP_CONCAT of all literals", "SELECT (GROUP_CONCAT(?o) AS ?all) WHERE { ?s ?p ?o . ?x ?y ?z FILTER(isLiteral(?o)) }", 1),
        ("40 clients not reading a big result", f"SELECT * WHERE {{ {cross} }}", 40),
    ]
    print(f"\n## 3. pathological queries (server --timeout {timeout:g})\n")
    print("| case | answers | slowest s | peak RSS MB (server + workers) | next request ms | verdict |")
    print("|---|---|---:|---:|---:|---|")
    for label, query, copies in cases:
        peak = Peak(pid)
        peak.start()
        results, socks = [], []

        def run_one():
            results.append(request(port, query, method="POST"))
        if copies == 40:  # send, never read: the server must not buffer 40 results
            for _ in range(copies):
                s = socket.create_connection(("127.0.0.1", port))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                body = query.encode()
                s.sendall(b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
                          + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
                socks.append(s)
            time.sleep(timeout + 5)
            results = [(0, timeout + 5)]
        else:
            ts = [threading.Thread(target=run_one) for _ in range(copies)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
        nxt_status, nxt = request(port, "ASK { ?s ?p ?o }")
        for s in socks:
            s.close()
        peak.stop = True
        peak.join()
        statuses = ",".join(sorted({str(st) for st, _ in results})) if copies != 40 else "(not read)"
        slowest = max(t for _, t in results)
        ok = peak.peak < 1 << 30 and nxt_status == 200 and nxt < 0.1 and (copies == 40 or slowest < timeout + 3)
        if "100,000" in label:
            ok = ok and statuses == "400"
        print(f"| {label} | {statuses} | {slowest:.2f} | {peak.peak / 2**20:.0f} | {nxt * 1e3:.1f} | "
              f"{'met' if ok else 'not met'} |")
        time.sleep(1.0)  # replaced workers start


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graph", type=Path)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--lookups", type=int, default=200)
    ap.add_argument("--procs", type=int, default=4, help="client processes the load part uses")
    ap.add_argument("--slow", type=int, default=200)
    ap.add_argument("--slow-seconds", type=float, default=60)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--parts", default="123")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-abuse-") as tmp:
        graph = args.graph
        if graph is None:
            out = Path(tmp) / "corpus"
            subprocess.run([sys.executable, "-m", "kg.cli", "build", str(args.corpus), "--out", str(out),
                            "--formats", "ttl"], check=True, capture_output=True)
            graph = out / "graph.ttl"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(graph), "--port", str(port),
                                   "--timeout", str(args.timeout), "--quiet"], stderr=subprocess.PIPE, text=True)
        for line in server.stderr:
            if "SPARQL endpoint at" in line:
                break
        threading.Thread(target=server.stderr.read, daemon=True).start()
        try:
            import pyoxigraph as ox
            store = ox.Store()
            store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
            iris = sorted({q.subject.value for q in store if isinstance(q.subject, ox.NamedNode)})
            print(f"# kg serve load and abuse: {graph.name}, {len(store):,} triples, {os.cpu_count()} CPUs")
            print(f"(server idle RSS with workers: {tree_rss(server.pid) / 2**20:.0f} MB)")
            del store
            if "1" in args.parts:
                part_load(port, args.clients, args.lookups, args.procs, iris)
            if "2" in args.parts:
                part_slow(port, args.slow, args.slow_seconds)
            if "3" in args.parts:
                part_pathological(port, server.pid, args.timeout)
            print(f"\nserver alive at the end: {server.poll() is None}")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
