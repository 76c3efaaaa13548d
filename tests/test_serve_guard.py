"""The read-only guard against a running `kg serve`: every way to spell SERVICE or an update is
refused, and none reaches a canary HTTP server on loopback (the SSRF the old regex guard let
through). Also nesting refused before parsing, with the server alive afterwards."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kg.serve import check_query, Refused, uses_service
from test_serve import _start, _stop, get, http, post_direct, post_form  # noqa: F401 - shared helpers

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, SPARQLWrapper as Client  # noqa: E402
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException  # noqa: E402


class _Canary(BaseHTTPRequestHandler):
    def _hit(self):
        self.server.hits.append(self.path)
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"LEAK"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _hit

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def canary():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    srv.hits = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def endpoint(exported_dir):
    from kg.serve import load_store
    srv = _start(load_store([exported_dir / "graph.ttl"]), timeout=5)
    yield srv.url + "sparql"
    _stop(srv)


def service_spellings(c: str) -> list[str]:
    """Queries that reach SERVICE <c> (the canary), each spelled to dodge a textual guard."""
    return [
        f"SELECT * WHERE {{ SERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"select * where {{ sErViCe <{c}> {{ ?s ?p ?o }} }}",
        # the reported bypass: an escaped \# in a local name looked like a comment start
        f"PREFIX x: <http://e/> SELECT * WHERE {{ ?a x:a\\#b ?o . SERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://e/> SELECT * WHERE {{ ?a x:a\\#b\\#c ?o .\nSERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a <http://e/#frag> ?o . SERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"PREFIX c: <{c.rsplit('/', 1)[0]}/> SELECT * WHERE {{ SERVICE c:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{c}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{c}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n<{c}>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ ?a ?b \"q\\\"uote # not a comment\" . SERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b '''it's # '' ''' . SERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ {{ SELECT * WHERE {{ SERVICE <{c}> {{ ?s ?p ?o }} }} }} }} }}",
        f"ASK {{ SERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c }} # comment\nSELECT * WHERE {{ SERVICE <{c}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{c}> {{ ?s ?p ?o }} }}",  # escapes are not keywords: 400
    ]


UPDATE_SPELLINGS = [
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "insert data { <http://e/a> <http://e/b> <http://e/c> }",
    "PREFIX x: <http://e/#> # INSERT\nDELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <http://e/> BASE <http://e/#a> WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:1/data.ttl>",
    "ClEaR ALL", "DROP DEFAULT", "CREATE GRAPH <http://e/g>", "COPY DEFAULT TO <http://e/g>",
    "MOVE DEFAULT TO <http://e/g>", "ADD DEFAULT TO <http://e/g>",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
]


def _all_ways(endpoint, query):
    yield get(endpoint, query)
    yield post_form(endpoint, query)
    yield post_direct(endpoint, query)


def test_service_never_reaches_the_network(endpoint, canary):
    url = canary.server_address
    c = f"http://{url[0]}:{url[1]}/sparql"
    for query in service_spellings(c):
        for status, _, body in _all_ways(endpoint, query):
            assert status in (400, 403), (query, status, body)
            assert b"LEAK" not in body
    assert canary.hits == []


def test_service_refused_through_sparqlwrapper(endpoint, canary):
    c = f"http://{canary.server_address[0]}:{canary.server_address[1]}/sparql"
    for query in service_spellings(c):
        for method, qtype in (("GET", None), (POST, None), (POST, POSTDIRECTLY)):
            client = Client(endpoint)
            client.setQuery(query)
            client.setReturnFormat(JSON)
            client.setMethod(method)
            if qtype:
                client.setRequestMethod(qtype)
            with pytest.raises((SPARQLWrapperException, Exception)) as info:
                client.query().convert()
            assert "LEAK" not in str(info.value)
    assert canary.hits == []


@pytest.mark.parametrize("update", UPDATE_SPELLINGS)
def test_update_refused_in_every_spelling(endpoint, update):
    for status, _, body in _all_ways(endpoint, update):
        assert status in (400, 403), (update, status, body)


def test_lookalikes_are_not_refused(endpoint):
    for query in ['SELECT ?service WHERE { ?service ?p "SERVICE <x> {}" } LIMIT 1 # SERVICE',
                  "PREFIX service: <http://e/> SELECT * WHERE { ?s service:x ?o } LIMIT 1",
                  "SELECT * WHERE { ?s <http://e/#SERVICE> ?o } LIMIT 1",
                  "PREFIX x: <http://e/> SELECT * WHERE { ?s x:insert\\#service ?o } LIMIT 1",
                  "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(!BOUND(?x) && -1 < 2) }"]:
        status, _, body = get(endpoint, query)
        assert status == 200, (query, body)


@pytest.mark.parametrize("depth", [3_000, 100_000])
def test_deep_nesting_refused_before_parsing(endpoint, depth):
    shapes = ["SELECT * WHERE " + "{" * depth + "?s ?p ?o" + "}" * depth,
              "SELECT * WHERE { " + "OPTIONAL { ?s ?p ?o " * depth + "}" * depth + " }",
              "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "true" + ")" * depth + ") }",
              "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * depth + "true) }",
              "SELECT * WHERE { ?s ?p ?o FILTER(" + "- " * depth + "1) }",
              "SELECT * WHERE { " + "{ SELECT * WHERE " * depth + "{ ?s ?p ?o }" + " }" * depth + " }"]
    for query in shapes:
        if len(query) > 1 << 20:  # past the body limit: 413 unread (client may see a broken pipe)
            continue
        status, _, body = post_direct(endpoint, query)
        assert status == 400 and b"nests deeper" in body, body[:200]
    assert get(endpoint, "ASK { ?s ?p ?o }")[0] == 200


def test_nesting_within_the_limit_runs(endpoint):
    query = "SELECT * WHERE " + "{" * 100 + "?s ?p ?o" + "}" * 100 + " LIMIT 1"
    assert get(endpoint, query)[0] == 200


def test_guard_functions():
    assert uses_service(r"PREFIX x: <http://e/> SELECT * { ?a x:a\#b ?o . SERVICE <http://e/> {} }")
    with pytest.raises(Refused) as info:
        check_query("SELECT * WHERE { ?s ?p 'unterminated }")
    assert info.value.status == 400


def test_kg_query_refuses_deep_nesting_in_one_line(exported_dir, tmp_path):
    import subprocess
    import sys
    rq = tmp_path / "deep.rq"
    rq.write_text("SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kg.cli", "query", str(exported_dir / "graph.ttl"), "--file", str(rq)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and str(rq) in done.stderr and "nests deeper" in done.stderr
