"""PNG charts (matplotlib's Agg canvas, no pyplot state)."""
from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from kg.analytics.base import _Bipartite, _bipartite, _label, _method_edges
from kg.analytics.lineage import lineage_graph
from kg.analytics.pagerank import _bipartite_pagerank
from kg.analytics.rankings import _top_entities
from kg.analytics.report import _clip

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


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
