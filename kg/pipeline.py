"""The build: read -> dedupe -> extract -> resolve -> graph, with timings per stage.

Readers stream records; de-duplication keeps one Paper per distinct paper; extraction runs per
paper, in this process or in chunks on worker processes / a Dask cluster (kg.parallel), and gives
the same result either way. Memory grows with the graph (papers, their extractions, the graph),
not with the input files: the full list of read records is never held, the extractions are held
lean from the moment each chunk arrives (kg.held), and the graph takes them in one at a time.

With `state_dir`, the build also keeps its state there (kg.update) and with `update` it starts
from a previous build's state, extracting only papers it has not seen.
"""
from __future__ import annotations

import re
import resource
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator

import networkx as nx

from kg.graph import DEFAULT_BASE_IRI, assemble
from kg.ingest import IngestError, merge_duplicates, read_papers
from kg.ingest.text import counting_dropped_urls
from kg.io import cyclic_gc_paused
from kg.records import Paper
from kg.resolve import resolve
from kg.schema import ENTITY_TYPES, PAPER, PREDICATES

PROGRESS_THRESHOLD = 300  # papers; smaller builds finish before a bar is worth drawing
# Extraction and resolution cost grows faster than linearly in the length of an abstract and of
# one word (a 100,000-character run of "ResNet-" took resolution past 8 GB; 100,000 characters of
# lexicon names 117 s). Extraction therefore reads at most this much of an abstract, cut before
# the first word longer than MAX_EXTRACT_WORD: arXiv abstracts stop at 1,920 characters and the
# longest word in the corpus (a URL) has 92. The graph keeps the whole abstract; the build
# summary says how many abstracts were cut and where the first one is.
MAX_EXTRACT_CHARS = 5_000
MAX_EXTRACT_WORD = 200


@dataclass
class BuildReport:
    papers_read: int = 0
    duplicates_merged: int = 0
    errors: list[IngestError] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)  # the process's peak RSS at the end of each stage
    files: list[Path] = field(default_factory=list)
    papers_extracted: int = 0  # extracted in this run
    papers_reused: int = 0  # extraction taken from a previous build's state (--update)
    previous_records: int = 0  # records carried over from the previous build (--update)
    known_records: int = 0  # input records identical to a stored one, skipped (--update)
    workers: int = 1
    engine: str = "local"
    cut: list[str] = field(default_factory=list)  # "source: abstract cut ..." per paper cut for extraction
    urls_dropped: int = 0  # input URLs that were not http(s) (kg.ingest.text.web_url)
    urls_dropped_first: str | None = None  # the record holding the first of them

    def summary(self, G: nx.MultiDiGraph) -> str:
        types = Counter(d.get("type") for _, d in G.nodes(data=True))
        preds = Counter(d.get("predicate") for _, _, d in G.edges(data=True))
        lines = [
            f"papers read       {self.papers_read}",
            f"duplicates merged {self.duplicates_merged}",
            f"papers in graph   {types[PAPER]}",
        ]
        if self.errors:
            lines.append(f"records skipped   {len(self.errors)} (first: {self.errors[0]})")
        if self.urls_dropped:
            lines.append(f"urls dropped      {self.urls_dropped} not http(s) (first in {self.urls_dropped_first})")
        if self.cut:
            lines.append(f"abstracts cut     {len(self.cut)} for extraction (first: {self.cut[0]})")
        if self.previous_records or self.papers_reused or self.known_records:
            lines.append(f"update            {self.previous_records} records from the previous build, "
                         f"{self.known_records} input records already known, "
                         f"{self.papers_reused} extractions reused, {self.papers_extracted} papers extracted")
        if self.workers > 1 or self.engine != "local":
            lines.append(f"extraction        {self.engine}, {self.workers} workers")
        lines.append("entities          " + ", ".join(f"{t} {types[t]}" for t in ENTITY_TYPES))
        lines.append("relations         " + ", ".join(f"{p} {preds[p]}" for p in PREDICATES))
        for path in self.files:
            lines.append(f"wrote             {path}")
        stages = ", ".join(f"{k} {v:.2f}" for k, v in self.seconds.items())
        lines.append(f"seconds           {sum(self.seconds.values()):.2f} ({stages})")
        return "\n".join(lines)


def _counted(papers: Iterable[Paper], report: BuildReport) -> Iterator[Paper]:
    for p in papers:
        report.papers_read += 1
        yield p


