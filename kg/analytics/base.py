"""Shared pieces of the analytics: frames, labels, types, the paper-entity incidence, and the
aggregated method graphs."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

import networkx as nx

from kg.lookup import node_label as _label, node_type as _type
from kg.schema import PAPER as PAPER_TYPE, PAPER_PREDICATES, kind

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_PAPER_PREDICATES = frozenset(PAPER_PREDICATES)


def _df(rows: Iterable[Sequence], columns: Sequence[str]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(list(rows), columns=list(columns))


def _canon_type(type_: str | None) -> str | None:
    """Accept "dataset", "Dataset", "DATASET"; None stays None (ValueError for an unknown type)."""
    return None if type_ is None else kind(type_).name


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

