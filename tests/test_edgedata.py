"""kg.edges: the compact edge containers of an assembled graph behave as the dicts networkx
would use (same keys, order, values, equality, pickling, networkx views)."""
from __future__ import annotations

import copy
import pickle

import networkx as nx
import pytest

from kg.edges import (
    EDGE_FIELDS, EdgeData, EdgeKeys, EdgeView, Span, edge_values, field_values, lone_digest, predicates_of, statement_digest,
)
from kg.graph import KGraph


def test_mapping_behaviour_matches_a_dict():
    attrs = dict(predicate="proposes", paper="paper/x", evidence="e", start=0, end=3, rule="r", confidence=0.5)
    d = EdgeData(attrs, colour="red")
    want = {**attrs, "colour": "red"}
    assert list(d) == list(want) and list(d.items()) == list(want.items()) and len(d) == 8
    assert d == want and want == d and dict(d) == want and {**d} == want
    assert d.get("missing") is None and d.get("missing", 1) == 1 and "colour" in d and "width" not in d
    d["start"] = 5
    del d["colour"]
    assert d["start"] == 5 and "colour" not in d
    with pytest.raises(KeyError):
        d["colour"]
    with pytest.raises(KeyError):
        del d["colour"]
    del d["rule"]
    assert "rule" not in d and d.get("rule", "-") == "-" and len(d) == 6
    with pytest.raises(KeyError):
        d["rule"]
    for clone in (pickle.loads(pickle.dumps(d)), copy.deepcopy(d), d.copy()):
        assert clone == d and type(clone) is EdgeData
    assert repr(EdgeData(predicate="p")) == "{'predicate': 'p'}"


def test_known_fields_keep_assembly_order():
    d = EdgeData()
    for k in reversed(EDGE_FIELDS):
        d[k] = k
    assert list(d) == list(EDGE_FIELDS)


def test_networkx_uses_it_for_every_edge_and_copy():
    G = KGraph()
    G.add_edge("a", "b", key="k", predicate="mentions", start=1)
    G.edges["a", "b", "k"]["confidence"] = 0.25
    assert isinstance(G, nx.MultiDiGraph)
    assert list(G.edges(keys=True, data=True)) == [("a", "b", "k", {"predicate": "mentions", "start": 1, "confidence": 0.25})]
    assert list(G.edges(data="start")) == [("a", "b", 1)] and list(G.edges(data="end", default=-1)) == [("a", "b", -1)]
    H = pickle.loads(pickle.dumps(G))
    for other in (G.copy(), H, nx.MultiDiGraph(G)):
        assert nx.utils.edges_equal(other.edges(keys=True, data=True), G.edges(keys=True, data=True))
    assert type(G.copy()["a"]["b"]["k"]) is EdgeData


def test_edge_keys_one_then_many_like_a_dict():
    k = EdgeKeys()
    assert len(k) == 0 and list(k) == [] and "a" not in k and k.get("a", 0) == 0
    k["a"] = 1
    assert k == {"a": 1} and len(k) == 1 and k["a"] == 1 and k.get("b") is None
    k["a"] = 2
    k["b"] = 3
    assert list(k.items()) == [("a", 2), ("b", 3)] and len(k) == 2
    del k["a"]
    assert k == {"b": 3} and pickle.loads(pickle.dumps(k)) == k and k.copy() == k
    with pytest.raises(KeyError):
        k["a"]
    with pytest.raises(KeyError):
        del k["a"]


def test_parallel_edges_add_remove_and_degree():
    G = KGraph()
    for _ in range(3):
        G.add_edge("a", "b")
    G.add_edge("a", "b", key="s", predicate="p")
    G.add_edge("b", "a", key="t")
    assert list(G.edges("a", keys=True)) == [("a", "b", 0), ("a", "b", 1), ("a", "b", 2), ("a", "b", "s")]
    assert G.number_of_edges() == 5 and G.number_of_edges("a", "b") == 4 and G.degree("a") == 5
    G.remove_edge("a", "b", 1)
    G.remove_edge("a", "b")
    assert G.has_edge("a", "b", "s") and not G.has_edge("a", "b", 1) and G.number_of_edges() == 3
    H = nx.MultiDiGraph(G)
    assert list(H.edges(keys=True)) == list(G.edges(keys=True))
    assert G["a"]["b"]["s"] == {"predicate": "p"} and dict(G.pred["b"]["a"]) == dict(G["a"]["b"])


