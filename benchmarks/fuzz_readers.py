"""Mutation fuzzing of the ingest readers.

    python benchmarks/fuzz_readers.py [--seconds 20] [--seed N] [--crash-dir DIR]

Takes the fixture files (tests/data/ingest, tests/data/bad), mutates them at random (bit
flips, byte insertions and deletions, truncation, splicing two files, re-encoding, inserting
tokens that matter to some format: NULs, BOMs, quotes, escapes, surrogate escapes, entity
declarations, deep nesting, long runs) and runs each result through every registered reader and
through `read_papers` (which sniffs the format). Exits with status 1 if anything but IngestError
escapes a reader, or if a reader yields something that breaks the record contract (a Paper with
an empty or unclean title/abstract, an error message that is not one line); the input is saved
to --crash-dir for replay (`python benchmarks/fuzz_readers.py --replay FILE`).
"""
from __future__ import annotations

import argparse
import codecs
import random
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.ingest import IngestError, read_papers, readers  # noqa: E402
from kg.records import Paper  # noqa: E402

SEED_DIRS = [ROOT / "tests" / "data" / "ingest", ROOT / "tests" / "data" / "bad"]
MAX_SEED_BYTES = 256 * 1024
MAX_RECORDS = 10_000  # per reader run: a reader yielding more than this from a small input is a bug
SLOW_SECONDS = 2.0  # one input taking longer than this is reported (not a failure)
EXTENSIONS = ["", ".txt", ".jsonl", ".json", ".csv", ".tsv", ".xml", ".atom", ".dat"]

TOKENS = [
    b"\x00", b"\xff\xfe", b"\xfe\xff", codecs.BOM_UTF8, b"\xff", b"\x80", b"\xc3", b"\xed\xa0\x80",  # lone surrogate in UTF-8
    b'"', b"'", b"\\", b"\\u", b"\\ud800", b"\\udfff", b"\\u0000", b"\\x", b",", b"\t", b";", b"|",
    b"\r", b"\n", b"\r\n", b"\n\n", b"\x0b", b"\x0c", b"\x1b", b"\x7f", b"\xc2\x85", b"\xe2\x80\xa8",
    b"{", b"}", b"[", b"]", b":", b"null", b"true", b"1e999", b"-0", b"NaN", b'{"papers": [', b'"title"', b'"abstract"',
    b"<", b">", b"</entry>", b"<entry>", b"<title>", b"</summary>", b"<![CDATA[", b"]]>", b"<!--", b"-->", b"&amp;",
    b"&lol;", b"&#0;", b"&#xD800;", b"<!DOCTYPE feed [<!ENTITY a \"b\">]>", b'<!ENTITY x SYSTEM "file:///etc/passwd">',
    b"<?xml version=\"1.0\" encoding=\"latin-1\"?>", b"<?xml version=\"1.1\"?>", b"xmlns=\"http://www.w3.org/2005/Atom\"",
    b"Subscribe", b"Daily Papers", b"Sep 11", b"title,abstract\n", b"title\tabstract\n",
    # bidi override/isolates and zero-width space (must be removed), javascript: URLs (dropped)
    "\u202e".encode(), "\u2066".encode(), "\u2069".encode(), "\u200b".encode(), b'"url": "javascript:alert(1)"',
]


def load_seeds() -> list[bytes]:
    seeds = []
    for folder in SEED_DIRS:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.stat().st_size <= MAX_SEED_BYTES:
                seeds.append(path.read_bytes())
    if not seeds:
        seeds.append(b'{"title": "T", "abstract": "We propose a model."}\n')
    return seeds


# --------------------------------------------------------------------------- mutations

def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data))


def m_flip(rng, data, seeds):
    if not data:
        return data
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def m_random_bytes(rng, data, seeds):
    i = _pos(rng, data)
    return data[:i] + rng.randbytes(rng.randint(1, 16)) + data[i:]


def m_token(rng, data, seeds):
    out = data
    for _ in range(rng.randint(1, 4)):
        i = _pos(rng, out)
        out = out[:i] + rng.choice(TOKENS) + out[i:]
    return out


def m_delete(rng, data, seeds):
    if not data:
        return data
    i = rng.randrange(len(data))
    return data[:i] + data[i + rng.randint(1, 64):]


def m_truncate(rng, data, seeds):
    return data[: _pos(rng, data)]


def m_duplicate(rng, data, seeds):
    if not data:
        return data
    i = rng.randrange(len(data))
    j = min(len(data), i + rng.randint(1, 256))
    return data[:j] + data[i:j] * rng.randint(1, 20) + data[j:]


def m_splice(rng, data, seeds):
    other = rng.choice(seeds)
    return data[: _pos(rng, data)] + other[_pos(rng, other):]


def m_reencode(rng, data, seeds):
    text = data.decode("utf-8", "replace")
    enc, bom = rng.choice([("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                           ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-8", codecs.BOM_UTF8),
                           ("latin-1", b""), ("cp1252", b""), ("utf-16-le", b"")])
    raw = text.encode(enc, "replace")
    if rng.random() < 0.3 and raw:  # odd length: a cut-off code unit
        raw = raw[:-1]
    return bom + raw


def m_nest(rng, data, seeds):
    opener = rng.choice([b"[", b"{\"a\":", b"<a>", b"<entry>", b"\"", b"\\"])
    i = _pos(rng, data)
    return data[:i] + opener * rng.randint(50, 3000) + data[i:]


