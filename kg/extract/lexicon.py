"""Lexicons (data files beside this module) and a longest-match gazetteer over them."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.extract.text import _SEPARATORS, TOKEN, depluralize, exact_key, fold, name_key, tokens

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


def _capitals(surface: str) -> int:
    return sum(map(str.isupper, surface))


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
    """Finds lexicon terms in text by longest token match on name keys.

    Keys are built token by token and extended only while they are a prefix of some
    lexicon key, so matching costs a few dictionary lookups per token.
    """

    def __init__(self, terms: list[Term]):
        self.folded: dict[str, Term] = {}
        self.exact: dict[str, Term] = {}
        self.folded_prefixes: set[str] = set()
        self.exact_prefixes: set[str] = set()
        self.min_caps: dict[str, int] = {}
        for term in terms:
            for surface in (term.name, *term.aliases):
                if _case_sensitive(surface):
                    self.exact.setdefault(exact_key(surface), term)
                    raw = _SEPARATORS.sub("", surface)
                    self.exact_prefixes.update(raw[:n] for n in range(1, len(raw) + 1))
                else:
                    key = name_key(surface)
                    self.folded.setdefault(key, term)
                    # "MultiPL-E" must not match "multiple": a name written with several
                    # capitals needs several capitals in the text too
                    self.min_caps[key] = min(self.min_caps.get(key, 9), 2 if _capitals(surface) >= 2 else 0)
                    raw = fold(surface)
                    self.folded_prefixes.update(raw[:n] for n in range(1, len(raw) + 1))

    def lookup(self, surface: str) -> Term | None:
        term = self.exact.get(exact_key(surface))
        if term is not None:
            return term
        key = name_key(surface)
        term = self.folded.get(key)
        if term is not None and surface.isupper() and len(surface) <= 8 and _case_sensitive(surface):
            return None  # an all-caps acronym must match an acronym, not a word ("SAM" is not "sam")
        if term is not None and _capitals(surface) < self.min_caps.get(key, 0):
            return None
        return term

    def find(self, text: str) -> list[tuple[int, int, Term]]:
        """Non-overlapping (start, end, term) matches, longest first, left to right."""
        toks = tokens(text)
        n = len(toks)
        words = TOKEN.findall(text)
        if text.isascii():  # then a token's fold is its lower case, and offsets survive lower()
            lower = text.lower()
            folded = [lower[a:b] for a, b in toks]
        else:
            folded = [fold(w) for w in words]
        folded_prefixes, exact_prefixes = self.folded_prefixes, self.exact_prefixes
        folded_keys, exact_keys = self.folded, self.exact
        found = []
        i = 0
        while i < n:
            # most words start no lexicon name: reject them before building any key
            if folded[i] not in folded_prefixes and words[i] not in exact_prefixes \
                    and depluralize(folded[i]) not in folded_keys and exact_key(words[i]) not in exact_keys:
                i += 1
                continue
            best = None
            acc_f = acc_e = ""
            live_f = live_e = True
            for j in range(i, n):
                if j > i and text[toks[j - 1][1]:toks[j][0]] not in _GAPS:
                    break
                if live_f:
                    acc_f += folded[j]
                    singular = depluralize(acc_f)
                    live_f = acc_f in folded_prefixes or singular in folded_keys
                if live_e:
                    acc_e += words[j]  # tokens hold no separators, so this is the exact key's text
                    live_e = acc_e in exact_prefixes or exact_key(acc_e) in exact_keys
                if not (live_f or live_e):
                    break
                if (live_f and singular in folded_keys) or (live_e and exact_key(acc_e) in exact_keys):
                    term = self.lookup(text[toks[i][0]:toks[j][1]])
                    if term is not None:
                        best = (toks[i][0], toks[j][1], term, j)
            if best is None:
                i += 1
            else:
                found.append(best[:3])
                i = best[3] + 1
        return found


_GAPS = frozenset((" ", "-", ".", "‐", "–"))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer(read_terms())
