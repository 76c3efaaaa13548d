"""Tests for kg.ingest: readers, registry, errors, dedupe, and the real corpus."""
from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.ingest import (
    MAX_FIELD_CHARS,
    IngestError,
    clean_text,
    merge_duplicates,
    paper_id,
    read_papers,
    reader_for,
    readers,
    register_reader,
    unregister_reader,
)
from kg.ingest.dedupe import titles_near, title_tokens
from kg.ingest.listing import GLUED_PREFIXES, is_furniture, looks_like_abstract
from kg.records import Paper

DATA = Path(__file__).parent / "data" / "ingest"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev.jsonl"

ABS_A = (
    "We describe a small method for a small problem and test it on three small datasets. "
    "The results are encouraging, and the code is short enough to read in one sitting."
)
ABS_B = (
    "Sorting socks is an open problem in household robotics. We collect a dataset of paired "
    "socks and train a matcher that pairs them with high accuracy under poor lighting."
)


def read(paths, **kw):
    errors: list[IngestError] = []
    papers = list(read_papers(paths, errors=errors, **kw))
    return papers, errors


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def jl(**rec) -> str:
    return json.dumps(rec) + "\n"


def assert_one_error(errors, path: Path, place, *needles):
    assert len(errors) == 1, [str(e) for e in errors]
    msg = str(errors[0])
    assert "\n" not in msg
    prefix = f"{path}:{place}: " if place is not None else f"{path}: "
    assert msg.startswith(prefix), msg
    for needle in needles:
        assert needle in msg, msg
    return msg


# ----------------------------------------------------------------------------- readers, good input


def test_listing_blank_layout_with_furniture_and_dates():
    path = DATA / "listing_blank.txt"
    papers, errors = read([path])
    assert errors == []
    assert [p.title for p in papers] == [
        "Quiet Gradients: Damping Oscillations in Small Recurrent Models",
        "PebbleNet: Counting Stones with Sparse Convolutions",
        "Tidy Tokens: A Study of Whitespace in Code Language Models",
    ]
    assert [p.date for p in papers] == ["Feb 3", "Feb 3", "Feb 2, 2024"]
    assert [p.sources for p in papers] == [(f"{path.name}:13",), (f"{path.name}:17",), (f"{path.name}:23",)]
    assert "1.37times lower loss" in papers[0].abstract  # artefacts are kept as they are
    for p in papers:
        assert p.id == paper_id(p.title)
        assert p.abstract.endswith(".")


def test_listing_compact_layout_with_glued_furniture():
    path = DATA / "listing_compact.txt"
    papers, errors = read([path])
    assert errors == []
    assert [p.title for p in papers] == [
        "Lantern: Lightweight Attention for Night Driving Cameras",
        "Orchard Graphs for Fruit Yield Forecasting",
    ]
    assert [p.sources[0] for p in papers] == [f"{path.name}:3", f"{path.name}:5"]
    assert all(p.date is None for p in papers)
    assert papers[1].abstract.startswith("Forecasting fruit yield")


def test_jsonl_reader():
    path = DATA / "papers.jsonl"
    papers, errors = read([path])
    assert errors == []
    a, b = papers
    assert a.title == "Sparse Ferns for Tabular Data"
    assert a.id == paper_id(a.title)
    assert a.urls == ("https://example.org/ferns",)
    assert a.authors == ("Ada Example", "Bo Sample")
    assert a.date == "2024-01-05"
    assert a.sources == (f"{path.name}:1",)
    assert b.authors == ("Cy Person", "Di Person")  # one string, split on ";"
    assert b.sources == (f"{path.name}:3",)  # blank line 2 skipped


def test_json_reader_array_and_wrapped():
    path = DATA / "papers.json"
    papers, errors = read([path])
    assert errors == []
    assert [p.title for p in papers] == ["Folding Maps: Learning Origami Crease Patterns", "Small Data, Big Priors"]
    assert papers[0].urls == ("https://example.org/fold", "https://example.org/fold.pdf")
    assert papers[0].date == "Mar 4"
    assert [p.sources[0] for p in papers] == [f"{path.name}:2", f"{path.name}:6"]
    wrapped, errors = read([DATA / "papers_wrapped.json"])
    assert errors == [] and [p.title for p in wrapped] == ["Wrapped Records Are Fine Too"]


def test_json_object_with_papers_key_not_first(tmp_path):
    doc = {"source": "hand-made", "papers": [{"title": "Late Key", "abstract": ABS_A}, {"title": 5, "abstract": ABS_A}]}
    path = write(tmp_path, "late.json", json.dumps(doc, indent=1))
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Late Key"]
    assert_one_error(errors, path, "papers[1]", 'field "title" is not a string')


