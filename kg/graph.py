"""Graph stage: papers, resolved entities and claims -> networkx MultiDiGraph.

The layout of nodes and edges is documented in GRAPH_CONTRACT.md.
"""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Iterable

import networkx as nx

from kg.edges import EDGE_FIELDS, EdgeData, EdgeKeys, Span, statement_key_of
from kg.held import claim_rows, spans_abstract
from kg.records import PAPER, Extraction, Paper
from kg.schema import DEFAULT_BASE_IRI, PAPER as PAPER_TYPE, kind

if TYPE_CHECKING:  # resolution is a stage of its own; the graph only reads its answer
    from kg.resolve import Resolution


_PAPER_NAMESPACE = kind(PAPER_TYPE).namespace


class KGraph(nx.MultiDiGraph):
    """The MultiDiGraph assemble() returns: a networkx.MultiDiGraph whose edges are held in
    kg.edges' EdgeKeys and EdgeData (compact) rather than dicts; everything else is networkx's."""

    edge_key_dict_factory = EdgeKeys
    edge_attr_dict_factory = EdgeData


def _sorted(values: tuple) -> tuple:
    """`values` sorted; the tuple itself when it is (most papers have one source and one url:
    a copy each was 0.1 KB a paper)."""
    return values if len(values) < 2 or all(a <= b for a, b in zip(values, values[1:])) else tuple(sorted(values))


def paper_node(paper: Paper) -> str:
    return f"{_PAPER_NAMESPACE}/{paper.id}"


def statement_number(subject: str, predicate: str, obj: str, paper: str, start: int, end: int) -> int:
    """The digest of a statement's key ("statement/<16 hex digits>", kg.edges.statement_key_of):
    the first 8 bytes of the SHA-1 of the statement's parts."""
    sha = hashlib.sha1(f"{subject}|{predicate}|{obj}|{paper}|{start}|{end}".encode())
    return int.from_bytes(sha.digest()[:8], "big")


def assemble(
    papers: list[Paper], extractions: Iterable[Extraction], resolution: "Resolution", base_iri: str = DEFAULT_BASE_IRI
) -> nx.MultiDiGraph:
    G = KGraph(base_iri=base_iri)
    for paper in papers:
        G.add_node(
            paper_node(paper), type=PAPER_TYPE, label=paper.title, title=paper.title, abstract=paper.abstract,
            date=paper.date, sources=_sorted(paper.sources), urls=_sorted(paper.urls), authors=paper.authors, code=(), aliases=(),
        )
    for entity in resolution.entities:
        G.add_node(entity.id, type=entity.type, label=entity.label, aliases=entity.aliases)
    by_id: dict[str, Paper] = {}  # made only if the extractions come in another order than the papers
    succ, pred = G._succ, G._pred
    for k, ex in enumerate(extractions):
        paper = papers[k] if k < len(papers) and papers[k].id == ex.paper_id else None
        if paper is None:
            by_id = by_id or {p.id: p for p in papers}
            paper = by_id[ex.paper_id]
        pnode, abstract, title = paper_node(paper), paper.abstract, paper.title
        span = Span(abstract)
        G.nodes[pnode]["code"] = _sorted(tuple(ex.code_urls))
        types = {m.name: m.type for m in ex.mentions}
        # the claims' values are shared already (kg.held): repeated offsets and rules one object each
        for subject, predicate, obj, start, end, ev, rule, confidence in claim_rows(ex.claims):
            subject = pnode if subject == PAPER else resolution.entity_id(ex.paper_id, types[subject], subject)
            obj = resolution.entity_id(ex.paper_id, types[obj], obj)
            if subject == obj:
                continue
            if ev is None or spans_abstract(ev, abstract):
                sentence = span
            elif start < 0 and ev.sentence == title:
                sentence = title  # the title's own object, not an equal copy
            else:
                sentence = ev.sentence
            digest = statement_number(subject, predicate, obj, pnode, start, end)
            values = (predicate, pnode, sentence, start, end, rule, confidence)
            out_edges = succ.get(subject)
            if out_edges is None or obj in out_edges or obj not in pred:  # networkx's own way
                G.add_edge(subject, obj, key=statement_key_of(digest), **dict(zip(EDGE_FIELDS, values)))
            else:  # what add_edge does for a new pair, without an EdgeData made and copied
                out_edges[obj] = pred[obj][subject] = EdgeKeys.holding(digest, values)
    return G
