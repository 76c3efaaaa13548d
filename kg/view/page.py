"""Render and write the page: the HTML template, CSS and scripts of kg/view/assets/ with the
vis-network build that ships inside pyvis, all inlined into one file."""
from __future__ import annotations

import html
import io
import json
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator, TextIO

_VIS_VERSION = "vis-9.1.2"
# The page's scripts, in the order they run; they share one function scope.
SCRIPTS = ("util.js", "labels.js", "focus_layout.js", "state.js", "panel.js", "controls.js", "main.js")


def _asset(name: str) -> str:
    return files("kg.view").joinpath("assets", name).read_text("utf-8")


def _inline_js(text: str) -> str:
    """An inline <script> ends at the first "</script"; make sure code cannot close it early."""
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """(js, css) of the vis-network build shipped with pyvis."""
    import pyvis

    base = Path(pyvis.__file__).resolve().parent
    for lib in (base / "templates" / "lib" / _VIS_VERSION, base / "lib" / _VIS_VERSION):
        js, css = lib / "vis-network.min.js", lib / "vis-network.css"
        if js.is_file() and css.is_file():
            return _inline_js(js.read_text("utf-8")), css.read_text("utf-8").replace("</style", "<\\/style")
    raise FileNotFoundError(f"vis-network assets not found under {base}")  # pragma: no cover


@lru_cache(maxsize=1)
def page_assets() -> tuple[str, str, str]:
    """(template, css, js) of the page itself."""
    script = "\n".join(f"// ---- {name}\n{_asset(name)}" for name in SCRIPTS)
    js = '(function () {\n"use strict";\n' + script + "\n})();\n"
    return _asset("page.html"), _asset("page.css"), _inline_js(js)


def _escape(text: str) -> str:
    # single characters only, so escaping pieces of a JSON text one by one gives the same bytes
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def json_for_html(obj: Any) -> str:
    """JSON safe to place inside a <script type="application/json"> element."""
    return _escape(_dumps(obj))


CHUNK = 2000  # list items per json.dumps call when a page is written as a stream


def _json_pieces(obj: Any) -> Iterator[str]:
    """json_for_html(obj) in pieces: a big page's JSON (hundreds of MB at 100k papers) is never
    one string, nor escaped as one; a dict with string keys and a long list are split, the rest
    is dumped whole. The pieces join to exactly json_for_html(obj)."""
    if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
        yield "{"
        for i, (k, v) in enumerate(obj.items()):
            yield ("," if i else "") + json_for_html(k) + ":"
            yield from _json_pieces(v)
        yield "}"
    elif hasattr(obj, "chunks") or isinstance(obj, list) and len(obj) > CHUNK:
        # a list made as it is written (pagedata.StatementRows) gives its own chunks
        chunks = obj.chunks(CHUNK) if hasattr(obj, "chunks") else (obj[i:i + CHUNK] for i in range(0, len(obj), CHUNK))
        yield "["
        for i, chunk in enumerate(chunks):
            yield ("," if i else "") + json_for_html(chunk)[1:-1]
        yield "]"
    else:
        yield json_for_html(obj)


def write_page(fh: TextIO, data: dict, title: str) -> None:
    """Write the page for `data` to the text file `fh`, piece by piece (render_page's text)."""
    template, css, js = page_assets()
    vis_js, vis_css = vis_assets()
    data = dict(data)
    abstracts = data.pop("abstracts", [])
    parts = {"TITLE": lambda: [html.escape(str(title), quote=True)], "VIS_CSS": lambda: [vis_css],
             "PAGE_CSS": lambda: [css], "DATA": lambda: _json_pieces(data),
             "ABSTRACTS": lambda: _json_pieces(abstracts), "VIS_JS": lambda: [vis_js], "PAGE_JS": lambda: [js]}
    # One pass over the template: substituted text is never scanned again, so data or a
    # title containing "%%DATA%%" stays literal.
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        fh.write(template[pos:m.start()])
        for piece in parts[m.group(1)]():
            fh.write(piece)
        pos = m.end()
    fh.write(template[pos:])


_PLACEHOLDER = re.compile(r"%%([A-Z_]+)%%")


def render_page(data: dict, title: str) -> str:
    buf = io.StringIO()
    write_page(buf, data, title)
    return buf.getvalue()
