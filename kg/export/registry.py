"""The exporter registry (kg.export re-exports it; exporter modules import it from here)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import networkx as nx

from kg.plugins import load_group

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


def unregister_exporter(name: str) -> None:
    _REGISTRY.pop(name, None)


def _register_plugin(name: str, obj) -> None:
    if isinstance(obj, Exporter):
        _REGISTRY[name] = obj
    elif callable(obj):
        register_exporter(name, getattr(obj, "extension", name))(obj)
    else:
        raise TypeError(f"expected an Exporter or a function write(G, path), got {type(obj).__name__}")


def exporters() -> dict[str, Exporter]:
    """Registered exporters by name, in registration order (a copy); built-ins first, then
    those of the `kg.exporters` entry points of installed packages."""
    load_group("kg.exporters", _register_plugin, _REGISTRY.__contains__)
    return dict(_REGISTRY)


def get_exporter(name_or_extension: str) -> Exporter:
    load_group("kg.exporters", _register_plugin, _REGISTRY.__contains__)
    key = name_or_extension.lower().lstrip(".")
    if key in _REGISTRY:
        return _REGISTRY[key]
    for exp in _REGISTRY.values():
        if exp.extension == key:
            return exp
    known = ", ".join(f"{e.name} (.{e.extension})" for e in _REGISTRY.values())
    raise ValueError(f"unknown export format {name_or_extension!r}; known: {known}")
