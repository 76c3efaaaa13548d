"""The RDF model as other tools read it: the shapes on their own, typed dates, portable
sources, Wikidata links and class alignment (issue 18)."""
from __future__ import annotations

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
