"""GraphML's bytes for values of every kind: tests/data/graphml/ holds what the writer gave before
its fast paths (plain strings written as they are, node ids kept for the edges), and it must
still give exactly that."""
from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.export.graphml import write_graphml
from kg.graph import KGraph

DATA = Path(__file__).parent / "data" / "graphml"
NASTY = "a&<>\"'\r\n\t\x01\ud800\ufffe"


def hostile_graphs():
    for cls in (nx.MultiDiGraph, KGraph, nx.Graph, nx.DiGraph):
        G = cls(base_iri="http://e/", weird=(1, 2), n=None, f=1.5)
        G.add_node(NASTY, type="X", x=1, y=True, z=None, w=(1, "a"), s={"b", "a"}, q=frozenset())
        G.add_node(3, x=2.5, y=1, z="s", w=[None, 2], obj=b"by<tes")
        G.add_node(("t", 1), x=True, y=2.0, sub=1 + 2j, bb=False)
        G.add_edge(NASTY, 3, predicate="p", evidence="e\r\n&x\x0b", start=0, end=True, confidence=1e-7, rule=None)
        G.add_edge(3, ("t", 1), evidence="plain", start=1.5, end=2, extra=("x", "<"))
        G.add_edge(3, ("t", 1), evidence=None, start=None)
        yield cls.__name__, G


@pytest.mark.parametrize("name,G", list(hostile_graphs()), ids=lambda x: x if isinstance(x, str) else "")
def test_graphml_bytes_unchanged(name, G, tmp_path):
    write_graphml(G, tmp_path / "g.graphml")
    assert (tmp_path / "g.graphml").read_bytes() == (DATA / f"{name}.graphml").read_bytes()
