"""Abbreviation definitions, after Schwartz and Hearst (2003):
"long form (SF)" and "SF (long form)"."""
from __future__ import annotations

import re
from dataclasses import dataclass

_PAREN = re.compile(r"\(([^()]{1,80})\)")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Abbreviation:
    long: str
    short: str
    start: int  # span of the long form in the text
    end: int


def _is_short_form(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 2
        and 2 <= len(text) <= 12
        and text[0].isalnum()
        and any(c.isupper() for c in text)
        and any(c.isalpha() for c in text)
    )


def best_long_form(short: str, candidate: str) -> str | None:
    """Schwartz-Hearst: match the short form's characters right to left in the candidate;
    the first character must start a word."""
    s = [c.lower() for c in short if c.isalnum()]
    lf = candidate.lower()
    si, li = len(s) - 1, len(lf) - 1
    while si >= 0:
        c = s[si]
        while li >= 0 and (lf[li] != c or (si == 0 and li > 0 and lf[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        si -= 1
        li -= 1
    start = lf.rfind(" ", 0, li + 1) + 1
    return candidate[start:]


def find_abbreviations(text: str) -> list[Abbreviation]:
    found = []
    for m in _PAREN.finditer(text):
        inner = m.group(1).strip()
        before = text[: m.start()].rstrip()
        if _is_short_form(inner):
            short = inner
            words = list(_WORD.finditer(before))
            n = min(len(short) + 5, 2 * len(short))
            window = words[-n:] if words else []
            if not window:
                continue
            # a clause boundary ends the window
            cut = 0
            for k, w in enumerate(window):
                if w.group().endswith((",", ";", ":", ".")) and k < len(window) - 1:
                    cut = k + 1
            window = window[cut:]
            cand_start = window[0].start()
            candidate = before[cand_start:]
            long_ = best_long_form(short, candidate)
            if long_ and len(long_) > len(short) and len(long_.split()) <= n:
                long_ = long_.strip(" \"'“”")
                start = m.start() - (len(text[: m.start()]) - len(before)) - len(long_)
                found.append(Abbreviation(long_, short, start, start + len(long_)))
        else:
            # "SF (long form)": the short form is the word before the parenthesis
            prev = re.search(r"([A-Z][\w\-]{1,10})$", before)
            if prev and _is_short_form(prev.group(1)) and len(inner.split()) <= 8:
                if best_long_form(prev.group(1), inner) == inner:
                    found.append(Abbreviation(inner, prev.group(1), m.start(1), m.end(1)))
    return found
