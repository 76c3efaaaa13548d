"""kg eval: per-paper scores that only trust a paper's own aliases, B-cubed resolution, merging."""
from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest

from kg.evaluate import Report, evaluate, read_gold
from kg.evaluate.text import text_keys
from kg.names import name_key


def graph(papers, nodes):
    """papers: {pid: (title, abstract, [(predicate, node)])}; nodes: {node: (type, label, aliases)}."""
    G = nx.MultiDiGraph()
    for n, (t, label, aliases) in nodes.items():
        G.add_node(n, type=t, label=label, aliases=tuple(aliases))
    for pid, (title, abstract, edges) in papers.items():
        p = f"paper/{pid}"
        G.add_node(p, type="Paper", label=title, title=title, abstract=abstract, aliases=())
        for pred, n in edges:
            G.add_edge(p, n, predicate=pred, paper=p, rule="test", evidence="")
    return G


def gold(pid, title, *entities):
    """entities: (name, type) or (name, type, [aliases])."""
    return {"id": pid, "title": title, "relations": [],
            "entities": [{"name": e[0], "type": e[1], "aliases": list(e[2]) if len(e) > 2 else []} for e in entities]}


def test_text_keys_are_word_aligned_and_plural_blind():
    keys = text_keys("Our activity model beats Vision Transformers (ViT) on ImageNet-1K.")
    assert name_key("ViT") in keys and name_key("vision transformer") in keys and name_key("ImageNet 1K") in keys
    assert name_key("vity") not in keys and "tiv" not in keys


def test_alias_from_another_paper_cannot_rescue_a_match():
    # the node fused A100 and P100 in some other paper; this paper only says A100
    nodes = {"hardware/a100": ("Hardware", "NVIDIA A100", ["P100"])}
    G = graph({"x": ("Fast training", "We train on one A100 GPU.", [("usesHardware", "hardware/a100")])}, nodes)
    r = evaluate(G, [gold("x", "Fast training", ("P100", "Hardware"))])
    assert (r.scores["entities"].tp, r.scores["entities"].fp, r.scores["entities"].fn) == (0, 1, 1)
    # the same alias counts where the paper's own text has it
    G2 = graph({"y": ("Old chips", "We train on a P100.", [("usesHardware", "hardware/a100")])}, nodes)
    assert evaluate(G2, [gold("y", "Old chips", ("P100", "Hardware"))]).scores["entities"].tp == 1


def test_bcubed_sees_a_fused_node_and_lists_it():
    nodes = {"task/fgic": ("Task", "fine-grained image classification", ["image classification"]),
             "task/od": ("Task", "object detection", [])}
    papers = {
        "a": ("Birds", "Fine-grained image classification of birds.", [("addresses", "task/fgic")]),
        "b": ("Cats", "Image classification of cats.", [("addresses", "task/fgic")]),
        "c": ("Dogs", "Image classification of dogs and object detection.", [("addresses", "task/fgic"), ("addresses", "task/od")]),
    }
    G = graph(papers, nodes)
    records = [gold("a", "Birds", ("fine-grained image classification", "Task")),
               gold("b", "Cats", ("image classification", "Task")),
               gold("c", "Dogs", ("image classification", "Task"), ("object detection", "Task"))]
    r = evaluate(G, records)
    p, rec = r.resolution.scores()
    # 4 mentions; fgic node holds 1 fine-grained + 2 image classification: precision (1/3 + 2/3 + 2/3 + 1)/4
    assert p == pytest.approx((1 / 3 + 2 / 3 + 2 / 3 + 1) / 4) and rec == 1.0
    fused = r.resolution.fused()
    assert fused == [("fine-grained image classification", [("image classification", 2), ("fine-grained image classification", 1)])]
    assert "nodes fusing several gold entities: 1" in r.resolution.table()


