"""Tests for kg.analytics on a small hand-built graph that follows GRAPH_CONTRACT.md.

`check_analytics_shapes(G)` is a timing-free shape/invariant check; tests/test_corpus.py
also runs it on the corpus graph.
"""
from __future__ import annotations

import hashlib
import math
import random
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kg import analytics as A
from kg.records import ENTITY_TYPES, PREDICATES

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- fixture graph


def _paper_id(title: str) -> str:
    return "paper/" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]


def _add_paper(G, title, abstract=""):
    pid = _paper_id(title)
    G.add_node(pid, type="Paper", label=title, title=title, abstract=abstract, date="Sep 11",
               sources=(f"listing.txt:{len(G)}",), urls=(), authors=(), code=(), aliases=())
    return pid


def _add_entity(G, type_, label, aliases=()):
    nid = f"{type_.lower()}/{label.lower().replace(' ', '-')}"
    G.add_node(nid, type=type_, label=label, aliases=tuple(sorted(aliases)))
    return nid


def _add_stmt(G, s, pred, o, paper, evidence="", start=0):
    key = "statement/" + hashlib.sha1(f"{s}|{pred}|{o}|{paper}|{evidence}|{start}".encode()).hexdigest()[:16]
    G.add_edge(s, o, key=key, predicate=pred, paper=paper, evidence=evidence or f"{s} {pred} {o}.",
               start=start, end=start + len(evidence), rule="test", confidence=0.9)
    return key


def build_graph(order_seed: int | None = None) -> nx.MultiDiGraph:
    """Two dataset clusters (vision / NLP), lineage ResNeSt extends ResNeXt extends ResNet,
    a 2-cycle ResNet <-> ResNeXt and a 3-cycle BERT > XLNet > RoBERTa > BERT.

    With ``order_seed`` the same graph is built with nodes/edges inserted in a shuffled order.
    """
    G = nx.MultiDiGraph(base_iri="https://w3id.org/mlkg/id/")
    P = {i: _add_paper(G, f"Paper {i}", f"Abstract of paper {i}.") for i in range(1, 9)}
    E = {
        "resnet": _add_entity(G, "Method", "ResNet", ["Residual Network", "ResNets"]),
        "resnext": _add_entity(G, "Method", "ResNeXt"),
        "resnest": _add_entity(G, "Method", "ResNeSt"),
        "bert": _add_entity(G, "Method", "BERT"),
        "roberta": _add_entity(G, "Method", "RoBERTa"),
        "xlnet": _add_entity(G, "Method", "XLNet"),
        "c10": _add_entity(G, "Dataset", "CIFAR-10", ["CIFAR10"]),
        "c100": _add_entity(G, "Dataset", "CIFAR-100"),
        "svhn": _add_entity(G, "Dataset", "SVHN"),
        "squad": _add_entity(G, "Dataset", "SQuAD"),
        "glue": _add_entity(G, "Dataset", "GLUE"),
        "mnli": _add_entity(G, "Dataset", "MNLI"),
        "gpu": _add_entity(G, "Hardware", "GPU"),
        "tpu": _add_entity(G, "Hardware", "TPU"),
        "imgcls": _add_entity(G, "Task", "image classification"),
        "qa": _add_entity(G, "Task", "question answering"),
    }
    stmts = [
        # vision papers
        (1, "PAPER", "proposes", "resnet"), (1, "PAPER", "evaluatesOn", "c10"), (1, "PAPER", "evaluatesOn", "c100"),
        (1, "PAPER", "usesHardware", "gpu"), (1, "PAPER", "addresses", "imgcls"),
        (2, "PAPER", "proposes", "resnext"), (2, "PAPER", "evaluatesOn", "c10"), (2, "PAPER", "evaluatesOn", "svhn"),
        (2, "PAPER", "evaluatesOn", "c100"), (2, "PAPER", "usesHardware", "gpu"),
        (2, "resnext", "extends", "resnet"), (2, "resnext", "outperforms", "resnet"),
        (3, "PAPER", "proposes", "resnest"), (3, "PAPER", "evaluatesOn", "c100"), (3, "PAPER", "evaluatesOn", "svhn"),
        (3, "PAPER", "usesHardware", "gpu"), (3, "resnest", "extends", "resnext"),
        (3, "resnest", "outperforms", "resnext"), (3, "resnest", "outperforms", "resnet"),
        (4, "PAPER", "mentions", "resnet"), (4, "PAPER", "mentions", "resnext"), (4, "PAPER", "evaluatesOn", "c10"),
        (4, "resnet", "outperforms", "resnext"),
        # NLP papers
        (5, "PAPER", "mentions", "bert"), (5, "PAPER", "evaluatesOn", "squad"), (5, "PAPER", "evaluatesOn", "glue"),
        (5, "PAPER", "usesHardware", "tpu"), (5, "PAPER", "addresses", "qa"),
        (6, "PAPER", "mentions", "bert"), (6, "PAPER", "mentions", "xlnet"), (6, "PAPER", "evaluatesOn", "glue"),
        (6, "PAPER", "evaluatesOn", "mnli"), (6, "PAPER", "usesHardware", "tpu"),
        (6, "xlnet", "outperforms", "roberta"),
        (7, "PAPER", "proposes", "roberta"), (7, "PAPER", "evaluatesOn", "squad"), (7, "PAPER", "evaluatesOn", "mnli"),
        (7, "PAPER", "evaluatesOn", "glue"), (7, "PAPER", "usesHardware", "tpu"),
        (7, "roberta", "outperforms", "bert"),
        (8, "PAPER", "mentions", "bert"), (8, "PAPER", "evaluatesOn", "glue"),
        (8, "bert", "outperforms", "xlnet"),
    ]
    edges = []
    for i, s, pred, o in stmts:
        subj = P[i] if s == "PAPER" else E[s]
        text = f"{G.nodes[subj]['label']} {pred} {G.nodes[E[o]]['label']}."
        edges.append((subj, pred, E[o], P[i], text, 0))
    # a second (title) statement for ResNeSt > ResNeXt in paper 3
    edges.append((E["resnest"], "outperforms", E["resnext"], P[3], "ResNeSt beats ResNeXt", -1))
    if order_seed is not None:
        rng = random.Random(order_seed)
        H = nx.MultiDiGraph(**G.graph)
        nodes = list(G.nodes(data=True))
        rng.shuffle(nodes)
        H.add_nodes_from(nodes)
        G = H
        rng.shuffle(edges)
    for e in edges:
        _add_stmt(G, *e)
    return G


