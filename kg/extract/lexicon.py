"""Lexicons (data files beside this module) and a longest-match gazetteer over them."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.extract.text import exact_key, name_key, tokens

LEXICON_DIR = Path(__file__).with_name("lexicons")
FILES = {"Method": "method.tsv", "Dataset": "dataset.tsv", "Hardware": "hardware.tsv", "Task": "task.tsv"}


@dataclass(frozen=True)
class Term:
    name: str
    type: str
    aliases: tuple[str, ...]
    wikidata: str = ""


def _case_sensitive(surface: str) -> bool:
    """Short forms with two or more capitals ("SAM", "MoE", "ViT") are acronyms: they
    must match as written, or "sam" and "vit" would match ordinary words."""
    letters = [c for c in surface if c.isalpha()]
    return sum(c.isupper() for c in letters) >= 2 and len(surface) <= 8 or (len(surface) <= 3 and surface.isupper())


def read_terms(directory: Path = LEXICON_DIR) -> list[Term]:
    terms = []
    for type_, filename in FILES.items():
        path = directory / filename
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
                terms.append(Term(row["name"].strip(), type_, aliases, (row.get("wikidata") or "").strip()))
    return terms


class Gazetteer:
    """Finds lexicon terms in text by longest token match on name keys."""

    def __init__(self, terms: list[Term]):
        self.folded: dict[str, Term] = {}
        self.exact: dict[str, Term] = {}
        # first-token key -> token counts of the surfaces starting with it, longest first;
        # only positions whose token starts some surface are tried, which keeps matching fast
        starts: dict[str, set[int]] = {}
        for term in terms:
            for surface in (term.name, *term.aliases):
                if _case_sensitive(surface):
                    self.exact.setdefault(exact_key(surface), term)
                else:
                    self.folded.setdefault(name_key(surface), term)
                # text may split a surface into more tokens than the lexicon does
                # ("common-sense" vs "commonsense"), so allow two extra tokens
                starts.setdefault(_prefix(surface), set()).update(range(1, len(tokens(surface)) + 3))
        self.starts = {k: sorted(v, reverse=True) for k, v in starts.items()}

    def lookup(self, surface: str) -> Term | None:
        term = self.exact.get(exact_key(surface))
        if term is not None:
            return term
        term = self.folded.get(name_key(surface))
        if term is not None and surface.isupper() and len(surface) <= 8 and _case_sensitive(surface):
            return None  # an all-caps acronym must match an acronym, not a word ("SAM" is not "sam")
        return term

    def find(self, text: str) -> list[tuple[int, int, Term]]:
        """Non-overlapping (start, end, term) matches, longest first, left to right."""
        toks = tokens(text)
        found = []
        i = 0
        while i < len(toks):
            key = name_key(text[toks[i][0]:toks[min(i + 2, len(toks) - 1)][1]] + "##")
            lengths = sorted({n for k in range(2, _PREFIX_CHARS + 1) for n in self.starts.get(key[:k], ())}, reverse=True)
            matched = False
            for n in lengths or ():
                j = i + n - 1
                if j >= len(toks) or (n > 1 and not _joinable(text, toks[i:j + 1])):
                    continue
                start, end = toks[i][0], toks[j][1]
                term = self.lookup(text[start:end])
                if term is not None:
                    found.append((start, end, term))
                    i = j + 1
                    matched = True
                    break
            if not matched:
                i += 1
        return found


_PREFIX_CHARS = 4


def _prefix(text: str) -> str:
    """First characters of a surface with separators removed: the gazetteer's index key."""
    key = name_key(text)
    return key[:_PREFIX_CHARS]


def _joinable(text: str, toks: list[tuple[int, int]]) -> bool:
    """Tokens form one name only if separated by a single space, hyphen or dot."""
    for (_, e1), (s2, _) in zip(toks, toks[1:]):
        gap = text[e1:s2]
        if gap not in (" ", "-", ".", "‐", "–") :
            return False
    return True


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer(read_terms())
