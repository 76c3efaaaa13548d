"""kg serve: the SPARQL 1.1 Protocol endpoint, tested against a running server with SPARQLWrapper
and with plain urllib."""
from __future__ import annotations

import csv
import gc
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.serve import is_update, load_store, make_server, negotiate, uses_service

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import CSV, JSON, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper as Client  # noqa: E402
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed  # noqa: E402

KG = "https://w3id.org/mlkg/ontology#"
SELECT_DATASETS = "SELECT ?d ?label WHERE { ?d a kg:Dataset ; skos:prefLabel ?label } ORDER BY ?label"
# On the ~400-triple fixture graph: counting a cross product blocks inside one evaluation step for
# a second or so; listing a three-way cross product streams rows for far longer.
EXPENSIVE_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g a kg:Statement }"
EXPENSIVE_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def graph_ttl(exported_dir) -> Path:
    return exported_dir / "graph.ttl"


def _start(store, **kw):
    kw.setdefault("quiet", True)
    server = make_server(store, "127.0.0.1", 0, kw.pop("timeout", 10.0), kw.pop("max_rows", 100_000), **kw)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def _stop(server):
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def server(graph_ttl):
    srv = _start(load_store([graph_ttl]))
    yield srv
    _stop(srv)


@pytest.fixture(scope="module")
def endpoint(server) -> str:
    return server.url + "sparql"


