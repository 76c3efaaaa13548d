"""SHACL validation of an export against the shapes in schema/shapes.ttl (package data).

The ontology (schema/ontology.ttl) is mixed into the data graph so that sh:class sees the
rdfs:subClassOf hierarchy (e.g. kg:Method rdfs:subClassOf kg:Entity). Files are parsed with
pyoxigraph and handed to rdflib/pyshacl as an rdflib Graph (3x faster than rdflib's own Turtle
parser); pyshacl runs with inference="none", advanced=False. About 3-4 s for 50k triples.
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from kg.rdf import graph_triples, read_triples
from kg.schema import ontology_file, shapes_file

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@lru_cache(maxsize=None)
def _schema_graph(resource: Traversable) -> rdflib.Graph:
    return rdflib.Graph().parse(data=resource.read_text(encoding="utf-8"), format="turtle")


def shapes_graph() -> rdflib.Graph:
    return _schema_graph(shapes_file())


def ontology_graph() -> rdflib.Graph:
    return _schema_graph(ontology_file())


def _to_rdflib(triples) -> rdflib.Graph:
    g = rdflib.Graph()
    cache: dict = {}

    def conv(term):
        r = cache.get(term)
        if r is None:
            if isinstance(term, ox.NamedNode):
                r = URIRef(term.value)
            elif isinstance(term, ox.BlankNode):
                r = BNode(term.value)
            elif term.language:
                r = Literal(term.value, lang=term.language)
            else:
                dt = term.datatype.value
                r = Literal(term.value, datatype=None if dt == _XSD_STRING else URIRef(dt))
            cache[term] = r
        return r

    g.addN((conv(t.subject), conv(t.predicate), conv(t.object), g) for t in triples)
    return g


def data_graph(source: str | os.PathLike | rdflib.Graph | nx.MultiDiGraph) -> rdflib.Graph:
    """A fresh rdflib Graph from an export path (.ttl/.nt/.jsonld) or a networkx graph; an
    rdflib Graph is returned as is."""
    if isinstance(source, rdflib.Graph):
        return source
    if isinstance(source, nx.Graph):
        return _to_rdflib(graph_triples(source))
    return _to_rdflib(read_triples(Path(source)))


def validate(path_or_graph: str | os.PathLike | rdflib.Graph | nx.MultiDiGraph) -> tuple[bool, str]:
    """Validate an export (Turtle / N-Triples / JSON-LD path), an rdflib Graph or an in-memory
    networkx graph against the kg SHACL shapes and ontology. Returns (conforms, report_text).
    A caller's rdflib Graph is not modified."""
    from pyshacl import validate as shacl_validate

    if isinstance(path_or_graph, rdflib.Graph):
        data, ont = path_or_graph, ontology_graph()  # pyshacl mixes it into a copy
    else:
        data, ont = data_graph(path_or_graph), None
        data += ontology_graph()  # our own graph: mix in place, no copy
    conforms, _report_graph, report_text = shacl_validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ont,
        inference="none",
        advanced=False,
        meta_shacl=False,
        abort_on_first=False,
        allow_warnings=False,
    )
    return bool(conforms), str(report_text)
