"""Analytics over the knowledge graph (see GRAPH_CONTRACT.md).

Plain functions that take the in-memory ``networkx.MultiDiGraph`` built by the
pipeline and return pandas DataFrames or networkx graphs, so they compose in a
notebook::

    >>> from kg import analytics as A
    >>> A.top_entities(G, "Dataset", n=5)          # doctest: +SKIP
    >>> A.lineage(G, "resnet")                       # doctest: +SKIP

Conventions:

* "papers" of an entity = distinct papers linked to it by a paper-level
  predicate (proposes, mentions, evaluatesOn, usesHardware, addresses).
* outperforms / extends edges go method -> method, one edge per statement;
  "evidence" counts statements, self-loops are ignored.
* Every function returns a frame with the documented columns even when the
  graph is empty, and rows are sorted deterministically (ties by label, id).

pandas, numpy and matplotlib are imported lazily so ``import kg.analytics``
stays cheap (the CLI imports it).
"""
from __future__ import annotations

import difflib
import itertools
import math
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import networkx as nx

from kg.records import ENTITY_TYPES, PAPER_PREDICATES, PREDICATES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "counts_by_type",
    "relations_by_predicate",
    "top_entities",
    "method_wins",
    "outperforms_pagerank",
    "co_usage",
    "co_usage_table",
    "communities",
    "lineage",
    "lineage_graph",
    "contradictions",
    "similar_papers",
    "similar_entities",
    "research_gaps",
    "find_node",
    "summary_text",
    "write_plots",
    "paper_entity_graph",
    "outperforms_graph",
]

PAPER_TYPE = "Paper"
_PAPER_PREDICATES = frozenset(PAPER_PREDICATES)
LINEAGE_DIRECTIONS = ("ancestor", "descendant", "beats", "beaten_by")


# --------------------------------------------------------------------------- helpers


def _df(rows: Iterable[Sequence], columns: Sequence[str]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(list(rows), columns=list(columns))


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return str(G.nodes[node].get("label") or node)


def _type(G: nx.MultiDiGraph, node: str) -> str | None:
    return G.nodes[node].get("type") if node in G else None


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().split())


def _canon_type(type_: str | None) -> str | None:
    """Accept "dataset", "Dataset", "DATASET"; None stays None."""
    if type_ is None:
        return None
    for known in (*ENTITY_TYPES, PAPER_TYPE):
        if str(type_).casefold() == known.casefold():
            return known
    raise ValueError(f"unknown node type {type_!r}; expected one of {', '.join((*ENTITY_TYPES, PAPER_TYPE))}")


def _is_entity(G: nx.MultiDiGraph, node: str) -> bool:
    t = _type(G, node)
    return t is not None and t != PAPER_TYPE


@dataclass
class _Bipartite:
    """Paper <-> entity incidence via paper-level predicates; ``types`` maps node -> type."""

    paper_entities: dict[str, set[str]]
    entity_papers: dict[str, set[str]]
    types: dict[str, str | None]


def _bipartite(G: nx.MultiDiGraph) -> _Bipartite:
    types = dict(G.nodes(data="type"))
    pe: dict[str, set[str]] = defaultdict(set)
    ep: dict[str, set[str]] = defaultdict(set)
    for u, v, pred in G.edges(data="predicate"):
        if pred not in _PAPER_PREDICATES or types.get(u) != PAPER_TYPE:
            continue
        tv = types.get(v)
        if tv is None or tv == PAPER_TYPE:
            continue
        pe[u].add(v)
        ep[v].add(u)
    return _Bipartite(dict(pe), dict(ep), types)


def paper_entity_graph(G: nx.MultiDiGraph, types: Iterable[str] | None = None) -> nx.Graph:
    """Undirected paper–entity bipartite graph (one edge per linked pair, attr ``statements``).

    Example: ``paper_entity_graph(G, ["Dataset"]).number_of_edges()``
    """
    wanted = None if types is None else {_canon_type(t) for t in types}
    B = nx.Graph()
    for u, v, pred in G.edges(data="predicate"):
        if pred not in _PAPER_PREDICATES or _type(G, u) != PAPER_TYPE or not _is_entity(G, v):
            continue
        if wanted is not None and _type(G, v) not in wanted:
            continue
        if B.has_edge(u, v):
            B[u][v]["statements"] += 1
        else:
            B.add_edge(u, v, statements=1)
    for n in B:
        B.nodes[n]["type"] = _type(G, n)
        B.nodes[n]["label"] = _label(G, n)
        B.nodes[n]["bipartite"] = 0 if _type(G, n) == PAPER_TYPE else 1
    return B