@pytest.fixture(scope="module")
def G():
    return build_graph()


# --------------------------------------------------------------------------- shape check (corpus-safe)


def check_analytics_shapes(G: nx.MultiDiGraph) -> None:
    """Column sets, sort orders and invariants of every analytics function; no timing.

    Safe to run on the full corpus graph.
    """
    c = A.counts_by_type(G)
    assert list(c.columns) == ["type", "count"]
    assert c["count"].sum() == G.number_of_nodes()
    assert list(c["type"][:5]) == ["Paper", *ENTITY_TYPES]

    r = A.relations_by_predicate(G)
    assert list(r.columns) == ["predicate", "statements", "triples", "papers"]
    assert r["statements"].sum() == G.number_of_edges()
    assert list(r["predicate"][: len(PREDICATES)]) == list(PREDICATES)
    assert (r["triples"] <= r["statements"]).all()

    for t in ENTITY_TYPES:
        for by in ("papers", "pagerank"):
            df = A.top_entities(G, t, n=10, by=by)
            assert list(df.columns) == ["label", "type", "papers", "pagerank", "id"]
            assert len(df) <= 10 and (df["type"] == t).all()
            assert df[by].is_monotonic_decreasing
    all_ents = A.top_entities(G, None, n=None)
    if len(all_ents):
        # entities hold part of the PageRank mass, papers the rest
        assert (all_ents["pagerank"] >= 0).all() and all_ents["pagerank"].sum() <= 1.0 + 1e-9

    w = A.method_wins(G, n=10)
    assert list(w.columns) == ["label", "wins", "losses", "evidence", "papers", "id"]
    assert w["wins"].is_monotonic_decreasing
    assert (w["evidence"] >= w["wins"]).all()

    pr = A.outperforms_pagerank(G)
    assert list(pr.columns) == ["label", "pagerank", "wins", "losses", "id"]
    if len(pr):
        assert abs(pr["pagerank"].sum() - 1.0) < 1e-6
        assert pr["pagerank"].is_monotonic_decreasing

    P = A.co_usage(G, "Dataset")
    assert isinstance(P, nx.Graph) and not P.is_directed()
    assert all(d["type"] == "Dataset" for _, d in P.nodes(data=True))
    assert all(wt >= 1 for _, _, wt in P.edges(data="weight"))
    t = A.co_usage_table(G, "Method", "Hardware")
    assert list(t.columns) == ["a", "b", "papers", "a_id", "b_id"]
    assert t["papers"].is_monotonic_decreasing
    assert all(i.startswith("method/") for i in t["a_id"]) and all(i.startswith("hardware/") for i in t["b_id"])

    com = A.communities(G, types=["Dataset"])
    assert list(com.columns) == ["community", "label", "type", "papers", "id"]
    if len(com):
        ids = sorted(com["community"].unique())
        assert ids == list(range(len(ids)))
        sizes = com.groupby("community").size()
        assert sizes.is_monotonic_decreasing
        assert com["id"].is_unique

    con = A.contradictions(G, max_length=3)
    assert list(con.columns) == ["cycle", "length", "methods", "step", "winner", "loser", "paper", "title",
                                 "evidence", "confidence", "statement"]
    for m in con["methods"].unique():
        parts = m.split(" > ")
        assert parts[0] == parts[-1] and 2 <= len(parts) - 1 <= 3

    gaps = A.research_gaps(G, "Dataset", "Hardware", n=10)
    assert list(gaps.columns) == ["a", "b", "score", "bridges", "a_papers", "b_papers", "via", "a_id", "b_id"]
    assert gaps["score"].between(0, 1).all() and gaps["score"].is_monotonic_decreasing

    top_methods = A.top_entities(G, "Method", n=1)
    if len(top_methods):
        mid = top_methods["id"].iloc[0]
        label = top_methods["label"].iloc[0]
        found = A.find_node(G, label, type="Method")  # may be another method with the same label
        assert found == label or G.nodes[found]["label"].casefold() == label.casefold()
        lin = A.lineage(G, mid)
        assert list(lin.columns) == ["direction", "depth", "label", "subject", "predicate", "object", "evidence",
                                     "id", "via_id"]
        assert set(lin["direction"]) <= set(A.LINEAGE_DIRECTIONS)
        assert (lin["depth"] >= 1).all()
        L = A.lineage_graph(G, mid)
        assert isinstance(L, nx.DiGraph) and mid in L
        se = A.similar_entities(G, mid, n=5)
        assert list(se.columns) == ["label", "type", "similarity", "shared", "id"]
        assert se["similarity"].between(0, 1).all() and se["similarity"].is_monotonic_decreasing

    papers = [n for n, d in G.nodes(data=True) if d.get("type") == "Paper"]
    if papers:
        sp = A.similar_papers(G, papers[0], n=5)
        assert list(sp.columns) == ["similarity", "title", "shared", "entities", "id"]
        assert papers[0] not in set(sp["id"])
        assert sp["similarity"].between(0, 1).all() and sp["similarity"].is_monotonic_decreasing

    text = A.summary_text(G)
    assert "Nodes by type" in text and "Top methods by papers" in text


