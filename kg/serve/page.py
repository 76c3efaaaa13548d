"""The query page: an HTML template and its script and style, package files in assets/."""
from __future__ import annotations

import html
from functools import lru_cache
from importlib.resources import files
from string import Template

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
STATIC = {"/static/kg-serve.js": ("page.js", "text/javascript; charset=utf-8"),
          "/static/kg-serve.css": ("page.css", "text/css; charset=utf-8")}


@lru_cache(maxsize=None)
def asset(name: str) -> bytes:
    return files("kg.serve").joinpath("assets", name).read_bytes()


def render_page(queries: dict[str, dict[str, str]], triples: int | None = None) -> str:
    """The HTML page: a query box, a results area under it, the saved queries (every text escaped)."""
    e = html.escape
    items, hidden = [], []
    for i, (name, q) in enumerate(queries.items()):
        items.append(f'<li><button type="button" data-rq="rq-{i}">{e(q["title"])}</button> '
                     f'<code>{e(name)}</code> <span class="desc">{e(q["description"])}</span></li>')
        hidden.append(f'<textarea id="rq-{i}" hidden readonly>{e(q["sparql"])}</textarea>')
    first = next(iter(queries.values()))["sparql"] if queries else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    size = f" ({triples:,} triples)" if triples is not None else ""
    return Template(asset("page.html").decode("utf-8")).substitute(
        size=e(size), first=e(first), items="\n".join(items), hidden="\n".join(hidden))
