"""The read-only guard: decide from the query's tokens whether it is a plain query.

pyoxigraph 0.5 exposes no parser or algebra, and rdflib's parser both misreads valid queries
(a `\\#` inside a prefixed name is taken for a comment) and overflows Python's stack past ~40
levels of braces, so neither can be the judge. SPARQL's terminals are regular and the grammar is
context-free over them, so a lexer written from the grammar's terminal productions (IRIREF,
PNAME_LN with PLX escapes, the four string forms, comments, variables) sees exactly the keyword
tokens the engine's parser sees: SERVICE can only reach the engine as a keyword token, and an
update only as an update keyword in the first operation. Anything the lexer cannot read is
refused (400) rather than guessed at. As a second wall the query workers run without a network
(kg.serve.worker), so federation is refused by the engine's surroundings too.

Nesting is measured on the same tokens before anything is parsed: the engine's recursive
parser overflows its stack at a few thousand levels (SIGSEGV), so depth past MAX_DEPTH is 400.
"""
from __future__ import annotations

import re

MAX_DEPTH = 128  # brackets, braces, parentheses and runs of unary operators, together

# SPARQL 1.1 terminals (https://www.w3.org/TR/sparql11-query/#terminals).
_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
                  "\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
                  "\U00010000-\U000EFFFF")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?")
_ECHAR = r"\\[tbnrf\\\"']"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_TOKEN = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in [
    ("ws", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("iri", r'<(?:[^<>"{}|^`\\\x00-\x20]|' + _UCHAR + r')*>'),
    ("string", "'''(?:(?:'|'')?(?:[^'\\\\]|" + _ECHAR + "|" + _UCHAR + "))*'''"
               '|"""(?:(?:"|"")?(?:[^"\\\\]|' + _ECHAR + "|" + _UCHAR + '))*"""'
               "|'(?:[^'\\\\\\n\\r]|" + _ECHAR + "|" + _UCHAR + ")*'"
               '|"(?:[^"\\\\\\n\\r]|' + _ECHAR + "|" + _UCHAR + ')*"'),
    ("pname", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("var", f"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"),
    ("bnode", f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("number", r"[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?"),
    ("word", f"[{_PN_CHARS_BASE}][{_PN_CHARS_U}0-9]*"),
    ("open", r"[{(\[]|<<"),
    ("close", r"[})\]]|>>"),
    ("unary", r"!(?!=)"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[.,;*/+\-=<>|^a]"),
]))
UPDATE_KEYWORDS = frozenset("INSERT DELETE LOAD CLEAR CREATE DROP COPY MOVE ADD WITH".split())


class Refused(Exception):
    """A query the endpoint will not run: `status` is the HTTP answer (400 or 403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def tokens(sparql: str):
    """(kind, text) for every token outside whitespace and comments; Refused(400) where none fits."""
    pos, n = 0, len(sparql)
    match = _TOKEN.match
    while pos < n:
        m = match(sparql, pos)
        if m is None or m.end() == pos:
            line = sparql.count("\n", 0, pos) + 1
            raise Refused(400, f"bad query: cannot read the query at line {line}, column "
                               f"{pos - (sparql.rfind(chr(10), 0, pos) + 1) + 1}: {sparql[pos:pos + 20]!r}")
        kind = m.lastgroup
        if kind not in ("ws", "comment"):
            yield kind, m.group()
        pos = m.end()


def check_depth(sparql: str, limit: int = MAX_DEPTH) -> None:
    """Refused(400) when brackets, or unary operators in a row, nest deeper than `limit`.
    A cheap character scan over brackets first, so 100,000 braces cost no tokenizing."""
    if sparql.count("{") + sparql.count("(") + sparql.count("[") + sparql.count("!") \
            + sparql.count("-") + sparql.count("+") <= limit:
        return
    depth = run = deepest = 0
    for kind, text in tokens(sparql):
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        if kind == "unary" or (kind == "punct" and text in "+-"):
            run += 1
        elif kind != "open":
            run = 0
        deepest = max(deepest, depth + run)
        if deepest > limit:
            raise Refused(400, f"query nests deeper than {limit} levels (brackets and unary operators); "
                               "refused before parsing")


def check_query(sparql: str, limit: int = MAX_DEPTH) -> list[tuple[str, str]]:
    """Refused unless `sparql` is one read-only query without SERVICE, within the nesting limit;
    the query's tokens otherwise (kg.serve.lookup reads its shape from them)."""
    if not sparql or not sparql.strip():
        raise Refused(400, "empty query")
    check_depth(sparql, limit)
    toks = list(tokens(sparql))
    words = [text.upper() for kind, text in toks if kind == "word"]
    first = next((w for w in words if w not in ("PREFIX", "BASE")), "")
    # startswith: whether the engine's keyword match needs a word boundary is not documented,
    # so `SERVICEx` or `INSERTx` are treated as the keyword
    if any(first.startswith(k) for k in UPDATE_KEYWORDS):
        raise Refused(403, "SPARQL Update is not allowed: this endpoint is read-only")
    if any(w.startswith("SERVICE") for w in words):
        raise Refused(403, "SERVICE (federated query) is not allowed on this endpoint")
    return toks


def is_update(sparql: str) -> bool:
    """True when the first operation keyword after the prologue is a SPARQL Update operation."""
    try:
        check_query(sparql, limit=1 << 30)
    except Refused as exc:
        return "Update" in str(exc)
    return False


def uses_service(sparql: str) -> bool:
    """True when the SERVICE keyword occurs as a token (outside strings, IRIs, names and comments)."""
    try:
        return any(kind == "word" and text.upper().startswith("SERVICE") for kind, text in tokens(sparql))
    except Refused:
        return False
