"""Hostile and unlucky inputs (issue 15): duplicate blocks, letterless titles, pathological
abstracts, formula cells, non-web URLs, bidi/zero-width characters, unwritable outputs.

Real files and real `kg` processes; sizes are small so the suite stays fast (the 200k-record
and 100,000-character figures are in benchmarks/bench_pathological.py)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cellsafe import csv_text, neutralise, tsv_cell
from kg.ingest import clean_text, merge_duplicates, read_papers
from kg.ingest.text import make_paper, web_url
from kg.pipeline import MAX_EXTRACT_CHARS, BuildReport, bounded, build

ABSTRACT = "We train a residual network on ImageNet and compare it with VGG on CIFAR-10."


def _kg(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def _write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- de-duplication

def test_titles_without_letters_are_never_merged(tmp_path):
    titles = ["!!!???...", "?!?!", "\U0001F600\U0001F680", "\U0001F9E0\U0001F4A1"]
    src = _write_jsonl(tmp_path / "a.jsonl", [{"title": t, "abstract": ABSTRACT} for t in titles])
    papers, merged = merge_duplicates(read_papers([src]))
    assert merged == 0
    assert [p.title for p in papers] == titles


def test_identical_block_merges_into_one_with_every_source():
    n = 3000
    papers, merged = merge_duplicates(
        make_paper("Deep Residual Learning", ABSTRACT, f"a.jsonl:{i}", authors=[f"Author {i % 7}", "K. He"],
                   urls=["https://arxiv.org/abs/1512.03385"]) for i in range(n))
    assert merged == n - 1 and len(papers) == 1
    p = papers[0]
    assert len(p.sources) == n and p.sources[0] == "a.jsonl:0"
    assert p.authors[:2] == ("Author 0", "K. He") and len(p.authors) == 8
    assert p.urls == ("https://arxiv.org/abs/1512.03385",)


def test_numbered_titles_stay_apart_and_near_copies_still_merge():
    numbered = [make_paper(f"A Study of Residual Learning for Recognition {i}", ABSTRACT, f"a:{i}") for i in range(2000)]
    papers, merged = merge_duplicates(numbered)
    assert merged == 0 and len(papers) == 2000
    pair = [make_paper("Efficient Channel Attention for Deep Convolutional Networks", ABSTRACT, "a:1"),
            make_paper("Efficient Chanel Attention for Deep Convolutional Networks", ABSTRACT, "a:2")]
    assert merge_duplicates(pair)[1] == 1


def test_one_title_many_abstracts_keeps_them_apart():
    recs = [make_paper("Deep Residual Learning", " ".join(f"w{(i * 31 + j * 17) % 997}x{i}" for j in range(30)), f"a:{i}")
            for i in range(500)]
    papers, merged = merge_duplicates(recs)
    assert len(papers) + merged == 500 and len(papers) > 450


# --------------------------------------------------------------------------- text cleaning

@pytest.mark.parametrize("ch", ["\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200e", "\u2060"])
def test_bidi_and_zero_width_characters_are_removed(tmp_path, ch):
    assert clean_text(f"Res{ch}Net") == "ResNet"
    src = _write_jsonl(tmp_path / "a.jsonl", [{"title": f"Deep {ch}Residual", "abstract": f"We {ch}train."}])
    (p,) = read_papers([src])
    assert p.title == "Deep Residual" and p.abstract == "We train."


def test_joiners_needed_by_scripts_and_emoji_stay():
    assert clean_text("\U0001F468\u200d\U0001F469") == "\U0001F468\u200d\U0001F469"


# --------------------------------------------------------------------------- URLs

def test_only_http_urls_are_kept(tmp_path):
    for url in ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "ftp://x.org/a", "http://", "arxiv.org/abs/1"]:
        assert not web_url(url), url
    assert web_url("https://arxiv.org/abs/1512.03385") and web_url("HTTP://example.org")
    src = _write_jsonl(tmp_path / "a.jsonl", [{"title": "Deep Residual", "abstract": ABSTRACT,
                                                "urls": ["javascript:alert(1)", "https://ok.org/p"]}])
    out = tmp_path / "out"
    r = _kg("build", src, "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "javascript" not in ttl.lower() and "https://ok.org/p" in ttl
    assert f"urls dropped      1 not http(s) (first in {src}:1)" in r.stdout.splitlines()
    web_only = _write_jsonl(tmp_path / "b.jsonl", [{"title": "Deep Residual", "abstract": ABSTRACT, "url": "https://ok.org/p"}])
    r = _kg("build", web_only, "--out", out, "--quiet")
    assert r.returncode == 0 and "urls dropped" not in r.stdout  # the line shows only when some were


# --------------------------------------------------------------------------- CSV

def test_neutralise_follows_owasp():
    for cell in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]:
        assert neutralise(cell) == "'" + cell
    for cell in ["-1.5", "+3e-2", "42", "ResNet-50", "", "'quoted"]:
        assert neutralise(cell) == cell
    assert tsv_cell('"=1+1"') == "'\"=1+1\"" and tsv_cell("<http://x>") == "<http://x>" and tsv_cell("-3") == "-3"
    rows = list(csv.reader(io.StringIO(csv_text(["t"], [['=HYPERLINK("http://x","y")'], ["a,b"]]))))
    assert rows == [["t"], ['\'=HYPERLINK("http://x","y")'], ["a,b"]]


def test_kg_query_csv_is_spreadsheet_safe(tmp_path):
    src = _write_jsonl(tmp_path / "a.jsonl", [{"title": '=HYPERLINK("http://evil","x")', "abstract": ABSTRACT},
                                               {"title": "@SUM(A1:A9)", "abstract": ABSTRACT}])
    out = tmp_path / "out"
    assert _kg("build", src, "--out", out, "--quiet").returncode == 0
    r = _kg("query", out / "graph.ttl", "--format", "csv", "SELECT ?t { ?p dcterms:title ?t } ORDER BY ?t")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["t"]
    assert sorted(row[0] for row in rows[1:] if row) == ["'=HYPERLINK(\"http://evil\",\"x\")", "'@SUM(A1:A9)"]


# --------------------------------------------------------------------------- pathological abstracts

def test_long_abstract_is_cut_for_extraction_with_one_note(tmp_path):
    cut: list[str] = []
    long = make_paper("A Paper", ("ResNet " * 3000).strip(), "a.jsonl:1")
    short = bounded(long, cut)
    assert len(short.abstract) <= MAX_EXTRACT_CHARS and long.abstract.startswith(short.abstract)
    assert len(cut) == 1 and cut[0].startswith("a.jsonl:1: abstract of 20999 characters")
    dashes = make_paper("B Paper", "We use " + "ResNet-" * 2000, "a.jsonl:2")
    assert bounded(dashes, cut).abstract == "We use" and "a word longer than" in cut[1]
    ordinary = make_paper("C Paper", ABSTRACT, "a.jsonl:3")
    assert bounded(ordinary, cut) is ordinary and len(cut) == 2


def test_build_of_pathological_abstracts_finishes_and_keeps_the_abstract(tmp_path):
    recs = [{"title": "Dash Paper", "abstract": "ResNet-" * 14000},
            {"title": "Lexicon Paper", "abstract": "ResNet BERT ImageNet CIFAR-10 " * 3300},
            {"title": "Parens Paper", "abstract": "(SAN) " * 16000}]
    src = _write_jsonl(tmp_path / "a.jsonl", recs)
    report = BuildReport()
    G = build([src], report=report)
    assert len(report.cut) == 3
    assert "abstracts cut     3 for extraction (first: " in report.summary(G)
    abstracts = sorted(len(d.get("abstract", "")) for _, d in G.nodes(data=True) if d.get("type") == "Paper")
    assert abstracts == sorted(len(r["abstract"].strip()) for r in recs)


# --------------------------------------------------------------------------- one line, never a traceback

@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    src = _write_jsonl(tmp / "a.jsonl", [{"title": "Deep Residual", "abstract": ABSTRACT}])
    assert _kg("build", src, "--out", tmp / "out", "--quiet").returncode == 0
    return tmp / "out" / "graph.ttl"


def _one_line_status_2(r):
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_query_file_that_is_binary(small_export, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_bytes(b"\x00\x01\xff\xfeSELECT")
    r = _kg("query", small_export, "--file", rq)
    _one_line_status_2(r)
    assert f"{rq}:byte 2: not UTF-8 text" in r.stderr


@pytest.mark.parametrize("damage", ["truncated", "binary"])
@pytest.mark.parametrize("command", [["query", "SELECT * { ?s ?p ?o }"], ["stats"], ["validate"], ["view"]])
def test_damaged_graph_ttl(small_export, tmp_path, damage, command):
    data = small_export.read_bytes()
    bad = tmp_path / "graph.ttl"
    bad.write_bytes(data[: len(data) // 2] if damage == "truncated" else data[:200] + b"\x00\xff\x80" + data[200:])
    r = _kg(command[0], bad, *command[1:])
    _one_line_status_2(r)
    assert str(bad) in r.stderr or "graph.ttl" in r.stderr


def test_outputs_below_a_regular_file(small_export, tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("x")
    r = _kg("view", small_export, "--out", plain / "page.html")
    _one_line_status_2(r)
    r = _kg("stats", small_export, "--plot", plain / "plots")
    _one_line_status_2(r)
    assert plain.read_text() == "x"


# --------------------------------------------------------------------------- state and --out

def _build(src, out, *extra):
    return _kg("build", src, "--out", out, "--quiet", *extra)


def test_second_build_on_a_locked_out_fails_with_one_line(tmp_path):

    src = _write_jsonl(tmp_path / "a.jsonl", [{"title": "Deep Residual", "abstract": ABSTRACT}])
    out = tmp_path / "out"
    assert _build(src, out).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    # a real second process holds the lock, as a running build does
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl,os,sys,time; fd=os.open(sys.argv[1], os.O_RDWR);"
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
                               str(out / ".kg.lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        src2 = _write_jsonl(tmp_path / "b.jsonl", [{"title": "Other Paper", "abstract": ABSTRACT}])
        r = _build(src2, out)
        _one_line_status_2(r)
        assert "another kg build" in r.stderr
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    finally:
        holder.kill()
        holder.wait()
    assert _build(src2, out).returncode == 0  # the lock died with its holder


def test_state_is_one_generation_and_orphans_do_not_matter(tmp_path):
    src = _write_jsonl(tmp_path / "a.jsonl", [{"title": "Deep Residual", "abstract": ABSTRACT}])
    out = tmp_path / "out"
    assert _build(src, out).returncode == 0
    state = out / ".kg"
    manifest = json.loads((state / "manifest.json").read_text())
    assert sorted(p.name for p in state.iterdir()) == sorted(["manifest.json", *manifest["files"].values()])
    # what a kill after the generation files were renamed, before the manifest, leaves
    (state / "records.ffff.jsonl").write_text("not json\n")
    src2 = _write_jsonl(tmp_path / "b.jsonl", [{"title": "Other Paper", "abstract": ABSTRACT}])
    r = _kg("build", "--update", out, src2, "--quiet")
    assert r.returncode == 0, r.stderr
    manifest2 = json.loads((state / "manifest.json").read_text())
    assert manifest2["records"] == 2 and manifest2["generation"] != manifest["generation"]
    assert sorted(p.name for p in state.iterdir()) == sorted(["manifest.json", *manifest2["files"].values()])


def test_failed_export_commits_no_state(tmp_path):
    src = _write_jsonl(tmp_path / "a.jsonl", [{"title": "Deep Residual", "abstract": ABSTRACT}])
    out = tmp_path / "out"
    assert _build(src, out).returncode == 0
    manifest = (out / ".kg" / "manifest.json").read_bytes()
    (out / "graph.nt").unlink()
    (out / "graph.nt").mkdir()  # the export cannot replace a folder
    (out / "graph.nt" / "x").write_text("x")
    src2 = _write_jsonl(tmp_path / "b.jsonl", [{"title": "Other Paper", "abstract": ABSTRACT}])
    r = _kg("build", "--update", out, src2, "--quiet")
    _one_line_status_2(r)
    assert (out / ".kg" / "manifest.json").read_bytes() == manifest
    (out / "graph.nt" / "x").unlink()
    (out / "graph.nt").rmdir()
    r = _kg("build", "--update", out, src2, "--quiet")
    assert r.returncode == 0, r.stderr
    assert "Other Paper" in (out / "graph.ttl").read_text()


def test_state_folder_symlinked_elsewhere_is_refused(tmp_path):
    src = _write_jsonl(tmp_path / "a.jsonl", [{"title": "Deep Residual", "abstract": ABSTRACT}])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / ".kg").symlink_to(elsewhere, target_is_directory=True)
    r = _build(src, out)
    _one_line_status_2(r)
    assert "symlink" in r.stderr and list(elsewhere.iterdir()) == []


def test_file_name_not_utf8_builds_and_updates(tmp_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.jsonl"), "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"title": "Bad Name Paper", "abstract": ABSTRACT}) + "\n")
    out = tmp_path / "out"
    r = _build(folder, out)
    assert r.returncode == 0, r.stderr
    assert "caf\\\\xe9.jsonl:1" in (out / "graph.ttl").read_text(encoding="utf-8")  # Turtle escapes the backslash
    for _ in range(2):  # the state holds the encoded name: later updates still work
        r = _kg("build", "--update", out, folder, "--quiet")
        assert r.returncode == 0, r.stderr


def test_endpoint_csv_and_tsv_cells_are_neutralised():
    import pyoxigraph as ox

    from kg.serve.writers import serialize_solutions

    store = ox.Store()
    for value in ("=HYPERLINK(1)", "-1.5", "plain"):
        store.add(ox.Quad(ox.NamedNode("http://a/x"), ox.NamedNode("http://a/p"), ox.Literal(value)))
    query = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    csv_rows = serialize_solutions(store.query(query), "csv", 10, {}).decode().split("\r\n")
    assert csv_rows[:4] == ["o", "-1.5", "'=HYPERLINK(1)", "plain"]
    tsv_rows = serialize_solutions(store.query(query), "tsv", 10, {}).decode().splitlines()
    assert tsv_rows[2] == "'\"=HYPERLINK(1)\"" and tsv_rows[1] == '"-1.5"'
