from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from fixtures import P1, P2
from kg.export import export
from kg.schema import ontology_file, shapes_file
from kg.validate import validate

KG = rdflib.Namespace("https://w3id.org/mlkg/ontology#")
SCHEMA = rdflib.Namespace("https://schema.org/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

CLASSES = ["Paper", "Method", "Dataset", "Hardware", "Task", "Statement"]
PROPERTIES = ["proposes", "mentions", "evaluatesOn", "usesHardware", "addresses", "outperforms",
              "extends", "hasCode", "subject", "predicate", "object", "evidence", "start", "end",
              "rule", "confidence", "listingDate", "source"]


@pytest.fixture(scope="module")
def ontology():
    return rdflib.Graph().parse(data=ontology_file().read_text(encoding="utf-8"), format="turtle")


def test_ontology_declares_classes_and_properties(ontology):
    for name in CLASSES:
        assert (KG[name], RDF.type, OWL.Class) in ontology, name
        assert ontology.value(KG[name], RDFS.label) is not None
        assert ontology.value(KG[name], RDFS.comment) is not None
    for name in PROPERTIES:
        types = set(ontology.objects(KG[name], RDF.type))
        assert types & {OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}, name
        assert ontology.value(KG[name], RDFS.label) is not None, name
        assert ontology.value(KG[name], RDFS.comment) is not None, name
        assert ontology.value(KG[name], RDFS.domain) is not None, name


def test_ontology_alignment(ontology):
    assert (KG.Paper, RDFS.subClassOf, SCHEMA.ScholarlyArticle) in ontology
    assert (KG.Dataset, RDFS.subClassOf, SCHEMA.Dataset) in ontology
    assert (KG.Statement, RDFS.subClassOf, PROV.Entity) in ontology
    assert ontology.value(KG.evaluatesOn, RDFS.range) == KG.Dataset
    assert ontology.value(KG.usesHardware, RDFS.range) == KG.Hardware
    assert ontology.value(KG.outperforms, RDFS.domain) == KG.Method
    assert ontology.value(KG.confidence, RDFS.range) == rdflib.XSD.decimal


def test_shapes_parse():
    g = rdflib.Graph().parse(data=shapes_file().read_text(encoding="utf-8"), format="turtle")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = set(g.objects(None, SH.targetClass))
    assert {KG.Paper, KG.Method, KG.Dataset, KG.Hardware, KG.Task, KG.Statement} <= targets


def test_fixture_export_conforms(exported_dir):
    conforms, report = validate(exported_dir / "graph.ttl")
    assert conforms, report


def test_in_memory_graph_and_other_formats_conform(fixture_graph, exported_dir):
    assert validate(fixture_graph)[0]
    assert validate(exported_dir / "graph.nt")[0]
    assert validate(exported_dir / "graph.jsonld")[0]


def _broken_report(G, tmp_path):
    export(G, tmp_path, formats=["ttl"])
    conforms, report = validate(tmp_path / "graph.ttl")
    assert not conforms
    return report


def test_missing_abstract_does_not_conform(fixture_graph, tmp_path):
    fixture_graph.nodes[P1]["abstract"] = None
    report = _broken_report(fixture_graph, tmp_path)
    assert "dcterms:abstract" in report or "abstract" in report
    assert "MinCountConstraintComponent" in report


def test_two_labels_do_not_conform(fixture_graph, tmp_path):
    rdf = rdflib.Graph().parse(data=_export_text(fixture_graph, tmp_path), format="turtle")
    rdf.add((rdflib.URIRef("https://w3id.org/mlkg/id/method/tcnca"), rdflib.SKOS.prefLabel, rdflib.Literal("TCN-CA")))
    conforms, report = validate(rdf)
    assert not conforms
    assert "MaxCountConstraintComponent" in report and "prefLabel" in report


def _export_text(G, tmp_path):
    export(G, tmp_path, formats=["ttl"])
    return (tmp_path / "graph.ttl").read_text(encoding="utf-8")


def test_confidence_out_of_range_does_not_conform(fixture_graph, tmp_path):
    u, v, k = next((u, v, k) for u, v, k in fixture_graph.edges(keys=True) if u == P2)
    fixture_graph.edges[u, v, k]["confidence"] = 1.5
    report = _broken_report(fixture_graph, tmp_path)
    assert "MaxInclusiveConstraintComponent" in report
    assert "confidence" in report


def test_wrong_object_class_does_not_conform(fixture_graph, tmp_path):
    # evaluatesOn must point to a Dataset: point one at a Method
    fixture_graph.add_edge(P1, "method/mega", key="statement/ffffffffffffffff", predicate="evaluatesOn",
                           paper=P1, evidence="x", start=0, end=1, rule="r", confidence=0.5)
    report = _broken_report(fixture_graph, tmp_path)
    assert "ClassConstraintComponent" in report
    assert "evaluatesOn" in report


def test_bad_predicate_and_datatype_do_not_conform(fixture_graph, tmp_path):
    fixture_graph.add_edge("method/mega", "method/tcnca", key="statement/eeeeeeeeeeeeeeee", predicate="hates",
                           paper=P1, evidence="x", start=0, end=1, rule="r", confidence=0.5)
    rdf = rdflib.Graph().parse(data=_export_text(fixture_graph, tmp_path), format="turtle")
    stmt = rdflib.URIRef("https://w3id.org/mlkg/id/statement/eeeeeeeeeeeeeeee")
    rdf.set((stmt, KG.start, rdflib.Literal("zero")))
    conforms, report = validate(rdf)
    assert not conforms
    assert "InConstraintComponent" in report
    assert "DatatypeConstraintComponent" in report
