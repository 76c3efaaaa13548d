from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
import rdflib

from fixtures import P1, P2, P3, P4, T1, T2, T3, T4
from kg.query import QueryError, open_store, run_query, saved_queries
from kg.rdf import DEFAULT_BASE_IRI, KG_NAMESPACE as KG, graph_triples, iri_to_id

QUERIES = saved_queries()


@pytest.fixture(scope="module")
def store(exported_dir):
    return open_store(exported_dir / "graph.ttl")


def short(value: str) -> str:
    if value.startswith(DEFAULT_BASE_IRI):
        return iri_to_id(DEFAULT_BASE_IRI, value)  # node id, percent-decoded
    if value.startswith(KG):
        return "kg:" + value[len(KG):]
    return value


def rows(store, sparql):
    doc = json.loads(run_query(store, sparql, fmt="json"))
    names = doc["head"]["vars"]
    return [tuple(short(b[n]["value"]) if n in b else None for n in names) for b in doc["results"]["bindings"]]


def saved(store, name):
    return rows(store, QUERIES[name]["sparql"])


# --- saved queries ------------------------------------------------------------------------------

def test_saved_queries_have_metadata():
    assert len(QUERIES) >= 10
    for name, q in QUERIES.items():
        lines = q["sparql"].splitlines()
        assert lines[0].startswith("# title: ") and q["title"], name
        assert lines[1].startswith("# description: ") and q["description"], name


def test_papers_on_dataset(store):
    # "lra" is an alias of Long Range Arena (case-insensitive match)
    assert saved(store, "papers-on-dataset") == [
        (P3, T3, "dataset/long-range-arena", "Long Range Arena"),
        (P1, T1, "dataset/long-range-arena", "Long Range Arena"),
    ]


def test_top_datasets(store):
    assert saved(store, "top-datasets") == [
        ("dataset/cifar-10", "CIFAR-10", "3"),
        ("dataset/imagenet", "ImageNet", "2"),
        ("dataset/long-range-arena", "Long Range Arena", "2"),
        ("dataset/enwik8", "EnWik8", "1"),
    ]


def test_methods_outperforming(store):
    assert saved(store, "methods-outperforming") == [("method/tcnca", "TCNCA", "1")]
    q = QUERIES["methods-outperforming"]["sparql"].replace('"mega"', '"transformer"')
    assert rows(store, q) == [("method/mega", "MEGA", "2")]


def test_hardware_by_papers(store):
    assert saved(store, "hardware-by-papers") == [
        ("hardware/gpu", "GPU", "2"),
        ("hardware/nvidia-a100", "NVIDIA A100", "1"),
        ("hardware/microcontroller", "microcontroller", "1"),
    ]


def test_papers_sharing_datasets(store):
    assert saved(store, "papers-sharing-datasets") == [(P3, T3, "1", "Long Range Arena")]
    q = QUERIES["papers-sharing-datasets"]["sparql"].replace('"tcnca"', '"café-net"')
    assert rows(store, q) == [
        (P4, T4, "2", "CIFAR-10"),
        (P4, T4, "2", "ImageNet"),
        (P3, T3, "1", "CIFAR-10"),
    ]


def test_claim_evidence(store, fixture_graph):
    [(title, evidence, start, end, rule, confidence, statement)] = saved(store, "claim-evidence")
    assert (title, evidence, rule, confidence) == (
        T1, "On the Long Range Arena (LRA) benchmark and EnWik8, TCNCA outperforms MEGA.",
        "outperforms/outperforms", "0.9")
    assert fixture_graph.nodes[P1]["abstract"][int(start):int(end)] == evidence
    assert fixture_graph.has_edge("method/tcnca", "method/mega", key=statement)


def test_methods_proposed_per_task(store):
    assert saved(store, "methods-proposed-per-task") == [
        ("image classification", "Café-Net", T2, "task/image-classification", "method/café-net"),
        ("language modeling", "TCNCA", T1, "task/language-modeling", "method/tcnca"),
    ]


def test_method_lineage(store):
    assert saved(store, "method-lineage") == [
        ("MEGA", "Transformer", "method/mega", "method/transformer"),
        ("TCNCA", "MEGA", "method/tcnca", "method/mega"),
    ]
    q = QUERIES["method-lineage"]["sparql"].replace('"tcnca"', '"vit"')  # the key of the alias "ViT"
    assert rows(store, q) == [("Vision Transformer", "Transformer", "method/vision-transformer", "method/transformer")]


def test_tasks_by_papers(store):
    assert saved(store, "tasks-by-papers") == [
        ("task/image-classification", "image classification", "2"),
        ("task/language-modeling", "language modeling", "1"),
        ("task/question answering (qa)", "question answering", "1"),
    ]


def test_papers_with_code(store):
    assert saved(store, "papers-with-code") == [
        (P2, T2, "https://github.com/example/cafe-net"),
        (P2, T2, "https://gitlab.com/example/cafe-net"),
        (P1, T1, "https://github.com/IBM/tcnca"),
    ]


def test_datasets_used_together(store):
    assert saved(store, "datasets-used-together") == [
        ("CIFAR-10", "ImageNet", "2"),
        ("CIFAR-10", "Long Range Arena", "1"),
        ("EnWik8", "Long Range Arena", "1"),
    ]


def test_top_methods_by_wins(store):
    assert saved(store, "top-methods-by-wins") == [
        ("method/mega", "MEGA", "1", "2"),
        ("method/café-net", "Café-Net", "1", "1"),
        ("method/tcnca", "TCNCA", "1", "1"),
    ]


