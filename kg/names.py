"""Name keys: the matching rule SCHEMA.md defines for entity names (pure string functions).

Shared by extraction, resolution, evaluation and the RDF export (kg:key), so it lives outside
kg.extract: writing RDF must not load the extractor.
"""
from __future__ import annotations

import re
from functools import lru_cache

SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.·_]+")

_GREEK = dict(zip("αβγδεζηθικλμνξοπρστυφχψω", (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau "
    "upsilon phi chi psi omega").split()))


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case-folded, separators removed, Greek letters spelled out; name_key without the plural rule."""
    key = SEPARATORS.sub("", text.casefold())
    if not key.isascii():
        key = "".join(_GREEK.get(c, c) for c in key)
    return key


def depluralize(key: str) -> str:
    if len(key) > 3 and key.endswith("s") and not key.endswith("ss"):
        return key[:-1]
    return key


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The matching key SCHEMA.md defines: case-folded, without spaces, hyphens and
    dots, and without a trailing plural "s". Greek letters are spelled out, since
    listings write "γ-MoD" and "gamma-MoD" for one name."""
    return depluralize(fold(name))
