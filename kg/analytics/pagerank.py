"""PageRank with numpy (networkx's default needs scipy), and its bipartite paper-entity use."""
from __future__ import annotations

from typing import Iterable, Sequence

import networkx as nx

from kg.analytics.base import _Bipartite


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
