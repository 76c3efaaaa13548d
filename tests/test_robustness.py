"""Robustness: readers never raise anything but IngestError, exports round-trip whatever text
they are given, and a build killed at any point never leaves a half-written export.

* property tests (hypothesis) for every reader on arbitrary bytes and arbitrary Unicode
  (lone surrogates and control characters included), for structured records holding
  arbitrary values, and for `clean_text` / `IngestError` themselves;
* the Turtle round trip of generated graphs that follow GRAPH_CONTRACT.md
  (export -> kg.load -> equal), GraphML and the HTML data block on arbitrary text;
* atomic output: kg.io.atomic_open, and a real `kg build` SIGKILLed while it runs;
* a short run of benchmarks/fuzz_readers.py.
"""
from __future__ import annotations

import codecs
import hashlib
import importlib.util
import io
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures import assert_same_graph
from kg.export import export
from kg.ingest import IngestError, clean_text, read_papers
from kg.ingest.fields import record_to_paper
from kg.io import atomic_open, remove_stale_temps
from kg.loader import load
from kg.records import Paper
from kg.schema import ENTITY_TYPES, PAPER_PREDICATES

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
GOOD = ROOT / "tests" / "data" / "ingest"
_KG_SCRIPT = Path(sys.executable).with_name("kg")
KG = [str(_KG_SCRIPT)] if _KG_SCRIPT.exists() else [sys.executable, "-m", "kg.cli"]


def _load_fuzzer():
    spec = importlib.util.spec_from_file_location("fuzz_readers", ROOT / "benchmarks" / "fuzz_readers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fuzzer = _load_fuzzer()  # its run_one / check_item are the reader contract checks used below

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")

#: every code point, lone surrogates and control characters included
ANY_CHAR = st.characters()
ANY_TEXT = st.text(ANY_CHAR, max_size=120)
NASTY_CHARS = st.sampled_from(list('\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\xa0\u2028\u2029\ufeff\ufffe\uffff'
                                   '\ud800\udbff\udc00\udfff"\'\\<>&{}[],;\t\r\n') + ['"""', "]]>", "</script>", "\r\n"])
NASTY_TEXT = st.lists(st.one_of(ANY_CHAR, NASTY_CHARS), max_size=60).map("".join)


def _write(data: bytes, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix, prefix="kg-prop-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return Path(name)


def run_readers(data: bytes, suffix: str) -> None:
    """Every reader and read_papers on `data`; only IngestError may escape (checked by run_one)."""
    path = _write(data, suffix)
    try:
        fuzzer.run_one(path)
    finally:
        path.unlink()


def read_all(data: bytes, suffix: str, format: str | None = None) -> tuple[list[Paper], list[IngestError]]:
    path = _write(data, suffix)
    try:
        errors: list[IngestError] = []
        papers = list(read_papers([path], format=format, errors=errors))
    finally:
        path.unlink()
    for item in [*papers, *errors]:
        fuzzer.check_item(item)
    return papers, errors


# --------------------------------------------------------------------------- readers: anything in

SUFFIXES = st.sampled_from(["", ".txt", ".jsonl", ".json", ".csv", ".tsv", ".xml"])


@PROPS
@given(st.binary(max_size=3000), SUFFIXES)
def test_any_bytes_only_ingest_error(data, suffix):
    run_readers(data, suffix)


ENCODINGS = st.sampled_from([
    ("utf-8", "surrogatepass", b""), ("utf-8", "surrogatepass", codecs.BOM_UTF8),
    ("utf-16-le", "surrogatepass", codecs.BOM_UTF16_LE), ("utf-16-be", "surrogatepass", codecs.BOM_UTF16_BE),
    ("utf-32-le", "surrogatepass", codecs.BOM_UTF32_LE), ("latin-1", "replace", b""), ("cp1252", "replace", b""),
])


@PROPS
@given(st.lists(st.one_of(NASTY_TEXT, st.sampled_from(["", "title,abstract", "<feed>", "<entry>", "{", "["])), max_size=8),
       ENCODINGS, SUFFIXES)
def test_any_unicode_text_only_ingest_error(lines, encoding, suffix):
    name, errors, bom = encoding
    text = "\n".join(lines)
    run_readers(bom + text.encode(name, errors), suffix)


def _jsonl(records: list, ascii_only: bool) -> bytes:
    text = "".join(json.dumps(r, ensure_ascii=ascii_only) + "\n" for r in records)
    return text.encode("utf-8", "surrogatepass")  # raw lone surrogates become invalid UTF-8 bytes


@PROPS
@given(st.lists(st.fixed_dictionaries({"title": NASTY_TEXT, "abstract": NASTY_TEXT},
                                      optional={"authors": st.lists(NASTY_TEXT, max_size=3), "date": NASTY_TEXT,
                                                "url": NASTY_TEXT}),
                min_size=1, max_size=6),
       st.booleans())
def test_jsonl_records_with_any_text(records, ascii_only):
    papers, errors = read_all(_jsonl(records, ascii_only), ".jsonl")
    # one record per line, each read as exactly one paper or one error
    assert len(papers) + len(errors) == len(records), [str(e) for e in errors]
    if ascii_only:  # JSON escapes keep every character: the cleaned text is the title
        expected = [clean_text(r["title"]) for r in records if clean_text(r["title"]) and clean_text(r["abstract"])]
        assert [p.title for p in papers] == expected


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | NASTY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["title", "abstract", "authors", "url", "urls", "date", "id", "x"]), inner, max_size=6),
    max_leaves=12,
)


