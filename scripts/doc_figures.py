"""Regenerate the figures the README and docs quote, from real builds, so they cannot drift.

    python scripts/doc_figures.py           # rewrite README.md and docs/*.md in place
    python scripts/doc_figures.py --check   # exit 1 and list what is stale (tests/test_doc_figures.py)

Two kinds of generated text, both marked in the Markdown so a reader sees plain prose:

* Inline figures: ``<!--fig:NAME-->1,695<!--/fig-->``. NAME is one of FIGURES below, measured on
  the corpus graph (../shared/corpus beside the repository; skipped with a note when absent).
* The analytics session: between ``<!--doc_figures:analytics-->`` and
  ``<!--/doc_figures:analytics-->`` every ```python block whose last line is an expression is
  evaluated on the demo graph (examples/, as the README builds it) and the ```text block that
  follows it is replaced by the result (a DataFrame as ``to_string(index=False)``).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FIG = re.compile(r"<!--fig:([\w.-]+)-->(.*?)<!--/fig-->", re.S)
_SESSION = re.compile(r"(<!--doc_figures:analytics-->)(.*?)(<!--/doc_figures:analytics-->)", re.S)
# a ```python block (no fence inside) directly followed by a ```text block
_PAIR = re.compile(r"(```python\n)((?:(?!```).)*?)(\n```\n\s*```text\n)((?:(?!```).)*?)(\n```)", re.S)


def corpus_figures() -> dict[str, str]:
    """NAME -> text of every inline figure, from a build of the corpus."""
    import kg
    from kg.rdf import graph_triples
    from kg.schema import ENTITY_TYPES, KINDS

    G = kg.build_graph([CORPUS])
    by_type = {k.name: 0 for k in KINDS}
    for _, t in G.nodes(data="type"):
        by_type[t] = by_type.get(t, 0) + 1
    figures = {
        "corpus.papers": by_type["Paper"],
        "corpus.nodes": G.number_of_nodes(),
        "corpus.entities": sum(by_type[t] for t in ENTITY_TYPES),
        "corpus.statements": G.number_of_edges(),
        "corpus.triples": len(graph_triples(G)),
    }
    figures.update({f"corpus.{t.lower()}": n for t, n in by_type.items()})
    return {k: f"{v:,}" for k, v in figures.items()}


def demo_graph():
    import kg

    return kg.build_graph([ROOT / "examples"])


def _render(value) -> str:
    to_string = getattr(value, "to_string", None)
    if callable(to_string):
        try:
            return to_string(index=False)
        except TypeError:
            return to_string()
    return str(value)


def render_session(text: str, G) -> str:
    """`text` (the analytics session) with each ```text output replaced by the real one."""
    import kg
    from kg import analytics as A

    namespace = {"kg": kg, "A": A, "analytics": A, "G": G}

    def one(m: re.Match) -> str:
        lines = [ln for ln in m.group(2).splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        *setup, last = lines
        exec("\n".join(setup), namespace)  # noqa: S102 (the README's own code)
        result = eval(last, namespace)  # noqa: S307
        return m.group(1) + m.group(2) + m.group(3) + _render(result) + m.group(5)

    return _PAIR.sub(one, text)


def regenerate(text: str, figures: dict[str, str] | None, G) -> str:
    def fig(m: re.Match) -> str:
        if figures is None:
            return m.group(0)
        if m.group(1) not in figures:
            raise SystemExit(f"doc_figures: unknown figure {m.group(1)!r}; known: {', '.join(sorted(figures))}")
        return f"<!--fig:{m.group(1)}-->{figures[m.group(1)]}<!--/fig-->"

    text = _FIG.sub(fig, text)
    return _SESSION.sub(lambda m: m.group(1) + render_session(m.group(2), G) + m.group(3), text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="report stale figures, change nothing")
    args = ap.parse_args(argv)
    figures = corpus_figures() if CORPUS.is_dir() else None
    if figures is None:
        print(f"doc_figures: no corpus at {CORPUS}; corpus figures left as they are", file=sys.stderr)
    G = demo_graph()
    stale = []
    for path in DOCS:
        old = path.read_text(encoding="utf-8")
        new = regenerate(old, figures, G)
        if new != old:
            stale.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if args.check else 'updated'}: {path.relative_to(ROOT)}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
