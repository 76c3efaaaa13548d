"""Descriptive candidates: head-noun phrases and the method, task and dataset lists."""
from __future__ import annotations

import re
from itertools import compress

from kg.extract.rules.base import (
    HEAD_WORDS, _drop_parts, _generic, _head_type, _is_coined, _singular, _spans, _spans_in, _strip_generic,
)
from kg.extract.rules.cues import CLAUSE_BREAK, COMPARED_FAMILY, DATASET_LISTS, NEW_BEFORE, TASK_LIST, WIN_CUE
from kg.extract.rules.vocab import GENERIC_MODIFIERS, STOPWORDS, TRAILING_PARTS, VAGUE
from kg.extract.text import Sentence, name_key, token_parts


class HeadNouns:
    """Phrases typed by their head word, and the items of compared or listed families."""

    def _head_nouns(self, s: Sentence, i: int, cands) -> None:
        """Descriptive names: up to three content modifiers before a task, method or dataset head."""
        text = s.text
        toks, words, lows, _ = token_parts(text)
        here = None
        for j in compress(range(len(lows)), map(HEAD_WORDS.__contains__, lows)):
            type_ = _head_type(words[j])
            k = j
            while k > 0 and j - k < 3:
                prev = words[k - 1]
                gap = s.text[toks[k - 1][1]: toks[k][0]]
                low = prev.lower()
                if gap not in (" ", "-") or not prev[0].isalpha():
                    break
                if gap == " " and (low in GENERIC_MODIFIERS or low in STOPWORDS):
                    break
                if low.endswith("ly") or (type_ == "Task" and low.endswith("ed") and "-" not in low):
                    break  # "reported ASD diagnosis": a participle is prose, not part of the name
                k -= 1
            if k == j:
                continue
            start, end = toks[k][0], toks[j][1]
            short_end = end
            if type_ == "Method" and j + 1 < len(words) and words[j + 1].lower() in TRAILING_PARTS \
                    and s.text[end:toks[j + 1][0]] == " ":
                end = toks[j + 1][1]  # "neural long-term memory module": keep the part word, alias without it
            if type_ == "Dataset":
                # "the X dataset": the name is X, written with capitals or digits
                while k < j - 1 and not any(c.isupper() or c.isdigit() for c in words[k]):
                    k += 1  # dataset names start at their first capitalised word
                start = toks[k][0]
                name = s.text[start: toks[j - 1][1]]
                if not any(c.isupper() or c.isdigit() for c in words[k]):
                    continue
                if s.is_title and not _is_coined(name.split()[0]):
                    continue  # title case capitalises every word: "High-Dimensional Datasets" is no name
                if self.gazetteer.lookup(name):
                    continue
                if here is not None:
                    here.append((start, toks[j - 1][1]))
                self._add(cands, name, "Dataset", "dataset-head", i, (start, toks[j - 1][1]), alias=s.text[start:end])
                continue
            phrase = s.text[start:end]
            if here is None:  # this sentence's spans, kept up to date as the _add calls below add theirs
                here = _spans_in(cands, i)
            overlaps = [(a, b) for a, b in here if a < end and start < b]
            if self.gazetteer.lookup(phrase):
                continue
            if overlaps:
                # a capitalised name around a known one ("Gated Self-Attention") is a new name
                inside = all(start < a and b <= end for a, b in overlaps)
                lead = s.text[start:min(a for a, _ in overlaps)].split()
                named = bool(lead) and all(w[:1].isupper() for w in lead)
                novel = bool(NEW_BEFORE.search(s.text[:start]))
                if not (inside and (named or novel) and not s.is_title and start > 0):
                    continue
            name = _singular(phrase) if type_ == "Method" else phrase
            if name_key(name) in VAGUE:
                continue
            here.append((start, end))
            if end != short_end:
                self._add(cands, name, type_, "head-noun", i, (start, end), alias=s.text[start:short_end])
                continue
            cand = self._add(cands, name, type_, "head-noun", i, (start, end), alias=phrase)
            # "load balancing and load concentration losses": the first conjunct shares the head
            elided = re.search(r"(?:^|[\s(,])((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)\s+and\s+$", s.text[:start])
            if elided:
                conjunct = elided.group(1).split()
                first = _strip_generic(conjunct)
                novel = any(w in ("new", "novel") for w in conjunct[: len(conjunct) - len(first)])
                if first and not any(_generic(w) for w in first):
                    other = " ".join(first + [_singular(words[j]).lower() if type_ == "Method" else words[j].lower()])
                    span = (elided.end(1) - len(" ".join(first)), elided.end(1))
                    here.append(span)
                    twin = self._add(cands, other, type_, "head-noun", i, span)
                    if novel or NEW_BEFORE.search(s.text[: elided.start(1)]):
                        for c in (twin, cand):
                            c.proposed_by = c.proposed_by or "novel-phrase"
                            c.proposed_sentence = i

    def _compared_methods(self, s: Sentence, i: int, cands) -> None:
        """"outperforms surrogate training and ANN2SNN methods": the named families a
        result is compared against are methods."""
        text = s.text
        for m in WIN_CUE.finditer(text):
            stop = CLAUSE_BREAK.search(text, m.end())
            g = COMPARED_FAMILY.search(text[m.end():stop.start() if stop else len(text)])
            if not g:
                continue
            base = m.end() + g.start(1)
            for part in re.split(r",\s*|\s+(?:and|or)\s+", g.group(1)):
                words = _strip_generic(part.split())
                name = " ".join(words)
                if not name or name_key(name) in VAGUE or not any(c.isalpha() for c in name):
                    continue
                if any(_generic(w) or WIN_CUE.match(w) for w in words):
                    continue
                start = text.find(name, base)
                found = self._find(cands, name)
                if found is None:
                    term = self.gazetteer.lookup(name)
                    if term is not None and term.type != "Method":
                        continue
                    found = self._add(cands, term.name if term else name, "Method", "lexicon" if term else "compared-method",
                                      i, (start, start + len(name)) if start >= 0 else None, alias=name)
                found.compared = True

    def _dataset_lists(self, s: Sentence, i: int, cands) -> None:
        """Names listed as datasets ("on A, B and C datasets", "benchmarks: A, B") are
        Datasets, whatever a name-shape rule guessed."""
        text = s.text
        lists = [m.span(1) for cue in DATASET_LISTS for m in cue.finditer(text)]
        if not lists:
            return
        for c in cands.values():
            if c.rule in ("coined-name", "acronym") and not c.proposed_by:
                if any(si == i and any(a <= x < b for a, b in lists) for si, x, _ in c.spans):
                    c.type = "Dataset"
        for a, b in lists:
            # each listed item is a dataset name, "A/B" naming two ("WHAM!/WHAMR!")
            chunk, pos, pieces = text[a:b], 0, []
            for sep in re.finditer(r"\s*(?:,|/|\band\b|\bor\b)\s*", chunk):
                pieces.append((pos, sep.start()))
                pos = sep.end()
            pieces.append((pos, len(chunk)))
            for x, y in pieces:
                item = re.sub(r"^the\s+", "", chunk[x:y].strip())
                start = a + x + chunk[x:y].find(item)
                if not item or not item[0].isupper() or len(item.split()) > 3:
                    continue
                if self._find(cands, item) is not None or any(
                        si == i and x <= start and start + len(item) <= y for si, x, y in _spans(cands)):
                    continue
                term = self.gazetteer.lookup(item)
                if term is not None and term.type != "Dataset":
                    continue
                self._add(cands, term.name if term else item, "Dataset", "lexicon" if term else "dataset-list", i,
                          (start, start + len(item)), alias=item)
                # a name read inside the item ("RobotCar" in "Oxford RobotCar") was only part of it
                _drop_parts(cands, i, start, start + len(item), ("coined-name", "acronym"))

    def _task_lists(self, s: Sentence, i: int, cands) -> None:
        """"on language modeling, genomics and time series tasks": listed problems are Tasks."""
        text = s.text
        for m in TASK_LIST.finditer(text):
            items = re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", m.group(1))
            pos = m.start(1)
            for item in items:
                words = _strip_generic(item.split())
                start = text.find(item, pos)
                pos = max(pos, start + len(item))
                if not words or len(words) > 4 or any(_generic(w) for w in words):
                    continue
                name = " ".join(words)
                if name_key(name) in VAGUE or not name[0].isalpha() or any(c.isdigit() for c in name):
                    continue
                a = text.find(name, start)
                term = self.gazetteer.lookup(name)
                if term is not None and term.type != "Task" or term is None and len(words) < 2:
                    continue  # one unknown word ("vision", "perception") is a field, not a task
                found = self._find(cands, name)
                if found is not None and found.type != "Task":
                    continue
                self._add(cands, term.name if term else name, "Task", "lexicon" if term else "task-list", i,
                          (a, a + len(name)), alias=name)
