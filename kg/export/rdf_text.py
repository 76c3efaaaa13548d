"""Turtle and N-Triples text of statement subjects, made from the edge data without triples.

Statements are most of the subjects (about 80% of the triples), and making a pyoxigraph Triple
per value costs more than serializing it, so kg.export.stream writes their text itself. The text
is pyoxigraph's by construction: a term that repeats (node IRIs, predicates, offsets, rules,
confidences) is written by pyoxigraph once and cached; the two that do not (a statement's own IRI
and its evidence sentence) are written directly only in the forms pyoxigraph writes verbatim
(tests/test_rdf_text.py checks those forms against pyoxigraph, every character of them), and
asked of pyoxigraph otherwise. The values are those kg.rdf.to_triples gives a statement, in its
order; tests/test_scale.py compares the files with the exporters' own.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from kg.edges import EDGE_FIELDS
from kg.rdf import KG_NAMESPACE, PROV, RDF, XSD, encode_id, format_decimal, kg
from kg.schema import STATEMENT

# characters pyoxigraph escapes in a string literal (N-Triples and Turtle alike), and surrogates,
# which it refuses: a literal holding none of them is written between quotes as it is
_ESCAPED = re.compile('[\x00-\x1f"\\\\\x7f\ufffe\uffff\ud800-\udfff]')
# local names pyoxigraph writes after a prefix unchanged (a "." or a leading "-" it escapes)
PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*")
# encoded ids whose IRI N-Triples writes verbatim (no character needs a second look)
PLAIN_PATH = re.compile(r"[A-Za-z0-9_\-/]+")
PLAIN_ENC = re.compile(r"[A-Za-z0-9_\-/]*/[A-Za-z0-9_][A-Za-z0-9_\-]*")  # a plain path, plain local name
_PROBE_LOCAL = "0a"
NODE_CACHE = 300_000  # node terms kept (entities recur in many statements; a bound for 1M papers)


def _body(ttl: bytes) -> bytes:
    pos = 0
    while ttl.startswith(b"@prefix ", pos):
        pos = ttl.index(b"\n", pos) + 1
    return ttl[pos:]


class StatementText:
    """`statement(enc, u, v, values)` -> (Turtle, N-Triples) text of one statement subject."""

    def __init__(self, base: str, prefix_map: dict[str, str]) -> None:
        self.base, self.prefix_map = base, prefix_map
        self._s, self._p = ox.NamedNode("urn:kg-probe:s"), ox.NamedNode("urn:kg-probe:p")
        lead_t, lead_n = self._triple(ox.Triple(self._s, self._p, ox.Literal("x")))
        assert lead_t.endswith(' "x" .\n') and lead_n.endswith(' "x" .\n')
        self._lead = (lead_t[:-len('"x" .\n')], lead_n[:-len('"x" .\n')])
        self._s_text = self.term(self._s)
        self.heads: dict[str, str] = {}
        # a namespace ending in "/" or "#" cannot end inside a plain local name
        self.by_head = all(ns.endswith(("/", "#")) for ns in prefix_map.values())
        probe = base + "a/" + _PROBE_LOCAL
        self.plain = self.term(ox.NamedNode(probe))[1] == f"<{probe}>"
        self.nodes: dict = {}
        self.values: dict[str, dict] = {"i": {}, "s": {}, "d": {}}
        self.preds: dict = {}
        xsd_integer, xsd_decimal = ox.NamedNode(XSD + "integer"), ox.NamedNode(XSD + "decimal")
        integer = lambda x: ox.Literal(str(int(x)), datatype=xsd_integer)  # noqa: E731
        self.kinds = {"i": integer, "s": lambda x: ox.Literal(str(x)),
                      "d": lambda x: ox.Literal(format_decimal(x), datatype=xsd_decimal)}
        type_t, type_n = self.predicate(ox.NamedNode(RDF + "type"))
        stmt_t, stmt_n = self.term(ox.NamedNode(kg(STATEMENT)))
        self.type_t, self.type_n = f" {type_t} {stmt_t}", f" {type_n} {stmt_n} .\n"
        names = {"predicate": kg("predicate"), "paper": PROV + "wasDerivedFrom"}
        self.seps = []
        for name in ("subject", "object") + EDGE_FIELDS:
            t, n = self.predicate(ox.NamedNode(names.get(name) or kg(name)))
            self.seps.append((f" ;\n\t{t} ", f" {n} "))
        self.full_t = [self.type_t + self.seps[0][0]] + [t for t, _ in self.seps[1:]]
        self.full_n = [n for _, n in self.seps] + [self.type_n]
        self.enc_heads: dict[str, str] = {}  # "statement/" -> "statement:" once seen

    def _triple(self, triple: ox.Triple) -> tuple[str, str]:
        ttl = _body(ox.serialize([triple], format=ox.RdfFormat.TURTLE, prefixes=self.prefix_map))
        return ttl.decode("utf-8"), ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES).decode("utf-8")

    def term(self, obj) -> tuple[str, str]:
        """pyoxigraph's (Turtle, N-Triples) text of a term in object position."""
        t, n = self._triple(ox.Triple(self._s, self._p, obj))
        return t[len(self._lead[0]):-3], n[len(self._lead[1]):-3]

    def predicate(self, p: ox.NamedNode) -> tuple[str, str]:
        t, n = self._triple(ox.Triple(self._s, p, ox.Literal("x")))
        return t[len(self._s_text[0]) + 1:-len(' "x" .\n')], n[len(self._s_text[1]) + 1:-len(' "x" .\n')]

    def iri(self, iri: str) -> tuple[str, str]:
        """The text of the IRI base + a plain path (PLAIN_PATH): built when its head (up to the
        last "/") is a namespace of the prefix map and its local name is plain, else pyoxigraph's."""
        if self.plain and self.by_head:
            i = iri.rfind("/") + 1
            local = iri[i:]
            if PLAIN_LOCAL.fullmatch(local):
                head = iri[:i]
                prefix = self.heads.get(head)
                if prefix is None:
                    t = self.term(ox.NamedNode(head + _PROBE_LOCAL))[0]
                    ok = t.endswith(":" + _PROBE_LOCAL) and self.prefix_map.get(t[:-len(_PROBE_LOCAL) - 1]) == head
                    prefix = self.heads[head] = t[:-len(_PROBE_LOCAL)] if ok else ""
                if prefix:
                    return prefix + local, f"<{iri}>"
        return self.term(ox.NamedNode(iri))

    def node(self, n) -> tuple[str, str]:
        out = self.nodes.get(n)
        if out is None:
            enc = encode_id(str(n))
            iri = self.base + enc
            out = self.iri(iri) if self.plain and PLAIN_PATH.fullmatch(enc) else self.term(ox.NamedNode(iri))
            if len(self.nodes) < NODE_CACHE:
                self.nodes[n] = out
        return out

    def value(self, x, kind: str) -> tuple[str, str]:
        cache = self.values[kind]  # by value, as to_triples keys its literals
        out = cache.get(x)
        if out is None:
            out = self.term(self.kinds[kind](x))
            if len(cache) < 100_000:
                cache[x] = out
        return out

    def statement(self, enc: str, u, v, values: tuple) -> tuple[str, str]:
        """Its Turtle block and N-Triples lines; `values` are its EDGE_FIELDS (kg.edges.field_values)."""
        predicate, paper, evidence, start, end, rule, confidence = values
        if (evidence is None or paper is None or predicate is None or start is None or end is None
                or rule is None or confidence is None or type(evidence) is not str or _ESCAPED.search(evidence)):
            return self._statement(enc, u, v, values)
        # the common case, every value there: one format string per file
        heads = self.enc_heads
        i = enc.rfind("/") + 1
        prefix = heads.get(enc[:i]) if i else None
        if prefix and PLAIN_ENC.fullmatch(enc):
            s_t, s_n = prefix + enc[i:], f"<{self.base}{enc}>"
        else:
            s_t, s_n = self._subject(enc)
        nodes, node = self.nodes, self.node
        u_t, u_n = nodes.get(u) or node(u)
        v_t, v_n = nodes.get(v) or node(v)
        a_t, a_n = nodes.get(paper) or node(paper)
        p_t, p_n = self.preds.get(predicate) or self._pred(predicate)
        value, ints, strs, decimals = self.value, self.values["i"], self.values["s"], self.values["d"]
        b_t, b_n = ints.get(start) or value(start, "i")
        e_t, e_n = ints.get(end) or value(end, "i")
        r_t, r_n = strs.get(rule) or value(rule, "s")
        c_t, c_n = decimals.get(confidence) or value(confidence, "d")
        T, N = self.full_t, self.full_n
        return (f"{s_t}{T[0]}{u_t}{T[2]}{p_t}{T[1]}{v_t}{T[3]}{a_t}{T[4]}\"{evidence}\"{T[5]}{b_t}{T[6]}{e_t}"
                f"{T[7]}{r_t}{T[8]}{c_t} .\n",
                f"{s_n}{N[9]}{s_n}{N[0]}{u_n} .\n{s_n}{N[2]}{p_n} .\n{s_n}{N[1]}{v_n} .\n{s_n}{N[3]}{a_n} .\n"
                f"{s_n}{N[4]}\"{evidence}\" .\n{s_n}{N[5]}{b_n} .\n{s_n}{N[6]}{e_n} .\n{s_n}{N[7]}{r_n} .\n"
                f"{s_n}{N[8]}{c_n} .\n")

    def _subject(self, enc: str) -> tuple[str, str]:
        if self.plain and PLAIN_PATH.fullmatch(enc):
            out = self.iri(self.base + enc)
            i = enc.rfind("/") + 1
            if i and PLAIN_LOCAL.fullmatch(enc[i:]):
                self.enc_heads.setdefault(enc[:i], self.heads.get(self.base + enc[:i], ""))
            return out
        return self.term(ox.NamedNode(self.base + enc))

    def _pred(self, predicate) -> tuple[str, str]:
        out = self.preds[predicate] = self.term(ox.NamedNode(KG_NAMESPACE + predicate))
        return out

    def _statement(self, enc: str, u, v, values: tuple) -> tuple[str, str]:
        """statement() when a value is missing or its evidence needs escaping."""
        s_t, s_n = self._subject(enc)
        seps, node = self.seps, self.node
        t = [s_t, self.type_t]
        n = [s_n, self.type_n]
        predicate, paper, evidence, start, end, rule, confidence = values
        u_t, u_n = node(u)
        sep_t, sep_n = seps[0]
        t += (sep_t, u_t)
        n += (s_n, sep_n, u_n, " .\n")
        if predicate is not None:
            p = self.preds.get(predicate) or self._pred(predicate)
            sep_t, sep_n = seps[2]
            t += (sep_t, p[0])
            n += (s_n, sep_n, p[1], " .\n")
        v_t, v_n = node(v)
        sep_t, sep_n = seps[1]
        t += (sep_t, v_t)
        n += (s_n, sep_n, v_n, " .\n")
        if paper is not None:
            p_t, p_n = node(paper)
            sep_t, sep_n = seps[3]
            t += (sep_t, p_t)
            n += (s_n, sep_n, p_n, " .\n")
        if evidence is not None:
            if type(evidence) is str and not _ESCAPED.search(evidence):
                e_t = e_n = f'"{evidence}"'
            else:
                e_t, e_n = self.term(ox.Literal(evidence))
            sep_t, sep_n = seps[4]
            t += (sep_t, e_t)
            n += (s_n, sep_n, e_n, " .\n")
        value = self.value
        for i, x, kind in ((5, start, "i"), (6, end, "i"), (7, rule, "s"), (8, confidence, "d")):
            if x is not None:
                x_t, x_n = value(x, kind)
                sep_t, sep_n = seps[i]
                t += (sep_t, x_t)
                n += (s_n, sep_n, x_n, " .\n")
        t.append(" .\n")
        return "".join(t), "".join(n)