def test_evidence_held_as_a_span_reads_as_the_sentence():
    text = "First sentence. Second one here."
    d = EdgeData(predicate="p", evidence=Span(text), start=16, end=32)
    assert d["evidence"] == d.get("evidence") == "Second one here." and dict(d)["evidence"] == "Second one here."
    assert pickle.loads(pickle.dumps(d)) == d
    d["start"] = 0  # moving an offset keeps the sentence it had
    assert d["evidence"] == "Second one here." and d["start"] == 0


def test_assembled_graph_keeps_sentences_that_are_not_their_span():
    from kg.graph import assemble
    from kg.records import PAPER, Claim, Evidence, Extraction, Mention, Paper
    from kg.resolve import resolve

    paper = Paper(id="p1", title="A Title", abstract="We propose FooNet. It beats BarNet.")
    claims = (Claim(PAPER, "proposes", "FooNet", Evidence("We propose FooNet.", 0, 18), "r", 0.9),
              Claim(PAPER, "mentions", "BarNet", Evidence("A Title", -1, -1), "r", 0.5),
              Claim(PAPER, "mentions", "BarNet", Evidence("not the span", 19, 35), "r", 0.5))
    ex = Extraction("p1", (Mention("FooNet", "Method"), Mention("BarNet", "Method")), claims)
    G = assemble([paper], [ex], resolve([ex]))
    got = sorted((d["evidence"], d["start"]) for _, _, d in G.edges(data=True))
    assert got == [("A Title", -1), ("We propose FooNet.", 0), ("not the span", 19)]


S1, S2 = "statement/00000000000000ff", "statement/0123456789abcdef"


def test_statement_keys_are_read_as_their_digest_and_nothing_else_is():
    assert statement_digest(S1) == 255 and statement_digest(S2) == 0x0123456789ABCDEF
    for other in ("statement/0123456789ABCDEF", "statement/0123_56789abcdef", "statement/+123456789abcdef",
                  "statement/0123456789abcde", "statement/0123456789abcdefa", "method/0123456789abcdef", 255, None):
        assert statement_digest(other) is None, other


def test_a_lone_statement_is_held_in_its_edge_keys_and_written_through():
    G = KGraph()
    G.add_edge("a", "b", key=S1, predicate="mentions", evidence=Span("One. Two."), start=5, end=9)
    keyed = G._adj["a"]["b"]
    assert type(keyed) is EdgeKeys and lone_digest(keyed) == 255 and keyed._more is not None
    assert list(keyed) == [S1] and S1 in keyed and S2 not in keyed and 255 not in keyed
    view = G["a"]["b"][S1]
    assert type(view) is EdgeView and view == {"predicate": "mentions", "evidence": "Two.", "start": 5, "end": 9}
    view["colour"] = "red"  # written through to the slots: seen by every later read
    G.edges["a", "b", S1]["confidence"] = 0.5
    G.add_edge("a", "b", key=S1, rule="r")  # networkx updates the view and puts it back
    assert G["a"]["b"][S1] == {"predicate": "mentions", "evidence": "Two.", "start": 5, "end": 9,
                               "confidence": 0.5, "rule": "r", "colour": "red"}
    assert list(G["a"]["b"][S1]) == ["predicate", "evidence", "start", "end", "rule", "confidence", "colour"]
    H = pickle.loads(pickle.dumps(G))
    for other in (G.copy(), H, nx.MultiDiGraph(G)):
        assert nx.utils.edges_equal(other.edges(keys=True, data=True), G.edges(keys=True, data=True))
    assert type(H["a"]["b"][S1]) is EdgeView and type(G["a"]["b"][S1].copy()) is EdgeData


