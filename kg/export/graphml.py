"""GraphML exporter (networkx.write_graphml): tuple attributes become "|"-joined strings and
None values are dropped, since GraphML has only scalar attribute types."""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export import register_exporter
from kg.io import atomic_open

_SCALARS = (str, int, float, bool)


def _clean(attrs: dict) -> dict:
    out = {}
    for k, v in attrs.items():
        if v is None:
            continue
        if isinstance(v, (tuple, list, set, frozenset)):
            items = sorted(v, key=str) if isinstance(v, (set, frozenset)) else v
            v = "|".join(str(x) for x in items)
        elif not isinstance(v, _SCALARS):
            v = str(v)
        out[str(k)] = v
    return out


def graphml_ready(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    H = nx.MultiDiGraph()
    H.graph.update(_clean(G.graph))
    for n, data in G.nodes(data=True):
        H.add_node(n, **_clean(data))
    for u, v, k, data in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **_clean(data))
    return H


@register_exporter("graphml", "graphml")
def write_graphml(G: nx.MultiDiGraph, path: Path) -> None:
    H = graphml_ready(G)
    with atomic_open(path, "wb") as fh:
        nx.write_graphml(H, fh)
