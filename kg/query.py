"""SPARQL over an export, with pyoxigraph.

    run_query("exports/graph.ttl", "SELECT ...", fmt="table")   # or "csv", "json"

SELECT gives an aligned text table (IRIs shortened with the known prefixes; with `max_width`,
long cells are cut to fit it, ending in "…"), SPARQL 1.1 CSV or SPARQL 1.1 JSON results; ASK
gives "true"/"false" (JSON: {"head":{},"boolean":true}). CONSTRUCT and DESCRIBE give graphs,
which CSV and SPARQL JSON results cannot hold: Turtle for "table", N-Triples (one triple a line,
the line-based form) for "csv", JSON-LD for "json". SPARQL Update (INSERT, DELETE, ...) is
refused: an export is read-only. The known prefixes (kg:, schema:, dcterms:, skos:, prov:, rdf:, rdfs:,
xsd:, owl:, void: and the instance prefixes paper:, method:, dataset:, hardware:, task:,
statement:) are predeclared, so queries may use them without PREFIX lines.
"""
from __future__ import annotations

import os
import re
import unicodedata
from importlib.resources.abc import Traversable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.cellsafe import csv_text
from kg.rdf import DEFAULT_BASE_IRI, VOID, graph_triples, prefixes, rdf_format
from kg.schema import queries_folder

FORMATS = ("table", "csv", "json")


class QueryError(ValueError):
    """A SPARQL query could not be parsed or evaluated; str() is a one-line message."""


def open_store(path: str | os.PathLike) -> ox.Store:
    """An in-memory pyoxigraph Store holding the export at `path` (.ttl, .nt, .jsonld, ...)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such export file")
    store = ox.Store()
    store.load(path=str(path), format=rdf_format(path))
    return store


def store_from_graph(G: nx.MultiDiGraph) -> ox.Store:
    """An in-memory Store holding the RDF form of a networkx graph (no file needed)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph_triples(G))
    return store


def _as_store(source) -> ox.Store:
    if isinstance(source, ox.Store):
        return source
    if isinstance(source, nx.Graph):
        return store_from_graph(source)
    return open_store(source)


def _base_iri(store: ox.Store) -> str:
    for q in store.quads_for_pattern(None, ox.NamedNode(VOID + "uriSpace"), None):
        return q.object.value
    return DEFAULT_BASE_IRI


def known_prefixes(store: ox.Store) -> dict[str, str]:
    return prefixes(_base_iri(store))


def _one_line(message: str) -> str:
    text = " ".join(message.split())
    m = re.match(r"(error at \d+:\d+): expected one of Prefix not found", text)
    if m:
        return f"{m.group(1)}: undeclared prefix"
    return text if len(text) <= 300 else text[:297] + "..."


