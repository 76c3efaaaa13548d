"""Shared pytest fixtures. `fixture_graph` is the hand-written graph from tests/fixtures.py."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from fixtures import build_fixture_graph  # noqa: E402


@pytest.fixture
def fixture_graph():
    """A fresh copy of the fixture graph (tests may mutate it)."""
    return build_fixture_graph()


@pytest.fixture(scope="session")
def exported_dir(tmp_path_factory):
    """The fixture graph exported once in every registered format (read-only for tests)."""
    from kg.export import export

    out = tmp_path_factory.mktemp("export")
    export(build_fixture_graph(), out, formats=["turtle", "ntriples", "jsonld", "graphml"])
    return out