def _method_edges(G: nx.MultiDiGraph, predicate: str) -> dict[tuple[str, str], list[dict]]:
    """(subject, object) -> statement attr dicts (with ``statement`` = edge key); no self-loops."""
    out: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for u, v, k, d in G.edges(keys=True, data=True):
        if d.get("predicate") != predicate or u == v:
            continue
        out[(u, v)].append({**d, "statement": k})
    return dict(out)


def outperforms_graph(G: nx.MultiDiGraph, direction: str = "winner_to_loser") -> nx.DiGraph:
    """Aggregated outperforms graph; edge attrs ``weight`` (statements) and ``papers`` (count).

    ``direction="loser_to_winner"`` reverses edges (used for PageRank).
    Example: ``outperforms_graph(G).number_of_edges()``
    """
    if direction not in ("winner_to_loser", "loser_to_winner"):
        raise ValueError("direction must be 'winner_to_loser' or 'loser_to_winner'")
    D = nx.DiGraph()
    for (w, l), stmts in sorted(_method_edges(G, "outperforms").items()):
        u, v = (w, l) if direction == "winner_to_loser" else (l, w)
        D.add_edge(u, v, weight=len(stmts), papers=len({s.get("paper") for s in stmts}))
    for n in D:
        D.nodes[n]["label"] = _label(G, n)
        D.nodes[n]["type"] = _type(G, n)
    return D


def _pagerank(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str, float]],
    directed: bool,
    alpha: float = 0.85,
    max_iter: int = 200,
    tol: float = 1.0e-10,
) -> dict[str, float]:
    """Power-iteration PageRank with numpy (networkx's default needs scipy).

    Same semantics as ``nx.pagerank``: uniform teleport, dangling mass spread
    uniformly, parallel edge weights summed; undirected edges count both ways.
    """
    import numpy as np

    N = len(nodes)
    if N == 0:
        return {}
    idx = {n: i for i, n in enumerate(nodes)}
    triples = [(idx[u], idx[v], float(w)) for u, v, w in edges]
    src_a = np.fromiter((t[0] for t in triples), dtype=np.int64, count=len(triples))
    dst_a = np.fromiter((t[1] for t in triples), dtype=np.int64, count=len(triples))
    w_a = np.fromiter((t[2] for t in triples), dtype=float, count=len(triples))
    if not directed:
        src_a, dst_a = np.concatenate([src_a, dst_a]), np.concatenate([dst_a, src_a])
        w_a = np.concatenate([w_a, w_a])
    out = np.bincount(src_a, weights=w_a, minlength=N) if len(src_a) else np.zeros(N)
    dangling = out == 0
    safe_out = np.where(dangling, 1.0, out)
    x = np.full(N, 1.0 / N)
    for _ in range(max_iter):
        last = x
        share = (x / safe_out)[src_a] * w_a
        x = alpha * np.bincount(dst_a, weights=share, minlength=N) if len(src_a) else np.zeros(N)
        x = x + (alpha * last[dangling].sum() + 1.0 - alpha) / N
        if np.abs(x - last).sum() < N * tol:
            break
    x = x / x.sum()
    return {n: float(x[i]) for n, i in idx.items()}


def _bipartite_pagerank(G: nx.MultiDiGraph, bp: _Bipartite) -> dict[str, float]:
    nodes = sorted(set(bp.paper_entities) | set(bp.entity_papers))
    edges = [(p, e, 1.0) for p in sorted(bp.paper_entities) for e in sorted(bp.paper_entities[p])]
    return _pagerank(nodes, edges, directed=False)


# --------------------------------------------------------------------------- counts


def counts_by_type(G: nx.MultiDiGraph) -> "pd.DataFrame":
    """Node counts per type (Paper first, then entity types, then any others).

    Example: ``counts_by_type(G)`` -> columns type, count
    """
    c = Counter(d.get("type") or "?" for _, d in G.nodes(data=True))
    order = [PAPER_TYPE, *ENTITY_TYPES]
    rows = [(t, c.get(t, 0)) for t in order] + sorted((t, k) for t, k in c.items() if t not in order)
    return _df(rows, ["type", "count"])