def test_shapes_on_hand_graph(G):
    check_analytics_shapes(G)


def test_shapes_on_empty_graph(tmp_path):
    E = nx.MultiDiGraph()
    check_analytics_shapes(E)
    assert A.communities(E).empty and A.contradictions(E).empty
    assert A.write_plots(E, tmp_path) == []


# --------------------------------------------------------------------------- counts & rankings


def test_counts(G):
    c = dict(zip(*A.counts_by_type(G).to_dict("list").values()))
    assert c == {"Paper": 8, "Method": 6, "Dataset": 6, "Hardware": 2, "Task": 2}
    r = A.relations_by_predicate(G).set_index("predicate")
    assert r.loc["outperforms", "statements"] == 8
    assert r.loc["outperforms", "triples"] == 7  # ResNeSt > ResNeXt stated twice
    assert r.loc["extends", "statements"] == 2


def test_top_datasets_by_papers(G):
    df = A.top_entities(G, "Dataset", n=4)
    # ties on papers are broken by bipartite PageRank: CIFAR-100's papers link more entities
    assert list(df["label"]) == ["GLUE", "CIFAR-100", "CIFAR-10", "SVHN"]
    assert list(df["papers"]) == [4, 3, 3, 2]
    assert df["id"].iloc[0] == "dataset/glue"


