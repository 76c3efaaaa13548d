"""Exporters run in a forked copy of the build process, beside the streaming RDF pass.

The child shares the graph copy-on-write: it needs no copy made for it, and pays only for the
pages it touches (reading an object writes its reference count, so about the graph's size). Its
result comes back through a pipe: each exporter's seconds and how much it raised the child's
private memory, or the error that stopped it, raised again in the parent (an OSError as an
OSError, so the CLI reports it as it would its own).
"""
from __future__ import annotations

import gc
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Callable

import networkx as nx


def can_fork() -> bool:
    # Linux only: macOS forbids much after fork in a process with threads, Windows cannot fork
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def private_mb() -> float | None:
    """This process's private resident memory (pages not shared with its parent), Linux only."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as fh:
            fields = dict(line.split(":", 1) for line in fh if line.startswith("Private_"))
    except OSError:
        return None
    return sum(int(v.split()[0]) for v in fields.values()) / 1024


class ForkedExport:
    """`exporters` writing `G` to `out_dir` in a forked child, started on construction; join()
    waits for it and returns {"timings": {name: s}, "peaks": {name: MB}, "private_mb": MB,
    "after": what `after` returned}. `after`, if given, runs in the child once the exporters
    are done (kg.export.stream has it write what is left of the RDF files); it returns a JSON
    value."""

    def __init__(self, G: nx.MultiDiGraph, out_dir: Path, exporters: list, after: Callable[[], object] | None = None) -> None:
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            os.close(read)
            _run_child(G, out_dir, exporters, write, after)
        os.close(write)
        self._read = read

    def join(self) -> dict:
        with os.fdopen(self._read, encoding="utf-8") as fh:
            text = fh.read()
        _, status = os.waitpid(self.pid, 0)
        try:
            result = json.loads(text)
        except ValueError:
            raise RuntimeError(f"the export process ended with status {status} and no result") from None
        error = result.get("error")
        if error is not None:
            if error["errno"] is not None:
                raise OSError(error["errno"], error["strerror"], error["filename"])
            raise RuntimeError(f"{error['type']}: {error['message']}")
        return result

    def cancel(self) -> None:
        """Stop the child (its atomic writes remove their temporary files) and reap it."""
        try:
            os.kill(self.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        try:
            self.join()
        except (OSError, RuntimeError):
            pass


def _run_child(G: nx.MultiDiGraph, out_dir: Path, exporters: list, write: int, after) -> None:
    status = 1
    try:
        # a collection would write to every object's header, copying every page of the graph
        gc.disable()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        result: dict = {"timings": {}, "peaks": {}}
        most = before = private_mb()
        for exp in exporters:
            start = time.perf_counter()
            exp(G, out_dir / exp.filename)
            result["timings"][exp.name] = time.perf_counter() - start
            now = private_mb()
            if now is not None:
                result["peaks"][exp.name], before, most = now - before, now, max(most, now)
        result["private_mb"] = most
        result["after"] = after() if after is not None else None
        status = 0
    except BaseException as exc:  # the parent raises it
        result = {"error": {"type": type(exc).__name__, "message": str(exc), "errno": getattr(exc, "errno", None),
                            "strerror": getattr(exc, "strerror", None),
                            "filename": str(exc.filename) if getattr(exc, "filename", None) is not None else None}}
    finally:
        try:
            with os.fdopen(write, "w", encoding="utf-8") as fh:
                json.dump(result, fh)
        finally:
            os._exit(status)
