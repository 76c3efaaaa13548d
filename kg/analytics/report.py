"""The text report `kg stats` prints."""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Sequence

import networkx as nx

from kg.analytics.base import _bipartite
from kg.analytics.co_usage import communities
from kg.analytics.pagerank import _bipartite_pagerank
from kg.analytics.rankings import _top_entities, counts_by_type, outperforms_pagerank, relations_by_predicate
from kg.schema import ENTITY_TYPES, KIND_BY_NAME

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


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
    bp = _bipartite(G)
    pr = _bipartite_pagerank(G, bp)
    for t in ENTITY_TYPES:
        top = _top_entities(G, t, n, "papers", bp, pr)
        out += _table(f"Top {KIND_BY_NAME[t].plural} by papers", top, ["label", "papers", "pagerank"])
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
