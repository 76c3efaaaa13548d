"""Triples made one subject block at a time, and streaming Turtle and N-Triples writers.

`iter_triples(G)` is the one place the RDF model is written down: kg.rdf.graph_triples(G) is
list(iter_triples(G)). For 100k papers that list is ~10M pyoxigraph triples, several GB on top
of the graph, so the streaming writers hand the iterator to pyoxigraph's serializer, which
consumes it lazily: writing needs memory for one block plus a sorted index of subjects.

`export_streaming(G, out_dir, formats)` is `kg.export.export` with the built-in turtle/ntriples
exporters replaced by these writers (only while they are still the registered ones, so a
replaced exporter is honoured); the bytes are the same (tests/test_scale.py checks).
"""
from __future__ import annotations

import gc
import os
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Iterator

import networkx as nx
import pyoxigraph as ox

from kg.extract.text import name_key
from kg.io import atomic_open
from kg.rdf import (
    DCTERMS, DEFAULT_BASE_IRI, EXTRA_TYPES, KG, PREDICATES, PROV, RDF, RDFS, SCHEMA, SKOS, VOID, XSD,
    _bnode_stem, encode_id, format_decimal, prefixes,
)


class _Iris:
    """NamedNode cache for the IRIs that repeat (entities, vocabulary); paper and statement
    IRIs are made on demand so the cache does not grow with the corpus."""

    def __init__(self, base: str):
        self.base = base
        self.cache: dict[str, ox.NamedNode] = {}

    def vocab(self, iri: str) -> ox.NamedNode:
        node = self.cache.get(iri)
        if node is None:
            node = self.cache[iri] = ox.NamedNode(iri)
        return node

    def node(self, node_id, enc: str | None = None) -> ox.NamedNode:
        node_id = str(node_id)
        if node_id.startswith("paper/") or node_id.startswith("statement/"):
            return ox.NamedNode(self.base + (enc if enc is not None else encode_id(node_id)))
        node = self.cache.get(node_id)
        if node is None:
            node = self.cache[node_id] = ox.NamedNode(self.base + (enc if enc is not None else encode_id(node_id)))
        return node

    def url(self, value: str):
        try:
            return ox.NamedNode(value)
        except ValueError:
            return ox.Literal(value, datatype=self.vocab(XSD + "anyURI"))


def _subject_index(G: nx.MultiDiGraph) -> list[tuple]:
    """(encoded id, node) and (encoded id, u, v, key) in the order graph_triples sorts its
    blocks: by subject IRI, and all IRIs share the base, so by encoded id (stable sort, same
    insertion order: dataset, nodes, edges)."""
    index: list[tuple] = [("",)]
    index.extend((encode_id(str(n)), n) for n in G.nodes)
    index.extend((encode_id(str(k)), u, v, k) for u, v, k in G.edges(keys=True))
    index.sort(key=itemgetter(0))
    return index


