"""Read an export back into the networkx graph it was made from: any RDF export (Turtle,
N-Triples, JSON-LD, ...) exactly, and graph.graphml as far as GraphML can carry it."""
from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from kg.rdf import read_triples, triples_to_graph
from kg.schema import PAPER

#: Node attributes the graph holds as tuples; the GraphML exporter joins them with "|".
_TUPLE_ATTRS = ("sources", "urls", "authors", "code", "aliases")
#: Paper attributes the GraphML exporter drops when they are None.
_PAPER_OPTIONAL = ("title", "abstract", "date")


def load(path: str | os.PathLike, base_iri: str | None = None) -> nx.MultiDiGraph:
    """Parse an export into a MultiDiGraph.

    RDF files (graph.ttl, graph.nt, graph.jsonld; pyoxigraph parser) give a graph equal to the
    exported one: same nodes and node attributes, same edges with keys and attributes, and
    G.graph["base_iri"] recovered from the export (or given). graph.graphml gives the same
    graph too, except that a tuple item holding "|" (the exporter's separator) comes back
    split, and characters XML cannot hold come back as U+FFFD."""
    if Path(path).suffix.lower() == ".graphml":
        return _load_graphml(path, base_iri)
    return triples_to_graph(read_triples(path), base_iri=base_iri)


def _load_graphml(path: str | os.PathLike, base_iri: str | None) -> nx.MultiDiGraph:
    try:
        H = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # ElementTree.ParseError, NetworkXError: say which file
        raise ValueError(f"{path}: not a readable GraphML file ({exc})") from None
    G = nx.MultiDiGraph()
    # read_graphml adds node_default / edge_default; the graph itself only carries base_iri
    G.graph.update((k, v) for k, v in H.graph.items() if k not in ("node_default", "edge_default"))
    if base_iri is not None:
        G.graph["base_iri"] = base_iri
    for n, data in H.nodes(data=True):
        attrs = dict(data)
        for name in _TUPLE_ATTRS:
            if name in attrs:
                value = attrs[name]
                attrs[name] = tuple(str(value).split("|")) if value != "" else ()
        if attrs.get("type") == PAPER:
            for name in _PAPER_OPTIONAL:
                attrs.setdefault(name, None)
        G.add_node(n, **attrs)
    for u, v, key, data in H.edges(keys=True, data=True):
        G.add_edge(u, v, key=key, **data)
    return G
