"""JSON-LD exporter, written as a stream: one node object per line, made from one subject block of
triples at a time (kg.rdf.to_triples.block_maker), so memory does not grow with the graph (the document
used to be built whole as Python dicts: ~1.7 GB at 20k papers).

pyoxigraph serializes JSON-LD faster, but only in expanded form (full IRIs, every value an
object); the small @context here gives JSON users short keys and typed values instead:

    {"@id": "statement:1f..", "@type": "kg:Statement", "subject": "paper:9a..",
     "predicate": "kg:proposes", "start": 12, "confidence": "0.9", "evidence": "..."}

The context holds the prefixes and one term per property of the mapping (kg/rdf/vocab.py and
DCTERMS/SKOS/...), with the value type each always has: "@id" for IRI-valued properties,
xsd:integer / xsd:decimal for the numbers. A value that does not match its term's type (an
xsd:anyURI literal of a URL that is not an IRI, say) is written as a full value object, so the
triples are exactly those of Turtle whatever the graph holds (tests read it with rdflib and PyLD).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable

import networkx as nx
import pyoxigraph as ox

from kg.export.registry import register_exporter
from kg.io import atomic_open, cyclic_gc_paused
from kg.rdf import (
    DCTERMS, KG_NAMESPACE, PREDICATES, PROV, RDF, RDFS, SCHEMA, SKOS, VOID, XSD, base_iri_of, encode_id, format_decimal,
    kg, prefixes,
)
from kg.edges import field_values
from kg.rdf.to_triples import SubjectIndex, block_maker
from kg.schema import INSTANCE_NAMESPACES, STATEMENT

_ID = "@id"
_INTEGER = XSD + "integer"
_DECIMAL = XSD + "decimal"
_STRING = XSD + "string"
_RDF_TYPE = RDF + "type"
_escape = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) uses (C)
_SMALL_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,14})")  # canonical and exact as a JSON number


def _terms() -> dict[str, tuple[str, str | None]]:
    """property IRI -> (term, value type or None for plain strings)."""
    table: list[tuple[str, str, str | None]] = [(p, kg(p), _ID) for p in PREDICATES]
    table += [(name, kg(name), _ID) for name in ("subject", "predicate", "object", "hasCode", "authorList")]
    table += [(name, kg(name), None) for name in ("key", "listingDate", "source", "evidence", "rule")]
    table += [("start", kg("start"), _INTEGER), ("end", kg("end"), _INTEGER), ("confidence", kg("confidence"), _DECIMAL)]
    table += [
        ("title", DCTERMS + "title", None), ("abstract", DCTERMS + "abstract", None), ("label", RDFS + "label", None),
        ("prefLabel", SKOS + "prefLabel", None), ("altLabel", SKOS + "altLabel", None),
        ("author", SCHEMA + "author", _ID), ("name", SCHEMA + "name", None), ("url", SCHEMA + "url", _ID),
        ("wasDerivedFrom", PROV + "wasDerivedFrom", _ID), ("first", RDF + "first", None), ("rest", RDF + "rest", _ID),
        ("uriSpace", VOID + "uriSpace", None),
    ]
    return {iri: (term, typ) for term, iri, typ in table}


class JsonLdWriter:
    """Turns subject blocks of pyoxigraph triples into the lines of the document."""

    def __init__(self, prefix_map: dict[str, str]) -> None:
        # Longest namespace first so "https://w3id.org/mlkg/id/paper/" beats ".../id/".
        self.namespaces = sorted(((ns, p) for p, ns in prefix_map.items()), key=lambda x: -len(x[0]))
        self.prefix_map = prefix_map
        self.terms = {iri: t for iri, t in _terms().items() if t[0] not in prefix_map}
        self.iris: dict[str, str] = {}
        self.keys: dict[str, tuple[str, str | None]] = dict(self.terms)
        self.first = True
        self.base: str | None = None  # of the graph being written (subject() is called per subject)
        self.refs: dict = {}
        self.smalls: dict = {}
        self.statement_type = _escape(self.compact(kg(STATEMENT)))
        self.pred_refs = {p: _escape(self.compact(kg(p))) for p in PREDICATES}
        self.instance_ns = {p for p in INSTANCE_NAMESPACES if p in prefix_map}
        # statement_values() writes these terms by name: only while none lost its place to a prefix
        used = {"subject", "predicate", "object", "wasDerivedFrom", "evidence", "start", "end", "rule", "confidence"}
        self.fast = used <= {term for term, _ in self.terms.values()}

    def compact(self, iri: str) -> str:
        out = self.iris.get(iri)
        if out is None:
            out = iri
            for ns, p in self.namespaces:
                if iri.startswith(ns) and len(iri) > len(ns):
                    local = iri[len(ns):]
                    if not local.startswith("//"):
                        out = f"{p}:{local}"
                    break
            if len(self.iris) < 200_000:  # vocabulary and hub IRIs repeat; most statement IRIs do not
                self.iris[iri] = out
        return out

    def statement_values(self, base: str, enc: str, u, v, values: tuple) -> str:
        """The JSON text of one statement (networkx edge) made from its EDGE_FIELDS values
        (kg.edges.field_values, read once for all three RDF formats), without its triples: the
        bytes json.dumps gives for the node object block() makes from kg.rdf's triples for it
        (tests/test_scale.py compares them), at a fraction of the cost; statements are most of
        the subjects. Strings go through json's own C escaper."""
        esc, nodes, small = _escape, self.node_refs, self.small
        ns, _, local = enc.partition("/")
        sid = f"{ns}:{local}" if ns in self.instance_ns and local and not local.startswith("//") else self.compact(base + enc)
        p, paper, evidence, start, end, rule, confidence = values
        refs = self.refs
        if not (p is None or paper is None or evidence is None or start is None or end is None or rule is None
                or confidence is None):  # the common case: one format string
            pred = self.pred_refs.get(p) or esc(self.compact(KG_NAMESPACE + p))
            return (f'{{"@id":{esc(sid)},"@type":{self.statement_type},"subject":{refs.get(u) or nodes(base, u)},'
                    f'"predicate":{pred},"object":{refs.get(v) or nodes(base, v)},'
                    f'"wasDerivedFrom":{refs.get(paper) or nodes(base, paper)},"evidence":{esc(evidence)},'
                    f'"start":{small(start, "i")},"end":{small(end, "i")},"rule":{small(rule, "s")},'
                    f'"confidence":{small(confidence, "d")}}}')
        parts = ['{"@id":', esc(sid), ',"@type":', self.statement_type, ',"subject":', nodes(base, u)]
        if p is not None:
            parts += (',"predicate":', self.pred_refs.get(p) or esc(self.compact(KG_NAMESPACE + p)))
        parts += (',"object":', nodes(base, v))
        if paper is not None:
            parts += (',"wasDerivedFrom":', nodes(base, paper))
        if evidence is not None:
            parts += (',"evidence":', esc(evidence))
        if start is not None:
            parts += (',"start":', small(start, "i"))
        if end is not None:
            parts += (',"end":', small(end, "i"))
        if rule is not None:
            parts += (',"rule":', small(rule, "s"))
        if confidence is not None:
            parts += (',"confidence":', small(confidence, "d"))
        parts.append("}")
        return "".join(parts)

    def node_refs(self, base: str, node_id) -> str:
        """The JSON string of a node's compact IRI."""
        ref = self.refs.get(node_id)
        if ref is None:
            ref = _escape(self.compact(base + encode_id(str(node_id))))
            if len(self.refs) < 500_000:
                self.refs[node_id] = ref
        return ref

    def small(self, value, kind: str):
        """The JSON text of a repeated value: an offset ("i"), a rule ("s"), a confidence ("d")."""
        key = (kind, type(value), value)
        out = self.smalls.get(key)
        if out is None:
            if kind == "i":
                out = str(int(value))
                out = out if _SMALL_INT.fullmatch(out) else _escape(out)
            elif kind == "s":
                out = _escape(str(value))
            else:
                out = _escape(format_decimal(value))
            if len(self.smalls) < 100_000:
                self.smalls[key] = out
        return out

    def write_graph(self, G: nx.MultiDiGraph) -> Iterable[str]:
        """The document's text for G, subject by subject in kg.rdf's order: statements written
        from the edge data, other subjects from their triples (made only for them)."""
        index = SubjectIndex(G)
        make = block_maker(G, index.persons)
        yield self.header()
        for entry in index.entries():
            yield self.subject(G, entry, None if len(entry) == 4 and self.fast else make(entry))
        yield self.footer()

    def subject(self, G: nx.MultiDiGraph, entry: tuple, block: list[ox.Triple] | None) -> str:
        """The text of one subject, given its SubjectIndex entry and its block of triples (None
        for a statement, written from its edge data, when `fast`)."""
        if len(entry) == 4 and self.fast:
            enc, u, v, key = entry
            if self.base is None:
                self.base = base_iri_of(G)
            return self._join([self.statement_values(self.base, enc, u, v, field_values(G._adj[u][v], key))])
        return self.block(block)

    def header(self) -> str:
        context: dict = dict(sorted(self.prefix_map.items()))
        for iri, (term, typ) in sorted(self.terms.items(), key=lambda kv: kv[1][0]):
            context[term] = {"@id": self.compact(iri)} if typ is None else {"@id": self.compact(iri), "@type": typ if typ == _ID else self.compact(typ)}
        return '{"@context": ' + json.dumps(context, ensure_ascii=False, indent=1) + ',\n"@graph": [\n'

    def footer(self) -> str:
        return "\n]}\n"

    def _ref(self, term) -> str:
        return "_:" + term.value if isinstance(term, ox.BlankNode) else self.compact(term.value)

    def block(self, triples: Iterable[ox.Triple]) -> str:
        nodes: dict = {}
        keys, compact = self.keys, self.compact
        last_s = last_node = None
        for t in triples:
            s = t.subject
            if last_s is None or s != last_s:  # a getter makes a new object per call
                sid = self._ref(s)
                last_node = nodes.get(sid)
                if last_node is None:
                    last_node = nodes[sid] = {"@id": sid}
                last_s = s
            node = last_node
            p = t.predicate.value
            o = t.object
            if p == _RDF_TYPE and isinstance(o, ox.NamedNode):
                node.setdefault("@type", []).append(compact(o.value))
                continue
            info = keys.get(p)
            if info is None:
                info = keys[p] = (compact(p), None)
            key, typ = info
            if isinstance(o, ox.Literal):
                dt = o.datatype.value
                if o.language:
                    value = {"@value": o.value, "@language": o.language}
                elif dt == _STRING:
                    value = o.value if typ is None else {"@value": o.value}
                elif dt == typ:
                    value = o.value
                    if typ == _INTEGER and _SMALL_INT.fullmatch(value):
                        value = int(value)
                else:
                    value = {"@value": o.value, "@type": compact(dt)}
            elif typ == _ID:
                value = self._ref(o)
            else:
                value = {"@id": self._ref(o)}
            node.setdefault(key, []).append(value)
        for node in nodes.values():
            for k, v in node.items():
                if k != "@id" and len(v) == 1:
                    node[k] = v[0]
        return self._lines(nodes.values())

    def _lines(self, nodes: Iterable[dict]) -> str:
        dumps = json.dumps
        return self._join([dumps(node, ensure_ascii=False, separators=(",", ":")) for node in nodes])

    def _join(self, lines: list[str]) -> str:
        if not lines:
            return ""
        text = ",\n".join(lines)
        if self.first:
            self.first = False
            return text
        return ",\n" + text


@register_exporter("jsonld", "jsonld")
def write_jsonld(G: nx.MultiDiGraph, path: Path) -> None:
    w = JsonLdWriter(prefixes(base_iri_of(G)))
    with cyclic_gc_paused(), atomic_open(path, "w") as fh:
        for text in w.write_graph(G):
            fh.write(text)