def test_top_entities_type_is_case_insensitive_and_validated(G):
    assert list(A.top_entities(G, "dataset", n=1)["label"]) == ["GLUE"]
    with pytest.raises(ValueError):
        A.top_entities(G, "Gadget")
    with pytest.raises(ValueError):
        A.top_entities(G, "Dataset", by="fame")


def test_bipartite_pagerank_matches_networkx(G):
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    B = A.paper_entity_graph(G)
    expected = _pagerank_python(B, weight=None, tol=1e-12, max_iter=1000)
    df = A.top_entities(G, None, n=None, by="pagerank")
    got = dict(zip(df["id"], df["pagerank"]))
    for node, value in expected.items():
        if node in got:
            assert got[node] == pytest.approx(value, abs=1e-6)
    assert df["label"].iloc[0] == "GLUE"  # most-connected entity


def test_method_wins(G):
    df = A.method_wins(G, n=None)
    top = df.iloc[0]
    assert (top["label"], top["wins"], top["losses"], top["evidence"], top["papers"]) == ("ResNeSt", 2, 0, 3, 1)
    resnet = df.set_index("label").loc["ResNet"]
    assert (resnet["wins"], resnet["losses"]) == (1, 2)


def test_outperforms_pagerank_winners_rank_high(G):
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    df = A.outperforms_pagerank(G)
    # the closed NLP 3-cycle traps PageRank mass; within the vision component the unbeaten
    # ResNeSt ranks first although it is the newest method
    vision = df[df["label"].isin(["ResNet", "ResNeXt", "ResNeSt"])]
    assert list(vision["label"]) == ["ResNeSt", "ResNeXt", "ResNet"]
    D = A.outperforms_graph(G, direction="loser_to_winner")
    assert D.has_edge("method/resnet", "method/resnest")
    expected = _pagerank_python(D, weight="weight", tol=1e-12, max_iter=1000)
    for node, value in zip(df["id"], df["pagerank"]):
        assert value == pytest.approx(expected[node], abs=1e-6)
    # the symmetric NLP 3-cycle gets equal scores
    nlp = df[df["label"].isin(["BERT", "RoBERTa", "XLNet"])]["pagerank"]
    assert nlp.max() - nlp.min() < 1e-9


# --------------------------------------------------------------------------- co-usage & communities


def test_co_usage_weights(G):
    P = A.co_usage(G, "Dataset")
    assert P["dataset/cifar-10"]["dataset/cifar-100"]["weight"] == 2  # papers 1 and 2
    assert P["dataset/glue"]["dataset/mnli"]["weight"] == 2  # papers 6 and 7
    assert not P.has_edge("dataset/cifar-10", "dataset/glue")
    assert A.co_usage(G, "Dataset", min_papers=2).number_of_edges() < P.number_of_edges()


