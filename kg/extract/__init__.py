"""Extraction: pure functions from one Paper to an Extraction.

Nothing here sees more than one paper, so extraction parallelises unchanged. Any
callable `Paper -> Extraction` is an `Extractor`; register one under a name to
select it by configuration (`kg build --extractor NAME`).
"""
from __future__ import annotations

from typing import Callable, Protocol

from kg.records import Extraction, Paper


class Extractor(Protocol):
    def __call__(self, paper: Paper) -> Extraction: ...


_EXTRACTORS: dict[str, Callable[[], Extractor]] = {}


def register_extractor(name: str):
    """Register a zero-argument factory returning an Extractor."""

    def decorate(factory: Callable[[], Extractor]):
        _EXTRACTORS[name] = factory
        return factory

    return decorate


def extractors() -> list[str]:
    """Names of the registered extractors, with those of the `kg.extractors` entry points of
    installed packages (kg.plugins)."""
    from kg.plugins import load_group

    load_group("kg.extractors", lambda name, factory: register_extractor(name)(factory), _EXTRACTORS.__contains__)
    return sorted(_EXTRACTORS)


def get_extractor(name: str = "rules") -> Extractor:
    if ":" in name:  # "package.module:factory" plugs in an extractor without registering it
        import importlib

        module, attr = name.split(":", 1)
        return getattr(importlib.import_module(module), attr)()
    if name not in _EXTRACTORS and name not in extractors():
        raise ValueError(f"unknown extractor {name!r}; known: {', '.join(extractors())}")
    return _EXTRACTORS[name]()



@register_extractor("rules")
def _rules() -> Extractor:
    from kg.extract.rules import RuleExtractor

    return RuleExtractor()
