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
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Callable, Iterable, Iterator

import networkx as nx
import pyoxigraph as ox

from kg.edges import field_values
from kg.export.forked import ForkedExport, can_fork
from kg.io import atomic_open, cyclic_gc_paused
from kg.rdf import base_iri_of, prefixes, triple_cache
from kg.export.rdf_text import FIELDS, StatementText
from kg.rdf.to_triples import _subject_index, block_maker, person_ids


STREAM_FORMATS = ("turtle", "ntriples", "jsonld")
# A forked writer copies the graph's pages as it reads them (about the graph's size: 0.7 GB at
# 100k papers, 137k nodes); from here on (~450k papers) that memory costs more than the minutes.
FORK_BELOW_NODES = 500_000
# the share of the statements the forked process writes (the tail of the RDF files) when it also
# writes GraphML and the page: measured to even the two processes out at 20k and 100k papers;
# with nothing else to write, it writes half
TAIL_SHARE_BESIDE = 0.25
BATCH_TRIPLES = 1000  # measured: small batches are as fast as large ones and stay in the CPU cache


def write_streams(G: nx.MultiDiGraph, paths: dict[str, str | os.PathLike], batch_triples: int = BATCH_TRIPLES,
                  timings: dict[str, float] | None = None, start: str | None = None, stop: str | None = None,
                  then: Callable[[], dict[str, Path]] | None = None, opener=atomic_open) -> None:
    """Turtle, N-Triples and/or JSON-LD (`paths` maps "turtle"/"ntriples"/"jsonld" to files) in
    one pass over the subjects: making the triples in Python is much of the cost, so the files
    share the pass, and a statement's text is made from its edge data without triples
    (kg.export.rdf_text, JsonLdWriter.statement_values; its values read once for the three).
    A batch ends with a subject block, so each batch's Turtle continues the last one's; the
    bytes equal the exporters' own (tests/test_scale.py). `timings`, if given, receives seconds
    per format plus "triples" (making the triples and reading the statements), so each writer's
    share can be reported.

    With `start` and/or `stop`, only the subjects whose encoded id is in [start, stop) are written
    (kg.rdf.to_triples._subject_index): the files' head if `start` is None (the prefixes, the
    opening of the JSON-LD document), their tail if `stop` is None (its closing). `then`, if
    given, is called once this part is written and gives the files (format name -> path) of the
    part that follows, appended before the files are closed (export_streaming has a forked
    process write the tail). `opener` opens the files (atomic_open: renamed into place when done)."""
    from kg.export.jsonld import JsonLdWriter
    from kg.export.rdf_formats import turtle_body, turtle_header

    clock = time.perf_counter
    spent = dict.fromkeys(list(paths) + ["triples"], 0.0)
    base = base_iri_of(G)
    prefix_map = prefixes(base)
    with cyclic_gc_paused(), ExitStack() as stack:
        files = {name: stack.enter_context(opener(path, "w" if name == "jsonld" else "wb"))
                 for name, path in paths.items()}
        ttl, nt, jl = files.get("turtle"), files.get("ntriples"), files.get("jsonld")
        writer = JsonLdWriter(prefix_map) if jl is not None else None
        text = StatementText(base, prefix_map) if ttl is not None or nt is not None else None
        direct = writer is None or writer.fast  # else JSON-LD wants every statement's triples
        if ttl is not None and start is None:
            ttl.write(turtle_header(prefix_map))
        if writer is not None:
            if start is None:
                jl.write(writer.header())
            else:
                writer.first = False  # the dataset's subject, the first of all, is in the head

        def runs(items: list[tuple]) -> Iterator[tuple[bool, list[tuple]]]:
            """Consecutive items of one kind: (True, statements) or (False, triple blocks)."""
            start = 0
            for i in range(1, len(items) + 1):
                if i == len(items) or (len(items[i]) == 4) != (len(items[start]) == 4):
                    yield len(items[start]) == 4, items[start:i]
                    start = i

        def flush(items: list[tuple]) -> None:
            # an item: (entry, block) of triples, or (enc, u, v, values) of a statement
            t0 = clock()
            pieces = []  # Turtle and N-Triples: statements' text, or other subjects' triples
            for stmts, run in runs(items) if text is not None else ():
                if stmts:
                    pair = [text.statement(*item) for item in run]
                    pieces.append(("".join([t for t, _ in pair]).encode("utf-8"),
                                   "".join([n for _, n in pair]).encode("utf-8")))
                else:
                    pieces.append([t for _, block in run for t in block])
            t1 = clock()
            spent["triples"] += t1 - t0  # statement text, shared by Turtle and N-Triples
            t0 = t1
            if ttl is not None:
                for piece in pieces:
                    ttl.write(piece[0] if type(piece) is tuple else turtle_body(piece, prefix_map))
                t1 = clock()
                spent["turtle"] += t1 - t0
                t0 = t1
            if nt is not None:
                for piece in pieces:
                    if type(piece) is tuple:
                        nt.write(piece[1])
                    else:
                        ox.serialize(piece, nt, format=ox.RdfFormat.N_TRIPLES)
                t1 = clock()
                spent["ntriples"] += t1 - t0
                t0 = t1
            if writer is not None:
                out = []
                for stmts, run in runs(items):
                    if stmts:
                        out.append(writer._join([writer.statement_values(base, *item) for item in run]))
                    else:
                        out += [writer.subject(G, *item) for item in run]
                jl.write("".join(out))
                spent["jsonld"] += clock() - t0

        persons = person_ids(G)
        make = block_maker(G, persons)
        adj = G._adj
        items: list[tuple] = []
        size = 0
        t0 = clock()
        for entry in _subject_index(G, persons, start, stop):
            if direct and len(entry) == 4:
                enc, u, v, key = entry
                items.append((enc, u, v, field_values(adj[u][v], key)))
                size += len(FIELDS) + 2
            else:
                block = make(entry)
                items.append((entry, block))
                size += len(block)
            if size >= batch_triples:
                spent["triples"] += clock() - t0
                flush(items)
                items, size = [], 0
                t0 = clock()
        spent["triples"] += clock() - t0
        flush(items)
        if then is not None:
            for name, part in then().items():
                _append(part, files[name])
        if writer is not None and stop is None:
            jl.write(writer.footer())
    if timings is not None:
        timings.update(spent)


