"""The RDF model as other tools read it: the shapes on their own, typed dates, portable
sources, Wikidata links and class alignment (issue 18)."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate as shacl_validate

from fixtures import build_fixture_graph
from kg.rdf import graph_triples
from kg.schema import ontology_file, shapes_file
from kg.validate import _to_rdflib

KGNS = "https://w3id.org/mlkg/ontology#"


def _shacl(data: rdflib.Graph, with_ontology: bool) -> tuple[bool, str]:
    shapes = rdflib.Graph().parse(data=shapes_file().read_text(encoding="utf-8"), format="turtle")
    ont = rdflib.Graph().parse(data=ontology_file().read_text(encoding="utf-8"), format="turtle") \
        if with_ontology else None
    conforms, _, text = shacl_validate(data, shacl_graph=shapes, ont_graph=ont, inference="none")
    return bool(conforms), str(text)


@pytest.fixture(scope="module")
def export_graph() -> rdflib.Graph:
    return _to_rdflib(graph_triples(build_fixture_graph()))


@pytest.mark.parametrize("with_ontology", [False, True])
def test_shapes_validate_an_export_standalone(export_graph, with_ontology):
    conforms, text = _shacl(export_graph, with_ontology)
    assert conforms, text


@pytest.mark.parametrize("with_ontology", [False, True])
def test_shapes_reject_a_statement_about_a_paper(export_graph, with_ontology):
    g = rdflib.Graph()
    g += export_graph
    stmt = next(g.subjects(rdflib.RDF.type, rdflib.URIRef(KGNS + "Statement")))
    paper = next(g.subjects(rdflib.RDF.type, rdflib.URIRef(KGNS + "Paper")))
    g.set((stmt, rdflib.URIRef(KGNS + "object"), paper))
    conforms, text = _shacl(g, with_ontology)
    assert not conforms and "kg:object" in text


# --- typed dates, portable sources, Wikidata links ----------------------------------------------

from kg.rdf.literals import typed_date  # noqa: E402
from kg.rdf.wikidata import wikidata_id  # noqa: E402

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("text, lexical, datatype", [
    ("2024-03-05", "2024-03-05", "date"), ("Sep 11", "--09-11", "gMonthDay"), ("Feb 29", "--02-29", "gMonthDay"),
    ("Sep 11, 2023", "2023-09-11", "date"), ("11 September 2023", "2023-09-11", "date"),
    ("2023-09", "2023-09", "gYearMonth"), ("2023", "2023", "gYear"), ("Sept 11", "--09-11", "gMonthDay"),
    ("May 2", "--05-02", "gMonthDay"),
])
def test_typed_date(text, lexical, datatype):
    assert typed_date(text) == (lexical, XSD + datatype)


@pytest.mark.parametrize("text", ["yesterday", "Sep 31", "2023-02-30", "Foo 3", "Mayday 3", "Ma 3", ""])
def test_not_a_date_gets_no_typed_form(text):
    assert typed_date(text) is None


def test_wikidata_lookup_by_label_and_alias():
    assert wikidata_id("Dataset", "ImageNet") == "Q24901201"
    assert wikidata_id("Dataset", "Something", ["ILSVRC-2012"]) == "Q24901201"
    assert wikidata_id("Hardware", "gpu") == "Q183484"
    assert wikidata_id("Method", "no such method") is None
    assert wikidata_id("Paper", "ImageNet") is None


def _export(G) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph_triples(G))
    return store


def test_export_links_dates_and_sources():
    G = build_fixture_graph()
    G.add_node("dataset/imagenet", type="Dataset", label="ImageNet", aliases=("ILSVRC",))
    store = _export(G)
    rows = list(store.query("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                            "SELECT ?e ?w WHERE { ?e skos:exactMatch ?w }"))
    assert any(r["w"].value == "http://www.wikidata.org/entity/Q24901201" for r in rows)
    # "Sep 11" sorts and filters as a typed value
    dates = {r["d"] for r in store.query("PREFIX dcterms: <http://purl.org/dc/terms/> "
                                          "SELECT ?d WHERE { ?p dcterms:date ?d }")}
    assert dates and all(d.datatype.value.startswith(XSD) for d in dates)
    sources = [r["s"].value for r in store.query("SELECT ?s WHERE { ?p <%ssource> ?s }" % KGNS)]
    assert sources and all("/" not in s for s in sources)


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_corpus_export_passes_shapes_without_ontology():
    from kg.pipeline import build_graph
    data = _to_rdflib(graph_triples(build_graph([CORPUS])))
    conforms, text = _shacl(data, with_ontology=False)
    assert conforms, text[:2000]
    assert (None, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"), None) in data


# --- kg.load reads every export the build writes ---------------------------------------------------

@pytest.mark.parametrize("name", ["graph.graphml", "graph.jsonld"])
def test_load_graphml_and_jsonld(tmp_path, name):
    import kg
    from fixtures import assert_same_graph
    from kg.export import export
    G = build_fixture_graph()
    export(G, tmp_path, formats=[name.split(".")[1]])
    assert_same_graph(kg.load(tmp_path / name), G)


def test_load_bad_graphml_names_the_file(tmp_path):
    import kg
    bad = tmp_path / "graph.graphml"
    bad.write_text("<graphml><graph", encoding="utf-8")
    with pytest.raises(ValueError, match="graph.graphml"):
        kg.load(bad)


def test_shipped_gold_file_scores_the_demo_build(tmp_path):
    """The README's `kg eval` line works as written: gold/examples.jsonl names demo papers."""
    from kg.evaluate import evaluate, read_gold
    from kg.pipeline import build_graph
    root = Path(__file__).resolve().parents[1]
    report = evaluate(build_graph([root / "examples"]), read_gold(root / "gold" / "examples.jsonl"))
    assert not report.papers_missing
    assert "relation:outperforms" in report.table()


