"""Extractions as the build holds them between extraction and the graph.

Every extraction of a build is held until resolution has seen them all. As they come back
from the workers they are made lean, without changing anything read from them: equal
mentions (the same lexicon name recurs in thousands of papers) become one object, repeated
strings and numbers one object each, an evidence sentence that is its span of the abstract
is read from the abstract the paper holds anyway (SpanEvidence) instead of a copy, and the
claims of an extraction are one flat tuple (Claims). At 20k abstracts the held extractions took ~87 MB;
lean, about a quarter of that.
"""
from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Iterable, Iterator

from kg.records import Claim, Evidence, Extraction, Mention, Paper


class Shared:
    """One object per equal value (millions of claims and edges repeat a few rules, offsets and
    confidences), keyed with its type so 1 and 1.0 stay what they were; -0.0 and NaN are left
    alone (one equals 0.0, the other nothing)."""

    def __init__(self) -> None:
        self._values: dict = {}

    def __call__(self, value):
        if type(value) is float and (value == 0 or value != value):
            return value
        return self._values.setdefault((type(value), value), value)


def claim_rows(claims) -> Iterator[tuple]:
    """(subject, predicate, object, start, end, evidence, rule, confidence) of each claim, the
    evidence None for a sentence held as its span of the abstract (Claims.rows), else the
    Evidence."""
    if type(claims) is Claims:
        return claims.rows()
    return ((c.subject, c.predicate, c.object, c.evidence.start, c.evidence.end, c.evidence, c.rule, c.confidence)
            for c in claims)


def spans_abstract(ev, abstract: str) -> bool:
    """The evidence sentence is its own span of the abstract (then the abstract holds it)."""
    return type(ev) is SpanEvidence or 0 <= ev.start and abstract[ev.start:ev.end] == ev.sentence


class SpanEvidence:
    """An Evidence whose sentence is text[start:end], made when read."""

    __slots__ = ("text", "start", "end")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end

    @property
    def sentence(self) -> str:
        return self.text[self.start:self.end]

    def __repr__(self) -> str:
        return f"SpanEvidence(sentence={self.sentence!r}, start={self.start}, end={self.end})"


class Claims:
    """An extraction's claims held as flat tuples, eight fields a claim, read as Claim records
    (made when read: the state and the graph each read them once). A Claim and its evidence were
    120 bytes a claim, this is 64. The evidence field is the Evidence as extracted, or None for a
    sentence that is its span of `text`, the paper's abstract. A tuple holds at most BLOCK claims
    (472 bytes), so it stays in Python's small-object allocator: the memory of the claims the
    graph has taken in is then reused by the graph, where larger blocks of the C allocator were not."""

    __slots__ = ("text", "blocks", "_n")
    WIDTH = 8  # subject, predicate, object, start, end, evidence or None, rule, confidence
    BLOCK = 7

    def __init__(self, text: str, fields) -> None:
        step = self.WIDTH * self.BLOCK
        self.text, self._n = text, len(fields) // self.WIDTH
        self.blocks = tuple(tuple(fields[i:i + step]) for i in range(0, len(fields), step))

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> Claim:
        if not -self._n <= i < self._n:
            raise IndexError(i)
        block, at = divmod(i % self._n, self.BLOCK)
        return self._claim(self.blocks[block][at * self.WIDTH:(at + 1) * self.WIDTH])

    def __iter__(self):
        w = self.WIDTH
        for f in self.blocks:
            for i in range(0, len(f), w):
                yield self._claim(f[i:i + w])

    def rows(self) -> Iterator[tuple]:
        """The claims as held: WIDTH fields each, no record made (the graph reads them so)."""
        w = self.WIDTH
        for f in self.blocks:
            for i in range(0, len(f), w):
                yield f[i:i + w]

    def _claim(self, f: tuple) -> Claim:
        subject, predicate, obj, start, end, evidence, rule, confidence = f
        return Claim(subject, predicate, obj, SpanEvidence(self.text, start, end) if evidence is None else evidence,
                     rule, confidence)

    def __repr__(self) -> str:
        return f"Claims({list(self)!r})"


class Lean:
    """Extraction -> the same extraction, lean (see the module docstring). One per build: the
    objects it shares are shared across all the build's extractions."""

    def __init__(self, papers: Iterable[Paper]) -> None:
        self._papers = {p.id: p for p in papers}  # the paper of an id as the graph reads it: the last
        self._value = Shared()
        self._mentions: dict = {}

    def __call__(self, ex: Extraction) -> Extraction:
        paper = self._papers.get(ex.paper_id)
        return ex if paper is None else self.from_wire(to_wire(ex, paper))

    def from_wire(self, wire: tuple) -> Extraction:
        """The lean extraction of to_wire's tuple (what a worker sends back): its values shared,
        a sentence that is its span read from the paper's abstract, one held here, the title the
        paper's own."""
        paper_id, mentions, flat, code_urls = wire
        paper = self._papers[paper_id]
        value, w = self._value, Claims.WIDTH
        fields = [x if i % w == 5 else value(x) for i, x in enumerate(flat)]
        titles: dict = {}  # (start, end) -> the Evidence of the title
        for i in range(5, len(fields), w):
            if fields[i] is True:
                at = (fields[i - 2], fields[i - 1])
                fields[i] = titles.get(at) or titles.setdefault(at, Evidence(paper.title, *at))
        known = self._mentions
        mentions = tuple(known.get(m) or known.setdefault(m, Mention(*m)) for m in mentions)
        return Extraction(paper.id, mentions, Claims(paper.abstract, fields), tuple(value(u) for u in code_urls))


_mention_values = attrgetter(*(f.name for f in dataclasses.fields(Mention)))


def to_wire(ex: Extraction, paper: Paper) -> tuple:
    """`ex`, extracted from `paper`, as plain values: (paper id, mentions as tuples of their
    fields, claims as one flat tuple of Claims.WIDTH fields each, code urls), the evidence field
    None for a sentence that is its span of the abstract, True for the title, else the Evidence.
    A worker sends this back: unpickling it makes no record (the build process makes one
    Mention per distinct mention), its pickle is half the records' size, and it sends no copy of
    a sentence that is its span or the title."""
    abstract, title = paper.abstract, paper.title
    evidence: dict = {}  # id of an extracted Evidence -> its field (claims of one sentence share it)
    fields: list = []
    for c in ex.claims:
        ev = c.evidence
        key = id(ev)
        if key not in evidence:
            if spans_abstract(ev, abstract):
                evidence[key] = None
            elif ev.start < 0 and ev.sentence == title:
                evidence[key] = True
            else:
                evidence[key] = ev
        fields += (c.subject, c.predicate, c.object, ev.start, ev.end, evidence[key], c.rule, c.confidence)
    return ex.paper_id, tuple(map(_mention_values, ex.mentions)), tuple(fields), ex.code_urls
