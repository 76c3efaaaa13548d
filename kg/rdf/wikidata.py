"""Wikidata ids of entities, read from the extraction lexicons (kg/extract/lexicons/*.tsv).

The lexicons carry a `wikidata` column; the export links an entity to that item with
skos:exactMatch. The lookup is by the entity's type and its label or aliases, compared with the
gold files' matching key (kg.names.name_key), so it needs nothing from kg.resolve: an entity the
resolver named "ResNet-50" finds the row "ResNet-50" or the row that lists "resnet50" as an
alias. A key that two rows of one file claim with different ids is dropped (ambiguous).
"""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import files
from typing import Iterable

from kg.names import name_key
from kg.schema import kind

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"


@lru_cache(maxsize=None)
def _table(type_name: str) -> dict[str, str]:
    """name key -> QID for one entity type ({} when the type has no lexicon)."""
    path = files("kg.extract") / "lexicons" / f"{kind(type_name).namespace}.tsv"
    if not path.is_file():
        return {}
    labels: dict[str, str] = {}
    aliases: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            qid = (row.get("wikidata") or "").strip()
            if not qid:
                continue
            labels.setdefault(name_key(row["name"]), qid)
            for alias in (row.get("aliases") or "").split("|"):
                if alias.strip():
                    aliases.setdefault(name_key(alias), set()).add(qid)
    # a row's own name wins over another row's alias; an alias two items share is dropped
    table = {k: next(iter(q)) for k, q in aliases.items() if len(q) == 1}
    table.update(labels)
    return table


def wikidata_id(type_name: str | None, label: str | None, aliases: Iterable[str] = ()) -> str | None:
    """The QID ("Q24901201") of the entity of this type named `label` (or one of `aliases`), or None."""
    if not type_name:
        return None
    try:
        table = _table(type_name)
    except ValueError:  # a node type outside kg.schema.KINDS
        return None
    if not table:
        return None
    for name in (label, *aliases):
        if name:
            qid = table.get(name_key(name))
            if qid:
                return qid
    return None


def wikidata_iri(type_name: str | None, label: str | None, aliases: Iterable[str] = ()) -> str | None:
    qid = wikidata_id(type_name, label, aliases)
    return WIKIDATA_ENTITY + qid if qid else None
