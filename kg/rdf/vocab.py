"""The vocabularies of the export: a closed `kg:` namespace and the reused ones, as IRI strings.

`KG` is an rdflib DefinedNamespace with `_fail = True`: `KG.proposes` is the IRI
(a URIRef), and a term the ontology does not define (`KG.propose`) raises
AttributeError instead of quietly making a new IRI. Its terms are the classes and relations of
kg.schema plus the attributes the RDF mapping writes (ATTRIBUTES); tests/test_schema.py checks
that ontology.ttl defines exactly these.
"""
from __future__ import annotations

from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta, Namespace, URIRef

from kg.schema import DEFAULT_BASE_IRI, ENTITY, INSTANCE_NAMESPACES, KG_NAMESPACE, KINDS, RELATIONS, SCHEMA_ORG, STATEMENT

#: kg: properties of the mapping that are not relations: paper attributes, entity match keys and
#: the parts of a statement node.
ATTRIBUTES = (
    "hasCode", "key", "listingDate", "source", "authorList",
    "subject", "predicate", "object", "evidence", "start", "end", "rule", "confidence",
)
CLASSES = tuple(k.name for k in KINDS) + (ENTITY, STATEMENT)
TERMS = CLASSES + tuple(r.name for r in RELATIONS) + ATTRIBUTES

KG = DefinedNamespaceMeta("KG", (DefinedNamespace,), {
    "__doc__": "The closed kg: vocabulary (see the module docstring).",
    "_NS": Namespace(KG_NAMESPACE),
    "_fail": True,
    "__annotations__": {term: URIRef for term in TERMS},
})



def kg(term: str) -> str:
    """The IRI of kg:`term` as a plain str (AttributeError for a term the vocabulary lacks).
    An rdflib URIRef never compares equal to a str, so code that compares with IRIs read from
    pyoxigraph (plain strs) uses this rather than KG.term."""
    return str(KG[term])


SCHEMA = SCHEMA_ORG
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
VOID = "http://rdfs.org/ns/void#"

#: Fixed vocabulary prefixes (instance prefixes are added per base IRI by `prefixes()`).
VOCAB_PREFIXES: dict[str, str] = {
    "kg": KG_NAMESPACE, "schema": SCHEMA, "dcterms": DCTERMS, "skos": SKOS, "prov": PROV,
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "void": VOID,
}

#: Further rdf:type IRIs per node type (alignment with schema.org).
EXTRA_TYPES: dict[str, tuple[str, ...]] = {k.name: k.classes for k in KINDS if k.classes}


def prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """Prefix map used by every serialization: vocabularies plus one prefix per instance kind."""
    out = dict(VOCAB_PREFIXES)
    for namespace in INSTANCE_NAMESPACES:
        out[namespace] = base_iri + namespace + "/"
    return out
