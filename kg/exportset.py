"""The exports of one build as a set: OUT/.kg-exports.json names the build and each export.

Each export is renamed into place whole (kg.io.atomic_open), but a build killed between two
renames, or an older build's file left beside a newer one's, leaves a folder whose graph.ttl
and graph.nt describe different graphs. A build therefore writes, after its last export, a
manifest naming a fresh build id and every file it wrote with its size and sha256; the manifest
is itself renamed into place, so it is either the old build's or the new one's, whole.

The previous manifest is kept until the new one replaces it (not removed before exporting): a
build killed half-way then leaves new files that the old manifest does not match, which readers
refuse. Removing it first would make such a folder look like a hand-made one.

Readers (`kg query/stats/validate/view`, `kg serve`) call `check_export(path)` before parsing:
- no manifest beside the file: accepted (a hand-made or copied Turtle file);
- the manifest lists the file with its size and sha256: accepted;
- otherwise (other size or hash; or a graph.* export file the manifest does not list, i.e. left
  by another build): ExportSetInconsistent, one line naming the file.
sha256 over the file costs about as much as reading it once, far less than parsing it
(benchmarks/bench_exportset.py: 0.17 s for an 82 MB graph.ttl that takes pyoxigraph 37 s).
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Iterable

from kg.io import atomic_open

MANIFEST_NAME = ".kg-exports.json"
FORMAT = 1
_CHUNK = 1 << 20


class ExportSetInconsistent(ValueError):
    """str() is the one-line message readers print (exit status 2)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(path: Path) -> dict:
    return {"size": path.stat().st_size, "sha256": _sha256(path)}


def write_manifest(out_dir: str | os.PathLike, files: Iterable[str | os.PathLike]) -> Path:
    """Stamp the exports a build just wrote in `out_dir` (call after the last one is in place)."""
    from concurrent.futures import ThreadPoolExecutor

    out_dir = Path(out_dir)
    paths = [Path(f) for f in files]
    # one thread a file: hashlib lets go of the GIL while it hashes, so the files are read and
    # hashed side by side (20k papers: 0.9 GB of exports)
    with ThreadPoolExecutor(max_workers=max(1, min(len(paths), os.cpu_count() or 1))) as pool:
        entries = dict(zip((p.name for p in paths), pool.map(_entry, paths)))
    manifest = {"format": FORMAT, "build": uuid.uuid4().hex, "files": entries}
    path = out_dir / MANIFEST_NAME
    with atomic_open(path, "w") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")
    return path


def _inconsistent(path: Path) -> ExportSetInconsistent:
    return ExportSetInconsistent(
        f"{path}: export set is inconsistent (from another build or a killed build); rebuild")


def check_export(path: str | os.PathLike) -> None:
    """Raise ExportSetInconsistent unless `path` belongs to the export set stamped beside it (or
    there is no manifest beside it)."""
    path = Path(path)
    try:  # a symlink to an export is checked against the folder it points into
        real = path.resolve()
    except (OSError, RuntimeError):
        real = path
    manifest_path = real.parent / MANIFEST_NAME
    try:
        text = manifest_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError):
        raise _inconsistent(path) from None
    try:
        manifest = json.loads(text)
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):  # a damaged manifest vouches for nothing
        raise _inconsistent(path) from None
    want = files.get(real.name)
    if want is None:
        if real.name.startswith("graph."):  # an export name: another build left it
            raise _inconsistent(path)
        return  # a hand-made file beside the exports
    try:
        if not isinstance(want, dict) or real.stat().st_size != want.get("size") \
                or _sha256(real) != want.get("sha256"):
            raise _inconsistent(path)
    except OSError:
        raise _inconsistent(path) from None