def relations_by_predicate(G: nx.MultiDiGraph) -> "pd.DataFrame":
    """Statements, distinct (subject, predicate, object) triples and papers per predicate.

    Example: ``relations_by_predicate(G)`` -> columns predicate, statements, triples, papers
    """
    stmts: Counter = Counter()
    triples: dict[str, set] = defaultdict(set)
    papers: dict[str, set] = defaultdict(set)
    for u, v, d in G.edges(data=True):
        p = d.get("predicate") or "?"
        stmts[p] += 1
        triples[p].add((u, v))
        if d.get("paper"):
            papers[p].add(d["paper"])
    order = list(PREDICATES) + sorted(p for p in stmts if p not in PREDICATES)
    rows = [(p, stmts.get(p, 0), len(triples.get(p, ())), len(papers.get(p, ()))) for p in order]
    return _df(rows, ["predicate", "statements", "triples", "papers"])


# --------------------------------------------------------------------------- rankings


def top_entities(G: nx.MultiDiGraph, type: str | None = None, n: int | None = 10, by: str = "papers") -> "pd.DataFrame":
    """Entities of ``type`` (None = all entity types) ranked by paper count or bipartite PageRank.

    ``papers`` = distinct papers linking the entity by any paper-level predicate;
    ``pagerank`` = PageRank on the undirected paper–entity bipartite graph.
    Example: ``top_entities(G, "Dataset", n=5, by="pagerank")`` -> label, type, papers, pagerank, id
    """
    return _top_entities(G, type, n, by)


def _top_entities(G, type, n, by, bp: _Bipartite | None = None, pr: dict | None = None) -> "pd.DataFrame":
    if by not in ("papers", "pagerank"):
        raise ValueError("by must be 'papers' or 'pagerank'")
    type_ = _canon_type(type)
    bp = bp or _bipartite(G)
    pr = pr if pr is not None else _bipartite_pagerank(G, bp)
    rows = []
    for node, d in G.nodes(data=True):
        t = d.get("type")
        if t == PAPER_TYPE or t is None or (type_ is not None and t != type_):
            continue
        rows.append((_label(G, node), t, len(bp.entity_papers.get(node, ())), pr.get(node, 0.0), node))
    if by == "papers":
        rows.sort(key=lambda r: (-r[2], -r[3], r[0].casefold(), r[4]))
    else:
        rows.sort(key=lambda r: (-r[3], -r[2], r[0].casefold(), r[4]))
    if n is not None:
        rows = rows[:n]
    return _df(rows, ["label", "type", "papers", "pagerank", "id"])


def method_wins(G: nx.MultiDiGraph, n: int | None = 10) -> "pd.DataFrame":
    """Methods ranked by wins in the outperforms graph.

    wins = distinct methods beaten, evidence = outperforms statements as winner,
    losses = distinct methods it was beaten by, papers = distinct papers of its wins.
    Example: ``method_wins(G, n=5)`` -> label, wins, losses, evidence, papers, id
    """
    beaten: dict[str, set] = defaultdict(set)
    by: dict[str, set] = defaultdict(set)
    ev: Counter = Counter()
    papers: dict[str, set] = defaultdict(set)
    for (w, l), stmts in _method_edges(G, "outperforms").items():
        beaten[w].add(l)
        by[l].add(w)
        ev[w] += len(stmts)
        papers[w].update(s.get("paper") for s in stmts if s.get("paper"))
    rows = [
        (_label(G, m), len(beaten.get(m, ())), len(by.get(m, ())), ev.get(m, 0), len(papers.get(m, ())), m)
        for m in set(beaten) | set(by)
    ]
    rows.sort(key=lambda r: (-r[1], -r[3], r[2], r[0].casefold(), r[5]))
    if n is not None:
        rows = rows[:n]
    return _df(rows, ["label", "wins", "losses", "evidence", "papers", "id"])


def outperforms_pagerank(G: nx.MultiDiGraph, n: int | None = None, alpha: float = 0.85) -> "pd.DataFrame":
    """PageRank over the outperforms graph with edges loser -> winner (weighted by statements),
    so methods that beat strong methods rank high.

    Example: ``outperforms_pagerank(G, n=10)`` -> label, pagerank, wins, losses, id
    """
    D = outperforms_graph(G, direction="loser_to_winner")
    nodes = sorted(D)
    pr = _pagerank(nodes, ((u, v, d["weight"]) for u, v, d in D.edges(data=True)), directed=True, alpha=alpha)
    rows = [(_label(G, m), pr[m], D.in_degree(m), D.out_degree(m), m) for m in nodes]
    rows.sort(key=lambda r: (-r[1], -r[2], r[0].casefold(), r[4]))
    if n is not None:
        rows = rows[:n]
    return _df(rows, ["label", "pagerank", "wins", "losses", "id"])