def test_csv_reader():
    path = DATA / "papers.csv"
    papers, errors = read([path])
    assert errors == []
    a, b = papers
    assert a.title == "Cheap Labels, Costly Mistakes"
    assert a.authors == ("Ed Writer", "Flo Author")
    assert a.urls == ("https://example.org/labels",)
    assert a.date == "2023-11-30"
    assert a.sources == (f"{path.name}:2",)
    assert b.sources == (f"{path.name}:3",)
    assert "bounded error and update" in b.abstract  # quoted newline became a space
    assert b.date is None and b.urls == () and b.authors == ()


def test_tsv_reader():
    path = DATA / "papers.tsv"
    papers, errors = read([path])
    assert errors == []
    assert [(p.title, p.date) for p in papers] == [("Tabbed Title for a Tabbed File", "Jun 1")]
    assert "only plain words and commas, like this one." in papers[0].abstract


def test_atom_reader():
    path = DATA / "arxiv.xml"
    papers, errors = read([path])
    assert errors == []
    a, b = papers
    assert a.title == "Paper Boats: Floating Point Formats for Tiny Models"  # feed <title> ignored
    assert a.abstract.startswith("We compare four eight-bit") and "  " not in a.abstract
    assert a.urls == ("http://arxiv.org/abs/2401.00001v1",)
    assert a.date == "2024-01-01"
    assert a.authors == ("Gil Researcher", "Hana Scientist")
    assert a.sources == (f"{path.name}:6",)
    assert b.title == "Ink & Pixels: Handwriting Synthesis with Diffusion"
    assert b.sources == (f"{path.name}:20",)


# ----------------------------------------------------------------------------- registry


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("a.txt", "listing"),
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.json", "json"),
        ("a.csv", "csv"),
        ("a.tsv", "tsv"),
        ("a.xml", "atom"),
        ("a.atom", "atom"),
        ("A.JSONL", "jsonl"),
    ],
)
def test_reader_for_by_extension(name, fmt):
    assert reader_for(name).name == fmt  # no need for the file to exist


@pytest.mark.parametrize(
    "content, fmt",
    [
        (jl(title="T", abstract=ABS_A) + jl(title="U", abstract=ABS_B), "jsonl"),
        (json.dumps([{"title": "T", "abstract": ABS_A}], indent=2), "json"),
        ('{"papers": [{"title": "T", "abstract": "A."}]}', "json"),
        ("title,abstract\nT,An abstract.\n", "csv"),
        ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "atom"),
        ("Some Title\n\n" + ABS_A + "\n", "listing"),
    ],
)
def test_reader_for_sniffs_content_without_extension(tmp_path, content, fmt):
    path = write(tmp_path, "download", content)
    assert reader_for(path).name == fmt


def test_format_override_beats_extension(tmp_path):
    path = write(tmp_path, "records.txt", jl(title="Json In Txt", abstract=ABS_A))
    assert reader_for(path, "jsonl").name == "jsonl"
    papers, errors = read([path], format="jsonl")
    assert errors == [] and [p.title for p in papers] == ["Json In Txt"]
    with pytest.raises(ValueError, match="unknown format 'yaml'"):
        list(read_papers([path], format="yaml"))


def test_register_custom_reader(tmp_path):
    from kg.ingest.text import make_paper

    def sniff(head: str) -> bool:
        return head.startswith("PIPE|")

    @register_reader("pipe", extensions=(".pipe",), sniff=sniff, priority=50)
    def read_pipe(path, display):
        for i, line in enumerate(Path(path).read_text().splitlines(), 1):
            _, title, abstract = line.split("|")
            yield make_paper(title, abstract, f"{display}:{i}")

    try:
        assert "pipe" in readers()
        a = write(tmp_path, "x.pipe", "PIPE|Piped Title|" + ABS_A + "\n")
        b = write(tmp_path, "noext", "PIPE|Other Title|" + ABS_B + "\n")
        assert reader_for(a).name == "pipe" and reader_for(b).name == "pipe"
        papers, errors = read([a, b])
        assert [p.title for p in papers] == ["Piped Title", "Other Title"]
    finally:
        unregister_reader("pipe")
    assert "pipe" not in readers()


def test_folders_recurse_sorted_and_skip_hidden(tmp_path):
    write(tmp_path, "b.jsonl", jl(title="B Paper", abstract=ABS_A))
    (tmp_path / "a").mkdir()
    write(tmp_path / "a", "z.jsonl", jl(title="AZ Paper", abstract=ABS_A))
    write(tmp_path / "a", "y.csv", "title,abstract\nAY Paper," + ABS_B + "\n")
    write(tmp_path, ".hidden.jsonl", jl(title="Hidden Paper", abstract=ABS_A))
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git", "c.jsonl", jl(title="Git Paper", abstract=ABS_A))
    write(tmp_path, "notes.md", "# not a listing\n")
    papers, errors = read([tmp_path])
    assert errors == []
    assert [p.title for p in papers] == ["AY Paper", "AZ Paper", "B Paper"]
    assert papers[0].sources == ("a/y.csv:2",)  # relative to the folder named


