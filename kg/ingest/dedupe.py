"""Merge the same paper read several times (in one listing or across listings).

Two records are the same paper when

* their normalised titles are equal (case-folded, NFKC, "&" read as "and",
  punctuation and whitespace collapsed, spaces then removed, so "Pre-trained"
  equals "Pretrained") and their abstracts agree at least loosely; or
* their titles are near-identical (rapidfuzz ratio >= 90) AND every differing
  word is a spelling variant of its counterpart (no word added or dropped, no
  digits changed, no short word such as "ECA"/"ELA" swapped) AND their
  abstracts agree closely.

This keeps apart "ECA-Net: Efficient Channel Attention ..." and "ELA: Efficient
Local Attention ...", or "... Collocate Neural Modules ..." and "... Collocate
Visual-Linguistic Neural Modules ...". Abstract agreement is measured on word
sequences (rapidfuzz Indel ratio over tokens), where unrelated abstracts from one
field score below ~70 while copies and light revisions score far higher; an
abstract that is a prefix of the other (a truncated copy) agrees too.

Cost stays linear in the number of records however they are arranged (200k copies of one
record, 200k records sharing one title, 200k numbered near-identical titles: see
benchmarks/bench_pathological.py):

* a title with no letters or digits ("!!!???", an emoji-only title) has an empty key and is
  never merged on it: such papers stay distinct;
* an identical abstract is recognised by string equality before any fuzzy scoring;
* a record is fuzzily compared with at most MAX_CANDIDATES papers of one title key: the
  first papers seen with that title. A block of equal titles larger than that can leave a
  late near-copy unmerged; that is the documented price of a bounded cost;
* words containing digits and words shorter than 4 characters must be equal, at the same
  position, for titles_near to hold, so they are part of the fuzzy block key: "Paper 17" and
  "Paper 18" never meet; at most MAX_CANDIDATES distinct titles of a block are verified;
* merged sources/urls/authors accumulate in sets and are joined once at the end (repeated
  tuple unions made 20k copies of a record quadratic).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from kg.records import Paper

from .text import dedupe, nfkc, paper_id

TITLE_RATIO = 90  # near-identical titles (character level, 0..100)
WORD_SIMILARITY = 0.75  # a differing word must be this close to its counterpart
SAME_TITLE_ABSTRACT = 50  # abstract agreement needed when titles are equal
NEAR_TITLE_ABSTRACT = 80  # ... and when titles are only near-identical
_BLOCK = 10  # prefix/suffix length used to find fuzzy candidates
MAX_CANDIDATES = 8  # papers of one title key, and titles of one block, a record is verified against

_WORD = re.compile(r"\w+")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def title_tokens(title: str) -> list[str]:
    return _WORD.findall(nfkc(title).casefold().replace("&", " and "))


def title_key(title: str) -> str:
    """The exact-match key: normalised title with all spaces and punctuation removed."""
    return "".join(title_tokens(title))


def _abstract_tokens(text: str) -> list[str]:
    return _WORD.findall(nfkc(text).casefold())


def abstracts_agree(a: list[str], b: list[str], threshold: float) -> bool:
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 20 and long[: len(short)] == short:
        return True  # a truncated copy
    return fuzz.ratio(a, b, score_cutoff=threshold) >= threshold


def titles_near(a: list[str], b: list[str]) -> bool:
    """Near-identical titles that differ only by spelling of some words."""
    if fuzz.ratio(" ".join(a), " ".join(b)) < TITLE_RATIO:
        return False
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b).as_list():
        if tag == "equal":
            continue
        if tag != "replace" or i2 - i1 != j2 - j1:
            return False  # a word added or dropped
        for x, y in zip(a[i1:i2], b[j1:j2]):
            if any(ch.isdigit() for ch in x + y):
                return False  # v2 vs v3, GPT-2 vs GPT-3
            if min(len(x), len(y)) < 4 or DamerauLevenshtein.normalized_similarity(x, y) < WORD_SIMILARITY:
                return False
    return True


def _earlier(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    if _ISO.match(a) and _ISO.match(b):
        return min(a, b)
    return a  # listing dates such as "Sep 11" carry no year: keep the first


def merge_papers(first: Paper, other: Paper) -> Paper:
    """`first` absorbs `other`: unions of sources/urls/authors, longest abstract."""
    return replace(
        first,
        id=paper_id(first.title),
        abstract=other.abstract if len(other.abstract) > len(first.abstract) else first.abstract,
        sources=dedupe(first.sources + other.sources),
        urls=dedupe(first.urls + other.urls),
        authors=dedupe(first.authors + other.authors, key=lambda s: " ".join(s.casefold().split())),
        date=_earlier(first.date, other.date),
    )


class _Group:
    """A distinct paper and what merged into it. What a merge needs (abstract tokens, the
    unions of sources, urls and authors) is made only when a comparison or a merge needs it:
    most papers are never either, and a dict per field per record was most of this stage's
    memory (2 KB a record)."""

    __slots__ = ("paper", "sources", "urls", "authors", "abstract_text", "date", "_abstract")

    def __init__(self, paper: Paper):
        self.paper = paper
        self._abstract = None  # tokens, kept once a comparison needed them
        self.abstract_text = paper.abstract
        self.date = paper.date
        self.sources = self.urls = self.authors = None  # made by the first absorb

    @property
    def tokens(self) -> list[str]:
        return title_tokens(self.paper.title)

    def _add_authors(self, authors) -> None:
        for a in authors:
            self.authors.setdefault(" ".join(a.casefold().split()), a)

    @property
    def abstract(self) -> list[str]:
        if self._abstract is None:
            self._abstract = _abstract_tokens(self.abstract_text)
        return self._abstract

    def absorb(self, other: Paper) -> None:
        """What merge_papers(self.paper, other) does, in time linear in `other` alone."""
        if self.sources is None:
            p = self.paper
            self.sources, self.urls = dict.fromkeys(p.sources), dict.fromkeys(p.urls)
            # key -> author as first seen, the same key merge_papers uses
            self.authors: dict[str, str] = {}
            self._add_authors(p.authors)
        if len(other.abstract) > len(self.abstract_text):
            self.abstract_text = other.abstract
            self._abstract = None
        self.sources.update(dict.fromkeys(other.sources))
        self.urls.update(dict.fromkeys(other.urls))
        self._add_authors(other.authors)
        self.date = _earlier(self.date, other.date)

    def result(self) -> Paper:
        p = self.paper
        if self.sources is None:
            return p if p.id == paper_id(p.title) else replace(p, id=paper_id(p.title))
        return replace(
            p,
            id=paper_id(p.title),
            abstract=self.abstract_text,
            sources=tuple(self.sources),
            urls=tuple(self.urls),
            authors=tuple(self.authors.values()),
            date=self.date,
        )


def _fixed(tokens: list[str]) -> str:
    """Words titles_near requires to be equal at their position: with digits, or short."""
    # a word of letters only holds no digit: the character test only for the others
    return " ".join(f"{i}={w}" for i, w in enumerate(tokens)
                    if len(w) < 4 or not w.isalpha() and any(c.isdigit() for c in w))


def _blocks(tokens: list[str], key: str) -> tuple[str, str]:
    # titles_near needs equal word counts and equal fixed words, so both are part of the block
    # key: without the count every title ending in "...Recognition" lands in one block, and
    # without the fixed words 200k numbered titles ("Study 1", "Study 2", ...) share one
    n = len(tokens)
    fixed = _fixed(tokens)
    return f"<{n}:{fixed}:{key[:_BLOCK]}", f">{n}:{fixed}:{key[-_BLOCK:]}"


def _near_keys(title: str, blocks: list) -> list[str]:
    """Title keys in the blocks whose title passes titles_near's first test (ratio >=
    TITLE_RATIO), in block order, at most MAX_CANDIDATES. rapidfuzz scores a whole block in C."""
    found: dict[str, None] = {}
    for members in blocks:
        if members:
            keys, titles = members
            hits = process.extract(title, titles, scorer=fuzz.ratio, processor=None, score_cutoff=TITLE_RATIO, limit=None)
            found.update(dict.fromkeys(keys[i] for i in sorted(i for _, _, i in hits)))
    return list(found)[:MAX_CANDIDATES]


def _agrees(group: _Group, paper: Paper, abstract: list[str] | None, threshold: float):
    """(agrees, the record's abstract tokens, made at most once per record)."""
    if group.abstract_text == paper.abstract:
        return True, abstract
    if abstract is None:
        abstract = _abstract_tokens(paper.abstract)
    return abstracts_agree(group.abstract, abstract, threshold), abstract


def merge_duplicates(papers: Iterable[Paper]) -> tuple[list[Paper], int]:
    """Distinct papers in first-seen order, and how many records were merged away."""
    groups: list[_Group] = []
    by_key: dict[str, list[int]] = {}
    by_block: dict[str, tuple[list[str], list[str]]] = {}  # block -> (title keys, titles), one per key
    merged = 0
    for paper in papers:
        tokens = title_tokens(paper.title)
        key = "".join(tokens)
        abstract = None
        match = None
        if key:  # an empty key (no letters or digits) says nothing about identity
            for gi in by_key.get(key, ())[:MAX_CANDIDATES]:
                ok, abstract = _agrees(groups[gi], paper, abstract, SAME_TITLE_ABSTRACT)
                if ok:
                    match = gi
                    break
        if match is None and len(key) >= _BLOCK:
            checked = 0
            for other in _near_keys(" ".join(tokens), [by_block.get(b) for b in _blocks(tokens, key)]):
                if other == key or not titles_near(groups[by_key[other][0]].tokens, tokens):
                    continue
                for gi in by_key[other]:
                    if checked >= MAX_CANDIDATES:
                        break
                    checked += 1
                    ok, abstract = _agrees(groups[gi], paper, abstract, NEAR_TITLE_ABSTRACT)
                    if ok:
                        match = gi
                        break
                if match is not None or checked >= MAX_CANDIDATES:
                    break
        if match is not None:
            groups[match].absorb(paper)
            merged += 1
            continue
        gi = len(groups)
        groups.append(_Group(paper))
        if not key:
            continue
        new_key = key not in by_key
        by_key.setdefault(key, []).append(gi)
        if new_key and len(key) >= _BLOCK:
            title = " ".join(tokens)
            for block in _blocks(tokens, key):
                members = by_block.setdefault(block, ([], []))
                members[0].append(key)
                members[1].append(title)
    return [g.result() for g in groups], merged
