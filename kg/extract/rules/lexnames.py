"""Candidates from the lexicon, defined abbreviations and bare task words."""
from __future__ import annotations

import re
from typing import Callable

from kg.extract.abbrev import find_abbreviations
from kg.extract.rules.base import _similar_names
from kg.extract.rules.cues import AFFIX_AFTER, ATTENTION_IDIOM, HARDWARE_TAIL, VERSION_SUFFIX
from kg.extract.rules.vocab import (
    BARE_TASKS, BARE_TASK_WORDS, DATASET_HEADS, DATASET_NAME_HEADS, GENERIC_MODIFIERS, HARDWARE_HEADS,
    METHOD_NAME_STEMS, NOT_ENTITY_HEADS, NOT_NAMES, STOPWORDS, SUPERVISION, TASK_HEADS,
    TASK_MODIFIER_STOP, TASK_PROPERTY_SUFFIXES, VAGUE, _DOMAIN_OF, _DOMAIN_WORDS,
)
from kg.extract.text import Sentence, name_key


class LexiconNames:
    """Known names: lexicon matches, acronym definitions, bare task words."""

    def _lexicon(self, s: Sentence, i: int, cands) -> None:
        consumed = 0
        for start, end, term in self.gazetteer.find(s.text):
            if start < consumed:
                continue
            if s.text[end:end + 1] == "-" and re.match(r"-[A-Za-z0-9]", s.text[end:end + 2]) \
                    and not AFFIX_AFTER.match(s.text[end:]):
                continue  # "ViT" in "ViT-B" is a variant's name, left to the name rules
            if start >= 2 and s.text[start - 1] == "-" and s.text[start - 2].isalnum() and term.type == "Dataset":
                continue  # "TIMIT" in "DeepFake-TIMIT" is part of another name
            surface = s.text[start:end]
            if surface in NOT_NAMES:
                continue
            version = VERSION_SUFFIX.match(s.text, end) if term.type == "Method" else None
            if version:
                # "Spikformer V2" is a new version, not the known Spikformer
                self._add(cands, surface + version.group(), "Method", "coined-name", i, (start, version.end()))
                consumed = version.end()
                continue
            if term.name == "attention mechanism" and ATTENTION_IDIOM.search(s.text[:start]):
                continue  # "attracted much attention" is prose, not the mechanism
            if term.type == "Hardware":
                tail = HARDWARE_TAIL.match(s.text, end)
                if tail:
                    end = consumed = tail.end()  # "T4 GPUs" is the T4, not also a generic GPU
                    surface = s.text[start:end]
            if term.type == "Task":
                left = _task_modifiers(s.text, start)
                if left < start:
                    # "monaural speech separation": a qualified task, with the known task as alias
                    self._add(cands, s.text[left:end], "Task", "qualified-task", i, (left, end), alias=term.name)
                    continue
            self._add(cands, term.name, term.type, "lexicon", i, (start, end), alias=surface)

    def _abbreviations(self, sents: list[Sentence]):
        found = []
        for i, s in enumerate(sents):
            for ab in find_abbreviations(s.text):
                if ab.short in NOT_NAMES:
                    continue
                found.append((i, ab))
        return found

    def _type_of(self, name: str) -> str | None:
        term = self.gazetteer.lookup(name)
        if term:
            return term.type
        words = name.lower().split()
        last = words[-1] if words else ""
        if last in DATASET_HEADS:
            return "Dataset"
        if last in TASK_HEADS or " ".join(words[-2:]) in TASK_HEADS:
            return "Task"
        if last in DATASET_NAME_HEADS:
            return "Dataset"
        if last.rstrip("s") in METHOD_NAME_STEMS or last.endswith(("net", "former")):
            return "Method"
        if last in HARDWARE_HEADS:
            return "Hardware"
        return None

    def _defined_terms(self, abbrevs, sents, cands) -> None:
        """A defined acronym is an alias of its expansion, never a second entity."""
        for i, ab in abbrevs:
            term = self.gazetteer.lookup(ab.long)
            if term is None:
                short_term = self.gazetteer.lookup(ab.short)
                if short_term is not None and _similar_names(ab.long, short_term.name):
                    term = short_term
                elif short_term is not None:
                    # the paper defines the acronym its own way ("PGD" is not projected gradient
                    # descent here): drop what the lexicon read into the bare acronym
                    taken = self._find(cands, short_term.name)
                    if taken is not None and taken.rule == "lexicon":
                        cands.pop(name_key(taken.name), None)
            if term:
                cand = self._add(cands, term.name, term.type, "lexicon", i, alias=ab.short)
                cand.aliases.add(ab.long)
                # the short form may have been taken for a separate entity by the lexicon
                if name_key(ab.short) != name_key(term.name):
                    cands.pop(name_key(ab.short), None)
                continue
            long_ = ab.long
            words = long_.split()
            while words and words[0].islower() and words[0] in GENERIC_MODIFIERS:
                words = words[1:]
            long_ = " ".join(words)
            type_ = self._type_of(long_)
            if type_ is None:
                if long_.split()[-1].lower() in NOT_ENTITY_HEADS:
                    continue  # "Autism Spectrum Disorder (ASD)", "out-of-memory (OOM)": not entities
                type_ = "Method"
            if not long_ or name_key(long_) in VAGUE:
                continue
            existing = cands.pop(name_key(ab.short), None)
            span = (ab.end - len(long_), ab.end)
            cand = self._add(cands, long_, type_, "abbreviation", i, span, alias=ab.short)
            if existing:
                cand.aliases |= existing.aliases
                cand.spans += existing.spans

    def _bare_tasks(self, s: Sentence, i: int, cands, domain: Callable[[], str | None]) -> None:
        """A bare task word ("detection") gets the field's full name when the paper's
        domain makes it clear, as SCHEMA.md asks ("object detection" in a vision paper)."""
        low = s.text.lower()
        for word in BARE_TASK_WORDS:  # a plain loop: a generator's resume per word costs more than the test
            if word in low:
                break
        else:
            return
        full_names = BARE_TASKS.get(domain() or "", {})
        if not full_names:
            return
        taken = [(a, b) for c in cands.values() for si, a, b in c.spans if si == i]
        # "COCO detection", "ImageNet classification": the task of a dataset named just before
        dataset_ends = {b for c in cands.values() if c.type == "Dataset" for si, _, b in c.spans if si == i}
        for m in re.finditer(r"\b(" + "|".join(full_names) + r")\b", s.text, re.I):
            if any(a <= m.start() < b for a, b in taken):
                continue
            before = s.text[: m.start()].rstrip()
            after = s.text[m.end():].lstrip()
            on_dataset = len(before) in dataset_ends and m.start() - len(before) == 1
            if not ((on_dataset or re.search(r"(?:^|[(,;:]|\b(?:and|or|e\.g\.,?|for|in|on|of|as|including|like))$", before))
                    and re.match(r"(?:$|[,.;:)]|(?:and|or|tasks?)\b)", after)):
                continue
            full = full_names[m.group(1).lower()]
            term = self.gazetteer.lookup(full)
            if term is not None:
                self._add(cands, term.name, "Task", "bare-task", i, (m.start(), m.end()), alias=m.group(1))


