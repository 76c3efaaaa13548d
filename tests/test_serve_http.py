"""kg serve under hostile or careless clients: Host and Origin checks, CORS preflight, header /
body / idle timeouts, Content-Length abuse, connection limits, memory cap, damaged store. Real
sockets against a running server."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.serve import load_store
from test_serve import EXPENSIVE_ROWS, _start, _stop, get, http


@pytest.fixture(scope="module")
def graph_ttl(exported_dir) -> Path:
    return exported_dir / "graph.ttl"


@pytest.fixture(scope="module")
def server(graph_ttl):
    srv = _start(load_store([graph_ttl]), timeout=5, cors=["http://allowed.example"], allow_hosts=["kg.local"],
                 header_timeout=1.0, body_timeout=1.0, max_connections=20, max_memory_mb=150)
    yield srv
    _stop(srv)


def raw(server, data: bytes, wait: float = 5.0) -> bytes:
    """Send bytes on a fresh socket; everything the server answers until it closes (or `wait`)."""
    host, port = server.server_address[:2]
    with socket.create_connection((host, port), timeout=wait) as s:
        s.sendall(data)
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except TimeoutError:
            pass
    return out


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


ASK = b"/sparql?query=ASK%20%7B%7D"


def test_host_header_checked(server):
    port = server.server_address[1]
    for host, expected in [(f"127.0.0.1:{port}", 200), (f"localhost:{port}", 200), ("localhost", 200),
                           (f"kg.local:{port}", 200), ("attacker.example", 403), (f"attacker.example:{port}", 403),
                           ("127.0.0.1.attacker.example", 403)]:
        answer = raw(server, b"GET " + ASK + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n\r\n")
        assert status_of(answer) == expected, (host, answer[:200])
    two = raw(server, b"GET " + ASK + b" HTTP/1.1\r\nHost: localhost\r\nHost: evil\r\nConnection: close\r\n\r\n")
    assert status_of(two) == 400


def test_cors_same_origin_by_default(server):
    url = server.url + "sparql?query=ASK%7B%7D"
    status, headers, _ = http(url, headers={"Origin": "http://evil.example"})
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    own = server.url.rstrip("/")
    status, headers, _ = http(url, headers={"Origin": own})
    assert status == 200 and "Access-Control-Allow-Origin" not in headers
    status, headers, _ = http(url)
    assert status == 200 and "Access-Control-Allow-Origin" not in headers


def test_cors_opt_in_and_preflight(server):
    url = server.url + "sparql"
    status, headers, _ = http(url, method="OPTIONS", headers={
        "Origin": "http://allowed.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-custom"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "http://allowed.example"
    assert "POST" in headers["Access-Control-Allow-Methods"] and "x-custom" in headers["Access-Control-Allow-Headers"]
    status, headers, body = http(url, data=b"SELECT * WHERE { ?s ?p ?o } LIMIT 1", headers={
        "Origin": "http://allowed.example", "Content-Type": "application/sparql-query"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "http://allowed.example"
    assert "X-KG-Truncated" in headers["Access-Control-Expose-Headers"]
    status, _, _ = http(url, method="OPTIONS", headers={"Origin": "http://evil.example",
                                                         "Access-Control-Request-Method": "POST"})
    assert status == 403


def test_content_length_abuse(server):
    head = b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
    q = b"ASK {}"
    two = raw(server, head + b"Content-Length: 6\r\nContent-Length: 6\r\n\r\n" + q)
    assert status_of(two) == 400 and b"more than one Content-Length" in two
    neg = raw(server, head + b"Content-Length: -1\r\n\r\n" + b"x" * 100_000)
    assert status_of(neg) == 400
    plus = raw(server, head + b"Content-Length: +6\r\n\r\n" + q)
    assert status_of(plus) == 400
    chunked = raw(server, head + b"Transfer-Encoding: chunked\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n")
    assert status_of(chunked) == 501


def test_short_body_and_slow_headers_time_out(server):
    head = b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
    start = time.monotonic()
    short = raw(server, head + b"Content-Length: 100\r\n\r\nASK {}")
    assert status_of(short) == 408 and time.monotonic() - start < 4
    # headers trickled a byte at a time: cut off at the header deadline, not kept alive by each byte
    host, port = server.server_address[:2]
    with socket.create_connection((host, port), timeout=5) as s:
        start = time.monotonic()
        closed = False
        for byte in b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 100:
            try:
                s.sendall(bytes([byte]))
                time.sleep(0.1)
                if s.recv(1, socket.MSG_DONTWAIT) == b"":
                    closed = True
                    break
            except BlockingIOError:
                continue
            except OSError:
                closed = True
                break
        assert closed and time.monotonic() - start < 4
    # an idle connection is closed too
    with socket.create_connection((host, port), timeout=5) as s:
        start = time.monotonic()
        assert s.recv(1) == b"" and time.monotonic() - start < 3


def test_connection_limit_and_recovery(server):
    host, port = server.server_address[:2]
    held = [socket.create_connection((host, port)) for _ in range(20)]
    try:
        time.sleep(0.2)
        over = raw(server, b"GET " + ASK + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", wait=2)
        assert status_of(over) == 503
    finally:
        for s in held:
            s.close()
    time.sleep(0.3)
    assert get(server.url + "sparql", "ASK {}")[0] == 200


def test_memory_cap_stops_the_query(server):
    start = time.monotonic()
    status, _, body = get(server.url + "sparql", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i")
    assert status == 507 and b"150 MB" in body
    assert time.monotonic() - start < 5
    assert get(server.url + "sparql", "ASK {}")[0] == 200


def _unread_answer(srv, rows: int) -> socket.socket:
    """A socket that asked for `rows` rows of a cross product and will not read them (a tiny
    receive window), so the server's answer stalls."""
    host, port = srv.server_address[:2]
    s = socket.create_connection((host, port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    q = b"/sparql?query=" + EXPENSIVE_ROWS.replace(" ", "%20").replace("{", "%7B").replace("}", "%7D").encode()
    s.sendall(b"GET " + q + b"+LIMIT+%d HTTP/1.1\r\nHost: localhost\r\n\r\n" % rows)
    return s


def test_client_that_does_not_read_costs_one_worker_for_a_while(graph_ttl):
    srv = _start(load_store([graph_ttl]), timeout=30, max_rows=10_000_000, write_timeout=1.0, slots=2)
    try:
        s = _unread_answer(srv, 300_000)
        time.sleep(0.5)
        assert get(srv.url + "sparql", "ASK {}")[0] == 200  # the other worker answers meanwhile
        time.sleep(4)  # the write deadline passes: the connection is dropped, the worker replaced
        deadline = time.monotonic() + 30
        while not srv.service.ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert srv.service.ready()
        assert get(srv.url + "sparql", "ASK {}")[0] == 200
        s.close()
    finally:
        _stop(srv)


def test_worker_of_an_unread_answer_is_taken_back_when_another_query_needs_it(graph_ttl):
    # one worker, a write deadline far away: only taking the worker back lets the second query in
    srv = _start(load_store([graph_ttl]), timeout=30, max_rows=10_000_000, write_timeout=60.0, slots=1)
    try:
        s = _unread_answer(srv, 30_000)
        time.sleep(2.5)  # the answer (a few MB, made in well under a second) is left unread past STALLED
        status = get(srv.url + "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]
        assert status == 200  # the only worker stays held until written (60 s): else a 503 after QUEUE_WAIT
        s.close()
    finally:
        _stop(srv)


def test_jsonld_for_construct(server):
    status, headers, body = get(server.url + "sparql", "CONSTRUCT WHERE { ?s a ?t } LIMIT 3", "application/ld+json")
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    assert isinstance(json.loads(body), (list, dict))


def test_page_results_above_saved_queries_and_assets(server):
    status, _, page = http(server.url)
    assert page.index(b'id="results"') < page.index(b"Saved queries")
    status, headers, js = http(server.url + "static/kg-serve.js")
    assert status == 200 and b"nodeLink" in js


@pytest.mark.parametrize("damage", ["garbage", "truncated", "missing"])
def test_damaged_store_is_rebuilt(graph_ttl, tmp_path, damage):
    store_dir = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

    def serve_once() -> subprocess.CompletedProcess:
        # --port 0 then kill after "ready": a quick start and stop through the real command
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(graph_ttl), "--store", str(store_dir),
                                 "--port", "0", "--quiet"], stderr=subprocess.PIPE, text=True, env=env)
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if "SPARQL endpoint at" in line or "Traceback" in line:
                break
        proc.terminate()
        rest = proc.communicate(timeout=30)[1]
        return "".join(lines) + rest

    assert "triples ready" in serve_once()
    files = sorted(p for p in (store_dir / "oxigraph").iterdir() if p.is_file() and p.name != "LOCK")
    for p in files:
        if damage == "garbage":
            p.write_bytes(b"\x00garbage" * 7)
        elif damage == "truncated" and p.suffix == ".sst":
            p.write_bytes(p.read_bytes()[:10])
        elif damage == "missing" and (p.suffix == ".sst" or p.name == "CURRENT"):
            p.unlink()
    out = serve_once()
    assert "Traceback" not in out
    assert "damaged" in out and "rebuilding" in out and "SPARQL endpoint at" in out
