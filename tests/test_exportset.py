"""The export set is one build's (kg.exportset): readers refuse an export that the manifest
beside it does not vouch for, after a real build is SIGKILLed between its exports or when one
file is replaced by another build's. Real `kg` processes; inputs are a few records."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kg.exportset import MANIFEST_NAME

ABSTRACT = "We train a residual network on ImageNet and compare it with VGG on CIFAR-10."
READERS = (("stats",), ("validate",), ("view",), ("query", "--", "ASK { ?s ?p ?o }"))
# `kg build` in a process that SIGKILLs itself at a chosen point of the export (a real kill -9,
# at a place a timer could only hit by luck)
KILL_AFTER = """
import os, signal, sys
import kg.export.stream as stream, kg.exportset as exportset
where = sys.argv.pop(1)
def killer(original):
    def run(*args, **kwargs):
        result = original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
    return run
if where == "streams":  # graph.ttl/.nt/.jsonld renamed in, graph.graphml/.html not yet
    stream.write_streams = killer(stream.write_streams)
else:  # every export renamed in, the manifest not yet written
    exportset._sha256 = killer(exportset._sha256)
from kg.cli import main
sys.argv[0] = "kg"
main()
"""


def _kg(*args):
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _write_jsonl(path: Path, titles) -> Path:
    path.write_text("".join(json.dumps({"title": t, "abstract": ABSTRACT}) + "\n" for t in titles), encoding="utf-8")
    return path


def _refused(graph: Path, *reader) -> None:
    args = [reader[0], graph, *reader[1:]] if reader[0] != "query" else ["query", graph, *reader[2:]]
    r = _kg(*args)
    assert r.returncode == 2, (reader, r.returncode, r.stderr)
    assert r.stderr.strip() == (f"kg: {graph}: export set is inconsistent (from another build or a killed "
                                "build); rebuild"), r.stderr


def _accepted(graph: Path) -> None:
    r = _kg("stats", graph)
    assert r.returncode == 0, r.stderr


@pytest.fixture()
def two_builds(tmp_path):
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    src_a = _write_jsonl(tmp_path / "a.jsonl", ["Deep Residual Learning"])
    src_b = _write_jsonl(tmp_path / "b.jsonl", ["Attention Is All You Need", "Other Paper"])
    for src, out in ((src_a, out_a), (src_b, out_b)):
        r = _kg("build", src, "--out", out, "--quiet")
        assert r.returncode == 0, r.stderr
    return out_a, out_b, src_b


def test_manifest_names_every_export_with_size_and_hash(two_builds):
    import hashlib

    out_a, out_b, _ = two_builds
    manifest = json.loads((out_a / MANIFEST_NAME).read_text())
    other = json.loads((out_b / MANIFEST_NAME).read_text())
    assert manifest["build"] != other["build"]
    exports = sorted(p.name for p in out_a.iterdir() if p.name.startswith("graph."))
    assert sorted(manifest["files"]) == exports and "graph.ttl" in exports
    for name, entry in manifest["files"].items():
        data = (out_a / name).read_bytes()
        assert entry == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    _accepted(out_a / "graph.ttl")


def test_file_from_another_build_is_refused_by_every_reader(two_builds, tmp_path):
    out_a, out_b, _ = two_builds
    (out_a / "graph.nt").write_bytes((out_b / "graph.nt").read_bytes())
    for reader in READERS:
        _refused(out_a / "graph.nt", *reader)
    _accepted(out_a / "graph.ttl")  # still the build the manifest names
    # the same file with no manifest beside it (hand-made, copied) is accepted
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "graph.nt").write_bytes((out_b / "graph.nt").read_bytes())
    _accepted(loose / "graph.nt")
    (loose / "link.nt").symlink_to(out_a / "graph.nt")  # a link is checked where it points
    _refused(loose / "link.nt", "stats")
    # a file the manifest does not list: refused when named like an export, else accepted
    (out_a / "graph.ttl").unlink()
    (out_a / "mine.ttl").write_bytes((out_b / "graph.ttl").read_bytes())
    _accepted(out_a / "mine.ttl")
    manifest = json.loads((out_a / MANIFEST_NAME).read_text())
    del manifest["files"]["graph.jsonld"]
    (out_a / MANIFEST_NAME).write_text(json.dumps(manifest))
    _refused(out_a / "graph.jsonld", "stats")
    (out_a / MANIFEST_NAME).write_text("{not json")  # a damaged manifest vouches for nothing
    _refused(out_a / "mine.ttl", "stats")


def _killed_build(src: Path, out: Path, where: str) -> None:
    proc = subprocess.run([sys.executable, "-c", KILL_AFTER, where, "build", str(src), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stderr)


def test_build_killed_between_exports_leaves_a_set_readers_refuse(two_builds):
    out_a, _, src_b = two_builds
    old = {p.name: p.read_bytes() for p in out_a.iterdir() if p.name.startswith("graph.")}
    _killed_build(src_b, out_a, "streams")
    changed = {n for n in old if (out_a / n).read_bytes() != old[n]}
    assert changed == {"graph.ttl", "graph.nt", "graph.jsonld"}  # a mixed set: BBBAA
    for reader in READERS:
        _refused(out_a / "graph.ttl", *reader)
    _refused(out_a / "graph.jsonld", "stats")
    _accepted(out_a / "graph.graphml")  # still the old build's, as the manifest says
    # killed after every export but before the manifest: the old manifest matches nothing new
    _killed_build(src_b, out_a, "manifest")
    _refused(out_a / "graph.graphml", "stats")
    r = _kg("build", src_b, "--out", out_a, "--quiet")  # the rebuild the message asks for
    assert r.returncode == 0, r.stderr
    _accepted(out_a / "graph.ttl")
    _accepted(out_a / "graph.graphml")


def test_serve_refuses_an_inconsistent_export(two_builds, tmp_path):
    out_a, out_b, _ = two_builds
    (out_a / "graph.ttl").write_bytes((out_b / "graph.ttl").read_bytes())
    for extra in ((), ("--store", tmp_path / "store")):
        r = _kg("serve", out_a / "graph.ttl", "--port", "0", *extra)
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip().endswith(f"{out_a / 'graph.ttl'}: export set is inconsistent (from another build "
                                         "or a killed build); rebuild"), r.stderr