@PROPS
@given(st.lists(JSON_VALUES, max_size=6), st.booleans())
def test_json_array_of_any_values(values, wrapped):
    doc = {"papers": values} if wrapped else values
    data = json.dumps(doc).encode("utf-8")
    papers, errors = read_all(data, ".json")
    assert len(papers) + len(errors) == len(values) or (not values and errors == [])


@PROPS
@given(JSON_VALUES)
def test_record_to_paper_never_raises(value):
    out = record_to_paper(value, "x.jsonl", 1)
    assert isinstance(out, (Paper, IngestError))
    fuzzer.check_item(out)


#: A record every reader must read back, whatever nasty records surround it.
CONTROL_TITLE = "Control Paper: A Sentinel Among Nasty Records"
CONTROL_ABSTRACT = ("We check that a well-formed record survives next to malformed ones. It has two sentences "
                    "and is long enough to read as an abstract in a listing.")


def _has_control(papers: list[Paper]) -> bool:
    return any(p.title == CONTROL_TITLE and p.abstract == CONTROL_ABSTRACT for p in papers)


@PROPS
@given(st.lists(st.lists(NASTY_TEXT, min_size=1, max_size=4), max_size=5), st.sampled_from([",", "\t"]),
       st.sampled_from([["title", "abstract"], ["abstract", "title", "authors"], ["name", "text"]]))
def test_csv_rows_with_any_text(rows, delimiter, header):
    buf = io.StringIO()
    import csv

    control = [CONTROL_ABSTRACT if col == "abstract" else CONTROL_TITLE if col == "title" else "" for col in header]
    csv.writer(buf, delimiter=delimiter).writerows([header, *rows, control])
    suffix = ".csv" if delimiter == "," else ".tsv"
    data = buf.getvalue().encode("utf-8", "surrogatepass")
    papers, errors = read_all(data, suffix)
    if b"\x00" in data or "title" not in header:  # a binary file, or no usable header: one error
        assert papers == [] and len(errors) == 1
        assert ("binary file" if b"\x00" in data else "missing required column") in str(errors[0])
        return
    assert _has_control(papers)
    # every row that is not blank is a paper or an error, none is dropped silently
    blank = sum(all(not c.strip() for c in row) for row in rows)
    assert len(papers) + len(errors) == len(rows) - blank + 1


def _well_formed(doc: bytes) -> bool:
    from xml.etree import ElementTree

    try:
        ElementTree.fromstring(doc)
    except ElementTree.ParseError:
        return False
    return True


