"""Co-usage: which entities papers use together, their communities, and the pairs no paper
combines (research gaps)."""
from __future__ import annotations

import itertools
from collections import Counter
from typing import TYPE_CHECKING, Iterable

import networkx as nx

from kg.analytics.base import _Bipartite, _bipartite, _canon_type, _df, _label, _type
from kg.schema import ENTITY_TYPES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _types_arg(types: str | Iterable[str] | None) -> frozenset[str]:
    if types is None:
        return frozenset(ENTITY_TYPES)
    if isinstance(types, str):
        types = [types]
    return frozenset(_canon_type(t) for t in types)


def _projection(
    G: nx.MultiDiGraph,
    types_a: frozenset[str],
    types_b: frozenset[str] | None,
    min_papers: int,
    bp: _Bipartite | None = None,
) -> nx.Graph:
    bp = bp or _bipartite(G)
    pairs: Counter = Counter()
    for paper in sorted(bp.paper_entities):
        ents = bp.paper_entities[paper]
        A = sorted(e for e in ents if bp.types[e] in types_a)
        if types_b is None:
            pairs.update(itertools.combinations(A, 2))
        else:
            B = sorted(e for e in ents if bp.types[e] in types_b)
            pairs.update((a, b) for a in A for b in B if a != b)
    P = nx.Graph()
    edges = sorted((a, b, w) for (a, b), w in pairs.items() if w >= min_papers)
    for node in sorted({x for a, b, _ in edges for x in (a, b)}):
        P.add_node(node, label=_label(G, node), type=_type(G, node), papers=len(bp.entity_papers.get(node, ())))
    for a, b, w in edges:
        P.add_edge(a, b, weight=w)
    return P


def co_usage(G: nx.MultiDiGraph, type_a: str = "Dataset", type_b: str | None = None, min_papers: int = 1) -> nx.Graph:
    """Weighted projection of the paper–entity graph: an edge joins two entities used by
    the same paper(s), ``weight`` = number of shared papers (edges below ``min_papers`` dropped).

    ``type_b=None`` pairs entities of ``type_a`` with each other; otherwise the graph is
    bipartite between ``type_a`` and ``type_b`` (e.g. Method with Hardware). Only entities
    with at least one kept edge are nodes (attrs label, type, papers).
    Example: ``co_usage(G, "Method", "Hardware", min_papers=2)``
    """
    ta = _canon_type(type_a)
    tb = _canon_type(type_b) if type_b is not None else None
    if tb == ta:
        tb = None
    return _projection(G, frozenset([ta]), None if tb is None else frozenset([tb]), min_papers)


def co_usage_table(
    G: nx.MultiDiGraph,
    type_a: str = "Dataset",
    type_b: str | None = None,
    min_papers: int = 1,
    n: int | None = None,
) -> "pd.DataFrame":
    """``co_usage`` as a table sorted by shared papers (a is of ``type_a`` in bipartite pairings).

    Example: ``co_usage_table(G, "Method", "Hardware", n=20)`` -> a, b, papers, a_id, b_id
    """
    ta = _canon_type(type_a)
    P = co_usage(G, type_a, type_b, min_papers)
    rows = []
    for u, v, w in P.edges(data="weight"):
        if _type(G, u) != ta or (_type(G, v) == ta and _label(G, v).casefold() < _label(G, u).casefold()):
            u, v = v, u
        rows.append((_label(G, u), _label(G, v), w, u, v))
    rows.sort(key=lambda r: (-r[2], r[0].casefold(), r[1].casefold(), r[3], r[4]))
    if n is not None:
        rows = rows[:n]
    return _df(rows, ["a", "b", "papers", "a_id", "b_id"])


