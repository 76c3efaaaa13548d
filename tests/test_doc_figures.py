"""The figures README.md and docs/*.md quote match a build (scripts/doc_figures.py --check).

Without the corpus the corpus figures are not checked (the script says so); the analytics
session, built from examples/, is checked always."""
from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_and_docs_figures_match_a_build(capsys):
    script = runpy.run_path(str(ROOT / "scripts" / "doc_figures.py"), run_name="doc_figures")
    status = script["main"](["--check"])
    out = capsys.readouterr().out
    assert status == 0, f"stale figures; run python scripts/doc_figures.py\n{out}"


def test_check_finds_a_drifted_figure():
    script = runpy.run_path(str(ROOT / "scripts" / "doc_figures.py"), run_name="doc_figures")
    text = "the corpus has <!--fig:corpus.nodes-->1,565<!--/fig--> nodes"
    fixed = script["regenerate"](text, {"corpus.nodes": "1,695"}, None)
    assert fixed == "the corpus has <!--fig:corpus.nodes-->1,695<!--/fig--> nodes"