def test_co_usage_bipartite_method_hardware(G):
    t = A.co_usage_table(G, "Method", "Hardware")
    assert set(zip(t["a"], t["b"])) == {
        ("ResNet", "GPU"), ("ResNeXt", "GPU"), ("ResNeSt", "GPU"), ("BERT", "TPU"), ("RoBERTa", "TPU"), ("XLNet", "TPU")}
    assert t.iloc[0][["a", "b", "papers"]].tolist() == ["BERT", "TPU", 2]
    P = A.co_usage(G, "Method", "Hardware")
    assert nx.is_bipartite(P)


def test_communities_split_dataset_clusters(G):
    df = A.communities(G, types=["Dataset"], seed=0)
    groups = {frozenset(g["label"]) for _, g in df.groupby("community")}
    assert groups == {frozenset({"CIFAR-10", "CIFAR-100", "SVHN"}), frozenset({"GLUE", "SQuAD", "MNLI"})}
    # community 0 is the one with more papers (GLUE 4 + 2 + 2 vs 3 + 3 + 2: tie on size, more papers first)
    assert df[df["community"] == 0]["label"].iloc[0] == "GLUE"


def test_communities_are_deterministic_across_insertion_order(G):
    a = A.communities(G, seed=0)
    b = A.communities(build_graph(order_seed=7), seed=0)
    assert a.equals(A.communities(G, seed=0))
    assert a.reset_index(drop=True).equals(b.reset_index(drop=True))


# --------------------------------------------------------------------------- lineage & contradictions


def test_lineage_chain(G):
    df = A.lineage(G, "resnest")
    anc = df[df["direction"] == "ancestor"]
    assert list(zip(anc["depth"], anc["label"], anc["subject"], anc["object"])) == [
        (1, "ResNeXt", "ResNeSt", "ResNeXt"), (2, "ResNet", "ResNeXt", "ResNet")]
    assert set(anc["predicate"]) == {"extends"}
    beats = df[df["direction"] == "beats"].set_index("label")
    assert beats.loc["ResNeXt", "evidence"] == 2 and beats.loc["ResNeXt", "depth"] == 1
    assert beats.loc["ResNet", "depth"] == 1
    # rows read as the claim: ResNeSt (the root) outperforms ResNeXt
    assert tuple(beats.loc["ResNeXt", ["subject", "predicate", "object"]]) == ("ResNeSt", "outperforms", "ResNeXt")
    assert df[df["direction"] == "beaten_by"].empty


def test_lineage_descendants_and_alias(G):
    df = A.lineage(G, "residual network")  # alias of ResNet
    desc = df[df["direction"] == "descendant"]
    assert list(zip(desc["depth"], desc["label"])) == [(1, "ResNeXt"), (2, "ResNeSt")]
    beaten_by = df[df["direction"] == "beaten_by"]
    assert set(beaten_by["label"]) == {"ResNeXt", "ResNeSt"}
    assert set(beaten_by["object"]) <= {"ResNet", "ResNeXt"} and set(beaten_by["subject"]) == {"ResNeXt", "ResNeSt"}
    desc1 = desc.iloc[0]
    assert (desc1["subject"], desc1["predicate"], desc1["object"]) == ("ResNeXt", "extends", "ResNet")
    assert list(A.lineage(G, "resnet", max_depth=1).query("direction == 'descendant'")["label"]) == ["ResNeXt"]
    with pytest.raises(KeyError, match="ResNet"):
        A.lineage(G, "ResNett")


def test_lineage_graph(G):
    L = A.lineage_graph(G, "ResNeSt")
    assert set(L) == {"method/resnest", "method/resnext", "method/resnet"}
    assert L.nodes["method/resnest"]["role"] == "root"
    e = L["method/resnext"]["method/resnet"]
    assert e["predicate"] == "extends+outperforms" and e["weight"] == 2
    assert L["method/resnest"]["method/resnext"]["outperforms"] == 2


def test_contradictions_two_cycle_with_evidence(G):
    df = A.contradictions(G, max_length=2)
    assert set(df["methods"]) == {"ResNet > ResNeXt > ResNet"}
    assert set(zip(df["winner"], df["loser"], df["paper"])) == {
        ("ResNet", "ResNeXt", _paper_id("Paper 4")), ("ResNeXt", "ResNet", _paper_id("Paper 2"))}
    assert set(df["title"]) == {"Paper 2", "Paper 4"}
    assert "ResNet outperforms ResNeXt." in set(df["evidence"])