def _append(part: Path, out) -> None:
    """The bytes of file `part` after those written to `out` (an open file, text or binary)."""
    out.flush()
    with open(part, "rb") as src:
        try:  # copied by the kernel, where it can
            while os.copy_file_range(src.fileno(), out.fileno(), 1 << 30):
                pass
        except (AttributeError, OSError):  # no such call here, or not between these files
            shutil.copyfileobj(src, getattr(out, "buffer", out), 1 << 20)


def _open_part(path: Path, mode: str):
    """A part file as atomic_open opens its file, without the rename: the part is appended."""
    return open(path, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_streaming(G: nx.MultiDiGraph, out_dir: str | os.PathLike, formats: Iterable[str] | None = None,
                     timings: dict[str, float] | None = None, peaks: dict[str, float] | None = None,
                     processes: int = 1) -> list[Path]:
    """kg.export.export, writing Turtle, N-Triples and JSON-LD in one streaming pass. `timings`, if
    given, receives seconds per format name, and "triples" for making the triples of the shared
    pass (write_streams). `peaks`, if given, receives per step how many MB it raised the process's
    peak resident memory (for benchmarks/bench_build.py).

    With `processes` > 1 and a graph of fewer than FORK_BELOW_NODES nodes, a forked second
    process writes the tail of the streamed files (the statements from a key on: a share of
    TAIL_SHARE_BESIDE of them, half if it writes nothing else), appended to the parent's head
    before the files are renamed into place, then the other formats (GraphML, the page); same
    bytes. `timings` then sum both processes' seconds per format; the other formats' `peaks` are
    what they raised that process's private memory, and peaks["export process"] its private
    memory at most."""
    from kg.export import exporters, get_exporter, jsonld, rdf_formats

    chosen = list(exporters().values()) if formats is None else [get_exporter(f) for f in formats]
    chosen = list(dict.fromkeys(chosen))
    # the built-in Turtle/N-Triples/JSON-LD exporters (unless replaced) share one streaming pass
    builtin = {"turtle": rdf_formats.write_turtle, "ntriples": rdf_formats.write_ntriples, "jsonld": jsonld.write_jsonld}
    streamed = {exp.name: exp for exp in chosen if exp.name in STREAM_FORMATS and exp.func is builtin[exp.name]}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    others = [exp for exp in chosen if exp.name not in streamed]
    paths = {name: out_dir / exp.filename for name, exp in streamed.items()}
    forked = split = None
    parts: dict[str, Path] = {}
    peak = _peak_mb()
    try:
        if processes > 1 and streamed and len(G) < FORK_BELOW_NODES and can_fork():
            # the child writes the files' tail (and the other formats), the parent their head
            split = "statement/%016x" % int((1 - (TAIL_SHARE_BESIDE if others else 0.5)) * 2 ** 64)
            for name, path in paths.items():
                fd, part = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".part.tmp", dir=out_dir)
                os.close(fd)
                parts[name] = Path(part)
            tail: dict[str, float] = {}

            def write_tail() -> dict[str, float]:
                write_streams(G, parts, timings=tail, start=split, opener=_open_part)
                return tail

            forked, others = ForkedExport(G, out_dir, others, first=write_tail), []

        def then() -> dict[str, Path]:
            for name, seconds in forked.ready().items():
                if timings is not None:
                    timings[name] = timings.get(name, 0.0) + seconds
            return parts

        with triple_cache():
            if streamed:
                write_streams(G, paths, timings=timings, stop=split, then=then if forked is not None else None)
                if peaks is not None:
                    peak, peaks["+".join(streamed)] = _peak_mb(), _peak_mb() - peak
            for exp in others:
                start = time.perf_counter()
                exp(G, out_dir / exp.filename)
                if timings is not None:
                    timings[exp.name] = time.perf_counter() - start
                if peaks is not None:
                    peak, peaks[exp.name] = _peak_mb(), _peak_mb() - peak
    except BaseException:
        if forked is not None:
            forked.cancel()
        raise
    finally:
        for part in parts.values():
            part.unlink(missing_ok=True)
    if forked is not None:
        result = forked.join()
        if timings is not None:
            timings.update(result["timings"])
        if peaks is not None:
            peaks.update(result["peaks"], **{"export process": result["private_mb"]})
    return [out_dir / exp.filename for exp in chosen]
