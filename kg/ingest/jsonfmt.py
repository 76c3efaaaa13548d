"""JSON Lines and JSON readers.

Records carry `title`, `abstract` and optionally `id`, `url` (or `urls`), `date`,
`authors` (a list of names, or one string "A; B" / "A, B and C").

JSON Lines is read line by line: a broken line is one error and reading goes
on. A JSON document (an array, or an object whose first key is "papers") is
streamed element by element with `json.JSONDecoder.raw_decode`, so a large
array never sits in memory whole; a syntax error there ends the file, since
there is no safe place to resume.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

from kg.records import Paper

from .errors import IngestError
from .fields import record_to_paper
from .registry import register_reader
from .text import MAX_LINE_CHARS, Overlong, TextSource

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")
_PAPERS_KEY = re.compile(r'\{\s*"papers"\s*:\s*\[')


def _first_line(head: str) -> str:
    for line in head.lstrip("\ufeff").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _sniff_jsonl(head: str) -> bool:
    first = _first_line(head)
    if not first.startswith("{"):
        return False
    try:
        obj = json.loads(first)
    except ValueError:
        return False
    # a one-line {"papers": [...]} document is JSON, not JSON Lines
    return isinstance(obj, dict) and not (isinstance(obj.get("papers"), list) and "title" not in obj)


def _sniff_json(head: str) -> bool:
    return head.lstrip("\ufeff \t\r\n").startswith(("[", "{"))


@register_reader("jsonl", extensions=(".jsonl", ".ndjson", ".jsonlines"), sniff=_sniff_jsonl, priority=20)
def read_jsonl(path: Path, display: str) -> Iterator[Paper | IngestError]:
    with TextSource(path, display) as src:
        for lineno, line in src.lines(limit=MAX_LINE_CHARS):
            if isinstance(line, Overlong):
                yield IngestError(display, f"record is {line.chars} characters long (limit {MAX_LINE_CHARS}); skipped", lineno)
                continue
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                yield IngestError(display, f"invalid JSON: {exc.msg} (column {exc.colno})", lineno)
                continue
            except RecursionError:
                yield IngestError(display, "invalid JSON: nested too deeply", lineno)
                continue
            yield record_to_paper(rec, display, lineno)


class _Stream:
    """A sliding window over text chunks that tracks line numbers."""

    def __init__(self, chunks: Iterator[str]):
        self.chunks = chunks
        self.buf = ""
        self.pos = 0
        self.line = 1  # line number at self.pos
        self.eof = False

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = next(self.chunks, None)
        if chunk is None:
            self.eof = True
            return False
        # drop consumed text so the window stays small
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def advance(self, to: int) -> None:
        self.line += self.buf.count("\n", self.pos, to)
        self.pos = to

    def skip_ws(self) -> str:
        """Skip whitespace; return the next character ('' at end of input)."""
        while True:
            m = _WS.match(self.buf, self.pos)
            self.advance(m.end())
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def line_at(self, index: int) -> int:
        return self.line + self.buf.count("\n", self.pos, index)


def _msg(exc: json.JSONDecodeError) -> str:
    """json's message without its dangling "at" (the position is reported separately)."""
    msg = exc.msg
    return msg[:-3] if msg.endswith(" at") else msg


def _needs_more(exc: json.JSONDecodeError, buf: str) -> bool:
    return exc.msg.startswith("Unterminated string") or exc.pos >= len(buf) - 8


def _iter_array(s: _Stream, display: str) -> Iterator[tuple[int, object] | IngestError]:
    """Yield (line, element) for each element of the array whose '[' is at s.pos."""
    s.advance(s.pos + 1)
    first = True
    while True:
        c = s.skip_ws()
        if c == "":
            raise IngestError(display, "truncated JSON: the array is not closed; rest of file skipped", s.line)
        if c == "]":
            s.advance(s.pos + 1)
            return
        if not first:
            if c != ",":
                raise IngestError(display, f"invalid JSON: expected ',' or ']' but found {c!r}; rest of file skipped", s.line)
            s.advance(s.pos + 1)
            c = s.skip_ws()
            if c == "":
                raise IngestError(display, "truncated JSON: the array is not closed; rest of file skipped", s.line)
        first = False
        while True:
            try:
                value, end = _DECODER.raw_decode(s.buf, s.pos)
                break
            except json.JSONDecodeError as exc:
                if _needs_more(exc, s.buf) and len(s.buf) - s.pos <= MAX_LINE_CHARS and s.more():
                    continue
                if len(s.buf) - s.pos > MAX_LINE_CHARS:
                    raise IngestError(
                        display, f"record is longer than {MAX_LINE_CHARS} characters; rest of file skipped", s.line
                    ) from None
                what = "truncated JSON" if s.eof and _needs_more(exc, s.buf) else "invalid JSON"
                raise IngestError(display, f"{what}: {_msg(exc)}; rest of file skipped", s.line_at(exc.pos)) from None
            except RecursionError:
                raise IngestError(display, "invalid JSON: nested too deeply; rest of file skipped", s.line) from None
        line = s.line
        s.advance(end)
        yield line, value


@register_reader("json", extensions=(".json",), sniff=_sniff_json, priority=10)
def read_json(path: Path, display: str) -> Iterator[Paper | IngestError]:
    """A JSON array of records, or {"papers": [records...]}."""
    with TextSource(path, display) as src:
        s = _Stream(src.chunks())
        c = s.skip_ws()
        if c == "[":
            pass
        elif c == "{":
            while len(s.buf) - s.pos < 4096 and s.more():
                pass
            m = _PAPERS_KEY.match(s.buf, s.pos)
            if m is None:
                yield from _read_whole_object(s, display)
                return
            s.advance(m.end() - 1)
        else:
            raise IngestError(display, 'not a JSON array or {"papers": [...]} object', s.line)
        for line, rec in _iter_array(s, display):
            yield record_to_paper(rec, display, line)


def _read_whole_object(s: _Stream, display: str) -> Iterator[Paper | IngestError]:
    """An object where "papers" is not the first key: parse it whole (bounded)."""
    while s.more():
        if len(s.buf) > 50 * MAX_LINE_CHARS:
            raise IngestError(display, '"papers" must be the first key of a large JSON object')
    try:
        doc = json.loads(s.buf[s.pos :])
    except json.JSONDecodeError as exc:
        raise IngestError(display, f"invalid JSON: {_msg(exc)}", s.line_at(s.pos + exc.pos)) from None
    except RecursionError:
        raise IngestError(display, "invalid JSON: nested too deeply", s.line) from None
    papers = doc.get("papers") if isinstance(doc, dict) else None
    if not isinstance(papers, list):
        raise IngestError(display, 'JSON object has no "papers" list', 1)
    for i, rec in enumerate(papers):
        yield record_to_paper(rec, display, f"papers[{i}]")
