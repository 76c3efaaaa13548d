"""GraphML exporter (networkx.write_graphml): tuple attributes become "|"-joined strings and
None values are dropped, since GraphML has only scalar attribute types. Characters XML 1.0
cannot hold at all (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/U+FFFF)
are replaced by U+FFFD, in ids and keys too; everything else is escaped by the XML writer."""
from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from kg.export.registry import register_exporter
from kg.io import atomic_open

_SCALARS = (str, int, float, bool)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with the characters XML 1.0 cannot represent replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _id(value):
    return xml_safe(value) if isinstance(value, str) else value


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
        if isinstance(v, str):
            v = xml_safe(v)
        out[xml_safe(str(k))] = v
    return out


def graphml_ready(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    H = nx.MultiDiGraph()
    H.graph.update(_clean(G.graph))
    for n, data in G.nodes(data=True):
        H.add_node(_id(n), **_clean(data))
    for u, v, k, data in G.edges(keys=True, data=True):
        H.add_edge(_id(u), _id(v), key=_id(k), **_clean(data))
    return H


@register_exporter("graphml", "graphml")
def write_graphml(G: nx.MultiDiGraph, path: Path) -> None:
    H = graphml_ready(G)
    with atomic_open(path, "wb") as fh:
        nx.write_graphml(H, fh)
