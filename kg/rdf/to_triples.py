"""Graph -> triples: the one place the RDF model is written down (see kg.rdf).

`iter_blocks(G)` makes the triples one subject block at a time, blocks sorted by subject IRI;
`graph_triples(G)` is the whole list (for 100k papers ~10M pyoxigraph triples, several GB on top
of the graph, so kg.export.stream serializes the blocks as they are made instead).
"""
from __future__ import annotations

import bisect
import contextvars
import hashlib
import heapq
from array import array
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter
from typing import Callable, Iterator

import networkx as nx
import pyoxigraph as ox

from kg.edges import lone_digest, predicates_of, statement_digest, statement_key_of
from kg.io import cyclic_gc_paused
from kg.names import name_key
from kg.rdf.iris import base_iri_of, bnode_stem, encode_id, format_decimal, person_slug
from kg.rdf.literals import typed_date
from kg.rdf.wikidata import wikidata_iri
from kg.rdf.vocab import DCTERMS, EXTRA_TYPES, KG, PROV, RDF, RDFS, SCHEMA, SKOS, VOID, XSD
from kg.schema import KG_NAMESPACE, PAPER, PREDICATES, STATEMENT


class _Iris:
    """NamedNode caches: vocabulary, and graph nodes (papers and entities recur in many
    statements; a statement's own IRI is used once and made on demand)."""

    def __init__(self, base: str):
        self.base = base
        self.vocab_cache: dict[str, ox.NamedNode] = {}
        self.node_cache: dict[str, ox.NamedNode] = {}

    def vocab(self, iri: str) -> ox.NamedNode:
        node = self.vocab_cache.get(iri)
        if node is None:
            node = self.vocab_cache[iri] = ox.NamedNode(iri)
        return node

    def node(self, node_id, enc: str | None = None) -> ox.NamedNode:
        node = self.node_cache.get(node_id)
        if node is None:
            enc = enc if enc is not None else encode_id(str(node_id))
            node = self.node_cache[node_id] = ox.NamedNode(self.base + enc)
        return node

    def url(self, value: str):
        try:
            return ox.NamedNode(value)
        except ValueError:
            return ox.Literal(value, datatype=self.vocab(XSD + "anyURI"))


def person_ids(G: nx.MultiDiGraph) -> dict[str, str]:
    """Author name -> encoded id of its schema:Person ("person/kaiming-he"). One Person per
    distinct name, so the Paper's names come back exactly from the export; names that share a
    slug ("J. Smith", "J Smith") each get a hash of the name after it, as does a name with no
    letters or digits."""
    by_slug: dict[str, list[str]] = {}
    for _, data in G.nodes(data=True):
        if data.get("type") == PAPER:
            for name in data.get("authors") or ():
                by_slug.setdefault(person_slug(name), []).append(name)
    out: dict[str, str] = {}
    taken = {slug for slug, names in by_slug.items() if slug and len(set(names)) == 1}
    for slug, names in sorted(by_slug.items()):
        for name in sorted(set(names)):
            ref = slug
            if not slug or len(set(names)) > 1:
                digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()
                ref = f"{slug}-{digest[:8]}" if slug else digest[:8]
                if ref in taken:  # only if another name's plain slug ends in these hex digits
                    ref = f"{slug}-{digest}" if slug else digest
                taken.add(ref)
            out[name] = encode_id("person/" + ref)
    return out


def _subject_index(G: nx.MultiDiGraph, persons: dict[str, str] | None = None, start: str | None = None,
                   stop: str | None = None) -> Iterator[tuple]:
    """SubjectIndex(G, persons).entries(start, stop)."""
    return SubjectIndex(G, persons).entries(start, stop)