def test_bcubed_sees_a_split_entity():
    nodes = {"method/cnn": ("Method", "convolutional neural network", ["CNN"]), "method/cnn-2": ("Method", "CNNs", [])}
    G = graph({"a": ("A", "A CNN.", [("mentions", "method/cnn")]), "b": ("B", "Two CNNs.", [("mentions", "method/cnn-2")])}, nodes)
    r = evaluate(G, [gold("a", "A", ("convolutional neural network", "Method", ["CNN"])),
                     gold("b", "B", ("convolutional neural network", "Method", ["CNN"]))])
    assert r.resolution.scores() == (1.0, 0.5)
    assert r.resolution.split()[0][0] == "convolutional neural network"


def test_gold_alias_identity_joins_acronym_spelled_as_canonical():
    nodes = {"method/lstm": ("Method", "long short-term memory", ["LSTM"])}
    G = graph({"a": ("A", "An LSTM.", [("mentions", "method/lstm")]),
               "b": ("B", "Long short-term memory (LSTM).", [("mentions", "method/lstm")])}, nodes)
    r = evaluate(G, [gold("a", "A", ("LSTM", "Method")), gold("b", "B", ("long short-term memory", "Method", ["LSTM"]))])
    assert r.resolution.scores()[0] == 0.5
    assert r.resolution.scores(gold_aliases=True) == (1.0, 1.0)


def test_merge_sums_counts_and_keeps_graphs_apart():
    nodes = {"dataset/c10": ("Dataset", "CIFAR-10", [])}
    G1 = graph({"a": ("A", "On CIFAR-10.", [("evaluatesOn", "dataset/c10")])}, nodes)
    G2 = graph({"b": ("B", "On CIFAR-10.", [("evaluatesOn", "dataset/c10")])}, {"dataset/c10": ("Dataset", "CIFAR-10", [])})
    r1 = evaluate(G1, [gold("a", "A", ("CIFAR-10", "Dataset"), ("MNIST", "Dataset"))])
    r2 = evaluate(G2, [gold("b", "B", ("CIFAR-10", "Dataset"))])
    m = Report.merge([r1, r2])
    s = m.scores["entities"]
    assert (s.tp, s.fp, s.fn) == (2, 0, 1)
    assert m.scores["entity:Dataset"].tp == 2
    # same node id in two fold graphs is two nodes: recall 0.5 for the split CIFAR-10
    assert m.resolution.scores() == (1.0, 0.5)
    # the same graph evaluated against two gold files shares its nodes
    both = Report.merge([evaluate(G1, [gold("a", "A", ("CIFAR-10", "Dataset"))]),
                         evaluate(G1, [gold("a", "A", ("CIFAR-10", "Dataset"))])])
    assert both.resolution.scores() == (1.0, 1.0)


def test_read_gold_names_file_and_line(tmp_path):
    f = tmp_path / "g.jsonl"
    f.write_text('{"id": "a", "title": "A", "entities": [], "relations": []}\n{oops\n')
    with pytest.raises(ValueError, match=r"g\.jsonl:2:"):
        read_gold(f)


def test_cli_eval_takes_several_gold_files(tmp_path):
    from tests.test_pipeline import EXAMPLES

    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(EXAMPLES), "--out", str(tmp_path), "--formats", "ttl",
                    "--quiet", "--no-state"], check=True, capture_output=True)
    g1, g2 = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    g1.write_text(json.dumps(gold("x", "TCN-Gate: Gated Temporal Convolutions for Long Sequences", ("TCN-Gate", "Method"))) + "\n")
    g2.write_text(json.dumps(gold("y", "no such paper", ("MEGA", "Method"))) + "\n")
    e = subprocess.run([sys.executable, "-m", "kg.cli", "eval", str(tmp_path / "graph.ttl"), str(g1), str(g2)],
                       capture_output=True, text=True, check=True)
    assert f"== {g1} (1 papers)" in e.stdout and f"== {g2} (1 papers)" in e.stdout
    assert "resolution (B-cubed over 1 matched gold mentions" in e.stdout
    assert e.stdout.index("resolution (B-cubed") > e.stdout.index("method relations")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{\n")
    e = subprocess.run([sys.executable, "-m", "kg.cli", "eval", str(tmp_path / "graph.ttl"), str(g1), str(bad)],
                       capture_output=True, text=True)
    assert e.returncode == 2 and f"{bad}:1:" in e.stderr and e.stderr.count("\n") == 1
