"""Loading graph files into the pyoxigraph store that `kg serve` answers from.

The store is always on disk (a temporary directory without --store) because the query workers
are separate processes that open it read-only. A damaged --store (garbage, truncated or missing
files) is reported in one line and rebuilt from the graph files, which are the source.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from kg.exportset import check_export
from kg.query import _one_line
from kg.rdf import rdf_format as _rdf_format

MANIFEST = "kg-serve.json"
STORE_SUBDIR = "oxigraph"

def _file_record(path: Path) -> dict:
    st = path.stat()
    return {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def load_store(graphs: Iterable[str | os.PathLike], store_dir: str | os.PathLike | None = None,
               *, force: bool = False, log: Callable[[str], None] | None = None) -> ox.Store:
    """A Store holding every file in `graphs` (in the default graph).

    A damaged store is rebuilt (one log line says so). Without `store_dir` the store is in memory and the files are parsed now. With it, the store
    is on disk in `store_dir`; if the manifest there lists exactly these files with the same
    sizes and modification times, nothing is parsed (unless `force`). `log` gets progress lines.
    """
    log = log or (lambda message: None)
    paths = [Path(g) for g in graphs]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such file")
        _rdf_format(p)
        check_export(p)  # before the store's own cache check: a mixed set is refused either way
    records = [_file_record(p) for p in paths]
    wanted = {"format": 1, "pyoxigraph": getattr(ox, "__version__", ""), "files": records}

    if store_dir is None:
        store = ox.Store()
        _bulk_load(store, paths, log)
        return store

    store_dir = Path(store_dir)
    store_dir.mkdir(parents=True, exist_ok=True)
    manifest = store_dir / MANIFEST
    store = _open(store_dir, log)
    try:
        current = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = None
    triples = current.pop("triples", None) if isinstance(current, dict) else None
    if current == wanted and not force:
        try:
            # a truncated or garbled file shows up as an error or a wrong count
            if len(store) != triples:
                raise ValueError(f"{len(store)} triples, the manifest says {triples}")
            log(f"store {store_dir} is up to date ({len(records)} file(s)); not reloading")
            return store
        except (OSError, RuntimeError, ValueError) as exc:
            log(f"store {store_dir} is damaged ({_one_line(str(exc))[:200]}); rebuilding it from the graph files")
            del store
            shutil.rmtree(store_dir / STORE_SUBDIR, ignore_errors=True)
            store = _open(store_dir, log)
    manifest.unlink(missing_ok=True)  # a crash while loading must not leave a stale manifest
    store.clear()
    _bulk_load(store, paths, log)
    store.flush()
    tmp = manifest.with_suffix(".tmp")
    tmp.write_text(json.dumps({**wanted, "triples": len(store)}, indent=1), encoding="utf-8")
    os.replace(tmp, manifest)
    return store


def _open(store_dir: Path, log: Callable[[str], None]) -> ox.Store:
    """The on-disk store in store_dir; a damaged one (it cannot be opened, and not because another
    process holds its lock) is removed and made anew, since the graph files are the source."""
    try:
        return ox.Store(str(store_dir / STORE_SUBDIR))
    except (OSError, RuntimeError) as exc:
        message = _one_line(str(exc))
        if "lock" in message.lower():
            raise OSError(f"cannot open the store in {store_dir} (is another `kg serve` using it?): "
                          f"{message}") from None
        log(f"store {store_dir} is damaged ({message[:200]}); rebuilding it from the graph files")
    (store_dir / MANIFEST).unlink(missing_ok=True)
    shutil.rmtree(store_dir / STORE_SUBDIR, ignore_errors=True)
    try:
        return ox.Store(str(store_dir / STORE_SUBDIR))
    except (OSError, RuntimeError) as exc:
        raise OSError(f"cannot make a store in {store_dir}: {_one_line(str(exc))}") from None


def copy_to_disk(store: ox.Store, directory: str | os.PathLike) -> ox.Store:
    """An on-disk copy of `store` in `directory` (the query workers open stores from disk)."""
    disk = ox.Store(str(directory))
    disk.bulk_extend(store.quads_for_pattern(None, None, None, None))
    disk.flush()
    return disk


def _bulk_load(store: ox.Store, paths: list[Path], log: Callable[[str], None]) -> None:
    for p in paths:
        start = time.perf_counter()
        try:
            store.bulk_load(path=str(p), format=_rdf_format(p))
        except SyntaxError as exc:
            raise ValueError(f"{p}: {_one_line(str(exc))}") from None
        log(f"loaded {p} in {time.perf_counter() - start:.1f} s")