class SubjectIndex:
    """`entries()`: (encoded id, node), (encoded id, author name, None) and (encoded id, u, v,
    key) in the order graph_triples sorts its blocks: by subject IRI, and all IRIs share the
    base, so by encoded id (stable sort, same insertion order: dataset, nodes, persons, edges).
    `entries(start, stop)`: only those whose encoded id is in [start, stop) (kg.export.stream
    writes slices of the files in two processes, from one index).

    The statements are most entries (11M edges at 1M papers): they are not held as tuples (~88
    bytes each with the sort) but in columns, each tuple made as it is read."""

    def __init__(self, G: nx.MultiDiGraph, persons: dict[str, str] | None = None) -> None:
        import numpy as np  # kg.rdf loads without it

        index: list[tuple] = [("",)]
        index.extend((encode_id(str(n)), n) for n in G.nodes)
        self.persons = persons = person_ids(G) if persons is None else persons
        index.extend((enc, name, None) for name, enc in persons.items())
        index.sort(key=itemgetter(0))
        self._index = index
        self._nodes = nodes = list(G.nodes)
        number = {n: i for i, n in enumerate(nodes)}
        columns = _statement_columns(G, number)
        if columns is not None:  # a statement key is its own encoded id, and sorts as its digest
            del number
            # the columns put in key order themselves (16 bytes held a statement, not 24 with the
            # order), each node column copied and its original freed in turn, the digests sorted
            # in place (equal digests are equal values): no more memory at once than the argsort
            digests = np.frombuffer(columns[2], dtype=np.uint64)
            order = np.argsort(digests, kind="stable")
            self._us = np.frombuffer(columns[0], dtype=np.int32)[order]
            columns[0] = None
            self._vs = np.frombuffer(columns[1], dtype=np.int32)[order]
            columns[1] = order = None
            digests.sort()
            self._digests, self._ids, self._odd, self._order = digests, None, None, None
            return
        us, vs, ids = array("i"), array("i"), []
        odd: dict[int, object] = {}  # edge number -> key, for a key that is not its own encoded id
        for u, nbrs in G._adj.items():
            iu = number[u]
            for v, keyed in nbrs.items():
                iv = number[v]
                for k in keyed:
                    enc = encode_id(str(k))
                    if enc is not k:
                        odd[len(ids)] = k
                    ids.append(enc)
                    us.append(iu)
                    vs.append(iv)
        self._us, self._vs, self._ids, self._odd, self._digests = us, vs, ids, odd, None
        self._order = np.argsort(np.array(ids, dtype=object), kind="stable")

    def entries(self, start: str | None = None, stop: str | None = None) -> Iterator[tuple]:
        index = self._index
        if start is not None or stop is not None:
            index = [e for e in index if (start is None or start <= e[0]) and (stop is None or e[0] < stop)]
        # ties: the nodes' entries first
        return heapq.merge(index, self._edge_entries(start, stop), key=itemgetter(0))

    def _edge_entries(self, start: str | None, stop: str | None, chunk: int = 1 << 16) -> Iterator[tuple]:
        """(encoded id, u, v, key) of the edges whose encoded id is in [start, stop), sorted by
        encoded id (stable: ties in G.edges order)."""
        nodes, us, vs, order, digests, ids = self._nodes, self._us, self._vs, self._order, self._digests, self._ids
        if digests is not None:
            enc_of = lambda i: statement_key_of(int(digests[i]))  # noqa: E731
        else:
            enc_of = lambda i: ids[order[i]]  # noqa: E731
        at = range(len(us))  # the bounds found by bisection: the entries are sorted
        lo = 0 if start is None else bisect.bisect_left(at, start, key=enc_of)
        hi = len(us) if stop is None else bisect.bisect_left(at, stop, key=enc_of)
        for first in range(lo, hi, chunk):
            end = min(first + chunk, hi)
            if digests is not None:
                for d, u, v in zip(digests[first:end].tolist(), us[first:end].tolist(), vs[first:end].tolist()):
                    key = statement_key_of(d)
                    yield key, nodes[u], nodes[v], key
            else:
                for j in order[first:end].tolist():
                    enc = ids[j]
                    yield enc, nodes[us[j]], nodes[vs[j]], self._odd.get(j, enc)


def _statement_columns(G: nx.MultiDiGraph, number: dict) -> list[array] | None:
    """Every edge's node numbers (`number`: node -> its number) and key digest (16 bytes an
    edge, where its key string and encoded id would be ~80), edges in G.edges order; None if some
    key is not a statement key."""
    us, vs, digests = array("i"), array("i"), array("Q")
    for u, nbrs in G._adj.items():
        iu = number[u]
        for v, keyed in nbrs.items():
            iv = number[v]
            digest = lone_digest(keyed)
            for d in (digest,) if digest is not None else map(statement_digest, keyed):
                if d is None:
                    return None
                us.append(iu)
                vs.append(iv)
                digests.append(d)
    return [us, vs, digests]


def iter_triples(G: nx.MultiDiGraph) -> Iterator[ox.Triple]:
    """The triples of graph_triples(G), same order, generated lazily."""
    return chain.from_iterable(iter_blocks(G))


def iter_blocks(G: nx.MultiDiGraph) -> Iterator[list[ox.Triple]]:
    """The triples of G one subject block at a time, blocks sorted by subject IRI."""
    persons = person_ids(G)
    return map(block_maker(G, persons), _subject_index(G, persons))


