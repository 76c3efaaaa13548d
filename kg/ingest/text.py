"""Decoding, cleaning and size limits shared by the readers.

Files are decoded as UTF-8 (with or without BOM), UTF-16/UTF-32 when they start
with a BOM, and any byte that is not valid UTF-8 is decoded as cp1252 (or
Latin-1 for the five bytes cp1252 leaves undefined), so a stray legacy byte
never crashes a run. Text is read line by line or chunk by chunk through a
TextIOWrapper, so memory stays bounded even for a single 50 MB line.
"""
from __future__ import annotations

import codecs
import contextvars
import hashlib
import io
import os
import re
import sys
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator
from urllib.parse import urlsplit

from kg.records import Paper

from .errors import IngestError

#: longest title or abstract accepted, in characters
MAX_FIELD_CHARS = 100_000
#: longest physical line (or JSON record) read into memory, in characters
MAX_LINE_CHARS = 1_000_000
#: bytes looked at for NUL bytes and format sniffing
HEAD_BYTES = 8192


# --------------------------------------------------------------------------- decoding


def _cp1252_fallback(exc: UnicodeError):
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    out = []
    for b in bad:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))  # Latin-1 for 0x81 0x8D 0x8F 0x90 0x9D
    return "".join(out), exc.end


ERRORS = "kg-cp1252-fallback"
codecs.register_error(ERRORS, _cp1252_fallback)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes) -> str:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return "utf-8"


def decode_bytes(data: bytes) -> str:
    """Decode a small byte string the way files are decoded (BOM, UTF-8, cp1252)."""
    enc = detect_encoding(data)
    return data.decode(enc, errors=ERRORS if enc.startswith("utf-8") else "replace")


@dataclass(frozen=True)
class Overlong:
    """Stands for a line longer than the limit; its text was skipped, not kept."""

    chars: int


class TextSource:
    """An open text file: checks existence, emptiness, binary content, encoding."""

    def __init__(self, path: str | os.PathLike, display: str | None = None):
        self.path = Path(path)
        self.display = display if display is not None else str(path)
        raw = open_binary(self.path, self.display)
        try:
            head = raw.read(HEAD_BYTES)
            self.encoding = detect_encoding(head)
            wide = self.encoding in ("utf-16", "utf-32")
            if not wide and b"\x00" in head:
                raise IngestError(self.display, f"binary file (NUL byte at offset {head.index(0)}), not text")
            raw.seek(0)
            self._fh: IO[str] = io.TextIOWrapper(
                raw,
                encoding=self.encoding,
                errors=ERRORS if not wide else "replace",
                newline="",
            )
            text_head = self._fh.read(HEAD_BYTES)
            if not text_head.strip() and len(text_head) < HEAD_BYTES:
                raise IngestError(self.display, "empty file")
            if "\x00" in text_head:
                raise IngestError(self.display, "binary file (NUL character in text), not text")
            self.head = text_head
            self._fh.seek(0)
        except BaseException:
            raw.close()
            raise

    def __enter__(self) -> "TextSource":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._fh.close()

    def lines(self, limit: int = MAX_LINE_CHARS, keepends: bool = False) -> Iterator[tuple[int, str | Overlong]]:
        """Yield (1-based line number, line) with the line ending removed.

        A line longer than `limit` characters is skipped in bounded memory and
        yielded as `Overlong`. A NUL character raises IngestError (binary data).
        """
        fh = self._fh
        lineno = 0
        while True:
            line = fh.readline(limit + 1)
            if not line:
                return
            lineno += 1
            if len(line) > limit and not line.endswith(("\n", "\r")):
                total = len(line)
                while True:
                    more = fh.readline(65536)
                    total += len(more)
                    if not more or more.endswith(("\n", "\r")):
                        break
                yield lineno, Overlong(total)
                continue
            if "\x00" in line:
                raise IngestError(self.display, "NUL character: binary data, rest of file skipped", lineno)
            if not keepends:
                line = line.rstrip("\r\n")
            yield lineno, line

    def chunks(self, size: int = 65536) -> Iterator[str]:
        fh = self._fh
        while True:
            chunk = fh.read(size)
            if not chunk:
                return
            if "\x00" in chunk:
                raise IngestError(self.display, "NUL character: binary data, rest of file skipped")
            yield chunk