def test_contradictions_longer_cycle(G):
    df = A.contradictions(G, max_length=3)
    cycles = df.drop_duplicates("cycle")[["cycle", "length", "methods"]].values.tolist()
    assert cycles == [[0, 2, "ResNet > ResNeXt > ResNet"], [1, 3, "BERT > XLNet > RoBERTa > BERT"]]
    assert len(df[df["cycle"] == 1]) == 3


# --------------------------------------------------------------------------- similarity & gaps


def test_similar_papers_ordering(G):
    df = A.similar_papers(G, "Paper 2")
    assert [t for t in df["title"]] == ["Paper 3", "Paper 1", "Paper 4"]
    # weighted Jaccard with w(e) = log(1 + P / papers(e)), P = 8 papers
    w2, w3 = math.log(1 + 8 / 2), math.log(1 + 8 / 3)
    w1 = math.log(1 + 8 / 1)
    mine = 2 * w2 + 3 * w3          # ResNeXt, SVHN | CIFAR-10, CIFAR-100, GPU
    p3 = w1 + w2 + 2 * w3           # ResNeSt | SVHN | CIFAR-100, GPU
    inter = w2 + 2 * w3
    assert df["similarity"].iloc[0] == pytest.approx(inter / (mine + p3 - inter))
    assert df["shared"].iloc[0] == 3
    assert A.similar_papers(G, _paper_id("Paper 2")).equals(df)


def test_similar_entities(G):
    df = A.similar_entities(G, "cifar10")
    assert list(df["label"]) == ["CIFAR-100", "SVHN"]
    assert list(df["shared"]) == [2, 1]
    mixed = A.similar_entities(G, "GLUE", same_type=False)
    assert "TPU" in set(mixed["label"])


def _gap_graph() -> nx.MultiDiGraph:
    """D2 is used with the same methods as the hardware H1 (M1, M2) but never with H1: the one
    gap. D3 and H2 are the most used dataset and hardware and never meet, but share no context,
    so they are not a gap (a popularity ranking would put them first)."""
    G = nx.MultiDiGraph(base_iri="https://w3id.org/mlkg/id/")
    E = {name: _add_entity(G, t, name) for t, names in
         (("Method", "M1 M2 M3 M4 M5 M6"), ("Dataset", "D1 D2 D3"), ("Hardware", "H1 H2")) for name in names.split()}
    uses = ["M1 D1 H1", "M2 D1 H1", "M1 M2 D2", "D3 M3", "D3 M3", "D3 M4", "H2 M5", "H2 M6", "H2 M5"]
    pred = {"Method": "mentions", "Dataset": "evaluatesOn", "Hardware": "usesHardware"}
    for i, names in enumerate(uses):
        p = _add_paper(G, f"Gap paper {i}")
        for name in names.split():
            _add_stmt(G, p, pred[G.nodes[E[name]]["type"]], E[name], p)
    return G


def test_research_gaps_on_a_graph_with_a_known_answer():
    G = _gap_graph()
    df = A.research_gaps(G, "Dataset", "Hardware")
    assert list(df.columns) == ["a", "b", "score", "bridges", "a_papers", "b_papers", "via", "a_id", "b_id"]
    assert list(zip(df["a"], df["b"])) == [("D2", "H1")]
    row = df.iloc[0]
    assert row["bridges"] == 2 and row["via"] == "M1; M2"
    assert row["score"] == pytest.approx(2 / math.sqrt(2 * 3))  # D2: {M1, M2}; H1: {M1, M2, D1}
    # a pair some paper combines is never a gap, and one bridge is not enough by default
    assert A.research_gaps(G, "Dataset", "Hardware", min_bridges=3).empty
    one = A.research_gaps(G, "Method", "Method", min_bridges=1)
    assert ("M1", "M2") not in set(zip(one["a"], one["b"]))  # paper 2 combines them
    assert ("M3", "M4") in set(zip(one["a"], one["b"]))     # both used with D3, never together