# --------------------------------------------------------------------------- co-usage


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


# --------------------------------------------------------------------------- lineage


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
                rows.append((direction, depth, _label(G, nb), pred[direction], _label(G, via), -negev, nb, via))
            seen.update(best)
            frontier = sorted(best)
    order = {d: i for i, d in enumerate(LINEAGE_DIRECTIONS)}
    rows.sort(key=lambda r: (order[r[0]], r[1], -r[5], r[2].casefold(), r[6]))
    return rows


def _find_method(G: nx.MultiDiGraph, name: str) -> str:
    """Prefer a Method when a name is shared with another type; fall back to any node."""
    try:
        return find_node(G, name, type="Method")
    except KeyError:
        return find_node(G, name)


def lineage(G: nx.MultiDiGraph, name: str, max_depth: int | None = None) -> "pd.DataFrame":
    """extends / outperforms chains into and out of a method (name, alias or id; case-insensitive).

    direction: "ancestor" (the method extends it, transitively), "descendant" (extends the
    method), "beats" (outperformed by the method, transitively), "beaten_by"; ``via`` is the
    node it was reached through, ``evidence`` the statements on that hop.
    Example: ``lineage(G, "ResNet")`` -> direction, depth, label, predicate, via, evidence, id, via_id
    """
    root = _find_method(G, name)
    return _df(
        _lineage_walk(G, root, max_depth),
        ["direction", "depth", "label", "predicate", "via", "evidence", "id", "via_id"],
    )


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
    for direction, depth, label, _p, _v, _e, node, _vid in rows:
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


# --------------------------------------------------------------------------- similarity


def _weighted_jaccard(a: set, b: set, w: dict) -> tuple[float, float]:
    inter = sum(w[x] for x in a & b)
    union = sum(w[x] for x in a | b)
    return (inter / union if union else 0.0), inter


def _resolve_paper(G: nx.MultiDiGraph, paper: str) -> str:
    if paper in G and _type(G, paper) == PAPER_TYPE:
        return paper
    return find_node(G, paper, type=PAPER_TYPE)


def similar_papers(G: nx.MultiDiGraph, paper: str, n: int | None = 10) -> "pd.DataFrame":
    """Papers sharing entities with ``paper`` (node id or title), by weighted Jaccard where an
    entity weighs log(1 + P / papers(entity)) — rare shared entities count more.

    Example: ``similar_papers(G, "Attention Is All You Need", n=5)`` -> similarity, title, shared, entities, id
    """
    cols = ["similarity", "title", "shared", "entities", "id"]
    pid = _resolve_paper(G, paper)
    bp = _bipartite(G)
    P = max(len(bp.paper_entities), 1)
    w = {e: math.log(1.0 + P / len(ps)) for e, ps in bp.entity_papers.items()}
    mine = bp.paper_entities.get(pid, set())
    candidates = {q for e in mine for q in bp.entity_papers[e]} - {pid}
    rows = []
    for q in candidates:
        other = bp.paper_entities[q]
        sim, _ = _weighted_jaccard(mine, other, w)
        shared = sorted(mine & other, key=lambda e: (-w[e], _label(G, e).casefold()))
        rows.append((sim, _label(G, q), len(shared), "; ".join(_label(G, e) for e in shared[:8]), q))
    rows.sort(key=lambda r: (-r[0], -r[2], r[1].casefold(), r[4]))
    if n is not None:
        rows = rows[:n]
    return _df(rows, cols)


