"""The name comparisons resolution is made of (pure string functions, no state).

Guards that keep names apart (markers, narrower_or_broader, coined) and the ways one name is
written in several papers (fuzzy_same, spells, loose_key). kg.resolve applies them across
papers; kg.evaluate uses the same guards to read the gold.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from kg.extract.text import name_key
from kg.names import fold

MIN_FUZZY_LENGTH = 8  # shorter names differ by a letter on purpose ("ConvNet" vs "ConvNeXt")
# The fuzzy index holds every one-deletion variant of a key: a name longer than this is no
# spelling anyone repeats, and indexing it would cost its length squared (a 100k-char name).
MAX_FUZZY_LENGTH = 80
# Words that make a different model or dataset when they differ: sizes, versions, splits.
_MARKERS = re.compile(r"\d+|\b(?:tiny|small|base|large|huge|giant|xl|xxl|mini|nano|medium|lite|plus|pro|ultra|v\d*|[a-z])\b|\+", re.I)


def _ambiguous_alias(alias: str) -> bool:
    """Aliases that name different things in different papers: short acronyms ("TT",
    "SAM") and single common words ("detection" is object detection in one paper and
    3D object detection in another)."""
    core = re.sub(r"[\W_]", "", alias)
    if len(core) <= 5 and sum(c.isupper() for c in core) >= 2:
        return True
    return " " not in alias.strip() and alias.islower() and "-" not in alias


def _acronym(name: str) -> bool:
    """A short form in capitals ("GP", "CNNs", "MoE"), not a word ("kernel")."""
    core = re.sub(r"[\W_]", "", name)
    return 0 < len(core) <= 6 and sum(c.isupper() for c in core) * 2 > len(core)


def markers(name: str) -> tuple[str, ...]:
    return tuple(m.lower() for m in _MARKERS.findall(name))


_WORD = re.compile(r"[^\W\d_]+|\d+")
_COINED = re.compile(r"\w[A-Z]|\d")
_HEADS = frozenset(name_key(line.strip()) for line in Path(__file__).with_name("resolve_heads.txt").read_text().splitlines()
                   if line.strip() and not line.startswith("#"))
# the field's shorthand for its own words, as single words ("ResNet" stays one word)
_ABBREVIATIONS = {"net": ("network",), "nn": ("neural", "network"), "nns": ("neural", "network")}


@lru_cache(maxsize=1 << 16)
def words(name: str) -> frozenset[str]:
    """The name's words, with letter and digit runs apart ("ImageNet-1K": imagenet, 1, k) and
    plurals folded, so word sets compare across spelling and hyphenation."""
    return frozenset(name_key(w) for w in _WORD.findall(name.casefold()))


def coined(name: str) -> bool:
    """A name its authors spelled (inner capitals or digits: ResNeXt, NVIDIA, GPT-4): it has no
    spelling variants, one letter off is another model (ResNet/ResNeXt, EfficientNet/EfficientDet)."""
    return bool(_COINED.search(name))


def narrower_or_broader(a: str, b: str) -> bool:
    """True when one name is the other plus words: a more specific name ("fine-grained image
    classification" / "image classification", "ImageNet-1K" / "ImageNet", "Dense Convolutional
    Network" / "convolutional network") names a different entity. Extra words only join a name
    that has the same number markers already ("NVIDIA P100" / "P100" / "P100 GPU" are one)."""
    wa, wb = words(a), words(b)
    if wa == wb or not (wa < wb or wb < wa):
        return False
    small = wa if wa < wb else wb
    extra = (wb - wa) or (wa - wb)
    has_number = any(w.isdigit() for w in small)
    return not has_number or any(w.isdigit() or len(w) == 1 for w in extra)


_ES_PLURAL = re.compile(r"(?<=ch|sh|ss|.x)es$")  # "searches", "losses", "boxes": name_key keeps the "e"


def _word_list(name: str) -> list[str]:
    return [name_key(_ES_PLURAL.sub("", w)) for w in _WORD.findall(name.casefold())]


_SUFFIXES = ("ation", "ing", "ion", "ate", "ed", "e")


def _stem(word: str) -> str:
    """A verb and its noun or participle ("fine-tune" / "fine-tuning" / "fine-tuned",
    "backpropagate" / "backpropagation") share a stem marked "~": a word with no such ending
    is not one of them, so "model" stays apart from "modeling"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)] + "~"
    return word


@lru_cache(maxsize=1 << 16)
def loose_key(name: str) -> str:
    """The name's words with the ways one name is written in several papers folded: the
    field's shorthand for its own words ("nets", "NNs"), "neural" before "network" after
    another word ("convolutional network"; "neural network" itself stays), and one trailing
    generic head ("vanishing gradient problem", "MSE loss") when what is left still names
    something: two words or more, or a coined name ("kernel method" is no "kernel"); a head
    written with a capital is part of a proper name ("Open Graph Benchmark"); then the last
    word's verb ending (_stem). The head words are data (resolve_heads.txt). Markers are not
    touched: callers compare them apart."""
    out: list[str] = []
    for w in _word_list(name):
        out.extend(_ABBREVIATIONS.get(w, (w,)))
    out = [w for i, w in enumerate(out) if not (w == "neural" and i > 0 and out[i + 1:i + 2] == ["network"])]
    head = name.split()[-1] if name.split() else ""
    if len(out) > 1 and out[-1] in _HEADS and (len(out) > 2 or coined(name.split()[0])) and not head[:1].isupper():
        out.pop()
    if out and not coined(name):
        out[-1] = _stem(out[-1])
    return " ".join(out)