def test_read_papers_is_lazy(tmp_path):
    path = write(tmp_path, "many.jsonl", "".join(jl(title=f"Paper {i}", abstract=ABS_A) for i in range(1000)))
    stream = read_papers([path])
    assert next(stream).title == "Paper 0"
    stream.close()


# ----------------------------------------------------------------------------- bad input


def test_missing_path(tmp_path):
    good = write(tmp_path, "good.jsonl", jl(title="Still Here", abstract=ABS_A))
    missing = tmp_path / "missing.jsonl"
    papers, errors = read([missing, good])
    assert [p.title for p in papers] == ["Still Here"]
    assert_one_error(errors, missing, None, "no such file")
    with pytest.raises(IngestError, match="no such file"):
        list(read_papers([missing, good], on_error="fail"))


@pytest.mark.parametrize("name", ["empty.txt", "empty.jsonl", "empty.json", "empty.csv", "empty.xml"])
def test_empty_file(tmp_path, name):
    path = write(tmp_path, name, b"")
    papers, errors = read([path])
    assert papers == []
    assert_one_error(errors, path, None, "empty file")


def test_whitespace_only_file_is_empty(tmp_path):
    path = write(tmp_path, "blank.jsonl", "\n   \n\t\n")
    papers, errors = read([path])
    assert_one_error(errors, path, None, "empty")


@pytest.mark.parametrize("name", ["image.txt", "image.jsonl", "image.csv", "image"])
def test_binary_file(tmp_path, name):
    path = write(tmp_path, name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)))
    papers, errors = read([path])
    assert papers == []
    assert_one_error(errors, path, None, "binary")
    with pytest.raises(IngestError, match="binary"):
        list(read_papers([path], on_error="fail"))


def test_nul_byte_late_in_file_keeps_earlier_records(tmp_path):
    good = "".join(jl(title=f"Early Paper {i}", abstract=ABS_A) for i in range(60))  # > 8 KB
    path = write(tmp_path, "late.jsonl", good.encode() + b'{"title": "x\x00y"}\n' + jl(title="Late", abstract=ABS_A).encode())
    papers, errors = read([path])
    assert len(papers) == 60
    assert_one_error(errors, path, 61, "NUL")


ENCODED_TITLE = "Caf\u00e9 Na\u00efve R\u00e9sum\u00e9 Networks"


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
     ("utf-32-le", codecs.BOM_UTF32_LE), ("cp1252", b""), ("latin-1", b"")],
)
@pytest.mark.parametrize("fmt", ["txt", "jsonl", "csv"])
def test_encodings(tmp_path, encoding, bom, fmt):
    if fmt == "txt":
        text = f"{ENCODED_TITLE}\n\n{ABS_A}\n"
    elif fmt == "jsonl":
        text = json.dumps({"title": ENCODED_TITLE, "abstract": ABS_A}, ensure_ascii=False) + "\n"
    else:
        text = f'title,abstract\n{ENCODED_TITLE},"{ABS_A}"\n'
    path = write(tmp_path, f"enc.{fmt}", bom + text.encode(encoding))
    papers, errors = read([path])
    assert errors == []
    assert [p.title for p in papers] == [ENCODED_TITLE]
    assert papers[0].id == paper_id(ENCODED_TITLE)


def test_cp1252_specials_and_undefined_bytes(tmp_path):
    raw = "Smart \u201cQuotes\u201d and \u20ac Signs\n\n".encode("cp1252") + ABS_A.encode() + b" \x81\x9d\n"
    papers, errors = read([write(tmp_path, "legacy.txt", raw)])
    assert errors == []
    assert papers[0].title == "Smart \u201cQuotes\u201d and \u20ac Signs"
    assert papers[0].abstract == ABS_A  # C1 controls from undefined bytes are stripped


