"""The graph page as an exporter, so `kg build` writes graph.html with the rest."""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export.registry import register_exporter


@register_exporter("html", "html")
def write_page(G: nx.MultiDiGraph, path: Path) -> None:
    from kg.view import write_html

    write_html(G, path)
