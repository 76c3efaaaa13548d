"""A read-only SPARQL 1.1 Protocol endpoint over exported graphs (`kg serve`).

    kg serve exports/graph.ttl [--host 127.0.0.1] [--port 7878] [--store DIR]
                               [--timeout 30] [--max-rows 100000]

    GET  /sparql?query=...                          (query in the URL)
    POST /sparql   Content-Type: application/x-www-form-urlencoded   query=...
    POST /sparql   Content-Type: application/sparql-query            (query as the body)
    GET  /                                          HTML page: query box + saved queries

Results are content-negotiated (Accept header, or a `format=` parameter such as json, xml, csv,
tsv, turtle, ntriples): SELECT and ASK give SPARQL JSON (default), SPARQL XML, CSV or TSV;
CONSTRUCT and DESCRIBE give Turtle (default), N-Triples or RDF/XML. The prefixes listed in
kg.query (kg:, skos:, paper:, dataset: ...) are predeclared.

Read-only and bounded: SPARQL Update (an `update=` parameter, an application/sparql-update body
or an update sent as a query) and SERVICE are refused with 403 before anything is evaluated; a
query that cannot be parsed gets 400 with the parser's message; results stop at `max_rows`
(header `X-KG-Truncated: max-rows=N`); a query still running at the deadline gets 504.

Timeouts. pyoxigraph releases the GIL while it evaluates, so each query runs in a worker thread
and the request thread waits for it until the deadline. Results are pulled lazily and the worker
checks a cancel flag between rows, so a query that streams rows stops right after its 504. A
query stuck inside one evaluation step (a big GROUP BY or ORDER BY, which must see every solution
before the first row) cannot be interrupted from Python: its thread finishes that step in the
background, then notices the flag and drops the result. Such queries hold one of `slots` query
slots (default: the number of CPUs, at least 2) while they run; when all slots are busy, new
queries get 503 with Retry-After instead of queueing behind them.

Persistent store. With `store_dir`, the graph lives in a pyoxigraph on-disk store at
DIR/oxigraph and DIR/kg-serve.json records the loaded files (absolute path, size, mtime); a
restart with the same files opens the store without parsing anything.

    from kg.serve import load_store, make_server
    store = load_store(["exports/graph.ttl"])
    server = make_server(store, "127.0.0.1", 0, timeout=5, max_rows=1000)   # port 0: any free port
    threading.Thread(target=server.serve_forever, daemon=True).start(); print(server.url)
"""
from __future__ import annotations

import concurrent.futures
import csv
import html
import io
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape, quoteattr

import click
import pyoxigraph as ox

from kg.query import QUERIES_DIR, _one_line, _used_prefixes_only, known_prefixes, saved_queries
from kg.rdf import rdf_format as _rdf_format

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 100_000
MAX_BODY = 1 << 20  # bytes of a POST body
MANIFEST = "kg-serve.json"
STORE_SUBDIR = "oxigraph"

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


# --- loading --------------------------------------------------------------------------------

