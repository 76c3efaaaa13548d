"""Result writers: SPARQL JSON/XML/CSV/TSV for solutions, RDF syntaxes for graphs.

They run inside a query worker process (kg.serve.worker), whose memory the server watches, and
stop at `max_rows` rows or triples; the server passes the body on to the socket in chunks.
"""
from __future__ import annotations

import json
from xml.sax.saxutils import escape as xml_escape, quoteattr

import pyoxigraph as ox

from kg.cellsafe import csv_text, tsv_cell
from kg.query import _csv_value, _used_prefixes_only

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    return {"type": "literal", "value": str(term)}


def _term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_term_xml(term.subject)}</subject><predicate>{_term_xml(term.predicate)}"
                f"</predicate><object>{_term_xml(term.object)}</object></triple>")
    return f"<literal>{xml_escape(str(term))}</literal>"


def _term_tsv(term) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _capped(items, max_rows: int, state: dict):
    """At most max_rows items (solutions or triples); state["truncated"] says whether more came.
    No cancel flag: a query past its deadline is stopped by killing its worker process."""
    for i, item in enumerate(items):
        if i >= max_rows:
            state["truncated"] = True
            return
        yield item


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_string = json.encoder.encode_basestring  # what _dumps does for a str, without its Python frame


def _term_json_text(term) -> str:
    """_term_json(term) as json.dumps writes it, built directly: a lookup's answer is mostly
    this, and building dicts for json to walk cost about half of writing the answer."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _string(term.value) + "}"
    if isinstance(term, ox.Literal):
        text = '{"type":"literal","value":' + _string(term.value)
        if term.language:
            return text + ',"xml:lang":' + _string(term.language) + "}"
        datatype = term.datatype.value
        return text + ("}" if datatype == XSD_STRING else ',"datatype":' + _string(datatype) + "}")
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _string(term.value) + "}"
    return _dumps(_term_json(term))


def serialize_solutions(solutions, key: str, max_rows: int, state: dict) -> bytes:
    variables = [v.value for v in solutions.variables]
    rows = (tuple(sol) for sol in _capped(solutions, max_rows, state))
    if key == "json":
        names = [_string(v) + ":" for v in variables]
        bindings = ",".join("{" + ",".join(name + _term_json_text(t) for name, t in zip(names, row) if t is not None)
                            + "}" for row in rows)
        return ('{"head":{"vars":' + _dumps(variables) + '},"results":{"bindings":[' + bindings
                + "]}}").encode("utf-8")
    if key == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out.extend(f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                       for v, t in zip(variables, row) if t is not None)
            out.append("</result>\n")
        out.append("</results></sparql>\n")
        return "".join(out).encode("utf-8")
    if key == "csv":  # cells a spreadsheet would run as formulas are neutralised (kg.cellsafe)
        return csv_text(variables, ([_csv_value(t) for t in row] for row in rows)).encode("utf-8")
    if key == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines.extend("\t".join(tsv_cell(_term_tsv(t)) for t in row) for row in rows)
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(key)


def serialize_boolean(result, key: str) -> bytes:
    fmt = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[key]
    return result.serialize(format=fmt)


def serialize_graph(triples, key: str, max_rows: int, state: dict, prefix_map: dict[str, str]) -> bytes:
    collected = list(_capped(triples, max_rows, state))
    if key == "turtle":
        body = ox.serialize(collected, format=ox.RdfFormat.TURTLE, prefixes=prefix_map).decode("utf-8")
        return _used_prefixes_only(body).encode("utf-8")
    if key == "ntriples":
        return ox.serialize(collected, format=ox.RdfFormat.N_TRIPLES)
    if key == "rdfxml":
        return ox.serialize(collected, format=ox.RdfFormat.RDF_XML)
    if key == "jsonld":
        return ox.serialize(collected, format=ox.RdfFormat.JSON_LD, prefixes=prefix_map)
    raise ValueError(key)