def block_maker(G: nx.MultiDiGraph, persons: dict[str, str]) -> Callable[[tuple], list[ox.Triple]]:
    """The function giving the block of triples of one _subject_index(G, persons) entry (so a
    writer can make some subjects' text without their triples and still follow the one order)."""
    base = base_iri_of(G)
    I = _Iris(base)
    Triple, Literal, NamedNode = ox.Triple, ox.Literal, ox.NamedNode
    V = I.vocab
    xsd_integer, xsd_decimal = V(XSD + "integer"), V(XSD + "decimal")
    a = V(RDF + "type")
    p_title, p_abstract, p_label = V(DCTERMS + "title"), V(DCTERMS + "abstract"), V(RDFS + "label")
    p_date, p_source, p_code = V(KG.listingDate), V(KG.source), V(KG.hasCode)
    p_author, p_authorlist, p_url = V(SCHEMA + "author"), V(KG.authorList), V(SCHEMA + "url")
    p_pref, p_alt, p_key = V(SKOS + "prefLabel"), V(SKOS + "altLabel"), V(KG.key)
    p_match, p_typed_date = V(SKOS + "exactMatch"), V(DCTERMS + "date")
    rdf_first, rdf_rest, rdf_nil = V(RDF + "first"), V(RDF + "rest"), V(RDF + "nil")
    pred_iri = {p: V(KG[p]) for p in PREDICATES}
    pred_rank = {p: i for i, p in enumerate(PREDICATES)}
    p_type_stmt = V(KG[STATEMENT])
    p_subj, p_pred, p_obj = V(KG.subject), V(KG.predicate), V(KG.object)
    p_derived, p_evidence = V(PROV + "wasDerivedFrom"), V(KG.evidence)
    p_start, p_end, p_rule, p_conf = V(KG.start), V(KG.end), V(KG.rule), V(KG.confidence)
    small_lits: dict = {}  # offsets, rules and confidences repeat; evidence sentences do not

    def small(value, lexical, datatype=None):
        key = (value, datatype)
        lit = small_lits.get(key)
        if lit is None:
            if len(small_lits) > 100_000:
                small_lits.clear()
            lit = small_lits[key] = Literal(lexical(value)) if datatype is None else Literal(lexical(value), datatype=datatype)
        return lit

    def integer(value) -> str:
        return str(int(value))

    env = {
        "a": a, "pred_iri": pred_iri, "pred_rank": pred_rank, "p_title": p_title, "p_label": p_label,
        "p_abstract": p_abstract, "p_date": p_date, "p_author": p_author, "p_authorlist": p_authorlist,
        "p_url": p_url, "p_code": p_code, "p_source": p_source, "p_pref": p_pref, "p_alt": p_alt, "p_key": p_key,
        "p_match": p_match, "p_typed_date": p_typed_date,
        "rdf_first": rdf_first, "rdf_rest": rdf_rest, "rdf_nil": rdf_nil,
    }
    env["person"] = lambda name: NamedNode(base + persons[name])
    p_person, p_name = V(SCHEMA + "Person"), V(SCHEMA + "name")
    nodes, adj = G.nodes, G._adj

    def block(entry: tuple) -> list[ox.Triple]:
        if len(entry) == 1:  # the dataset description
            ds = NamedNode(base)
            return [Triple(ds, a, V(VOID + "Dataset")), Triple(ds, V(VOID + "uriSpace"), Literal(base))]
        elif len(entry) == 2:
            enc, n = entry
            return _node_block(n, nodes[n], I.node(n, enc), adj[n], I, env)
        elif len(entry) == 3:  # an author
            enc, name, _ = entry
            s = NamedNode(base + enc)
            return [Triple(s, a, p_person), Triple(s, p_name, Literal(name))]
        else:
            enc, u, v, key = entry
            data = adj[u][v][key]
            get = data.get
            s = NamedNode(base + enc)
            out = [Triple(s, a, p_type_stmt), Triple(s, p_subj, I.node(u))]
            p = get("predicate")
            if p is not None:
                out.append(Triple(s, p_pred, pred_iri.get(p) or V(KG_NAMESPACE + p)))
            out.append(Triple(s, p_obj, I.node(v)))
            if (paper := get("paper")) is not None:
                out.append(Triple(s, p_derived, I.node(paper)))
            if (evidence := get("evidence")) is not None:
                out.append(Triple(s, p_evidence, Literal(evidence)))
            if (start := get("start")) is not None:
                out.append(Triple(s, p_start, small(start, integer, xsd_integer)))
            if (end := get("end")) is not None:
                out.append(Triple(s, p_end, small(end, integer, xsd_integer)))
            if (rule := get("rule")) is not None:
                out.append(Triple(s, p_rule, small(rule, str)))
            if (confidence := get("confidence")) is not None:
                out.append(Triple(s, p_conf, small(confidence, format_decimal, xsd_decimal)))
            return out

    return block