def open_binary(path: Path, display: str) -> IO[bytes]:
    """Open for reading, turning OS errors into one-line IngestErrors."""
    try:
        if path.is_dir():
            raise IngestError(display, "is a folder, expected a file")
        fh = open(path, "rb")
    except FileNotFoundError:
        raise IngestError(display, "no such file or directory") from None
    except PermissionError:
        raise IngestError(display, "permission denied") from None
    except OSError as exc:
        raise IngestError(display, f"cannot open: {exc.strerror or exc}") from None
    try:
        if os.fstat(fh.fileno()).st_size == 0 and path.is_file():
            raise IngestError(display, "empty file")
    except BaseException:
        fh.close()
        raise
    return fh


def read_head(path: Path, display: str, n: int = HEAD_BYTES) -> bytes:
    with open_binary(path, display) as fh:
        return fh.read(n)


# --------------------------------------------------------------------------- cleaning

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0/C1 controls, the BOM, and the noncharacters U+FFFE/U+FFFF (XML cannot hold them and
# Debian's rapper rejects U+FFFF in Turtle, escaped or not)
# Bidi overrides/isolates/marks (U+202A-202E, U+2066-2069, U+200E/F, U+061C) reorder how a
# title is displayed ("Trojan Source"), and zero-width spaces (U+200B, U+2060) make equal-looking
# labels differ: removed like control characters. ZWJ/ZWNJ (U+200C/D) stay: scripts and emoji
# sequences need them and they cannot reorder text.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff"
    "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069]"
)


def clean_text(text: str) -> str:
    """Strip control characters (and U+FEFF, U+FFFE, U+FFFF), replace unpaired surrogates,
    collapse whitespace.

    Scraping artefacts such as "1.37times" are left exactly as they are.
    """
    if _SURROGATE.search(text):
        # pairs are joined into one character, lone halves become U+FFFD
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = _CONTROL.sub("", text)
    return " ".join(text.split())


def paper_id(title: str) -> str:
    """The paper id used everywhere (and by the gold files): sha1 of the cleaned title."""
    return hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]


def dedupe(items: Iterable[str], key=lambda s: s) -> tuple[str, ...]:
    seen: set = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return tuple(out)


def display_path(path) -> str:
    """A file name as it appears in sources and messages. A name that is not valid UTF-8 comes
    from the OS with surrogate escapes, which no export can encode (the build ended in a
    traceback at export): each undecodable byte is written as \\xNN instead, visible and
    reversible (`bytes(..., "latin-1")` of the escapes gives the bytes back)."""
    text = str(path)
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # surrogates that are not escapes of bytes
        return text.encode("utf-8", "replace").decode("utf-8")


def web_url(url: str) -> bool:
    """Only http(s) URLs with a host become schema:url IRIs: a "javascript:" or "data:" URL from
    an input file would be a live link in the page and in any RDF browser. Others are dropped."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


class DroppedUrls:
    """How many input URLs make_paper dropped as not http(s), and the record of the first."""

    def __init__(self) -> None:
        self.count = 0
        self.first: str | None = None


# A context variable, not a parameter: make_paper is called from every reader (plug-ins too),
# and only the build that wants the count (kg.pipeline) sets it, for the time it reads.
_dropped_urls: contextvars.ContextVar[DroppedUrls | None] = contextvars.ContextVar("kg_dropped_urls", default=None)


@contextmanager
def counting_dropped_urls() -> Iterator[DroppedUrls]:
    counter = DroppedUrls()
    token = _dropped_urls.set(counter)
    try:
        yield counter
    finally:
        _dropped_urls.reset(token)


def make_paper(
    title: str,
    abstract: str,
    source: str,
    date: str | None = None,
    urls: Iterable[str] = (),
    authors: Iterable[str] = (),
) -> Paper:
    """Build a Paper from already-cleaned, already-checked fields. Dates and author names
    repeat across a listing's papers: each is held once (sys.intern), 0.2 KB a paper at 1M."""
    urls = list(urls)
    kept = [u for u in urls if web_url(u)]
    counter = _dropped_urls.get()
    if counter is not None and len(kept) < len(urls):
        counter.count += len(urls) - len(kept)
        counter.first = counter.first or source
    return Paper(
        id=paper_id(title),
        title=title,
        abstract=abstract,
        sources=(source,),
        date=date and sys.intern(date),
        urls=dedupe(kept),
        authors=tuple(map(sys.intern, dedupe((a for a in authors if a), key=lambda a: a.casefold()))),
    )


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
