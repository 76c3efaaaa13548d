"""Read an RDF export (Turtle or N-Triples) back into the networkx graph it was made from."""
from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.rdf import triples_to_graph

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}


def rdf_format(path: str | os.PathLike) -> ox.RdfFormat:
    suffix = Path(path).suffix.lower()
    try:
        return _FORMATS[suffix]
    except KeyError:
        raise ValueError(f"{path}: cannot tell the RDF format from the extension {suffix!r} "
                         f"(expected one of {', '.join(sorted(_FORMATS))})") from None


def load(path: str | os.PathLike, base_iri: str | None = None) -> nx.MultiDiGraph:
    """Parse a graph.ttl / graph.nt export (pyoxigraph parser) into a MultiDiGraph equal to the
    exported one: same nodes and node attributes, same edges with keys and attributes, and
    G.graph["base_iri"] recovered from the export (or given)."""
    path = Path(path)
    triples = [q.triple for q in ox.parse(path=str(path), format=rdf_format(path))]
    return triples_to_graph(triples, base_iri=base_iri)
