"""Typed records passed between pipeline stages.

Every stage is a function from records to records, so each can be tested with
records written by hand. Records are frozen and hold only tuples, which makes
them hashable, picklable (for worker processes) and safe to share.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter

from kg.schema import ENTITY_TYPES, METHOD_PREDICATES, PAPER_PREDICATES, PREDICATES  # noqa: F401 (re-exported)

PAPER = "PAPER"  # subject placeholder meaning "the paper itself", as in the gold files


def record(cls):
    """A frozen dataclass with __slots__ (millions of records: a third of the memory), pickled
    as its class and field values: faster across worker processes than the dataclass default."""
    cls = dataclass(frozen=True, slots=True)(cls)
    names = [f.name for f in fields(cls)]
    values = attrgetter(*names) if len(names) > 1 else lambda self: (getattr(self, names[0]),)
    cls.__reduce__ = lambda self: (type(self), values(self))
    return cls


@record
class Paper:
    """One paper as read from one or more listings.

    `sources` are "path:line" strings, one per listing the paper was read from;
    `date` is the listing date as printed (e.g. "Sep 11"), or an ISO date.
    """

    id: str
    title: str
    abstract: str
    sources: tuple[str, ...] = ()
    date: str | None = None
    urls: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


@record
class Evidence:
    """The sentence a claim came from; offsets index into `Paper.abstract`
    (start == end == -1 when the sentence is the title)."""

    sentence: str
    start: int
    end: int


@record
class Mention:
    """A named entity found in one paper, before cross-paper resolution."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    rule: str = ""


@record
class Claim:
    """subject/object are mention names of the same paper, or PAPER."""

    subject: str
    predicate: str
    object: str
    evidence: Evidence
    rule: str
    confidence: float


@record
class Extraction:
    """What an extractor found in one paper."""

    paper_id: str
    mentions: tuple[Mention, ...] = ()
    claims: tuple[Claim, ...] = ()
    code_urls: tuple[str, ...] = ()


@record
class Entity:
    """A resolved node: one real thing across the whole corpus."""

    id: str  # node id, e.g. "method/resnet-50"; the IRI is base IRI + id
    type: str
    label: str
    aliases: tuple[str, ...] = field(default=())
