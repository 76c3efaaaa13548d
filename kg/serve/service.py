"""The query service: guard, then evaluation in killable worker processes.

Each of `slots` workers (kg.serve.worker) answers one query at a time. The request thread hands
a query to an idle worker and waits for its answer until the deadline, reading the worker's
memory (RSS, from /proc) every 50 ms. Past the deadline or the memory cap the worker is killed,
which stops the query at once (a thread could not be stopped inside the engine: two timed-out
queries used to keep both cores busy for good), and a fresh worker takes its place. The answer
travels to the socket in 64 KiB pieces, so the server holds no whole result. A worker whose
client stopped reading is taken back when another query needs it: that client's connection is
closed (40 clients that never read their answers must not shut everybody else out).
"""
from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from typing import Iterator

from kg.serve.guard import MAX_DEPTH, Refused, check_query
from kg.serve.lookup import FAST_ROWS, is_lookup
from kg.serve.loop import NeedsWorker
from kg.serve.worker import _LEN, answer

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_MEMORY_MB = 400
CHUNK = 1 << 16
QUEUE_WAIT = 3.0  # seconds a query waits for a free worker
STALLED = 1.0  # seconds a client may leave its answer unread while another query waits for its worker
_PAGE = os.sysconf("SC_PAGE_SIZE")


class Response:
    """status, content type, body (bytes, or an iterator of bytes with `length` given), headers."""
    __slots__ = ("status", "content_type", "body", "headers", "length")

    def __init__(self, status: int, body: bytes | str | Iterator[bytes], content_type: str = "text/plain; charset=utf-8",
                 headers: dict[str, str] | None = None, length: int | None = None) -> None:
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.content_type = content_type
        self.headers = headers or {}
        self.length = len(self.body) if isinstance(self.body, bytes) else length


def error(status: int, message: str, **headers: str) -> Response:
    return Response(status, message.rstrip("\n") + "\n", headers=headers)


