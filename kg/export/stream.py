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

import mmap
import multiprocessing
import os
import resource
import shutil
import struct
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Callable, Iterable, Iterator

import networkx as nx
import pyoxigraph as ox

from kg.edges import EDGE_FIELDS, field_values
from kg.export.forked import ForkedExport, can_fork
from kg.io import atomic_open, cyclic_gc_paused
from kg.rdf import base_iri_of, prefixes, triple_cache
from kg.export.rdf_text import StatementText
from kg.rdf.to_triples import SubjectIndex, block_maker


STREAM_FORMATS = ("turtle", "ntriples", "jsonld")
# A forked writer copies the graph's pages as it reads them (about the graph's size: 0.7 GB at
# 100k papers, 137k nodes); from here on (~450k papers) that memory costs more than the minutes.
FORK_BELOW_NODES = 500_000
# the RDF files are cut in this many slices of the statements' key digests: the build process
# writes them from the front, the forked one (its other formats done) from the back, until they
# meet, so the two end together within a slice whatever each one's speed
SLICES = 32
BATCH_TRIPLES = 1000  # measured: small batches are as fast as large ones and stay in the CPU cache


def write_streams(G: nx.MultiDiGraph, paths: dict[str, str | os.PathLike], batch_triples: int = BATCH_TRIPLES,
                  timings: dict[str, float] | None = None, start: str | None = None, stop: str | None = None,
                  slices: "Slices | None" = None, then: Callable[[int], list[tuple[str, Path]]] | None = None,
                  opener=atomic_open, index: SubjectIndex | None = None) -> None:
    """Turtle, N-Triples and/or JSON-LD (`paths` maps "turtle"/"ntriples"/"jsonld" to files) in
    one pass over the subjects: making the triples in Python is much of the cost, so the files
    share the pass, and a statement's text is made from its edge data without triples
    (kg.export.rdf_text, JsonLdWriter.statement_values; its values read once for the three).
    A batch ends with a subject block, so each batch's Turtle continues the last one's; the
    bytes equal the exporters' own (tests/test_scale.py). `timings`, if given, receives seconds
    per format plus "triples" (making the triples and reading the statements), so each writer's
    share can be reported.

    With `start` and/or `stop`, only the subjects whose encoded id is in [start, stop) are written
    (kg.rdf.to_triples._subject_index): the prefixes and the opening of the JSON-LD document if
    `start` is None, its closing if `stop` is None. With `slices` (Slices, shared with a forked
    process that takes them from the back), each slice is taken before it is written; at the
    first the other process has, `then(i)` gives the files (format name, path) it wrote of slices
    i and on, in order, appended before the files are closed. `opener` opens the files
    (atomic_open: renamed into place when done). `index`: G's SubjectIndex, if already made."""
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

        index = SubjectIndex(G) if index is None else index
        make = block_maker(G, index.persons)
        adj = G._adj
        items: list[tuple] = []
        size = 0
        t0 = clock()
        bounds = slices.bounds if slices is not None else []
        at = 0  # the slice being written (the first is this process's)
        theirs = None  # the first slice the other process took

        def take_up_to(enc: str | None) -> bool:
            """Take the slices up to the one holding `enc` (None: all); False at one taken already."""
            nonlocal at, theirs
            while at < len(bounds) and (enc is None or enc >= bounds[at]):
                if not slices.take_front(at + 1):
                    theirs = at + 1
                    return False
                at += 1
            return True

        for entry in index.entries(start, stop):
            if bounds and not take_up_to(entry[0]):
                break
            if direct and len(entry) == 4:
                enc, u, v, key = entry
                items.append((enc, u, v, field_values(adj[u][v], key)))
                size += len(EDGE_FIELDS) + 2
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
        if bounds and theirs is None:
            take_up_to(None)  # the slices after the last subject, empty: taken so the end is written once
        if theirs is not None:
            for name, part in then(theirs):
                _append(part, files[name])
        elif writer is not None and stop is None:
            jl.write(writer.footer())
    if timings is not None:
        timings.update(spent)


