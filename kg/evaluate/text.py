"""Which names occur in a text, under the same matching rule as names (name_key)."""
from __future__ import annotations

import re

from kg.names import depluralize, fold

# Separators name_key ignores, plus the punctuation that wraps a name in running text
# ("(PVD)", "LRA,"): a name never spans a word split by these.
_SPLIT = re.compile(r"[\s\-\u2010-\u2015.·_()\[\]{},;:!?\"'“”‘’/]+")
MAX_WORDS = 10  # longer names than this are not aliases anyone writes twice
MAX_CHARS = 200  # nor longer keys: bounds the set to a few times the text, whatever its words


def text_keys(text: str) -> frozenset[str]:
    """name_key of every run of up to MAX_WORDS consecutive words: a name occurs in the text
    exactly when its name_key is in this set (word-aligned, so "ViT" is not found in "activity")."""
    words = [w for w in _SPLIT.split(text) if w]
    keys = set()
    for i in range(len(words)):
        run = ""
        for w in words[i:i + MAX_WORDS]:
            run += fold(w)
            if len(run) > MAX_CHARS:
                break
            keys.add(run)
            keys.add(depluralize(run))
    return frozenset(keys)
