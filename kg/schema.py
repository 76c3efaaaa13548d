"""The graph's schema as one table: node kinds and relations, with their RDF terms and colours.

Every module takes its type lists, predicates, RDF classes and colours from here; the ontology
and the SHACL shapes (kg/schema_data/, also reached as schema/) must agree with this table, and
tests/test_schema.py checks that they do. Adding an entity type means a row in KINDS, its class
in ontology.ttl and its target in shapes.ttl (and a lexicon file if the rule extractor should
find it).

Pure data and small lookups: importing this module imports nothing else from kg.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

#: Namespaces of the vocabulary and of the default instance data.
KG_NAMESPACE = "https://w3id.org/mlkg/ontology#"
SCHEMA_ORG = "https://schema.org/"
DEFAULT_BASE_IRI = "https://w3id.org/mlkg/id/"

PAPER = "Paper"
STATEMENT = "Statement"
ENTITY = "Entity"  # the superclass of every kind but Paper, in the ontology


@dataclass(frozen=True)
class Kind:
    """A node type. `name` is the node's "type" attribute and its kg: class; `namespace` is the
    first segment of its node ids ("method/resnet-50") and its instance IRI prefix."""

    name: str
    namespace: str
    plural: str
    colour: str  # on the page and in plots
    link: str | None = None  # the paper-level predicate a paper naming this kind gets
    proposable: bool = False  # a paper can propose it (kg:proposes)
    classes: tuple[str, ...] = ()  # further rdf:type IRIs written for it (alignment)


@dataclass(frozen=True)
class Relation:
    """An edge predicate: the kg: property `name`, from a `domain` kind to one of `range`."""

    name: str
    domain: str
    range: tuple[str, ...]
    label: str  # its rdfs:label in the ontology


KINDS: tuple[Kind, ...] = (
    Kind("Paper", "paper", "papers", "#9aa5b8", classes=(SCHEMA_ORG + "ScholarlyArticle",)),
    Kind("Method", "method", "methods", "#4e79a7", link="mentions", proposable=True),
    Kind("Dataset", "dataset", "datasets", "#f28e2b", link="evaluatesOn", proposable=True,
         classes=(SCHEMA_ORG + "Dataset",)),
    Kind("Hardware", "hardware", "hardware", "#e15759", link="usesHardware"),
    Kind("Task", "task", "tasks", "#59a14f", link="addresses"),
)

RELATIONS: tuple[Relation, ...] = (
    Relation("proposes", PAPER, ("Method", "Dataset"), "proposes"),
    Relation("mentions", PAPER, ("Method",), "mentions"),
    Relation("evaluatesOn", PAPER, ("Dataset",), "evaluates on"),
    Relation("usesHardware", PAPER, ("Hardware",), "uses hardware"),
    Relation("addresses", PAPER, ("Task",), "addresses"),
    Relation("outperforms", "Method", ("Method",), "outperforms"),
    Relation("extends", "Method", ("Method",), "extends"),
)

#: Colour of a node whose type is not in KINDS.
OTHER_COLOUR = "#b07aa1"

KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}

NODE_TYPES: tuple[str, ...] = tuple(k.name for k in KINDS)
ENTITY_TYPES: tuple[str, ...] = tuple(k.name for k in KINDS if k.name != PAPER)
PREDICATES: tuple[str, ...] = tuple(r.name for r in RELATIONS)
PAPER_PREDICATES: tuple[str, ...] = tuple(r.name for r in RELATIONS if r.domain == PAPER)
METHOD_PREDICATES: tuple[str, ...] = tuple(r.name for r in RELATIONS if r.domain == "Method")
#: Instance namespaces: one per node kind, the statement nodes ("statement/<hex>") and the
#: papers' authors as schema:Person ("person/kaiming-he", RDF only: in the graph they are names).
INSTANCE_NAMESPACES: tuple[str, ...] = tuple(k.namespace for k in KINDS) + ("statement", "person")
TYPE_COLOURS: dict[str, str] = {k.name: k.colour for k in KINDS}


def kind(name: str) -> Kind:
    """The kind called `name` (case-insensitive: "dataset", "Dataset"); ValueError otherwise."""
    found = KIND_BY_NAME.get(name) or next((k for k in KINDS if k.name.casefold() == str(name).casefold()), None)
    if found is None:
        raise ValueError(f"unknown node type {name!r}; expected one of {', '.join(NODE_TYPES)}")
    return found


def paper_predicates_for(type_name: str) -> tuple[str, ...]:
    """The paper-level predicates that may link a paper to an entity of this type, the usual
    one (Kind.link) first: Method -> ("mentions", "proposes"), Dataset -> ("evaluatesOn",
    "proposes"), Hardware -> ("usesHardware",)."""
    k = kind(type_name)
    found = [r.name for r in RELATIONS if r.domain == PAPER and k.name in r.range]
    return tuple(sorted(found, key=lambda p: p != k.link))


# --- the schema files (package data) -------------------------------------------------------

def schema_files() -> Traversable:
    """The folder holding ontology.ttl, shapes.ttl and queries/ inside the installed package
    (the repository's top-level schema/ points to the same files)."""
    return files("kg") / "schema_data"


def ontology_file() -> Traversable:
    return schema_files() / "ontology.ttl"


def shapes_file() -> Traversable:
    return schema_files() / "shapes.ttl"


def queries_folder() -> Traversable:
    return schema_files() / "queries"
