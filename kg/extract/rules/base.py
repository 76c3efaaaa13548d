"""The candidate record and the small helpers every generator shares."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from kg.extract.rules.vocab import DATASET_HEADS, GENERIC_MODIFIERS, METHOD_HEADS, STOPWORDS, TASK_HEADS
from kg.extract.text import name_key


@dataclass
class Candidate:
    """A mention being assembled within one paper."""

    name: str
    type: str
    rule: str
    sentence: int  # index into the paper's sentences where first seen
    aliases: set[str] = field(default_factory=set)
    proposed_by: str = ""  # rule that marked it proposed
    proposed_sentence: int = -1
    compared: bool = False  # named as the object of a comparison: worth keeping even if seen once
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (sentence, start, end) in sentence text


@lru_cache(maxsize=1 << 16)
def _is_coined(word: str) -> bool:
    """A model-like name: internal capitals (ModuleFormer, RCNet), letters with digits
    (FBNetV5, GPT-4), or capitals joined by hyphens (Eigen-CAM, DAMO-YOLO)."""
    core = word.strip("+")
    if len(core) < 3 or not core[0].isalpha() and not core[0].isdigit():
        return False
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return False
    caps = sum(c.isupper() for c in letters)
    has_digit = any(c.isdigit() for c in core)
    internal_cap = any(c.isupper() for c in core[1:]) and any(c.islower() for c in core)
    if "-" in core:
        parts = [p for p in core.split("-") if p]
        return any(_is_coined(p) or (p.isupper() and len(p) >= 2) for p in parts) and caps >= 2
    return internal_cap or (has_digit and caps >= 1) or (core.isupper() and len(core) >= 3)

def _clean_name(text: str) -> str:
    return text.strip(" ,.;:()[]\"'“”‘’")

def _similar_names(a: str, b: str) -> bool:
    return fuzz.ratio(name_key(a), name_key(b)) >= 80


def _salient(c: Candidate, has_title: bool) -> bool:
    sentences_seen = {si for si, _, _ in c.spans}
    return (has_title and 0 in sentences_seen) or len(sentences_seen) >= 2


def _one_word_apart(a: list[str], b: list[str]) -> bool:
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return len(long) == len(short) + 1 and len(short) >= 2 and short[-1] == long[-1] and _subsequence(short, long)


def _generic(word: str) -> bool:
    low = word.lower()
    return low in STOPWORDS or low in GENERIC_MODIFIERS


def _strip_generic(words: list[str]) -> list[str]:
    """Words without their leading function words and vague modifiers ("the previous ...")."""
    k = 0
    while k < len(words) and _generic(words[k]):
        k += 1
    return words[k:]


def _drop_parts(cands: dict, i: int, start: int, end: int, rules: tuple[str, ...]) -> None:
    """Remove candidates found only inside [start, end) of sentence i: parts of a longer name."""
    for key, c in list(cands.items()):
        if c.rule in rules and c.spans and all(
                si == i and start <= a and b <= end and (a, b) != (start, end) for si, a, b in c.spans):
            del cands[key]


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)


def _supported(c: Candidate, has_title: bool) -> bool:
    sentences_seen = {si for si, _, _ in c.spans}
    in_title = has_title and 0 in sentences_seen
    if in_title and c.type == "Task":
        return True
    if len(sentences_seen) >= 2:
        return True
    # capitals mark a name in running text, not in a title-cased title
    return not in_title and any(w[:1].isupper() for w in c.name.split()[1:])


def _inside_url(text: str, pos: int) -> bool:
    """Whether the word at `pos` is part of a URL (callers skip sentences without one: see
    may_hold_url)."""
    start = text.rfind(" ", 0, pos) + 1
    return "://" in text[start: pos + 1] or text[start:pos].startswith("www.")


def may_hold_url(text: str) -> bool:
    """False when no position of `text` can be _inside_url: a per-sentence test that spares
    the per-word one on almost every sentence."""
    return "://" in text or "www." in text


def _spans(cands):
    for c in cands.values():
        yield from c.spans


def _spans_in(cands, i: int) -> list[tuple[int, int]]:
    """The (start, end) of every span in sentence i (one comprehension: no generator resumed per span)."""
    return [(a, b) for c in cands.values() for si, a, b in c.spans if si == i]


@lru_cache(maxsize=1 << 16)
def _head_type(word: str) -> str | None:
    """The entity type a phrase ending in `word` names ("detection": Task), if any."""
    low = word.lower()
    if low not in TASK_HEADS and low not in METHOD_HEADS and low not in DATASET_HEADS:
        low = _singular(low)  # "losses" -> "loss"
    if low in TASK_HEADS:
        return "Task"
    if low in METHOD_HEADS:
        return "Method"
    if low in DATASET_HEADS:
        return "Dataset"
    return None


@lru_cache(maxsize=1 << 14)
def _singular(phrase: str) -> str:
    words = phrase.split(" ")
    last = words[-1]
    if last.endswith(("sses", "xes", "ches", "shes")):
        last = last[:-2]
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        last = last[:-1]
    return " ".join(words[:-1] + [last])


# every lower-case word _head_type types: a head or a plural _singular takes back to one, so
# a sentence's heads are found by one set lookup per word instead of a call
HEAD_WORDS = frozenset(
    x for h in TASK_HEADS | METHOD_HEADS | DATASET_HEADS for x in (h, h + "s", h + "es", h[:-1] + "ies")
    if _head_type(x) is not None
)