def test_research_gaps_same_type_lists_each_pair_once(G):
    same = A.research_gaps(G, "Dataset", "Dataset", min_bridges=1, n=None)
    pairs = list(zip(same["a_id"], same["b_id"]))
    assert len(pairs) == len({frozenset(p) for p in pairs})
    assert ("CIFAR-10", "GLUE") not in set(zip(same["a"], same["b"]))  # no context in common


# --------------------------------------------------------------------------- lookup


def test_find_node(G):
    assert A.find_node(G, "Residual Network") == "method/resnet"
    assert A.find_node(G, "  resnets ") == "method/resnet"
    assert A.find_node(G, "RESNEXT") == "method/resnext"
    assert A.find_node(G, "dataset/glue") == "dataset/glue"
    assert A.find_node(G, "paper 3") == _paper_id("Paper 3")
    assert A.find_node(G, "cifar-10", type="dataset") == "dataset/cifar-10"


def test_find_node_error_lists_close_matches(G):
    with pytest.raises(KeyError) as exc:
        A.find_node(G, "ResNetz")
    msg = str(exc.value)
    assert "ResNetz" in msg and "'ResNet' (method/resnet)" in msg
    with pytest.raises(KeyError, match="no close matches"):
        A.find_node(G, "zzzzqqqq")
    with pytest.raises(KeyError):
        A.find_node(G, "GLUE", type="Method")


# --------------------------------------------------------------------------- text & plots


def test_summary_text(G):
    text = A.summary_text(G)
    lines = text.splitlines()
    assert "Nodes by type" in lines and "Top datasets by papers" in lines
    assert any(l.split() == ["Paper", "8"] for l in lines)
    assert any(l.split()[:2] == ["GLUE", "4"] for l in lines)
    assert "Outperforms PageRank (loser -> winner)" in lines
    i = lines.index("Outperforms PageRank (loser -> winner)")
    assert lines[i + 2].split() == ["label", "pagerank", "wins", "losses"]
    assert lines[i + 6].split() == ["ResNeSt", "0.0991", "2", "0"]  # after the three tied NLP methods
    assert any(l.startswith("  #0 (") for l in lines)
    # tables are aligned: header and rows of one table have their numeric column ending at the same place
    j = lines.index("Nodes by type")
    block = lines[j + 2 : j + 8]
    assert len({len(l) for l in block}) == 1


def test_write_plots(G, tmp_path):
    paths = A.write_plots(G, tmp_path / "plots")
    names = {p.name for p in paths}
    assert names == {"top_datasets.png", "top_methods.png", "top_hardware.png", "dataset_co_usage.png",
                     "method_lineage.png"}
    for p in paths:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    assert not [p for p in (tmp_path / "plots").iterdir() if p.name.endswith(".tmp")]


def test_import_does_not_load_matplotlib_or_pandas():
    code = "import sys, kg.analytics; print('matplotlib' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_find_node_unique_prefix_and_ambiguous_prefix(G):
    assert A.find_node(G, "ResNeS") == "method/resnest"       # the only name starting so
    assert A.find_node(G, "squ", type="Dataset") == "dataset/squad"
    with pytest.raises(KeyError, match="beginning of the name of 3") as exc:
        A.find_node(G, "resne")                             # ResNet, ResNeXt, ResNeSt
    assert "method/resnext" in str(exc.value)
    # similar_papers takes what find_node takes: a unique beginning of a title
    assert A.similar_papers(G, "Paper 2").equals(A.similar_papers(G, "paper 2"))


def test_find_node_hints_name_each_node_once():
    G = nx.MultiDiGraph()
    _add_entity(G, "Dataset", "ImageNet", ["ImageNet-1K", "ImageNet1K", "ILSVRC"])
    with pytest.raises(KeyError) as exc:
        A.find_node(G, "imagenet-2k")
    assert str(exc.value).count("'ImageNet' (dataset/imagenet)") == 1
