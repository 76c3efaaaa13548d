"""The learned extractor's features, as strings: the one definition training and extraction share.

Most entity features depend on little, so each group is a function of exactly what it depends
on: the candidate's name, rule and type (the same in every paper that names it), a handful of
small counts and flags, one word beside a mention. Training joins the groups into lists of
strings; the extractor's scorer (kg.extract.scoring) maps each group to weight rows once and
caches the rows by the group's inputs, so it builds almost no strings per candidate. The order
of the features does not matter to training (an example is the set of its features); at run time
it is the order of the rows summed, so both paths keep it.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from kg.extract.rules import GENERIC_TERMS, Candidate, _is_coined, _supported
from kg.extract.text import Sentence
from kg.names import depluralize

WINDOW = 3  # words before and after a mention
WINDOW_SPANS = 4  # mentions of a candidate whose words are features
_WORD = re.compile(r"[A-Za-z][\w+-]*")


def _read_cues() -> dict[str, str]:
    text = (Path(__file__).with_name("words") / "cues.tsv").read_text(encoding="utf-8")
    return dict(line.split("\t")[:2] for line in text.splitlines() if line and not line.startswith("#"))


CUES = _read_cues()


def _char_shape(ch: str) -> str:
    return "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else " " if ch.isspace() else ch


_ASCII_SHAPES = str.maketrans({chr(k): _char_shape(chr(k)) for k in range(128)})


@lru_cache(maxsize=1 << 16)
def shape(name: str) -> str:
    """Aa-1 style word shape with runs collapsed: "ResNet-50" -> "XxXx-d"."""
    head = name[:30]
    if head.isascii():  # almost every name: one table look-up per character, in C
        return "".join(s for s, _ in groupby(head.translate(_ASCII_SHAPES)))
    out = []
    for ch in head:
        s = _char_shape(ch)
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out)


# --- entity features, by what they depend on -----------------------------------------------------

@lru_cache(maxsize=1 << 16)
def name_features(name: str, rule: str, type_: str) -> tuple[str, ...]:
    """The features of the name itself: the same wherever it is found."""
    names = name.split() or [""]
    head = names[-1].lower()
    f = [f"rule={rule}", f"type={type_}", f"rule.type={rule}|{type_}", f"head={head}",
         f"head.type={head}|{type_}", f"suffix={head[-3:]}", f"first={names[0].lower()}",
         f"words={min(len(names), 5)}", f"shape={shape(name)}"]
    f += [f"word={w.lower()}" for w in names[:-1]]
    if name.lower() in GENERIC_TERMS:
        f.append("generic")
    if _is_coined(names[0]):
        f.append("coined")
    return tuple(f)


def context_of(c: Candidate, has_title: bool) -> tuple:
    """The few small values the paper-dependent features of a candidate come from (the
    arguments of context_features)."""
    spans = c.spans
    if len(spans) == 1:  # most candidates
        sentences, first = 1, spans[0][0]
    else:
        seen = {si for si, _, _ in spans}
        sentences, first = len(seen) or 1, min(seen) if seen else c.sentence
    in_title = has_title and first == 0
    acronym = bool(c.aliases) and any(a.isupper() for a in c.aliases)
    return (c.type, sentences if sentences < 4 else 4, in_title, first if first < 4 else 4, c.proposed_by,
            c.compared, bool(c.aliases), acronym, _supported(c, has_title))


@lru_cache(maxsize=1 << 12)
def context_features(type_: str, sentences: int, in_title: bool, position: int, cue: str, compared: bool,
                     aliased: bool, acronym: bool, supported: bool) -> tuple[str, ...]:
    f = [f"sentences={sentences}", f"title={in_title}|{type_}", f"position={position}"]
    if cue:
        f += [f"cue={cue}", f"cue.type={cue}|{type_}"]
    if compared:
        f.append("compared")
    if aliased:
        f.append("aliased")
        if acronym:
            f.append("acronym-defined")
    if supported:
        f.append("supported")
    return tuple(f)


def before_feature(word: str) -> str:
    return f"before={word}"


def after_feature(word: str) -> str:
    return f"after={word}"


def before1_feature(word: str, type_: str) -> str:
    return f"before1={word}|{type_}"


def sentence_words(sents: list[Sentence]) -> list[tuple[list[int], list[int], list[str]]]:
    """Each sentence's words once: (starts, ends, lower-cased words), for window look-ups."""
    out = []
    for s in sents:
        found = list(_WORD.finditer(s.text))
        out.append(([m.start() for m in found], [m.end() for m in found], [m.group().lower() for m in found]))
    return out


def window_bounds(words, start: int, end: int) -> tuple[int, int]:
    """Index of the first word after those ending by `start`, and of the first word starting
    at or after `end`: the window is the WINDOW words before the one and from the other."""
    starts, ends, _ = words
    return bisect_right(ends, start), bisect_left(starts, end)