def m_long_run(rng, data, seeds):
    i = _pos(rng, data)
    return data[:i] + rng.choice([b"a", b" ", b"word ", b"\n", b"\r", b",", b"\t"]) * rng.randint(100, 200_000) + data[i:]


def m_lines(rng, data, seeds):
    lines = data.splitlines(keepends=True)
    if len(lines) < 2:
        return data
    op = rng.randrange(3)
    if op == 0:
        rng.shuffle(lines)
    elif op == 1:
        del lines[rng.randrange(len(lines))]
    else:
        lines.insert(rng.randrange(len(lines)), rng.choice(lines))
    return b"".join(lines)


MUTATIONS = [m_flip, m_random_bytes, m_token, m_token, m_delete, m_truncate, m_duplicate, m_splice,
             m_reencode, m_nest, m_long_run, m_lines, m_lines]


def mutate(rng: random.Random, seeds: list[bytes]) -> bytes:
    data = rng.choice(seeds)
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 5])):
        data = rng.choice(MUTATIONS)(rng, data, seeds)
    return data[: 4 * 1024 * 1024]


# --------------------------------------------------------------------------- checking

_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u200b]")


class ContractError(Exception):
    pass


def check_item(item) -> None:
    if isinstance(item, IngestError):
        msg = str(item)
        if "\n" in msg or "\r" in msg or not msg.strip():
            raise ContractError(f"error message is not one non-empty line: {msg!r}")
        return
    if not isinstance(item, Paper):
        raise ContractError(f"reader yielded {type(item).__name__}, not Paper or IngestError")
    for name in ("title", "abstract"):
        value = getattr(item, name)
        if not isinstance(value, str) or not value.strip():
            raise ContractError(f"Paper.{name} is empty: {item!r:.200}")
        if _UNCLEAN.search(value):
            raise ContractError(f"Paper.{name} holds control characters or surrogates: {value!r:.200}")
        value.encode("utf-8")
    for url in item.urls:
        if not url.lower().startswith(("http://", "https://")):
            raise ContractError(f"Paper.urls holds a non-http(s) URL: {url!r:.200}")
    for value in item.authors + item.urls + item.sources + ((item.date,) if item.date else ()):
        value.encode("utf-8")


def run_one(path: Path) -> None:
    """Every reader on `path`, then read_papers with sniffing. Raises on contract violations."""
    for name, reader in readers().items():
        try:
            for n, item in enumerate(reader(path, str(path))):
                check_item(item)
                if n > MAX_RECORDS:
                    raise ContractError(f"reader {name} yielded more than {MAX_RECORDS} records")
        except IngestError as exc:
            check_item(exc)
        except ContractError as exc:
            raise ContractError(f"reader {name}: {exc}") from None
        except Exception as exc:
            raise type(exc)(f"reader {name}: {exc}").with_traceback(exc.__traceback__) from None
    errors: list[IngestError] = []
    for n, paper in enumerate(read_papers([path], errors=errors)):
        check_item(paper)
        if n > MAX_RECORDS:
            raise ContractError(f"read_papers yielded more than {MAX_RECORDS} records")
    for err in errors:
        check_item(err)


def fuzz(seconds: float, seed: int, crash_dir: Path | None, verbose: bool = False) -> int:
    rng = random.Random(seed)
    seeds = load_seeds()
    deadline = time.monotonic() + seconds
    runs = failures = 0
    slowest = (0.0, b"")
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as tmp:
        while time.monotonic() < deadline:
            data = mutate(rng, seeds)
            ext = rng.choice(EXTENSIONS)
            path = Path(tmp) / f"input{ext}"
            path.write_bytes(data)
            start = time.monotonic()
            try:
                run_one(path)
            except Exception:  # anything but IngestError (which run_one handles) is a finding
                failures += 1
                print(f"FAIL on a {len(data)}-byte input{ext}:", file=sys.stderr)
                traceback.print_exc(limit=6)
                if crash_dir is not None:
                    crash_dir.mkdir(parents=True, exist_ok=True)
                    saved = crash_dir / f"crash-{seed}-{runs}{ext or '.noext'}"
                    saved.write_bytes(data)
                    print(f"saved to {saved}", file=sys.stderr)
                if failures >= 5:
                    break
            took = time.monotonic() - start
            if took > slowest[0]:
                slowest = (took, data[:80])
            runs += 1
            if verbose and runs % 500 == 0:
                print(f"{runs} inputs, {failures} failures", file=sys.stderr)
    print(f"fuzz_readers: {runs} inputs in {seconds:.0f} s (seed {seed}), {failures} failures, "
          f"slowest input {slowest[0]:.2f} s", file=sys.stderr)
    if slowest[0] > SLOW_SECONDS:
        print(f"fuzz_readers: slow input starts {slowest[1]!r}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="how long to fuzz (default 20)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    ap.add_argument("--crash-dir", type=Path, default=None, help="save failing inputs here")
    ap.add_argument("--replay", type=Path, nargs="*", default=None, help="run these saved inputs instead of fuzzing")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if args.replay:
        status = 0
        for path in args.replay:
            try:
                run_one(path)
                print(f"{path}: ok")
            except Exception:
                traceback.print_exc()
                status = 1
        return status
    seed = args.seed if args.seed is not None else int(time.time() * 1000) % 2**31
    return fuzz(args.seconds, seed, args.crash_dir, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
