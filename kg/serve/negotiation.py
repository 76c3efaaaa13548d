"""Content negotiation: which serializer answers a query of a given form.

Each query form has one table (media type -> serializer key) and one table of `format=` aliases;
another answer type is one row in each (JSON-LD for CONSTRUCT/DESCRIBE is one such row).
"""
from __future__ import annotations

# (media type sent, serializer key); the first entry is the default.
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}
CONTENT_TYPE = {
    "json": "application/sparql-results+json; charset=utf-8",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples; charset=utf-8",
    "rdfxml": "application/rdf+xml; charset=utf-8",
    "jsonld": "application/ld+json; charset=utf-8",
}
SOLUTION_ALIASES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_ALIASES = {"turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "n-triples": "ntriples",
                 "nt": "ntriples", "xml": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "rdf": "rdfxml",
                 "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld"}


class NotAcceptable(Exception):
    pass


def _parse_accept(header: str) -> list[str]:
    """Media ranges in preference order (q-values, then order of appearance); q=0 dropped."""
    ranges = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((-q, i, media))
    return [media for _, _, media in sorted(ranges)]


def negotiate(kind: str, accept: str | None, formats: list[str]) -> str:
    """The serializer key for a result of `kind` ("solutions", "boolean" or "graph")."""
    table, aliases = (GRAPH_TYPES, GRAPH_ALIASES) if kind == "graph" else (SOLUTION_TYPES, SOLUTION_ALIASES)
    for value in formats:  # an explicit format= parameter wins when it fits the query form
        value = value.strip().lower()
        if value in aliases:
            return aliases[value]
        if value.split(";")[0].strip() in table:
            return table[value.split(";")[0].strip()]
    if not accept or not accept.strip():
        return next(iter(table.values()))
    for media in _parse_accept(accept):
        if media in table:
            return table[media]
        if media == "*/*":
            return next(iter(table.values()))
        if media.endswith("/*"):
            for known, key in table.items():
                if known.startswith(media[:-1]):
                    return key
    offered = ", ".join(dict.fromkeys(CONTENT_TYPE[k].split(";")[0] for k in table.values()))
    raise NotAcceptable(f"cannot produce any of the accepted types ({accept}) for this query; available: {offered}")


