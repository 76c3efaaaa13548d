"""What extraction output depends on besides a model: the kg.extract code and word lists."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def source_digest() -> str:
    """sha1 of the kg.extract sources and word lists, and of kg.names and kg.schema which they
    use (features change when they do)."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha1()
    for path in [*sorted((package / "extract").rglob("*")), package / "names.py", package / "schema.py"]:
        if path.is_file() and path.suffix in (".py", ".tsv", ".txt"):
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()