def http(url, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get(endpoint, query, accept=None, **params):
    qs = urllib.parse.urlencode({"query": query, **params})
    return http(f"{endpoint}?{qs}", headers={"Accept": accept} if accept else {})


def post_form(endpoint, query, accept=None, key="query"):
    body = urllib.parse.urlencode({key: query}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return http(endpoint, data=body, headers=headers)


def post_direct(endpoint, query, accept=None, ctype="application/sparql-query"):
    headers = {"Content-Type": ctype}
    if accept:
        headers["Accept"] = accept
    return http(endpoint, data=query.encode("utf-8"), headers=headers)


def expected_json(store, query):
    return json.loads(store.query(query, prefixes=_prefixes(store)).serialize(format=ox.QueryResultsFormat.JSON))


def _prefixes(store):
    from kg.query import known_prefixes
    return known_prefixes(store)


# --- plain HTTP -----------------------------------------------------------------------------

@pytest.mark.parametrize("send", [get, post_form, post_direct], ids=["GET", "POST-form", "POST-direct"])
def test_select_json_matches_engine(server, endpoint, send):
    status, headers, body = send(endpoint, SELECT_DATASETS, "application/sparql-results+json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    doc = json.loads(body)
    assert doc == expected_json(server.store, SELECT_DATASETS)
    labels = [b["label"]["value"] for b in doc["results"]["bindings"]]
    assert "Long Range Arena" in labels and "CIFAR-10" in labels


def test_default_is_json_and_wildcards(endpoint):
    for accept in (None, "*/*", "application/*", "text/html, */*;q=0.1"):
        status, headers, _ = get(endpoint, SELECT_DATASETS, accept)
        assert status == 200 and "sparql-results+json" in headers["Content-Type"], accept


def test_every_solution_format(server, endpoint):
    store = server.store
    q = ("SELECT ?paper ?title ?date WHERE { ?paper a kg:Paper ; dcterms:title ?title "
         "OPTIONAL { ?paper kg:listingDate ?date } } ORDER BY ?title")
    want = expected_json(store, q)["results"]["bindings"]
    titles = [b["title"]["value"] for b in want]
    assert any("\\" in t for t in titles) and any("𝔼" in t for t in titles)

    status, headers, body = get(endpoint, q, "application/sparql-results+xml")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(body)
    results = root.findall("r:results/r:result", ns)
    assert [r.find("r:binding[@name='title']/r:literal", ns).text for r in results] == titles
    assert sum(r.find("r:binding[@name='date']", ns) is None for r in results) == 1  # unbound

    status, headers, body = get(endpoint, q, "text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0] == ["paper", "title", "date"]
    assert [r[1] for r in rows[1:]] == titles
    assert body.startswith(b"paper,title,date\r\n")

    status, headers, body = get(endpoint, q, "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    lines = body.decode("utf-8").rstrip("\n").split("\n")
    assert lines[0] == "?paper\t?title\t?date"
    assert len(lines) == 1 + len(titles)
    assert all(len(line.split("\t")) == 3 for line in lines)
    assert lines[1].split("\t")[0].startswith("<https://w3id.org/mlkg/id/paper/")


def test_tsv_matches_engine(server, endpoint):
    store = server.store
    q = "SELECT ?s ?evidence ?conf WHERE { ?s kg:evidence ?evidence ; kg:confidence ?conf } ORDER BY ?s"
    want = store.query(q, prefixes=_prefixes(store)).serialize(format=ox.QueryResultsFormat.TSV).decode()
    status, _, body = get(endpoint, q, "text/tab-separated-values")
    assert status == 200
    got = body.decode("utf-8")
    # Same rows; pyoxigraph may abbreviate numbers, so compare through the parsed terms.
    parse = lambda text: list(ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.TSV))  # noqa: E731
    assert [tuple(s) for s in parse(got)] == [tuple(s) for s in parse(want)]


def test_format_parameter_overrides_accept(endpoint):
    status, headers, body = get(endpoint, SELECT_DATASETS, "application/sparql-results+json", format="csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    status, headers, _ = get(endpoint, "CONSTRUCT WHERE { ?d a kg:Dataset }", None, format="ntriples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")


def test_ask(endpoint):
    status, headers, body = get(endpoint, "ASK { method:tcnca kg:outperforms method:mega }")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    status, _, body = post_form(endpoint, "ASK { method:mega kg:outperforms method:tcnca }")
    assert json.loads(body)["boolean"] is False
    status, headers, body = get(endpoint, "ASK { ?s ?p ?o }", "application/sparql-results+xml")
    assert status == 200 and b"<boolean>true</boolean>" in body


@pytest.mark.parametrize("accept,ctype,fmt", [
    (None, "text/turtle", ox.RdfFormat.TURTLE),
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_and_describe(server, endpoint, accept, ctype, fmt):
    store = server.store
    q = "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a kg:Paper ; dcterms:title ?t }"
    status, headers, body = get(endpoint, q, accept)
    assert status == 200 and headers["Content-Type"].startswith(ctype)
    got = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)}
    assert got == set(store.query(q, prefixes=_prefixes(store)))
    assert len(got) == 4

    status, headers, body = post_direct(endpoint, "DESCRIBE dataset:long-range-arena", accept)
    assert status == 200 and headers["Content-Type"].startswith(ctype)
    labels = {t.object.value for t in ox.parse(body, format=fmt)
              if t.predicate.value.endswith(("prefLabel", "altLabel"))}
    assert labels == {"Long Range Arena", "LRA", "long-range-arena"}


def test_not_acceptable(endpoint):
    status, _, body = get(endpoint, SELECT_DATASETS, "image/png")
    assert status == 406 and b"text/csv" in body
    status, _, body = get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")
    assert status == 406 and b"text/turtle" in body


# --- refusals and errors --------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "PREFIX ex: <http://e/>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "LOAD <http://example.org/data.ttl>",
    "drop default",
]


@pytest.mark.parametrize("update", UPDATES)
def test_update_refused_every_way(server, endpoint, update):
    before = len(server.store)
    for status, _, body in (get(endpoint, update), post_form(endpoint, update),
                            post_form(endpoint, update, key="update"), post_direct(endpoint, update),
                            post_direct(endpoint, update, ctype="application/sparql-update")):
        assert status == 403, body
        assert b"read-only" in body
    assert len(server.store) == before


def test_update_param_on_get_refused(endpoint):
    status, _, body = http(endpoint + "?" + urllib.parse.urlencode({"update": "CLEAR ALL"}))
    assert status == 403 and b"read-only" in body


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z . service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z .SERVICE ?endpoint { ?s ?p ?o } }",
    "PREFIX s: <http://e/> SELECT * WHERE {\n#comment\nSERVICE\n<http://e/x>{?s ?p ?o}}",
])
def test_service_refused(endpoint, query):
    for status, _, body in (get(endpoint, query), post_direct(endpoint, query)):
        assert status == 403 and b"SERVICE" in body


def test_service_detection_is_lexical():
    assert not uses_service('SELECT ?service WHERE { ?service ex:p "SERVICE <x> {}" } # SERVICE')
    assert not uses_service("SELECT * WHERE { <http://e/SERVICE> ?p ?o . ?s ex:service ?o }")
    assert uses_service("select * { service <http://e/> { ?s ?p ?o } }")
    assert is_update("PREFIX a: <http://e/#x> BASE <http://e/>\nINSERT DATA { a:x a:y a:z }")
    assert not is_update('SELECT * WHERE { ?s ?p "INSERT" }')
    assert not is_update("# INSERT DATA\nASK {}")


@pytest.mark.parametrize("send", [get, post_form, post_direct], ids=["GET", "POST-form", "POST-direct"])
def test_bad_query_400_with_parser_message(endpoint, send):
    status, headers, body = send(endpoint, "SELECT * WHERE { ?s ?p }")
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert re.search(r"error at 1:\d+", text)
    assert "Traceback" not in text and "File \"" not in text


def test_missing_and_empty_query(endpoint):
    assert http(endpoint)[0] == 400
    assert get(endpoint, "   ")[0] == 400
    assert http(endpoint + "?query=a&query=b")[0] == 400
    status, _, _ = http(endpoint, data=b"x", headers={"Content-Type": "application/json"})
    assert status == 415


def test_unknown_path_404(server):
    assert http(server.url + "nope")[0] == 404


# --- SPARQLWrapper --------------------------------------------------------------------------

def _client(endpoint, fmt, method=None):
    c = Client(endpoint)
    c.setReturnFormat(fmt)
    if method == POSTDIRECTLY:
        c.setMethod(POST)
        c.setRequestMethod(POSTDIRECTLY)
    elif method:
        c.setMethod(method)
    return c


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY], ids=["GET", "POST", "POSTDIRECTLY"])
def test_sparqlwrapper_select_every_format(server, endpoint, method):
    query = "PREFIX kg: <https://w3id.org/mlkg/ontology#>\n" + SELECT_DATASETS.replace("kg:Dataset", "kg:Dataset")
    query = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + query
    want = [b["label"]["value"] for b in expected_json(server.store, query)["results"]["bindings"]]

    c = _client(endpoint, JSON, method)
    c.setQuery(query)
    doc = c.query().convert()
    assert [b["label"]["value"] for b in doc["results"]["bindings"]] == want

    c = _client(endpoint, XML, method)
    c.setQuery(query)
    dom = c.query().convert()  # xml.dom.minidom document
    assert [n.firstChild.data for n in dom.getElementsByTagName("literal")] == want

    for fmt, sep in ((CSV, ","), (TSV, "\t")):
        c = _client(endpoint, fmt, method)
        c.setQuery(query)
        text = c.query().convert().decode("utf-8")
        assert len(text.strip().splitlines()) == 1 + len(want)
        assert sep in text.splitlines()[0]


