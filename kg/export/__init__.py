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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import networkx as nx

ExportFunc = Callable[[nx.MultiDiGraph, Path], None]


@dataclass(frozen=True)
class Exporter:
    name: str
    extension: str
    func: ExportFunc

    @property
    def filename(self) -> str:
        return f"graph.{self.extension}"

    def __call__(self, G: nx.MultiDiGraph, path: str | os.PathLike) -> None:
        self.func(G, Path(path))


_REGISTRY: dict[str, Exporter] = {}


def register_exporter(name: str, extension: str) -> Callable[[ExportFunc], ExportFunc]:
    """Decorator registering `func(G, path)` as the exporter `name` writing `graph.<extension>`.
    Registering a name again replaces the previous exporter."""
    extension = extension.lstrip(".")

    def deco(func: ExportFunc) -> ExportFunc:
        _REGISTRY[name] = Exporter(name, extension, func)
        return func

    return deco


def exporters() -> dict[str, Exporter]:
    """Registered exporters by name, in registration order (a copy)."""
    return dict(_REGISTRY)


def get_exporter(name_or_extension: str) -> Exporter:
    key = name_or_extension.lower().lstrip(".")
    if key in _REGISTRY:
        return _REGISTRY[key]
    for exp in _REGISTRY.values():
        if exp.extension == key:
            return exp
    known = ", ".join(f"{e.name} (.{e.extension})" for e in _REGISTRY.values())
    raise ValueError(f"unknown export format {name_or_extension!r}; known: {known}")


def export(G: nx.MultiDiGraph, out_dir: str | os.PathLike, formats: Iterable[str] | None = None) -> list[Path]:
    """Write G in each format to out_dir/graph.<ext>; returns the written paths in order."""
    from kg.rdf import triple_cache

    chosen = list(_REGISTRY.values()) if formats is None else [get_exporter(f) for f in formats]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with triple_cache():  # RDF exporters share one graph -> triples conversion
        for exp in dict.fromkeys(chosen):
            path = out_dir / exp.filename
            exp(G, path)
            written.append(path)
    return written


from kg.export import rdf_formats as _rdf_formats  # noqa: E402,F401  (registers turtle, ntriples, jsonld)
from kg.export import graphml as _graphml  # noqa: E402,F401  (registers graphml)
from kg.export import html as _html  # noqa: E402,F401  (registers html)

__all__ = ["Exporter", "register_exporter", "exporters", "get_exporter", "export"]
