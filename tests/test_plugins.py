"""Readers, extractors and exporters from another installed package, through entry points.

The "other package" is a real distribution on sys.path (a module and its .dist-info with
entry_points.txt), and kg runs as a real process, as it would after `pip install kgplug`.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN = '''
from kg.io import atomic_open
from kg.records import PAPER, Claim, Evidence, Extraction, Mention, Paper


def read_plug(path, display):
    """One paper per line: title | abstract."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        title, abstract = line.split("|")
        yield Paper(f"plug{i}", title.strip(), abstract.strip(), sources=(f"{display}:{i}",))


read_plug.extensions = (".plug",)


def shouting():
    def extract(paper):
        name = paper.title.split()[0].upper()
        ev = Evidence(paper.title, -1, -1)
        return Extraction(paper.id, (Mention(name, "Method"),), (Claim(PAPER, "proposes", name, ev, "plug", 1.0),))
    return extract


def write_count(G, path):
    with atomic_open(path) as fh:
        fh.write(f"{G.number_of_nodes()} nodes\\n")


write_count.extension = "count.txt"
'''

ENTRY_POINTS = '''
[kg.readers]
plug = kgplug:read_plug

[kg.extractors]
shouting = kgplug:shouting

[kg.exporters]
nodecount = kgplug:write_count
broken = kgplug_missing:write
turtle = kgplug:write_count
'''


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "kgplug.py").write_text(PLUGIN, encoding="utf-8")
    info = root / "kgplug-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kgplug\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent(ENTRY_POINTS), encoding="utf-8")
    return root


def kg(plugin_path: Path, *args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_path), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_help_lists_plugins(plugin_path):
    run = kg(plugin_path, "build", "--help")
    assert run.returncode == 0, run.stderr
    text = " ".join(run.stdout.split())
    assert "plug" in text.split("Known:")[1]
    assert "shouting" in text and "nodecount (.count.txt)" in text


def test_build_with_plugin_reader_extractor_and_exporter(plugin_path, tmp_path):
    (tmp_path / "in.plug").write_text("Zebra nets | We propose zebras.\nOkapi models | Okapis.\n", encoding="utf-8")
    out = tmp_path / "out"
    run = kg(plugin_path, "build", tmp_path / "in.plug", "--out", out, "--extractor", "shouting",
             "--formats", "nodecount,ttl", "--quiet", "--no-state")
    assert run.returncode == 0, run.stderr
    # 2 papers + 2 methods proposed by the plugin extractor
    assert (out / "graph.count.txt").read_text(encoding="utf-8") == "4 nodes\n"
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "method:zebra" in ttl and "kg:proposes" in ttl
    # a plugin that cannot be imported is named in a warning and skipped; one that takes a
    # built-in's name does not replace it (graph.ttl above is real Turtle)
    assert "broken" in run.stderr and "could not be loaded" in run.stderr
    assert "'turtle'" in run.stderr and "name is taken" in run.stderr


def test_default_formats_include_plugin_exporter(plugin_path, tmp_path):
    (tmp_path / "in.plug").write_text("Zebra nets | We propose zebras.\n", encoding="utf-8")
    run = kg(plugin_path, "build", tmp_path / "in.plug", "--out", tmp_path / "out", "--quiet", "--no-state")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "graph.count.txt").is_file()
    assert (tmp_path / "out" / "graph.ttl").is_file() and (tmp_path / "out" / "graph.html").is_file()