@PROPS
@given(st.lists(st.tuples(NASTY_TEXT, NASTY_TEXT), min_size=1, max_size=4))
def test_atom_entries_with_any_text(pairs):
    pairs = [(CONTROL_TITLE, CONTROL_ABSTRACT), *pairs]
    entries = "".join(f"<entry><title>{escape(t)}</title><summary>{escape(a)}</summary></entry>\n" for t, a in pairs)
    doc = f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n{entries}</feed>\n'
    data = doc.encode("utf-8", "surrogatepass")
    papers, errors = read_all(data, ".xml")
    if _well_formed(data):  # each entry is a paper or an error
        assert _has_control(papers)
        assert len(papers) + len(errors) == len(pairs)
    else:  # characters XML cannot hold: the file is reported, never read half silently
        assert errors


@PROPS
@given(st.lists(NASTY_TEXT, min_size=1, max_size=10), st.booleans())
def test_listing_lines_with_any_text(lines, blank):
    sep = "\n\n" if blank else "\n"
    text = sep.join(lines) + f"\n\nFeb 3\n\n{CONTROL_TITLE}\n\n{CONTROL_ABSTRACT}\n"
    papers, errors = read_all(text.encode("utf-8", "surrogatepass"), ".txt")
    if "\x00" in text:  # NUL bytes: a binary file, reported and not read
        assert papers == [] and "binary file" in str(errors[0])
    else:
        assert _has_control(papers)


@settings(max_examples=300, deadline=None)
@given(NASTY_TEXT)
def test_clean_text_output_is_clean(text):
    out = clean_text(text)
    assert not UNCLEAN.search(out)
    assert out == out.strip() and "  " not in out
    assert clean_text(out) == out
    out.encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(NASTY_TEXT, NASTY_TEXT, st.one_of(st.none(), st.integers(min_value=1), NASTY_TEXT))
def test_ingest_error_is_one_line(path, message, place):
    text = str(IngestError(path, message, place))
    assert len(text.splitlines()) <= 1
    assert "\n" not in text and "\r" not in text


def test_deeply_nested_xml_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "deep.xml"
    path.write_text('<feed xmlns="http://www.w3.org/2005/Atom">' + "<a>" * 1_000_000)
    papers, errors = read_all(path.read_bytes(), ".xml")
    assert papers == [] and len(errors) == 1 and "nested more than" in str(errors[0])


@pytest.mark.parametrize("markup", ["<x " + 'a="v" ' * 300_000 + "/>", "<!--" + "x" * 2_000_000 + "-->",
                                    "<" + "x" * 2_000_000 + "/>"], ids=["attributes", "comment", "tag name"])
def test_huge_xml_markup_is_refused_quickly(tmp_path, markup):
    doc = f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Kept</title><summary>s</summary></entry>{markup}</feed>'
    start = time.monotonic()
    papers, errors = read_all(doc.encode(), ".xml")
    assert time.monotonic() - start < 5  # expat re-scans an open token on every feed: must not go quadratic
    assert [p.title for p in papers] == ["Kept"]
    assert len(errors) == 1 and "longer than" in str(errors[0])


@pytest.mark.parametrize("encoding", ["UTD-8", "shift_jis", "rot13"])
def test_xml_with_unusable_encoding_declaration(encoding):
    doc = f'<?xml version="1.0" encoding="{encoding}"?>\n<feed><entry><title>T</title><summary>S</summary></entry></feed>'
    papers, errors = read_all(doc.encode(), ".xml")
    assert papers == [] and len(errors) == 1 and "encoding" in str(errors[0])


def test_json_object_nested_too_deeply():
    papers, errors = read_all(b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b', "papers": []}', ".json")
    assert papers == [] and len(errors) == 1 and "nested too deeply" in str(errors[0])


# --------------------------------------------------------------------------- exports: anything out

GRAPH_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=25)  # contract strings are valid Unicode
GRAPH_TEXT_NASTY = st.one_of(GRAPH_TEXT, st.lists(st.one_of(st.characters(exclude_categories=("Cs",)),
                                                             NASTY_CHARS.filter(lambda c: not re.search("[\ud800-\udfff]", c))),
                                                   max_size=25).map("".join))
RAPTOR_TEXT = GRAPH_TEXT_NASTY.map(lambda s: s.replace("\uffff", "\ufffd").replace("\ufffe", "\ufffd"))


def _sorted_unique(items):
    return tuple(sorted(set(items)))


