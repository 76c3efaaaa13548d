"""Turtle, N-Triples and JSON-LD exporters.

Triples come from kg.rdf.graph_triples (sorted, deterministic); pyoxigraph serializes Turtle and
N-Triples (about 10x faster than rdflib). JSON-LD is written directly from the same triples as a
compacted document with an @context (prefixes), one node object per subject.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import networkx as nx
import pyoxigraph as ox

from kg.export.registry import register_exporter
from kg.io import atomic_open
from kg.rdf import RDF, XSD, base_iri_of, graph_triples, prefixes


def turtle_header(prefix_map: dict[str, str]) -> bytes:
    """A fixed, sorted prefix header (pyoxigraph's own header order is not part of its contract,
    so it is replaced)."""
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(prefix_map.items())).encode("utf-8") + b"\n"


def turtle_body(triples: Iterable[ox.Triple], prefix_map: dict[str, str]) -> bytes:
    """pyoxigraph's Turtle without its leading "@prefix ... .\n" lines."""
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefix_map)
    pos = 0
    while body.startswith(b"@prefix ", pos):
        pos = body.index(b"\n", pos) + 1
    return body[pos:]


@register_exporter("turtle", "ttl")
def write_turtle(G: nx.MultiDiGraph, path: Path) -> None:
    prefix_map = prefixes(base_iri_of(G))
    data = turtle_header(prefix_map) + turtle_body(graph_triples(G), prefix_map)
    with atomic_open(path, "wb") as fh:
        fh.write(data)


@register_exporter("ntriples", "nt")
def write_ntriples(G: nx.MultiDiGraph, path: Path) -> None:
    with atomic_open(path, "wb") as fh:
        ox.serialize(graph_triples(G), fh, format=ox.RdfFormat.N_TRIPLES)


# --- JSON-LD --------------------------------------------------------------------------------

class _Compactor:
    def __init__(self, prefix_map: dict[str, str]) -> None:
        # Longest namespace first so "https://w3id.org/mlkg/id/paper/" beats ".../id/".
        self.namespaces = sorted(((ns, p) for p, ns in prefix_map.items()), key=lambda x: -len(x[0]))
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        out = self.cache.get(iri)
        if out is None:
            out = iri
            for ns, p in self.namespaces:
                if iri.startswith(ns) and len(iri) > len(ns):
                    local = iri[len(ns):]
                    if not local.startswith("//"):
                        out = f"{p}:{local}"
                    break
            self.cache[iri] = out
        return out


def jsonld_document(triples: list[ox.Triple], prefix_map: dict[str, str]) -> dict:
    compact = _Compactor(prefix_map)
    xsd_string = XSD + "string"
    rdf_type = RDF + "type"
    nodes: dict[str, dict] = {}

    def ref(term) -> str:
        return "_:" + term.value if isinstance(term, ox.BlankNode) else compact(term.value)

    for t in triples:
        sid = ref(t.subject)
        node = nodes.get(sid)
        if node is None:
            node = nodes[sid] = {"@id": sid}
        p = t.predicate.value
        o = t.object
        if p == rdf_type and isinstance(o, ox.NamedNode):
            node.setdefault("@type", []).append(compact(o.value))
            continue
        if isinstance(o, ox.Literal):
            if o.language:
                value = {"@value": o.value, "@language": o.language}
            elif o.datatype.value == xsd_string:
                value = o.value
            else:
                value = {"@value": o.value, "@type": compact(o.datatype.value)}
        else:
            value = {"@id": ref(o)}
        node.setdefault(compact(p), []).append(value)
    context = {k: v for k, v in sorted(prefix_map.items())}
    return {"@context": context, "@graph": list(nodes.values())}


@register_exporter("jsonld", "jsonld")
def write_jsonld(G: nx.MultiDiGraph, path: Path) -> None:
    doc = jsonld_document(graph_triples(G), prefixes(base_iri_of(G)))
    with atomic_open(path, "w") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