def test_enormous_single_line_jsonl(tmp_path):
    path = tmp_path / "huge.jsonl"
    with open(path, "w") as fh:
        fh.write(jl(title="Before", abstract=ABS_A))
        fh.write('{"title": "Huge", "abstract": "')
        block = "word " * 200_000  # 1 MB
        for _ in range(50):
            fh.write(block)
        fh.write('"}\n')
        fh.write(jl(title="After", abstract=ABS_B))
    tracemalloc.start()
    try:
        papers, errors = read([path])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.title for p in papers] == ["Before", "After"]
    assert_one_error(errors, path, 2, "characters long")
    assert peak < 20_000_000  # streamed, never held whole


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "xml"])
def test_field_longer_than_limit_names_the_record(tmp_path, fmt):
    long_abstract = "Long. " * (MAX_FIELD_CHARS // 5)
    recs = [("Short One", ABS_A), ("Too Long One", long_abstract), ("Short Two", ABS_B)]
    if fmt == "jsonl":
        content, place = "".join(jl(title=t, abstract=a) for t, a in recs), 2
    elif fmt == "json":
        content, place = "[\n" + ",\n".join(json.dumps({"title": t, "abstract": a}) for t, a in recs) + "\n]\n", 3
    elif fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerows([("title", "abstract"), *recs])
        content, place = buf.getvalue(), 3
    else:
        entries = "".join(f"<entry>\n<title>{t}</title><summary>{a}</summary></entry>\n" for t, a in recs)
        content, place = f'<feed xmlns="http://www.w3.org/2005/Atom">\n{entries}</feed>\n', 4
    path = write(tmp_path, f"long.{fmt}", content)
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Short One", "Short Two"]
    assert_one_error(errors, path, place, "long", str(MAX_FIELD_CHARS))


def test_listing_overlong_abstract_names_the_title(tmp_path):
    path = write(tmp_path, "long.txt", f"First Title\n\n{ABS_A}\n\nGiant Title\n\n{'Word. ' * 30_000}\n\nLast Title\n\n{ABS_B}\n")
    papers, errors = read([path])
    assert [p.title for p in papers] == ["First Title", "Last Title"]
    assert_one_error(errors, path, 7, '"Giant Title" (line 5)', "limit 100000")


def test_jsonl_broken_lines_and_wrong_types(tmp_path):
    lines = [
        jl(title="Good First", abstract=ABS_A),
        '{"title": "Broken", "abstract": \n',
        jl(title="Number Abstract", abstract=42),
        jl(abstract=ABS_A),
        '["not", "an", "object"]\n',
        jl(title="Bad Authors", abstract=ABS_A, authors=[1, 2]),
        jl(title="Bad Date", abstract=ABS_A, date=20240101),
        jl(title="Good Last", abstract=ABS_B),
    ]
    path = write(tmp_path, "papers.jsonl", "".join(lines))
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Good First", "Good Last"]
    msgs = [str(e) for e in errors]
    assert msgs[0].startswith(f"{path}:2: invalid JSON")
    assert msgs[1] == f'{path}:3: field "abstract" is not a string (got int)'
    assert msgs[2] == f'{path}:4: field "title" is missing'
    assert msgs[3] == f"{path}:5: record is not an object (got list)"
    assert msgs[4].startswith(f'{path}:6: field "authors" item 0 is not a string')
    assert msgs[5].startswith(f'{path}:7: field "date" is not a string')
    with pytest.raises(IngestError) as info:
        list(read_papers([path], on_error="fail"))
    assert str(info.value) == msgs[0]


def test_json_array_truncated_keeps_earlier_records(tmp_path):
    text = "[\n" + json.dumps({"title": "Kept", "abstract": ABS_A}) + ",\n" + '{"title": "Cut", "abstr'
    path = write(tmp_path, "cut.json", text)
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Kept"]
    assert_one_error(errors, path, 3, "truncated JSON")


def test_json_array_syntax_error_and_wrong_types(tmp_path):
    text = '[{"title": "Kept", "abstract": "%s"},\n{"title": ["list"], "abstract": "x"},\n{"title": "Bad" "abstract": 1}]' % ABS_A
    path = write(tmp_path, "bad.json", text)
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Kept"]
    assert [str(e).split(": ")[0] for e in errors] == [f"{path}:2", f"{path}:3"]
    assert 'field "title" is not a string' in str(errors[0])
    assert "invalid JSON" in str(errors[1])


def test_json_scalar_document(tmp_path):
    path = write(tmp_path, "scalar.json", "42\n")
    papers, errors = read([path], format="json")
    assert_one_error(errors, path, 1, "not a JSON array")


def test_csv_missing_required_columns(tmp_path):
    path = write(tmp_path, "cols.csv", "name,text\nSomething,Else\n")
    papers, errors = read([path])
    assert papers == []
    assert_one_error(errors, path, 1, 'missing required column(s) "title", "abstract"', '"name"')


def test_csv_bad_rows_are_skipped(tmp_path):
    buf = io.StringIO()
    csv.writer(buf).writerows(
        [("Title", "Abstract", "Date"), ("Good Row", ABS_A, ""), ("No Abstract", "", ""), ("Extra", ABS_A, "", "surplus"),
         ("", ABS_A, ""), ("Good Again", ABS_B, "May 2")]
    )
    path = write(tmp_path, "rows.csv", buf.getvalue())
    papers, errors = read([path])
    assert [(p.title, p.date) for p in papers] == [("Good Row", None), ("Good Again", "May 2")]
    assert [str(e) for e in errors] == [
        f'{path}:3: field "abstract" is empty',
        f"{path}:4: row has 4 fields but the header has 3",
        f'{path}:5: field "title" is empty',
    ]


def test_truncated_xml_keeps_closed_entries(tmp_path):
    text = (DATA / "arxiv.xml").read_text()
    cut = text[: text.index("<title>Ink")]
    path = write(tmp_path, "cut.xml", cut)
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Paper Boats: Floating Point Formats for Tiny Models"]
    msg = assert_one_error(errors, path, cut.count("\n") + 1, "truncated XML")
    assert "rest of file skipped" in msg


def test_malformed_xml(tmp_path):
    path = write(tmp_path, "bad.xml", '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><title>T</summary></entry></feed>')
    papers, errors = read([path])
    assert_one_error(errors, path, 2, "malformed XML", "mismatched tag")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol2;</title><summary>s</summary></entry></feed>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE feed [ <!ENTITY secret SYSTEM "file:///etc/hostname"> ]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&secret;</title><summary>s</summary></entry></feed>
"""


def test_billion_laughs_refused(tmp_path):
    path = write(tmp_path, "bomb.xml", BILLION_LAUGHS)
    papers, errors = read([path])
    assert papers == []
    assert_one_error(errors, path, 3, "entity declaration 'lol' refused", "billion laughs")
    with pytest.raises(IngestError, match="refused"):
        list(read_papers([path], on_error="fail"))


def test_external_entity_refused(tmp_path):
    path = write(tmp_path, "xxe.xml", EXTERNAL_ENTITY)
    papers, errors = read([path])
    assert papers == []
    assert_one_error(errors, path, 2, "external entity 'secret'", "file:///etc/hostname", "refused")


def test_atom_entry_without_summary(tmp_path):
    text = (
        '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><title>No Summary</title></entry>\n'
        f"<entry><title>Fine</title><summary>{ABS_A}</summary></entry>\n</feed>\n"
    )
    path = write(tmp_path, "nosum.xml", text)
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Fine"]
    assert_one_error(errors, path, 2, '"No Summary" has no <summary>')


def test_empty_title_or_abstract(tmp_path):
    path = write(
        tmp_path,
        "empties.jsonl",
        jl(title="", abstract=ABS_A) + jl(title="No Words", abstract=" \t\u0007 ") + jl(title="Fine", abstract=ABS_A),
    )
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Fine"]
    assert [str(e) for e in errors] == [f'{path}:1: field "title" is empty', f'{path}:2: field "abstract" is empty']


def test_control_characters_and_surrogates(tmp_path):
    rec = '{"title": "Bell\\u0007 and\\u0000 Tab\\tTitle \\ud800 Here", "abstract": "Line one.\\r\\nLine\\u001b two \\udfff."}\n'
    path = write(tmp_path, "ctrl.jsonl", rec)
    (p,), errors = read([path])
    assert errors == []
    assert p.title == "Bell and Tab Title \ufffd Here"
    assert p.abstract == "Line one. Line two \ufffd."
    assert p.id == paper_id(p.title)
    p.title.encode("utf-8")  # always encodable
    listing = write(tmp_path, "ctrl.txt", f"Vertical\x0bTab\x7f Title\n\n{ABS_A}\x1b\n")
    (q,), errors = read([listing])
    assert errors == [] and q.title == "VerticalTab Title" and q.abstract == ABS_A


def test_listing_title_without_abstract(tmp_path):
    text = f"Feb 9\n\nLonely Title In The Middle\n\nComplete Paper\n\n{ABS_A}\n\nLonely Title At The End\n"
    path = write(tmp_path, "lonely.txt", text)
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Complete Paper"]
    assert [str(e) for e in errors] == [
        f'{path}:3: title "Lonely Title In The Middle" has no abstract; skipped',
        f'{path}:9: title "Lonely Title At The End" has no abstract (end of file); skipped',
    ]
    with pytest.raises(IngestError, match=":3: title"):
        list(read_papers([path], on_error="fail"))


def test_listing_abstract_without_title(tmp_path):
    path = write(tmp_path, "orphan.txt", f"Subscribe\n\n{ABS_A} {ABS_B}\n\nTitle Here\n\n{ABS_B}\n")
    papers, errors = read([path])
    assert [p.title for p in papers] == ["Title Here"]
    assert_one_error(errors, path, 3, "text without a title")


def test_listing_abstract_in_several_paragraphs(tmp_path):
    text = f"Two Part Paper\n\n{ABS_A}\n\n{ABS_B}\n\nNext Paper\n{ABS_B}\nSep 3\n{ABS_A}\n"
    path = write(tmp_path, "paras.txt", text)
    papers, errors = read([path])
    assert [(p.title, p.abstract) for p in papers] == [("Two Part Paper", f"{ABS_A} {ABS_B}"), ("Next Paper", ABS_B)]
    # a paragraph after furniture belongs to no paper
    assert_one_error(errors, path, 10, "text without a title")


def test_listing_only_furniture(tmp_path):
    path = write(tmp_path, "furniture.txt", "new\n\nSubscribe\n\nDaily Papers\n\nSep 11\n")
    papers, errors = read([path])
    assert_one_error(errors, path, None, "only page furniture")


def test_title_abstract_classifier():
    assert not looks_like_abstract("A Short Title: With a Colon", after_title=True)
    assert not looks_like_abstract("Is Attention All You Need? A Study of Small Models", after_title=False)
    assert looks_like_abstract("We show that a tiny change helps a lot on twelve benchmarks and explain why it works.", True)
    assert not looks_like_abstract("We show that a tiny change helps a lot on twelve benchmarks and explain why.", False)
    assert looks_like_abstract("x " * 200, False)
    for line in ["new", "Subscribe", "Daily Papers", "Sep 11", "Sep 11, 2023", "March 3", "byAK and the research community",
                 "Get trending papers in your email inbox!", "Get trending papers in your email inbox once a day!"]:
        assert is_furniture(line), line
    for line in ["New Directions in Sparse Training", "Sept: A Seven-Step Tokeniser", "Subscribe to Nothing"]:
        assert not is_furniture(line), line


def test_clean_text_keeps_artefacts():
    assert clean_text("  speeds up by 1.37times/1.24times\u00a0 ") == "speeds up by 1.37times/1.24times"
    assert clean_text("a\ud83d\ude00b") == "a\U0001f600b"  # a proper pair is joined, not replaced
    assert clean_text("\ufeffx\x85y") == "xy"


# ----------------------------------------------------------------------------- dedupe


def P(title, abstract=ABS_A, source="f.txt:1", date=None, urls=(), authors=()):
    return Paper(paper_id(title), title, abstract, (source,), date, tuple(urls), tuple(authors))


def test_merge_exact_duplicates_unions_fields():
    a = P("Sock Matching in the Wild", ABS_B, "a.txt:3", "Sep 2", ["u1"], ["Ann", "Bob"])
    b = P("Sock Matching in the Wild", ABS_B + " Extra sentence.", "b.txt:7", "Mar 1", ["u2", "u1"], ["bob", "Cid"])
    c = P("Another Paper", ABS_A, "a.txt:9")
    d = P("Sock Matching in the Wild", ABS_B, "a.txt:3")
    out, merged = merge_duplicates([a, c, b, d])
    assert merged == 2
    assert [p.title for p in out] == ["Sock Matching in the Wild", "Another Paper"]
    m = out[0]
    assert m.sources == ("a.txt:3", "b.txt:7")
    assert m.urls == ("u1", "u2")
    assert m.authors == ("Ann", "Bob", "Cid")
    assert m.date == "Sep 2"  # listing dates have no year: first seen wins
    assert m.abstract == ABS_B + " Extra sentence."
    assert m.id == paper_id("Sock Matching in the Wild")


def test_merge_keeps_earliest_iso_date_and_first_title_id():
    a = P("Deep Nets: A Study", date="2024-03-01", source="x:1")
    b = P("deep nets -- a  study", date="2023-12-31", source="y:1")
    out, merged = merge_duplicates([a, b])
    assert merged == 1 and out[0].title == "Deep Nets: A Study"
    assert out[0].date == "2023-12-31"
    assert out[0].id == paper_id("Deep Nets: A Study")
    bogus = Paper("not-a-hash", "Odd Id Paper", ABS_A, ("z:1",))
    assert merge_duplicates([bogus])[0][0].id == paper_id("Odd Id Paper")


def test_merge_near_identical_titles_with_same_abstract():
    a = P("Recurrent Memory for Sock Sorting", ABS_B)
    b = P("Recurent Memory for Sock-Sorting", ABS_B, "g.txt:2")
    c = P("Pre-trained Sock Encoders", ABS_A)
    d = P("Pretrained Sock Encoders", ABS_A[:150], "h.txt:4")  # truncated copy of the abstract
    out, merged = merge_duplicates([a, b, c, d])
    assert merged == 2
    assert out[0].sources == ("f.txt:1", "g.txt:2")
    assert out[1].abstract == ABS_A


def test_different_papers_with_similar_titles_stay_apart():
    pairs = [
        ("FOX-Net: Fast Channel Mixing for Deep Convolutional Neural Networks",
         "FEX: Fast Local Mixing for Deep Convolutional Neural Networks"),
        ("Learning to Arrange Neural Blocks for Scene Captioning",
         "Learning to Arrange Audio-Visual Neural Blocks for Scene Captioning"),
        ("SockNet-V2: Better Sock Matching", "SockNet-V3: Better Sock Matching"),
    ]
    for t1, t2 in pairs:
        # even with the very same abstract the title guard keeps them apart
        out, merged = merge_duplicates([P(t1, ABS_A), P(t2, ABS_A)])
        assert merged == 0, (t1, t2)
        assert not titles_near(title_tokens(t1), title_tokens(t2))


def test_same_title_different_abstract_stays_apart():
    out, merged = merge_duplicates([P("Deep Learning", ABS_A), P("Deep Learning", ABS_B), P("deep learning", ABS_B)])
    assert merged == 1
    assert [p.abstract for p in out] == [ABS_A, ABS_B]


def test_near_title_needs_close_abstract():
    out, merged = merge_duplicates([P("Recurrent Memory for Sock Sorting", ABS_A), P("Recurent Memory for Sock Sorting", ABS_B)])
    assert merged == 0 and len(out) == 2


# ----------------------------------------------------------------------------- property tests

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
TITLE = st.lists(WORD, min_size=2, max_size=10).map(lambda ws: " ".join(ws).capitalize())
SENTENCE = st.lists(WORD, min_size=8, max_size=16).map(lambda ws: " ".join(ws).capitalize() + ".")
ABSTRACT = st.lists(SENTENCE, min_size=2, max_size=6).map(" ".join)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80)
JSON_TEXT = st.text(min_size=1, max_size=80)  # includes lone surrogates: json escapes them
XML_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff", include_characters="\t\n\r"),
    min_size=1, max_size=80,
)
PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def roundtrip(name: str, data: bytes | str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", newline="")
        else:
            path.write_bytes(data)
        return read([path])


def usable(pairs):
    cleaned = [(clean_text(t), clean_text(a)) for t, a in pairs]
    return cleaned if all(t and a for t, a in cleaned) else None


@PROPS
@given(st.lists(st.tuples(TITLE, ABSTRACT), min_size=1, max_size=5), st.booleans(), st.lists(st.sampled_from(["Jan 5", "Dec 24, 2023", ""])))
def test_property_listing(pairs, compact, dates):
    assume(all(not is_furniture(t) and not t.startswith(GLUED_PREFIXES) for t, _ in pairs))
    sep = "\n" if compact else "\n\n"
    chunks = ["Subscribe"]
    for i, (t, a) in enumerate(pairs):
        if i < len(dates) and dates[i]:
            chunks.append(dates[i])
        chunks += [t, a]
    papers, errors = roundtrip("x.txt", sep.join(chunks) + "\n")
    assert errors == []
    assert [(p.title, p.abstract) for p in papers] == pairs
    assert all(p.id == paper_id(p.title) for p in papers)


@PROPS
@given(st.lists(st.tuples(JSON_TEXT, JSON_TEXT), min_size=1, max_size=5))
def test_property_jsonl(pairs):
    expected = usable(pairs)
    assume(expected)
    papers, errors = roundtrip("x.jsonl", "".join(jl(title=t, abstract=a) for t, a in pairs))
    assert errors == []
    assert [(p.title, p.abstract) for p in papers] == expected
    assert [p.sources[0].rsplit(":", 1)[1] for p in papers] == [str(i) for i in range(1, len(pairs) + 1)]


@PROPS
@given(st.lists(st.tuples(JSON_TEXT, JSON_TEXT), min_size=1, max_size=5), st.booleans(), st.sampled_from([None, 0, 2]))
def test_property_json(pairs, wrapped, indent):
    expected = usable(pairs)
    assume(expected)
    records = [{"title": t, "abstract": a, "authors": ["X Y"]} for t, a in pairs]
    doc = {"papers": records} if wrapped else records
    papers, errors = roundtrip("x.json", json.dumps(doc, indent=indent))
    assert errors == []
    assert [(p.title, p.abstract) for p in papers] == expected


@PROPS
@given(st.lists(st.tuples(ANY_TEXT, ANY_TEXT), min_size=1, max_size=5), st.sampled_from([",", "\t"]))
def test_property_csv(pairs, delimiter):
    assume(all("\x00" not in t + a for t, a in pairs))
    expected = usable(pairs)
    assume(expected)
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows([("title", "abstract"), *pairs])
    papers, errors = roundtrip("x.csv" if delimiter == "," else "x.tsv", buf.getvalue())
    assert errors == []
    assert [(p.title, p.abstract) for p in papers] == expected


@PROPS
@given(st.lists(st.tuples(XML_TEXT, XML_TEXT), min_size=1, max_size=5))
def test_property_atom(pairs):
    expected = usable(pairs)
    assume(expected)
    entries = "".join(
        f"<entry><id>http://arxiv.org/abs/{i}</id><title>{escape(t)}</title><summary>{escape(a)}</summary></entry>\n"
        for i, (t, a) in enumerate(pairs)
    )
    doc = f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n{entries}</feed>\n'
    papers, errors = roundtrip("x.xml", doc.encode("utf-8"))
    assert errors == []
    assert [(p.title, p.abstract) for p in papers] == expected
    assert [p.urls for p in papers] == [(f"http://arxiv.org/abs/{i}",) for i in range(len(pairs))]


# ----------------------------------------------------------------------------- the real corpus

#: Distinct papers in /work/shared/corpus: 414 listed entries, 46 of them exact repeats.
#: The brief expected 367, but the files hold 368 distinct titles and 368 distinct
#: abstracts in a 1:1 pairing; no two of them are near-copies (the closest pair of
#: abstracts, rapidfuzz token ratio 69, are two different equivariant-network papers).
CORPUS_DISTINCT = 368
CORPUS_DATES = {"000": "Sep 11", "001": "Mar 17", "002": None, "003": "Jul 30"}


@pytest.fixture(scope="module")
def corpus():
    if not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")):
        pytest.skip(f"corpus not found at {CORPUS}")
    errors: list[IngestError] = []
    raw = list(read_papers([CORPUS], errors=errors))
    return raw, errors


def test_corpus_reads_cleanly(corpus):
    raw, errors = corpus
    assert errors == []
    assert len(raw) == 414
    lines_cache: dict[str, list[str]] = {}
    for p in raw:
        path, line = p.sources[0].rsplit(":", 1)
        assert "/" not in path  # the file name, relative to the folder the build was given
        lines = lines_cache.setdefault(path, (CORPUS / path).read_text(encoding="utf-8").splitlines())
        assert lines[int(line) - 1].endswith(p.title)  # the source points at the title line
        assert p.date == CORPUS_DATES[Path(path).name[:3]]


def test_corpus_distinct_papers(corpus):
    raw, _ = corpus
    papers, merged = merge_duplicates(raw)
    assert len(papers) == CORPUS_DISTINCT
    assert merged == len(raw) - CORPUS_DISTINCT
    assert len({p.id for p in papers}) == len(papers)
    for p in papers:
        assert not is_furniture(p.title) and not p.title.startswith(GLUED_PREFIXES), p.title
        assert p.abstract and len(p.abstract) > len(p.title)
        assert p.id == paper_id(p.title)
        # dates kept: the first dated listing the paper was seen in
        dates = [CORPUS_DATES[Path(s.rsplit(":", 1)[0]).name[:3]] for s in p.sources]
        assert p.date == next((d for d in dates if d), None)
    assert {p.date for p in papers} == set(CORPUS_DATES.values())
    titles = [p.title for p in papers]
    # look-alike pairs in the corpus that are different papers
    assert sum(t.startswith(("ECA-Net:", "ELA:")) for t in titles) == 2
    assert sum(t.startswith("Learning to Collocate") for t in titles) == 2


def test_corpus_matches_gold_ids(corpus):
    if not GOLD.is_file():
        pytest.skip("gold annotations not found")
    papers, _ = merge_duplicates(corpus[0])
    ids = {p.id for p in papers}
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(g["id"] in ids for g in gold)


def test_sources_do_not_depend_on_where_the_build_ran(tmp_path, monkeypatch):
    """The same folder named by an absolute path, a relative one and from inside gives the same
    sources: file path relative to the named folder, and a named file's own name."""
    (tmp_path / "in" / "sub").mkdir(parents=True)
    write(tmp_path / "in" / "sub", "x.jsonl", jl(title="AZ Paper", abstract=ABS_A))
    seen = [[p.sources for p in read([tmp_path / "in"])[0]]]
    monkeypatch.chdir(tmp_path)
    seen.append([p.sources for p in read(["in"])[0]])
    monkeypatch.chdir(tmp_path / "in" / "sub")
    seen.append([p.sources for p in read(["."])[0]])
    assert seen == [[("sub/x.jsonl:1",)]] * 2 + [[("x.jsonl:1",)]]
    assert [p.sources for p in read([tmp_path / "in" / "sub" / "x.jsonl"])[0]] == [("x.jsonl:1",)]
