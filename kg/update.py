"""Build state kept beside the exports, so `kg build --update DIR INPUT...` extracts only new papers.

    DIR/.kg/manifest.json          extractor name + fingerprint, counts, the names and sizes of
                                   the two files below (written last)
    DIR/.kg/records.GEN.jsonl      every record read so far, before de-duplication, in read order
    DIR/.kg/extractions.GEN.jsonl  one extraction per merged paper, keyed by paper id and a hash
                                   of the title and abstract it was extracted from

An update reads the old records back, then the new inputs, and runs the usual
merge_duplicates over both: the papers are exactly those of a full rebuild over old + new
inputs, and a paper seen again in a new listing gains a source instead of being duplicated. A
new record identical to a stored one (the same listing given again) is skipped. Each merged
paper whose id, title and abstract match a stored extraction reuses it; only the others are
extracted. Resolution and graph assembly then run over all papers (they look across papers and
are cheap next to extraction).

The cache is only used when the extractor and its fingerprint are unchanged: for the built-in
extractors the fingerprint hashes the kg.extract sources and word lists (and kg.names and
kg.schema, which they use) and, for the learned one, the model's bytes, so new weights, a new
feature or a lexicon edit re-extracts everything.
Extraction is assumed to depend on a paper's title and abstract only (true of the built-in
extractor).

The folder is hidden (".kg"), so `kg build DIR` never reads it as input. A build writes its two
files under a new generation name GEN and commits them with one atomic rename of the manifest
that names them; the previous generation's files are deleted only after that rename. A build
killed at any moment therefore leaves either the old state or the new one, never a mix (three
renames in a row did: a kill between them left a state `--update` refused, the old one already
overwritten). State of the first layout (records.jsonl, no GEN) is still read. `.kg` that is a
symlink, or leads outside DIR, is refused rather than written through.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from kg.io import atomic_open, remove_stale_temps
from kg.records import Claim, Evidence, Extraction, Mention, Paper

STATE_DIR = ".kg"
MANIFEST = "manifest.json"
RECORDS = "records.jsonl"
EXTRACTIONS = "extractions.jsonl"
# 2: records' sources are relative to the input named (kg.ingest.core.source_name); a version-1
# state holds the paths the build was run with, and mixing the two would make an update differ
# from a full build, so it is refused
VERSION = 2


class StateError(ValueError):
    """The folder holds no usable build state."""


def state_dir(out_dir: str | os.PathLike) -> Path:
    """DIR/.kg, refused when it is a symlink or resolves outside DIR (it would be written through)."""
    folder = Path(out_dir) / STATE_DIR
    if folder.is_symlink() or (folder.exists() and folder.resolve().parent != Path(out_dir).resolve()):
        raise StateError(f"{folder}: is a symlink or leads outside {out_dir}; refusing to use it as build state")
    return folder


def _generation_name(name: str, gen: str) -> str:
    stem, ext = name.split(".", 1)
    return f"{stem}.{gen}.{ext}"


def content_key(paper: Paper) -> str:
    """What an extraction depends on: the title and abstract."""
    return hashlib.sha1(f"{paper.title}\x1f{paper.abstract}".encode("utf-8", "surrogatepass")).hexdigest()[:20]


def extractor_fingerprint(name: str) -> str:
    """Changes whenever the extractor may give different output for the same paper: the
    extractor's own fingerprint (for the learned one, model weights + feature code)."""
    from kg.extract import get_extractor

    return hashlib.sha1(f"{name}\n{get_extractor(name).fingerprint()}".encode()).hexdigest()


# --- records <-> JSON ---------------------------------------------------------------------------

def paper_line(p: Paper) -> str:
    return json.dumps([p.id, p.title, p.abstract, list(p.sources), p.date, list(p.urls), list(p.authors)]) + "\n"


def paper_from_line(line: str) -> Paper:
    pid, title, abstract, sources, date, urls, authors = json.loads(line)
    return Paper(pid, title, abstract, tuple(sources), date, tuple(urls), tuple(authors))


def extraction_line(ex: Extraction, key: str) -> str:
    mentions = [[m.name, m.type, list(m.aliases), m.rule] for m in ex.mentions]
    claims = [[c.subject, c.predicate, c.object, c.evidence.sentence, c.evidence.start, c.evidence.end, c.rule, c.confidence]
              for c in ex.claims]
    return json.dumps([ex.paper_id, key, mentions, claims, list(ex.code_urls)]) + "\n"


def extraction_from_line(line: str) -> tuple[str, Extraction]:
    pid, key, mentions, claims, urls = json.loads(line)
    sentences: dict[str, str] = {}  # claims from one sentence share its text, as extracted ones do
    return key, Extraction(
        pid,
        tuple(Mention(n, t, tuple(al), r) for n, t, al, r in mentions),
        tuple(Claim(s, p, o, Evidence(sentences.setdefault(text, text), start, end), rule, conf)
              for s, p, o, text, start, end, rule, conf in claims),
        tuple(urls),
    )


# --- reading ------------------------------------------------------------------------------------

