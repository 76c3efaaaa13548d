"""Read an RDF export (Turtle or N-Triples) back into the networkx graph it was made from."""
from __future__ import annotations

import os

import networkx as nx

from kg.rdf import read_triples, triples_to_graph


def load(path: str | os.PathLike, base_iri: str | None = None) -> nx.MultiDiGraph:
    """Parse a graph.ttl / graph.nt export (pyoxigraph parser) into a MultiDiGraph equal to the
    exported one: same nodes and node attributes, same edges with keys and attributes, and
    G.graph["base_iri"] recovered from the export (or given)."""
    return triples_to_graph(read_triples(path), base_iri=base_iri)
