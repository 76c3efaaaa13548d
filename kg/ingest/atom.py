"""arXiv API Atom feeds: entry/title, entry/summary, entry/id (url),
entry/published (date), entry/author/name.

Parsed with defusedxml, fed in chunks, so entries stream out as they close.
Entity declarations (billion laughs), external entities and external DTDs are
refused with an IngestError naming the line, and so are nesting deeper than
MAX_DEPTH, a single tag/comment/declaration longer than MAX_MARKUP_BYTES (expat
would buffer and re-scan it on every feed) and an `encoding=` Python cannot use.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from kg.records import Paper

from .errors import IngestError
from .registry import register_reader
from .text import MAX_FIELD_CHARS, clean_text, make_paper, open_binary

_FIELDS = {"title", "summary", "id", "published", "updated", "name"}
#: deepest element nesting accepted (an Atom feed needs 4); deeper input is refused
#: before expat's and our own tag stacks can grow without bound
MAX_DEPTH = 256
#: longest single tag, comment, processing instruction or DTD accepted, in bytes
MAX_MARKUP_BYTES = 1_000_000


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class _TooDeep(Exception):
    pass


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Target:
    """Collects finished entries; keeps at most MAX_FIELD_CHARS+1 of any text."""

    def __init__(self) -> None:
        self.parser: DefusedXMLParser | None = None
        self.done: list[dict] = []
        self.entry: dict | None = None
        self.stack: list[str] = []
        self.text: list[str] = []
        self.text_len = 0

    def _line(self) -> int:
        return self.parser.parser.CurrentLineNumber if self.parser is not None else 0

    def start(self, tag, attrib):
        if len(self.stack) >= MAX_DEPTH:
            raise _TooDeep()
        local = _local(tag)
        self.stack.append(local)
        if local == "entry":
            self.entry = {"line": self._line(), "authors": [], "too_long": []}
        self.text, self.text_len = [], 0

    def data(self, data):
        if self.entry is not None and self.stack and self.stack[-1] in _FIELDS:
            if self.text_len <= MAX_FIELD_CHARS:
                self.text.append(data[: MAX_FIELD_CHARS + 1])
            self.text_len += len(data)

    def end(self, tag):
        local = _local(tag)
        if self.stack:
            self.stack.pop()
        entry = self.entry
        if entry is None:
            return
        if local == "entry":
            self.done.append(entry)
            self.entry = None
            return
        if local in _FIELDS:
            parent = self.stack[-1] if self.stack else ""
            text = "".join(self.text)
            if self.text_len > MAX_FIELD_CHARS:
                entry["too_long"].append((local, self.text_len))
            elif local == "name" and parent == "author":
                entry["authors"].append(clean_text(text))
            elif parent == "entry" and local not in entry:
                entry[local] = text
        self.text, self.text_len = [], 0

    def close(self):
        return None


def _sniff_atom(head: str) -> bool:
    h = head.lstrip("\ufeff \t\r\n")
    return h.startswith("<") and ("<feed" in h or "<entry" in h or "<?xml" in h)


def _entry_to_paper(entry: dict, display: str) -> Paper | IngestError:
    line = entry["line"]
    if entry["too_long"]:
        name, length = entry["too_long"][0]
        return IngestError(display, f"entry <{name}> is {length} characters long (limit {MAX_FIELD_CHARS})", line)
    title = clean_text(entry.get("title", ""))
    abstract = clean_text(entry.get("summary", ""))
    if "title" not in entry:
        return IngestError(display, "entry has no <title>", line)
    if "summary" not in entry:
        return IngestError(display, f'entry "{title[:60]}" has no <summary>', line)
    if not title:
        return IngestError(display, "entry <title> is empty", line)
    if not abstract:
        return IngestError(display, f'entry "{title[:60]}" has an empty <summary>', line)
    url = clean_text(entry.get("id", ""))
    date = clean_text(entry.get("published", "") or entry.get("updated", "")) or None
    if date and _ISO_DATE.match(date):
        date = date[:10]
    return make_paper(title, abstract, f"{display}:{line}", date, [url] if url else [], entry["authors"])


def _refusal(exc: DefusedXmlException) -> str:
    if isinstance(exc, EntitiesForbidden) and (exc.sysid or exc.pubid):
        return (
            f"XML external entity {exc.name!r} ({exc.sysid or exc.pubid!r}) refused "
            "(external entities are not allowed); rest of file skipped"
        )
    if isinstance(exc, EntitiesForbidden):
        return (
            f"XML entity declaration {exc.name!r} refused (entity expansion such as 'billion laughs' "
            "and external entities are not allowed); rest of file skipped"
        )
    if isinstance(exc, ExternalReferenceForbidden):
        return f"XML external reference {exc.sysid!r} refused; rest of file skipped"
    if isinstance(exc, DTDForbidden):
        return "XML DTD refused; rest of file skipped"
    return f"XML refused: {exc}; rest of file skipped"


@register_reader("atom", extensions=(".xml", ".atom"), sniff=_sniff_atom, priority=30)
def read_atom(path: Path, display: str) -> Iterator[Paper | IngestError]:
    target = _Target()
    parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    target.parser = parser
    seen_entries = 0
    markup_start: int | None = None  # byte offset of a "<" whose ">" has not come yet
    offset = 0
    with open_binary(path, display) as fh:
        while True:
            chunk = fh.read(65536)
            error: IngestError | None = None
            # expat buffers a tag, comment or declaration until it closes and re-scans it on
            # every feed (quadratic); refuse one that grows past the limit
            gt = chunk.rfind(b">")
            if gt >= 0:
                markup_start = None
            lt = chunk.find(b"<", gt + 1)
            if markup_start is None and lt >= 0:
                markup_start = offset + lt
            offset += len(chunk)
            if markup_start is not None and offset - markup_start > MAX_MARKUP_BYTES:
                error = IngestError(
                    display,
                    f"XML tag, comment or declaration longer than {MAX_MARKUP_BYTES} bytes; rest of file skipped",
                    target._line() or None,
                )
            else:
                try:
                    if chunk:
                        parser.feed(chunk)
                    else:
                        parser.close()
                except DefusedXmlException as exc:
                    error = IngestError(display, _refusal(exc), target._line() or None)
                except _TooDeep:
                    error = IngestError(
                        display, f"XML nested more than {MAX_DEPTH} elements deep; rest of file skipped", target._line() or None
                    )
                except (LookupError, ValueError) as exc:
                    # expat asked for an encoding Python does not know, or a multi-byte one it cannot use
                    error = IngestError(display, f"XML declares an encoding that cannot be read ({exc}); rest of file skipped",
                                        target._line() or None)
                except ParseError as exc:
                    line, col = getattr(exc, "position", (None, None))
                    msg = str(exc).split(":")[0]
                    kind = "truncated XML" if not chunk and msg.startswith(("no element found", "unclosed token")) else "malformed XML"
                    error = IngestError(display, f"{kind}: {msg} (column {col}); rest of file skipped", line)
            # entries that closed before an error are still good
            for entry in target.done:
                seen_entries += 1
                yield _entry_to_paper(entry, display)
            target.done.clear()
            if error is not None:
                raise error
            if not chunk:
                break
    if seen_entries == 0:
        yield IngestError(display, "no <entry> elements found")
