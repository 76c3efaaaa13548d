"""The RDF model of the knowledge graph: namespaces and the networkx <-> RDF term mapping.

`graph_triples(G)` turns a graph that follows GRAPH_CONTRACT.md into a deterministic, sorted
list of pyoxigraph triples; `triples_to_graph(triples)` is its exact inverse (used by
kg.loader). Model (see schema/ontology.ttl):

    <base> a void:Dataset ; void:uriSpace "<base>" .               # lets load() recover base_iri
    paper:x a kg:Paper, schema:ScholarlyArticle ; dcterms:title ; dcterms:abstract ;
        kg:listingDate "Sep 11" ; schema:author "A", "B" ; kg:authorList ( "A" "B" ) ;
        schema:url <..> ; kg:hasCode <..> ; kg:source "path:line" ;
        kg:proposes method:y ; kg:evaluatesOn dataset:z ...          # truthy triples
    method:y a kg:Method ; skos:prefLabel "Y" ; skos:altLabel "..." ; kg:outperforms method:w .
    statement:k a kg:Statement ; kg:subject ; kg:predicate kg:proposes ; kg:object ;
        prov:wasDerivedFrom paper:x ; kg:evidence "..." ; kg:start 12 ; kg:end 80 ;
        kg:rule "..." ; kg:confidence 0.9 .                           # one per networkx edge

Numbers: start/end are xsd:integer, confidence is xsd:decimal (written without exponent).
A URL that is not a valid absolute IRI is written as an xsd:anyURI literal, so any string
survives the round trip.
"""
from __future__ import annotations

import unicodedata

import contextvars
import hashlib
import re
from contextlib import contextmanager
from decimal import Decimal
from typing import Iterable, Iterator

import networkx as nx
import pyoxigraph as ox

from kg.graph import DEFAULT_BASE_IRI
from kg.io import cyclic_gc_paused


def base_iri_of(G: nx.MultiDiGraph) -> str:
    return G.graph.get("base_iri") or DEFAULT_BASE_IRI


KG = "https://w3id.org/mlkg/ontology#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
VOID = "http://rdfs.org/ns/void#"

#: Fixed vocabulary prefixes (instance prefixes are added per base IRI by `prefixes()`).
VOCAB_PREFIXES: dict[str, str] = {
    "kg": KG,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "void": VOID,
}

#: Instance namespaces: node ids look like "<kind>/<slug>"; statements are "statement/<hex>".
INSTANCE_KINDS = ("paper", "method", "dataset", "hardware", "task", "statement")

ENTITY_TYPES = ("Method", "Dataset", "Hardware", "Task")
PAPER_PREDICATES = ("proposes", "mentions", "evaluatesOn", "usesHardware", "addresses")
METHOD_PREDICATES = ("outperforms", "extends")
PREDICATES = PAPER_PREDICATES + METHOD_PREDICATES

EXTRA_TYPES = {"Paper": (SCHEMA + "ScholarlyArticle",), "Dataset": (SCHEMA + "Dataset",)}


def prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """Prefix map used by every serialization: vocabularies plus one prefix per instance kind."""
    out = dict(VOCAB_PREFIXES)
    for kind in INSTANCE_KINDS:
        out[kind] = base_iri + kind + "/"
    return out


# --- IRIs -----------------------------------------------------------------------------------

_ASCII_OK = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "-._~"          # unreserved
    "!$&'()*+,;="   # sub-delims
    ":@/"           # allowed in a path
)


_PLAIN_ID = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")


def _ucschar(cp: int) -> bool:
    """RFC 3987 ucschar: non-ASCII characters allowed verbatim in an IRI path."""
    if 0xA0 <= cp <= 0xD7FF or 0xF900 <= cp <= 0xFDCF or 0xFDF0 <= cp <= 0xFFEF:
        return True
    if 0xE0000 <= cp <= 0xE0FFF:
        return False
    return 0x10000 <= cp <= 0xEFFFD and (cp & 0xFFFF) < 0xFFFE


def encode_id(node_id: str) -> str:
    """Percent-encode whatever is not valid in an IRI path (including '%' itself, so that
    `decode_id` is an exact inverse). Letters outside ASCII are kept, as IRIs allow."""
    if _PLAIN_ID.fullmatch(node_id):
        text = node_id
    else:
        out = []
        for c in node_id:
            # spaces and controls outside ASCII are valid ucschar but rejected by common
            # parsers (rdflib's N-Triples reader treats "\xa0" as whitespace)
            if c in _ASCII_OK or (ord(c) >= 0xA0 and _ucschar(ord(c)) and not c.isspace()
                                  and unicodedata.category(c)[0] not in "CZ"):
                out.append(c)
            else:
                out.extend("%%%02X" % b for b in c.encode("utf-8", "surrogatepass"))
        text = "".join(out)
    if "." in text:
        # "." and ".." segments would be removed by IRI resolution in some parsers, and a
        # trailing "." makes rdflib reject the prefixed name pyoxigraph writes ("method:a\.").
        segments = text.split("/")
        segments = ["%2E" * len(seg) if seg in (".", "..") else seg for seg in segments]
        text = "/".join(segments)
        if text.endswith("."):
            text = text[:-1] + "%2E"
    return text


