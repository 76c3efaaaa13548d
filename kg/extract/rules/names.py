"""Candidates that look like names: title names, coined words, names found again."""
from __future__ import annotations

import re

from kg.extract.abbrev import best_long_form
from kg.extract.rules.base import (
    Candidate, _clean_name, _drop_parts, _inside_url, _is_coined, _singular, _spans_in, may_hold_url,
)
from kg.extract.rules.cues import AFFIX_WORDS, MAYBE_COINED, NAME_SUFFIX, _NAME_TOKEN
from kg.extract.rules.vocab import METHOD_HEAD_STEMS, NOT_NAMES, STOPWORDS, TITLE_LINKS, VAGUE
from kg.extract.text import Sentence, name_key


class CoinedNames:
    """New names: a title's "Name: subtitle", its opening phrase, coined words."""

    def _title_name(self, sents, cands) -> None:
        """"Name: subtitle" titles name what the paper proposes."""
        if not sents or not sents[0].is_title:
            return
        title = sents[0].text
        m = re.match(r"^\s*([^:]{2,40}?)\s*:\s+(.+)$", title)
        if not m:
            self._title_phrase(title, cands)
            return
        head, rest = m.group(1).strip(), m.group(2)
        acr = re.match(r"^(.*?)\s*\(([^)]+)\)$", head)
        alias = None
        if acr:
            head, alias = acr.group(1).strip(), acr.group(2).strip()
        head = _clean_name(head)
        if len(head.split()) > 4 or not any(c.isupper() or c.isdigit() for c in head[1:]) and len(head.split()) > 1:
            return
        if len(head.split()) > 1 and head.split()[-1].lower().endswith("ed"):
            return  # "X Revisited: ...", "Y Explained: ..." name a topic, not a method
        if head.split()[0].lower() in {"towards", "toward", "on", "beyond", "rethinking", "revisiting", "when", "why", "what", "how", "is", "are", "do", "does", "can"}:
            return
        type_ = "Dataset" if re.search(r"\b(?:dataset|benchmark|corpus)\b", rest[:60], re.I) else "Method"
        term = self.gazetteer.lookup(head)
        if term is not None and term.type != type_:
            return
        cand = self._add(cands, head, type_, "title-name", 0, alias=alias)
        cand.proposed_by, cand.proposed_sentence = "title-name", 0
        # "X: A Long Form Name for ..." where the long form spells X's initials
        lf = re.match(r"^(?:an?|the)\s+(.+?)(?:\s+(?:for|with|via|on|in|to|using|based|that)\b|[,:]|$)", rest, re.I)
        if lf:
            letters = re.sub(r"[^A-Za-z]", "", head.split("-")[0])
            if len(letters) >= 2 and best_long_form(letters, lf.group(1)) == lf.group(1):
                cand.aliases.add(lf.group(1))

    def _title_phrase(self, title: str, cands) -> None:
        """"Stacked Tensor Networks for PDE Solving": a title that opens with a new descriptive
        method name before "for" / "with" / "via" proposes it."""
        all_words = title.split()
        cut = next((k for k, w in enumerate(all_words) if w.lower() in STOPWORDS), len(all_words))
        if not 2 <= cut <= 5 or cut == len(all_words) or all_words[cut].lower() not in TITLE_LINKS:
            return
        words = all_words[:cut]
        phrase = " ".join(words)
        last = words[-1].lower()
        known_last = self.gazetteer.lookup(words[-1])
        if len(words) < 2 or last.rstrip("s") not in METHOD_HEAD_STEMS and not (
                known_last is not None and known_last.type == "Method"):
            return  # "Dynamic Perceiver for ...": a modifier on a known model names a new one
        if words[0].lower() in STOPWORDS or words[0].lower() in {"towards", "toward", "on", "rethinking", "revisiting", "learning", "understanding", "exploring", "improving"}:
            return
        if self.gazetteer.lookup(phrase) is not None or name_key(phrase) in VAGUE:
            return
        name = _singular(phrase)
        cand = self._find(cands, name) or self._add(cands, name, "Method", "title-phrase", 0, (0, len(phrase)), alias=phrase)
        if cand.type == "Method" and not cand.proposed_by:
            cand.proposed_by, cand.proposed_sentence = "title-phrase", 0
        _drop_parts(cands, 0, 0, len(phrase), ("lexicon",))  # the known name was only part of the new one

    def _known_names(self, s: Sentence, i: int, introduced: list[Candidate]) -> None:
        """Names this paper introduced (in its title or a definition: the title-name,
        abbreviation and title-phrase candidates of several words) found again in the text,
        so "Spiking LatticeNet" is read whole and not as the LatticeNet inside it."""
        if s.is_title:
            return
        for c in introduced:
            if c.name not in s.text:
                continue  # the substring test spares the regex on almost every sentence
            name, at = c.name, s.text.find(c.name)
            while at >= 0:  # the non-overlapping matches re.finditer of the escaped name finds
                if (i, at, at + len(name)) not in c.spans:
                    c.spans.append((i, at, at + len(name)))
                at = s.text.find(name, at + len(name))

    def _coined(self, s: Sentence, i: int, cands, abbrevs) -> None:
        text = s.text
        if not MAYBE_COINED.search(text):
            return
        url = may_hold_url(text)
        here = None  # spans in this sentence, gathered at the first coined word, kept up to date below
        # a lower-case word (the common case) is never coined, and the strip keeps it lower
        for m in [m for m in _NAME_TOKEN.finditer(text) if not m.group().islower()]:
            word = m.group().rstrip(".-")
            if not _is_coined(word) or word in NOT_NAMES or word.rstrip("s") in NOT_NAMES or AFFIX_WORDS.search(word):
                continue
            if url and _inside_url(text, m.start()):
                continue
            suffix = NAME_SUFFIX.match(text, m.start() + len(word))
            if suffix:
                word = word + suffix.group()  # "RT-X Net", "Gamba Cell"
            wstart, wend = m.start(), m.start() + len(word)
            if here is None:
                here = _spans_in(cands, i)
            if any(a <= wstart and wend <= b and (a, b) != (wstart, wend) for a, b in here):
                continue  # part of a longer name found already ("Town05" in "Town05 Long")
            if self._find(cands, word) is not None:
                here.append((wstart, wend))  # as _add records it
                self._add(cands, word, "Method", "coined-name", i, (m.start(), m.start() + len(word)))
                continue
            if re.fullmatch(r"[A-Z]{1,2}\d*|\d+[A-Za-z]{0,2}|[A-Z]\d+[a-z]?|\d+(?:\.\d+)?[xX%]?", word):
                continue
            if re.fullmatch(r"\d+[A-Za-z]+|[A-Za-z]+\d+[KMB]?", word) and any(c.isdigit() for c in word[:1]):
                continue
            term = self.gazetteer.lookup(word)
            if term is not None:
                continue
            rule = "acronym" if word.isupper() else "coined-name"
            type_ = "Method"
            after = s.text[m.end(): m.end() + 30].lower()
            if re.match(r"\s*(?:dataset|benchmark|corpus)\b", after):
                type_ = "Dataset"
            here.append((wstart, wend))
            self._add(cands, word, type_, rule, i, (wstart, wend))
