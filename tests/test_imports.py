"""The package's import structure: no cycles (function-level imports included), and the RDF
mapping loads without the extractor."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx

import kg

ROOT = Path(kg.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path = ROOT) -> nx.DiGraph:
    """Module -> the kg modules it imports anywhere in its source (also inside functions, where
    a cycle hides just as well). `from kg.a import b` names module kg.a.b when that exists."""
    modules = {_module_name(p): p for p in root.rglob("*.py")}
    D = nx.DiGraph()
    D.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
                targets = subs if len(subs) == len(node.names) else [base, *subs]
            for target in targets:
                if target in modules and target != name:
                    D.add_edge(name, target)
    return D


def test_import_graph_sees_imports():
    D = import_graph()
    assert D.has_edge("kg.loader", "kg.rdf")
    assert D.has_edge("kg.cli", "kg.pipeline")  # a function-level import
    assert D.has_edge("kg.ingest", "kg.ingest.listing")  # relative "from . import listing"


def test_no_import_cycle():
    cycles = list(nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join([*c, c[0]]) for c in cycles)


def test_rdf_package_imports_no_extraction_or_export_code():
    reached = nx.descendants(import_graph(), "kg.rdf") | {"kg.rdf"}
    assert not {m for m in reached if m.startswith(("kg.extract", "kg.export", "kg.resolve", "kg.ingest"))}
    code = ("import sys, kg.rdf; bad = sorted(m for m in sys.modules if m.startswith(('kg.extract', 'kg.export', "
            "'rapidfuzz', 'kg.resolve'))); print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
