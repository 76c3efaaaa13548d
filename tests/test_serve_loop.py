"""kg serve's connection loop and lookups answered in the server: what a lookup is (token shapes),
that the server's answer is the engine's, that a lookup needs no worker, and that the loop keeps
keep-alive, pipelining, hand-over to a worker thread and `Expect: 100-continue` working, and holds
no thread for a slow socket. Real sockets against a running server."""
from __future__ import annotations

import json
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

import kg.serve.service
from kg.serve import load_store
from kg.serve.guard import check_query
from kg.serve.lookup import is_lookup
from test_serve import EXPENSIVE_COUNT, _start, _stop, get

P = "PREFIX kg: <https://w3id.org/mlkg/ontology#> "


@pytest.fixture(scope="module")
def graph_ttl(exported_dir) -> Path:
    return exported_dir / "graph.ttl"


@pytest.fixture(scope="module")
def server(graph_ttl):
    srv = _start(load_store([graph_ttl]), timeout=5, header_timeout=1.0, slots=1)
    yield srv
    _stop(srv)


@pytest.mark.parametrize("query", [
    "SELECT ?p ?o WHERE { <http://e/x> ?p ?o } LIMIT 20",
    "SELECT ?s ?p WHERE { ?s ?p <http://e/x> }",
    P + "SELECT * { ?s a kg:Paper . } LIMIT 5 OFFSET 10",
    'ASK { ?s ?p "x"@en }',
    'SELECT ?s { ?s ?p "3"^^<http://www.w3.org/2001/XMLSchema#integer> }',
])
def test_lookup_shapes(query):
    assert is_lookup(check_query(query))


@pytest.mark.parametrize("query", [
    "SELECT ?s { ?s ?p ?o }",                              # nothing bound: the whole store
    "SELECT ?s { ?s ?p 1 . ?s ?q ?o }",                    # a join
    "SELECT ?s { ?s ?p 1 } ORDER BY ?s",                   # sorts the whole scan
    "SELECT DISTINCT ?p { ?s ?p <http://e/x> }",           # may read a hub to produce a few
    "SELECT ?s { ?s ?p 1 } OFFSET 5000",                   # skips past FAST_ROWS
    "SELECT ?s { ?s ?p 1 } OFFSET " + "9" * 5000,            # no int() of 5,000 digits
    "SELECT ?s { ?s <http://e/a>/<http://e/b> 1 }",        # a path
    "SELECT ?s { ?s ?p 1 FILTER(?s != ?p) }",
    "SELECT ?s { { ?s ?p 1 } }",
    "SELECT ?s FROM <http://e/g> { ?s ?p 1 }",
    "SELECT (COUNT(*) AS ?n) { ?s ?p 1 }",
    "CONSTRUCT { ?s ?p 1 } WHERE { ?s ?p 1 }",
])
def test_not_lookups(query):
    assert not is_lookup(check_query(query))


def _rows(body: bytes) -> list:
    doc = json.loads(body)
    return sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])