def _file_record(path: Path) -> dict:
    st = path.stat()
    return {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def load_store(graphs: Iterable[str | os.PathLike], store_dir: str | os.PathLike | None = None,
               *, force: bool = False, log: Callable[[str], None] | None = None) -> ox.Store:
    """A Store holding every file in `graphs` (in the default graph).

    Without `store_dir` the store is in memory and the files are parsed now. With it, the store
    is on disk in `store_dir`; if the manifest there lists exactly these files with the same
    sizes and modification times, nothing is parsed (unless `force`). `log` gets progress lines.
    """
    log = log or (lambda message: None)
    paths = [Path(g) for g in graphs]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such file")
        _rdf_format(p)
    records = [_file_record(p) for p in paths]
    wanted = {"format": 1, "pyoxigraph": getattr(ox, "__version__", ""), "files": records}

    if store_dir is None:
        store = ox.Store()
        _bulk_load(store, paths, log)
        return store

    store_dir = Path(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    manifest = store_dir / MANIFEST
    try:
        store = ox.Store(str(store_dir / STORE_SUBDIR))
    except OSError as exc:
        raise OSError(f"cannot open the store in {store_dir} (is another `kg serve` using it?): "
                      f"{_one_line(str(exc))}") from None
    try:
        current = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = None
    if current == wanted and not force:
        log(f"store {store_dir} is up to date ({len(records)} file(s)); not reloading")
        return store
    manifest.unlink(missing_ok=True)  # a crash while loading must not leave a stale manifest
    store.clear()
    _bulk_load(store, paths, log)
    store.flush()
    tmp = manifest.with_suffix(".tmp")
    tmp.write_text(json.dumps(wanted, indent=1), encoding="utf-8")
    os.replace(tmp, manifest)
    return store


def _bulk_load(store: ox.Store, paths: list[Path], log: Callable[[str], None]) -> None:
    for p in paths:
        start = time.perf_counter()
        try:
            store.bulk_load(path=str(p), format=_rdf_format(p))
        except SyntaxError as exc:
            raise ValueError(f"{p}: {_one_line(str(exc))}") from None
        log(f"loaded {p} in {time.perf_counter() - start:.1f} s")


# --- request checks -------------------------------------------------------------------------

# Long strings, short strings, IRIs and comments, in the order the SPARQL lexer tries them.
_LEXICAL = re.compile(
    r"'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.S,
)
_SERVICE = re.compile(r"(?<![\w?$:\-])SERVICE(?![\w:\-])", re.I)
_FIRST_KEYWORD = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*<>|BASE\s*<>)\s*)*([A-Za-z]+)", re.I)
UPDATE_KEYWORDS = frozenset("INSERT DELETE LOAD CLEAR CREATE DROP COPY MOVE ADD WITH".split())


def _skeleton(sparql: str) -> str:
    """The query with string literals, IRIs and comments blanked out (keywords stay)."""
    def blank(m: re.Match) -> str:
        tok = m.group(0)
        return "<>" if tok.startswith("<") else " " if tok.startswith("#") else '""'
    return _LEXICAL.sub(blank, sparql)


def is_update(sparql: str) -> bool:
    """True when the request's first keyword after the prologue is a SPARQL Update operation."""
    m = _FIRST_KEYWORD.match(_skeleton(sparql))
    return bool(m) and m.group(1).upper() in UPDATE_KEYWORDS


def uses_service(sparql: str) -> bool:
    """True when the SERVICE keyword occurs outside strings, IRIs and comments (conservative:
    a local name that ends in ".service" also counts)."""
    return bool(_SERVICE.search(_skeleton(sparql)))


# --- content negotiation --------------------------------------------------------------------

# (media type sent, serializer key); the first entry is the default.
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
}
CONTENT_TYPE = {
    "json": "application/sparql-results+json; charset=utf-8",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples; charset=utf-8",
    "rdfxml": "application/rdf+xml; charset=utf-8",
}
SOLUTION_ALIASES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_ALIASES = {"turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "n-triples": "ntriples",
                 "nt": "ntriples", "xml": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "rdf": "rdfxml"}


class NotAcceptable(Exception):
    pass


def _parse_accept(header: str) -> list[str]:
    """Media ranges in preference order (q-values, then order of appearance); q=0 dropped."""
    ranges = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((-q, i, media))
    return [media for _, _, media in sorted(ranges)]


def negotiate(kind: str, accept: str | None, formats: list[str]) -> str:
    """The serializer key for a result of `kind` ("solutions", "boolean" or "graph")."""
    table, aliases = (GRAPH_TYPES, GRAPH_ALIASES) if kind == "graph" else (SOLUTION_TYPES, SOLUTION_ALIASES)
    for value in formats:  # an explicit format= parameter wins when it fits the query form
        value = value.strip().lower()
        if value in aliases:
            return aliases[value]
        if value.split(";")[0].strip() in table:
            return table[value.split(";")[0].strip()]
    if not accept or not accept.strip():
        return next(iter(table.values()))
    for media in _parse_accept(accept):
        if media in table:
            return table[media]
        if media == "*/*":
            return next(iter(table.values()))
        if media.endswith("/*"):
            for known, key in table.items():
                if known.startswith(media[:-1]):
                    return key
    offered = ", ".join(dict.fromkeys(CONTENT_TYPE[k].split(";")[0] for k in table.values()))
    raise NotAcceptable(f"cannot produce any of the accepted types ({accept}) for this query; available: {offered}")


# --- result serializers ---------------------------------------------------------------------