def similar_entities(G: nx.MultiDiGraph, name: str, n: int | None = 10, same_type: bool = True) -> "pd.DataFrame":
    """Entities whose paper sets overlap the given entity's, by weighted Jaccard where a paper
    weighs log(1 + E / entities(paper)) — a paper linking few entities is stronger evidence.

    Example: ``similar_entities(G, "CIFAR-10", n=5)`` -> label, type, similarity, shared, id
    """
    cols = ["label", "type", "similarity", "shared", "id"]
    node = find_node(G, name)
    bp = _bipartite(G)
    E = max(len(bp.entity_papers), 1)
    w = {p: math.log(1.0 + E / len(es)) for p, es in bp.paper_entities.items()}
    mine = bp.entity_papers.get(node, set())
    t = _type(G, node)
    candidates = {e for p in mine for e in bp.paper_entities[p]} - {node}
    rows = []
    for e in candidates:
        if same_type and _type(G, e) != t:
            continue
        other = bp.entity_papers[e]
        sim, _ = _weighted_jaccard(mine, other, w)
        rows.append((_label(G, e), _type(G, e), sim, len(mine & other), e))
    rows.sort(key=lambda r: (-r[2], -r[3], r[0].casefold(), r[4]))
    if n is not None:
        rows = rows[:n]
    return _df(rows, cols)


# --------------------------------------------------------------------------- gaps


def research_gaps(
    G: nx.MultiDiGraph,
    type_a: str = "Dataset",
    type_b: str = "Hardware",
    top: int = 20,
    n: int | None = 20,
) -> "pd.DataFrame":
    """Pairs of popular entities that no paper combines: among the ``top`` entities of each
    type by papers, pairs with zero shared papers, scored by the product of their paper counts.

    Example: ``research_gaps(G, "Method", "Dataset", top=30)`` -> a, b, a_papers, b_papers, score, a_id, b_id
    """
    cols = ["a", "b", "a_papers", "b_papers", "score", "a_id", "b_id"]
    ta, tb = _canon_type(type_a), _canon_type(type_b)
    bp = _bipartite(G)

    def popular(t: str) -> list[str]:
        ents = [e for e, ps in bp.entity_papers.items() if _type(G, e) == t]
        ents.sort(key=lambda e: (-len(bp.entity_papers[e]), _label(G, e).casefold(), e))
        return ents[:top]

    A, B = popular(ta), popular(tb)
    if ta == tb:
        pairs = itertools.combinations(A, 2)
    else:
        pairs = ((a, b) for a in A for b in B)
    rows = []
    for a, b in pairs:
        pa, pb = bp.entity_papers[a], bp.entity_papers[b]
        if pa & pb:
            continue
        if ta == tb and _label(G, b).casefold() < _label(G, a).casefold():
            a, b, pa, pb = b, a, pb, pa
        rows.append((_label(G, a), _label(G, b), len(pa), len(pb), len(pa) * len(pb), a, b))
    rows.sort(key=lambda r: (-r[4], r[0].casefold(), r[1].casefold(), r[5], r[6]))
    if n is not None:
        rows = rows[:n]
    return _df(rows, cols)


# --------------------------------------------------------------------------- lookup


def find_node(G: nx.MultiDiGraph, name: str, type: str | None = None) -> str:
    """Resolve a node id, label, alias (or id slug) case-insensitively; ``type`` restricts the search.

    Preference: exact id, then label, then alias, then slug; ties go to entities over papers,
    then the better-connected node. Raises KeyError listing close matches (difflib).
    Example: ``find_node(G, "resnet50")`` -> "method/resnet-50"
    """
    type_ = _canon_type(type)

    def ok(node: str) -> bool:
        return type_ is None or _type(G, node) == type_

    if name in G and ok(name):
        return name
    key = _norm(name)
    tiers: list[list[str]] = [[], [], []]
    names: dict[str, set[str]] = defaultdict(set)  # normalized text -> nodes, for suggestions
    for node, d in G.nodes(data=True):
        if not ok(node):
            continue
        label = _norm(d.get("label") or node)
        names[label].add(node)
        if label == key:
            tiers[0].append(node)
        for alias in d.get("aliases") or ():
            a = _norm(alias)
            names[a].add(node)
            if a == key:
                tiers[1].append(node)
        slug = _norm(str(node).rsplit("/", 1)[-1])
        if slug == key:
            tiers[2].append(node)
    for tier in tiers:
        if tier:
            return min(tier, key=lambda nd: (_type(G, nd) == PAPER_TYPE, -G.degree(nd), str(nd)))
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)
    if not close:  # substring fallback, e.g. "resnet" -> "resnet-50"
        close = sorted((k for k in names if key and key in k), key=len)[:5]
    hints = []
    for k in close:
        for node in sorted(names[k]):
            hints.append(f"{_label(G, node)!r} ({node})")
    what = f"{type_} node" if type_ else "node"
    msg = f"no {what} named {name!r} (matched case-insensitively against ids, labels and aliases)"
    msg += "; close matches: " + ", ".join(hints[:5]) if hints else "; no close matches"
    raise KeyError(msg)


