"""Render and write the page: the HTML template, CSS and scripts of kg/view/assets/ with the
vis-network build that ships inside pyvis, all inlined into one file."""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

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


def json_for_html(obj: Any) -> str:
    """JSON safe to place inside a <script type="application/json"> element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_page(data: dict, title: str) -> str:
    template, css, js = page_assets()
    vis_js, vis_css = vis_assets()
    data = dict(data)
    abstracts = data.pop("abstracts", [])
    parts = {"TITLE": html.escape(str(title), quote=True), "VIS_CSS": vis_css, "PAGE_CSS": css,
             "DATA": json_for_html(data), "ABSTRACTS": json_for_html(abstracts), "VIS_JS": vis_js, "PAGE_JS": js}
    # One pass over the template: substituted text is never scanned again, so data or a
    # title containing "%%DATA%%" stays literal.
    return re.sub(r"%%([A-Z_]+)%%", lambda m: parts[m.group(1)], template)
