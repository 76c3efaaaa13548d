from __future__ import annotations

import json
import random
import shutil
import subprocess

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from fixtures import P1, P2, P3, assert_same_graph, build_fixture_graph
from kg.export import export, exporters, get_exporter, register_exporter
from kg.loader import load
from kg.rdf import (DEFAULT_BASE_IRI, decode_id, encode_id, format_decimal, graph_triples,
                    triples_to_graph)

FILES = ["graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml"]


# --- registry -------------------------------------------------------------------------------

def test_builtin_exporters_registered():
    ex = exporters()
    for name, ext in [("turtle", "ttl"), ("ntriples", "nt"), ("jsonld", "jsonld"), ("graphml", "graphml")]:
        assert ex[name].extension == ext
    assert get_exporter("ttl").name == "turtle"
    assert get_exporter(".nt").name == "ntriples"
    with pytest.raises(ValueError, match="unknown export format"):
        get_exporter("docx")


def test_export_writes_all_four_files(tmp_path, fixture_graph):
    paths = export(fixture_graph, tmp_path, formats=["turtle", "ntriples", "jsonld", "graphml"])
    assert [p.name for p in paths] == FILES
    for p in paths:
        assert p.is_file() and p.stat().st_size > 0
    # atomic_open leaves no temporary files behind
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)


def test_export_default_is_every_registered_format(tmp_path, fixture_graph):
    paths = export(fixture_graph, tmp_path)
    assert {p.name for p in paths} >= set(FILES)
    assert len(paths) == len(exporters())


def test_register_custom_exporter(tmp_path, fixture_graph):
    from kg.export import unregister_exporter
    from kg.io import atomic_open

    @register_exporter("nodecount", "count.txt")
    def write_count(G, path):
        with atomic_open(path) as fh:
            fh.write(str(G.number_of_nodes()))

    try:
        [path] = export(fixture_graph, tmp_path, formats=["nodecount"])
        assert path.name == "graph.count.txt"
        assert path.read_text() == str(fixture_graph.number_of_nodes())
    finally:
        unregister_exporter("nodecount")


# --- RDF serializations -----------------------------------------------------------------------

def _rdflib(path, fmt):
    return rdflib.Graph().parse(str(path), format=fmt)


