"""Streaming Turtle and N-Triples writers.

kg.rdf.iter_blocks(G) makes the triples one subject block at a time; kg.rdf.graph_triples(G) is
all of them at once. For 100k papers that list is ~10M pyoxigraph triples, several GB on top
of the graph, so the streaming writers serialize batches of blocks as they are made: writing
needs memory for one batch, a sorted index of subjects and the IRIs of the nodes, and Turtle
and N-Triples share the one pass (making triples in Python costs more than pyoxigraph's serializing them).

`export_streaming(G, out_dir, formats)` is `kg.export.export` with the built-in turtle/ntriples
exporters replaced by these writers (only while they are still the registered ones, so a
replaced exporter is honoured); the bytes are the same (tests/test_scale.py checks).
"""
from __future__ import annotations

import os
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Iterable

import networkx as nx
import pyoxigraph as ox

from kg.io import atomic_open, cyclic_gc_paused
from kg.rdf import base_iri_of, iter_blocks, prefixes, triple_cache


STREAM_FORMATS = ("turtle", "ntriples")
BATCH_TRIPLES = 1000  # measured: small batches are as fast as large ones and stay in the CPU cache


def write_streams(G: nx.MultiDiGraph, paths: dict[str, str | os.PathLike], batch_triples: int = BATCH_TRIPLES) -> None:
    """Turtle and/or N-Triples (`paths` maps "turtle"/"ntriples" to files) in one pass over the
    triples: making them in Python is most of the cost, serializing a batch is fast, so the
    files share the pass. A batch ends with a subject block, so each batch's Turtle continues
    the last one's; the bytes equal kg.export.rdf_formats' writers (tests/test_scale.py)."""
    from kg.export.rdf_formats import turtle_body, turtle_header

    prefix_map = prefixes(base_iri_of(G))
    with cyclic_gc_paused(), ExitStack() as stack:
        files = {name: stack.enter_context(atomic_open(path, "wb")) for name, path in paths.items()}
        if "turtle" in files:
            files["turtle"].write(turtle_header(prefix_map))

        def flush(batch: list[ox.Triple]) -> None:
            if "turtle" in files:
                files["turtle"].write(turtle_body(batch, prefix_map))
            if "ntriples" in files:
                ox.serialize(batch, files["ntriples"], format=ox.RdfFormat.N_TRIPLES)

        batch: list[ox.Triple] = []
        for block in iter_blocks(G):
            batch.extend(block)
            if len(batch) >= batch_triples:
                flush(batch)
                batch = []
        flush(batch)


def export_streaming(G: nx.MultiDiGraph, out_dir: str | os.PathLike, formats: Iterable[str] | None = None,
                     timings: dict[str, float] | None = None) -> list[Path]:
    """kg.export.export, writing Turtle and N-Triples with the streaming writers. `timings`, if
    given, receives seconds per format name ("turtle+ntriples" for the shared pass)."""
    from kg.export import exporters, get_exporter, rdf_formats

    chosen = list(exporters().values()) if formats is None else [get_exporter(f) for f in formats]
    chosen = list(dict.fromkeys(chosen))
    # the built-in Turtle/N-Triples exporters (unless replaced) share one streaming pass
    streamed = {exp.name: exp for exp in chosen
                if exp.name in STREAM_FORMATS and exp.func is getattr(rdf_formats, f"write_{exp.name}")}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with triple_cache():
        if streamed:
            start = time.perf_counter()
            write_streams(G, {name: out_dir / exp.filename for name, exp in streamed.items()})
            if timings is not None:
                timings["+".join(streamed)] = time.perf_counter() - start
        for exp in chosen:
            if exp.name not in streamed:
                start = time.perf_counter()
                exp(G, out_dir / exp.filename)
                if timings is not None:
                    timings[exp.name] = time.perf_counter() - start
    return [out_dir / exp.filename for exp in chosen]