_WORD = re.compile(r"\w+")
_POINT_CLOUD = re.compile(r"\bpoint clouds?\b")


def _domain(text: str) -> str | None:
    """The modality an abstract is about, by counting its words (one pass, no regex alternation)."""
    text = text.lower()
    counts = dict.fromkeys(_DOMAIN_WORDS, 0)
    for domain in filter(None, map(_DOMAIN_OF.get, _WORD.findall(text))):  # the few domain words only
        counts[domain] += 1
    counts["3d"] += len(_POINT_CLOUD.findall(text))
    if counts["3d"] >= 2:
        return "3d"
    best = max(counts, key=counts.get)
    return best if counts[best] >= 2 else None


def _task_modifiers(text: str, start: int) -> int:
    """Start of up to two content words that qualify a task name on its left."""
    pos = start
    for _ in range(2):
        m = _LEFT_WORD.search(text, _window_start(text, pos), pos)
        if not m:
            break
        word = m.group(1).lower()
        supervision = word in SUPERVISION or (word in ("weakly", "fully") and text[m.end(1):pos].strip() == "supervised")
        if not supervision:
            if word in STOPWORDS or word in GENERIC_MODIFIERS or word in TASK_MODIFIER_STOP or word.endswith("ly"):
                break
            if word.endswith(("ing", "ed")) and "-" not in word:
                break
            if word.endswith(TASK_PROPERTY_SUFFIXES):
                break
            if _looks_inflected(word):
                break  # "prevents overfitting", "advantages of ...": a verb or a plural, not a qualifier
        pos = m.start(1)
    return pos


# English words ending in "s" that are neither verbs nor plurals ("cross", "continuous", "physics")
_S_NOT_INFLECTED = ("ss", "us", "is", "ics", "series", "news", "species")


def _looks_inflected(word: str) -> bool:
    """A third-person verb or a plural noun by its ending: task names are qualified by
    singular nouns and adjectives ("speech separation", "monaural ...")."""
    return word.endswith("s") and not word.endswith(_S_NOT_INFLECTED)


_LEFT_WORD = re.compile(r"(?:^|(?<=[\s(]))([A-Za-z][a-z]*(?:-[A-Za-z][a-z]*)*)\s$")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")


def _window_start(text: str, pos: int) -> int:
    """Where _LEFT_WORD's search of text[:pos] can start: a match is one word of _WORD_CHARS and
    the space after it, so it starts after the last other character some way before pos (the
    search of the whole prefix scanned every character left of each task name, twice)."""
    lo = max(0, pos - 40)
    while lo and text[lo - 1] in _WORD_CHARS:
        lo -= 1
    return lo


# learning set-ups qualify tasks though they look like participles ("weakly supervised
# object localization", "unsupervised domain adaptation")