def decode_id(fragment: str) -> str:
    if "%" not in fragment:
        return fragment
    from urllib.parse import unquote

    return unquote(fragment, encoding="utf-8", errors="surrogatepass")


def node_iri(base_iri: str, node_id: str) -> str:
    return base_iri + encode_id(str(node_id))


def iri_to_id(base_iri: str, iri: str) -> str:
    if not iri.startswith(base_iri):
        raise ValueError(f"IRI {iri!r} is outside the instance namespace {base_iri!r}")
    return decode_id(iri[len(base_iri):])


def format_decimal(x: float) -> str:
    """A float as an xsd:decimal lexical form (no exponent) that float() reads back exactly."""
    text = format(Decimal(repr(float(x))), "f")
    return text if "." in text else text + ".0"


# --- graph -> triples -----------------------------------------------------------------------

_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kg_rdf_cache", default=None)


@contextmanager
def triple_cache() -> Iterator[None]:
    """Within this block, `graph_triples(G)` is computed once per graph object (export() uses it
    so Turtle, N-Triples and JSON-LD share one conversion)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def graph_triples(G: nx.MultiDiGraph) -> list[ox.Triple]:
    """All triples for G, grouped by subject in IRI order, in a fixed order within a subject."""
    cache = _cache.get()
    if cache is not None and id(G) in cache:
        return cache[id(G)][1]
    from kg.export.stream import iter_triples  # the one place triples are made

    with cyclic_gc_paused():
        triples = list(iter_triples(G))
    if cache is not None:
        cache[id(G)] = (G, triples)  # keep G alive so its id() is not reused
    return triples


def _bnode_stem(node_id: str) -> str:
    """A readable, collision-free blank node label prefix for a node id."""
    readable = "".join(c if (c.isascii() and c.isalnum()) else "_" for c in node_id)[:40]
    return f"{readable}_{hashlib.sha1(node_id.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


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
        if KG + "Statement" in types:
            attrs: dict = {}
            u = v = None
            for p, o in pos:
                if p == KG + "subject":
                    u = iri_to_id(base_iri, o.value)
                elif p == KG + "object":
                    v = iri_to_id(base_iri, o.value)
                elif p == KG + "predicate":
                    attrs["predicate"] = o.value[len(KG):] if o.value.startswith(KG) else o.value
                elif p == PROV + "wasDerivedFrom":
                    attrs["paper"] = iri_to_id(base_iri, o.value)
                elif p == KG + "evidence":
                    attrs["evidence"] = o.value
                elif p == KG + "start":
                    attrs["start"] = int(o.value)
                elif p == KG + "end":
                    attrs["end"] = int(o.value)
                elif p == KG + "rule":
                    attrs["rule"] = o.value
                elif p == KG + "confidence":
                    attrs["confidence"] = float(o.value)
            if u is not None and v is not None:
                ordered = {k: attrs[k] for k in ("predicate", "paper", "evidence", "start", "end", "rule", "confidence") if k in attrs}
                edges.append((u, v, iri_to_id(base_iri, subj.value), ordered))
            continue
        kg_types = [t[len(KG):] for t in sorted(types) if t.startswith(KG)]
        if not kg_types:
            continue
        typ = kg_types[0]
        node_id = iri_to_id(base_iri, subj.value)
        values: dict[str, list] = {}
        for p, o in pos:
            values.setdefault(p, []).append(o)
        first = lambda p: values[p][0].value if p in values else None  # noqa: E731
        many = lambda p: tuple(sorted(text(o) for o in values.get(p, ())))  # noqa: E731
        if typ == "Paper":
            title = first(DCTERMS + "title")
            label = first(RDFS + "label")
            authors = many(SCHEMA + "author")
            if SCHEMA + "author" in values and KG + "authorList" in values:
                authors = tuple(_read_list(by_subject, values[KG + "authorList"][0]))
            nodes[node_id] = {
                "type": "Paper",
                "label": label if label is not None else title,
                "title": title,
                "abstract": first(DCTERMS + "abstract"),
                "date": first(KG + "listingDate"),
                "sources": many(KG + "source"),
                "urls": many(SCHEMA + "url"),
                "authors": authors,
                "code": many(KG + "hasCode"),
                "aliases": (),
            }
        else:
            nodes[node_id] = {"type": typ, "label": first(SKOS + "prefLabel"), "aliases": many(SKOS + "altLabel")}

    for node_id in sorted(nodes):
        G.add_node(node_id, **nodes[node_id])
    for u, v, key, attrs in sorted(edges, key=lambda e: e[2]):
        G.add_edge(u, v, key=key, **attrs)
    return G


def _read_list(by_subject: dict, head) -> list[str]:
    out: list[str] = []
    seen = set()
    node = head
    while isinstance(node, ox.BlankNode) and node not in seen:
        seen.add(node)
        nxt = None
        for p, o in by_subject.get(node, ()):
            if p == RDF + "first":
                out.append(o.value)
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
    for subj, pos in by_subject.items():
        if isinstance(subj, ox.NamedNode) and any(o == ox.NamedNode(KG + "Statement") for _, o in pos):
            i = subj.value.rfind("statement/")
            if i >= 0:
                return subj.value[:i]
    return DEFAULT_BASE_IRI