def iter_triples(G: nx.MultiDiGraph) -> Iterator[ox.Triple]:
    """The triples of kg.rdf.graph_triples(G), same order, generated lazily."""
    base = G.graph.get("base_iri") or DEFAULT_BASE_IRI
    I = _Iris(base)
    Triple, Literal = ox.Triple, ox.Literal
    V = I.vocab
    xsd_integer, xsd_decimal = V(XSD + "integer"), V(XSD + "decimal")
    a = V(RDF + "type")
    p_title, p_abstract, p_label = V(DCTERMS + "title"), V(DCTERMS + "abstract"), V(RDFS + "label")
    p_date, p_source, p_code = V(KG + "listingDate"), V(KG + "source"), V(KG + "hasCode")
    p_author, p_authorlist, p_url = V(SCHEMA + "author"), V(KG + "authorList"), V(SCHEMA + "url")
    p_pref, p_alt, p_key = V(SKOS + "prefLabel"), V(SKOS + "altLabel"), V(KG + "key")
    rdf_first, rdf_rest, rdf_nil = V(RDF + "first"), V(RDF + "rest"), V(RDF + "nil")
    pred_iri = {p: V(KG + p) for p in PREDICATES}
    pred_rank = {p: i for i, p in enumerate(PREDICATES)}
    p_type_stmt = V(KG + "Statement")
    p_subj, p_pred, p_obj = V(KG + "subject"), V(KG + "predicate"), V(KG + "object")
    p_derived, p_evidence = V(PROV + "wasDerivedFrom"), V(KG + "evidence")
    p_start, p_end, p_rule, p_conf = V(KG + "start"), V(KG + "end"), V(KG + "rule"), V(KG + "confidence")
    small_lits: dict = {}  # integers, rules and confidences repeat; evidence sentences do not

    def small(value: str, datatype=None):
        key = (value, datatype)
        lit = small_lits.get(key)
        if lit is None:
            if len(small_lits) > 100_000:
                small_lits.clear()
            lit = small_lits[key] = Literal(value) if datatype is None else Literal(value, datatype=datatype)
        return lit

    env = {
        "a": a, "pred_iri": pred_iri, "pred_rank": pred_rank, "p_title": p_title, "p_label": p_label,
        "p_abstract": p_abstract, "p_date": p_date, "p_author": p_author, "p_authorlist": p_authorlist,
        "p_url": p_url, "p_code": p_code, "p_source": p_source, "p_pref": p_pref, "p_alt": p_alt, "p_key": p_key,
        "rdf_first": rdf_first, "rdf_rest": rdf_rest, "rdf_nil": rdf_nil,
    }
    nodes, adj = G.nodes, G._adj
    for entry in _subject_index(G):
        if len(entry) == 1:  # the dataset description
            ds = ox.NamedNode(base)
            yield Triple(ds, a, V(VOID + "Dataset"))
            yield Triple(ds, V(VOID + "uriSpace"), Literal(base))
        elif len(entry) == 2:
            enc, n = entry
            yield from _node_block(n, nodes[n], I.node(n, enc), adj[n], I, env)
        else:
            enc, u, v, key = entry
            data = adj[u][v][key]
            s = ox.NamedNode(base + enc)
            yield Triple(s, a, p_type_stmt)
            yield Triple(s, p_subj, I.node(u))
            p = data.get("predicate")
            if p is not None:
                yield Triple(s, p_pred, pred_iri.get(p) or V(KG + p))
            yield Triple(s, p_obj, I.node(v))
            if data.get("paper") is not None:
                yield Triple(s, p_derived, I.node(data["paper"]))
            if data.get("evidence") is not None:
                yield Triple(s, p_evidence, Literal(data["evidence"]))
            if data.get("start") is not None:
                yield Triple(s, p_start, small(str(int(data["start"])), xsd_integer))
            if data.get("end") is not None:
                yield Triple(s, p_end, small(str(int(data["end"])), xsd_integer))
            if data.get("rule") is not None:
                yield Triple(s, p_rule, small(str(data["rule"])))
            if data.get("confidence") is not None:
                yield Triple(s, p_conf, small(format_decimal(data["confidence"]), xsd_decimal))


def _node_block(n, data: dict, s: ox.NamedNode, out_edges: dict, I: _Iris, env: dict) -> list[ox.Triple]:
    """The triples graph_triples writes for node n (kg.rdf._graph_triples, node part)."""
    Triple, Literal, V = ox.Triple, ox.Literal, I.vocab
    a, pred_iri, pred_rank = env["a"], env["pred_iri"], env["pred_rank"]
    typ = data.get("type")
    out: list[ox.Triple] = []
    extra_blocks: list[ox.Triple] = []
    if typ:
        out.append(Triple(s, a, V(KG + typ)))
        for extra in EXTRA_TYPES.get(typ, ()):
            out.append(Triple(s, a, V(extra)))
    if typ == "Paper":
        title = data.get("title")
        if title is None:
            title = data.get("label")
        if title is not None:
            out.append(Triple(s, env["p_title"], Literal(title)))
        label = data.get("label")
        if label is not None and label != title:
            out.append(Triple(s, env["p_label"], Literal(label)))
        if data.get("abstract") is not None:
            out.append(Triple(s, env["p_abstract"], Literal(data["abstract"])))
        if data.get("date") is not None:
            out.append(Triple(s, env["p_date"], Literal(str(data["date"]))))
        authors = tuple(data.get("authors") or ())
        for name in sorted(set(authors)):
            out.append(Triple(s, env["p_author"], Literal(name)))
        if len(authors) > 1 and list(authors) != sorted(set(authors)):
            stem = _bnode_stem(str(n))
            cells = [ox.BlankNode(f"{stem}_author{i}") for i in range(len(authors))]
            out.append(Triple(s, env["p_authorlist"], cells[0]))
            for i, cell in enumerate(cells):
                rest = cells[i + 1] if i + 1 < len(cells) else env["rdf_nil"]
                extra_blocks.append(Triple(cell, env["rdf_first"], Literal(authors[i])))
                extra_blocks.append(Triple(cell, env["rdf_rest"], rest))
        for url in sorted(set(data.get("urls") or ())):
            out.append(Triple(s, env["p_url"], I.url(url)))
        for url in sorted(set(data.get("code") or ())):
            out.append(Triple(s, env["p_code"], I.url(url)))
        for src in sorted(set(data.get("sources") or ())):
            out.append(Triple(s, env["p_source"], Literal(src)))
    else:
        label = data.get("label")
        if label is not None:
            out.append(Triple(s, env["p_pref"], Literal(label)))
        for alias in sorted(set(data.get("aliases") or ())):
            out.append(Triple(s, env["p_alt"], Literal(alias)))
        for key in sorted({name_key(x) for x in (label, *(data.get("aliases") or ())) if x}):
            out.append(Triple(s, env["p_key"], Literal(key)))
    truthy = set()
    for v, keyed in out_edges.items():
        for edata in keyed.values():
            p = edata.get("predicate")
            if p in pred_iri:
                truthy.add((p, v))
    if truthy:
        objects = {v: I.node(v) for _, v in truthy}
        for p, v in sorted(truthy, key=lambda pv: (pred_rank[pv[0]], objects[pv[1]].value)):
            out.append(Triple(s, pred_iri[p], objects[v]))
    out.extend(extra_blocks)
    return out


