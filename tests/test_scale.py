"""Scale features: parallel and Dask extraction, incremental update, streaming export.

Each must give exactly the graph (the same Turtle bytes) as the plain single-process build.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export import export
from kg.export.stream import export_streaming, write_streams
from kg.extract import register_extractor
from kg.pipeline import BuildReport, build
from kg.rdf import graph_triples, iter_triples

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "papers.jsonl"
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth_corpus import generate  # noqa: E402

CALLS: list[str] = []


@register_extractor("counting")
def _counting():
    """The default (learned) extractor, recording the id of every paper it extracts."""
    from kg.extract.learned import LearnedExtractor

    inner = LearnedExtractor()

    def extract(paper):
        CALLS.append(paper.id)
        return inner(paper)

    return extract


def _write(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[dict]:
    return list(generate(240, seed=11))


@pytest.fixture(scope="module")
def synth(tmp_path_factory, corpus) -> Path:
    return _write(tmp_path_factory.mktemp("synth") / "synth.jsonl", corpus)


def turtle(G, tmp: Path, name: str = "t") -> bytes:
    out = tmp / name
    export(G, out, ["ttl"])
    return (out / "graph.ttl").read_bytes()


@pytest.fixture(scope="module")
def baseline(synth, tmp_path_factory) -> bytes:
    G = build([EXAMPLES, synth])
    return turtle(G, tmp_path_factory.mktemp("base"))


# --- parallel extraction ------------------------------------------------------------------------

def test_workers_identical_to_single_process(synth, baseline, tmp_path):
    report = BuildReport()
    G = build([EXAMPLES, synth], workers=2, chunk_size=16, report=report)
    assert report.workers == 2
    assert turtle(G, tmp_path) == baseline


def test_dask_local_cluster_identical(synth, baseline, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        report = BuildReport()
        G = build([EXAMPLES, synth], engine="dask", scheduler=client, chunk_size=25, report=report)
        assert report.engine == "dask"
    assert turtle(G, tmp_path) == baseline


def test_bad_engine_options():
    with pytest.raises(ValueError):
        build([EXAMPLES], engine="spark")
    with pytest.raises(ValueError):
        build([EXAMPLES], scheduler="tcp://localhost:1")  # a scheduler needs engine="dask"


# --- incremental update -------------------------------------------------------------------------

def test_update_equals_full_rebuild(corpus, tmp_path):
    old = _write(tmp_path / "old.jsonl", corpus[:150])
    # the new listing: new papers, plus some old ones printed again (they gain a source)
    again = [dict(r, id="again-" + r["id"]) for r in corpus[:150:10]]
    new = _write(tmp_path / "new.jsonl", corpus[150:] + again)
    out = tmp_path / "build"

    CALLS.clear()
    first = BuildReport()
    build([old], extractor="counting", state_dir=out, report=first)
    assert len(CALLS) == first.papers_extracted > 0
    old_ids = set(CALLS)

    CALLS.clear()
    report = BuildReport()
    G = build([new], extractor="counting", state_dir=out, update=out, report=report)
    assert CALLS, "new papers are extracted"
    assert not set(CALLS) & old_ids, "papers of the previous build are not extracted again"
    assert report.papers_reused == len(old_ids)
    assert report.previous_records == 150
    new_ids = set(CALLS)

    full = build([old, new])
    assert turtle(G, tmp_path, "upd") == turtle(full, tmp_path, "full")
    papers = [n for n, d in G.nodes(data=True) if d["type"] == "Paper"]
    assert len(papers) == len(set(papers)) == len(old_ids) + len(new_ids)
    # the old papers printed again are one node each, with both listings as sources
    for r in again[:3]:
        node = next(n for n, d in G.nodes(data=True) if d.get("title") == r["title"])
        assert {s.split(":")[0] for s in G.nodes[node]["sources"]} >= {old.name, new.name}

    # giving a listing again changes nothing and extracts nothing
    CALLS.clear()
    again_report = BuildReport()
    G2 = build([new], extractor="counting", state_dir=out, update=out, report=again_report)
    assert CALLS == []
    assert again_report.known_records == len(corpus[150:] + again)
    assert turtle(G2, tmp_path, "again") == turtle(full, tmp_path, "full2")


def test_update_re_extracts_a_changed_paper(corpus, tmp_path):
    old = _write(tmp_path / "old.jsonl", corpus[:20])
    longer = dict(corpus[3], id="rev", abstract=corpus[3]["abstract"] + " We also report results on ImageNet.")
    new = _write(tmp_path / "new.jsonl", [longer])
    out = tmp_path / "b"
    build([old], extractor="counting", state_dir=out)
    CALLS.clear()
    G = build([new], extractor="counting", state_dir=out, update=out)
    assert len(CALLS) == 1  # the merged paper's abstract changed: its extraction is stale
    assert turtle(G, tmp_path, "u") == turtle(build([old, new]), tmp_path, "f")


def test_update_without_state_fails(tmp_path):
    with pytest.raises(ValueError, match="no build state"):
        build([EXAMPLES], update=tmp_path)


def test_changed_extractor_re_extracts_everything(tmp_path):
    out = tmp_path / "b"
    build([EXAMPLES], state_dir=out)  # "learned"
    CALLS.clear()
    report = BuildReport()
    build([EXAMPLES], extractor="counting", state_dir=out, update=out, report=report)
    assert report.papers_reused == 0 and len(CALLS) == report.papers_extracted > 0


def test_kg_build_with_two_workers_writes_the_same_files(synth, tmp_path):
    """`kg build --workers 2` (a real process: its export forks a second one for GraphML and the
    page) writes every default format as `--workers 1` does."""
    import subprocess

    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(EXAMPLES), str(synth), "--out", str(out),
                        "--quiet", "--no-state", "--workers", workers], check=True, capture_output=True, cwd=tmp_path)
        outs.append({p.name: p.read_bytes() for p in out.glob("graph.*")})
    assert set(outs[0]) >= {"graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "graph.html"}
    assert outs[0] == outs[1]


def test_cli_update_and_workers(synth, tmp_path):
    runner = CliRunner()
    lines = synth.read_text(encoding="utf-8").splitlines(keepends=True)
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text("".join(lines[:100]), encoding="utf-8")
    b.write_text("".join(lines[100:140]), encoding="utf-8")
    out, full = tmp_path / "out", tmp_path / "full"
    r = runner.invoke(main, ["build", str(a), "--out", str(out), "--formats", "ttl,nt", "--quiet", "--workers", "2"])
    assert r.exit_code == 0, r.output
    assert "2 workers" in r.output
    r = runner.invoke(main, ["build", "--update", str(out), str(b), "--formats", "ttl,nt", "--quiet"])
    assert r.exit_code == 0, r.output
    assert "extractions reused" in r.output
    r = runner.invoke(main, ["build", str(a), str(b), "--out", str(full), "--formats", "ttl,nt", "--quiet", "--no-state"])
    assert r.exit_code == 0, r.output
    assert not (full / ".kg").exists()
    for name in ("graph.ttl", "graph.nt"):
        assert (out / name).read_bytes() == (full / name).read_bytes()
    r = runner.invoke(main, ["build", str(a), "--scheduler", "tcp://x:1", "--quiet"])
    assert r.exit_code == 2
    r = runner.invoke(main, ["build", "--update", str(tmp_path / "nothing"), str(a), "--quiet"])
    assert r.exit_code == 2 and "no build state" in r.output


# --- streaming export ---------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["fixture", "built"])
def test_streaming_export_identical(which, fixture_graph, synth, tmp_path):
    G = fixture_graph if which == "fixture" else build([EXAMPLES, synth])
    assert list(iter_triples(G)) == graph_triples(G)
    export(G, tmp_path / "mem", ["ttl", "nt", "jsonld"])
    timings: dict = {}
    written = export_streaming(G, tmp_path / "stream", ["ttl", "nt", "jsonld"], timings)
    assert [p.name for p in written] == ["graph.ttl", "graph.nt", "graph.jsonld"]
    assert set(timings) == {"triples", "turtle", "ntriples", "jsonld"}
    # batches of a few triples: every batch's Turtle must continue the one before
    write_streams(G, {"turtle": tmp_path / "small.ttl", "ntriples": tmp_path / "small.nt",
                      "jsonld": tmp_path / "small.jsonld"}, batch_triples=7)
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        expected = (tmp_path / "mem" / name).read_bytes()
        assert (tmp_path / "stream" / name).read_bytes() == expected
        assert (tmp_path / name.replace("graph", "small")).read_bytes() == expected
    assert not [p for p in (tmp_path / "stream").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the forked export is Linux only")
def test_forked_export_same_files_and_its_errors_raised(synth, tmp_path, monkeypatch):
    """With processes=2, GraphML, the page and slices of the RDF files come from a forked process
    during the RDF pass: the same files as one process writes, their timings and memory
    reported; an error in the child (in either part of its work) is raised in the parent as its
    own kind, and an error in the parent stops the child, neither leaving a temporary file."""
    import kg.export.stream as stream

    G = build([EXAMPLES, synth])
    formats = ["ttl", "nt", "jsonld", "graphml", "html"]
    one = export_streaming(G, tmp_path / "one", formats)
    timings: dict = {}
    peaks: dict = {}
    two = export_streaming(G, tmp_path / "two", formats, timings, peaks, processes=2)
    assert [p.name for p in two] == [p.name for p in one]
    for a, b in zip(one, two):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert {"graphml", "html", "triples"} <= set(timings) and peaks["export process"] > 0
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "graph.graphml").mkdir()  # the child cannot replace a folder
    with pytest.raises(OSError) as err:
        export_streaming(G, tmp_path / "bad", formats, processes=2)
    assert "graph.graphml" in str(err.value.filename)
    assert (tmp_path / "bad" / "graph.ttl").read_bytes() == one[0].read_bytes()  # the parent's part written
    (tmp_path / "bad2").mkdir()
    (tmp_path / "bad2" / "graph.nt").mkdir()  # now the parent fails, the child is stopped
    with pytest.raises(OSError):
        export_streaming(G, tmp_path / "bad2", formats, processes=2)
    # the forked process writes every slice of the RDF files but the first (this one takes none
    # after it), or fails writing them: the same bytes, or its error raised here and no file
    monkeypatch.setattr(stream.Slices, "take_front", lambda self, i: False)
    most = export_streaming(G, tmp_path / "theirs", formats, processes=2)
    assert [p.read_bytes() for p in most] == [p.read_bytes() for p in one]
    real_write = stream.write_streams

    def slice_fails(G, paths, *args, start=None, **kwargs):
        if start is not None:  # a slice of the forked process
            raise OSError(28, "No space left on device", str(next(iter(paths.values()))))
        return real_write(G, paths, *args, start=start, **kwargs)

    monkeypatch.setattr(stream, "write_streams", slice_fails)
    with pytest.raises(OSError) as err:
        export_streaming(G, tmp_path / "bad3", formats, processes=2)
    assert err.value.errno == 28 and ".part" in str(err.value.filename)
    assert not (tmp_path / "bad3" / "graph.ttl").exists()  # the RDF files are whole or not there
    monkeypatch.undo()
    for folder in ("bad", "bad2", "bad3", "theirs"):
        assert not [p for p in (tmp_path / folder).iterdir() if p.name.endswith(".tmp")]
    rdf_only = export_streaming(G, tmp_path / "rdf", ["ttl", "jsonld"], processes=2)
    assert [p.read_bytes() for p in rdf_only] == [one[0].read_bytes(), one[2].read_bytes()]
    monkeypatch.setattr(stream, "FORK_BELOW_NODES", len(G))  # a bigger graph: one process
    peaks = {}
    export_streaming(G, tmp_path / "big", formats, peaks=peaks, processes=2)
    assert "export process" not in peaks


def _jsonld_paths_agree(G) -> None:
    """JSON-LD writes statements from the edge data; the bytes must equal those it writes from
    the statements' triples."""
    from kg.export.jsonld import JsonLdWriter
    from kg.rdf import base_iri_of, iter_blocks, prefixes
    from kg.rdf.to_triples import _subject_index

    fast, slow = (JsonLdWriter(prefixes(base_iri_of(G))) for _ in range(2))
    pairs = list(zip(_subject_index(G), iter_blocks(G)))
    assert len(pairs) == len(list(iter_blocks(G))) and sum(len(e) == 4 for e, _ in pairs) == G.number_of_edges()
    for entry, block in pairs:
        assert fast.subject(G, entry, block) == slow.block(block)


