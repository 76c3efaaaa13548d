"""Triples -> graph: the exact inverse of kg.rdf.to_triples, used by kg.loader."""
from __future__ import annotations

from typing import Iterable

import networkx as nx
import pyoxigraph as ox

from kg.rdf.iris import iri_to_id
from kg.rdf.vocab import DCTERMS, PROV, RDF, RDFS, SCHEMA, SKOS, VOID, kg
from kg.schema import DEFAULT_BASE_IRI, KG_NAMESPACE, PAPER, STATEMENT

_STATEMENT = kg(STATEMENT)
_SUBJECT = kg("subject")
_OBJECT = kg("object")
_PREDICATE = kg("predicate")
_EVIDENCE = kg("evidence")
_START = kg("start")
_END = kg("end")
_RULE = kg("rule")
_CONFIDENCE = kg("confidence")
_LISTING_DATE = kg("listingDate")
_SOURCE = kg("source")
_HAS_CODE = kg("hasCode")
_AUTHOR_LIST = kg("authorList")

# statement attributes in the order the graph stage sets them
_EDGE_ATTRS = ("predicate", "paper", "evidence", "start", "end", "rule", "confidence")


def triples_to_graph(triples: Iterable[ox.Triple], base_iri: str | None = None) -> nx.MultiDiGraph:
    """Rebuild the networkx graph from the triples written by `graph_triples` (exact inverse
    for graphs that follow GRAPH_CONTRACT.md). Unknown triples are ignored."""
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append((t.predicate.value, t.object))

    if base_iri is None:
        base_iri = _find_base(by_subject)

    def text(term) -> str:
        return term.value

    G = nx.MultiDiGraph()
    G.graph["base_iri"] = base_iri
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, str, dict]] = []
    for subj, pos in by_subject.items():
        if not isinstance(subj, ox.NamedNode):
            continue
        types = {o.value for p, o in pos if p == RDF + "type" and isinstance(o, ox.NamedNode)}
        if _STATEMENT in types:
            attrs: dict = {}
            u = v = None
            for p, o in pos:
                if p == _SUBJECT:
                    u = iri_to_id(base_iri, o.value)
                elif p == _OBJECT:
                    v = iri_to_id(base_iri, o.value)
                elif p == _PREDICATE:
                    value = o.value
                    attrs["predicate"] = value[len(KG_NAMESPACE):] if value.startswith(KG_NAMESPACE) else value
                elif p == PROV + "wasDerivedFrom":
                    attrs["paper"] = iri_to_id(base_iri, o.value)
                elif p == _EVIDENCE:
                    attrs["evidence"] = o.value
                elif p == _START:
                    attrs["start"] = int(o.value)
                elif p == _END:
                    attrs["end"] = int(o.value)
                elif p == _RULE:
                    attrs["rule"] = o.value
                elif p == _CONFIDENCE:
                    attrs["confidence"] = float(o.value)
            if u is not None and v is not None:
                ordered = {k: attrs[k] for k in _EDGE_ATTRS if k in attrs}
                edges.append((u, v, iri_to_id(base_iri, subj.value), ordered))
            continue
        kg_types = [t[len(KG_NAMESPACE):] for t in sorted(types) if t.startswith(KG_NAMESPACE)]
        if not kg_types:
            continue
        typ = kg_types[0]
        node_id = iri_to_id(base_iri, subj.value)
        values: dict[str, list] = {}
        for p, o in pos:
            values.setdefault(p, []).append(o)
        first = lambda p: values[p][0].value if p in values else None  # noqa: E731
        many = lambda p: tuple(sorted(text(o) for o in values.get(p, ())))  # noqa: E731
        if typ == PAPER:
            title = first(DCTERMS + "title")
            label = first(RDFS + "label")
            authors = tuple(sorted(_author_name(by_subject, o) for o in values.get(SCHEMA + "author", ())))
            if SCHEMA + "author" in values and _AUTHOR_LIST in values:
                authors = tuple(_author_name(by_subject, o) for o in _read_list(by_subject, values[_AUTHOR_LIST][0]))
            nodes[node_id] = {
                "type": PAPER,
                "label": label if label is not None else title,
                "title": title,
                "abstract": first(DCTERMS + "abstract"),
                "date": first(_LISTING_DATE),
                "sources": many(_SOURCE),
                "urls": many(SCHEMA + "url"),
                "authors": authors,
                "code": many(_HAS_CODE),
                "aliases": (),
            }
        else:
            nodes[node_id] = {"type": typ, "label": first(SKOS + "prefLabel"), "aliases": many(SKOS + "altLabel")}

    for node_id in sorted(nodes):
        G.add_node(node_id, **nodes[node_id])
    for u, v, key, attrs in sorted(edges, key=lambda e: e[2]):
        G.add_edge(u, v, key=key, **attrs)
    return G


def _author_name(by_subject: dict, term) -> str:
    """The name of a schema:author value: its schema:Person's schema:name (a name given as a
    literal, as exports before the Person nodes wrote it, is the name itself)."""
    if isinstance(term, ox.Literal):
        return term.value
    for p, o in by_subject.get(term, ()):
        if p == SCHEMA + "name" and isinstance(o, ox.Literal):
            return o.value
    return term.value


def _read_list(by_subject: dict, head) -> list:
    out: list = []
    seen = set()
    node = head
    while isinstance(node, ox.BlankNode) and node not in seen:
        seen.add(node)
        nxt = None
        for p, o in by_subject.get(node, ()):
            if p == RDF + "first":
                out.append(o)
            elif p == RDF + "rest":
                nxt = o
        node = nxt
    return out


def _find_base(by_subject: dict) -> str:
    for pos in by_subject.values():
        for p, o in pos:
            if p == VOID + "uriSpace":
                return o.value
    # Fallback for exports without the dataset description: strip "statement/<hex>".
    statement = ox.NamedNode(_STATEMENT)
    for subj, pos in by_subject.items():
        if isinstance(subj, ox.NamedNode) and any(o == statement for _, o in pos):
            i = subj.value.rfind("statement/")
            if i >= 0:
                return subj.value[:i]
    return DEFAULT_BASE_IRI
