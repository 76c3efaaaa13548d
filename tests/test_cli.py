"""`kg build` on bad input, end to end: a real process, its exit status and its output.

Every problem is reported as one line naming the file and the line or record
(``path:17: field "abstract" is not a string``), never a traceback. ``--on-error skip`` (the
default) skips the bad record, counts it in the summary and goes on; ``--on-error fail`` stops
with exit status 2. Fixtures live in tests/data/bad/ (see the README, "Errors and exit statuses"); large inputs are
generated in tmp_path at test time.
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from kg.ingest import MAX_FIELD_CHARS, MAX_LINE_CHARS, clean_text
from kg.loader import load

BAD = Path(__file__).resolve().parent / "data" / "bad"
GOOD = Path(__file__).resolve().parent / "data" / "ingest"
_KG_SCRIPT = Path(sys.executable).with_name("kg")
KG = [str(_KG_SCRIPT)] if _KG_SCRIPT.exists() else [sys.executable, "-m", "kg.cli"]

MEMORY_LIMIT = 2 << 30  # address space of the child for the huge-line tests


class Run:
    def __init__(self, returncode: int, stdout: str, stderr: str, maxrss_kb: int, seconds: float):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr
        self.maxrss_kb, self.seconds = maxrss_kb, seconds

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"<kg exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr[-3000:]}>"


def kg(*args, cwd: Path | None = None, limit_as: int | None = None, timeout: float = 120) -> Run:
    """Run the `kg` command; returns its exit status, output and its own peak memory (ru_maxrss)."""
    def preexec():
        if limit_as is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))

    env = dict(os.environ, PYTHONHASHSEED="0", NO_COLOR="1")
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([*KG, *map(str, args)], cwd=cwd, env=env, stdout=out, stderr=err, preexec_fn=preexec)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not the running max
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    seconds = time.monotonic() - start
    if seconds >= timeout:
        pytest.fail(f"kg {' '.join(map(str, args))} ran longer than {timeout} s\n{stderr[-2000:]}")
    return Run(proc.returncode, stdout, stderr, usage.ru_maxrss, seconds)


def build(*inputs, out: Path, on_error: str | None = None, formats: str = "ttl", **kw) -> Run:
    args = ["build", *inputs, "--out", out, "--formats", formats, "--quiet", "--no-state"]
    if on_error:
        args += ["--on-error", on_error]
    return kg(*args, **kw)


def no_traceback(run: Run) -> None:
    assert "Traceback" not in run.output, run
    assert not re.search(r"^\w+(Error|Exception):", run.output, re.M), run


def error_line(run: Run, path: Path | str, place, *needles: str) -> str:
    """The one output line naming `path` (and `place`, a line number or label), holding every needle."""
    where = f"{path}:{place}: " if place is not None else f"{path}: "
    lines = [ln for ln in run.output.splitlines() if where in ln]
    assert lines, f"no line naming {where!r}\n{run!r}"
    for ln in lines:
        if all(n in ln for n in needles):
            return ln
    pytest.fail(f"no line naming {where!r} holds {needles}\n{run!r}")


def skipped_count(run: Run) -> int:
    m = re.search(r"^records skipped\s+(\d+)", run.stdout, re.M)
    return int(m.group(1)) if m else 0


def titles(ttl: Path) -> list[str]:
    G = load(ttl)
    return sorted(d["title"] for _, d in G.nodes(data=True) if d.get("type") == "Paper")


def assert_skip_run(run: Run, out: Path, expected_titles: list[str], n_skipped: int) -> None:
    assert run.returncode == 0, run
    no_traceback(run)
    assert skipped_count(run) == n_skipped, run
    assert titles(out / "graph.ttl") == sorted(expected_titles)


def assert_fail_run(run: Run, path, place, *needles) -> None:
    assert run.returncode == 2, run
    no_traceback(run)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run  # exactly one line: the error
    assert lines[0].startswith("kg: "), run
    error_line(run, path, place, *needles)


# --------------------------------------------------------------------------- one case per bad input

#: fixture, place named in the message, text in the message, good papers still read, records skipped
CASES = {
    "empty file": ("empty.jsonl", None, "empty file", [], 1),
    "binary file": ("binary.jsonl", None, "binary file", [], 1),
    "title without abstract at end of file": (
        "title_at_end.txt", 5, 'title "A Lonely Title Without Any Abstract" has no abstract (end of file)',
        ["Complete Paper About Tiny Networks"], 1),
    "JSON Lines with wrong types": (
        "wrong_types.jsonl", 2, 'field "abstract" is not a string (got int)', ["Good Typed Paper", "Good Second Paper"], 2),
    "JSON Lines with broken lines": (
        "broken.jsonl", 2, "invalid JSON", ["Good Before Break", "Good After Break"], 2),
    "truncated JSON array": ("broken.json", 3, "truncated JSON", ["Kept Array Paper"], 1),
    "CSV without the needed columns": (
        "no_columns.csv", 1, 'missing required column(s) "title", "abstract"', [], 1),
    "truncated XML": ("truncated.xml", 10, "truncated XML", ["Closed Entry Survives"], 1),
    "XML entity expansion (billion laughs)": (
        "billion_laughs.xml", 3, "entity declaration 'lol' refused", [], 1),
    "XML external entity": ("xxe.xml", 2, "external entity 'secret'", [], 1),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_skip(tmp_path, case):
    name, place, needle, good, n_skipped = CASES[case]
    path = BAD / name
    run = build(path, out=tmp_path)
    if good:
        assert_skip_run(run, tmp_path, good, n_skipped)
    else:
        # nothing readable: an input error, and no empty graph replaces earlier exports
        assert run.returncode == 2, run
        no_traceback(run)
        assert "kg: no papers were read" in run.stderr
        assert not (tmp_path / "graph.ttl").exists()
    error_line(run, path, place, needle)


def kg_in_process(*args) -> Run:
    """The same command run in this process through click's test runner (no interpreter start-up,
    so the --on-error fail variants of every case stay cheap); an exception escaping the command
    is printed the way Python would print it, so `no_traceback` still catches it."""
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args])
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Run(result.exit_code, result.stdout, stderr, 0, 0.0)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_fail(tmp_path, case):
    name, place, needle, _, _ = CASES[case]
    path = BAD / name
    run = kg_in_process("build", path, "--out", tmp_path, "--formats", "ttl", "--quiet", "--no-state", "--on-error", "fail")
    assert_fail_run(run, path, place, needle)
    assert not (tmp_path / "graph.ttl").exists()  # nothing exported after a failure


def test_xxe_does_not_leak_file_contents(tmp_path):
    run = build(BAD / "xxe.xml", out=tmp_path)
    assert "root:" not in run.output
    assert not (tmp_path / "graph.ttl").exists()


# --------------------------------------------------------------------------- encodings and characters

@pytest.mark.parametrize(
    "name, title",
    [("latin1.txt", "Caf\u00e9 Na\u00efve R\u00e9sum\u00e9 Networks"),
     ("utf16.jsonl", "\u00dcber-Attention f\u00fcr \u65e5\u672c\u8a9e Texte")],
    ids=["Latin-1", "UTF-16 with BOM"],
)
def test_legacy_and_wide_encodings(tmp_path, name, title):
    run = build(BAD / name, out=tmp_path, on_error="fail")
    assert run.returncode == 0, run
    no_traceback(run)
    assert skipped_count(run) == 0
    assert titles(tmp_path / "graph.ttl") == [title]


def test_control_characters_and_unpaired_surrogates(tmp_path):
    run = build(BAD / "control_chars.jsonl", out=tmp_path, on_error="fail", formats="ttl,nt,jsonld,graphml,html")
    assert run.returncode == 0, run
    no_traceback(run)
    assert titles(tmp_path / "graph.ttl") == ["Bell Escape and NUL in a Title", "Lone \ufffd High and \ufffd Low Surrogates"]
    G = load(tmp_path / "graph.ttl")
    for _, d in G.nodes(data=True):
        for value in (d.get("title") or "", d.get("abstract") or "", d.get("label") or ""):
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", value), value
    nx.read_graphml(tmp_path / "graph.graphml")  # well-formed XML: no control characters leaked
    (tmp_path / "graph.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- a single 50 MB line

def _huge_line(path: Path, kind: str) -> tuple[int | str, str, list[str]]:
    """Write a file whose middle record is one 50 MB line; returns (place, needle, kept titles)."""
    before = "We propose FooNet, a network that does well on many tasks. It is tested on ImageNet and more data."
    after = "We propose BarNet, a network that does well on many tasks. It is tested on CIFAR-10 and more data."
    block = "word " * 200_000  # 1 MB
    with open(path, "w", encoding="utf-8") as fh:
        if kind == "jsonl":
            fh.write(json.dumps({"title": "Before Huge", "abstract": before}) + "\n")
            fh.write('{"title": "Huge", "abstract": "' + block * 50 + '"}\n')
            fh.write(json.dumps({"title": "After Huge", "abstract": after}) + "\n")
            return 2, f"limit {MAX_LINE_CHARS}", ["Before Huge", "After Huge"]
        if kind == "txt":
            fh.write(f"Before Huge\n\n{before}\n\nHuge Title\n\n{'Word. ' * 200_000 * 42}\n\nAfter Huge\n\n{after}\n")
            return 7, f"limit {MAX_FIELD_CHARS}", ["Before Huge", "After Huge"]
        if kind == "csv":
            fh.write(f'title,abstract\nBefore Huge,"{before}"\nHuge,"{block * 50}"\nAfter Huge,"{after}"\n')
            return 3, f"limit {MAX_LINE_CHARS}", ["Before Huge", "After Huge"]
        if kind == "json":  # the whole array on one line: the rest of the file cannot be resynchronised
            fh.write('[{"title": "Before Huge", "abstract": "%s"}, {"title": "Huge", "abstract": "' % before)
            fh.write(block * 50 + '"}, {"title": "After Huge", "abstract": "%s"}]' % after)
            return 1, "longer than", ["Before Huge"]
        if kind == "xml":
            fh.write('<feed xmlns="http://www.w3.org/2005/Atom">')
            for title, abstract in (("Before Huge", before), ("Huge", block * 50), ("After Huge", after)):
                fh.write(f"<entry><title>{title}</title><summary>{abstract}</summary></entry>")
            fh.write("</feed>")
            return 1, f"limit {MAX_FIELD_CHARS}", ["Before Huge", "After Huge"]
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["jsonl", "txt", "csv", "json", "xml"])
def test_single_50mb_line_in_bounded_memory(tmp_path, kind):
    path = tmp_path / f"huge.{kind}"
    place, needle, kept = _huge_line(path, kind)
    assert path.stat().st_size > 50_000_000
    out = tmp_path / "out"
    run = build(path, out=out, limit_as=MEMORY_LIMIT)
    assert run.returncode == 0, run
    no_traceback(run)
    assert "MemoryError" not in run.output
    error_line(run, path, place, needle)
    assert titles(out / "graph.ttl") == sorted(kept)
    assert run.maxrss_kb < 600_000, f"peak RSS {run.maxrss_kb} KB"  # streamed: far below the file size x a few


# --------------------------------------------------------------------------- paths and folders

def test_missing_path_skip_keeps_the_rest(tmp_path):
    missing = tmp_path / "no_such_file.jsonl"
    run = build(missing, BAD / "wrong_types.jsonl", out=tmp_path / "out")
    # the build runs on the other inputs, but a path the user named that does not exist is an error
    assert run.returncode == 2, run
    no_traceback(run)
    error_line(run, missing, None, "no such file or directory")
    assert run.stderr.strip().splitlines()[-1] == f"kg: input not found: {missing} (the exports hold the other inputs)"
    assert skipped_count(run) == 3
    assert titles(tmp_path / "out" / "graph.ttl") == ["Good Second Paper", "Good Typed Paper"]


def test_missing_path_fail(tmp_path):
    missing = tmp_path / "no_such_file.jsonl"
    run = build(missing, GOOD / "papers.jsonl", out=tmp_path / "out", on_error="fail")
    assert_fail_run(run, missing, None, "no such file or directory")


def test_folder_with_mixed_good_and_bad_files(tmp_path):
    folder = BAD / "mixed"
    run = build(folder, out=tmp_path)
    assert_skip_run(run, tmp_path, ["Mixed Folder Good JSONL Paper", "Mixed Folder Good Listing Paper",
                                    "Mixed Folder Second JSONL Paper"], 4)
    # the summary names the first skipped record
    summary = next(ln for ln in run.stdout.splitlines() if ln.startswith("records skipped"))
    assert f'(first: {folder / "c_bad_record.jsonl"}:2: field "abstract" is not a string (got float))' in summary


def test_folder_with_mixed_good_and_bad_files_fail(tmp_path):
    folder = BAD / "mixed"
    run = build(folder, out=tmp_path, on_error="fail")
    assert_fail_run(run, folder / "c_bad_record.jsonl", 2, 'field "abstract" is not a string')


def test_every_skipped_record_is_reported_on_its_own_line(tmp_path):
    folder = BAD / "mixed"
    run = build(folder, out=tmp_path)
    error_line(run, folder / "c_bad_record.jsonl", 2, "not a string")
    error_line(run, folder / "d_empty.csv", None, "empty file")
    error_line(run, folder / "e_image.txt", None, "binary")
    error_line(run, folder / "f_truncated.xml", 2, "truncated XML")


def test_empty_folder(tmp_path):
    folder = tmp_path / "nothing"
    folder.mkdir()
    (folder / "readme.md").write_text("no inputs here\n")
    run = build(folder, out=tmp_path / "out", on_error="fail")
    assert_fail_run(run, folder, None, "no files in a known format")


# --------------------------------------------------------------------------- usage errors

@pytest.mark.parametrize(
    "args, needle",
    [(["--format", "nope"], "unknown format 'nope'"),
     (["--formats", "ttl,nope"], "unknown export format 'nope'"),
     (["--on-error", "ignore"], "'ignore' is not one of")],
    ids=["unknown reader", "unknown export format", "bad --on-error"],
)
def test_usage_errors_exit_2(tmp_path, args, needle):
    run = kg("build", GOOD / "papers.jsonl", "--out", tmp_path, "--quiet", "--no-state", *args)
    assert run.returncode == 2, run
    no_traceback(run)
    assert needle in run.stderr


def test_unwritable_output_is_one_line_exit_2(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    run = kg("build", GOOD / "papers.jsonl", "--out", not_a_dir, "--formats", "ttl", "--quiet")
    assert run.returncode == 2, run
    no_traceback(run)
    assert len(run.stderr.strip().splitlines()) == 1 and str(not_a_dir) in run.stderr


# --------------------------------------------------------------------------- escaping in every export

NASTY = BAD / "nasty.jsonl"


@pytest.fixture(scope="module")
def nasty_export(tmp_path_factory):
    out = tmp_path_factory.mktemp("nasty")
    run = build(NASTY, out=out, on_error="fail", formats="ttl,nt,jsonld,graphml,html")
    assert run.returncode == 0, run
    return out


def _nasty_titles() -> list[str]:
    return sorted(clean_text(json.loads(line)["title"]) for line in NASTY.read_text(encoding="utf-8").split("\n") if line)


def test_nasty_titles_survive_turtle(nasty_export):
    assert titles(nasty_export / "graph.ttl") == _nasty_titles()
    assert titles(nasty_export / "graph.nt") == _nasty_titles()


def test_nasty_exports_parse_with_rdflib(nasty_export):
    sizes = {fmt: len(rdflib.Graph().parse(str(nasty_export / f"graph.{ext}"), format=fmt))
             for ext, fmt in [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]}
    assert len(set(sizes.values())) == 1 and sizes["turtle"] > 100, sizes
    g = rdflib.Graph().parse(str(nasty_export / "graph.ttl"), format="turtle")
    got = sorted(str(o) for o in g.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title")))
    assert got == _nasty_titles()


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
@pytest.mark.parametrize("name, syntax", [("graph.ttl", "turtle"), ("graph.nt", "ntriples")])
def test_nasty_exports_parse_with_rapper(nasty_export, name, syntax):
    proc = subprocess.run(["rapper", "-i", syntax, "-c", str(nasty_export / name)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Error" not in proc.stderr and "Warning" not in proc.stderr, proc.stderr
    n = len(rdflib.Graph().parse(str(nasty_export / "graph.nt"), format="nt"))
    assert f"returned {n} triples" in proc.stderr


def test_nasty_graphml(nasty_export):
    H = nx.read_graphml(nasty_export / "graph.graphml", force_multigraph=True)
    got = sorted(d["title"] for _, d in H.nodes(data=True) if d.get("type") == "Paper")
    assert got == _nasty_titles()


def test_nasty_html_shows_markup_as_text(nasty_export):
    page = (nasty_export / "graph.html").read_text(encoding="utf-8")
    m = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert m, "data block not found"
    block = m.group(1)
    # nothing in the data block can end the element or open a comment / tag
    for bad in ("<", ">", "\u2028", "\u2029"):
        assert bad not in block, bad
    data = json.loads(block)
    text = json.dumps(data, ensure_ascii=False)
    for title in _nasty_titles():
        assert json.dumps(title, ensure_ascii=False)[1:-1] in text, title
    # the raw markup from the input appears nowhere in the page outside the data block
    outside = page[: m.start(1)] + page[m.end(1):]
    assert "alert('x')" not in outside
    assert "<b>bold</b>" not in page


# --------------------------------------------------------------------------- query output, view counts

def test_query_csv_ends_with_one_newline_and_update_exits_1(tmp_path):
    assert build(GOOD / "papers.jsonl", out=tmp_path).returncode == 0
    run = kg("query", tmp_path / "graph.ttl", "SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t", "--format", "csv")
    assert run.returncode == 0, run
    assert run.stdout.endswith("\r\n") and not run.stdout.endswith("\r\n\n"), repr(run.stdout[-20:])
    run = kg("query", tmp_path / "graph.ttl", "INSERT DATA { paper:x dcterms:title 'x' }")
    assert run.returncode == 1 and "read-only" in run.stderr, run


def test_view_says_how_much_of_the_graph_the_page_holds(tmp_path):
    assert build(GOOD / "papers.jsonl", out=tmp_path).returncode == 0
    total = len(__import__("kg").load(tmp_path / "graph.ttl"))
    run = kg("view", tmp_path / "graph.ttl", "--max-nodes", "1")
    assert run.returncode == 0, run
    assert f"of {total:,} nodes" in run.stdout and "--max-nodes" in run.stdout, run