def test_a_second_key_moves_the_lone_statement_to_a_dict_in_order():
    G = KGraph()
    G.add_edge("a", "b", key=S2, predicate="p", evidence=Span("abcdef"), start=1, end=3)
    G.add_edge("a", "b", key=S1, predicate="q")
    keyed = G._adj["a"]["b"]
    assert lone_digest(keyed) is None and list(keyed) == [S2, S1] and len(keyed) == 2
    assert G["a"]["b"][S2] == {"predicate": "p", "evidence": "bc", "start": 1, "end": 3}
    assert type(G["a"]["b"][S2]) is EdgeData and type(G["a"]["b"][S2].evidence) is Span  # still held as a span
    G.remove_edge("a", "b", S2)
    assert list(G.edges(keys=True, data=True)) == [("a", "b", S1, {"predicate": "q"})]
    G.remove_edge("a", "b", S1)
    assert G.number_of_edges() == 0
    G.add_edge("a", "b", key=S1)
    G.remove_edge("a", "b", S1)
    assert not G.has_edge("a", "b")


def test_edge_keys_replace_the_lone_statement_or_hold_any_other_value():
    k = EdgeKeys()
    k[S1] = {"predicate": "p", "start": 1}
    k[S1] = EdgeData(predicate="q")
    assert lone_digest(k) == 255 and k == {S1: {"predicate": "q"}}
    k[S1] = 7  # not a mapping: held as it is
    assert lone_digest(k) is None and k == {S1: 7}
    del k[S1]
    assert len(k) == 0 and list(k.items()) == []


def test_edge_keys_holding_a_statement_is_what_add_edge_makes():
    values = ("mentions", "paper/x", Span("One. Two."), 5, 9, "r", 0.5)
    G = KGraph()
    G.add_edge("a", "b", key=S1, **dict(zip(EDGE_FIELDS, values)))
    made = EdgeKeys.holding(255, values)
    assert made == G._adj["a"]["b"] and lone_digest(made) == 255 and list(made[S1]) == list(EDGE_FIELDS)
    assert made[S1]["evidence"] == "Two."
    made["statement/0000000000000001"] = {"predicate": "q"}  # a second key: moved to a dict as usual
    assert list(made) == [S1, "statement/0000000000000001"] and made[S1]["evidence"] == "Two."


@pytest.mark.parametrize("graph", [KGraph, nx.MultiDiGraph])
def test_field_values_and_predicates_read_what_get_reads(graph):
    G = graph()
    sentence = Span("One. Two.") if graph is KGraph else "Two."  # a dict holds the sentence itself
    G.add_edge("a", "b", key=S1, predicate="mentions", evidence=sentence, start=5, end=9, rule="r")
    G.add_edge("a", "c", key=S1, predicate="p", confidence=0.5)
    G.add_edge("a", "c", key=S2, evidence="own sentence", colour="red")
    G.add_edge("a", "d", key="not-a-statement", predicate="q")
    for u, v, k in G.edges(keys=True):
        keyed = G._adj[u][v]
        assert field_values(keyed, k) == tuple(map(keyed[k].get, EDGE_FIELDS)), (u, v, k)
    assert field_values(G._adj["a"]["b"], S1) == ("mentions", None, "Two.", 5, 9, "r", None)
    want = [(u, v, tuple(map(d.get, EDGE_FIELDS))) for u, v, d in G.edges(data=True)]
    assert list(edge_values(G)) == want and len(want) == 4
    H = nx.DiGraph(G)  # not a multigraph: each pair's data dict
    assert list(edge_values(H)) == [(u, v, tuple(map(d.get, EDGE_FIELDS))) for u, v, d in H.edges(data=True)]
    assert [predicates_of(G._adj["a"][v]) for v in "bcd"] == [["mentions"], ["p", None], ["q"]]
    with pytest.raises(KeyError):
        field_values(G._adj["a"]["b"], S2)
