"""Noun-phrase candidates for the learned extractor.

A sentence is cut into chunks at function words and punctuation; the last one to
MAX_PHRASE_WORDS words of each chunk are candidates (English noun phrases end in their
head). The rule generators find names; these find the descriptive phrases the gold files
annotate ("positional encoding", "model merging"), which the model then judges.
"""
from __future__ import annotations

import re

from kg.extract.rules import STOPWORDS, Candidate, _head_type, _inside_url
from kg.extract.rules.base import may_hold_url
from kg.extract.text import Sentence, name_key

MAX_PHRASE_WORDS = 4
MAX_PHRASE_CHARS = 60
MAX_PHRASES_PER_PAPER = 600  # bounds the work on a pathological abstract
# a content word or a break; one pass finds both (a break never overlaps a word, so the
# breaks found are exactly those between consecutive words: the same runs as a search of
# every gap for a break)
_WORD_OR_BREAK = re.compile(r"([A-Za-z][\w'-]*[\w]|[A-Za-z])|[,.;:()\[\]{}\"“”!?]|\s-\s")


def add_phrases(sents: list[Sentence], cands: dict[str, Candidate]) -> None:
    added = 0
    stop = STOPWORDS
    for i, s in enumerate(sents):
        text = s.text
        url = may_hold_url(text)
        run: list[tuple[int, int]] = []
        # runs built in line: a generator's call and resume per run cost more than the run's work
        for m in _WORD_OR_BREAK.finditer(text + "."):  # the appended break ends the last run
            word = m.group(1)
            if word is not None and word.lower() not in stop:
                run.append(m.span())
                continue
            if not run:
                continue
            b = run[-1][1]
            for a, _ in reversed(run[-MAX_PHRASE_WORDS:]):  # the phrases ending at the run's head
                if b - a > MAX_PHRASE_CHARS or url and _inside_url(text, a):
                    break
                name = text[a:b]
                key = name_key(name)
                c = cands.get(key)
                if c is None:
                    if added >= MAX_PHRASES_PER_PAPER:
                        return
                    c = cands[key] = Candidate(name, _head_type(name.split()[-1]) or "Method", "phrase", i)
                    added += 1
                if c.rule == "phrase":
                    c.spans.append((i, a, b))
            run = []
