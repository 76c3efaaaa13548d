"""Extraction: pure functions from one Paper to an Extraction.

Nothing here sees more than one paper, so extraction parallelises unchanged. An `Extractor`
extracts one paper (`__call__`), a batch (`pipe`), and says what its output depends on
(`fingerprint`: the `--update` cache is reused only while it is unchanged). A plugin may
register a plain callable `Paper -> Extraction`; it is wrapped. The default, "learned", is
the trained model of kg.extract.learned; "learned@FILE" uses the model in FILE
(`kg build --model FILE`); "rules" is the hand-written extractor it learned from.
"""
from __future__ import annotations

import hashlib
from typing import Callable, Iterable, Iterator, Protocol, runtime_checkable

from kg.records import Extraction, Paper

DEFAULT = "learned"


@runtime_checkable
class Extractor(Protocol):
    def __call__(self, paper: Paper) -> Extraction: ...

    def pipe(self, papers: Iterable[Paper]) -> Iterator[Extraction]: ...

    def fingerprint(self) -> str: ...


class CallableExtractor:
    """A plain `Paper -> Extraction` callable as an Extractor; its fingerprint is its name,
    so the --update cache of a plugin is kept until the plugin's name changes."""

    def __init__(self, function: Callable[[Paper], Extraction], name: str):
        self.function, self.name = function, name

    def __call__(self, paper: Paper) -> Extraction:
        return self.function(paper)

    def pipe(self, papers: Iterable[Paper]) -> Iterator[Extraction]:
        return map(self.function, papers)

    def fingerprint(self) -> str:
        return hashlib.sha1(self.name.encode()).hexdigest()


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


def get_extractor(name: str = DEFAULT) -> Extractor:
    if name.startswith("learned@"):
        from kg.extract.learned import LearnedExtractor

        return LearnedExtractor(name[len("learned@"):])
    if ":" in name:  # "package.module:factory" plugs in an extractor without registering it
        import importlib

        module, attr = name.split(":", 1)
        return _as_extractor(getattr(importlib.import_module(module), attr)(), name)
    if name not in _EXTRACTORS and name not in extractors():
        raise ValueError(f"unknown extractor {name!r}; known: {', '.join(extractors())}")
    return _as_extractor(_EXTRACTORS[name](), name)


def _as_extractor(obj, name: str) -> Extractor:
    return obj if isinstance(obj, Extractor) else CallableExtractor(obj, name)


@register_extractor("learned")
def _learned() -> Extractor:
    from kg.extract.learned import LearnedExtractor

    return LearnedExtractor()



@register_extractor("rules")
def _rules() -> Extractor:
    from kg.extract.rules import RuleExtractor

    return RuleExtractor()
