"""Noun-phrase candidates for the learned extractor.

A sentence is cut into chunks at function words and punctuation; the last one to
MAX_PHRASE_WORDS words of each chunk are candidates (English noun phrases end in their
head). The rule generators find names; these find the descriptive phrases the gold files
annotate ("positional encoding", "model merging"), which the model then judges.
"""
from __future__ import annotations

import re

from kg.extract.rules import STOPWORDS, Candidate, _head_type, _inside_url
from kg.extract.text import Sentence, name_key

MAX_PHRASE_WORDS = 4
MAX_PHRASE_CHARS = 60
MAX_PHRASES_PER_PAPER = 600  # bounds the work on a pathological abstract
_CHUNK_WORD = re.compile(r"[A-Za-z][\w'-]*[\w]|[A-Za-z]")
_BREAK = re.compile(r"[,.;:()\[\]{}\"“”!?]|\s-\s")


def chunks(text: str):
    """(start, end, words) runs of content words: no function word or punctuation inside."""
    run: list[tuple[int, int]] = []
    last_end = 0
    for m in _CHUNK_WORD.finditer(text):
        word = m.group()
        if run and _BREAK.search(text, last_end, m.start()):
            yield run
            run = []
        if word.lower() in STOPWORDS or word.isdigit():
            if run:
                yield run
            run = []
        else:
            run.append(m.span())
        last_end = m.end()
    if run:
        yield run


def add_phrases(sents: list[Sentence], cands: dict[str, Candidate]) -> None:
    added = 0
    for i, s in enumerate(sents):
        for run in chunks(s.text):
            for n in range(1, min(MAX_PHRASE_WORDS, len(run)) + 1):
                a, b = run[-n][0], run[-1][1]
                if b - a > MAX_PHRASE_CHARS or _inside_url(s.text, a):
                    break
                name = s.text[a:b]
                key = name_key(name)
                c = cands.get(key)
                if c is None:
                    if added >= MAX_PHRASES_PER_PAPER:
                        return
                    c = cands[key] = Candidate(name, _head_type(name.split()[-1]) or "Method", "phrase", i)
                    added += 1
                if c.rule == "phrase":
                    c.spans.append((i, a, b))
