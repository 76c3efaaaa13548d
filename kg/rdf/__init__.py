"""The RDF model of the knowledge graph: vocabulary, IRIs, and graph <-> triples both ways.

`graph_triples(G)` turns a graph that follows GRAPH_CONTRACT.md into a deterministic, sorted
list of pyoxigraph triples; `triples_to_graph(triples)` is its exact inverse (used by
kg.loader). Model (see schema/ontology.ttl):

    <base> a void:Dataset ; void:uriSpace "<base>" .               # lets load() recover base_iri
    paper:x a kg:Paper, schema:ScholarlyArticle ; dcterms:title ; dcterms:abstract ;
        kg:listingDate "Sep 11" ; dcterms:date "--09-11"^^xsd:gMonthDay ;   # typed form (literals)
        schema:author "A", "B" ; kg:authorList ( "A" "B" ) ;
        schema:url <..> ; kg:hasCode <..> ; kg:source "file.txt:12" ;       # no folders (literals)
        kg:proposes method:y ; kg:evaluatesOn dataset:z ...          # truthy triples
    method:y a kg:Method ; skos:prefLabel "Y" ; skos:altLabel "..." ; kg:key "y" ;
        skos:exactMatch <http://www.wikidata.org/entity/Q...> ;            # from the lexicons (wikidata)
        kg:outperforms method:w .
    statement:k a kg:Statement ; kg:subject ; kg:predicate kg:proposes ; kg:object ;
        prov:wasDerivedFrom paper:x ; kg:evidence "..." ; kg:start 12 ; kg:end 80 ;
        kg:rule "..." ; kg:confidence 0.9 .                           # one per networkx edge

Numbers: start/end are xsd:integer, confidence is xsd:decimal (written without exponent).
A URL that is not a valid absolute IRI is written as an xsd:anyURI literal, so any string
survives the round trip.

Modules: vocab (namespaces, the closed KG vocabulary, prefixes), iris (node ids <-> IRIs),
formats (file extension -> RDF format), literals (typed dates, portable sources), wikidata (QIDs
from the lexicons), to_triples and from_triples (which ignores dcterms:date and skos:exactMatch:
both are derived, so the graph does not store them). Nothing here imports
kg.extract or kg.export: the exporters build on this package, never the reverse.
"""
from __future__ import annotations

from kg.rdf.formats import rdf_format, read_triples
from kg.rdf.from_triples import triples_to_graph
from kg.rdf.iris import base_iri_of, bnode_stem, decode_id, encode_id, format_decimal, iri_to_id, node_iri
from kg.rdf.to_triples import graph_triples, iter_blocks, iter_triples, triple_cache
from kg.rdf.vocab import (
    DCTERMS, EXTRA_TYPES, KG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, VOCAB_PREFIXES, VOID, XSD, kg, prefixes,
)
from kg.schema import (
    DEFAULT_BASE_IRI, ENTITY_TYPES, KG_NAMESPACE, METHOD_PREDICATES, PAPER_PREDICATES, PREDICATES
)

__all__ = [
    "DCTERMS", "DEFAULT_BASE_IRI", "ENTITY_TYPES", "EXTRA_TYPES", "KG", "KG_NAMESPACE", "METHOD_PREDICATES",
    "OWL", "PAPER_PREDICATES", "PREDICATES", "PROV", "RDF", "RDFS", "SCHEMA", "SKOS", "VOCAB_PREFIXES", "VOID",
    "XSD", "base_iri_of", "bnode_stem", "decode_id", "encode_id", "format_decimal", "graph_triples", "iri_to_id",
    "iter_blocks", "iter_triples", "kg", "node_iri", "prefixes", "rdf_format", "read_triples", "triple_cache",
    "triples_to_graph",
]