class _Stopped(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Worker:
    def __init__(self, store_dir: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.serve.worker", store_dir],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     bufsize=0, close_fds=True)
        self.fd = self.proc.stdout.fileno()
        head = self.read_head(time.monotonic() + 60, None)
        self.isolated = bool(head.get("isolated"))

    def rss(self) -> int:
        try:
            with open(f"/proc/{self.proc.pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            return 0

    def read_exact(self, n: int, deadline: float, max_rss: int | None) -> bytes:
        parts, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Stopped(504, "timeout")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if max_rss and self.rss() > max_rss:
                raise _Stopped(507, "memory")
            if ready:
                chunk = os.read(self.fd, min(n - got, CHUNK))
                if not chunk:
                    raise _Stopped(500, "crash")
                parts.append(chunk)
                got += len(chunk)
        return b"".join(parts)

    def read_head(self, deadline: float, max_rss: int | None) -> dict:
        n = _LEN.unpack(self.read_exact(_LEN.size, deadline, max_rss))[0]
        return json.loads(self.read_exact(n, deadline, max_rss))

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass


class QueryService:
    """Runs read-only queries against the store in `store_dir` with a deadline, a row cap and a
    memory cap per query (`max_memory_mb`, the worker's resident size). With `store` (the same
    graph, opened in this process) lookups (kg.serve.lookup) are answered here, without a worker."""

    def __init__(self, store_dir: str, prefixes: dict[str, str], timeout: float = DEFAULT_TIMEOUT,
                 max_rows: int = DEFAULT_MAX_ROWS, slots: int | None = None,
                 max_memory_mb: int = DEFAULT_MAX_MEMORY_MB, max_depth: int = MAX_DEPTH, store=None) -> None:
        self.store_dir = str(store_dir)
        self.store = store
        self.prefixes = prefixes
        self.timeout = float(timeout)
        self.max_rows = int(max_rows)
        self.max_rss = int(max_memory_mb) << 20
        self.max_depth = max_depth
        self.slots = slots or max(2, os.cpu_count() or 2)
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self._all: set[Worker] = set()
        self._sending: set[_Body] = set()  # answers whose worker is still feeding them
        # a warm spare takes a killed worker's place at once (starting one takes ~0.3-1 s, and two
        # queries stopped together would otherwise leave no worker for the next request)
        self._spares: queue.Queue[Worker] = queue.Queue()
        for _ in range(self.slots):
            self._add(Worker(self.store_dir))
        self.isolated = all(w.isolated for w in self._all)
        threading.Thread(target=self._new_spare, daemon=True).start()

    def ready(self) -> bool:
        """All `slots` workers and the spare are running (after a kill, once replacements started)."""
        with self._lock:
            return len(self._all) >= self.slots + 1

    def _new_spare(self) -> None:
        try:
            worker = Worker(self.store_dir)
        except Exception:  # noqa: BLE001 - no spare: replacements start cold
            return
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)  # counted so that close() kills it
        self._spares.put(worker)

    def _add(self, worker: Worker) -> None:
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        try:
            self._idle.put(self._spares.get_nowait())
            threading.Thread(target=self._new_spare, daemon=True).start()
            return
        except queue.Empty:
            pass

        def spawn():
            try:
                self._add(Worker(self.store_dir))
            except Exception:  # noqa: BLE001 - the next replacement tries again
                threading.Timer(1.0, spawn).start() if not self._closed else None
        threading.Thread(target=spawn, daemon=True).start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self.store = None  # a spare still starting holds this object; the store must close now
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()

    def run(self, sparql: str, accept: str | None = None, formats: list[str] | None = None,
            default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
            here_only: bool = False) -> Response:
        """The answer to one query. With `here_only` (the connection loop, which must not wait),
        a query that needs a worker raises NeedsWorker instead of waiting for one."""
        try:
            toks = check_query(sparql, self.max_depth)
        except Refused as exc:
            return error(exc.status, str(exc))
        req = {"query": sparql, "accept": accept, "formats": formats or [], "prefixes": self.prefixes,
               "default_graphs": default_graphs, "named_graphs": named_graphs, "max_rows": self.max_rows}
        if self.store is not None and not default_graphs and not named_graphs and is_lookup(toks):
            # without prefixed names the prefix map changes nothing, and parsing it costs a quarter of
            # the engine's time on a lookup
            resp = self._answer_here(req if any(k == "pname" for k, _ in toks) else {**req, "prefixes": {}})
            if resp is not None:
                return resp
        if here_only:
            raise NeedsWorker
        worker = self._idle_worker()
        if worker is None:
            return error(503, f"all {self.slots} query workers are busy; retry later", **{"Retry-After": "2"})
        deadline = time.monotonic() + self.timeout
        try:
            payload = json.dumps(req).encode("utf-8")
            worker.proc.stdin.write(_LEN.pack(len(payload)) + payload)
            head = worker.read_head(deadline, self.max_rss)
        except (_Stopped, OSError, ValueError) as exc:
            self._replace(worker)
            return self._stopped(exc)
        return Response(head["status"], self._body(worker, head["length"], deadline), head["type"],
                        head["headers"], length=head["length"])

    def _idle_worker(self) -> Worker | None:
        """An idle worker within QUEUE_WAIT, taking back one whose client stopped reading; None
        when all are busy (a 503 rather than a growing queue). A killed worker's place is taken
        by the warm spare at once, so a short wait rides that out."""
        end = time.monotonic() + QUEUE_WAIT
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            if self._reclaim_stalled():
                continue
            left = end - time.monotonic()
            if left <= 0:
                return None
            try:
                return self._idle.get(timeout=min(0.05, left))
            except queue.Empty:
                pass

    def _reclaim_stalled(self) -> bool:
        """Take back the worker of the answer left unread longest, if past STALLED (one: each
        waiting query needs one worker, and every replacement costs a process start)."""
        now = time.monotonic()
        with self._lock:
            stalled = [b for b in self._sending if b.progress is not None and now - b.progress > STALLED]
        for body in sorted(stalled, key=lambda b: b.progress or now):
            worker = body.take_worker()
            if worker is not None:
                self._replace(worker)
                return True
        return False

    def _answer_here(self, req: dict) -> Response | None:
        """A lookup answered in this process (the worker's own code, on this process's store), or
        None when it has more than FAST_ROWS rows or fails: then a worker answers it as before."""
        try:
            head, body = answer(self.store, {**req, "max_rows": min(self.max_rows, FAST_ROWS)})
        except Exception:  # noqa: BLE001 - the worker gives the same query its proper answer
            return None
        if head["headers"] and self.max_rows > FAST_ROWS:  # truncated here, not at --max-rows
            return None
        return Response(head["status"], body, head["type"], head["headers"])

    def _stopped(self, exc: Exception) -> Response:
        status = getattr(exc, "status", 500)
        if status == 504:
            return error(504, f"query timed out after {self.timeout:g} s (the server's --timeout); it was stopped")
        if status == 507:
            return error(507, f"query stopped: it needed more than {self.max_rss >> 20} MB (the server's --max-memory)")
        return error(500, "query failed: the engine stopped while evaluating it")

    def _body(self, worker: Worker, length: int, deadline: float) -> "_Body":
        return _Body(self, worker, length, deadline)


class _Body:
    """The body in pieces. The worker goes back to the pool once all of it is read; `close()`
    before that (client gone, HEAD request) replaces the worker, the rest being still in its pipe.
    The service may take the worker of a body its client stopped reading (`take_worker`); the
    body then ends short and its connection is closed."""

    def __init__(self, service: QueryService, worker: Worker, length: int, deadline: float) -> None:
        self.service, self.worker, self.left, self.deadline = service, worker, length, deadline
        self.progress: float | None = time.monotonic()  # when the client was handed a piece
        with service._lock:
            service._sending.add(self)

    def take_worker(self) -> Worker | None:
        with self.service._lock:
            worker, self.worker = self.worker, None
            self.service._sending.discard(self)
        return worker

    def __iter__(self) -> Iterator[bytes]:
        while self.left:
            self.progress = None  # reading from the worker: not a stall of the client's
            worker = self.worker
            if worker is None:
                raise ConnectionAbortedError("answer not read in time: its worker was taken back")
            try:
                chunk = worker.read_exact(min(self.left, CHUNK), max(self.deadline, time.monotonic() + 5), None)
            except (_Stopped, OSError, ValueError):  # stopped mid-answer (or taken back under us)
                raise ConnectionAbortedError("the answer's worker stopped before its end") from None
            self.left -= len(chunk)
            self.progress = time.monotonic()
            yield chunk
        worker = self.take_worker()
        if worker is not None:
            self.service._idle.put(worker)

    def close(self) -> None:
        worker = self.take_worker()
        if worker is not None:
            if self.left:
                self.service._replace(worker)
            else:
                self.service._idle.put(worker)