def test_jsonld_statements_from_edges_equal_their_triples(fixture_graph, synth):
    _jsonld_paths_agree(fixture_graph)
    _jsonld_paths_agree(build([EXAMPLES, synth]))


def test_streaming_export_odd_ids(tmp_path):
    """Ids that need percent-encoding, a custom base IRI, author order kept in a list."""
    import networkx as nx

    G = nx.MultiDiGraph(base_iri="http://example.org/x/")
    G.add_node("paper/a b%", type="Paper", label="T", title="T", abstract="A.", date=None, sources=("f:1",),
               urls=("not a url", "https://e.org/p"), authors=("Zed", "Amy"), code=(), aliases=())
    G.add_node("method/x.", type="Method", label="X.", aliases=("Y",))
    G.add_node("method/ü", type="Method", label="Ü", aliases=())
    G.add_edge("paper/a b%", "method/x.", key="statement/00ff", predicate="proposes", paper="paper/a b%",
               evidence="We propose X.", start=0, end=13, rule="r", confidence=0.5)
    G.add_edge("method/x.", "method/ü", key="statement/0a", predicate="outperforms", paper="paper/a b%",
               evidence="X beats Ü.", start=14, end=24, rule="r", confidence=1e-7)
    assert list(iter_triples(G)) == graph_triples(G)
    export(G, tmp_path / "m", ["ttl", "nt", "jsonld"])
    export_streaming(G, tmp_path / "s", ["ttl", "nt", "jsonld"])
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        assert (tmp_path / "s" / name).read_bytes() == (tmp_path / "m" / name).read_bytes()
    _jsonld_paths_agree(G)
    import rdflib
    from rdflib.compare import isomorphic

    g = rdflib.Graph().parse(str(tmp_path / "s" / "graph.jsonld"), format="json-ld")
    assert isomorphic(g, rdflib.Graph().parse(str(tmp_path / "s" / "graph.nt"), format="nt"))


def test_update_refuses_state_whose_sources_are_old_paths(tmp_path):
    """A version-1 state holds sources as the paths its build ran with; an update over it would
    differ from a full build (whose sources are relative to the input named), so it is refused."""
    from kg.update import State, StateError
    (tmp_path / ".kg").mkdir()
    (tmp_path / ".kg" / "manifest.json").write_text(json.dumps({"version": 1}), encoding="utf-8")
    with pytest.raises(StateError, match="rebuild in full"):
        State.open(tmp_path)
