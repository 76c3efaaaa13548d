"""The graph page: one self-contained, offline HTML file for a first look at the graph.

    write_html(G, "graph.html")            # overview of the best-connected entities
    write_html(G, "x.html", focus="ImageNet", hops=2, types=["Dataset", "Task"])

Stages, one module each: `select` picks the nodes the page carries, `layout` folds papers into
their entities and lays the overview out (communities, ForceAtlas2), `pagedata` builds the JSON
the page reads, `page` inlines it with the page's HTML, CSS and scripts (kg/view/assets/) and
vis-network (the copy inside pyvis).

Security model: every string read from the graph is data. It travels inside a
`<script type="application/json">` block whose `<`, `>`, `&`, U+2028 and U+2029 are escaped,
and the page's script renders it with `textContent`/`createTextNode` or canvas text only;
links are built with DOM APIs and only for http(s) URLs. A Content-Security-Policy forbids
every fetch, so a mistake elsewhere still cannot make the page load anything.
"""
from __future__ import annotations

import os
from typing import Iterable

import networkx as nx

from kg.io import atomic_open
from kg.view.page import render_page, write_page
from kg.view.pagedata import date_key, page_data
from kg.view.select import EntityPapers, resolve_node, select_nodes


def write_html(
    G: nx.MultiDiGraph,
    path: str | os.PathLike,
    *,
    focus: str | None = None,
    hops: int = 1,
    types: Iterable[str] | str | None = None,
    max_nodes: int | None = 1500,
    title: str = "Paper knowledge graph",
) -> dict:
    """Write the page for `G` to `path` (atomically) and return what it carries.

    focus: id, label or alias of a node: carry its neighbourhood within `hops` links and open
      focused on it. types: entity types to keep (papers come with their entities).
    max_nodes: at most this many entities (those with most papers); None: no bound.

    Returns counts: nodes (entities + papers), entities, papers, edges (overview links drawn),
    statements, communities, the graph's totals and whether the page carries less than the graph.
    """
    papers_of = EntityPapers(G)
    nodes = select_nodes(G, focus=focus, hops=hops, types=types, max_nodes=max_nodes, papers_of=papers_of)
    start = resolve_node(G, focus) if focus is not None else None
    data = page_data(G, nodes, papers_of, title, focus=start)
    with atomic_open(path, "w") as fh:
        write_page(fh, data, title)
    return {
        "nodes": len(data["nodes"]),
        "entities": data["n_entities"],
        "papers": len(data["nodes"]) - data["n_entities"],
        "edges": len(data["edges"]),
        "statements": len(data["statements"]),
        "communities": len(data["communities"]),
        "total_nodes": G.number_of_nodes(),
        "total_statements": data["total"]["statements"],
        "truncated": len(data["nodes"]) < G.number_of_nodes(),
    }


__all__ = ["write_html", "select_nodes", "resolve_node", "render_page", "date_key"]
