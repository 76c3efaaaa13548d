"""The whole build on the demo listings in examples/: graph shape, round trip, stability."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import kg
from fixtures import assert_same_graph
from kg.export import export
from kg.loader import load
from kg.schema import NODE_TYPES, PREDICATES

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def demo_graph() -> nx.MultiDiGraph:
    return kg.build_graph([EXAMPLES])


def test_demo_graph_holds_every_type_and_predicate(demo_graph):
    types = {d["type"] for _, d in demo_graph.nodes(data=True)}
    assert types == set(NODE_TYPES)
    preds = {d["predicate"] for *_, d in demo_graph.edges(data=True)}
    assert preds == set(PREDICATES)


def test_duplicate_listing_becomes_one_paper_with_both_sources(demo_graph):
    papers = [d for _, d in demo_graph.nodes(data=True) if d["type"] == "Paper"]
    lattice = [p for p in papers if p["title"].startswith("LatticeNet:")]
    assert len(lattice) == 1
    assert len(lattice[0]["sources"]) == 2 and len(lattice[0]["urls"]) == 2
    assert lattice[0]["code"] == ("https://github.com/example-lab/latticenet",)


def test_claims_carry_evidence(demo_graph):
    wins = [(demo_graph.nodes[u]["label"], demo_graph.nodes[v]["label"], d)
            for u, v, d in demo_graph.edges(data=True) if d["predicate"] == "outperforms"]
    lattice = [d for s, o, d in wins if (s, o) == ("LatticeNet", "Swin Transformer")]
    assert lattice, wins
    ev = lattice[0]
    abstract = demo_graph.nodes[ev["paper"]]["abstract"]
    assert abstract[ev["start"]:ev["end"]] == ev["evidence"]
    assert "outperforms Swin Transformer" in ev["evidence"]


def test_turtle_round_trip_gives_an_equal_graph(demo_graph, tmp_path):
    export(demo_graph, tmp_path, ["ttl"])
    loaded = kg.load(tmp_path / "graph.ttl")
    assert dict(loaded.nodes(data=True)) == dict(demo_graph.nodes(data=True))
    assert sorted(loaded.edges(keys=True, data=True), key=str) == sorted(demo_graph.edges(keys=True, data=True), key=str)
    assert loaded.graph["base_iri"] == demo_graph.graph["base_iri"]


def test_builds_are_byte_identical(tmp_path):
    import os

    outs = []
    for seed in ("1", "2"):  # set iteration order must not leak into the output
        out = tmp_path / seed
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(EXAMPLES), "--out", str(out), "--quiet",
                        "--formats", "ttl,nt"], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outs.append(((out / "graph.ttl").read_bytes(), (out / "graph.nt").read_bytes()))
    assert outs[0] == outs[1]


def test_cli_build_writes_all_five_files_and_a_summary(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(EXAMPLES), "--out", str(tmp_path)],
                            check=True, capture_output=True, text=True)
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "graph.html"):
        assert (tmp_path / name).stat().st_size > 0
    for line in ("papers read       12", "duplicates merged 1", "papers in graph   11", "entities", "relations", "seconds"):
        assert line in result.stdout


def test_cli_query_validate_and_eval(tmp_path):
    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(EXAMPLES), "--out", str(tmp_path), "--formats", "ttl"],
                   check=True, capture_output=True)
    ttl = str(tmp_path / "graph.ttl")
    q = subprocess.run([sys.executable, "-m", "kg.cli", "query", ttl,
                        "SELECT ?m WHERE { ?p kg:proposes ?m . ?m skos:prefLabel 'TCN-Gate' }", "--format", "csv"],
                       capture_output=True, text=True, check=True)
    assert q.stdout.splitlines()[0] == "m" and "method/tcn-gate" in q.stdout
    ask = subprocess.run([sys.executable, "-m", "kg.cli", "query", ttl, "ASK { ?a kg:outperforms ?b }"],
                         capture_output=True, text=True, check=True)
    assert ask.stdout.strip() == "true"
    v = subprocess.run([sys.executable, "-m", "kg.cli", "validate", ttl], capture_output=True, text=True)
    assert v.returncode == 0 and "Conforms: True" in v.stdout
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "x", "title": "TCN-Gate: Gated Temporal Convolutions for Long Sequences", '
                    '"entities": [{"name": "TCN-Gate", "type": "Method", "aliases": []}], '
                    '"relations": [{"s": "PAPER", "p": "proposes", "o": "TCN-Gate"}]}\n')
    e = subprocess.run([sys.executable, "-m", "kg.cli", "eval", ttl, str(gold)], capture_output=True, text=True, check=True)
    assert "relation:proposes" in e.stdout
    proposes = next(line for line in e.stdout.splitlines() if line.startswith("relation:proposes"))
    assert proposes.split()[3] == "1.000"  # recall of the one gold claim


def test_example_notebook_runs(tmp_path, monkeypatch):
    import json

    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(EXAMPLES), "--out", str(tmp_path), "--quiet",
                    "--no-state", "--formats", "ttl"], check=True, capture_output=True)
    notebook = json.loads((EXAMPLES / "analytics.ipynb").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    env: dict = {}
    shown = []  # what each cell displays: the value of its last expression, as in Jupyter
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            tree = ast.parse("".join(cell["source"]).replace("/tmp/demo", str(tmp_path)))
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, "cell", "exec"), env)
            if last is not None:
                shown.append(eval(compile(ast.Expression(last.value), "cell", "eval"), env))
    exported = load(tmp_path / "graph.ttl")
    assert_same_graph(env["G"], exported)
    assert shown[0] == (exported.number_of_nodes(), exported.number_of_edges()) and shown[0][1] > 0
    tables = [x for x in shown if isinstance(x, pd.DataFrame)]
    assert len(tables) == len(shown) - 2
    # every table shows rows, except contradictions: the demo listings hold no outperforms cycle
    empty = [list(t.columns)[:2] for t in tables if t.empty]
    assert empty == [["cycle", "methods"]], empty
    plots = shown[-1]
    assert plots and all(p.is_file() and p.stat().st_size > 1000 for p in plots)
