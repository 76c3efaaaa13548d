"""Counts and rankings: nodes by type, statements by predicate, top entities, method wins,
PageRank over outperforms."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

import networkx as nx

from kg.analytics.base import PAPER_TYPE, _Bipartite, _bipartite, _canon_type, _df, _label, _method_edges, outperforms_graph
from kg.analytics.pagerank import _bipartite_pagerank, _pagerank
from kg.schema import ENTITY_TYPES, PREDICATES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


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