def test_ontology_aligns_classes_with_lpwc_and_schema_org():
    ont = rdflib.Graph().parse(data=ontology_file().read_text(encoding="utf-8"), format="turtle")
    eq = {(str(s), str(o)) for s, o in ont.subject_objects(rdflib.OWL.equivalentClass)}
    for cls in ("paper", "method", "dataset", "task"):
        assert (KGNS + cls.capitalize(), "https://linkedpaperswithcode.com/class/" + cls) in eq
    sub = {(str(s), str(o)) for s, o in ont.subject_objects(rdflib.RDFS.subClassOf)}
    assert (KGNS + "Paper", "https://schema.org/ScholarlyArticle") in sub
    assert (KGNS + "Dataset", "https://schema.org/Dataset") in sub
    # schema:author is schema.org's own property, not redeclared as a datatype property
    assert (rdflib.URIRef("https://schema.org/author"), rdflib.RDF.type, rdflib.OWL.DatatypeProperty) not in ont


# --- authors as schema:Person; sources the same wherever the build ran --------------------------

SCHEMA = "https://schema.org/"


def _authored_graph():
    G = build_fixture_graph()
    # two papers share "Bob Builder"; "J. Smith" and "J Smith" share a slug; "---" has none
    paper = next(n for n, d in G.nodes(data=True) if d["type"] == "Paper" and not d["authors"])
    G.nodes[paper]["authors"] = ("Zed Zulu", "J. Smith", "J Smith", "---", "Bob Builder")
    return G, paper


def test_authors_are_persons_with_their_names(tmp_path):
    import kg
    from fixtures import assert_same_graph
    from kg.export import export
    G, paper = _authored_graph()
    g = _to_rdflib(graph_triples(G))
    author, name = rdflib.URIRef(SCHEMA + "author"), rdflib.URIRef(SCHEMA + "name")
    persons = set(g.objects(None, author))
    assert persons and all(isinstance(p, rdflib.URIRef) and p.startswith(G.graph.get("base_iri", "https://w3id.org/mlkg/id/") + "person/")
                           for p in persons)
    assert all((p, rdflib.RDF.type, rdflib.URIRef(SCHEMA + "Person")) in g for p in persons)
    names = {str(g.value(p, name)) for p in persons}
    assert {"Zed Zulu", "J. Smith", "J Smith", "---", "Bob Builder", "李雷"} <= names
    assert len(names) == len(persons)  # one Person per distinct name, so the names come back exactly
    assert any(p.endswith("/person/zed-zulu") for p in persons)
    bob = [p for p in persons if str(g.value(p, name)) == "Bob Builder"]
    assert len(bob) == 1 and len(set(g.subjects(author, bob[0]))) == 2  # one node for both papers
    for with_ontology in (False, True):
        conforms, text = _shacl(g, with_ontology)
        assert conforms, text
    g.add((next(g.subjects(rdflib.RDF.type, rdflib.URIRef(KGNS + "Paper"))), author, rdflib.Literal("A Name")))
    assert not _shacl(g, with_ontology=False)[0]
    export(G, tmp_path, formats=["ttl", "jsonld", "nt"])
    for name_ in ("graph.ttl", "graph.jsonld", "graph.nt"):
        loaded = kg.load(tmp_path / name_)
        assert loaded.nodes[paper]["authors"] == G.nodes[paper]["authors"]  # in the listed order
        assert_same_graph(loaded, G)
    # rdflib reads the same triples from the JSON-LD (its context types "author" as @id)
    jsonld = rdflib.Graph().parse(tmp_path / "graph.jsonld", format="json-ld")
    assert set(jsonld.objects(None, author)) == persons


def test_exports_do_not_depend_on_where_the_build_ran(tmp_path, monkeypatch):
    from kg.export import export
    from kg.pipeline import build_graph
    examples = Path(__file__).resolve().parents[1] / "examples"
    outs = []
    for i, (cwd, arg) in enumerate([(examples.parent, "examples"), (examples, "."), (tmp_path, str(examples))]):
        monkeypatch.chdir(cwd)
        out = tmp_path / f"out{i}"
        export(build_graph([arg]), out, formats=["ttl", "graphml"])
        outs.append(((out / "graph.ttl").read_bytes(), (out / "graph.graphml").read_bytes()))
    assert outs[0] == outs[1] == outs[2]
    assert b"kg:source" in outs[0][0] and str(examples).encode() not in outs[0][0] + outs[0][1]
