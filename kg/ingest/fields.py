"""Turn one structured record (a JSON object, a CSV row) into a Paper, or an error."""
from __future__ import annotations

import re
from typing import Any, Mapping

from kg.records import Paper

from .errors import IngestError
from .text import MAX_FIELD_CHARS, clean_text, make_paper

_URL_SPLIT = re.compile(r"[\s|;]+")


def split_authors(value: str) -> list[str]:
    """"A; B; C" or "A, B and C" -> names. Semicolons win over commas when present."""
    value = clean_text(value)
    if not value:
        return []
    parts = value.split(";") if ";" in value else re.split(r",|\band\b|&", value)
    return [p.strip() for p in parts if p.strip()]


def _text_field(rec: Mapping[str, Any], name: str, required: bool) -> str | None:
    if name not in rec or rec[name] is None:
        if required:
            raise ValueError(f'field "{name}" is missing')
        return None
    value = rec[name]
    if not isinstance(value, str):
        raise ValueError(f'field "{name}" is not a string (got {type(value).__name__})')
    if len(value) > MAX_FIELD_CHARS:
        raise ValueError(f'field "{name}" is {len(value)} characters long (limit {MAX_FIELD_CHARS})')
    value = clean_text(value)
    if required and not value:
        raise ValueError(f'field "{name}" is empty')
    return value


def _string_list(rec: Mapping[str, Any], name: str) -> list[str]:
    value = rec.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        out = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                item = item["name"]  # [{"name": "A. Author"}]
            if not isinstance(item, str):
                raise ValueError(f'field "{name}" item {i} is not a string (got {type(item).__name__})')
            if len(item) > MAX_FIELD_CHARS:
                raise ValueError(f'field "{name}" item {i} is too long')
            out.append(item)
        return out
    raise ValueError(f'field "{name}" is not a string or a list of strings (got {type(value).__name__})')


def record_to_paper(rec: Any, display: str, place: int | str, line: int | str | None = None) -> Paper | IngestError:
    """Check and convert one record. `place` names it in errors; `line` goes into `sources`."""
    if not isinstance(rec, Mapping):
        return IngestError(display, f"record is not an object (got {type(rec).__name__})", place)
    try:
        title = _text_field(rec, "title", True)
        abstract = _text_field(rec, "abstract", True)
        rid = rec.get("id")
        if rid is not None and not isinstance(rid, (str, int)):
            raise ValueError(f'field "id" is not a string (got {type(rid).__name__})')
        date = rec.get("date")
        if date is not None and not isinstance(date, str):
            raise ValueError(f'field "date" is not a string (got {type(date).__name__})')
        date = clean_text(date) or None if date is not None else None
        urls = [clean_text(u) for u in _string_list(rec, "url") + _string_list(rec, "urls")]
        if isinstance(rec.get("url"), str):  # a CSV cell may hold several urls
            urls = [u for raw in urls for u in _URL_SPLIT.split(raw)]
        authors_raw = rec.get("authors")
        if isinstance(authors_raw, str):
            authors = split_authors(authors_raw)
        else:
            authors = [clean_text(a) for a in _string_list(rec, "authors")]
    except ValueError as exc:
        if rec.get("id") is not None and isinstance(rec.get("id"), (str, int)):
            exc = ValueError(f"{exc} (record id {str(rec['id'])[:40]!r})")
        return IngestError(display, str(exc), place)
    assert title is not None and abstract is not None
    return make_paper(title, abstract, f"{display}:{line if line is not None else place}", date, urls, authors)
