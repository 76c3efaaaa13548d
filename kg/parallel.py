"""Run extraction over many papers: in this process, in a pool of local processes, or on Dask.

    from kg.parallel import extract_papers
    extractions = extract_papers(papers, "rules", workers=2)                 # local processes
    extractions = extract_papers(papers, "rules", engine="dask", scheduler="tcp://host:8786")

Work is sent in chunks of papers (never one task per paper: a Dask task costs ~2 ms, a pool
round trip ~0.1 ms), at most a few chunks in flight per worker so input never piles up in
queues, and results come back in input order, so every engine gives the same list as
`[extract(p) for p in papers]`. Extraction is a pure function of one paper, which is what makes
this safe (see kg.extract).

Workers get the extractor by *name* (a registered name or "module:factory") and build it once
per process; the extractor object itself is never shipped. Local pools fork where the platform
allows it, so extractors registered at run time in the parent are known to the workers; a Dask
worker must be able to import kg (and the module of a "module:factory" extractor).
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from kg.held import to_wire
from kg.records import Extraction, Paper

if TYPE_CHECKING:
    from kg.held import Lean

ENGINES = ("local", "dask")
DEFAULT_CHUNK = 250  # papers per task: ~0.25-1.5 s of work at the extractor's current speed

_worker_extractors: dict[str, Callable[[Paper], Extraction]] = {}


def _warm(name: str) -> None:
    _extractor(name)


def _extractor(name: str) -> Callable[[Paper], Extraction]:
    """The extractor `name`, built once per process (workers reuse it across chunks)."""
    ex = _worker_extractors.get(name)
    if ex is None:
        from kg.extract import get_extractor

        ex = _worker_extractors[name] = get_extractor(name)
    return ex


def extract_chunk(extractor: str, papers: Sequence[Paper], wire: bool = False) -> list:
    """The task every engine runs: one chunk of papers -> their extractions, in order (with
    `wire`, as kg.held.to_wire tuples: a tenth of the records' unpickling cost on the way back)."""
    extractions = _extractor(extractor).pipe(papers)
    return [to_wire(ex, p) for ex, p in zip(extractions, papers)] if wire else list(extractions)


def chunk_size_for(n: int, workers: int, chunk_size: int | None = None) -> int:
    if chunk_size:
        return max(1, int(chunk_size))
    # small inputs: enough chunks to keep every worker busy; large ones: DEFAULT_CHUNK
    return max(10, min(DEFAULT_CHUNK, -(-n // max(1, workers * 4))))


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


class LocalPool:
    """A process pool for extraction. Create it early (before the input is read), so that
    forked workers start small."""

    def __init__(self, workers: int, extractor: str | None = None):
        from concurrent.futures import ProcessPoolExecutor

        self.workers = max(1, int(workers))
        self.executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=_mp_context())
        if extractor is not None:  # start the workers now (and build their extractors)
            for _ in range(self.workers):
                self.executor.submit(_warm, extractor)

    def run(self, extractor: str, chunks: Iterable[Sequence[Paper]], wire: bool = False) -> Iterator[list]:
        """Chunk results in input order, with at most 3 chunks per worker in flight."""
        window = self.workers * 3
        pending: deque = deque()
        for chunk in chunks:
            pending.append(self.executor.submit(extract_chunk, extractor, list(chunk), wire))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


class DaskPool:
    """Extraction on a Dask distributed cluster: `scheduler` is an address ("tcp://host:8786"),
    a `distributed.Client`, or None for a LocalCluster of `workers` processes on this machine."""

    def __init__(self, workers: int = 1, scheduler=None):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ValueError("--engine dask needs the 'distributed' package: pip install 'dask[distributed]'") from exc
        self._own_client = self._cluster = None
        if scheduler is None:
            self._cluster = LocalCluster(n_workers=max(1, int(workers)), threads_per_worker=1, processes=True,
                                         dashboard_address=None)
            self.client = self._own_client = Client(self._cluster)
        elif isinstance(scheduler, str):
            self.client = self._own_client = Client(scheduler)
        else:
            self.client = scheduler  # a Client the caller owns
        info = self.client.scheduler_info()
        threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        self.workers = max(1, threads)

    def run(self, extractor: str, chunks: Iterable[Sequence[Paper]], wire: bool = False) -> Iterator[list]:
        window = self.workers * 3
        pending: deque = deque()
        for chunk in chunks:
            # pure=False: two equal chunks are still two tasks; key names help the dashboard
            pending.append(self.client.submit(extract_chunk, extractor, list(chunk), wire, pure=False))
            if len(pending) >= window:
                fut = pending.popleft()
                yield fut.result()
                fut.release()
        while pending:
            fut = pending.popleft()
            yield fut.result()
            fut.release()

    def close(self) -> None:
        if self._own_client is not None:
            self._own_client.close()
        if self._cluster is not None:
            self._cluster.close()


class SerialPool:
    workers = 1

    def run(self, extractor: str, chunks: Iterable[Sequence[Paper]], wire: bool = False) -> Iterator[list]:
        for chunk in chunks:
            yield extract_chunk(extractor, chunk, wire)

    def close(self) -> None:
        pass


def open_pool(workers: int = 1, engine: str = "local", scheduler=None, extractor: str | None = None):
    """SerialPool for one local worker, LocalPool for several, DaskPool for engine="dask"."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    if workers is None or int(workers) < 1:
        raise ValueError("workers must be at least 1")
    if engine == "dask":
        return DaskPool(workers, scheduler)
    if scheduler is not None:
        raise ValueError("a scheduler address needs engine='dask'")
    return LocalPool(workers, extractor) if int(workers) > 1 else SerialPool()


def extract_papers(
    papers: Sequence[Paper],
    extractor: str = "learned",
    *,
    workers: int = 1,
    engine: str = "local",
    scheduler=None,
    chunk_size: int | None = None,
    pool=None,
    on_chunk: Callable[[int], None] | None = None,
    lean: "Lean | None" = None,
) -> list[Extraction]:
    """Extractions of `papers`, in order, identical whatever the engine and worker count.
    `on_chunk(n)` is called after each chunk of n papers (progress bars); with `lean` (a
    kg.held.Lean of the papers), what is held of each is its lean form, made as its chunk
    arrives from kg.held.to_wire tuples."""
    own = pool is None
    pool = open_pool(workers, engine, scheduler) if own else pool
    try:
        out: list[Extraction] = []
        size = chunk_size_for(len(papers), pool.workers, chunk_size)
        for result in pool.run(extractor, _chunks(papers, size), wire=lean is not None):
            out.extend(result if lean is None else map(lean.from_wire, result))
            if on_chunk is not None:
                on_chunk(len(result))
        return out
    finally:
        if own:
            pool.close()