def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    return {"type": "literal", "value": str(term)}


def _term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_term_xml(term.subject)}</subject><predicate>{_term_xml(term.predicate)}"
                f"</predicate><object>{_term_xml(term.object)}</object></triple>")
    return f"<literal>{xml_escape(str(term))}</literal>"


def _term_csv(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _term_tsv(term) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Cancelled(Exception):
    pass


def _capped(items, max_rows: int, cancel: threading.Event, state: dict):
    """Yield at most max_rows items (solutions or triples), checking `cancel` every 256."""
    for i, item in enumerate(items):
        if i & 255 == 0 and cancel.is_set():
            raise Cancelled
        if i >= max_rows:
            state["truncated"] = True
            return
        yield item


def serialize_solutions(solutions, key: str, max_rows: int, cancel: threading.Event, state: dict) -> bytes:
    variables = [v.value for v in solutions.variables]
    rows = (tuple(sol) for sol in _capped(solutions, max_rows, cancel, state))
    if key == "json":
        bindings = []
        for row in rows:
            bindings.append({v: _term_json(t) for v, t in zip(variables, row) if t is not None})
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if key == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out.extend(f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                       for v, t in zip(variables, row) if t is not None)
            out.append("</result>\n")
        out.append("</results></sparql>\n")
        return "".join(out).encode("utf-8")
    if key == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for row in rows:
            w.writerow([_term_csv(t) for t in row])
        return buf.getvalue().encode("utf-8")
    if key == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines.extend("\t".join(_term_tsv(t) for t in row) for row in rows)
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(key)


def serialize_boolean(result, key: str) -> bytes:
    fmt = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[key]
    return result.serialize(format=fmt)


def serialize_graph(triples, key: str, max_rows: int, cancel: threading.Event, state: dict,
                    prefix_map: dict[str, str]) -> bytes:
    collected = list(_capped(triples, max_rows, cancel, state))
    if key == "turtle":
        body = ox.serialize(collected, format=ox.RdfFormat.TURTLE, prefixes=prefix_map).decode("utf-8")
        return _used_prefixes_only(body).encode("utf-8")
    if key == "ntriples":
        return ox.serialize(collected, format=ox.RdfFormat.N_TRIPLES)
    if key == "rdfxml":
        return ox.serialize(collected, format=ox.RdfFormat.RDF_XML)
    raise ValueError(key)


# --- the query service ----------------------------------------------------------------------

class Response:
    __slots__ = ("status", "content_type", "body", "headers")

    def __init__(self, status: int, body: bytes | str, content_type: str = "text/plain; charset=utf-8",
                 headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.content_type = content_type
        self.headers = headers or {}


def _error(status: int, message: str, **headers: str) -> Response:
    return Response(status, message.rstrip("\n") + "\n", headers=headers)


class QueryService:
    """Runs read-only queries against one store with a deadline and a row cap."""

    def __init__(self, store: ox.Store, timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
                 slots: int | None = None) -> None:
        self.store = store
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.slots = slots or max(2, os.cpu_count() or 2)
        self.prefixes = known_prefixes(store)
        self._free = threading.BoundedSemaphore(self.slots)
        self._pool = concurrent.futures.ThreadPoolExecutor(self.slots, thread_name_prefix="kg-sparql")

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run(self, sparql: str, accept: str | None = None, formats: list[str] | None = None,
            default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Response:
        if not sparql or not sparql.strip():
            return _error(400, "empty query")
        if is_update(sparql):
            return _error(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if uses_service(sparql):
            return _error(403, "SERVICE (federated query) is not allowed on this endpoint")
        kwargs = {"prefixes": self.prefixes}
        try:
            if default_graphs:
                kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            if named_graphs:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        except ValueError as exc:
            return _error(400, f"bad graph IRI: {_one_line(str(exc))}")

        deadline = time.monotonic() + self.timeout
        if not self._free.acquire(timeout=min(self.timeout, 1.0)):
            return _error(503, f"all {self.slots} query slots are busy (earlier queries are still running); "
                               "retry later", **{"Retry-After": "5"})
        cancel = threading.Event()
        try:
            future = self._pool.submit(self._evaluate, sparql, kwargs, accept, formats or [], cancel)
        except RuntimeError:  # pool shut down
            self._free.release()
            return _error(503, "server is shutting down")
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except concurrent.futures.TimeoutError:
            cancel.set()
            return _error(504, f"query timed out after {self.timeout:g} s (the server's --timeout)")

    def _evaluate(self, sparql, kwargs, accept, formats, cancel: threading.Event) -> Response:
        try:
            return self._evaluate_inner(sparql, kwargs, accept, formats, cancel)
        except Cancelled:
            return _error(504, "query cancelled")
        except Exception as exc:  # never a stack trace to the client
            return _error(500, f"query failed: {type(exc).__name__}: {_one_line(str(exc))}")
        finally:
            self._free.release()

    def _evaluate_inner(self, sparql, kwargs, accept, formats, cancel) -> Response:
        try:
            result = self.store.query(sparql, **kwargs)
        except SyntaxError as exc:
            return _error(400, f"bad query: {_one_line(str(exc))}")
        except OSError as exc:
            return _error(400, f"query failed: {_one_line(str(exc))}")
        kind = ("boolean" if isinstance(result, ox.QueryBoolean)
                else "graph" if isinstance(result, ox.QueryTriples) else "solutions")
        try:
            key = negotiate(kind, accept, formats)
        except NotAcceptable as exc:
            return _error(406, str(exc))
        state = {"truncated": False}
        try:
            if kind == "boolean":
                body = serialize_boolean(result, key)
            elif kind == "graph":
                body = serialize_graph(result, key, self.max_rows, cancel, state, self.prefixes)
            else:
                body = serialize_solutions(result, key, self.max_rows, cancel, state)
        except (OSError, RuntimeError, ValueError) as exc:
            return _error(400, f"query failed: {_one_line(str(exc))}")
        headers = {"X-KG-Truncated": f"max-rows={self.max_rows}"} if state["truncated"] else {}
        return Response(200, body, CONTENT_TYPE[key], headers)


# --- HTML page ------------------------------------------------------------------------------

_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;max-width:1200px;color:#222}
h1{font-size:1.3em}textarea{width:100%;font:13px monospace;box-sizing:border-box}
#query{height:16em}ul.saved{padding-left:1.2em}ul.saved li{margin:.3em 0}
ul.saved button{font-weight:600}.desc{color:#555}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:2px 6px;
vertical-align:top;text-align:left;font-size:13px}#status{margin-left:1em;color:#555}
pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap}
"""

_JS = r"""
"use strict";
(function () {
  const box = document.getElementById("query");
  const out = document.getElementById("results");
  const status = document.getElementById("status");
  const fmt = document.getElementById("format");
  document.querySelectorAll("button[data-rq]").forEach(function (b) {
    b.addEventListener("click", function () {
      box.value = document.getElementById(b.getAttribute("data-rq")).value;
      box.focus();
    });
  });
  function cell(term) {
    const td = document.createElement("td");
    if (term) {
      let text = term.value;
      if (term.type === "uri") text = "<" + text + ">";
      else if (term["xml:lang"]) text += " @" + term["xml:lang"];
      td.textContent = text;
    }
    return td;
  }
  function table(doc) {
    const t = document.createElement("table");
    const head = document.createElement("tr");
    doc.head.vars.forEach(function (v) {
      const th = document.createElement("th"); th.textContent = "?" + v; head.appendChild(th);
    });
    t.appendChild(head);
    doc.results.bindings.forEach(function (b) {
      const tr = document.createElement("tr");
      doc.head.vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
      t.appendChild(tr);
    });
    return t;
  }
  document.getElementById("form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    out.textContent = "";
    status.textContent = "running...";
    const started = performance.now();
    fetch("/sparql", {method: "POST", headers: {"Content-Type": "application/sparql-query",
                                                  "Accept": fmt.value}, body: box.value})
      .then(function (r) {
        return r.text().then(function (text) {
          const ms = Math.round(performance.now() - started);
          const cut = r.headers.get("X-KG-Truncated");
          status.textContent = r.status + " " + r.statusText + " in " + ms + " ms" + (cut ? " (truncated at " + cut + ")" : "");
          const ct = r.headers.get("Content-Type") || "";
          if (r.ok && ct.indexOf("sparql-results+json") >= 0) {
            const doc = JSON.parse(text);
            if (doc.results) {
              const p = document.createElement("p");
              p.textContent = doc.results.bindings.length + " row(s)";
              out.appendChild(p);
              out.appendChild(table(doc));
              return;
            }
          }
          const pre = document.createElement("pre");
          pre.textContent = text;
          out.appendChild(pre);
        });
      })
      .catch(function (e) { status.textContent = "request failed: " + e; });
  });
})();
"""


def render_page(queries: dict[str, dict[str, str]], triples: int | None = None) -> str:
    """The HTML page: a query box, the saved queries (every text escaped) and a results area."""
    e = html.escape
    items, hidden = [], []
    for i, (name, q) in enumerate(queries.items()):
        items.append(f'<li><button type="button" data-rq="rq-{i}">{e(q["title"])}</button> '
                     f'<code>{e(name)}</code> <span class="desc">{e(q["description"])}</span></li>')
        hidden.append(f'<textarea id="rq-{i}" hidden readonly>{e(q["sparql"])}</textarea>')
    first = next(iter(queries.values()))["sparql"] if queries else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    size = f" ({triples:,} triples)" if triples is not None else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/kg-serve.css"></head>
<body>
<h1>kg SPARQL endpoint{e(size)}</h1>
<p>Read-only SPARQL 1.1 at <code>/sparql</code> (GET or POST). Prefixes such as <code>kg:</code>,
<code>skos:</code>, <code>dcterms:</code>, <code>paper:</code> and <code>dataset:</code> are predeclared.</p>
<form id="form">
<textarea id="query" name="query" spellcheck="false">{e(first)}</textarea>
<p><label>Result format <select id="format">
<option value="application/sparql-results+json">table (SPARQL JSON)</option>
<option value="application/sparql-results+json;q=1, text/turtle;q=0.9">raw JSON / Turtle</option>
<option value="text/csv">CSV</option>
<option value="text/tab-separated-values">TSV</option>
<option value="application/sparql-results+xml, application/rdf+xml;q=0.9">XML</option>
<option value="application/n-triples, text/csv;q=0.5">N-Triples</option>
</select></label> <button type="submit">Run</button><span id="status"></span></p>
</form>
<h2>Saved queries</h2>
<ul class="saved">
{chr(10).join(items)}
</ul>
{chr(10).join(hidden)}
<div id="results"></div>
<script src="/static/kg-serve.js"></script>
</body></html>
"""


# --- HTTP -----------------------------------------------------------------------------------

class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, service: QueryService, page: str, quiet: bool = False) -> None:
        self.service = service
        self.page = page.encode("utf-8")
        self.quiet = quiet
        super().__init__(address, SparqlHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        self.service.close()


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _send(self, resp: Response, head_only: bool = False) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.path.startswith("/sparql"):
            self.send_header("Vary", "Accept")
            self.send_header("Access-Control-Allow-Origin", "*")
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if not head_only:
            self.wfile.write(resp.body)

    def _safely(self, method: Callable[[], Response], head_only: bool = False) -> None:
        try:
            resp = method()
        except Exception as exc:  # never a stack trace
            resp = _error(500, f"internal error: {type(exc).__name__}")
        try:
            self._send(resp, head_only)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._safely(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._safely(self._get, head_only=True)

    def do_POST(self) -> None:  # noqa: N802
        self._safely(self._post)

    def _get(self) -> Response:
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            return Response(200, self.server.page, "text/html; charset=utf-8", {"Content-Security-Policy": _CSP})
        if url.path == "/static/kg-serve.js":
            return Response(200, _JS, "text/javascript; charset=utf-8")
        if url.path == "/static/kg-serve.css":
            return Response(200, _CSS, "text/css; charset=utf-8")
        if url.path != "/sparql":
            return _error(404, f"not found: {url.path} (the endpoint is /sparql)")
        try:
            params = parse_qs(url.query, keep_blank_values=True, strict_parsing=False, errors="strict")
        except UnicodeDecodeError:
            return _error(400, "query string is not valid UTF-8")
        return self._dispatch(params, None)

    def _post(self) -> Response:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            return _error(404, f"not found: {url.path} (the endpoint is /sparql)")
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            return _error(411, "Content-Length required")
        try:
            n = int(length)
        except ValueError:
            self.close_connection = True
            return _error(400, "bad Content-Length")
        if n > MAX_BODY:
            self.close_connection = True
            return _error(413, f"request body larger than {MAX_BODY} bytes")
        raw = self.rfile.read(n)
        ctype, _, rest = (self.headers.get("Content-Type") or "").partition(";")
        ctype = ctype.strip().lower()
        charset = "utf-8"
        m = re.search(r"charset\s*=\s*\"?([\w\-]+)", rest, re.I)
        if m:
            charset = m.group(1)
        try:
            params = parse_qs(url.query, keep_blank_values=True, errors="strict")
            if ctype == "application/sparql-update":
                return _error(403, "SPARQL Update is not allowed: this endpoint is read-only")
            if ctype == "application/sparql-query":
                if "query" in params:
                    return _error(400, "give the query either as the body or as a parameter, not both")
                return self._dispatch(params, raw.decode(charset))
            if ctype == "application/x-www-form-urlencoded" or not ctype:
                form = parse_qs(raw.decode("ascii", errors="strict"), keep_blank_values=True, errors="strict")
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
                return self._dispatch(params, None)
        except (UnicodeDecodeError, LookupError):
            return _error(400, "request body is not valid text in the declared encoding")
        return _error(415, f"unsupported Content-Type {ctype!r}; use application/sparql-query or "
                           "application/x-www-form-urlencoded")

    def _dispatch(self, params: dict[str, list[str]], body_query: str | None) -> Response:
        if "update" in params:
            return _error(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if body_query is None:
            queries = params.get("query", [])
            if not queries:
                return _error(400, "missing 'query' parameter")
            if len(queries) > 1:
                return _error(400, "more than one 'query' parameter")
            body_query = queries[0]
        formats = params.get("format", []) + params.get("output", [])
        return self.server.service.run(body_query, self.headers.get("Accept"), formats,
                                       params.get("default-graph-uri"), params.get("named-graph-uri"))


def make_server(store: ox.Store, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, *,
                queries_dir: str | os.PathLike = QUERIES_DIR, slots: int | None = None,
                quiet: bool = False) -> SparqlServer:
    """A server bound to (host, port) (port 0: any free port; see `.url`), not yet serving:
    call `serve_forever()` (e.g. in a thread) and `shutdown()` + `server_close()` to stop."""
    service = QueryService(store, timeout=timeout, max_rows=max_rows, slots=slots)
    page = render_page(saved_queries(queries_dir), len(store))
    return SparqlServer((host, port), service, page, quiet=quiet)


def _is_loopback(host: str) -> bool:
    import ipaddress
    import socket

    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
        except OSError:
            return False


@click.command()
@click.argument("graphs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to bind (loopback unless told otherwise).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep a persistent on-disk store here; a restart with the same files skips loading.")
@click.option("--reload", "force", is_flag=True, help="With --store: reload the files even if they are unchanged.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(min=0.001),
              help="Seconds before a query is answered 504.")
@click.option("--max-rows", default=DEFAULT_MAX_ROWS, show_default=True, type=click.IntRange(min=1),
              help="Result rows (or triples) returned at most; more are cut off.")
@click.option("--quiet", is_flag=True, help="Do not log requests.")
def serve_command(graphs, host, port, store_dir, force, timeout, max_rows, quiet):
    """Serve GRAPH files (.ttl, .nt, .jsonld) as a read-only SPARQL 1.1 endpoint at /sparql."""
    def log(message: str) -> None:
        click.echo(f"kg serve: {message}", err=True)

    start = time.perf_counter()
    try:
        store = load_store(graphs, store_dir, force=force, log=log)
    except (OSError, ValueError) as exc:
        click.echo(f"kg: {exc}", err=True)
        sys.exit(2)
    log(f"{len(store):,} triples ready in {time.perf_counter() - start:.1f} s")
    if not _is_loopback(host):
        log(f"warning: listening on {host}, not loopback: anyone who can reach this address can query the graph")
    try:
        server = make_server(store, host, port, timeout, max_rows, quiet=quiet)
    except OSError as exc:
        click.echo(f"kg: cannot listen on {host}:{port}: {exc}", err=True)
        sys.exit(2)
    log(f"SPARQL endpoint at {server.url}sparql ; query page at {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
