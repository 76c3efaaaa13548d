"""Triples made one subject block at a time, and streaming Turtle and N-Triples writers.

`iter_blocks(G)` is the one place the RDF model is written down: kg.rdf.graph_triples(G) is
list(iter_triples(G)). For 100k papers that list is ~10M pyoxigraph triples, several GB on top
of the graph, so the streaming writers serialize batches of blocks as they are made: writing
needs memory for one batch, a sorted index of subjects and the IRIs of the nodes, and Turtle
and N-Triples share the one pass (making triples in Python costs more than pyoxigraph's serializing them).

`export_streaming(G, out_dir, formats)` is `kg.export.export` with the built-in turtle/ntriples
exporters replaced by these writers (only while they are still the registered ones, so a
replaced exporter is honoured); the bytes are the same (tests/test_scale.py checks).
"""
from __future__ import annotations

import os
from contextlib import ExitStack
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Iterator

import networkx as nx
import pyoxigraph as ox

from kg.extract.text import name_key
from kg.io import atomic_open, cyclic_gc_paused
from kg.rdf import (
    DCTERMS, EXTRA_TYPES, KG, PREDICATES, PROV, RDF, RDFS, SCHEMA, SKOS, VOID, XSD,
    _bnode_stem, base_iri_of, encode_id, format_decimal, prefixes,
)


class _Iris:
    """NamedNode caches: vocabulary, and graph nodes (papers and entities recur in many
    statements; a statement's own IRI is used once and made on demand)."""

    def __init__(self, base: str):
        self.base = base
        self.vocab_cache: dict[str, ox.NamedNode] = {}
        self.node_cache: dict[str, ox.NamedNode] = {}

    def vocab(self, iri: str) -> ox.NamedNode:
        node = self.vocab_cache.get(iri)
        if node is None:
            node = self.vocab_cache[iri] = ox.NamedNode(iri)
        return node

    def node(self, node_id, enc: str | None = None) -> ox.NamedNode:
        node = self.node_cache.get(node_id)
        if node is None:
            enc = enc if enc is not None else encode_id(str(node_id))
            node = self.node_cache[node_id] = ox.NamedNode(self.base + enc)
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
    return chain.from_iterable(iter_blocks(G))


def iter_blocks(G: nx.MultiDiGraph) -> Iterator[list[ox.Triple]]:
    """The triples of G one subject block at a time, blocks sorted by subject IRI."""
    base = base_iri_of(G)
    I = _Iris(base)
    Triple, Literal, NamedNode = ox.Triple, ox.Literal, ox.NamedNode
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
    small_lits: dict = {}  # offsets, rules and confidences repeat; evidence sentences do not

    def small(value, lexical, datatype=None):
        key = (value, datatype)
        lit = small_lits.get(key)
        if lit is None:
            if len(small_lits) > 100_000:
                small_lits.clear()
            lit = small_lits[key] = Literal(lexical(value)) if datatype is None else Literal(lexical(value), datatype=datatype)
        return lit

    def integer(value) -> str:
        return str(int(value))

    env = {
        "a": a, "pred_iri": pred_iri, "pred_rank": pred_rank, "p_title": p_title, "p_label": p_label,
        "p_abstract": p_abstract, "p_date": p_date, "p_author": p_author, "p_authorlist": p_authorlist,
        "p_url": p_url, "p_code": p_code, "p_source": p_source, "p_pref": p_pref, "p_alt": p_alt, "p_key": p_key,
        "rdf_first": rdf_first, "rdf_rest": rdf_rest, "rdf_nil": rdf_nil,
    }
    nodes, adj = G.nodes, G._adj
    for entry in _subject_index(G):
        if len(entry) == 1:  # the dataset description
            ds = NamedNode(base)
            yield [Triple(ds, a, V(VOID + "Dataset")), Triple(ds, V(VOID + "uriSpace"), Literal(base))]
        elif len(entry) == 2:
            enc, n = entry
            yield _node_block(n, nodes[n], I.node(n, enc), adj[n], I, env)
        else:
            enc, u, v, key = entry
            data = adj[u][v][key]
            get = data.get
            s = NamedNode(base + enc)
            block = [Triple(s, a, p_type_stmt), Triple(s, p_subj, I.node(u))]
            p = get("predicate")
            if p is not None:
                block.append(Triple(s, p_pred, pred_iri.get(p) or V(KG + p)))
            block.append(Triple(s, p_obj, I.node(v)))
            if (paper := get("paper")) is not None:
                block.append(Triple(s, p_derived, I.node(paper)))
            if (evidence := get("evidence")) is not None:
                block.append(Triple(s, p_evidence, Literal(evidence)))
            if (start := get("start")) is not None:
                block.append(Triple(s, p_start, small(start, integer, xsd_integer)))
            if (end := get("end")) is not None:
                block.append(Triple(s, p_end, small(end, integer, xsd_integer)))
            if (rule := get("rule")) is not None:
                block.append(Triple(s, p_rule, small(rule, str)))
            if (confidence := get("confidence")) is not None:
                block.append(Triple(s, p_conf, small(confidence, format_decimal, xsd_decimal)))
            yield block


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