def _node_block(n, data: dict, s: ox.NamedNode, out_edges: dict, I: _Iris, env: dict) -> list[ox.Triple]:
    """The triples graph_triples writes for node n (node part)."""
    Triple, Literal, V = ox.Triple, ox.Literal, I.vocab
    a, pred_iri, pred_rank = env["a"], env["pred_iri"], env["pred_rank"]
    typ = data.get("type")
    out: list[ox.Triple] = []
    extra_blocks: list[ox.Triple] = []
    if typ:
        out.append(Triple(s, a, V(KG_NAMESPACE + typ)))
        for extra in EXTRA_TYPES.get(typ, ()):
            out.append(Triple(s, a, V(extra)))
    if typ == PAPER:
        title = data.get("title")
        if title is None:
            title = data.get("label")
        if title is not None:
            out.append(Triple(s, env["p_title"], Literal(title)))
        label = data.get("label")
        if label is not None and label != title:
            out.append(Triple(s, env["p_label"], Literal(label)))
        if data.get("abstract") is not None:
            out.append(Triple(s, env["p_abstract"], Literal(data["abstract"])))
        if data.get("date") is not None:
            out.append(Triple(s, env["p_date"], Literal(str(data["date"]))))
            typed = typed_date(str(data["date"]))
            if typed is not None:
                out.append(Triple(s, env["p_typed_date"], Literal(typed[0], datatype=V(typed[1]))))
        authors = tuple(data.get("authors") or ())
        person = env["person"]
        for name in sorted(set(authors)):
            out.append(Triple(s, env["p_author"], person(name)))
        if len(authors) > 1 and list(authors) != sorted(set(authors)):
            stem = bnode_stem(str(n))
            cells = [ox.BlankNode(f"{stem}_author{i}") for i in range(len(authors))]
            out.append(Triple(s, env["p_authorlist"], cells[0]))
            for i, cell in enumerate(cells):
                rest = cells[i + 1] if i + 1 < len(cells) else env["rdf_nil"]
                extra_blocks.append(Triple(cell, env["rdf_first"], person(authors[i])))
                extra_blocks.append(Triple(cell, env["rdf_rest"], rest))
        for url in sorted(set(data.get("urls") or ())):
            out.append(Triple(s, env["p_url"], I.url(url)))
        for url in sorted(set(data.get("code") or ())):
            out.append(Triple(s, env["p_code"], I.url(url)))
        # ingest already names a source by file name and line (kg.ingest.core.source_name), so
        # this text is the graph's, as in GraphML and the page
        for src in sorted({str(x) for x in data.get("sources") or ()}):
            out.append(Triple(s, env["p_source"], Literal(src)))
    else:
        label = data.get("label")
        if label is not None:
            out.append(Triple(s, env["p_pref"], Literal(label)))
        for alias in sorted(set(data.get("aliases") or ())):
            out.append(Triple(s, env["p_alt"], Literal(alias)))
        for key in sorted({name_key(x) for x in (label, *(data.get("aliases") or ())) if x}):
            out.append(Triple(s, env["p_key"], Literal(key)))
        same = wikidata_iri(typ, label, sorted(data.get("aliases") or ()))
        if same is not None:
            out.append(Triple(s, env["p_match"], V(same)))
    truthy = set()
    for v, keyed in out_edges.items():
        for p in predicates_of(keyed):
            if p in pred_iri:
                truthy.add((p, v))
    if truthy:
        objects = {v: I.node(v) for _, v in truthy}
        for p, v in sorted(truthy, key=lambda pv: (pred_rank[pv[0]], objects[pv[1]].value)):
            out.append(Triple(s, pred_iri[p], objects[v]))
    out.extend(extra_blocks)
    return out


_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kg_rdf_cache", default=None)


@contextmanager
def triple_cache() -> Iterator[None]:
    """Within this block, `graph_triples(G)` is computed once per graph object (export() uses it
    so Turtle, N-Triples and JSON-LD share one conversion)."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def graph_triples(G: nx.MultiDiGraph) -> list[ox.Triple]:
    """All triples for G, grouped by subject in IRI order, in a fixed order within a subject."""
    cache = _cache.get()
    if cache is not None and id(G) in cache:
        return cache[id(G)][1]
    with cyclic_gc_paused():
        triples = list(iter_triples(G))
    if cache is not None:
        cache[id(G)] = (G, triples)  # keep G alive so its id() is not reused
    return triples
