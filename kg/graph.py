"""Graph stage: papers, resolved entities and claims -> networkx MultiDiGraph.

The layout of nodes and edges is documented in GRAPH_CONTRACT.md.
"""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Iterable

import networkx as nx

from kg.records import PAPER, Extraction, Paper
from kg.schema import DEFAULT_BASE_IRI, PAPER as PAPER_TYPE, kind

if TYPE_CHECKING:  # resolution is a stage of its own; the graph only reads its answer
    from kg.resolve import Resolution


_PAPER_NAMESPACE = kind(PAPER_TYPE).namespace


def paper_node(paper: Paper) -> str:
    return f"{_PAPER_NAMESPACE}/{paper.id}"


def statement_key(subject: str, predicate: str, obj: str, paper: str, start: int, end: int) -> str:
    digest = hashlib.sha1(f"{subject}|{predicate}|{obj}|{paper}|{start}|{end}".encode()).hexdigest()
    return f"statement/{digest[:16]}"


def assemble(
    papers: list[Paper], extractions: Iterable[Extraction], resolution: "Resolution", base_iri: str = DEFAULT_BASE_IRI
) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(base_iri=base_iri)
    for paper in papers:
        G.add_node(
            paper_node(paper), type=PAPER_TYPE, label=paper.title, title=paper.title, abstract=paper.abstract,
            date=paper.date, sources=tuple(sorted(paper.sources)), urls=tuple(sorted(paper.urls)), authors=paper.authors, code=(), aliases=(),
        )
    for entity in resolution.entities:
        G.add_node(entity.id, type=entity.type, label=entity.label, aliases=entity.aliases)
    by_id = {p.id: p for p in papers}
    shared: dict = {}

    def share(value):
        """Millions of edges repeat a few rules, offsets and confidences: one object per value
        (keyed with its type, so 1 and 1.0 stay what they were)."""
        return shared.setdefault((type(value), value), value)

    for ex in extractions:
        pnode = paper_node(by_id[ex.paper_id])
        G.nodes[pnode]["code"] = tuple(sorted(ex.code_urls))
        types = {m.name: m.type for m in ex.mentions}
        for claim in ex.claims:
            subject = pnode if claim.subject == PAPER else resolution.entity_id(ex.paper_id, types[claim.subject], claim.subject)
            obj = resolution.entity_id(ex.paper_id, types[claim.object], claim.object)
            if subject == obj:
                continue
            ev = claim.evidence
            key = statement_key(subject, claim.predicate, obj, pnode, ev.start, ev.end)
            G.add_edge(
                subject, obj, key=key, predicate=claim.predicate, paper=pnode, evidence=ev.sentence,
                start=share(ev.start), end=share(ev.end), rule=share(claim.rule), confidence=share(claim.confidence),
            )
    return G
