"""`read_papers`: files and folders in, a stream of Paper records out."""
from __future__ import annotations

import logging
import os
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from kg.records import Paper

from .errors import IngestError
from .registry import reader_for, reader_for_extension
from .text import display_path

log = logging.getLogger("kg.ingest")

PathLike = str | os.PathLike


def _walk(folder: Path, seen: set[str] | None = None) -> Iterator[Path]:
    """Files under `folder`, recursively, sorted by name, hidden names skipped."""
    seen = set() if seen is None else seen
    real = os.path.realpath(folder)
    if real in seen:  # a symlink loop
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise IngestError(str(folder), f"cannot list folder: {exc.strerror or exc}") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        if entry.is_dir(follow_symlinks=True):
            yield from _walk(path, seen)
        elif entry.is_file(follow_symlinks=True):
            yield path


def iter_files(paths: PathLike | Iterable[PathLike], format: str | None = None) -> Iterator[Path | IngestError]:
    """Expand `paths`: files as given, folders recursively (sorted, no hidden files).

    Inside folders only files with a registered extension are taken (unless
    `format` is given, then every non-hidden file); a file named explicitly is
    always taken and sniffed if its extension is unknown.
    """
    for item in _iter_named(paths, format):
        yield item if isinstance(item, IngestError) else item[0]


def source_name(path: Path, named: Path) -> str:
    """The name a file has in `Paper.sources`: its path relative to the folder the user named,
    or its own name when the file was named, so a source reads the same in every export
    whatever folder the build ran in ("002_x.txt:211", not "../shared/corpus/002_x.txt:211")."""
    rel = path.relative_to(named) if path != named else Path(path.name)
    return display_path(rel.as_posix())


def _iter_named(paths, format) -> Iterator[tuple[Path, str] | IngestError]:
    """iter_files, each file with its source_name."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = False
            try:
                for f in _walk(path):
                    if format is not None or reader_for_extension(f) is not None:
                        found = True
                        yield f, source_name(f, path)
            except IngestError as exc:
                yield exc
                continue
            if not found:
                yield IngestError(display_path(path), "folder holds no files in a known format")
        else:
            yield path, source_name(path, path)  # missing files are reported when opened


def _renamed(rec: Paper, display: str, name: str) -> Paper:
    """`rec` with the sources its reader wrote as "display:line" written as "name:line" (errors
    keep the path as given, which is what a user looks for)."""
    if display == name:
        return rec
    prefix = display + ":"
    sources = tuple(name + s[len(display):] if s.startswith(prefix) else s for s in rec.sources)
    return replace(rec, sources=sources)


def read_papers(
    paths: PathLike | Iterable[PathLike],
    format: str | None = None,
    on_error: str = "skip",
    errors: list[IngestError] | None = None,
) -> Iterator[Paper]:
    """Yield papers from files and folders, one record at a time.

    `format` forces a reader by name (the CLI's ``--format``); otherwise each
    file's reader is chosen by extension, then by content. For each bad file or
    record: ``on_error="fail"`` raises IngestError; ``"skip"`` appends it to
    `errors` (or logs it when no list is given) and goes on with the next record.
    """
    if on_error not in ("skip", "fail"):
        raise ValueError(f'on_error must be "skip" or "fail", not {on_error!r}')
    if format is not None:
        reader_for("", format)  # unknown format names fail at once, whatever on_error says

    def report(err: IngestError) -> None:
        if on_error == "fail":
            raise err
        if errors is not None:
            errors.append(err)
        else:
            log.warning("%s", err)

    for entry in _iter_named(paths, format):
        if isinstance(entry, IngestError):
            report(entry)
            continue
        item, name = entry
        display = display_path(item)
        try:
            reader = reader_for(item, format)
            with closing(reader(item, display)) as records:
                for rec in records:
                    if isinstance(rec, IngestError):
                        report(rec)
                    else:
                        yield _renamed(rec, display, name)
        except IngestError as err:
            if on_error == "fail":
                raise
            report(err)
