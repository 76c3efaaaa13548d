"""Lookups: queries the server may answer itself, without the round trip to a query worker.

A worker exists because a query cannot be stopped inside the engine. A query that cannot run
away needs no stopping: one triple pattern with its subject or object bound (a node's
neighbours, "what links here"), optionally with LIMIT/OFFSET, is one range scan of one index:
no join, FILTER, path, DISTINCT, ORDER BY, GROUP BY or subquery. The shape is decided on the
guard's token stream (the same terminals the engine's parser sees), so a query is either
exactly this shape or goes to a worker as before. In the server it is also capped: past
FAST_ROWS rows the server stops reading and sends the query to a worker, so a lookup on a hub
node costs the server at most OFFSET + FAST_ROWS rows of one index (OFFSET <= FAST_ROWS).

The round trip saved is ~1.7 ms of the ~3 ms a lookup cost (benchmarks/bench_serve_abuse.py).
"""
from __future__ import annotations

FAST_ROWS = 1000  # rows the server reads itself before handing the query to a worker

_TERM = ("iri", "pname")
_LITERAL = ("string", "number")


def _triple(toks: list[tuple[str, str]], i: int) -> int | None:
    """Index after `s p o` starting at i when it is a triple pattern with s or o bound, else None."""
    if i + 3 > len(toks):
        return None
    (sk, _), (pk, pt), (ok, ot) = toks[i:i + 3]
    subject_bound = sk in _TERM
    if not (subject_bound or sk == "var"):
        return None
    if not (pk in _TERM or pk == "var" or (pk == "punct" and pt == "a") or (pk == "word" and pt == "a")):
        return None
    j = i + 3
    if ok in _TERM or ok in _LITERAL or (ok == "word" and ot.lower() in ("true", "false")):
        object_bound = True
        if ok == "string" and j < len(toks):  # a language tag or a datatype
            if toks[j][0] == "langtag":
                j += 1
            elif toks[j] == ("punct", "^^") and j + 1 < len(toks) and toks[j + 1][0] in _TERM:
                j += 2
    elif ok == "var":
        object_bound = False
    else:
        return None
    return j if subject_bound or object_bound else None


def is_lookup(toks: list[tuple[str, str]]) -> bool:
    """True for `[PREFIX/BASE...] (SELECT (*|?v...) | ASK) [WHERE] { s p o [.] } [LIMIT n]
    [OFFSET n]` with s or o an IRI, prefixed name or literal, and OFFSET at most FAST_ROWS. No
    DISTINCT: it could read a whole hub's rows to produce a few, so the scan would not be bounded."""
    i, n = 0, len(toks)

    def word(k: int) -> str:
        return toks[k][1].upper() if k < n and toks[k][0] == "word" else ""
    while word(i) in ("PREFIX", "BASE"):
        if word(i) == "PREFIX" and i + 2 < n and toks[i + 1][0] == "pname" and toks[i + 2][0] == "iri":
            i += 3
        elif word(i) == "BASE" and i + 1 < n and toks[i + 1][0] == "iri":
            i += 2
        else:
            return False
    if word(i) == "SELECT":
        i += 1
        if i < n and toks[i] == ("punct", "*"):
            i += 1
        else:
            start = i
            while i < n and toks[i][0] == "var":
                i += 1
            if i == start:
                return False
    elif word(i) == "ASK":
        i += 1
    else:
        return False
    if word(i) == "WHERE":
        i += 1
    if i >= n or toks[i] != ("open", "{"):
        return False
    j = _triple(toks, i + 1)
    if j is None:
        return False
    if j < n and toks[j] == ("punct", "."):
        j += 1
    if j >= n or toks[j] != ("close", "}"):
        return False
    j += 1
    seen = set()
    while j < n:
        w = word(j)
        if w not in ("LIMIT", "OFFSET") or w in seen or j + 1 >= n or toks[j + 1][0] != "number":
            return False
        count = toks[j + 1][1]
        # length first: int() refuses numbers of more than 4,300 digits
        if not count.isdigit() or (w == "OFFSET" and (len(count) > 9 or int(count) > FAST_ROWS)):
            return False
        seen.add(w)
        j += 2
    return True