def test_lookup_answer_is_the_engines(server):
    url = server.url + "sparql"
    iri = "https://w3id.org/mlkg/id/method/tcnca"
    for here, worker in [(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o FILTER(true) }}"),
                         (f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }}", f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(true) }}")]:
        a, b = get(url, here), get(url, worker)
        assert a[0] == b[0] == 200 and a[1]["Content-Type"] == b[1]["Content-Type"]
        assert _rows(a[2]) == _rows(b[2]) and _rows(a[2])
        expected = list(server.store.query(here))
        assert len(_rows(a[2])) == len(expected)
    csv = get(url, f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", "text/csv")
    assert csv[0] == 200 and csv[1]["Content-Type"].startswith("text/csv") and csv[2].startswith(b"p,o\r\n")


def test_lookup_needs_no_worker(server):
    """With the only worker busy on a long query, a lookup is still answered at once."""
    url = server.url + "sparql"
    busy = threading.Thread(target=get, args=(url, EXPENSIVE_COUNT))
    busy.start()
    try:
        time.sleep(0.3)
        start = time.monotonic()
        status, _, body = get(url, "SELECT ?p ?o WHERE { <https://w3id.org/mlkg/id/method/tcnca> ?p ?o } LIMIT 3")
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 3
        assert time.monotonic() - start < 1.0
    finally:
        busy.join()


def test_lookup_past_fast_rows_goes_to_a_worker(server, monkeypatch):
    monkeypatch.setattr(kg.serve.service, "FAST_ROWS", 2)
    status, headers, body = get(server.url + "sparql", "SELECT ?s WHERE { ?s a <https://w3id.org/mlkg/ontology#Paper> }")
    assert status == 200 and "X-KG-Truncated" not in headers
    assert len(json.loads(body)["results"]["bindings"]) == len(list(server.store.query(
        "SELECT ?s WHERE { ?s a <https://w3id.org/mlkg/ontology#Paper> }"))) > 2


def _exchange(server, data: bytes, answers: int, wait: float = 5.0) -> list[bytes]:
    """Send data on one socket; read until `answers` complete HTTP answers (Content-Length)."""
    host, port = server.server_address[:2]
    out, found = b"", []
    with socket.create_connection((host, port), timeout=wait) as s:
        s.sendall(data)
        while len(found) < answers:
            head_end = out.find(b"\r\n\r\n")
            if head_end >= 0:
                head = out[:head_end].decode("latin-1")
                length = int(next(line.split(":")[1] for line in head.split("\r\n")
                                  if line.lower().startswith("content-length")))
                if len(out) >= head_end + 4 + length:
                    found.append(out[:head_end + 4 + length])
                    out = out[head_end + 4 + length:]
                    continue
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    return found


def _get(query: str, close: bool = False) -> bytes:
    from urllib.parse import quote
    return (f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: localhost\r\n"
            + ("Connection: close\r\n" if close else "") + "\r\n").encode()


def test_keep_alive_pipelining_and_hand_over(server):
    lookup = "SELECT ?p WHERE { <https://w3id.org/mlkg/id/method/tcnca> ?p ?o } LIMIT 1"
    # two lookups (answered by the loop), then one for a worker (handed to a thread with the
    # bytes already read), then a lookup again on the same connection, all sent at once
    answers = _exchange(server, _get(lookup) + _get(lookup) + _get("ASK { ?s ?p ?o }") + _get(lookup, close=True), 4)
    assert [a.split(b" ", 2)[1] for a in answers] == [b"200"] * 4
    assert b'"boolean":true' in answers[2].replace(b" ", b"")


def test_expect_100_continue(server):
    body = b"ASK { ?s ?p ?o }"
    host, port = server.server_address[:2]
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
                  b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 100")
        s.sendall(body)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    assert out.startswith(b"HTTP/1.1 200") and b"true" in out


def test_slow_sockets_hold_no_thread(server):
    host, port = server.server_address[:2]
    before = threading.active_count()
    socks = [socket.create_connection((host, port)) for _ in range(40)]
    try:
        for s in socks:
            s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: local")
        time.sleep(0.3)
        assert threading.active_count() - before < 5
        start = time.monotonic()
        assert get(server.url + "sparql", "SELECT ?p WHERE { <http://e/x> ?p ?o }")[0] == 200
        assert time.monotonic() - start < 0.5
        time.sleep(1.5)  # the header deadline (1 s) has passed: the loop closed them all
        assert all(s.recv(1) == b"" for s in socks)
    finally:
        for s in socks:
            s.close()


def test_json_writer_matches_json_dumps(graph_ttl):
    """The direct JSON writer gives the bytes json.dumps gives for the SPARQL JSON documents."""
    import pyoxigraph as ox

    from kg.serve.writers import _term_json, serialize_solutions
    store = ox.Store()
    store.bulk_load(path=str(graph_ttl), format=ox.RdfFormat.TURTLE)
    store.add(ox.Quad(ox.BlankNode("b1"), ox.NamedNode("http://e/p"), ox.Literal('x"\u00e9\n\U0001F600\\', language="en")))
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"),
                      ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    for q in ["SELECT * { ?s ?p ?o }", "SELECT ?s ?x { ?s ?p ?o OPTIONAL { ?o ?q ?x } }", "SELECT ?none { ?s ?p ?o } LIMIT 2"]:
        sols = store.query(q)
        names = [v.value for v in sols.variables]
        doc = {"head": {"vars": names}, "results": {"bindings": [
            {v: _term_json(t) for v, t in zip(names, tuple(row)) if t is not None} for row in sols]}}
        expected = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        assert serialize_solutions(store.query(q), "json", 10**9, {}) == expected


@pytest.mark.parametrize("head", [
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\nHost: a\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost:x\r\nConnection: close\r\nContent-Length: 6\r\n\r\nASK {}",
    b"HEAD /x HTTP/1.1\r\nHost: \t spaced  \r\nX-Two: 1\r\nx-two: 2\r\nConnection: Keep-Alive\r\n\r\n",
    b"OPTIONS /sparql HTTP/1.1\r\nOrigin: http://e\r\nX-Latin: caf\xe9\r\n\r\n",
    b"GET //etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n",                   # stdlib path
    b"GET / HTTP/1.1\r\nHost: localhost\r\n folded\r\n\r\n",                  # stdlib path
    b"GET / HTTP/1.1\nHost: localhost\n\n",                                   # stdlib path
    b"PUT / HTTP/1.1\r\nHost: localhost\r\n\r\n",                             # stdlib path
    b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 101 + b"\r\n",                      # stdlib: 431
])
def test_loop_head_parse_is_the_stdlibs(server, head):
    """The loop's parse of a plain request head gives what BaseHTTPRequestHandler's gives."""
    from http.server import BaseHTTPRequestHandler

    from kg.serve.http import InlineHandler

    def parsed(parse):
        h = InlineHandler(server, ("127.0.0.1", 1), head)
        h.raw_requestline = h.rfile.readline(65537)
        ok = parse(h)
        return (ok, h.command, getattr(h, "path", None), h.request_version, h.close_connection, h.requestline,
                list(h.headers.items()) if ok else None, h.rfile.tell(), h.wfile.getvalue()[:12])
    assert parsed(InlineHandler.parse_request) == parsed(BaseHTTPRequestHandler.parse_request)


def test_big_query_does_not_stall_the_loop(server):
    """A 0.9 MB query is read by the loop but judged in a thread: lookups go on meanwhile."""
    url = server.url + "sparql"
    big = "SELECT ?x WHERE { VALUES ?x { " + " ".join(f'"v{i}"' for i in range(100_000)) + " } } LIMIT 1"
    assert 800_000 < len(big) < 1 << 20
    from test_serve import post_direct
    assert get(url, "SELECT ?p WHERE { <http://e/x> ?p ?o }")[0] == 200  # warm
    done = []
    # client, loop and the guard's thread share this process's GIL: a short switch interval keeps
    # the client's own waits for it (one per socket call) from hiding what is measured
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        t = threading.Thread(target=lambda: done.append(post_direct(url, big)[0]))
        t.start()
        slowest = 0.0
        while t.is_alive():
            start = time.monotonic()
            assert get(url, "SELECT ?p WHERE { <http://e/x> ?p ?o }")[0] == 200
            slowest = max(slowest, time.monotonic() - start)
        t.join()
    finally:
        sys.setswitchinterval(interval)
    assert done == [200] and slowest < 0.25, slowest  # judged in the loop, one lookup waited ~0.4 s


def test_many_pipelined_requests_and_bare_lf_heads(server):
    lookup = "SELECT ?p WHERE { <https://w3id.org/mlkg/id/method/tcnca> ?p ?o } LIMIT 1"
    answers = _exchange(server, _get(lookup) * 600 + _get(lookup, close=True), 601, wait=20)
    assert len(answers) == 601 and all(a.startswith(b"HTTP/1.1 200") for a in answers)
    # the stdlib's header reader ends a head at an empty line after LF or CRLF; so does the loop
    for head in (b"GET /static/kg-serve.js HTTP/1.1\r\nHost: localhost\n\r\n",
                 b"GET /static/kg-serve.js HTTP/1.1\nHost: localhost\n\n"):
        assert _exchange(server, head, 1, wait=3)[0].startswith(b"HTTP/1.1 200")
