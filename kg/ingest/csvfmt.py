"""CSV and TSV readers: a header row naming `title` and `abstract` (required) and
optionally `id`, `url`/`urls`, `date`, `authors` (names separated by ";")."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

from kg.records import Paper

from .errors import IngestError
from .fields import record_to_paper
from .registry import register_reader
from .text import MAX_FIELD_CHARS, MAX_LINE_CHARS, Overlong, TextSource

REQUIRED = ("title", "abstract")


def _header_fields(head: str) -> tuple[str, list[str]] | None:
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    delim = "\t" if first.count("\t") > first.count(",") else ","
    try:
        row = next(csv.reader([first], delimiter=delim))
    except (csv.Error, StopIteration):
        return None
    return delim, [c.strip().casefold() for c in row]


def _sniff_csv(head: str) -> bool:
    got = _header_fields(head)
    return got is not None and all(col in got[1] for col in REQUIRED)


def _read_delimited(path: Path, display: str, delimiter: str | None) -> Iterator[Paper | IngestError]:
    with TextSource(path, display) as src:
        if delimiter is None:
            got = _header_fields(src.head)
            delimiter = got[0] if got else ","
        overlong: list[tuple[int, int]] = []
        current = [0]

        def feed() -> Iterator[str]:
            for lineno, line in src.lines(limit=MAX_LINE_CHARS):
                current[0] = lineno
                if isinstance(line, Overlong):
                    overlong.append((lineno, line.chars))
                    yield "\n"
                else:
                    yield line + "\n"

        reader = csv.reader(feed(), delimiter=delimiter)
        header: list[str] | None = None
        start = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield IngestError(display, f"malformed CSV row: {exc}", start)
                start = current[0] + 1
                continue
            for lineno, chars in overlong:
                yield IngestError(display, f"line is {chars} characters long (limit {MAX_LINE_CHARS}); record skipped", lineno)
            row_start, start = start, reader.line_num + 1
            if overlong:
                overlong.clear()
                continue
            if not row or all(not c.strip() for c in row):
                continue
            if header is None:
                header = [c.strip().casefold() for c in row]
                missing = [c for c in REQUIRED if c not in header]
                if missing:
                    found = ", ".join(f'"{c}"' for c in header[:8])
                    need = ", ".join(f'"{c}"' for c in missing)
                    raise IngestError(display, f"missing required column(s) {need} (header has {found})", row_start)
                continue
            if len(row) > len(header):
                yield IngestError(display, f"row has {len(row)} fields but the header has {len(header)}", row_start)
                continue
            rec = {name: value for name, value in zip(header, row) if name}
            for name in REQUIRED:
                rec.setdefault(name, "")
            yield record_to_paper(rec, display, row_start)
        if header is None:
            raise IngestError(display, "no header row")


@register_reader("csv", extensions=(".csv",), sniff=_sniff_csv, priority=5)
def read_csv(path: Path, display: str) -> Iterator[Paper | IngestError]:
    """Comma-separated (a header with tabs and no commas is read as TSV)."""
    return _read_delimited(path, display, None)


@register_reader("tsv", extensions=(".tsv", ".tab"))
def read_tsv(path: Path, display: str) -> Iterator[Paper | IngestError]:
    return _read_delimited(path, display, "\t")


if csv.field_size_limit() < MAX_FIELD_CHARS + 1:  # pragma: no cover - default is 131072
    csv.field_size_limit(MAX_FIELD_CHARS + 1)
