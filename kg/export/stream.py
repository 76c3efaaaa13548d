"""Streaming Turtle, N-Triples and JSON-LD writers.

kg.rdf.iter_blocks(G) makes the triples one subject block at a time; kg.rdf.graph_triples(G) is
all of them at once. For 100k papers that list is ~10M pyoxigraph triples, several GB on top
of the graph, so the streaming writers serialize batches of blocks as they are made: writing
needs memory for one batch, a sorted index of subjects and the IRIs of the nodes, and Turtle,
N-Triples and JSON-LD share the one pass (making triples in Python costs more than serializing them).

`export_streaming(G, out_dir, formats)` is `kg.export.export` with the built-in turtle/ntriples/jsonld
exporters replaced by these writers (only while they are still the registered ones, so a
replaced exporter is honoured); the bytes are the same (tests/test_scale.py checks).
"""
from __future__ import annotations

import os
import resource
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Iterable

import networkx as nx
import pyoxigraph as ox

from kg.io import atomic_open, cyclic_gc_paused
from kg.rdf import base_iri_of, iter_blocks, prefixes, triple_cache
from kg.rdf.to_triples import _subject_index


STREAM_FORMATS = ("turtle", "ntriples", "jsonld")
BATCH_TRIPLES = 1000  # measured: small batches are as fast as large ones and stay in the CPU cache


def write_streams(G: nx.MultiDiGraph, paths: dict[str, str | os.PathLike], batch_triples: int = BATCH_TRIPLES,
                  timings: dict[str, float] | None = None) -> None:
    """Turtle, N-Triples and/or JSON-LD (`paths` maps "turtle"/"ntriples"/"jsonld" to files) in
    one pass over the triples: making them in Python is much of the cost, so the files share the
    pass. A batch ends with a subject block, so each batch's Turtle continues the last one's; the
    bytes equal the exporters' own (tests/test_scale.py). `timings`, if given, receives seconds
    per format plus "triples" (making them), so each writer's share can be reported."""
    from kg.export.jsonld import JsonLdWriter
    from kg.export.rdf_formats import turtle_body, turtle_header

    clock = time.perf_counter
    spent = dict.fromkeys(list(paths) + ["triples"], 0.0)
    prefix_map = prefixes(base_iri_of(G))
    with cyclic_gc_paused(), ExitStack() as stack:
        files = {name: stack.enter_context(atomic_open(path, "w" if name == "jsonld" else "wb"))
                 for name, path in paths.items()}
        ttl, nt, jl = files.get("turtle"), files.get("ntriples"), files.get("jsonld")
        writer = JsonLdWriter(prefix_map) if jl is not None else None
        if ttl is not None:
            ttl.write(turtle_header(prefix_map))
        if writer is not None:
            jl.write(writer.header())

        def flush(batch: list[ox.Triple], blocks: list[list[ox.Triple]], entries: list[tuple]) -> None:
            t0 = clock()
            if ttl is not None:
                ttl.write(turtle_body(batch, prefix_map))
                t1 = clock()
                spent["turtle"] += t1 - t0
                t0 = t1
            if nt is not None:
                ox.serialize(batch, nt, format=ox.RdfFormat.N_TRIPLES)
                t1 = clock()
                spent["ntriples"] += t1 - t0
                t0 = t1
            if writer is not None:
                jl.write("".join([writer.subject(G, entry, block) for entry, block in zip(entries, blocks)]))
                spent["jsonld"] += clock() - t0

        batch: list[ox.Triple] = []
        blocks: list[list[ox.Triple]] = []
        # the JSON-LD writer pairs each block with its subject (iter_blocks follows this index)
        index = iter(_subject_index(G)) if writer is not None else None
        entries: list[tuple] = []
        t0 = clock()
        for block in iter_blocks(G):
            batch.extend(block)
            if index is not None:
                blocks.append(block)
                entries.append(next(index))
            if len(batch) >= batch_triples:
                spent["triples"] += clock() - t0
                flush(batch, blocks, entries)
                batch, blocks, entries = [], [], []
                t0 = clock()
        spent["triples"] += clock() - t0
        flush(batch, blocks, entries)
        if writer is not None:
            jl.write(writer.footer())
    if timings is not None:
        timings.update(spent)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_streaming(G: nx.MultiDiGraph, out_dir: str | os.PathLike, formats: Iterable[str] | None = None,
                     timings: dict[str, float] | None = None, peaks: dict[str, float] | None = None) -> list[Path]:
    """kg.export.export, writing Turtle, N-Triples and JSON-LD in one streaming pass. `timings`, if
    given, receives seconds per format name, and "triples" for making the triples of the shared
    pass (write_streams). `peaks`, if given, receives per step how many MB it raised the process's
    peak resident memory (for benchmarks/bench_build.py)."""
    from kg.export import exporters, get_exporter, jsonld, rdf_formats

    chosen = list(exporters().values()) if formats is None else [get_exporter(f) for f in formats]
    chosen = list(dict.fromkeys(chosen))
    # the built-in Turtle/N-Triples/JSON-LD exporters (unless replaced) share one streaming pass
    builtin = {"turtle": rdf_formats.write_turtle, "ntriples": rdf_formats.write_ntriples, "jsonld": jsonld.write_jsonld}
    streamed = {exp.name: exp for exp in chosen if exp.name in STREAM_FORMATS and exp.func is builtin[exp.name]}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    peak = _peak_mb()
    with triple_cache():
        if streamed:
            write_streams(G, {name: out_dir / exp.filename for name, exp in streamed.items()}, timings=timings)
            if peaks is not None:
                peak, peaks["+".join(streamed)] = _peak_mb(), _peak_mb() - peak
        for exp in chosen:
            if exp.name not in streamed:
                start = time.perf_counter()
                exp(G, out_dir / exp.filename)
                if timings is not None:
                    timings[exp.name] = time.perf_counter() - start
                if peaks is not None:
                    peak, peaks[exp.name] = _peak_mb(), _peak_mb() - peak
    return [out_dir / exp.filename for exp in chosen]
