"""Turtle and N-Triples exporters (JSON-LD: kg/export/jsonld.py).

Triples come from kg.rdf.graph_triples (sorted, deterministic); pyoxigraph serializes Turtle and
N-Triples (about 10x faster than rdflib).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import networkx as nx
import pyoxigraph as ox

from kg.export.registry import register_exporter
from kg.io import atomic_open
from kg.rdf import base_iri_of, graph_triples, prefixes


def turtle_header(prefix_map: dict[str, str]) -> bytes:
    """A fixed, sorted prefix header (pyoxigraph's own header order is not part of its contract,
    so it is replaced)."""
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(prefix_map.items())).encode("utf-8") + b"\n"


def turtle_body(triples: Iterable[ox.Triple], prefix_map: dict[str, str]) -> bytes:
    """pyoxigraph's Turtle without its leading "@prefix ... .\n" lines."""
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefix_map)
    pos = 0
    while body.startswith(b"@prefix ", pos):
        pos = body.index(b"\n", pos) + 1
    return body[pos:]


@register_exporter("turtle", "ttl")
def write_turtle(G: nx.MultiDiGraph, path: Path) -> None:
    prefix_map = prefixes(base_iri_of(G))
    data = turtle_header(prefix_map) + turtle_body(graph_triples(G), prefix_map)
    with atomic_open(path, "wb") as fh:
        fh.write(data)


@register_exporter("ntriples", "nt")
def write_ntriples(G: nx.MultiDiGraph, path: Path) -> None:
    with atomic_open(path, "wb") as fh:
        ox.serialize(graph_triples(G), fh, format=ox.RdfFormat.N_TRIPLES)