def build(
    paths: Iterable[str | Path],
    *,
    format: str | None = None,
    on_error: str = "skip",
    extractor: str = "learned",
    base_iri: str = DEFAULT_BASE_IRI,
    progress: bool = False,
    report: BuildReport | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler=None,
    chunk_size: int | None = None,
    state_dir: str | Path | None = None,
    update: str | Path | None = None,
    before_commit=None,
) -> nx.MultiDiGraph:
    """Build the graph from listings (files or folders).

    workers/engine/scheduler: where extraction runs (kg.parallel): engine "local" with `workers`
    processes (1: in this process), or "dask" on the cluster at `scheduler` (an address or a
    distributed.Client; None starts a LocalCluster of `workers` processes). Same graph either way.
    state_dir: keep the build state there (kg.update), so a later build can use `update=` it.
    update: a previous build's folder: its records come first, then `paths`; stored extractions
    are reused for unchanged papers. Equal to a full build over the old and new inputs.
    before_commit: called with the graph before the state is committed (the CLI exports there), so
    a build that fails at export, or reads nothing, leaves the previous state as it was.
    """
    from kg.extract import get_extractor
    from kg.parallel import open_pool

    report = report if report is not None else BuildReport()
    if not isinstance(extractor, str):
        raise ValueError("extractor must be a registered name or 'module:factory'")
    get_extractor(extractor)  # unknown names fail before any work
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[stage] = now - clock
        report.peak_mb[stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        clock = now

    with ExitStack() as stack:
        # Workers start before the input is read, so forked processes start small.
        pool = open_pool(workers, engine, scheduler, extractor)
        stack.callback(pool.close)
        report.workers, report.engine = pool.workers, engine
        if engine == "dask":
            lap("workers")  # connecting to (or starting) the cluster
        stack.enter_context(cyclic_gc_paused())
        dropped = stack.enter_context(counting_dropped_urls())

        writer = previous = None
        fingerprint = ""
        if state_dir is not None or update is not None:
            from kg.update import State, StateWriter, extractor_fingerprint

            fingerprint = extractor_fingerprint(extractor)
            previous = State.open(update) if update is not None else None
            if state_dir is not None:
                writer = stack.enter_context(StateWriter(Path(state_dir), extractor, fingerprint))

        records: Iterable[Paper] = _counted(
            read_papers([Path(p) for p in paths], format=format, on_error=on_error, errors=report.errors), report)
        counts: dict[str, int] = {}
        if previous is not None:
            from kg.update import previous_then_new

            records = previous_then_new(previous, records, writer, counts)
        elif writer is not None:
            records = writer.tee(records)
        papers, report.duplicates_merged = merge_duplicates(records)
        report.previous_records, report.known_records = counts.get("previous", 0), counts.get("known", 0)
        report.urls_dropped, report.urls_dropped_first = dropped.count, dropped.first
        lap("read")

        extractions = _extract(papers, extractor, pool, previous, fingerprint, chunk_size, progress, report)
        if writer is not None:
            from kg.update import content_key

            for p, ex in zip(papers, extractions):
                writer.extraction(ex, content_key(p))
        lap("extract")
        resolution = resolve(extractions)
        lap("resolve")
        G = assemble(papers, _drain(extractions), resolution, base_iri=base_iri)
        del extractions, resolution
        lap("graph")
        if before_commit is not None:
            before_commit(G)
        if writer is not None:
            writer.commit(papers=len(papers), base_iri=base_iri)
            lap("state")
    return G


def _extract(papers: list[Paper], extractor: str, pool, previous, fingerprint: str,
             chunk_size: int | None, progress: bool, report: BuildReport) -> list:
    from kg.parallel import extract_papers

    from kg.held import Lean

    lean = Lean(papers)
    cached = previous.extractions(extractor, fingerprint) if previous is not None else {}
    if cached:
        from kg.update import content_key

        slots: list = [None] * len(papers)
        todo_idx = []
        for i, p in enumerate(papers):
            hit = cached.pop((p.id, content_key(p)), None)
            if hit is not None:
                slots[i] = lean(hit)
            else:
                todo_idx.append(i)
        cached.clear()
        todo = [papers[i] for i in todo_idx]
    else:
        slots, todo_idx, todo = None, None, papers
    report.papers_extracted = len(todo)
    report.papers_reused = len(papers) - len(todo)

    bar = None
    if progress and len(todo) > PROGRESS_THRESHOLD:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc="extract", unit="paper", leave=False)
    try:
        fresh = extract_papers([bounded(p, report.cut) for p in todo], extractor, pool=pool, chunk_size=chunk_size,
                               on_chunk=bar.update if bar is not None else None, lean=lean)
    finally:
        if bar is not None:
            bar.close()
    if slots is None:
        return fresh
    for i, ex in zip(todo_idx, fresh):
        slots[i] = ex
    return slots


def bounded(paper: Paper, cut: list[str]) -> Paper:
    """The paper as extraction sees it: a prefix of the abstract, so offsets into it stay valid."""
    text = paper.abstract
    end = min(len(text), MAX_EXTRACT_CHARS)
    long_word = _LONG_WORD.search(text, 0, end + MAX_EXTRACT_WORD)
    if long_word is not None and long_word.start() < end:
        end = long_word.start()
    if end == len(text):
        return paper
    if end < len(text) and end == MAX_EXTRACT_CHARS:
        space = text.rfind(" ", 0, end + 1)
        end = space if space > 0 else end  # do not cut a word in two
    where = paper.sources[0] if paper.sources else paper.id
    why = "a word longer than %d characters" % MAX_EXTRACT_WORD if long_word is not None and long_word.start() == end \
        else "%d characters" % MAX_EXTRACT_CHARS
    cut.append(f"{where}: abstract of {len(text)} characters read up to character {end} ({why})")
    return replace(paper, abstract=text[:end].rstrip())


_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_EXTRACT_WORD + 1))


def _drain(items: list) -> Iterator:
    """The items of a list, each dropped from the list once yielded: the graph reuses the memory
    of the extractions it has taken in, instead of holding both at once."""
    for i in range(len(items)):
        item, items[i] = items[i], None
        yield item


def build_graph(paths: Iterable[str | Path], **options) -> nx.MultiDiGraph:
    """Read listings (files or folders) and return the knowledge graph."""
    return build(paths, **options)