# --------------------------------------------------------------------------- text summary


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4f}"
    return str(v)


def _clip(s: str, width: int) -> str:
    return s if len(s) <= width else s[: width - 1] + "…"


def _table(title: str, df: "pd.DataFrame", columns: Sequence[str], width: int = 40) -> list[str]:
    """Aligned plain-text table: text columns left-aligned, numbers right-aligned."""
    lines = [title, "-" * len(title)]
    if df.empty:
        return lines + ["  (none)", ""]
    cells = [[_clip(_fmt(v), width) for v in row] for row in df[list(columns)].itertuples(index=False)]
    numeric = [df[c].dtype.kind in "iuf" for c in columns]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]

    def line(vals):
        return "  " + "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(vals, widths, numeric)).rstrip()

    lines.append(line(list(columns)))
    lines.extend(line(r) for r in cells)
    return lines + [""]


def summary_text(G: nx.MultiDiGraph, n: int = 10, n_communities: int = 5) -> str:
    """Headline tables printed by ``kg stats``: counts by type and predicate, top methods /
    datasets / hardware / tasks by papers, outperforms PageRank and the largest communities.

    Example: ``print(summary_text(G))``
    """
    out = ["Knowledge graph summary", "=======================",
           f"nodes: {G.number_of_nodes()}  statements: {G.number_of_edges()}", ""]
    out += _table("Nodes by type", counts_by_type(G), ["type", "count"])
    out += _table("Statements by predicate", relations_by_predicate(G), ["predicate", "statements", "triples", "papers"])
    plural = {"Method": "methods", "Dataset": "datasets", "Hardware": "hardware", "Task": "tasks"}
    bp = _bipartite(G)
    pr = _bipartite_pagerank(G, bp)
    for t in ENTITY_TYPES:
        top = _top_entities(G, t, n, "papers", bp, pr)
        out += _table(f"Top {plural[t]} by papers", top, ["label", "papers", "pagerank"])
    out += _table("Outperforms PageRank (loser -> winner)", outperforms_pagerank(G, n=n), ["label", "pagerank", "wins", "losses"])
    out.append("Top communities (entity co-usage, Louvain)")
    out.append("-" * len(out[-1]))
    com = communities(G)
    if com.empty:
        out.append("  (none)")
    else:
        for cid, grp in itertools.islice(com.groupby("community", sort=True), n_communities):
            members = ", ".join(_clip(str(x), 30) for x in grp["label"].head(8))
            more = f", … (+{len(grp) - 8})" if len(grp) > 8 else ""
            out.append(f"  #{cid} ({len(grp)} entities): {members}{more}")
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- plots