def test_low_confidence_claims(store):
    got = saved(store, "low-confidence-claims")
    assert [(c, p) for c, p, *_ in got] == [
        ("0.5", "kg:mentions"), ("0.6", "kg:addresses"), ("0.6", "kg:addresses"),
        ("0.6", "kg:addresses"), ("0.65", "kg:addresses")]
    assert got[0][4] == 'A reviewer wrote """this <script>alert("x")</script> is fine""" and we agree.'


# --- formats ------------------------------------------------------------------------------------

SELECT_DATASETS = "SELECT ?d ?label WHERE { ?d a kg:Dataset ; skos:prefLabel ?label } ORDER BY ?label LIMIT 2"


def test_table_format(exported_dir):
    out = run_query(exported_dir / "graph.ttl", SELECT_DATASETS)
    assert out == (
        "d                 label\n"
        "----------------  --------\n"
        "dataset:cifar-10  CIFAR-10\n"
        "dataset:enwik8    EnWik8\n"
        "(2 rows)\n"
    )


def test_table_escapes_newlines_and_aligns_wide_characters(store):
    out = run_query(store, 'SELECT ?t ?n WHERE { VALUES (?t ?n) { ("a\\nb" 1) ("高速" 2) } }')
    lines = out.splitlines()
    assert lines[2] == "a\\nb  1"
    assert lines[3] == "高速  2"


def test_csv_format(store):
    out = run_query(store, SELECT_DATASETS, fmt="csv")
    assert list(csv.reader(io.StringIO(out))) == [
        ["d", "label"],
        [DEFAULT_BASE_IRI + "dataset/cifar-10", "CIFAR-10"],
        [DEFAULT_BASE_IRI + "dataset/enwik8", "EnWik8"],
    ]


def test_json_format(store):
    doc = json.loads(run_query(store, SELECT_DATASETS, fmt="json"))
    assert doc["head"]["vars"] == ["d", "label"]
    assert doc["results"]["bindings"][0]["d"] == {"type": "uri", "value": DEFAULT_BASE_IRI + "dataset/cifar-10"}


def test_ask(store):
    assert run_query(store, "ASK { ?p kg:proposes method:tcnca }") == "true"
    assert run_query(store, "ASK { ?p kg:proposes method:transformer }", fmt="csv") == "false"
    assert json.loads(run_query(store, "ASK { ?p kg:proposes method:tcnca }", fmt="json")) == {"head": {}, "boolean": True}


def test_construct_and_describe_give_turtle(store):
    out = run_query(store, "CONSTRUCT { ?m kg:beats ?n } WHERE { ?m kg:outperforms ?n }")
    g = rdflib.Graph().parse(data=out, format="turtle")
    assert len(g) == 3
    out = run_query(store, "DESCRIBE method:tcnca")
    g = rdflib.Graph().parse(data=out, format="turtle")
    assert (rdflib.URIRef(DEFAULT_BASE_IRI + "method/tcnca"), rdflib.SKOS.prefLabel, rdflib.Literal("TCNCA")) in g


def test_construct_as_ntriples_and_jsonld(store):
    q = "CONSTRUCT { ?m kg:beats ?n } WHERE { ?m kg:outperforms ?n }"
    nt = rdflib.Graph().parse(data=run_query(store, q, fmt="csv"), format="nt")
    ld = rdflib.Graph().parse(data=run_query(store, q, fmt="json"), format="json-ld")
    ttl = rdflib.Graph().parse(data=run_query(store, q), format="turtle")
    assert len(nt) == 3 and set(nt) == set(ld) == set(ttl)


def test_update_is_refused_as_read_only(store):
    for q in ("INSERT DATA { method:x kg:extends method:y }",
              "PREFIX k: <https://w3id.org/mlkg/ontology#>\n# comment\nDELETE WHERE { ?s k:extends ?o }"):
        with pytest.raises(QueryError, match="read-only: (INSERT|DELETE) is SPARQL Update"):
            run_query(store, q)
    assert run_query(store, "ASK { ?m kg:extends ?n }") == "true"  # nothing changed


def test_table_cells_are_cut_to_the_width():
    from kg.query import format_table
    rows_ = [["x" * 800, "12", "short"], ["y", "3", "s"]]
    out = format_table(["evidence", "n", "rule"], rows_, max_width=60)
    lines = out.splitlines()
    assert max(len(ln) for ln in lines) <= 60
    assert lines[2].endswith("12  short") and "…" in lines[2]
    assert format_table(["evidence"], [["x" * 800]]).splitlines()[2] == "x" * 800  # no width: full text


def test_queries_with_explicit_prefixes_work(store):
    q = "PREFIX k: <https://w3id.org/mlkg/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?s a k:Paper }"
    assert rows(store, q) == [("4",)]


def test_bad_query_raises_query_error(store):
    with pytest.raises(QueryError) as err:
        run_query(store, "SELECT ?x WHERE { ?x kg:proposes ")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("error at 1:")
    with pytest.raises(QueryError, match="undeclared prefix"):
        run_query(store, "SELECT ?x WHERE { ?x nope:thing ?y }")


def test_unknown_format(store):
    with pytest.raises(ValueError, match="unknown result format"):
        run_query(store, SELECT_DATASETS, fmt="xml")


def test_open_store_and_other_sources(exported_dir, fixture_graph):
    s = open_store(exported_dir / "graph.ttl")
    assert isinstance(s, ox.Store)
    assert len(s) == len(graph_triples(fixture_graph))
    # an N-Triples export and an in-memory graph answer the same
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Statement }"
    n = str(fixture_graph.number_of_edges())
    assert rows(open_store(exported_dir / "graph.nt"), q) == [(n,)]
    assert rows(fixture_graph, q) == [(n,)]
    with pytest.raises(FileNotFoundError):
        open_store(exported_dir / "missing.ttl")
