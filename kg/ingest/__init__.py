"""Ingest stage: files in many formats -> Paper records, with duplicates merged.

    from kg.ingest import read_papers, merge_duplicates
    errors = []
    papers, n_merged = merge_duplicates(read_papers(["corpus/"], errors=errors))

Readers (see `readers()`): listing (.txt), jsonl (.jsonl/.ndjson), json (.json),
csv (.csv), tsv (.tsv), atom (.xml/.atom). Add one with `@register_reader`.
"""
from __future__ import annotations

from .errors import IngestError
from .registry import Reader, get_reader, reader_for, readers, register_reader, sniff_format, unregister_reader
from .text import MAX_FIELD_CHARS, MAX_LINE_CHARS, clean_text, paper_id

# importing the format modules registers their readers
from . import listing, jsonfmt, csvfmt, atom  # noqa: E402,F401  isort:skip
from .core import iter_files, read_papers  # noqa: E402
from .dedupe import merge_duplicates, merge_papers, title_key  # noqa: E402

__all__ = [
    "IngestError",
    "MAX_FIELD_CHARS",
    "MAX_LINE_CHARS",
    "Reader",
    "clean_text",
    "get_reader",
    "iter_files",
    "merge_duplicates",
    "merge_papers",
    "paper_id",
    "read_papers",
    "reader_for",
    "readers",
    "register_reader",
    "sniff_format",
    "title_key",
    "unregister_reader",
]
