"""Plugins from other installed packages, found through entry points (as rdflib finds its own).

    [project.entry-points."kg.exporters"]      # in the other package's pyproject.toml
    nodecount = "mypkg.export:write_nodecount"

Groups: `kg.readers` (a kg.ingest.Reader, or a read function), `kg.extractors` (a zero-argument
factory returning an extractor), `kg.exporters` (a kg.export.Exporter, or a function
`write(G, path)`; the file extension is its `extension` attribute, else the entry point's name).
Each registry loads its group the first time it is asked for its entries. A plugin that fails
to load is skipped with a warning naming it, so one broken package does not break the tool;
a plugin never replaces a built-in of the same name.
"""
from __future__ import annotations

import warnings
from importlib.metadata import entry_points
from typing import Any, Callable

_loaded: set[str] = set()


def load_group(group: str, register: Callable[[str, Any], None], taken: Callable[[str], bool]) -> None:
    """Call `register(name, object)` for each entry point of `group` whose name is not `taken`,
    once per process."""
    if group in _loaded:
        return
    _loaded.add(group)
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        if taken(ep.name):
            warnings.warn(f"{group} plugin {ep.name!r} ({ep.value}) skipped: the name is taken", stacklevel=3)
            continue
        try:
            register(ep.name, ep.load())
        except Exception as exc:  # a third-party package: anything can go wrong in its import
            warnings.warn(f"{group} plugin {ep.name!r} ({ep.value}) could not be loaded: {exc}", stacklevel=3)
