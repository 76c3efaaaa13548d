"""`kg serve`: load the graph files, start the query workers, serve until Ctrl-C."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import click
import pyoxigraph as ox

from kg.query import QUERIES_DIR, known_prefixes, saved_queries
from kg.serve.guard import MAX_DEPTH
from kg.serve.http import SparqlServer, is_loopback
from kg.serve.page import render_page
from kg.serve.service import DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, QueryService
from kg.serve.store import STORE_SUBDIR, copy_to_disk, load_store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878


def make_server(store: ox.Store, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, *,
                store_dir: str | os.PathLike | None = None, queries_dir: str | os.PathLike = QUERIES_DIR,
                slots: int | None = None, max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
                max_depth: int = MAX_DEPTH, quiet: bool = False, **http_options) -> SparqlServer:
    """A server bound to (host, port) (port 0: any free port; see `.url`), not yet serving:
    call `serve_forever()` (e.g. in a thread) and `shutdown()` + `server_close()` to stop.

    `store_dir` is the directory of the on-disk store `store` was opened from (the workers open
    it read-only); without it `store` is copied to a temporary directory, removed on close.
    `http_options` go to SparqlServer (allow_hosts, cors, timeouts, max_connections)."""
    tmp = None
    if store_dir is None:
        tmp = tempfile.mkdtemp(prefix="kg-serve-")
        copy_to_disk(store, tmp)
        store_dir = tmp
    prefixes = known_prefixes(store)
    try:
        service = QueryService(str(store_dir), prefixes, timeout=timeout, max_rows=max_rows, slots=slots,
                               max_memory_mb=max_memory_mb, max_depth=max_depth, store=store)
        page = render_page(saved_queries(queries_dir), len(store))
        server = SparqlServer((host, port), service, page, quiet=quiet, **http_options)
    except BaseException:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    server.store = store  # the parent's handle: page size, tests comparing with the engine
    if tmp:
        close = server.server_close

        def server_close() -> None:
            close()
            shutil.rmtree(tmp, ignore_errors=True)
        server.server_close = server_close
    return server


@click.command()
@click.argument("graphs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to bind (loopback unless told otherwise).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep a persistent on-disk store here; a restart with the same files skips loading.")
@click.option("--reload", "force", is_flag=True, help="With --store: reload the files even if they are unchanged.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(min=0.001),
              help="Seconds before a query is stopped and answered 504.")
@click.option("--max-rows", default=DEFAULT_MAX_ROWS, show_default=True, type=click.IntRange(min=1),
              help="Result rows (or triples) returned at most; more are cut off.")
@click.option("--max-memory", default=DEFAULT_MAX_MEMORY_MB, show_default=True, type=click.IntRange(min=64),
              help="MB a query's worker may use; past it the query is stopped and answered 507.")
@click.option("--workers", default=None, type=click.IntRange(min=1), help="Query worker processes [CPUs, at least 2].")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header names NAME ('*': any); repeatable.")
@click.option("--cors", multiple=True, metavar="ORIGIN",
              help="Let web pages from ORIGIN (e.g. http://localhost:3000, or '*') query; repeatable.")
@click.option("--max-connections", default=256, show_default=True, type=click.IntRange(min=1))
@click.option("--quiet", is_flag=True, help="Do not log requests.")
def serve_command(graphs, host, port, store_dir, force, timeout, max_rows, max_memory, workers,
                  allow_hosts, cors, max_connections, quiet):
    """Serve GRAPH files (.ttl, .nt, .jsonld) as a read-only SPARQL 1.1 endpoint at /sparql."""
    def log(message: str) -> None:
        click.echo(f"kg serve: {message}", err=True)

    start = time.perf_counter()
    tmp = None if store_dir else tempfile.mkdtemp(prefix="kg-serve-")
    try:
        store = load_store(graphs, store_dir or tmp, force=force, log=log if store_dir else None)
    except (OSError, ValueError) as exc:
        click.echo(f"kg: {exc}", err=True)
        sys.exit(2)
    log(f"{len(store):,} triples ready in {time.perf_counter() - start:.1f} s")
    if not is_loopback(host):
        log(f"warning: listening on {host}, not loopback: anyone who can reach this address can query the graph")
    try:
        server = make_server(store, host, port, timeout, max_rows, store_dir=Path(store_dir or tmp) / STORE_SUBDIR,
                             slots=workers, max_memory_mb=max_memory, quiet=quiet, allow_hosts=list(allow_hosts),
                             cors=list(cors), max_connections=max_connections)
    except OSError as exc:
        click.echo(f"kg: cannot listen on {host}:{port}: {exc}", err=True)
        sys.exit(2)
    if not server.service.isolated:
        log("note: query workers could not leave the network (no namespaces); SERVICE is refused by the guard alone")
    log(f"SPARQL endpoint at {server.url}sparql ; query page at {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
