"""kg: a knowledge-graph builder for machine-learning literature."""
from __future__ import annotations

__version__ = "0.1.0"


def build_graph(paths, **options):
    """Read listings (files or folders) and return a networkx.MultiDiGraph."""
    from kg.pipeline import build_graph as _build_graph

    return _build_graph(paths, **options)


def load(path):
    """Read an export (graph.ttl, graph.nt, graph.jsonld or graph.graphml) back into the networkx graph."""
    from kg.loader import load as _load

    return _load(path)


__all__ = ["build_graph", "load", "__version__"]
