"""Exporter registry, in the style of rdflib's serializer plugins.

    @register_exporter("turtle", "ttl")
    def write_turtle(G, path): ...

`export(G, out_dir)` writes `out_dir/graph.<extension>` for every registered exporter (or the
ones named in `formats`, by name or extension) and returns the paths written. Exporters must
write through kg.io.atomic_open so a crash never leaves a half-written file.

Built in: turtle (graph.ttl), ntriples (graph.nt), jsonld (graph.jsonld), graphml
(graph.graphml). Other exporters (e.g. html) register themselves when their module is imported.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import networkx as nx

from kg.export.registry import Exporter, exporters, get_exporter, register_exporter, unregister_exporter
from kg.rdf import triple_cache


def export(G: nx.MultiDiGraph, out_dir: str | os.PathLike, formats: Iterable[str] | None = None) -> list[Path]:
    """Write G in each format to out_dir/graph.<ext>; returns the written paths in order."""
    chosen = list(exporters().values()) if formats is None else [get_exporter(f) for f in formats]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with triple_cache():  # RDF exporters share one graph -> triples conversion
        for exp in dict.fromkeys(chosen):
            path = out_dir / exp.filename
            exp(G, path)
            written.append(path)
    return written


from kg.export import rdf_formats as _rdf_formats  # noqa: E402,F401  (registers turtle, ntriples)
from kg.export import jsonld as _jsonld  # noqa: E402,F401  (registers jsonld)
from kg.export import graphml as _graphml  # noqa: E402,F401  (registers graphml)
from kg.export import html as _html  # noqa: E402,F401  (registers html)

__all__ = ["Exporter", "register_exporter", "unregister_exporter", "exporters", "get_exporter", "export"]