class Slices:
    """The subjects cut in `count` slices at statement keys (the first slice also holds every
    subject before the statements, the last every one after them), taken by two processes, one
    from each end: the state is in memory shared with a forked child."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.bounds = ["statement/%016x" % (i * 2 ** 64 // count) for i in range(1, count)]
        self._state = mmap.mmap(-1, 16)  # anonymous and shared: a forked child sees the same pages
        self._lock = multiprocessing.get_context("fork").Lock()
        self._store(1, count)  # the build process has slice 0; nobody has taken from the back yet
        self._pid = os.getpid()

    def _store(self, front: int, back: int) -> None:
        self._state[:16] = struct.pack("qq", front, back)

    def _load(self) -> tuple[int, int]:
        return struct.unpack("qq", self._state[:16])

    def take_front(self, i: int) -> bool:
        """Slice i for the front process, unless the other took it."""
        with self._lock:
            front, back = self._load()
            if i >= back:
                return False
            self._store(max(front, i + 1), back)
            return True

    def take_back(self) -> int | None:
        """The last slice nobody has, for the back process (None when they have met)."""
        with self._lock:
            front, back = self._load()
            if back <= front:
                return None
            self._store(front, back - 1)
            return back - 1

    def range(self, i: int) -> tuple[str | None, str | None]:
        return (self.bounds[i - 1] if i else None), (self.bounds[i] if i < len(self.bounds) else None)

    def part(self, path: Path, i: int) -> Path:
        """Where the back process writes slice i of file `path` (a name atomic_open clears if the
        build process dies)."""
        return path.with_name(f".{path.name}.{self._pid}.part{i:03d}.tmp")


def _write_slices(G: nx.MultiDiGraph, paths: dict[str, Path], slices: Slices) -> dict[str, float]:
    """In the forked process: the slices it takes, each into part files; seconds per format."""
    spent: dict[str, float] = {}
    index = None  # made for the first slice taken, used for all
    while (i := slices.take_back()) is not None:
        start, stop = slices.range(i)
        seconds: dict[str, float] = {}
        index = SubjectIndex(G) if index is None else index
        write_streams(G, {name: slices.part(path, i) for name, path in paths.items()}, timings=seconds,
                      start=start, stop=stop, opener=_open_part, index=index)
        for name, x in seconds.items():
            spent[name] = spent.get(name, 0.0) + x
    return spent


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
    process writes the other formats (GraphML, the page), then takes slices of the streamed
    files from their end (Slices) while this one writes them from the start; its slices are
    appended before the files are renamed into place. Same bytes. `timings` then sum both
    processes' seconds per format; the other formats' `peaks` are what they raised that
    process's private memory, and peaks["export process"] its private memory at most."""
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
    forked = slices = None
    joined: dict = {}  # the forked process's result
    peak = _peak_mb()
    try:
        if processes > 1 and streamed and len(G) < FORK_BELOW_NODES and can_fork():
            # the child writes the other formats, then takes slices of the RDF files from the back
            slices = Slices(SLICES)
            forked, others = ForkedExport(G, out_dir, others, after=lambda: _write_slices(G, paths, slices)), []

        def then(first: int) -> list[tuple[str, Path]]:
            joined.update(forked.join())
            return [(name, slices.part(path, i)) for i in range(first, slices.count) for name, path in paths.items()]

        with triple_cache():
            if streamed:
                write_streams(G, paths, timings=timings, slices=slices, then=then)
                if peaks is not None:
                    peak, peaks["+".join(streamed)] = _peak_mb(), _peak_mb() - peak
            for exp in others:
                start = time.perf_counter()
                exp(G, out_dir / exp.filename)
                if timings is not None:
                    timings[exp.name] = time.perf_counter() - start
                if peaks is not None:
                    peak, peaks[exp.name] = _peak_mb(), _peak_mb() - peak
        if forked is not None and not joined:  # this process wrote every slice
            joined.update(forked.join())
    except BaseException:
        if forked is not None and not joined:
            forked.cancel()
        raise
    finally:
        if slices is not None:
            for i in range(slices.count):
                for path in paths.values():
                    slices.part(path, i).unlink(missing_ok=True)
    if forked is not None:
        if timings is not None:
            for name, seconds in joined["after"].items():
                timings[name] = timings.get(name, 0.0) + seconds
            timings.update(joined["timings"])
        if peaks is not None:
            peaks.update(joined["peaks"], **{"export process": joined["private_mb"]})
    return [out_dir / exp.filename for exp in chosen]