def window_features(words, start: int, end: int, type_: str) -> list[str]:
    low = words[2]
    before, after = window_bounds(words, start, end)
    f = [before_feature(w) for w in low[max(0, before - WINDOW):before]]
    f += [after_feature(w) for w in low[after:after + WINDOW]]
    if before:
        f.append(before1_feature(low[before - 1], type_))
    return f


def entity_features(c: Candidate, words: list, has_title: bool) -> list[str]:
    f = [*name_features(c.name, c.rule, c.type), *context_features(*context_of(c, has_title))]
    for si, a, b in c.spans[:WINDOW_SPANS]:
        f += window_features(words[si], a, b, c.type)
    return f


def nesting(cands: dict[str, Candidate]) -> dict[str, list[str]]:
    """Which other candidates' mentions hold or lie inside each candidate's mentions, by the
    generator that found them: "ResNet-50" inside the phrase "ResNet-50 backbone" is a
    boundary decision the model learns, not a rule."""
    by_sentence: dict[int, list[tuple[int, int, str, str]]] = {}
    for key, c in cands.items():
        for si, a, b in c.spans:
            by_sentence.setdefault(si, []).append((a, -b, key, c.rule))
    rules = {c.rule for c in cands.values()}
    inside, contains = {r: f"inside={r}" for r in rules}, {r: f"contains={r}" for r in rules}
    out: defaultdict[str, set[str]] = defaultdict(set)
    for items in by_sentence.values():
        if len(items) < 2:
            continue
        items.sort()
        open_spans: list[tuple[int, int, str, str]] = []
        first_end = 0  # the earliest end among open_spans: none has ended before it
        for a, minus_b, key, rule in items:
            b = -minus_b
            if first_end <= a:
                open_spans = [t for t in open_spans if t[1] > a]
                first_end = min((t[1] for t in open_spans), default=b)
            for x, y, outer, outer_rule in open_spans:
                if outer != key and y >= b and (x, y) != (a, b):
                    mine = out[key]
                    mine.add(inside[outer_rule])
                    mine.add("inside-left" if x < a else "inside-right")
                    out[outer].add(contains[rule])
            open_spans.append((a, b, key, rule))
            if b < first_end:
                first_end = b
    return {k: sorted(v) for k, v in out.items()}


def candidate_features(cands: dict[str, Candidate], sents: list[Sentence], has_title: bool) -> dict[str, list[str]]:
    """The entity (and proposes) features of every candidate of a paper."""
    words = sentence_words(sents)
    nested = nesting(cands)
    return {key: entity_features(c, words, has_title) + nested.get(key, []) for key, c in cands.items()}


# --- pair features -------------------------------------------------------------------------------

def pair_features(text: str, subj: tuple[int, int] | None, obj: tuple[int, int], s: Candidate, o: Candidate,
                  rule: str) -> list[str]:
    """Cue words between and before the two mentions, their order and distance; `subj` None
    when the subject is the paper's own method, not named in the sentence."""
    f = [f"rule={rule}", f"subject.proposed={bool(s.proposed_by)}", f"object.proposed={bool(o.proposed_by)}",
         f"object.rule={o.rule}", *name_relation(s.name, o.name)]
    if subj is None:
        left, between = text[:obj[0]], ""
        f.append("implicit")
        order = "implicit"
    elif subj[0] < obj[0]:
        left, between, order = text[:subj[0]], text[subj[1]:obj[0]], "subject-first"
    else:
        left, between, order = text[:obj[0]], text[obj[1]:subj[0]], "object-first"
    words = _lower_words(between)
    f += [f"order={order}", f"distance={min(len(words), 12) // 3}|{order}"]
    for w in words[:12]:
        f.append(f"between={w}")
        if w in CUES:
            f += [f"cue={CUES[w]}", f"cue.order={CUES[w]}|{order}"]
    for w in _lower_words(left[-80:])[-6:]:
        if w in CUES:
            f += [f"left={CUES[w]}", f"left.order={CUES[w]}|{order}"]
    return f


@lru_cache(maxsize=1 << 14)
def name_relation(subject: str, object_: str) -> tuple[str, ...]:
    """How two method names relate as strings: a name holding another ("Concurrent Adversarial
    Learning", "adversarial learning") or sharing its head word ("Progressive Volume
    Distillation", "knowledge distillation") is often built on it; a name that only adds a
    number or size is a variant."""
    sw, ow = _name_words(subject), _name_words(object_)
    if not sw or not ow:
        return ()
    f = []
    if sw[-1] == ow[-1]:
        f.append("names.same-head")
    s_key, o_key = "".join(sw), "".join(ow)
    if o_key != s_key and o_key in s_key:
        f.append("names.object-inside" if len(ow) < len(sw) else "names.object-prefix")
    elif s_key != o_key and s_key in o_key:
        f.append("names.subject-inside")
    elif set(sw) & set(ow):
        f.append("names.share-word")
    return tuple(f)


def _name_words(name: str) -> tuple[str, ...]:
    return tuple(map(depluralize, _lower_words(name)))


@lru_cache(maxsize=1 << 12)  # a sentence's pairs share their stretches of text
def _lower_words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(text))
