"""kg.export.rdf_text writes statement text itself only in forms pyoxigraph writes verbatim;
these tests hold it to pyoxigraph, character by character, and whole files to the exporters'."""
from __future__ import annotations

import random

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.export import export
from kg.export.rdf_text import _ESCAPED, PLAIN_LOCAL, StatementText
from kg.export.stream import write_streams
from kg.graph import KGraph
from kg.rdf import prefixes

_S, _P = ox.NamedNode("http://e.org/s"), ox.NamedNode("http://e.org/p")


def _written(obj, fmt) -> str:
    out = ox.serialize([ox.Triple(_S, _P, obj)], format=fmt).decode("utf-8")
    lead = "<http://e.org/s> <http://e.org/p> "
    assert out.startswith(lead) and out.endswith(" .\n")
    return out[len(lead):-3]


@pytest.mark.parametrize("fmt", [ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE])
def test_unescaped_characters_are_written_verbatim(fmt):
    """Every character outside _ESCAPED, in literals of 4096 at a time (a literal is verbatim
    iff each of its characters is), and each _ESCAPED one is indeed changed."""
    plain = [chr(c) for c in range(0x110000) if not _ESCAPED.match(chr(c))]
    for i in range(0, len(plain), 4096):
        chunk = "".join(plain[i:i + 4096])
        assert _written(ox.Literal(chunk), fmt) == f'"{chunk}"'
    for c in "\x00\x1f\"\\\x7f\ufffe\uffff":
        assert _written(ox.Literal(c), fmt) != f'"{c}"'


def test_plain_local_names_follow_their_prefix():
    base = "https://w3id.org/mlkg/id/"
    text = StatementText(base, prefixes(base))
    rng = random.Random(3)
    alphabet = "abcXYZ019_-"
    locals_ = ["0a", "_", "a-", "9", "a_b-c"] + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
                                                   for _ in range(300)]
    for local in locals_:
        iri = base + "statement/" + local
        if PLAIN_LOCAL.fullmatch(local):
            assert text.iri(iri) == ("statement:" + local, f"<{iri}>")
        assert text.iri(iri) == text.term(ox.NamedNode(iri))


@pytest.mark.parametrize("base", ["https://w3id.org/mlkg/id/", "http://example.org/x#", "urn:kg:"])
@pytest.mark.parametrize("odd", [False, True])
def test_hostile_statements_same_bytes(base, odd, tmp_path):
    """Evidence that needs escaping or is not a string, keys and ids that are not plain, values
    missing, an unknown predicate: the streamed files equal the exporters' own."""
    G = nx.MultiDiGraph(base_iri=base)
    G.add_node("paper/p.1", type="Paper", label="T", title="T", abstract="A", date="2024", sources=(),
               urls=(), authors=("B", "A"), code=(), aliases=())
    G.add_node("method/-x", type="Method", label="X", aliases=())
    G.add_node("task/ü y", type="Task", label="Y", aliases=())
    # evidence that is not a string: Turtle and N-Triples only (JSON-LD refuses it)
    evidences = ['say "hi"\n\tnow\\', "\ufffe\x7f", 42 if odd else "4", "plain", "", None, 1.5 if odd else "1"]
    formats = [("turtle", "ttl"), ("ntriples", "nt")] + ([] if odd else [("jsonld", "jsonld")])
    keys = ["statement/00ff", "statement/-a", "statement/a.", "statement/ä", 7, "statement/x y", "statement/q"]
    for i, (ev, key) in enumerate(zip(evidences, keys)):
        attrs = dict(predicate="proposes" if i % 3 else "weirdPredicate", paper="paper/p.1", evidence=ev,
                     start=i if i != 2 else None, end=True if i == 3 else 10 + i, rule=f"r{i % 2}",
                     confidence=[0.5, 1, 1e-7, None][i % 4])
        if i == 5:
            del attrs["predicate"], attrs["paper"]
        G.add_edge("paper/p.1" if i % 2 else "method/-x", "task/ü y" if i % 2 else "method/-x", key=key, **attrs)
    export(G, tmp_path / "m", [ext for _, ext in formats])
    for batch in (1, 7, 1000):
        paths = {name: tmp_path / f"s{batch}.{ext}" for name, ext in formats}
        write_streams(G, paths, batch_triples=batch)
        for name, ext in formats:
            assert paths[name].read_bytes() == (tmp_path / "m" / f"graph.{ext}").read_bytes(), (name, batch)
    # Turtle alone, N-Triples alone
    write_streams(G, {"ntriples": tmp_path / "only.nt"})
    assert (tmp_path / "only.nt").read_bytes() == (tmp_path / "m" / "graph.nt").read_bytes()


@pytest.mark.parametrize("graph", [KGraph, nx.MultiDiGraph])
def test_subject_index_is_the_sorted_entries(graph):
    """The index (node numbers and key digests, or encoded ids for keys that are not statement
    keys) gives the entries sorted by encoded id, stably: ties in insertion order (an entity id
    equal to a statement id; integer edge keys), the nodes' entries first."""
    from kg.rdf import to_triples
    from kg.rdf.iris import encode_id

    G = graph()
    for i in range(40):
        G.add_node(f"method/m{i % 7}", type="Method", label=f"m{i % 7}")
        G.add_edge(f"method/m{i % 7}", f"method/m{(i * 3) % 7}", key=f"statement/{(i * 37) % 11:016x}", predicate="uses")
    G.add_node(f"statement/{5:016x}", type="Method", label="odd")
    G.add_node("paper/p", type="Paper", authors=("B", "A b"), label="P")
    entries = [("",)] + [(encode_id(n), n) for n in G.nodes]
    entries += [(enc, name, None) for name, enc in to_triples.person_ids(G).items()]
    entries += [(k, u, v, k) for u, v, k in G.edges(keys=True)]
    want = sorted(entries, key=lambda e: e[0])
    assert list(to_triples._subject_index(G)) == want
    _parts_are_the_index(G, want)
    G.add_edge("method/m1", "method/m2", key=3, predicate="uses")  # not a statement key: the ids' path
    entries.append(("3", "method/m1", "method/m2", 3))
    want = sorted(entries, key=lambda e: e[0])
    assert list(to_triples._subject_index(G)) == want
    _parts_are_the_index(G, want)


def _parts_are_the_index(G, want: list) -> None:
    """Bounded parts of the index (two processes each write one) are its slices, whatever the
    bound: before, between, equal to or after the entries' ids."""
    from kg.rdf import to_triples

    for bound in ("", "3", "method/m3", f"statement/{5:016x}", f"statement/{6:016x}", "statement/g", "zzz"):
        head = list(to_triples._subject_index(G, stop=bound))
        tail = list(to_triples._subject_index(G, start=bound))
        assert head == [e for e in want if e[0] < bound] and head + tail == want, bound
    assert list(to_triples._subject_index(G, start="method/m2", stop="method/m5")) == [
        e for e in want if "method/m2" <= e[0] < "method/m5"]


@pytest.mark.parametrize("only", ["turtle", "ntriples", "jsonld"])
def test_one_stream_alone(only, fixture_graph, tmp_path):
    ext = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld"}[only]
    export(fixture_graph, tmp_path / "m", [ext])
    write_streams(fixture_graph, {only: tmp_path / f"s.{ext}"})
    assert (tmp_path / f"s.{ext}").read_bytes() == (tmp_path / "m" / f"graph.{ext}").read_bytes()
