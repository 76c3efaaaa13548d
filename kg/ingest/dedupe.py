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
    return fuzz.ratio(a, b) >= threshold


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
    """A distinct paper; abstract tokens are made only when a comparison needs them, so
    memory stays with the papers, not with a token list per abstract."""

    __slots__ = ("paper", "tokens")

    def __init__(self, paper: Paper, tokens: list[str]):
        self.paper = paper
        self.tokens = tokens

    @property
    def abstract(self) -> list[str]:
        return _abstract_tokens(self.paper.abstract)


def _blocks(tokens: list[str], key: str) -> tuple[str, str]:
    # titles_near needs equal word counts, so the count is part of the block key: without it
    # every title ending in "...Recognition" lands in one block and matching grows quadratically
    n = len(tokens)
    return f"<{n}:{key[:_BLOCK]}", f">{n}:{key[-_BLOCK:]}"


def _near_titles(title: str, blocks: list) -> list[int]:
    """Groups in the blocks whose title passes titles_near's first test (ratio >= TITLE_RATIO),
    in block order. rapidfuzz scores a whole block in C: on a million titles blocks hold
    hundreds, and scoring them one by one in Python made de-duplication quadratic in practice."""
    found: dict[int, None] = {}
    for members in blocks:
        if members:
            indices, titles = members
            hits = process.extract(title, titles, scorer=fuzz.ratio, processor=None, score_cutoff=TITLE_RATIO, limit=None)
            found.update(dict.fromkeys(sorted(indices[i] for _, _, i in hits)))
    return list(found)


def merge_duplicates(papers: Iterable[Paper]) -> tuple[list[Paper], int]:
    """Distinct papers in first-seen order, and how many records were merged away."""
    groups: list[_Group] = []
    by_key: dict[str, list[int]] = {}
    by_block: dict[str, tuple[list[int], list[str]]] = {}  # block -> (group indices, titles)
    merged = 0
    for paper in papers:
        tokens = title_tokens(paper.title)
        key = "".join(tokens)
        abstract = None
        match = None
        for gi in by_key.get(key, ()):
            abstract = abstract or _abstract_tokens(paper.abstract)
            if abstracts_agree(groups[gi].abstract, abstract, SAME_TITLE_ABSTRACT):
                match = gi
                break
        if match is None and len(key) >= _BLOCK:
            for gi in _near_titles(" ".join(tokens), [by_block.get(b) for b in _blocks(tokens, key)]):
                g = groups[gi]
                if "".join(g.tokens) != key and titles_near(g.tokens, tokens):
                    abstract = abstract or _abstract_tokens(paper.abstract)
                    if abstracts_agree(g.abstract, abstract, NEAR_TITLE_ABSTRACT):
                        match = gi
                        break
        if match is not None:
            groups[match].paper = merge_papers(groups[match].paper, paper)
            merged += 1
            continue
        gi = len(groups)
        groups.append(_Group(paper, tokens))
        by_key.setdefault(key, []).append(gi)
        if len(key) >= _BLOCK:
            title = " ".join(tokens)
            for block in _blocks(tokens, key):
                members = by_block.setdefault(block, ([], []))
                members[0].append(gi)
                members[1].append(title)
    out = []
    for g in groups:
        p = g.paper
        out.append(p if p.id == paper_id(p.title) else replace(p, id=paper_id(p.title)))
    return out, merged