def _save(fig, path: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from kg.io import atomic_open

    FigureCanvasAgg(fig)
    with atomic_open(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=110, bbox_inches="tight")
    return path


def _barh(df: "pd.DataFrame", title: str, path: Path) -> Path | None:
    from matplotlib.figure import Figure

    df = df[df["papers"] > 0]
    if df.empty:
        return None
    df = df.iloc[::-1]
    fig = Figure(figsize=(7, 0.35 * len(df) + 1.2))
    ax = fig.add_subplot()
    ax.barh([_clip(s, 40) for s in df["label"]], df["papers"], color="#4c72b0")
    ax.set_xlabel("papers")
    ax.set_title(title)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _save(fig, path)


def _heatmap(G: nx.MultiDiGraph, n: int, path: Path, bp: _Bipartite, pr: dict) -> Path | None:
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    top = _top_entities(G, "Dataset", n, "papers", bp, pr)
    top = top[top["papers"] > 0]
    if top.empty:
        return None
    ids = list(top["id"])
    M = np.array([[len(bp.entity_papers[a] & bp.entity_papers[b]) for b in ids] for a in ids])
    labels = [_clip(s, 25) for s in top["label"]]
    k = len(ids)
    fig = Figure(figsize=(0.45 * k + 3, 0.45 * k + 2.5))
    ax = fig.add_subplot()
    im = ax.imshow(M, cmap="viridis")
    ax.set_xticks(range(k), labels, rotation=60, ha="right")
    ax.set_yticks(range(k), labels)
    if k <= 20:
        hi = M.max() if M.size else 0
        for i in range(k):
            for j in range(k):
                ax.text(j, i, str(M[i, j]), ha="center", va="center", fontsize=7,
                        color="black" if M[i, j] > hi * 0.6 else "white")
    cbar = fig.colorbar(im, ax=ax, label="shared papers (diagonal: papers)")
    cbar.locator = MaxNLocator(integer=True)
    cbar.update_ticks()
    ax.set_title(f"Dataset co-usage (top {k})")
    return _save(fig, path)


def _busiest_method(G: nx.MultiDiGraph) -> str | None:
    nbrs: dict[str, set] = defaultdict(set)
    stmts: Counter = Counter()
    for pred in ("extends", "outperforms"):
        for (s, o), ss in _method_edges(G, pred).items():
            nbrs[s].add(o)
            nbrs[o].add(s)
            stmts[s] += len(ss)
            stmts[o] += len(ss)
    if not nbrs:
        return None
    return min(nbrs, key=lambda m: (-len(nbrs[m]), -stmts[m], _label(G, m).casefold(), m))


def _lineage_plot(G: nx.MultiDiGraph, path: Path, max_nodes: int = 25) -> Path | None:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    root = _busiest_method(G)
    if root is None:
        return None
    L = lineage_graph(G, root, max_depth=2)
    if L.number_of_nodes() > max_nodes:
        keep = sorted(L, key=lambda m: (L.nodes[m]["depth"], -L.degree(m, weight="weight"), m))[:max_nodes]
        L = L.subgraph(keep).copy()
    pos = nx.spring_layout(L, seed=0, k=1.5 / max(len(L), 1) ** 0.5)
    fig = Figure(figsize=(8, 6))
    ax = fig.add_subplot()
    colors = {"extends": "#4c72b0", "outperforms": "#c44e52", "extends+outperforms": "#8172b2"}
    for u, v, d in L.edges(data=True):
        ax.annotate("", xy=pos[v], xytext=pos[u],
                    arrowprops=dict(arrowstyle="-|>", color=colors[d["predicate"]], lw=1.2,
                                    shrinkA=12, shrinkB=12, connectionstyle="arc3,rad=0.08"))
    for node, (x, y) in pos.items():
        is_root = node == root
        ax.text(x, y, _clip(L.nodes[node]["label"], 28), ha="center", va="center",
                fontsize=9 if is_root else 8, fontweight="bold" if is_root else "normal",
                bbox=dict(boxstyle="round,pad=0.3", fc="#ffe8a8" if is_root else "#eeeeee", ec="#555555"))
    fig.legend(handles=[Line2D([0], [0], color=c, label=p) for p, c in colors.items()],
               loc="lower center", ncol=3, fontsize=8, frameon=False)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    padx = 0.25 * max(max(xs) - min(xs), 0.5)
    pady = 0.15 * max(max(ys) - min(ys), 0.5)
    ax.set_xlim(min(xs) - padx, max(xs) + padx)  # text/annotate do not update data limits
    ax.set_ylim(min(ys) - pady, max(ys) + pady)
    ax.set_title(f"Lineage of {_label(G, root)} (extends / outperforms, depth <= 2)")
    ax.set_axis_off()
    return _save(fig, path)


def write_plots(G: nx.MultiDiGraph, out_dir: str | os.PathLike, n: int = 15) -> list[Path]:
    """Write PNG charts (Agg, no pyplot state): top datasets / methods / hardware bars, a
    co-usage heatmap of the top datasets and a lineage drawing of the method with the most
    extends/outperforms neighbours. Charts without data are skipped. Files are written atomically.

    Example: ``write_plots(G, "exports/plots")`` -> [Path("exports/plots/top_datasets.png"), ...]
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    bp = _bipartite(G)
    pr = _bipartite_pagerank(G, bp)

    def top(t: str) -> "pd.DataFrame":
        return _top_entities(G, t, n, "papers", bp, pr)

    written: list[Path | None] = [
        _barh(top("Dataset"), "Top datasets by papers", out / "top_datasets.png"),
        _barh(top("Method"), "Top methods by papers", out / "top_methods.png"),
        _barh(top("Hardware"), "Top hardware by papers", out / "top_hardware.png"),
        _heatmap(G, n, out / "dataset_co_usage.png", bp, pr),
        _lineage_plot(G, out / "method_lineage.png"),
    ]
    return [p for p in written if p is not None]
