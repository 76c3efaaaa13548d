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
# any character _text or _attr would change: most strings have none and are written as they are
_TEXT_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTR_SPECIAL = re.compile('[&<>"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
_ID_CACHE = 500_000  # node ids kept as text for the edges (a bound for very big graphs)
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


def _attr_fast(value) -> str:
    return value if type(value) is str and not _ATTR_SPECIAL.search(value) else _attr(value)


def _scalar(v):
    """The GraphML value of an attribute value (None: not written)."""
    if v is None or isinstance(v, _SCALARS):
        return v
    if isinstance(v, (tuple, list, set, frozenset)):
        items = sorted(v, key=str) if isinstance(v, (set, frozenset)) else v
        return "|".join(str(x) for x in items)
    return str(v)


def _declare(keys: dict, domain: str, attrs: dict, seen: dict) -> None:
    """Declare attrs' keys in `keys` ((domain, name) -> [id, rank]); `seen` is this domain's
    name -> the same entry, so a key already a string key needs no look at its value (reading
    an EdgeData value is a Python call)."""
    for k in attrs:
        entry = seen.get(k)
        if entry is not None and entry[1] == 3:
            continue
        v = attrs[k]
        if v is None:
            continue
        r = _RANK.get(type(v), 3)  # a subclass or a non-scalar is written as a string
        if entry is None:
            entry = keys.setdefault((domain, k), [f"d{len(keys)}", r])
            seen[k] = entry
        if r > entry[1]:
            entry[1] = r


def _value_text(v, rank: int) -> str | None:
    """The text of attribute value `v` under its key's `rank` (None: not written)."""
    if type(v) is str:  # a str's key is always a string key
        return v if not _TEXT_SPECIAL.search(v) else _text(v)
    v = _scalar(v)
    if v is None:
        return None
    if rank == 3:
        return _text(v if isinstance(v, str) else str(v))
    if rank == 0:
        return "true" if v else "false"
    if rank == 2:
        return repr(float(v))
    return str(int(v))


def _tags(keys: dict, domain: str) -> dict:
    """attribute name -> (opening <data> tag, rank) for one domain."""
    return {k: (f'  <data key="{kid}">', rank) for (d, k), (kid, rank) in keys.items() if d == domain}


def _data(out: list, tags: dict, attrs: dict) -> None:
    for k, v in attrs.items():
        if v is None:
            continue
        tag, rank = tags[k]
        text = _value_text(v, rank)
        if text is not None:
            out += (tag, text, "</data>\n")


def _flush_if_full(fh, out: list, batch: int) -> None:
    """Write the pending pieces once there are more than `batch`: the document is never whole."""
    if len(out) > batch:
        fh.write("".join(out))
        out.clear()


@register_exporter("graphml", "graphml")
def write_graphml(G: nx.MultiDiGraph, path: Path, batch: int = 20000) -> None:
    keys: dict[tuple[str, str], list] = {}
    _declare(keys, "graph", G.graph, {})
    node_items = G._node.items()
    seen: dict = {}
    for _, data in node_items:
        _declare(keys, "node", data, seen)
    multi = G.is_multigraph()
    if multi:  # G.edges(keys=True, data=True), without its view's per-edge generator
        edges = lambda: ((u, v, k, d) for u, nbrs in G._adj.items() for v, kd in nbrs.items()  # noqa: E731
                         for k, d in kd.items())
    else:
        edges = lambda: ((u, v, None, d) for u, v, d in G.edges(data=True))  # noqa: E731
    seen = {}
    for _, _, _, data in edges():
        _declare(keys, "edge", data, seen)
    with cyclic_gc_paused(), atomic_open(path, "w") as fh:
        fh.write(HEADER)
        for (domain, name), (kid, rank) in keys.items():
            fh.write(f'<key id="{kid}" for="{domain}" attr.name="{_attr(name)}" attr.type="{_GRAPHML_TYPE[rank]}"/>\n')
        directed = "directed" if G.is_directed() else "undirected"
        out: list[str] = [f'<graph edgedefault="{directed}">\n']
        _data(out, _tags(keys, "graph"), G.graph)
        tags = _tags(keys, "node")
        ids: dict = {}  # node -> its attribute text, for the edges' source and target
        for n, data in node_items:
            ref = _attr_fast(n)
            if len(ids) < _ID_CACHE:
                ids[n] = ref
            out += ('<node id="', ref, '">\n')
            _data(out, tags, data)
            out.append("</node>\n")
            _flush_if_full(fh, out, batch)
        tags = _tags(keys, "edge")
        for u, v, k, data in edges():
            su, sv = ids.get(u), ids.get(v)
            out += ('<edge source="', _attr_fast(u) if su is None else su, '" target="', _attr_fast(v) if sv is None else sv,
                    '">\n' if k is None else f'" id="{_attr_fast(k)}">\n')
            _data(out, tags, data)
            out.append("</edge>\n")
            _flush_if_full(fh, out, batch)
        out.append("</graph>\n</graphml>\n")
        fh.write("".join(out))