def communities(
    G: nx.MultiDiGraph,
    types: str | Iterable[str] | None = None,
    seed: int = 0,
    min_papers: int = 1,
    resolution: float = 1.0,
) -> "pd.DataFrame":
    """Louvain communities of the entity co-usage graph (entities of ``types``, None = all).

    Deterministic for a given ``seed``: the projection is built in sorted order;
    communities are numbered by size (then total papers, then first label) and members
    are listed by papers then label. Entities co-used with nothing are left out.
    Example: ``communities(G, types=["Dataset"]).groupby("community").label.apply(list)``
    """
    P = _projection(G, _types_arg(types), None, min_papers)
    cols = ["community", "label", "type", "papers", "id"]
    if P.number_of_edges() == 0:
        return _df([], cols)
    parts = nx.community.louvain_communities(P, weight="weight", resolution=resolution, seed=seed)

    def member_key(m: str):
        return (-P.nodes[m]["papers"], P.nodes[m]["label"].casefold(), m)

    ordered = [sorted(c, key=member_key) for c in parts]
    ordered.sort(key=lambda ms: (-len(ms), -sum(P.nodes[m]["papers"] for m in ms), member_key(ms[0])))
    rows = [
        (i, P.nodes[m]["label"], P.nodes[m]["type"], P.nodes[m]["papers"], m)
        for i, ms in enumerate(ordered)
        for m in ms
    ]
    return _df(rows, cols)


GAP_COLUMNS = ["a", "b", "score", "bridges", "a_papers", "b_papers", "via", "a_id", "b_id"]


def research_gaps(
    G: nx.MultiDiGraph,
    type_a: str = "Dataset",
    type_b: str = "Hardware",
    min_bridges: int = 2,
    n: int | None = 20,
) -> "pd.DataFrame":
    """Pairs the field's structure predicts but no paper has.

    Definition. Two entities are *co-used* when some paper links both. A gap is a pair (a, b),
    a of ``type_a`` and b of ``type_b``, that no paper links together, while at least
    ``min_bridges`` other entities (of any type: the *bridges*) are each co-used with both.
    Its score is the cosine (Salton) index of their co-usage neighbourhoods,
    ``bridges / sqrt(deg(a) * deg(b))``, where deg counts the distinct entities co-used with
    it: 1.0 means a and b are used with exactly the same things, and the square root
    discounts pairs that share neighbours only because both are used with everything. So a
    popular pair with no common context is not a gap, and a little-used pair that sits in
    the same context is. ``via`` lists the bridges, most specific (fewest papers) first.

    Example: ``research_gaps(G, "Method", "Dataset")`` -> a, b, score, bridges, a_papers, b_papers, via, a_id, b_id
    """
    ta, tb = _canon_type(type_a), _canon_type(type_b)
    bp = _bipartite(G)
    neighbours: dict[str, set[str]] = {}
    for ents in bp.paper_entities.values():
        for e in ents:
            neighbours.setdefault(e, set()).update(ents)
    for e, ns in neighbours.items():
        ns.discard(e)
    rows = []
    A = sorted(e for e in neighbours if _type(G, e) == ta)
    for a in A:
        counts: Counter = Counter()
        for c in neighbours[a]:
            counts.update(b for b in neighbours[c] if b != a and _type(G, b) == tb)
        for b, k in counts.items():
            if k < min_bridges or b in neighbours[a]:
                continue
            if ta == tb and (_label(G, b).casefold(), b) < (_label(G, a).casefold(), a):
                continue  # each unordered pair once
            bridges = sorted(neighbours[a] & neighbours[b],
                             key=lambda c: (len(bp.entity_papers[c]), _label(G, c).casefold(), c))
            score = len(bridges) / (len(neighbours[a]) * len(neighbours[b])) ** 0.5
            rows.append((_label(G, a), _label(G, b), round(score, 6), len(bridges), len(bp.entity_papers[a]),
                         len(bp.entity_papers[b]), "; ".join(_label(G, c) for c in bridges[:5]), a, b))
    rows.sort(key=lambda r: (-r[2], -r[3], r[0].casefold(), r[1].casefold(), r[7], r[8]))
    if n is not None:
        rows = rows[:n]
    return _df(rows, GAP_COLUMNS)
