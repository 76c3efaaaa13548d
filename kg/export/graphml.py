"""GraphML exporter, written as a stream: one pass over the attributes declares the keys (GraphML
wants every <key> before the <graph>), a second writes each node and edge as it comes, so memory
does not grow with the graph (networkx.write_graphml first copies the graph, then builds an XML
tree of it: ~1.1 GB at 20k papers).

Same keys and attributes as networkx's writer gave: key ids d0, d1, ... in first-seen order
(graph, then nodes, then edges), attr.type long/double/boolean/string, edge ids = edge keys;
tuple attributes become "|"-joined strings and None values are dropped, since GraphML has only
scalar attribute types. Characters XML 1.0 cannot hold at all (C0 controls other than
tab/newline/return, lone surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD, in ids and keys
too; tab, newline and carriage return are written as character references so a parser keeps
them (attribute normalisation and line-end handling would otherwise change them).
"""
from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from kg.export.registry import register_exporter
from kg.io import atomic_open, cyclic_gc_paused

_SCALARS = (str, int, float, bool)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                           "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})
_NEEDS_ESC = re.compile("[&<>\r]")
# widest type wins when one attribute holds several: bool < int < float < str
_RANK = {bool: 0, int: 1, float: 2, str: 3}
_GRAPHML_TYPE = {0: "boolean", 1: "long", 2: "double", 3: "string"}

HEADER = ("<?xml version='1.0' encoding='utf-8'?>\n"
          '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
          'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')


def xml_safe(text: str) -> str:
    """`text` with the characters XML 1.0 cannot represent replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _text(value: str) -> str:
    value = xml_safe(value)
    return value.translate(_TEXT_ESC) if _NEEDS_ESC.search(value) else value


def _attr(value) -> str:
    return xml_safe(str(value)).translate(_ATTR_ESC)


def _scalar(v):
    """The GraphML value of an attribute value (None: not written)."""
    if v is None or isinstance(v, _SCALARS):
        return v
    if isinstance(v, (tuple, list, set, frozenset)):
        items = sorted(v, key=str) if isinstance(v, (set, frozenset)) else v
        return "|".join(str(x) for x in items)
    return str(v)


def _rank(v) -> int:
    return _RANK.get(type(v), 3)


def _declare(keys: dict, domain: str, attrs: dict) -> None:
    for k, v in attrs.items():
        if v is None:
            continue
        r = 3 if not isinstance(v, _SCALARS) else _rank(v)
        entry = keys.get((domain, k))
        if entry is None:
            keys[(domain, k)] = [f"d{len(keys)}", r]
        elif r > entry[1]:
            entry[1] = r


def _data(out: list, keys: dict, domain: str, attrs: dict, indent: str) -> None:
    for k, v in attrs.items():
        v = _scalar(v)
        if v is None:
            continue
        kid, rank = keys[(domain, k)]
        if rank == 3:
            text = _text(v if isinstance(v, str) else str(v))
        elif rank == 0:
            text = "true" if v else "false"
        elif rank == 2:
            text = repr(float(v))
        else:
            text = str(int(v))
        out.append(f'{indent}<data key="{kid}">{text}</data>\n')


def _flush_if_full(fh, out: list, batch: int) -> None:
    """Write the pending pieces once there are more than `batch`: the document is never whole."""
    if len(out) > batch:
        fh.write("".join(out))
        out.clear()


@register_exporter("graphml", "graphml")
def write_graphml(G: nx.MultiDiGraph, path: Path, batch: int = 2000) -> None:
    keys: dict[tuple[str, str], list] = {}
    _declare(keys, "graph", G.graph)
    for _, data in G.nodes(data=True):
        _declare(keys, "node", data)
    for _, _, data in G.edges(data=True):
        _declare(keys, "edge", data)
    with cyclic_gc_paused(), atomic_open(path, "w") as fh:
        fh.write(HEADER)
        for (domain, name), (kid, rank) in keys.items():
            fh.write(f'<key id="{kid}" for="{domain}" attr.name="{_attr(name)}" attr.type="{_GRAPHML_TYPE[rank]}"/>\n')
        directed = "directed" if G.is_directed() else "undirected"
        out: list[str] = [f'<graph edgedefault="{directed}">\n']
        _data(out, keys, "graph", G.graph, "  ")
        for n, data in G.nodes(data=True):
            out.append(f'<node id="{_attr(n)}">\n')
            _data(out, keys, "node", data, "  ")
            out.append("</node>\n")
            _flush_if_full(fh, out, batch)
        edges = G.edges(keys=True, data=True) if G.is_multigraph() else ((u, v, None, d) for u, v, d in G.edges(data=True))
        for u, v, k, data in edges:
            eid = "" if k is None else f' id="{_attr(k)}"'
            out.append(f'<edge source="{_attr(u)}" target="{_attr(v)}"{eid}>\n')
            _data(out, keys, "edge", data, "  ")
            out.append("</edge>\n")
            _flush_if_full(fh, out, batch)
        out.append("</graph>\n</graphml>\n")
        fh.write("".join(out))
