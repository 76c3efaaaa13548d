"""Graph stage: papers, resolved entities and claims -> networkx MultiDiGraph.

The layout of nodes and edges is documented in GRAPH_CONTRACT.md.
"""
from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Iterable

import networkx as nx

from kg.held import Shared, spans_abstract
from kg.records import PAPER, Extraction, Paper
from kg.schema import DEFAULT_BASE_IRI, PAPER as PAPER_TYPE, kind

if TYPE_CHECKING:  # resolution is a stage of its own; the graph only reads its answer
    from kg.resolve import Resolution


_PAPER_NAMESPACE = kind(PAPER_TYPE).namespace


# The attributes every statement edge has, in the order assemble() sets them.
EDGE_FIELDS = ("predicate", "paper", "evidence", "start", "end", "rule", "confidence")
_IS_FIELD = frozenset(EDGE_FIELDS)
_OFFSETS = frozenset(("start", "end"))


class Span:
    """An evidence sentence held as its span of the abstract: EdgeData's "evidence" is then
    text[start:end], made when read. Nearly every sentence is its span, and the abstracts are in
    the graph anyway, so the sentences are not held twice (one Span per paper, shared by its
    edges)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __reduce__(self):
        return Span, (self.text,)


class EdgeData(MutableMapping):
    """One edge's attributes: a mapping, like the dict networkx would use, in a slot per known
    attribute (any other key goes to a dict of its own). Statements are most of a big graph, and
    a 7-key dict costs 272 bytes where this costs 96 (100k abstracts: 1.16M edges). "evidence"
    may be stored as a Span of the abstract (assemble() does so when the sentence is its span);
    reading gives the string either way, and setting "start" or "end" first fixes the sentence.

    Iteration gives the known attributes that are set, in EDGE_FIELDS order, then the others in
    the order they were set; assemble() sets them in that order, so a build's exports keep the
    order a dict gave them."""

    __slots__ = EDGE_FIELDS + ("_extra",)

    def __init__(self, *args, **kwargs) -> None:
        self._extra = None
        if args or kwargs:
            self.update(*args, **kwargs)

    def __getitem__(self, key):
        if key in _IS_FIELD:
            try:
                value = getattr(self, key)
            except AttributeError:
                raise KeyError(key) from None
            return value.text[self.start:self.end] if type(value) is Span else value
        if self._extra is None:
            raise KeyError(key)
        return self._extra[key]

    def get(self, key, default=None):
        if key in _IS_FIELD:
            value = getattr(self, key, default)
            return value.text[self.start:self.end] if type(value) is Span else value
        return default if self._extra is None else self._extra.get(key, default)

    def __contains__(self, key) -> bool:
        if key in _IS_FIELD:
            return hasattr(self, key)
        return self._extra is not None and key in self._extra

    def __setitem__(self, key, value) -> None:
        if key in _IS_FIELD:
            if key in _OFFSETS and self._spanned():
                self.evidence = self["evidence"]  # the sentence stays what it was
            setattr(self, key, value)
        else:
            if self._extra is None:
                self._extra = {}
            self._extra[key] = value

    def __delitem__(self, key) -> None:
        if key in _IS_FIELD:
            if key in _OFFSETS and self._spanned():
                self.evidence = self["evidence"]
            try:
                delattr(self, key)
            except AttributeError:
                raise KeyError(key) from None
        elif self._extra is None:
            raise KeyError(key)
        else:
            del self._extra[key]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def _spanned(self) -> bool:
        """Evidence held as a Span, with both offsets set (so it can be read)."""
        return type(getattr(self, "evidence", None)) is Span and hasattr(self, "start") and hasattr(self, "end")

    def keys(self) -> list:
        keys = [k for k in EDGE_FIELDS if hasattr(self, k)]
        return keys + list(self._extra) if self._extra else keys

    def items(self) -> list:
        items = [(k, self[k]) for k in EDGE_FIELDS if hasattr(self, k)]
        return items + list(self._extra.items()) if self._extra else items

    def values(self) -> list:
        return [v for _, v in self.items()]

    def update(self, other=(), /, **kwargs) -> None:
        for k, v in (other.items() if hasattr(other, "items") else other):
            self[k] = v
        for k, v in kwargs.items():
            self[k] = v

    def copy(self) -> "EdgeData":
        return EdgeData(self)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


_NONE = object()  # EdgeKeys holding no edge


class EdgeKeys(MutableMapping):
    """The edges between one (u, v) pair, key -> EdgeData: nearly every pair has one statement,
    so that one is held in two slots (56 bytes against a one-key dict's 200); a second key moves
    them to a dict, in insertion order, as a dict would keep them."""

    __slots__ = ("_key", "_value", "_more")

    def __init__(self, *args, **kwargs) -> None:
        self._key, self._value, self._more = _NONE, None, None
        if args or kwargs:
            self.update(*args, **kwargs)

    def __getitem__(self, key):
        if self._more is not None:
            return self._more[key]
        if self._key is not _NONE and self._key == key:
            return self._value
        raise KeyError(key)

    def get(self, key, default=None):
        if self._more is not None:
            return self._more.get(key, default)
        return self._value if self._key is not _NONE and self._key == key else default

    def __contains__(self, key) -> bool:
        if self._more is not None:
            return key in self._more
        return self._key is not _NONE and self._key == key

    def __setitem__(self, key, value) -> None:
        if self._more is not None:
            self._more[key] = value
        elif self._key is _NONE or self._key == key:
            self._key, self._value = key, value
        else:
            self._more = {self._key: self._value, key: value}
            self._key, self._value = _NONE, None

    def __delitem__(self, key) -> None:
        if self._more is not None:
            del self._more[key]
        elif self._key is not _NONE and self._key == key:
            self._key, self._value = _NONE, None
        else:
            raise KeyError(key)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._more) if self._more is not None else int(self._key is not _NONE)

    def keys(self) -> list:
        return list(self._more) if self._more is not None else [] if self._key is _NONE else [self._key]

    def items(self) -> list:
        if self._more is not None:
            return list(self._more.items())
        return [] if self._key is _NONE else [(self._key, self._value)]

    def values(self) -> list:
        if self._more is not None:
            return list(self._more.values())
        return [] if self._key is _NONE else [self._value]

    def update(self, other=(), /, **kwargs) -> None:
        for k, v in (other.items() if hasattr(other, "items") else other):
            self[k] = v
        for k, v in kwargs.items():
            self[k] = v

    def copy(self) -> "EdgeKeys":
        return EdgeKeys(self)

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def __reduce__(self):
        return EdgeKeys, (self.items(),)


class KGraph(nx.MultiDiGraph):
    """The MultiDiGraph assemble() returns: a networkx.MultiDiGraph whose edges are held in
    EdgeKeys and EdgeData (compact) rather than dicts; everything else is networkx's."""

    edge_key_dict_factory = EdgeKeys
    edge_attr_dict_factory = EdgeData


def paper_node(paper: Paper) -> str:
    return f"{_PAPER_NAMESPACE}/{paper.id}"


def statement_key(subject: str, predicate: str, obj: str, paper: str, start: int, end: int) -> str:
    digest = hashlib.sha1(f"{subject}|{predicate}|{obj}|{paper}|{start}|{end}".encode()).hexdigest()
    return f"statement/{digest[:16]}"


def assemble(
    papers: list[Paper], extractions: Iterable[Extraction], resolution: "Resolution", base_iri: str = DEFAULT_BASE_IRI
) -> nx.MultiDiGraph:
    G = KGraph(base_iri=base_iri)
    for paper in papers:
        G.add_node(
            paper_node(paper), type=PAPER_TYPE, label=paper.title, title=paper.title, abstract=paper.abstract,
            date=paper.date, sources=tuple(sorted(paper.sources)), urls=tuple(sorted(paper.urls)), authors=paper.authors, code=(), aliases=(),
        )
    for entity in resolution.entities:
        G.add_node(entity.id, type=entity.type, label=entity.label, aliases=entity.aliases)
    by_id = {p.id: p for p in papers}
    share = Shared()
    for ex in extractions:
        paper = by_id[ex.paper_id]
        pnode, abstract, title = paper_node(paper), paper.abstract, paper.title
        span = Span(abstract)
        G.nodes[pnode]["code"] = tuple(sorted(ex.code_urls))
        types = {m.name: m.type for m in ex.mentions}
        for claim in ex.claims:
            subject = pnode if claim.subject == PAPER else resolution.entity_id(ex.paper_id, types[claim.subject], claim.subject)
            obj = resolution.entity_id(ex.paper_id, types[claim.object], claim.object)
            if subject == obj:
                continue
            ev = claim.evidence
            if spans_abstract(ev, abstract):
                sentence = span
            elif ev.start < 0 and ev.sentence == title:
                sentence = title  # the title's own object, not an equal copy
            else:
                sentence = ev.sentence
            key = statement_key(subject, claim.predicate, obj, pnode, ev.start, ev.end)
            G.add_edge(
                subject, obj, key=key, predicate=claim.predicate, paper=pnode, evidence=sentence,
                start=share(ev.start), end=share(ev.end), rule=share(claim.rule), confidence=share(claim.confidence),
            )
    return G
