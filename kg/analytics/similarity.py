"""Similarity: papers sharing entities, entities sharing papers (weighted Jaccard)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import networkx as nx

from kg.analytics.base import PAPER_TYPE, _bipartite, _df, _label, _type
from kg.lookup import find_node

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _weighted_jaccard(a: set, b: set, w: dict) -> tuple[float, float]:
    inter = sum(w[x] for x in a & b)
    union = sum(w[x] for x in a | b)
    return (inter / union if union else 0.0), inter


def _resolve_paper(G: nx.MultiDiGraph, paper: str) -> str:
    if paper in G and _type(G, paper) == PAPER_TYPE:
        return paper
    return find_node(G, paper, type=PAPER_TYPE)


def similar_papers(G: nx.MultiDiGraph, paper: str, n: int | None = 10) -> "pd.DataFrame":
    """Papers sharing entities with ``paper`` (whatever find_node accepts: id, title, alias or
    a unique beginning of the title, e.g. "ECA-Net"), by weighted Jaccard where an
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