class _DropPrefixes:
    """A binary file wrapper that drops the "@prefix ..." lines pyoxigraph writes first."""

    _MARK = b"@prefix "

    def __init__(self, fh):
        self.fh = fh
        self.head = b""
        self.passing = False

    def write(self, data) -> int:
        data = bytes(data)
        if self.passing:
            return self.fh.write(data) and len(data)
        self.head += data
        while True:
            if self.head.startswith(self._MARK):
                nl = self.head.find(b"\n")
                if nl < 0:
                    return len(data)
                self.head = self.head[nl + 1:]
            elif self._MARK.startswith(self.head):  # could still become "@prefix "
                return len(data)
            else:
                self.passing = True
                self.fh.write(self.head)
                self.head = b""
                return len(data)

    def flush(self) -> None:
        self.fh.flush()

    def finish(self) -> None:
        if not self.passing and self.head:
            self.fh.write(self.head)
        self.head = b""


def _base(G: nx.MultiDiGraph) -> str:
    return G.graph.get("base_iri") or DEFAULT_BASE_IRI


def _without_gc(func):
    def wrapper(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()
    wrapper.__doc__, wrapper.__name__ = func.__doc__, func.__name__
    return wrapper


@_without_gc
def write_turtle_stream(G: nx.MultiDiGraph, path: str | os.PathLike) -> None:
    """Same bytes as kg.export.rdf_formats.write_turtle, written as the triples are made."""
    prefix_map = prefixes(_base(G))
    header = "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(prefix_map.items()))
    with atomic_open(path, "wb") as fh:
        fh.write(header.encode("utf-8") + b"\n")
        sink = _DropPrefixes(fh)
        ox.serialize(iter_triples(G), sink, format=ox.RdfFormat.TURTLE, prefixes=prefix_map)
        sink.finish()


@_without_gc
def write_ntriples_stream(G: nx.MultiDiGraph, path: str | os.PathLike) -> None:
    """Same bytes as kg.export.rdf_formats.write_ntriples, written as the triples are made."""
    with atomic_open(path, "wb") as fh:
        ox.serialize(iter_triples(G), fh, format=ox.RdfFormat.N_TRIPLES)


def _streaming_writers() -> dict:
    from kg.export import rdf_formats

    return {rdf_formats.write_turtle: write_turtle_stream, rdf_formats.write_ntriples: write_ntriples_stream}


def export_streaming(G: nx.MultiDiGraph, out_dir: str | os.PathLike, formats: Iterable[str] | None = None,
                     timings: dict[str, float] | None = None) -> list[Path]:
    """kg.export.export, writing Turtle and N-Triples with the streaming writers. `timings`, if
    given, receives seconds per format name."""
    import time

    from kg.export import exporters, get_exporter
    from kg.rdf import triple_cache

    chosen = list(exporters().values()) if formats is None else [get_exporter(f) for f in formats]
    streaming = _streaming_writers()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with triple_cache():
        for exp in dict.fromkeys(chosen):
            path = out_dir / exp.filename
            start = time.perf_counter()
            writer = streaming.get(exp.func)
            if writer is not None:
                writer(G, path)
            else:
                exp(G, path)
            if timings is not None:
                timings[exp.name] = time.perf_counter() - start
            written.append(path)
    return written
