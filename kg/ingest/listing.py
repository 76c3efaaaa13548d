"""The daily-papers listing: plain text scraped from a listing page.

Two layouts occur, and may mix in one file:

* blank-line separated: title line, blank, abstract paragraph, blank, ...
* compact: title line, abstract line, title line, ... with no blank lines.

Page furniture ("Subscribe", "Daily Papers", "byAK and the research community",
listing dates such as "Sep 11") is not a paper; it may even be glued to the
first title ("SubscribeSome Title"). A listing date applies to the papers below
it until the next date. Lines are classified one by one: an abstract is long and
made of sentences, a title is short and usually has no final period; when a
title is waiting for its abstract the bar for "abstract" is lower.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from kg.records import Paper

from .errors import IngestError
from .registry import register_reader
from .text import MAX_FIELD_CHARS, Overlong, TextSource, clean_text, make_paper

_MONTHS = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE_LINE = re.compile(rf"^{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?$|^\d{{4}}-\d{{2}}-\d{{2}}$", re.I)
_GLUED_DATE = re.compile(rf"^({_MONTHS}\s+\d{{1,2}}(?:,\s+\d{{4}})?)(?=[A-Z][a-z])")

#: whole lines that are page furniture (compared case-folded)
FURNITURE = frozenset(
    s.casefold()
    for s in (
        "new",
        "subscribe",
        "daily papers",
        "trending papers",
        "byak and the research community",
        "by ak and the research community",
        "papers",
        "upvote",
        "submit",
        "submitted by",
        "previous",
        "next",
        "load more",
        "view all",
        "see all",
    )
)
#: the newsletter banner, in its short and long forms
_TRENDING = r"get trending papers in your email inbox(?: once a day)?"
_FURNITURE_RE = re.compile(
    rf"^(?:\d+|upvote\s*\d+|\d+\s*upvotes?|submitted by\s.*|page \d+( of \d+)?|{_TRENDING}!?)$", re.I)
_GLUED_TRENDING = re.compile(rf"{_TRENDING}!", re.I)

#: furniture that may be glued to the start of the next title, e.g. "SubscribeA Title"
GLUED_PREFIXES = (
    "byAK and the research community",
    "Daily Papers",
    "Subscribe",
)

_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9]|\s*$)")


def is_furniture(line: str) -> bool:
    s = line.strip()
    return s.casefold() in FURNITURE or bool(DATE_LINE.match(s)) or bool(_FURNITURE_RE.match(s))


def strip_glued_furniture(line: str) -> tuple[str, str | None]:
    """Remove furniture glued to the front of a line; returns (rest, listing date or None)."""
    date = None
    changed = True
    while changed and line:
        changed = False
        banner = _GLUED_TRENDING.match(line)
        if banner and len(line) > banner.end():
            line = line[banner.end():].lstrip()
            changed = True
            continue
        for prefix in GLUED_PREFIXES:
            if line.startswith(prefix) and len(line) > len(prefix):
                rest = line[len(prefix) :]
                if prefix.endswith("!") or rest[0].isupper() or rest[0].isdigit():
                    line = rest.lstrip()
                    changed = True
                    break
        m = _GLUED_DATE.match(line)
        if m:
            date = m.group(1)
            line = line[m.end() :]
            changed = True
    return line, date


def looks_like_abstract(line: str, after_title: bool) -> bool:
    """Is `line` an abstract rather than a title? `after_title`: a title awaits its abstract."""
    n = len(line)
    if n >= 250:
        return True
    words = len(line.split())
    sentences = len(_SENTENCE_END.findall(line))
    if after_title:
        ends_like_prose = line.rstrip().endswith((".", "!", ")", '."', ".)"))
        return words >= 12 and (ends_like_prose or sentences >= 2)
    return words >= 25 and sentences >= 2


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _listing_sniff(head: str) -> bool:
    return True  # any text: the fallback reader


@register_reader("listing", extensions=(".txt", ".listing"), sniff=_listing_sniff, priority=-100)
def read_listing(path: Path, display: str) -> Iterator[Paper | IngestError]:
    """Yield papers of one listing file; see the module docstring for the layout.

    A paper is held back until the next title (or the end of the file), so an
    abstract printed as several paragraphs is joined into one.
    """
    date: str | None = None
    pending: tuple[int, str, str | None] | None = None  # a title awaiting its abstract: (line, title, date)
    held: list | None = None  # the last complete paper: [line, title, date, abstract]
    seen_content = False

    def release() -> Iterator[Paper]:
        nonlocal held
        if held is not None:
            t_line, title, t_date, abstract = held
            held = None
            yield make_paper(title, abstract, f"{display}:{t_line}", t_date)

    def too_long(chars: int, lineno: int) -> IngestError:
        if pending is not None:
            what = f'abstract of "{_short(pending[1])}" (line {pending[0]})'
        elif held is not None:
            what = f'abstract of "{_short(held[1])}" (line {held[0]})'
        else:
            what = "line"
        return IngestError(display, f"{what} is {chars} characters long (limit {MAX_FIELD_CHARS}); record skipped", lineno)

    with TextSource(path, display) as src:
        for lineno, raw in src.lines(limit=4 * MAX_FIELD_CHARS):
            if isinstance(raw, Overlong):
                if pending is None:
                    yield from release()  # keep the paper before it
                yield too_long(raw.chars, lineno)
                pending = None
                continue
            line = clean_text(raw)
            if not line:
                continue
            if not looks_like_abstract(line, after_title=pending is not None):
                # furniture glued to a title: "SubscribeSome Title", "Sep 11Some Title"
                line, glued_date = strip_glued_furniture(line)
                if glued_date:
                    date = glued_date
                if not line:
                    continue
            if is_furniture(line):
                if DATE_LINE.match(line):
                    date = line
                yield from release()  # furniture ends any abstract
                continue
            seen_content = True
            if looks_like_abstract(line, after_title=pending is not None):
                if pending is not None:
                    yield from release()
                    held = [pending[0], pending[1], pending[2], line]
                    pending = None
                elif held is not None:
                    held[3] = f"{held[3]} {line}"  # a further paragraph of the same abstract
                else:
                    yield IngestError(display, f'text without a title: "{_short(line)}"', lineno)
                    continue
                if len(held[3]) > MAX_FIELD_CHARS:
                    yield too_long(len(held[3]), lineno)
                    held = None
            else:
                yield from release()
                if pending is not None:
                    yield IngestError(display, f'title "{_short(pending[1])}" has no abstract; skipped', pending[0])
                pending = (lineno, line, date)
    yield from release()
    if pending is not None:
        yield IngestError(display, f'title "{_short(pending[1])}" has no abstract (end of file); skipped', pending[0])
    elif not seen_content:
        yield IngestError(display, "no papers: the file holds only page furniture")
