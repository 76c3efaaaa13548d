"""Reader registry, in the style of rdflib's plugin registry.

A reader is a function ``read(path, display) -> Iterator[Paper | IngestError]``:
it yields papers and recoverable per-record errors, and raises IngestError when
the rest of the file cannot be read. ``display`` is the path string used in
`Paper.sources` and error messages (read_papers then renames the sources' "display:" to the
file's name relative to the input the user named, see kg.ingest.core.source_name).

    @register_reader("jsonl", extensions=(".jsonl", ".ndjson"), sniff=looks_like_jsonl)
    def read_jsonl(path, display): ...

`reader_for(path, format)` picks a reader by format name, then by file
extension, then by sniffing the first few KB of content. Readers of other installed packages
come in through the `kg.readers` entry point group (see kg.plugins).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from kg.plugins import load_group
from kg.records import Paper

from .errors import IngestError
from .text import decode_bytes, read_head

ReadFn = Callable[[Path, str], Iterator["Paper | IngestError"]]
SniffFn = Callable[[str], bool]


@dataclass(frozen=True)
class Reader:
    name: str
    read: ReadFn
    extensions: tuple[str, ...] = ()
    sniff: SniffFn | None = None
    priority: int = 0  # sniffers with higher priority are asked first

    def __call__(self, path: str | os.PathLike, display: str | None = None) -> Iterator[Paper | IngestError]:
        return self.read(Path(path), str(path) if display is None else display)


_READERS: dict[str, Reader] = {}


def _norm_ext(ext: str) -> str:
    ext = ext.lower()
    return ext if ext.startswith(".") else "." + ext


def register_reader(
    name: str,
    extensions: tuple[str, ...] | list[str] = (),
    sniff: SniffFn | None = None,
    priority: int = 0,
) -> Callable[[ReadFn], ReadFn]:
    """Decorator registering `read` under `name` (a later registration replaces it)."""

    def decorate(read: ReadFn) -> ReadFn:
        _READERS[name] = Reader(name, read, tuple(_norm_ext(e) for e in extensions), sniff, priority)
        return read

    return decorate


def unregister_reader(name: str) -> None:
    _READERS.pop(name, None)


def _register_plugin(name: str, obj) -> None:
    if isinstance(obj, Reader):
        _READERS[name] = obj
    elif callable(obj):
        register_reader(name, getattr(obj, "extensions", ()), getattr(obj, "sniff", None),
                        getattr(obj, "priority", 0))(obj)
    else:
        raise TypeError(f"expected a Reader or a function read(path, display), got {type(obj).__name__}")


def _registered() -> dict[str, Reader]:
    """The registry, with the readers of the `kg.readers` entry points of installed packages."""
    load_group("kg.readers", _register_plugin, _READERS.__contains__)
    return _READERS


def readers() -> dict[str, Reader]:
    """Registered readers by name (a copy), plugins included."""
    return dict(_registered())


def get_reader(name: str) -> Reader:
    _registered()
    try:
        return _READERS[name]
    except KeyError:
        known = ", ".join(sorted(_READERS))
        raise ValueError(f"unknown format {name!r} (known formats: {known})") from None


def _suffixes(path: Path) -> list[str]:
    """".jsonl" for a.jsonl; also ".tar.gz"-style compound suffixes, longest first."""
    sfx = [s.lower() for s in path.suffixes]
    return ["".join(sfx[i:]) for i in range(len(sfx))]


def reader_for_extension(path: str | os.PathLike) -> Reader | None:
    for sfx in _suffixes(Path(path)):
        for reader in _registered().values():
            if sfx in reader.extensions:
                return reader
    return None


def sniff_format(head: str) -> Reader | None:
    for reader in sorted(_registered().values(), key=lambda r: -r.priority):
        if reader.sniff is not None:
            try:
                if reader.sniff(head):
                    return reader
            except Exception:  # a sniffer must never break reading
                continue
    return None


def reader_for(path: str | os.PathLike, format: str | None = None) -> Reader:
    """The reader for `path`: by `format` name, else by extension, else by content.

    Raises ValueError for an unknown format name and IngestError when the
    content has to be sniffed but the file cannot be read or matches no reader.
    """
    if format is not None:
        return get_reader(format)
    by_ext = reader_for_extension(path)
    if by_ext is not None:
        return by_ext
    head_bytes = read_head(Path(path), str(path))
    if b"\x00" in head_bytes and not head_bytes.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raise IngestError(str(path), "binary file (NUL bytes), not a known format")
    sniffed = sniff_format(decode_bytes(head_bytes))
    if sniffed is None:
        raise IngestError(str(path), "cannot tell the file format; pass format=... (--format)")
    return sniffed
