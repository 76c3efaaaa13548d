"""Spreadsheet-safe CSV/TSV cells (CSV/formula injection).

A spreadsheet that opens a CSV or TSV file runs a cell that starts with "=", "+", "-", "@", a
tab or a carriage return as a formula: a paper title such as `=HYPERLINK("http://evil", "x")`
read from an input listing would become a live link or a DDE command. As OWASP recommends
(https://owasp.org/www-community/attacks/CSV_Injection), such a cell is prefixed with a single
quote, which spreadsheets show as text and do not evaluate; the csv module then quotes cells
holding separators or quotes. A plain number ("-1.5", "+3e-2") is left as it is: it cannot be
a formula and the prefix would turn numbers into text.

Used by `kg query --format csv`; `neutralise` and `tsv_cell` are there for the endpoint's CSV
and TSV results too. The prefix changes the value: a consumer that needs the exact RDF terms
should ask for SPARQL JSON or XML.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Sequence

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def neutralise(cell: str) -> str:
    """The cell, prefixed with "'" when a spreadsheet would read it as a formula."""
    if cell.startswith(TRIGGERS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV (RFC 4180, CRLF line ends as SPARQL 1.1 CSV results) with every cell neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise(h) for h in header])
    for row in rows:
        w.writerow([neutralise(c) for c in row])
    return buf.getvalue()


def tsv_cell(encoded: str) -> str:
    """A SPARQL TSV cell (an N-Triples-style term such as "\\"=1+1\\"" or <iri>): spreadsheets
    strip the surrounding quotes of a literal, so the quoted text is what is checked."""
    inner = encoded[1:encoded.rfind('"')] if encoded.startswith('"') else encoded
    if inner.startswith(TRIGGERS) and not _NUMBER.fullmatch(inner):
        return "'" + encoded
    return encoded
