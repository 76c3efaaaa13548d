from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from fixtures import P1, P2
from kg.export import export
from kg.rdf.vocab import ATTRIBUTES, CLASSES as VOCAB_CLASSES
from kg.schema import PREDICATES, ontology_file, shapes_file
from kg.validate import validate

KG = rdflib.Namespace("https://w3id.org/mlkg/ontology#")
SCHEMA = rdflib.Namespace("https://schema.org/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

CLASSES = VOCAB_CLASSES
PROPERTIES = PREDICATES + ATTRIBUTES


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


# --- the schema table is the one source: ontology, shapes and vocabulary agree with it ----------

from kg import schema as S  # noqa: E402
from kg.rdf.vocab import KG as KG_TERMS, TERMS  # noqa: E402

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def shapes():
    return rdflib.Graph().parse(data=shapes_file().read_text(encoding="utf-8"), format="turtle")


def _class_set(g: rdflib.Graph, node) -> set:
    """A class or an owl:unionOf of classes, as a set."""
    union = g.value(node, OWL.unionOf)
    return set(rdflib.collection.Collection(g, union)) if union is not None else {node}


def _kg(g: rdflib.Graph) -> set[str]:
    terms = {str(t) for t in g.all_nodes() if isinstance(t, rdflib.URIRef)}
    return {t[len(S.KG_NAMESPACE):] for t in terms if t.startswith(S.KG_NAMESPACE)}


def test_ontology_classes_match_the_table(ontology):
    for k in S.KINDS:
        assert (KG[k.name], RDF.type, OWL.Class) in ontology, k.name
        supers = set(ontology.objects(KG[k.name], RDFS.subClassOf))
        assert {rdflib.URIRef(c) for c in k.classes} <= supers, k.name
        assert (KG.Entity in supers) == (k.name != S.PAPER), k.name
    disjoint = next(ontology.subjects(RDF.type, OWL.AllDisjointClasses))
    members = set(rdflib.collection.Collection(ontology, ontology.value(disjoint, OWL.members)))
    assert members == {KG[t] for t in S.ENTITY_TYPES}


def test_ontology_relations_match_the_table(ontology):
    for r in S.RELATIONS:
        assert (KG[r.name], RDF.type, OWL.ObjectProperty) in ontology, r.name
        assert ontology.value(KG[r.name], RDFS.domain) == KG[r.domain], r.name
        assert _class_set(ontology, ontology.value(KG[r.name], RDFS.range)) == {KG[t] for t in r.range}, r.name
        assert str(ontology.value(KG[r.name], RDFS.label)) == r.label, r.name
    declared = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    relations = {p for p in declared if str(p)[len(S.KG_NAMESPACE):] in S.PREDICATES}
    assert relations == {KG[p] for p in S.PREDICATES}


def test_closed_vocabulary_is_exactly_the_ontology(ontology):
    assert _kg(ontology) == set(TERMS)
    assert KG_TERMS.proposes == KG.proposes
    with pytest.raises(AttributeError):
        KG_TERMS.propose  # a typo is an error, not a new IRI
    with pytest.raises(AttributeError):
        KG_TERMS + "Methods"


def test_shapes_match_the_table(shapes):
    assert _kg(shapes) <= set(TERMS)
    targets = set(shapes.objects(None, SH.targetClass))
    assert targets == {KG[t] for t in S.NODE_TYPES} | {KG.Statement, rdflib.URIRef(S.SCHEMA_ORG + "Person")}

    def subjects_of(shape):
        return set(shapes.objects(shape, SH.targetSubjectsOf))

    def shape_restricting(cls):
        return next(s for s in shapes.subjects(SH["class"], cls) if subjects_of(s))

    assert subjects_of(shape_restricting(KG.Paper)) == {KG[p] for p in S.PAPER_PREDICATES}
    assert subjects_of(shape_restricting(KG.Method)) == {KG[p] for p in S.METHOD_PREDICATES}
    predicate_shape = next(shapes.subjects(SH.path, KG.predicate))
    assert list(rdflib.collection.Collection(shapes, shapes.value(predicate_shape, SH["in"]))) == \
        [KG[p] for p in S.PREDICATES]
    for r in S.RELATIONS:  # each relation's objects are checked against its range
        prop = next(shapes.subjects(SH.path, KG[r.name]))
        alternatives = shapes.value(prop, SH["or"])
        if alternatives is None:
            classes = {shapes.value(prop, SH["class"])}
        else:
            classes = {shapes.value(a, SH["class"]) for a in rdflib.collection.Collection(shapes, alternatives)}
        assert classes == {KG[t] for t in r.range}, r.name


def test_table_lookups():
    assert S.PREDICATES == S.PAPER_PREDICATES + S.METHOD_PREDICATES
    assert S.paper_predicates_for("Method") == ("mentions", "proposes")
    assert S.paper_predicates_for("dataset") == ("evaluatesOn", "proposes")
    assert S.paper_predicates_for("Hardware") == ("usesHardware",)
    assert S.paper_predicates_for("Task") == ("addresses",)
    assert all(k.link is None or k.link in S.paper_predicates_for(k.name) for k in S.KINDS)
    assert set(S.TYPE_COLOURS) == set(S.NODE_TYPES) and S.OTHER_COLOUR not in S.TYPE_COLOURS.values()
    with pytest.raises(ValueError, match="unknown node type 'Gadget'"):
        S.kind("Gadget")


def test_schema_files_are_one_copy_in_the_package():
    import kg

    package_dir = Path(kg.__file__).resolve().parent / "schema_data"
    assert Path(str(ontology_file())).resolve().parent == package_dir
    repo_link = Path(kg.__file__).resolve().parent.parent / "schema"
    if repo_link.exists():  # a checkout: schema/ is the same folder, not a copy
        assert repo_link.resolve() == package_dir
        copies = [p for pattern in ("ontology.ttl", "shapes.ttl", "top-datasets.rq")
                  for p in repo_link.parent.rglob(pattern)
                  if not {".venv", ".git"} & set(p.parts) and p.resolve().parent not in (package_dir, package_dir / "queries")]
        assert not copies