@dataclass
class State:
    """A previous build's state (see the module docstring)."""

    folder: Path
    manifest: dict

    @classmethod
    def open(cls, out_dir: str | os.PathLike) -> "State":
        folder = state_dir(out_dir)
        path = folder / MANIFEST
        if not path.is_file():
            raise StateError(f"{out_dir}: no build state ({STATE_DIR}/{MANIFEST}); build it once with "
                             f"`kg build INPUT... --out {out_dir}` (state is kept unless --no-state)")
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise StateError(f"{path}: unreadable manifest ({exc})") from None
        if manifest.get("version") != VERSION:
            hint = "; its sources are paths from an older kg, rebuild in full (without --update)" \
                if manifest.get("version") == 1 else ""
            raise StateError(f"{path}: state version {manifest.get('version')!r}, expected {VERSION}{hint}")
        for name, size_key in ((RECORDS, "records_bytes"), (EXTRACTIONS, "extractions_bytes")):
            f = folder / _state_file(manifest, name)
            if not f.is_file() or f.stat().st_size != manifest.get(size_key):
                raise StateError(f"{f}: missing or not the size the manifest records (interrupted build?); rebuild in full")
        return cls(folder, manifest)

    def record_lines(self) -> Iterator[str]:
        with open(self.folder / _state_file(self.manifest, RECORDS), encoding="utf-8") as fh:
            yield from fh

    def extractions(self, extractor: str, fingerprint: str) -> dict[tuple[str, str], Extraction]:
        """(paper id, content key) -> extraction; empty when the extractor changed."""
        if self.manifest.get("extractor") != extractor or self.manifest.get("fingerprint") != fingerprint:
            return {}
        out = {}
        with open(self.folder / _state_file(self.manifest, EXTRACTIONS), encoding="utf-8") as fh:
            for line in fh:
                key, ex = extraction_from_line(line)
                out[(ex.paper_id, key)] = ex
        return out


def _state_file(manifest: dict, name: str) -> str:
    """The file of this generation (the manifest names it), or the first layout's fixed name."""
    named = manifest.get("files", {}).get(name, name)
    if "/" in named or named.startswith("."):
        raise StateError(f"{STATE_DIR}/{MANIFEST}: names a file outside the state folder ({named!r})")
    return named


# --- writing ------------------------------------------------------------------------------------

@dataclass
class StateWriter:
    """Writes a build's state while the build runs; `commit()` renames it into place. Leaving the
    `with` block without commit() (an error) keeps the previous state."""

    out_dir: Path
    extractor: str
    fingerprint: str
    _stack: ExitStack = field(default_factory=ExitStack)
    _records: IO | None = None
    _extractions: IO | None = None
    records: int = 0
    gen: str = ""

    def __enter__(self) -> "StateWriter":
        folder = state_dir(self.out_dir)
        _remove_stale_generation_temps(folder)
        # unique per build, so a new generation never overwrites a file the current manifest names
        self.gen = f"{time.time_ns():x}{os.getpid():x}"
        self._records = self._stack.enter_context(atomic_open(folder / self._name(RECORDS), "w"))
        self._extractions = self._stack.enter_context(atomic_open(folder / self._name(EXTRACTIONS), "w"))
        return self

    def _name(self, name: str) -> str:
        return _generation_name(name, self.gen)

    def __exit__(self, *exc) -> bool:
        return self._stack.__exit__(*exc)

    def record_line(self, line: str) -> None:
        self._records.write(line)
        self.records += 1

    def tee(self, papers: Iterable[Paper]) -> Iterator[Paper]:
        for p in papers:
            self.record_line(paper_line(p))
            yield p

    def extraction(self, ex: Extraction, key: str) -> None:
        self._extractions.write(extraction_line(ex, key))

    def commit(self, **info) -> None:
        folder = state_dir(self.out_dir)
        self._stack.close()  # renames this generation's files into place: nothing names them yet
        names = {RECORDS: self._name(RECORDS), EXTRACTIONS: self._name(EXTRACTIONS)}
        manifest = {
            "version": VERSION, "extractor": self.extractor, "fingerprint": self.fingerprint,
            "records": self.records, "generation": self.gen, "files": names,
            "records_bytes": (folder / names[RECORDS]).stat().st_size,
            "extractions_bytes": (folder / names[EXTRACTIONS]).stat().st_size,
            **info,
        }
        with atomic_open(folder / MANIFEST, "w") as fh:  # the commit: one rename
            json.dump(manifest, fh, indent=1, sort_keys=True)
            fh.write("\n")
        _remove_other_generations(folder, set(names.values()))


def _remove_stale_generation_temps(folder: Path) -> None:
    """Temporary files of killed builds: each generation has its own file names, so the cleanup
    atomic_open does for its own target would never see them."""
    pattern = re.compile(r"\.((?:records|extractions)\.[0-9a-f]+\.jsonl)\.\d+\..*\.tmp\Z")
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for target in {m.group(1) for m in map(pattern.match, names) if m}:
        remove_stale_temps(folder / target)


def _remove_other_generations(folder: Path, keep: set[str]) -> None:
    """Old generations' files (and the first layout's), once the manifest no longer names them."""
    pattern = re.compile(r"(records|extractions)(\.[0-9a-f]+)?\.jsonl\Z")
    for name in os.listdir(folder):
        if pattern.match(name) and name not in keep:
            try:
                os.unlink(folder / name)
            except OSError:
                pass


def previous_then_new(state: State, new: Iterable[Paper], writer: StateWriter | None, counts: dict) -> Iterator[Paper]:
    """The stored records, then the new ones that are not exact copies of a stored record."""
    seen: set[bytes] = set()
    for line in state.record_lines():
        seen.add(hashlib.sha1(line.encode("utf-8", "surrogatepass")).digest())
        counts["previous"] = counts.get("previous", 0) + 1
        if writer is not None:
            writer.record_line(line)
        yield paper_from_line(line)
    for p in new:
        line = paper_line(p)
        digest = hashlib.sha1(line.encode("utf-8", "surrogatepass")).digest()
        if digest in seen:
            counts["known"] = counts.get("known", 0) + 1
            continue
        if writer is not None:
            writer.record_line(line)
        yield p
