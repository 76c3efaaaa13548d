"""RDF file formats by file extension (pyoxigraph's own table), and reading a file's triples."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

#: Formats an export can be read from (pyoxigraph parses each; datasets give their default graph).
READABLE = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML,
            ox.RdfFormat.N3, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


def rdf_format(path: str | os.PathLike) -> ox.RdfFormat:
    """The RDF format of `path` from its extension (.ttl, .nt, .jsonld, .json, .rdf, .nq, ...);
    ValueError naming the file when the extension says nothing."""
    suffix = Path(path).suffix.lower()
    found = ox.RdfFormat.from_extension(suffix.lstrip(".")) if suffix else None
    if found is None or found not in READABLE:
        known = ", ".join(sorted({"." + f.file_extension for f in READABLE} | {".json"}))
        raise ValueError(f"{path}: cannot tell the RDF format from the extension {suffix!r} (expected one of {known})")
    return found


def read_triples(path: str | os.PathLike) -> Iterator[ox.Triple]:
    """The triples of an RDF file (the default graph of a dataset format)."""
    for quad in ox.parse(path=str(path), format=rdf_format(path)):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            yield quad.triple