@st.composite
def contract_graphs(draw, text=GRAPH_TEXT_NASTY) -> nx.MultiDiGraph:
    """A graph following GRAPH_CONTRACT.md, with arbitrary `text` everywhere text may go."""
    base = draw(st.sampled_from(["https://w3id.org/mlkg/id/", "http://example.org/kg/"]))
    G = nx.MultiDiGraph(base_iri=base)
    titles = draw(st.lists(text, min_size=1, max_size=4, unique_by=lambda t: hashlib.sha1(t.encode()).hexdigest()[:10]))
    papers = []
    for title in titles:
        pid = "paper/" + hashlib.sha1(title.encode()).hexdigest()[:10]
        authors = tuple(draw(st.lists(text, max_size=3, unique=True)))
        G.add_node(pid, type="Paper", label=title, title=title, abstract=draw(text),
                   date=draw(st.one_of(st.none(), text)),
                   sources=_sorted_unique(draw(st.lists(text, max_size=2))),
                   urls=_sorted_unique(draw(st.lists(st.one_of(text, st.sampled_from(
                       ["https://arxiv.org/abs/2401.00001", "http://x.org/a b", "javascript:alert(1)", "urn:isbn:1"])), max_size=2))),
                   authors=authors,
                   code=_sorted_unique(draw(st.lists(st.sampled_from(["https://github.com/a/b", "not a url", "<x>"]), max_size=2))),
                   aliases=())
        papers.append(pid)
    entities = []
    for _ in range(draw(st.integers(0, 5))):
        typ = draw(st.sampled_from(ENTITY_TYPES))
        slug = draw(text.filter(bool))
        eid = f"{typ.lower()}/{slug}"
        if eid in G:
            continue
        G.add_node(eid, type=typ, label=draw(text),
                   aliases=_sorted_unique(draw(st.lists(text, max_size=3))))
        entities.append((eid, typ))
    keys = draw(st.lists(st.binary(min_size=8, max_size=8).map(bytes.hex), max_size=8, unique=True))
    for key in keys:
        if not entities:
            break
        paper = draw(st.sampled_from(papers))
        methods = [e for e, t in entities if t == "Method"]
        if len(methods) >= 2 and draw(st.booleans()):
            u, v = draw(st.sampled_from(methods)), draw(st.sampled_from(methods))
            predicate = draw(st.sampled_from(["outperforms", "extends"]))
        else:
            u, (v, _) = paper, draw(st.sampled_from(entities))
            predicate = draw(st.sampled_from(PAPER_PREDICATES))
        start = draw(st.integers(-1, 10**6))
        G.add_edge(u, v, key="statement/" + key, predicate=predicate, paper=paper, evidence=draw(text),
                   start=start, end=-1 if start == -1 else start + draw(st.integers(0, 1000)),
                   rule=draw(text), confidence=draw(st.floats(0, 1, allow_nan=False)))
    return G


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(contract_graphs())
def test_turtle_round_trip_of_contract_graphs(tmp_path, G):
    from kg.export.stream import export_streaming

    out = tmp_path / hashlib.sha1(repr(sorted(G.nodes)).encode()).hexdigest()[:12]
    export(G, out, ["ttl", "nt"])
    assert_same_graph(load(out / "graph.ttl"), G)
    assert_same_graph(load(out / "graph.nt"), G)
    streamed = out / "streamed"
    export_streaming(G, streamed, ["ttl"])  # what `kg build` uses: must be the same bytes
    assert (streamed / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(contract_graphs())
def test_rdflib_reads_what_we_write(tmp_path, G):
    import rdflib

    out = tmp_path / hashlib.sha1(repr(sorted(G.nodes)).encode()).hexdigest()[:12]
    export(G, out, ["ttl", "nt", "jsonld"])
    n = len(rdflib.Graph().parse(str(out / "graph.nt"), format="nt"))
    assert len(rdflib.Graph().parse(str(out / "graph.ttl"), format="turtle")) == n
    assert len(rdflib.Graph().parse(str(out / "graph.jsonld"), format="json-ld")) == n


@pytest.mark.skipif(__import__("shutil").which("rapper") is None, reason="rapper (raptor2-utils) not installed")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(contract_graphs(text=RAPTOR_TEXT))
def test_rapper_reads_generated_graphs(tmp_path, G):
    """rapper parses our Turtle and N-Triples. (raptor rejects the noncharacters U+FFFE/U+FFFF in Turtle
    strings, raw or escaped, so they are left out of this test's text; ingest strips them, so a build
    never exports them.)"""
    out = tmp_path / hashlib.sha1(repr(sorted(G.nodes)).encode()).hexdigest()[:12]
    export(G, out, ["ttl", "nt"])
    counts = []
    for name, syntax in [("graph.ttl", "turtle"), ("graph.nt", "ntriples")]:
        proc = subprocess.run(["rapper", "-i", syntax, "-c", str(out / name)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "Error" not in proc.stderr and "Warning" not in proc.stderr, proc.stderr[-2000:]
        counts.append(re.search(r"returned (\d+) triples", proc.stderr).group(1))
    assert counts[0] == counts[1]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(contract_graphs(), NASTY_TEXT)
def test_graphml_is_well_formed_for_any_text(tmp_path, G, extra):
    from kg.export.graphml import xml_safe

    some = next(iter(G.nodes))
    G.nodes[some]["label"] = extra  # even text outside the contract (lone surrogates, NUL)
    out = tmp_path / hashlib.sha1(repr(sorted(G.nodes)).encode()).hexdigest()[:12]
    export(G, out, ["graphml"])
    H = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    assert H.number_of_nodes() == G.number_of_nodes() and H.number_of_edges() == G.number_of_edges()
    assert H.nodes[xml_safe(some)].get("label", "") == xml_safe(extra).replace("\r\n", "\n").replace("\r", "\n") or "\r" in extra


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(contract_graphs())
def test_html_data_block_escapes_any_text(tmp_path, G):
    from kg.view import write_html

    path = tmp_path / "graph.html"
    write_html(G, path)
    page = path.read_text(encoding="utf-8")
    m = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert m
    block = m.group(1)
    assert "<" not in block and ">" not in block and "\u2028" not in block and "\u2029" not in block
    text = json.dumps(json.loads(block), ensure_ascii=False)
    for _, d in G.nodes(data=True):
        if d.get("label"):
            assert json.dumps(d["label"], ensure_ascii=False)[1:-1] in text


# --------------------------------------------------------------------------- atomic output

def test_atomic_open_keeps_old_file_on_error(tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_open(path) as fh:
            fh.write("half of the new conte")
            raise RuntimeError("boom")
    assert path.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["graph.ttl"]


def test_atomic_open_gives_ordinary_permissions(tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)
    path = tmp_path / "graph.ttl"
    with atomic_open(path) as fh:
        fh.write("x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_atomic_open_removes_temp_files_of_dead_processes(tmp_path):
    path = tmp_path / "graph.ttl"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".graph.ttl.{dead.pid}.abc123.tmp"  # left by a build killed mid-write
    stale.write_text("partial")
    live = tmp_path / f".graph.ttl.{os.getpid()}.def456.tmp"  # another writer still at work
    live.write_text("in progress")
    other = tmp_path / f".graph.nt.{dead.pid}.abc123.tmp"  # another export: its own writer cleans it
    other.write_text("partial")
    with atomic_open(path) as fh:
        fh.write("new")
    assert path.read_text() == "new"
    assert not stale.exists() and live.exists() and other.exists()
    assert remove_stale_temps(tmp_path / "graph.nt") == [other]


# --------------------------------------------------------------------------- a real build, killed

SYL = ["ka", "lo", "mi", "ter", "vax", "zu", "ron", "pel", "qua", "dri", "sen", "tho"]
DATASETS = ["CIFAR-10", "ImageNet", "COCO", "SQuAD", "GLUE", "MNIST", "WikiText-103", "LibriSpeech"]
TASKS = ["image classification", "object detection", "question answering", "speech recognition"]
EXPORTS = ["graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "graph.html"]
TEMP = re.compile(r"^\.(graph\.[a-z]+)\..*\.tmp$")


def _large_input(path: Path, n: int) -> None:
    import random

    rng = random.Random(7)
    names: list[str] = []
    while len(names) < n:
        name = "".join(rng.choice(SYL) for _ in range(3)).capitalize() + rng.choice(["Net", "Former", "GAN"])
        if name not in names:
            names.append(name)
    with open(path, "w", encoding="utf-8") as fh:
        for i, m in enumerate(names):
            other = names[rng.randrange(i + 1)]
            d1, d2 = rng.sample(DATASETS, 2)
            task = rng.choice(TASKS)
            fh.write(json.dumps({
                "title": f"{m}: {task.title()} with \"Sparse\" <Experts> \\ ({i})",
                "abstract": f"We propose {m}, a sparse model for {task}. {m} outperforms {other} on {d1} and {d2}. "
                            f"It is trained on a GPU and improves accuracy by {rng.randint(1, 9)} points.",
                "authors": [f"A. Author{i}", "B. Writer"], "url": f"https://arxiv.org/abs/2401.{i:05d}"}) + "\n")


def _digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in EXPORTS if (folder / name).exists()}


def _visible(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def _kg_build(inputs: Path, out: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONHASHSEED="0")  # a deterministic build: same input, same bytes
    return subprocess.Popen([*KG, "build", str(inputs), "--out", str(out), "--quiet"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killed_build_never_leaves_a_partial_export(tmp_path):
    """SIGKILL a real `kg build` at several points (during extraction, and as each export's
    temporary file appears); every graph.* is then byte-identical to the previous export or to
    the complete new one, and temporary files are hidden and cleaned up by the next build."""
    out = tmp_path / "exports"
    first = _kg_build(GOOD, out)
    assert first.wait(timeout=120) == 0, first.stderr.read().decode()
    previous = _digests(out)
    assert sorted(previous) == sorted(EXPORTS)

    big = tmp_path / "big.jsonl"
    _large_input(big, 500)

    # kill triggers: a delay in seconds, or "the k-th distinct export has a temporary file"
    triggers: list[tuple[str, float]] = [("delay", 0.3), ("temp", 1), ("temp", 2), ("temp", 3), ("temp", 4), ("temp", 5)]
    observed: list[tuple[str, dict[str, str], dict[str, str], list[str]]] = []
    killed_mid_write = 0
    for kind, arg in triggers:
        before = _digests(out)
        proc = _kg_build(big, out)
        start = time.monotonic()
        seen: set[str] = set()
        fired = False
        while proc.poll() is None and time.monotonic() - start < 120:
            if kind == "delay" and time.monotonic() - start >= arg:
                fired = True
            elif kind == "temp":
                try:
                    names = os.listdir(out)
                except FileNotFoundError:
                    names = []
                seen.update(m.group(1) for m in map(TEMP.match, names) if m)
                fired = len(seen) >= arg
            if fired:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
        rc = proc.wait(timeout=60)
        if rc == -signal.SIGKILL:
            temps = [n for n in os.listdir(out) if TEMP.match(n)]
            killed_mid_write += bool(temps)
            observed.append((f"{kind} {arg}", before, _digests(out), temps))
        else:
            assert rc == 0, proc.stderr.read().decode()  # finished before the trigger: a complete build
            observed.append((f"{kind} {arg} (finished)", before, _digests(out), []))
        # whatever happened, nothing visible but complete exports (and the state folder)
        assert _visible(out) <= set(EXPORTS), _visible(out)

    final = _kg_build(big, out)
    assert final.wait(timeout=120) == 0, final.stderr.read().decode()
    new = _digests(out)
    assert new != previous
    for label, before, after, temps in observed:
        for name in EXPORTS:
            assert after.get(name) in (before.get(name), new[name]), f"{name} is partial after kill at {label}"
        for t in temps:  # leftovers are hidden temporaries, never named like an export
            assert t.startswith(".") and t.endswith(".tmp")
    # the completed build removed the temporaries the killed builds left behind
    leftovers = [str(p.relative_to(out)) for p in out.rglob("*.tmp")]
    assert leftovers == []
    assert killed_mid_write >= 2, [(o[0], o[3]) for o in observed]  # the test did hit open temporary files
    G = load(out / "graph.ttl")
    assert sum(1 for _, d in G.nodes(data=True) if d.get("type") == "Paper") == 500


# --------------------------------------------------------------------------- fuzzing

def test_fuzz_readers_short_run(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fuzz_readers.py"), "--seconds", "5", "--seed", "20240101",
                           "--crash-dir", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert "0 failures" in proc.stderr