def test_sparqlwrapper_ask_and_construct(endpoint):
    c = _client(endpoint, JSON)
    c.setQuery("PREFIX kg: <https://w3id.org/mlkg/ontology#> ASK { ?m kg:outperforms ?n }")
    assert c.query().convert()["boolean"] is True

    construct = ("PREFIX kg: <https://w3id.org/mlkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                 "CONSTRUCT { ?m skos:prefLabel ?l } WHERE { ?m a kg:Method ; skos:prefLabel ?l }")
    for fmt in (TURTLE, N3):
        c = _client(endpoint, fmt, POST)
        c.setQuery(construct)
        result = c.query()
        ctype = result.response.headers["Content-Type"].split(";")[0]
        assert ctype in ("text/turtle", "application/n-triples")
        rdf_fmt = ox.RdfFormat.from_media_type(ctype)
        body = result.response.read()
        labels = {t.object.value for t in ox.parse(body, format=rdf_fmt)}
        assert {"TCNCA", "MEGA", "Café-Net"} <= labels

    c = _client(endpoint, TURTLE)
    c.setQuery("DESCRIBE <https://w3id.org/mlkg/id/method/tcnca>")
    assert b"TCNCA" in c.query().response.read()


def test_sparqlwrapper_errors(endpoint):
    c = _client(endpoint, JSON)
    c.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed) as info:
        c.query()
    assert "error at" in str(info.value)

    c = _client(endpoint, JSON, POST)
    c.setQuery("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")  # sent as update=
    with pytest.raises(urllib.error.HTTPError) as info:
        c.query()
    assert info.value.code == 403


