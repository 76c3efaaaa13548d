"""The build: read -> dedupe -> extract -> resolve -> graph, with timings per stage."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import networkx as nx

from kg.extract import get_extractor
from kg.graph import DEFAULT_BASE_IRI, assemble
from kg.ingest import IngestError, merge_duplicates, read_papers
from kg.records import ENTITY_TYPES, PREDICATES
from kg.resolve import resolve

PROGRESS_THRESHOLD = 300  # papers; smaller builds finish before a bar is worth drawing


@dataclass
class BuildReport:
    papers_read: int = 0
    duplicates_merged: int = 0
    errors: list[IngestError] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def summary(self, G: nx.MultiDiGraph) -> str:
        types = Counter(d.get("type") for _, d in G.nodes(data=True))
        preds = Counter(d.get("predicate") for _, _, d in G.edges(data=True))
        lines = [
            f"papers read       {self.papers_read}",
            f"duplicates merged {self.duplicates_merged}",
            f"papers in graph   {types['Paper']}",
        ]
        if self.errors:
            lines.append(f"records skipped   {len(self.errors)} (first: {self.errors[0]})")
        lines.append("entities          " + ", ".join(f"{t} {types[t]}" for t in ENTITY_TYPES))
        lines.append("relations         " + ", ".join(f"{p} {preds[p]}" for p in PREDICATES))
        for path in self.files:
            lines.append(f"wrote             {path}")
        stages = ", ".join(f"{k} {v:.2f}" for k, v in self.seconds.items())
        lines.append(f"seconds           {sum(self.seconds.values()):.2f} ({stages})")
        return "\n".join(lines)


def build(
    paths: Iterable[str | Path],
    *,
    format: str | None = None,
    on_error: str = "skip",
    extractor: str = "rules",
    base_iri: str = DEFAULT_BASE_IRI,
    progress: bool = False,
    report: BuildReport | None = None,
) -> nx.MultiDiGraph:
    report = report if report is not None else BuildReport()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[stage] = now - clock
        clock = now

    read = list(read_papers([Path(p) for p in paths], format=format, on_error=on_error, errors=report.errors))
    papers, report.duplicates_merged = merge_duplicates(read)
    report.papers_read = len(read)
    lap("read")
    extract = get_extractor(extractor)
    items = papers
    if progress and len(papers) > PROGRESS_THRESHOLD:
        from tqdm import tqdm

        items = tqdm(papers, desc="extract", unit="paper", leave=False)
    extractions = [extract(p) for p in items]
    lap("extract")
    resolution = resolve(extractions)
    lap("resolve")
    G = assemble(papers, extractions, resolution, base_iri=base_iri)
    lap("graph")
    return G


def build_graph(paths: Iterable[str | Path], **options) -> nx.MultiDiGraph:
    """Read listings (files or folders) and return the knowledge graph."""
    return build(paths, **options)