def test_turtle_parses_with_rdflib(exported_dir, fixture_graph):
    g = _rdflib(exported_dir / "graph.ttl", "turtle")
    assert len(g) == len(graph_triples(fixture_graph))


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
def test_turtle_parses_with_rapper(exported_dir, fixture_graph):
    n = len(graph_triples(fixture_graph))
    for name, syntax in [("graph.ttl", "turtle"), ("graph.nt", "ntriples")]:
        proc = subprocess.run(["rapper", "-i", syntax, "-c", str(exported_dir / name)],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert f"returned {n} triples" in proc.stderr
        assert "Error" not in proc.stderr and "Warning" not in proc.stderr


def test_ntriples_and_jsonld_have_same_triples_as_turtle(exported_dir):
    ttl = _rdflib(exported_dir / "graph.ttl", "turtle")
    nt = _rdflib(exported_dir / "graph.nt", "nt")
    jsonld = _rdflib(exported_dir / "graph.jsonld", "json-ld")
    assert len(nt) == len(ttl) == len(jsonld)
    assert isomorphic(ttl, nt)
    assert isomorphic(ttl, jsonld)


def test_jsonld_has_context(exported_dir):
    doc = json.loads((exported_dir / "graph.jsonld").read_text(encoding="utf-8"))
    ctx = doc["@context"]
    assert ctx["kg"] == "https://w3id.org/mlkg/ontology#"
    assert ctx["method"] == DEFAULT_BASE_IRI + "method/"
    ids = {node["@id"] for node in doc["@graph"]}
    assert "method:tcnca" in ids


def test_jsonld_short_keys_and_typed_values(exported_dir):
    """Terms of the @context, numbers as JSON numbers or typed by the context, IRIs as compact strings."""
    lines = (exported_dir / "graph.jsonld").read_text(encoding="utf-8").splitlines()
    stmt = next(json.loads(line.rstrip(",")) for line in lines if line.startswith('{"@id":"statement:'))
    assert stmt["@type"] == "kg:Statement"
    assert isinstance(stmt["start"], int) and isinstance(stmt["confidence"], str)
    assert stmt["subject"].split(":")[0] in ("paper", "method", "dataset", "task", "hardware")
    ctx = json.loads((exported_dir / "graph.jsonld").read_text(encoding="utf-8"))["@context"]
    assert ctx["confidence"] == {"@id": "kg:confidence", "@type": "xsd:decimal"}
    assert ctx["proposes"] == {"@id": "kg:proposes", "@type": "@id"}


def test_jsonld_pyld_gives_the_turtle_triples(exported_dir):
    from pyld import jsonld

    doc = json.loads((exported_dir / "graph.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    g = rdflib.Graph().parse(data=nquads, format="nt")
    assert isomorphic(g, _rdflib(exported_dir / "graph.ttl", "turtle"))


def test_turtle_is_byte_identical_across_runs_and_insertion_orders(tmp_path):
    G1 = build_fixture_graph()
    # Same graph, nodes and edges inserted in a different order.
    G2 = nx.MultiDiGraph()
    G2.graph.update(G1.graph)
    nodes = list(G1.nodes(data=True))
    edges = list(G1.edges(keys=True, data=True))
    random.Random(7).shuffle(nodes)
    random.Random(7).shuffle(edges)
    G2.add_nodes_from(nodes)
    for u, v, k, d in edges:
        G2.add_edge(u, v, key=k, **d)
    a = export(G1, tmp_path / "a", formats=["ttl", "nt", "jsonld"])
    b = export(G2, tmp_path / "b", formats=["ttl", "nt", "jsonld"])
    c = export(build_fixture_graph(), tmp_path / "c", formats=["ttl"])
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    assert a[0].read_bytes() == c[0].read_bytes()


def test_turtle_prefixes_and_model(exported_dir):
    text = (exported_dir / "graph.ttl").read_text(encoding="utf-8")
    assert text.startswith("@prefix dataset: <https://w3id.org/mlkg/id/dataset/> .\n")
    g = _rdflib(exported_dir / "graph.ttl", "turtle")
    KG = rdflib.Namespace("https://w3id.org/mlkg/ontology#")
    SCHEMA = rdflib.Namespace("https://schema.org/")
    paper = rdflib.URIRef(DEFAULT_BASE_IRI + P1)
    assert (paper, rdflib.RDF.type, KG.Paper) in g
    assert (paper, rdflib.RDF.type, SCHEMA.ScholarlyArticle) in g
    assert (paper, KG.listingDate, rdflib.Literal("Sep 11")) in g
    assert (paper, KG.hasCode, rdflib.URIRef("https://github.com/IBM/tcnca")) in g
    assert (paper, KG.proposes, rdflib.URIRef(DEFAULT_BASE_IRI + "method/tcnca")) in g
    ds = rdflib.URIRef(DEFAULT_BASE_IRI + "dataset/imagenet")
    assert (ds, rdflib.RDF.type, SCHEMA.Dataset) in g
    assert (ds, rdflib.SKOS.altLabel, rdflib.Literal("ImageNet-1K")) in g
    # statement node with typed values
    stmts = list(g.subjects(KG.predicate, KG.outperforms))
    assert len(stmts) == 4
    for s in stmts:
        assert g.value(s, KG.start).datatype == rdflib.XSD.integer
        assert g.value(s, KG.confidence).datatype == rdflib.XSD.decimal
        assert (s, rdflib.RDF.type, KG.Statement) in g
    # one truthy triple per (s, p, o) even when two papers make the claim
    mega, transformer = (rdflib.URIRef(DEFAULT_BASE_IRI + "method/" + m) for m in ("mega", "transformer"))
    assert len(list(g.triples((mega, KG.outperforms, transformer)))) == 1


# --- round trip -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["graph.ttl", "graph.nt", "graph.jsonld"])
def test_load_round_trip(exported_dir, name):
    assert_same_graph(load(exported_dir / name), build_fixture_graph())


def test_round_trip_custom_base_iri(tmp_path):
    G = build_fixture_graph(base_iri="http://example.org/kg/")
    export(G, tmp_path, formats=["ttl"])
    H = load(tmp_path / "graph.ttl")
    assert H.graph["base_iri"] == "http://example.org/kg/"
    assert_same_graph(H, G)


def test_special_characters_survive(exported_dir):
    H = load(exported_dir / "graph.ttl")
    G = build_fixture_graph()
    assert H.nodes[P2]["title"] == G.nodes[P2]["title"]
    assert "高速" in H.nodes[P2]["title"] and "𝔼" in H.nodes[P2]["title"]
    evidence = {d["evidence"] for _, _, d in H.edges(data=True)}
    assert 'A reviewer wrote """this <script>alert("x")</script> is fine""" and we agree.' in evidence
    assert any("C:\\data\\imagenet" in e and "\t" in e for e in evidence)
    assert "\n" in H.nodes[P2]["abstract"]
    assert H.nodes[P3]["title"].endswith("the \\ Backslash")
    assert "method/café-net" in H
    assert "task/question answering (qa)" in H
    assert "https://example.org/café?x=1&y=<2>" in H.nodes[P2]["urls"]


def test_author_order_preserved(exported_dir):
    H = load(exported_dir / "graph.ttl")
    assert H.nodes[P1]["authors"] == ("Aleksandar Terzić", "Michael Hersche", "Abbas Rahimi")
    assert H.nodes[P3]["date"] is None and H.nodes[P3]["code"] == ()


def test_graphml(exported_dir):
    H = nx.read_graphml(exported_dir / "graph.graphml", force_multigraph=True)
    G = build_fixture_graph()
    assert H.number_of_nodes() == G.number_of_nodes()
    assert H.number_of_edges() == G.number_of_edges()
    assert H.nodes[P1]["authors"] == "Aleksandar Terzić|Michael Hersche|Abbas Rahimi"
    assert "date" not in H.nodes[P3]  # None dropped
    assert H.graph["base_iri"] == DEFAULT_BASE_IRI
    keys = {k for _, _, k in H.edges(keys=True)}
    assert keys == {k for _, _, k in G.edges(keys=True)}
    assert {type(d["start"]) for _, _, d in H.edges(data=True) if "start" in d} == {int}


def test_graphml_igraph(exported_dir):
    import igraph

    g = igraph.Graph.Read_GraphML(str(exported_dir / "graph.graphml"))
    G = build_fixture_graph()
    assert (g.vcount(), g.ecount()) == (G.number_of_nodes(), G.number_of_edges())
    assert g.is_directed() and set(g.vs["id"]) == set(G.nodes)
    assert sorted(g.es["predicate"]) == sorted(d["predicate"] for _, _, d in G.edges(data=True))
    assert "Aleksandar Terzić|Michael Hersche|Abbas Rahimi" in g.vs["authors"]


# --- term mapping ---------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
def test_encode_id_is_reversible_and_valid(node_id):
    enc = encode_id(node_id)
    assert decode_id(enc) == node_id
    ox.NamedNode(DEFAULT_BASE_IRI + enc)  # raises if not a valid IRI
    assert not any(c in enc for c in ' <>"{}|^`\\')


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_confidence_decimal_round_trip(x):
    text = format_decimal(x)
    assert "e" not in text.lower() and "." in text
    assert float(text) == x


def test_triples_to_graph_inverse_in_memory(fixture_graph):
    assert_same_graph(triples_to_graph(graph_triples(fixture_graph)), fixture_graph)


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=60, deadline=None)
@example(slug="a.", title="", evidence="", alias="", conf=0.0)
@example(slug="../x/./.", title='"""', evidence="\\", alias="\n", conf=1.0)
@example(slug="é.", title="", evidence="", alias="", conf=0.0)
@given(slug=_text.filter(bool), title=_text, evidence=_text, alias=_text,
       conf=st.floats(min_value=0, max_value=1, allow_nan=False))
def test_arbitrary_text_round_trips_through_turtle(tmp_path_factory, slug, title, evidence, alias, conf):
    G = nx.MultiDiGraph(base_iri=DEFAULT_BASE_IRI)
    pid = "paper/" + slug
    # kg:source keeps a source's file name without its folders, so a "/" would not round-trip
    G.add_node(pid, type="Paper", label=title, title=title, abstract=evidence, date=alias or None,
               sources=(alias.replace("/", "").replace("\\", ""),), urls=(alias,), authors=(title, alias), code=(), aliases=())
    mid = "method/" + slug
    G.add_node(mid, type="Method", label=alias, aliases=tuple(sorted({title, evidence})))
    G.add_edge(pid, mid, key="statement/" + slug, predicate="proposes", paper=pid, evidence=evidence,
               start=-1, end=-1, rule=alias, confidence=conf)
    out = tmp_path_factory.mktemp("h")
    export(G, out, formats=["ttl", "nt"])
    assert_same_graph(load(out / "graph.ttl"), G)
    assert len(_rdflib(out / "graph.ttl", "turtle")) == len(_rdflib(out / "graph.nt", "nt"))