_UPDATE = re.compile(
    r"^\s*(?:(?:#[^\n]*\n|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)


def _update_keyword(sparql: str) -> str | None:
    """The SPARQL Update operation `sparql` starts with (after its prologue), if any."""
    m = _UPDATE.match(sparql)
    return m.group(1).upper() if m else None


def run_query(path_or_store, sparql: str, fmt: str = "table", max_width: int | None = None) -> str:
    """Run `sparql` over an export path, a pyoxigraph Store or a networkx graph; see module doc.
    `max_width` (table format only) is the line width to fit, e.g. the terminal's."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown result format {fmt!r}; expected one of {', '.join(FORMATS)}")
    store = _as_store(path_or_store)
    prefix_map = known_prefixes(store)
    try:
        result = store.query(sparql, prefixes=prefix_map)
        if isinstance(result, ox.QueryBoolean):
            if fmt == "json":
                return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8")
            return "true" if bool(result) else "false"
        if isinstance(result, ox.QueryTriples):
            triples = list(result)
            if fmt == "csv":
                return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            if fmt == "json":
                return ox.serialize(triples, format=ox.RdfFormat.JSON_LD).decode("utf-8")
            body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefix_map).decode("utf-8")
            return _used_prefixes_only(body)
        if fmt == "csv":  # written here, not by pyoxigraph, so cells are spreadsheet-safe
            variables = [v.value for v in result.variables]
            return csv_text(variables, ([_csv_value(sol[v]) for v in variables] for sol in result))
        if fmt == "json":
            return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8")
        variables = [v.value for v in result.variables]
        rows = [[_show(sol[v], prefix_map) for v in variables] for sol in result]
    except SyntaxError as exc:
        if (op := _update_keyword(sparql)) is not None:
            raise QueryError(f"the export is read-only: {op} is SPARQL Update; kg query runs SELECT, ASK, "
                             "CONSTRUCT and DESCRIBE") from None
        raise QueryError(_one_line(str(exc))) from None
    except OSError as exc:  # evaluation errors
        raise QueryError(_one_line(str(exc))) from None
    return format_table(variables, rows, max_width=max_width)


def _csv_value(term) -> str:
    """A term as SPARQL 1.1 CSV writes it: IRIs and literals by their value, blank nodes _:id."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _used_prefixes_only(turtle: str) -> str:
    """pyoxigraph writes every given prefix; keep the ones the body uses, sorted."""
    lines = turtle.splitlines(keepends=True)
    head = [ln for ln in lines if ln.startswith("@prefix ")]
    body = "".join(ln for ln in lines if not ln.startswith("@prefix "))
    used = sorted(ln for ln in head if re.search(r"(?<![\w-])" + re.escape(ln.split()[1]), body))
    return "".join(used) + ("\n" if used else "") + body


# --- text table -----------------------------------------------------------------------------

def _shorten(iri: str, prefix_map: dict[str, str]) -> str:
    best = None
    for p, ns in prefix_map.items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
            best = (p, ns)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else f"<{iri}>"


def _show(term, prefix_map: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _shorten(term.value, prefix_map)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        text = term.value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if term.language:
            return f"{text}@{term.language}"
        return text
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


_MIN_COLUMN = 12  # a cut column keeps at least this many characters


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def _fit(widths: list[int], max_width: int) -> list[int]:
    """Column widths whose lines fit max_width: the widest columns shrink first, none below
    _MIN_COLUMN (or its own width), so short columns such as counts are never cut."""
    widths = list(widths)
    budget = max_width - 2 * (len(widths) - 1)
    while sum(widths) > budget:
        i = max(range(len(widths)), key=lambda j: widths[j])
        floor = max(_MIN_COLUMN, sorted(widths)[-2] if len(widths) > 1 else 0)
        new = max(floor, widths[i] - (sum(widths) - budget))
        if new >= widths[i]:
            if widths[i] <= _MIN_COLUMN:
                break
            new = widths[i] - 1
        widths[i] = new
    return widths


def format_table(header: list[str], rows: list[list[str]], max_width: int | None = None) -> str:
    """Aligned plain-text table: header, a dashed rule, the rows, and a row count. With
    `max_width`, the widest columns are cut (ending in "…") until a line fits it."""
    widths = [_width(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _width(cell))
    if max_width is not None:
        fitted = _fit(widths, max_width)
        if fitted != widths:
            widths = fitted
            header = [_cut(h, w) for h, w in zip(header, widths)]
            rows = [[_cut(c, w) for c, w in zip(r, widths)] for r in rows]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


# --- saved queries --------------------------------------------------------------------------

#: The saved queries shipped with the package (schema/queries in the repository).
QUERIES_DIR: Traversable = queries_folder()


def saved_queries(directory: str | os.PathLike | Traversable = QUERIES_DIR) -> dict[str, dict[str, str]]:
    """name -> {"title", "description", "path", "sparql"} for every .rq file in `directory`
    (a folder, or a package resource folder as QUERIES_DIR is)."""
    folder = Path(directory) if isinstance(directory, (str, os.PathLike)) else directory
    out: dict[str, dict[str, str]] = {}
    for path in sorted((p for p in folder.iterdir() if p.name.endswith(".rq")), key=lambda p: p.name):
        name = path.name[:-len(".rq")]
        text = path.read_text(encoding="utf-8")
        meta = dict(re.findall(r"^#\s*(title|description):\s*(.*?)\s*$", text, flags=re.M))
        out[name] = {"title": meta.get("title", name), "description": meta.get("description", ""),
                     "path": str(path), "sparql": text}
    return out
