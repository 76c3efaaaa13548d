"""Typed forms of paper attributes that the graph keeps as printed text.

`typed_date("2024-03-05")` -> ("2024-03-05", xsd:date); listings print dates without a year
("Sep 11"), which becomes the xsd:gMonthDay "--09-11" so SPARQL can still sort and compare by
day of the year. The text as printed stays in kg:listingDate; the typed form goes in
dcterms:date (see ontology.ttl).
"""
from __future__ import annotations

import re
from datetime import date

from kg.rdf.vocab import XSD

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"\d{4}")
_MONTH_DAY = re.compile(r"([A-Za-z]{3,9})\.? +(\d{1,2})(?:,? +(\d{4}))?")
_DAY_MONTH = re.compile(r"(\d{1,2}) +([A-Za-z]{3,9})\.?(?: +(\d{4}))?")


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def typed_date(text: str) -> tuple[str, str] | None:
    """(lexical form, datatype IRI) for a date as printed, or None when it is not a date."""
    text = str(text).strip()
    if m := _ISO.fullmatch(text):
        y, mo, d = map(int, m.groups())
        return (text, XSD + "date") if _valid(y, mo, d) else None
    if m := _YEAR_MONTH.fullmatch(text):
        return (text, XSD + "gYearMonth") if 1 <= int(m.group(2)) <= 12 else None
    if _YEAR.fullmatch(text):
        return text, XSD + "gYear"
    m = _MONTH_DAY.fullmatch(text)
    if m:
        month, day, year = m.group(1), m.group(2), m.group(3)
    elif m := _DAY_MONTH.fullmatch(text):
        day, month, year = m.group(1), m.group(2), m.group(3)
    else:
        return None
    # "Sep", "Sept", "September"; not "Mayday"
    found = [i for i, full in enumerate(_MONTH_NAMES, start=1) if full.startswith(month.casefold())]
    if len(found) != 1:
        return None
    mo = found[0]
    d = int(day)
    if year:
        return (f"{int(year):04d}-{mo:02d}-{d:02d}", XSD + "date") if _valid(int(year), mo, d) else None
    # 2000 is a leap year, so "Feb 29" is a valid month-day
    return (f"--{mo:02d}-{d:02d}", XSD + "gMonthDay") if _valid(2000, mo, d) else None