def fuzzy_same(a: str, b: str) -> bool:
    """Spelling variants match; size, version and split markers must agree
    (CIFAR-10 vs CIFAR-100, ResNet-50 vs ResNet-101, GPT-2 vs GPT-3)."""
    if markers(a) != markers(b):
        return False
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    shortest = min(len(ka), len(kb))
    if shortest < MIN_FUZZY_LENGTH or max(len(ka), len(kb)) > MAX_FUZZY_LENGTH:
        return False
    if coined(a) or coined(b) or narrower_or_broader(a, b) or _another_word(a, b):
        return False
    allowed = 1 if shortest < 16 else 2
    return Levenshtein.distance(ka, kb, score_cutoff=allowed) <= allowed


def _another_word(a: str, b: str) -> bool:
    """Two names of as many words where a word starts with another letter: a misspelling keeps
    a word's first letter, a different word ("Transformer encoder" / "Transformer decoder") does not."""
    wa, wb = _WORD.findall(a.casefold()), _WORD.findall(b.casefold())
    return len(wa) == len(wb) and any(x[0] != y[0] for x, y in zip(wa, wb))


def shortened(a: str, b: str) -> bool:
    """One name is the other with some of its words written as their acronym ("OOD detection" /
    "out-of-distribution detection", "MSE loss" / "mean squared error loss"): one name, as an
    acronym and its expansion are."""
    short, long_ = (name.split() for name in sorted((a, b), key=len))
    short_keys, long_keys = {name_key(w) for w in short}, {name_key(w) for w in long_}
    own = [w for w in short if name_key(w) not in long_keys]
    rest = [w for w in long_ if name_key(w) not in short_keys]
    return (len(own) == 1 < len(short) and bool(rest)
            and _acronym(own[0]) and spells(own[0], " ".join(rest)))


def siblings(a: str, b: str) -> bool:
    """Names that share a word but where each has a word the other lacks ("object
    classification" / "image classification", "residual network" / "Inception network"): kinds
    of one thing, not two writings of one name, unless one spells the other loosely or with an
    acronym for some of its words."""
    wa, wb = words(a), words(b)
    return bool(wa & wb) and bool(wa - wb) and bool(wb - wa) and loose_key(a) != loose_key(b) and not shortened(a, b)


def acronym_of(short: str, long: str) -> bool:
    """"MLP" / "multilayer perceptron": the short form's letters run through the long form in
    order, starting at its first letter."""
    letters = [c for c in short if c.isalpha()]
    if sum(c.isupper() for c in letters) * 2 < len(letters):
        return False  # a word shortened ("ResNet" for residual network) is a name of its own
    a, b = fold(short), fold(long)
    if not a or not b or a[0] != b[0] or len(a) >= len(b):
        return False
    i = 0
    for c in b:
        if i < len(a) and c == a[i]:
            i += 1
    return i == len(a)


_GLUE = frozenset("a an and by for in of on the to with".split())


@lru_cache(maxsize=1 << 16)
def spells(short: str, long: str) -> bool:
    """The short form is made of the long form's words, each giving its first letter and maybe
    more, in order ("of", "and" may give none): "LSTM" / "long short-term memory", "BP" / "backpropagation", "IVIF" /
    "infrared and visible image fusion". Stricter than acronym_of: "TT" does not spell "tensor
    train decomposition", so an acronym joins across papers only the name it was made from."""
    if len(short) > 2 and short.endswith("s") and short[-2].isupper():
        short = short[:-1]  # a plural: "CNNs"
    letters = "".join(c for c in short.casefold() if c.isalnum())
    ws = re.findall(r"[^\W_]+", long.casefold())
    if not letters or not ws or len(letters) > 12 or len(ws) > 12:
        return False

    @lru_cache(maxsize=None)
    def fit(i: int, j: int) -> bool:  # letters[i:] from words[j:], each word starting one run
        if j == len(ws):
            return i == len(letters)
        w = ws[j]
        if w in _GLUE and fit(i, j + 1):  # "of", "and" may give a letter ("MoE") or none
            return True
        if i == len(letters) or letters[i] != w[0]:
            return False
        k, i = 1, i + 1
        while True:
            if fit(i, j + 1):
                return True
            while k < len(w) and (i == len(letters) or w[k] != letters[i]):
                k += 1
            if k == len(w) or i == len(letters):
                return False
            i, k = i + 1, k + 1
    return fit(0, 0)
