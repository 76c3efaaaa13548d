"""Lexicons (data files beside this module) and a longest-match gazetteer over them."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import or_
from pathlib import Path

from kg.extract.text import _SEPARATORS, depluralize, exact_key, fold, name_key, token_parts
from kg.schema import ENTITY_TYPES, KINDS

LEXICON_DIR = Path(__file__).with_name("lexicons")
FILES = {k.name: f"{k.namespace}.tsv" for k in KINDS if k.name in ENTITY_TYPES}  # lexicons/method.tsv, ...


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
        self.min_caps: dict[str, int] = {}
        folded_prefixes: set[str] = set()
        exact_prefixes: set[str] = set()
        for term in terms:
            for surface in (term.name, *term.aliases):
                if _case_sensitive(surface):
                    self.exact.setdefault(exact_key(surface), term)
                    raw = _SEPARATORS.sub("", surface)
                    exact_prefixes.update(raw[:n] for n in range(1, len(raw) + 1))
                else:
                    key = name_key(surface)
                    self.folded.setdefault(key, term)
                    # "MultiPL-E" must not match "multiple": a name written with several
                    # capitals needs several capitals in the text too
                    self.min_caps[key] = min(self.min_caps.get(key, 9), 2 if _capitals(surface) >= 2 else 0)
                    raw = fold(surface)
                    folded_prefixes.update(raw[:n] for n in range(1, len(raw) + 1))
        # texts whose key names a term: the key itself and its plural ("gans" -> "gan")
        self.folded_names = {x for k in self.folded for x in (k, k + "s") if depluralize(x) in self.folded}
        self.exact_names = {x for k in self.exact for x in (k, k + "s") if exact_key(x) in self.exact}
        # a key is worth extending while it is a name or the prefix of one
        self.folded_live = folded_prefixes | self.folded_names
        self.exact_live = exact_prefixes | self.exact_names
        self._looked_up: dict[str, Term | None] = {}

    def lookup(self, surface: str) -> Term | None:
        """The term `surface` names, if any (memoised: every generator asks about the phrases
        it builds, and the same surfaces come back sentence after sentence)."""
        try:
            return self._looked_up[surface]
        except KeyError:
            pass
        if len(self._looked_up) >= 1 << 16:
            self._looked_up.clear()
        term = self._looked_up[surface] = self._lookup(surface)
        return term

    def _lookup(self, surface: str) -> Term | None:
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
        toks, words, lows, gaps = token_parts(text)
        n = len(toks)
        # in ASCII text a token's fold is its lower case
        folded = lows if text.isascii() else [fold(w) for w in words]
        folded_live, exact_live = self.folded_live, self.exact_live
        folded_names, exact_names = self.folded_names, self.exact_names
        found = []
        resume = 0  # matches do not overlap: the next one starts after the last one's end
        # most words start no lexicon name: only those that do enter the longest-match loop
        live = map(or_, map(folded_live.__contains__, folded), map(exact_live.__contains__, words))
        for i in compress(range(n), live):
            if i < resume:
                continue
            acc_f, acc_e = folded[i], words[i]
            live_f, live_e = acc_f in folded_live, acc_e in exact_live
            # half the words are live ("the" begins "thermal ..."), but few are a name or go on
            # to a live two-word key: the others would end the loop below with nothing found
            if not (live_f and acc_f in folded_names or live_e and acc_e in exact_names) and (
                    i + 1 == n or gaps[i] not in _GAPS
                    or not (live_f and acc_f + folded[i + 1] in folded_live or live_e and acc_e + words[i + 1] in exact_live)):
                continue
            best = None
            j = i
            while True:  # j: the last token of the key tried; i's own token is live by the filter
                if (live_f and acc_f in folded_names) or (live_e and acc_e in exact_names):
                    term = self.lookup(text[toks[i][0]:toks[j][1]])
                    if term is not None:
                        best = (toks[i][0], toks[j][1], term, j)
                j += 1
                if j == n or gaps[j - 1] not in _GAPS:
                    break
                if live_f:
                    acc_f += folded[j]
                    live_f = acc_f in folded_live
                if live_e:
                    acc_e += words[j]  # tokens hold no separators, so this is the exact key's text
                    live_e = acc_e in exact_live
                if not (live_f or live_e):
                    break
            if best is not None:
                found.append(best[:3])
                resume = best[3] + 1
        return found


_GAPS = frozenset((" ", "-", ".", "‐", "–"))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer(read_terms())
