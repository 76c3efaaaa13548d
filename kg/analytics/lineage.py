"""Lineage: extends / outperforms chains around a method, and contradictions (outperforms cycles)."""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import networkx as nx

from kg.analytics.base import _df, _label, _method_edges, _type
from kg.lookup import find_node

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LINEAGE_DIRECTIONS = ("ancestor", "descendant", "beats", "beaten_by")
#: directions whose hop edge goes from the node reached through (via) to the new node
_FORWARD = frozenset({"ancestor", "beats"})
#: lineage() columns; `label` is the method reached, subject/predicate/object the hop's claim
LINEAGE_COLUMNS = ["direction", "depth", "label", "subject", "predicate", "object", "evidence", "id", "via_id"]


def _lineage_walk(G: nx.MultiDiGraph, root: str, max_depth: int | None) -> list[tuple]:
    ext = _method_edges(G, "extends")
    out_ = _method_edges(G, "outperforms")
    adj: dict[str, dict[str, dict[str, int]]] = {d: defaultdict(dict) for d in LINEAGE_DIRECTIONS}
    for (s, o), ss in ext.items():
        adj["ancestor"][s][o] = len(ss)
        adj["descendant"][o][s] = len(ss)
    for (s, o), ss in out_.items():
        adj["beats"][s][o] = len(ss)
        adj["beaten_by"][o][s] = len(ss)
    pred = {"ancestor": "extends", "descendant": "extends", "beats": "outperforms", "beaten_by": "outperforms"}
    rows = []
    for direction in LINEAGE_DIRECTIONS:
        a = adj[direction]
        seen = {root}
        frontier = [root]
        depth = 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            best: dict[str, tuple[int, str, str]] = {}
            for via in frontier:
                for nb, ev in a.get(via, {}).items():
                    if nb in seen:
                        continue
                    cand = (-ev, _label(G, via).casefold(), via)
                    if nb not in best or cand < best[nb]:
                        best[nb] = cand
            for nb, (negev, _, via) in best.items():
                # subject/object say who does what: the hop's edge reads "subject predicate object"
                subj, obj = (via, nb) if direction in _FORWARD else (nb, via)
                rows.append((direction, depth, _label(G, nb), _label(G, subj), pred[direction], _label(G, obj),
                             -negev, nb, via))
            seen.update(best)
            frontier = sorted(best)
    order = {d: i for i, d in enumerate(LINEAGE_DIRECTIONS)}
    rows.sort(key=lambda r: (order[r[0]], r[1], -r[6], r[2].casefold(), r[7]))
    return rows


def _find_method(G: nx.MultiDiGraph, name: str) -> str:
    """Prefer a Method when a name is shared with another type; fall back to any node."""
    try:
        return find_node(G, name, type="Method")
    except KeyError:
        return find_node(G, name)


def lineage(G: nx.MultiDiGraph, name: str, max_depth: int | None = None) -> "pd.DataFrame":
    """extends / outperforms chains into and out of a method (name, alias or id; case-insensitive).

    direction: "ancestor" (the method extends it, transitively), "descendant" (it extends the
    method), "beats" (the method outperforms it, transitively), "beaten_by" (it outperforms
    the method). ``label`` / ``id`` is the method reached, ``via_id`` the node it was reached
    through; ``subject predicate object`` is that hop's claim as the papers state it, so a
    "beats" row reads "LatticeNet outperforms ResNet-50" and a "beaten_by" row
    "ResNet-50 outperforms LatticeNet"; ``evidence`` counts the statements on that hop.
    Example: ``lineage(G, "ResNet")`` -> direction, depth, label, subject, predicate, object, evidence, id, via_id
    """
    root = _find_method(G, name)
    return _df(_lineage_walk(G, root, max_depth), LINEAGE_COLUMNS)


def lineage_graph(G: nx.MultiDiGraph, name: str, max_depth: int | None = None) -> nx.DiGraph:
    """The method plus everything in its lineage, with all extends/outperforms edges among them.

    Node attrs label, type, role ("root" or first lineage direction), depth; edge attrs
    ``predicate`` ("extends", "outperforms" or "extends+outperforms"), ``extends``,
    ``outperforms`` (statement counts) and ``weight`` (total).
    Example: ``lineage_graph(G, "BERT").number_of_nodes()``
    """
    root = _find_method(G, name)
    rows = _lineage_walk(G, root, max_depth)
    L = nx.DiGraph(root=root)
    L.add_node(root, label=_label(G, root), type=_type(G, root), role="root", depth=0)
    for direction, depth, label, _s, _p, _o, _e, node, _vid in rows:
        if node not in L:
            L.add_node(node, label=label, type=_type(G, node), role=direction, depth=depth)
    for predicate in ("extends", "outperforms"):
        for (s, o), ss in sorted(_method_edges(G, predicate).items()):
            if s in L and o in L:
                if not L.has_edge(s, o):
                    L.add_edge(s, o, extends=0, outperforms=0)
                L[s][o][predicate] += len(ss)
    for _, _, d in L.edges(data=True):
        d["predicate"] = "+".join(p for p in ("extends", "outperforms") if d[p])
        d["weight"] = d["extends"] + d["outperforms"]
    return L


def contradictions(G: nx.MultiDiGraph, max_length: int = 4) -> "pd.DataFrame":
    """Cycles in the outperforms graph (A beats B and B beats A; longer cycles up to
    ``max_length`` methods), one row per supporting statement.

    ``cycle`` numbers the cycle (shortest first), ``methods`` reads it as "A > B > A",
    ``step`` is the hop within the cycle.
    Example: ``contradictions(G).groupby("cycle").paper.nunique()``
    """
    cols = ["cycle", "length", "methods", "step", "winner", "loser", "paper", "title",
            "evidence", "confidence", "statement"]
    edges = _method_edges(G, "outperforms")
    D = nx.DiGraph()
    D.add_edges_from(sorted(edges))
    cycles = []
    for cyc in nx.simple_cycles(D, length_bound=max_length):
        k = min(range(len(cyc)), key=lambda i: (_label(G, cyc[i]).casefold(), cyc[i]))
        cyc = cyc[k:] + cyc[:k]
        names = [_label(G, c) for c in cyc] + [_label(G, cyc[0])]
        cycles.append((len(cyc), " > ".join(names), cyc))
    cycles.sort(key=lambda c: (c[0], c[1].casefold(), c[2]))
    rows = []
    for i, (length, methods, cyc) in enumerate(cycles):
        for step, (w, l) in enumerate(zip(cyc, cyc[1:] + cyc[:1])):
            for s in sorted(edges[(w, l)], key=lambda s: (str(s.get("paper")), s.get("start", 0), s["statement"])):
                p = s.get("paper")
                title = _label(G, p) if p in G else None
                rows.append((i, length, methods, step, _label(G, w), _label(G, l), p, title,
                             s.get("evidence"), s.get("confidence"), s["statement"]))
    return _df(rows, cols)