STREAM_FORMATS = ("turtle", "ntriples")
BATCH_TRIPLES = 1000  # measured: small batches are as fast as large ones and stay in the CPU cache


def write_streams(G: nx.MultiDiGraph, paths: dict[str, str | os.PathLike], batch_triples: int = BATCH_TRIPLES) -> None:
    """Turtle and/or N-Triples (`paths` maps "turtle"/"ntriples" to files) in one pass over the
    triples: making them in Python is most of the cost, serializing a batch is fast, so the
    files share the pass. A batch ends with a subject block, so each batch's Turtle continues
    the last one's; the bytes equal kg.export.rdf_formats' writers (tests/test_scale.py)."""
    from kg.export.rdf_formats import turtle_body, turtle_header

    prefix_map = prefixes(base_iri_of(G))
    with cyclic_gc_paused(), ExitStack() as stack:
        files = {name: stack.enter_context(atomic_open(path, "wb")) for name, path in paths.items()}
        if "turtle" in files:
            files["turtle"].write(turtle_header(prefix_map))

        def flush(batch: list[ox.Triple]) -> None:
            if "turtle" in files:
                files["turtle"].write(turtle_body(batch, prefix_map))
            if "ntriples" in files:
                ox.serialize(batch, files["ntriples"], format=ox.RdfFormat.N_TRIPLES)

        batch: list[ox.Triple] = []
        for block in iter_blocks(G):
            batch.extend(block)
            if len(batch) >= batch_triples:
                flush(batch)
                batch = []
        flush(batch)


def export_streaming(G: nx.MultiDiGraph, out_dir: str | os.PathLike, formats: Iterable[str] | None = None,
                     timings: dict[str, float] | None = None) -> list[Path]:
    """kg.export.export, writing Turtle and N-Triples with the streaming writers. `timings`, if
    given, receives seconds per format name ("turtle+ntriples" for the shared pass)."""
    import time

    from kg.export import exporters, get_exporter, rdf_formats
    from kg.rdf import triple_cache

    chosen = list(exporters().values()) if formats is None else [get_exporter(f) for f in formats]
    chosen = list(dict.fromkeys(chosen))
    # the built-in Turtle/N-Triples exporters (unless replaced) share one streaming pass
    streamed = {exp.name: exp for exp in chosen
                if exp.name in STREAM_FORMATS and exp.func is getattr(rdf_formats, f"write_{exp.name}")}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with triple_cache():
        if streamed:
            start = time.perf_counter()
            write_streams(G, {name: out_dir / exp.filename for name, exp in streamed.items()})
            if timings is not None:
                timings["+".join(streamed)] = time.perf_counter() - start
        for exp in chosen:
            if exp.name not in streamed:
                start = time.perf_counter()
                exp(G, out_dir / exp.filename)
                if timings is not None:
                    timings[exp.name] = time.perf_counter() - start
    return [out_dir / exp.filename for exp in chosen]
