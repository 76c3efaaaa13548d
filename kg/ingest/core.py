"""`read_papers`: files and folders in, a stream of Paper records out."""
from __future__ import annotations

import logging
import os
from contextlib import closing
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
                        yield f
            except IngestError as exc:
                yield exc
                continue
            if not found:
                yield IngestError(display_path(path), "folder holds no files in a known format")
        else:
            yield path  # missing files are reported when opened


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

    for item in iter_files(paths, format):
        if isinstance(item, IngestError):
            report(item)
            continue
        display = display_path(item)
        try:
            reader = reader_for(item, format)
            with closing(reader(item, display)) as records:
                for rec in records:
                    if isinstance(rec, IngestError):
                        report(rec)
                    else:
                        yield rec
        except IngestError as err:
            if on_error == "fail":
                raise
            report(err)