# --- HTML page ------------------------------------------------------------------------------

def test_page_lists_saved_queries(server):
    from kg.query import saved_queries

    status, headers, body = http(server.url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    page = body.decode("utf-8")
    for name, q in saved_queries().items():
        assert name in page
        assert _esc(q["title"]) in page
    assert 'fetch("/sparql"' in http(server.url + "static/kg-serve.js")[2].decode()
    # Nothing is fetched from elsewhere: only same-origin script and stylesheet references.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    for path in ("static/kg-serve.js", "static/kg-serve.css"):
        assert http(server.url + path)[0] == 200


def _esc(text):
    import html
    return html.escape(text)


def test_page_escapes_saved_queries(graph_ttl, tmp_path):
    evil = tmp_path / "queries"
    evil.mkdir()
    (evil / "evil.rq").write_text(
        "# title: <script>alert('t')</script> & co\n"
        "# description: \"quoted\" <b>bold</b>\n"
        "SELECT * WHERE { ?s ?p \"</textarea><script>alert(1)</script>\" }\n", encoding="utf-8")
    srv = _start(load_store([graph_ttl]), queries_dir=evil)
    try:
        page = http(srv.url)[2].decode("utf-8")
    finally:
        _stop(srv)
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "</textarea><script>" not in page
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; &amp; co" in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 1  # only the page's own /static/kg-serve.js


# --- limits ---------------------------------------------------------------------------------

def test_row_cap(graph_ttl):
    srv = _start(load_store([graph_ttl]), max_rows=5)
    try:
        url = srv.url + "sparql"
        status, headers, body = get(url, "SELECT * WHERE { ?s ?p ?o }")
        assert status == 200 and headers["X-KG-Truncated"] == "max-rows=5"
        assert len(json.loads(body)["results"]["bindings"]) == 5
        status, headers, body = get(url, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
        assert len(list(csv.reader(io.StringIO(body.decode())))) == 6  # literals may hold newlines
        status, headers, body = get(url, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
        assert headers["X-KG-Truncated"] == "max-rows=5" and len(body.decode().strip().splitlines()) == 5
        status, headers, body = get(url, "SELECT * WHERE { ?s a kg:Paper } LIMIT 5")
        assert "X-KG-Truncated" not in headers and len(json.loads(body)["results"]["bindings"]) == 4
    finally:
        _stop(srv)


def test_timeout(graph_ttl):
    srv = _start(load_store([graph_ttl]), timeout=0.3, slots=2)
    url = srv.url + "sparql"
    first_workers = {w.proc.pid for w in srv.service._all}
    try:
        # A query that streams rows is stopped (its worker killed) right after the deadline.
        start = time.perf_counter()
        status, _, body = get(url, EXPENSIVE_ROWS)
        elapsed = time.perf_counter() - start
        assert status == 504 and b"timed out" in body
        assert 0.25 < elapsed < 2.0
        # A query blocked inside one evaluation step (an aggregate) also gets its 504 on time.
        start = time.perf_counter()
        status, _, body = post_direct(url, EXPENSIVE_COUNT)
        assert status == 504 and time.perf_counter() - start < 2.0
        # The server keeps answering: killed workers are replaced.
        status, _, body = get(url, "ASK { ?s ?p ?o }")
        assert status == 200
        deadline = time.monotonic() + 30
        while not srv.service.ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert srv.service.ready()
        # and the timed-out queries no longer use the CPU: the only children left are live workers
        killed = first_workers - {w.proc.pid for w in srv.service._all}
        assert len(killed) == 2 and not any(Path(f"/proc/{pid}").exists() for pid in killed)
    finally:
        _stop(srv)


# --- persistent store -----------------------------------------------------------------------

def test_persistent_store_reused_on_restart(graph_ttl, tmp_path):
    graph = tmp_path / "graph.ttl"
    graph.write_bytes(graph_ttl.read_bytes())
    store_dir = tmp_path / "store"
    logs: list[str] = []

    store = load_store([graph], store_dir, log=logs.append)
    n = len(store)
    assert n > 100 and any(line.startswith("loaded") for line in logs)
    srv = _start(store)
    try:
        assert json.loads(get(srv.url + "sparql", "ASK { method:tcnca kg:outperforms method:mega }")[2])["boolean"]
    finally:
        _stop(srv)
    del store, srv
    gc.collect()

    logs.clear()
    start = time.perf_counter()
    store = load_store([graph], store_dir, log=logs.append)
    assert logs and "up to date" in logs[0] and not any(line.startswith("loaded") for line in logs)
    assert len(store) == n
    assert time.perf_counter() - start < 5
    del store
    gc.collect()

    # Changing the input reloads (and replaces, not adds to) the store.
    text = graph.read_text(encoding="utf-8")
    graph.write_text(text + '\n<http://e/x> <http://e/y> "new" .\n', encoding="utf-8")
    os.utime(graph, ns=(time.time_ns(), time.time_ns() + 10**9))
    logs.clear()
    store = load_store([graph], store_dir, log=logs.append)
    assert any(line.startswith("loaded") for line in logs)
    assert len(store) == n + 1
    del store
    gc.collect()
    manifest = json.loads((store_dir / "kg-serve.json").read_text())
    assert manifest["files"][0]["path"] == str(graph.resolve())


def test_cli_serve_end_to_end(graph_ttl, tmp_path):
    """`kg serve` starts, loads into --store, answers on /sparql, and reuses the store."""
    for attempt in range(2):
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(graph_ttl), "--port", "0",
                                 "--store", str(tmp_path / "st"), "--quiet", "--timeout", "5"],
                                stderr=subprocess.PIPE, text=True)
        try:
            lines = []
            url = None
            deadline = time.monotonic() + 60
            while url is None and time.monotonic() < deadline:
                line = proc.stderr.readline()
                if not line:
                    break
                lines.append(line)
                m = re.search(r"SPARQL endpoint at (\S+)", line)
                if m:
                    url = m.group(1)
            assert url, "".join(lines)
            assert url.startswith("http://127.0.0.1:")
            assert ("up to date" in "".join(lines)) == (attempt == 1)
            status, _, body = get(url, "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }")
            assert status == 200
            assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "4"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            proc.stderr.close()


def test_negotiate_q_values():
    assert negotiate("solutions", "text/csv;q=0.5, application/sparql-results+xml", []) == "xml"
    assert negotiate("solutions", "text/csv;q=0.5, application/sparql-results+xml;q=0", []) == "csv"
    assert negotiate("graph", "application/n-triples;q=0.9, text/turtle", []) == "turtle"
    assert negotiate("graph", "text/*", []) == "turtle"
    assert negotiate("boolean", None, ["xml"]) == "xml"
