"""Interactive, self-contained HTML view of the knowledge graph.

`write_html(G, path)` writes one HTML page that draws the graph with vis-network
(the copy shipped inside the pyvis package, inlined, so the page makes no request
of its own) plus a little plain JavaScript: search, type/predicate filters, a
"max nodes" limit and a side panel showing evidence sentences.

Security model: every string read from the graph is data. It travels inside a
`<script type="application/json">` block whose `<`, `>`, `&`, U+2028 and U+2029 are
escaped, and the page's script renders it with `textContent`/`createTextNode`
only; links are built with DOM APIs and only for http(s) URLs; tooltips are DOM
elements. A Content-Security-Policy forbids every fetch, so a mistake elsewhere
still cannot make the page load anything.

pyvis is used for its vis-network assets only: `Network.from_nx`/`add_edge` is
quadratic and its templates link CDNs and write `heading` unescaped.
"""
from __future__ import annotations

import html
import json
import os
import re
from collections import Counter, defaultdict, deque
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

from kg.io import atomic_open

from kg.schema import ENTITY_TYPES, NODE_TYPES, OTHER_COLOUR, PREDICATES, TYPE_COLOURS

TYPE_COLORS = {**TYPE_COLOURS, "Other": OTHER_COLOUR}

_VIS_VERSION = "vis-9.1.2"


# --------------------------------------------------------------------------- assets

@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """(js, css) of the vis-network build shipped with pyvis."""
    import pyvis

    base = Path(pyvis.__file__).resolve().parent
    for lib in (base / "templates" / "lib" / _VIS_VERSION, base / "lib" / _VIS_VERSION):
        js, css = lib / "vis-network.min.js", lib / "vis-network.css"
        if js.is_file() and css.is_file():
            js_text, css_text = js.read_text("utf-8"), css.read_text("utf-8")
            break
    else:  # pragma: no cover - depends on the installed pyvis
        raise FileNotFoundError(f"vis-network assets not found under {base}")
    # Inline <script>/<style> end at the first "</script"/"</style"; make sure
    # the assets cannot close their own element early.
    js_text = js_text.replace("</script", "<\\/script").replace("<!--", "<\\!--")
    css_text = css_text.replace("</style", "<\\/style")
    return js_text, css_text


# --------------------------------------------------------------------------- helpers

def _json_for_html(obj: Any) -> str:
    """JSON safe to place inside a <script type="application/json"> element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [str(v) for v in value if v is not None]
    except TypeError:
        return [str(value)]


def _ntype(G: nx.MultiDiGraph, n: Any) -> str:
    t = G.nodes[n].get("type")
    return t if t in NODE_TYPES else "Other"


def _label(G: nx.MultiDiGraph, n: Any) -> str:
    d = G.nodes[n]
    return str(d.get("label") or d.get("title") or n)


def _paper_counts(G: nx.MultiDiGraph) -> dict[Any, int]:
    """Number of distinct papers each node is connected to (papers count themselves)."""
    papers: dict[Any, set] = defaultdict(set)
    for u, v, d in G.edges(data=True):
        p = d.get("paper")
        for x, other in ((u, v), (v, u)):
            if _ntype(G, x) == "Paper":
                continue
            if p is not None:
                papers[x].add(p)
            if _ntype(G, other) == "Paper":
                papers[x].add(other)
    return {n: (1 if _ntype(G, n) == "Paper" else len(papers.get(n, ()))) for n in G.nodes}


def _undirected_neighbours(G: nx.MultiDiGraph, n: Any, allowed: set) -> set:
    out = {m for m in G.successors(n) if m in allowed}
    out.update(m for m in G.predecessors(n) if m in allowed)
    out.discard(n)
    return out


def resolve_node(G: nx.MultiDiGraph, name: str) -> Any:
    """Find a node by id, label or alias (case-insensitive); entities win over papers,
    labels over aliases, then the best-connected node."""
    if name in G:
        return name
    key = str(name).casefold().strip()
    counts = None
    best: list[tuple] = []
    for n, d in G.nodes(data=True):
        label = str(d.get("label") or d.get("title") or "").casefold().strip()
        if label == key:
            rank = 0
        elif any(str(a).casefold().strip() == key for a in _str_list(d.get("aliases"))):
            rank = 1
        else:
            continue
        best.append((rank, _ntype(G, n) == "Paper", n))
    if not best:
        raise ValueError(f"no node with id, label or alias {name!r}")
    if len(best) > 1:
        counts = _paper_counts(G)
    best.sort(key=lambda t: (t[0], t[1], -(counts or {}).get(t[2], 0), str(t[2])))
    return best[0][2]


# --------------------------------------------------------------------------- selection

def _candidates(G: nx.MultiDiGraph, types: Iterable[str] | str | None) -> set:
    if types is None:
        return set(G.nodes)
    wanted = {types} if isinstance(types, str) else set(types)
    unknown = wanted - set(NODE_TYPES)
    if unknown:
        raise ValueError(f"unknown node type(s) {sorted(unknown)}; known: {list(NODE_TYPES)}")
    wanted.add("Paper")  # papers are the hubs; `types` restricts entity types
    return {n for n in G.nodes if _ntype(G, n) in wanted}


def _select_focus(G, focus_node, hops: int, allowed: set, counts: dict, max_nodes: int | None) -> list:
    allowed = allowed | {focus_node}
    dist = {focus_node: 0}
    queue = deque([focus_node])
    while queue:
        n = queue.popleft()
        if dist[n] >= hops:
            continue
        for m in _undirected_neighbours(G, n, allowed):
            if m not in dist:
                dist[m] = dist[n] + 1
                queue.append(m)
    order = sorted(dist, key=lambda n: (dist[n], -counts.get(n, 0), str(n)))
    return order[:max_nodes] if max_nodes else order


def _select_top(G, allowed: set, counts: dict, max_nodes: int) -> list:
    """The most connected entities and their papers, at most `max_nodes` nodes."""
    entities = sorted(
        (n for n in allowed if _ntype(G, n) != "Paper"),
        key=lambda n: (-counts.get(n, 0), str(n)),
    )
    degree = {n: G.degree(n) for n in allowed}
    chosen: dict[Any, None] = {}

    def papers_of(e):
        return [m for m in _undirected_neighbours(G, e, allowed) if _ntype(G, m) == "Paper"]

    # Phase 1: a third of the budget for the best-connected entities.
    n_ent = min(len(entities), max(1, max_nodes // 3))
    for e in entities[:n_ent]:
        chosen[e] = None
    # Phase 2: their papers, those linking most of the chosen entities first.
    score: Counter = Counter()
    for e in entities[:n_ent]:
        for p in papers_of(e):
            score[p] += 1
    for p in sorted(score, key=lambda p: (-score[p], -degree.get(p, 0), str(p))):
        if len(chosen) >= max_nodes:
            break
        chosen[p] = None
    # Phase 3: budget left (few papers): further entities, each with its papers.
    for e in entities[n_ent:]:
        if len(chosen) >= max_nodes:
            break
        chosen[e] = None
        for p in sorted(papers_of(e), key=lambda p: (-degree.get(p, 0), str(p))):
            if len(chosen) >= max_nodes:
                break
            chosen.setdefault(p, None)
    # Still room (graph of papers without entities): best-connected remaining nodes.
    if len(chosen) < max_nodes:
        rest = sorted((n for n in allowed if n not in chosen), key=lambda n: (-degree.get(n, 0), str(n)))
        for n in rest[: max_nodes - len(chosen)]:
            chosen[n] = None
    return list(chosen)


def select_nodes(
    G: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    hops: int = 1,
    types: Iterable[str] | str | None = None,
    max_nodes: int | None = 1500,
) -> list:
    """The nodes `write_html` draws, in a deterministic order."""
    return _select(G, _paper_counts(G), focus=focus, hops=hops, types=types, max_nodes=max_nodes)


def _select(G, counts, *, focus, hops, types, max_nodes) -> list:
    if max_nodes is not None and max_nodes < 1:
        raise ValueError("max_nodes must be >= 1 (or None for no limit)")
    if hops < 0:
        raise ValueError("hops must be >= 0")
    allowed = _candidates(G, types)
    if focus is not None:
        return _select_focus(G, resolve_node(G, focus), hops, allowed, counts, max_nodes)
    if max_nodes is None or len(allowed) <= max_nodes:
        return sorted(allowed, key=str)
    return _select_top(G, allowed, counts, max_nodes)


# --------------------------------------------------------------------------- page data

def _node_record(G, n, counts) -> dict:
    d = G.nodes[n]
    t = _ntype(G, n)
    rec = {
        "id": str(n),
        "type": t,
        "label": _label(G, n),
        "aliases": _str_list(d.get("aliases")),
        "papers": counts.get(n, 0),
    }
    if t == "Paper":
        rec.update(
            title=str(d.get("title") or d.get("label") or n),
            date=None if d.get("date") is None else str(d.get("date")),
            sources=_str_list(d.get("sources")),
            urls=_str_list(d.get("urls")),
            code=_str_list(d.get("code")),
            authors=_str_list(d.get("authors")),
        )
    return rec


def _page_data(G, nodes: list, counts: dict, title: str) -> dict:
    keep = set(nodes)
    groups: dict[tuple, list] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        if u in keep and v in keep:
            groups.setdefault((u, v, str(d.get("predicate", "related"))), []).append((k, d))
    edges, ref_papers = [], set()
    for (u, v, p), stmts in sorted(groups.items(), key=lambda item: (str(item[0][0]), str(item[0][1]), item[0][2])):
        out = []
        for k, d in sorted(stmts, key=lambda kd: str(kd[0])):
            paper = d.get("paper")
            if paper is not None and paper not in keep and paper in G:
                ref_papers.add(paper)
            conf = d.get("confidence")
            out.append({
                "key": str(k),
                "paper": None if paper is None else str(paper),
                "evidence": "" if d.get("evidence") is None else str(d.get("evidence")),
                "confidence": float(conf) if isinstance(conf, (int, float)) and conf == conf else None,
                "rule": None if d.get("rule") is None else str(d.get("rule")),
            })
        edges.append({"from": str(u), "to": str(v), "predicate": p, "statements": out})
    n_nodes = len(nodes)
    big = n_nodes > 600
    # Stabilisation cost is iterations x Barnes-Hut; coarser and shorter for big views.
    iterations, theta = (300, 0.5) if n_nodes <= 300 else (200, 0.8) if n_nodes <= 1000 else (120, 1.0)
    options = {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 12, "face": "sans-serif", "color": "#222"},
            # Labels grow with a node's papers; below drawThreshold px (at the current zoom) they are
            # not drawn. On big views the hubs' labels get large enough to read in the overview
            # while small nodes stay unlabelled until zoomed in (maxVisible caps them then).
            "scaling": {"min": 6, "max": 44 if n_nodes > 300 else 36,
                        "label": {"enabled": True, "min": 10, "max": 64 if n_nodes > 300 else 22,
                                  "maxVisible": 26, "drawThreshold": 6}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": False,
            "color": {"color": "#b8c0cc", "highlight": "#333333", "hover": "#555555", "inherit": False},
            "font": {"size": 9, "align": "middle", "color": "#555555", "strokeWidth": 2},
            "selectionWidth": 1.5,
        },
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "theta": theta,
                "gravitationalConstant": -4000 if big else -3000,
                "centralGravity": 0.3,
                "springLength": 110,
                "springConstant": 0.04,
                "damping": 0.4,
                "avoidOverlap": 0,
            },
            "minVelocity": 1.0,
            "timestep": 0.5,
            "stabilization": {
                "enabled": True,
                "iterations": iterations,
                "updateInterval": 25,
                "fit": True,
            },
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "keyboard": False,
            "multiselect": False,
        },
        "layout": {"improvedLayout": n_nodes <= 150, "randomSeed": 7},
    }
    return {
        "title": title,
        "base_iri": str(G.graph.get("base_iri", "https://w3id.org/mlkg/id/")),
        "colors": TYPE_COLORS,
        "types": list(NODE_TYPES),
        "predicates": list(PREDICATES),
        "total": {"nodes": G.number_of_nodes(), "statements": G.number_of_edges()},
        "nodes": [_node_record(G, n, counts) for n in nodes],
        "edges": edges,
        "refs": {str(p): str(G.nodes[p].get("title") or G.nodes[p].get("label") or p) for p in sorted(ref_papers, key=str)},
        "options": options,
    }


# --------------------------------------------------------------------------- public API

def write_html(
    G: nx.MultiDiGraph,
    path: str | os.PathLike,
    *,
    focus: str | None = None,
    hops: int = 1,
    types: Iterable[str] | str | None = None,
    max_nodes: int | None = 1500,
    title: str = "Paper knowledge graph",
) -> dict:
    """Write a self-contained interactive HTML view of `G` to `path`.

    focus: id, label or alias of a node; draw its neighbourhood within `hops`.
    types: entity types to keep (papers are always kept).
    max_nodes: upper bound on drawn nodes; above it the most connected entities
      and their papers are drawn (None: no bound).

    Returns counts: nodes and edges drawn (parallel statements for one
    (subject, predicate, object) collapse into one edge), statements carried,
    the graph's totals and whether the view is a subset.
    """
    counts = _paper_counts(G)
    nodes = _select(G, counts, focus=focus, hops=hops, types=types, max_nodes=max_nodes)
    data = _page_data(G, nodes, counts, title)
    page = render_page(data, title)
    with atomic_open(path, "w") as fh:
        fh.write(page)
    return {
        "nodes": len(data["nodes"]),
        "edges": len(data["edges"]),
        "statements": sum(len(e["statements"]) for e in data["edges"]),
        "total_nodes": G.number_of_nodes(),
        "total_statements": G.number_of_edges(),
        "truncated": len(data["nodes"]) < G.number_of_nodes(),
    }


def render_page(data: dict, title: str) -> str:
    js, css = _vis_assets()
    parts = {
        "TITLE": html.escape(str(title), quote=True),
        "VIS_CSS": css,
        "PAGE_CSS": _PAGE_CSS,
        "DATA": _json_for_html(data),
        "VIS_JS": js,
        "PAGE_JS": _PAGE_JS,
    }
    # One pass over the template: substituted text is never scanned again, so
    # data or a title containing "%%DATA%%" stays literal.
    return re.sub(r"%%([A-Z_]+)%%", lambda m: parts[m.group(1)], _TEMPLATE)


# --------------------------------------------------------------------------- page

_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
)

_TEMPLATE = (
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content=\""""
    + _CSP
    + """\">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%%TITLE%%</title>
<style>%%VIS_CSS%%</style>
<style>%%PAGE_CSS%%</style>
</head>
<body>
<header id="kg-bar">
  <h1 id="kg-title">%%TITLE%%</h1>
  <div id="kg-search-box">
    <input id="kg-search" type="search" placeholder="Find a node by name or alias" autocomplete="off" aria-label="Search nodes">
    <ul id="kg-results" hidden></ul>
  </div>
  <label id="kg-max-label">max nodes <input id="kg-max" type="number" min="1" step="1"></label>
  <span id="kg-status" role="status">Loading…</span>
</header>
<div id="kg-main">
  <aside id="kg-filters">
    <section><h2>Types</h2><div id="kg-types"></div></section>
    <section><h2>Relations</h2><div id="kg-preds"></div></section>
  </aside>
  <div id="kg-network"></div>
  <aside id="kg-panel" hidden>
    <button id="kg-close" type="button" aria-label="Close panel">×</button>
    <div id="kg-panel-body"></div>
  </aside>
</div>
<script id="kg-data" type="application/json">%%DATA%%</script>
<script>%%VIS_JS%%</script>
<script>%%PAGE_JS%%</script>
</body>
</html>
"""
)

_PAGE_CSS = r"""
html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
#kg-bar { display: flex; align-items: center; gap: 12px; padding: 6px 12px; border-bottom: 1px solid #ddd; background: #f7f8fa; flex-wrap: wrap; }
#kg-title { font-size: 16px; margin: 0; font-weight: 600; }
#kg-search-box { position: relative; }
#kg-search { width: 280px; padding: 4px 6px; }
#kg-results { position: absolute; z-index: 20; top: 100%; left: 0; width: 380px; max-height: 320px; overflow: auto; margin: 2px 0 0; padding: 0; list-style: none; background: #fff; border: 1px solid #ccc; box-shadow: 0 2px 8px rgba(0,0,0,.15); }
#kg-results li { padding: 4px 8px; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#kg-results li:hover, #kg-results li.active { background: #e8eef8; }
#kg-max { width: 70px; }
#kg-status { color: #555; margin-left: auto; }
#kg-main { flex: 1; display: flex; min-height: 0; }
#kg-filters { width: 170px; padding: 8px 10px; border-right: 1px solid #ddd; overflow: auto; background: #fbfbfc; }
#kg-filters h2, #kg-panel h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #666; margin: 8px 0 4px; }
#kg-filters label { display: flex; align-items: center; gap: 6px; margin: 3px 0; cursor: pointer; }
.kg-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%; border: 1px solid rgba(0,0,0,.25); }
.kg-count { color: #888; font-size: 12px; }
#kg-network { flex: 1; min-width: 0; position: relative; }
#kg-panel { width: 380px; border-left: 1px solid #ddd; padding: 8px 12px; overflow: auto; position: relative; background: #fff; }
#kg-panel[hidden], #kg-results[hidden] { display: none; }
#kg-close { position: absolute; right: 8px; top: 6px; border: none; background: none; font-size: 20px; cursor: pointer; }
#kg-panel h2 { font-size: 16px; margin: 4px 24px 4px 0; word-wrap: break-word; }
.kg-type { display: inline-block; padding: 1px 6px; border-radius: 8px; color: #fff; font-size: 12px; }
.kg-kv { margin: 2px 0; word-wrap: break-word; }
.kg-kv b { color: #555; font-weight: 600; }
.kg-rel { margin: 8px 0; }
.kg-rel-head { font-weight: 600; }
.kg-evidence { margin: 4px 0 4px 8px; padding: 4px 8px; border-left: 3px solid #c9d3e3; background: #f6f8fb; }
.kg-evidence .kg-from { display: block; color: #666; font-size: 12px; margin-top: 2px; }
.kg-node-link { color: #1a56b0; cursor: pointer; text-decoration: underline; }
.kg-more { display: block; margin: 4px 0 4px 8px; font-size: 12px; }
#kg-panel ul { margin: 2px 0; padding-left: 18px; }
#kg-panel a { word-break: break-all; }
.vis-tooltip { max-width: 360px; white-space: normal !important; font: 12px/1.35 system-ui, sans-serif !important; }
.kg-tip-type { font-weight: 600; }
"""

_PAGE_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var api = window.kgView = { ready: false, timings: { start: performance.now() } };
  var byId = new Map(), incident = new Map(), degree = new Map();
  var i;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function shorten(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }
  function colorOf(t) { return DATA.colors[t] || DATA.colors.Other; }
  function safeLink(url) {
    var u = null;
    try { u = new URL(String(url)); } catch (e) { u = null; }
    if (u && (u.protocol === "http:" || u.protocol === "https:")) {
      var a = el("a", url);
      a.href = u.href; a.target = "_blank"; a.rel = "noopener noreferrer";
      return a;
    }
    return el("span", url);
  }

  DATA.nodes.forEach(function (n) { byId.set(n.id, n); incident.set(n.id, []); degree.set(n.id, 0); });
  DATA.edges.forEach(function (e, k) {
    e.vid = "e" + k;
    incident.get(e.from).push(e); degree.set(e.from, degree.get(e.from) + 1);
    if (e.to !== e.from) { incident.get(e.to).push(e); degree.set(e.to, degree.get(e.to) + 1); }
  });

  // ---- vis data
  function nodeTip(n) {
    var d = el("div");
    d.appendChild(el("div", n.type, "kg-tip-type"));
    d.appendChild(el("div", n.label));
    if (n.aliases.length) d.appendChild(el("div", "aliases: " + n.aliases.join(", ")));
    if (n.type !== "Paper") d.appendChild(el("div", "papers: " + n.papers));
    else if (n.date) d.appendChild(el("div", "date: " + n.date));
    return d;
  }
  function edgeTip(e) {
    var d = el("div");
    d.appendChild(el("div", e.predicate + " (" + e.statements.length + " statement" + (e.statements.length === 1 ? "" : "s") + ")", "kg-tip-type"));
    if (e.statements.length && e.statements[0].evidence) d.appendChild(el("div", shorten(e.statements[0].evidence, 300)));
    return d;
  }
  var visNodes = DATA.nodes.map(function (n) {
    var paper = n.type === "Paper";
    return {
      id: n.id, label: shorten(n.label, paper ? 40 : 32), title: nodeTip(n),
      shape: paper ? "square" : "dot", value: paper ? 1 : Math.max(1, n.papers),
      // heavier hubs repel more, so the best-connected entities spread apart instead of piling up
      mass: paper ? 1 : 1 + Math.min(8, Math.sqrt(Math.max(0, n.papers - 1))),
      color: { background: colorOf(n.type), border: "#555555", highlight: { background: colorOf(n.type), border: "#000000" } },
      hidden: false
    };
  });
  // Edge labels cost a text stroke per edge per frame (vis culls nodes, not edges):
  // on big views only the selected node's edges are labelled.
  var EDGE_LABELS = DATA.edges.length <= 1500;
  var labelled = [];
  function labelEdgesOf(id) {
    if (EDGE_LABELS) return;
    var upd = labelled.map(function (vid) { return { id: vid, label: " " }; });  // vis keeps a label set to null/undefined
    labelled = [];
    (id && incident.get(id) || []).forEach(function (e) { labelled.push(e.vid); upd.push({ id: e.vid, label: e.predicate }); });
    if (upd.length) edgesDS.update(upd);
  }
  var pairCount = new Map();
  var visEdges = DATA.edges.map(function (e) {
    var key = e.from < e.to ? e.from + "\u0000" + e.to : e.to + "\u0000" + e.from;
    var k = pairCount.get(key) || 0; pairCount.set(key, k + 1);
    var ve = { id: e.vid, from: e.from, to: e.to, label: EDGE_LABELS ? e.predicate : undefined, title: edgeTip(e),
               width: 1 + Math.log2(e.statements.length || 1), hidden: false };
    if (k > 0) ve.smooth = { enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.2 * Math.ceil(k / 2) };
    return ve;
  });
  var nodesDS = new vis.DataSet(visNodes), edgesDS = new vis.DataSet(visEdges);
  var container = document.getElementById("kg-network");
  var status = document.getElementById("kg-status");
  api.timings.data = performance.now();
  var network = new vis.Network(container, { nodes: nodesDS, edges: edgesDS }, DATA.options);
  api.network = network;
  api.timings.network = performance.now();

  function markReady() {
    if (api.ready) return;
    network.setOptions({ physics: false });
    api.timings.ready = performance.now();
    api.ready = true;
    document.body.setAttribute("data-ready", "1");
    updateStatus();
  }
  network.on("stabilizationProgress", function (p) {
    status.textContent = "Laying out " + DATA.nodes.length + " nodes\u2026 " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", markReady);
  network.once("stabilized", markReady);
  if (!DATA.nodes.length) setTimeout(markReady, 0);

  // ---- filters
  var typeVisible = {}, predVisible = {}, maxNodes = DATA.nodes.length;
  var nodeHidden = new Map(), edgeHidden = new Map();
  DATA.nodes.forEach(function (n) { nodeHidden.set(n.id, false); });
  DATA.edges.forEach(function (e) { edgeHidden.set(e.vid, false); });
  DATA.types.concat(["Other"]).forEach(function (t) { typeVisible[t] = true; });
  DATA.predicates.forEach(function (p) { predVisible[p] = true; });
  DATA.edges.forEach(function (e) { if (!(e.predicate in predVisible)) predVisible[e.predicate] = true; });
  var ranked = DATA.nodes.map(function (n) { return n.id; }).sort(function (a, b) {
    return (degree.get(b) - degree.get(a)) || (byId.get(b).papers - byId.get(a).papers) || (a < b ? -1 : a > b ? 1 : 0);
  });

  function applyFilters() {
    var shown = new Set(), nu = [], eu = [];
    for (var k = 0; k < ranked.length && shown.size < maxNodes; k++) {
      if (typeVisible[byId.get(ranked[k]).type] !== false) shown.add(ranked[k]);
    }
    DATA.nodes.forEach(function (n) {
      var h = !shown.has(n.id);
      if (nodeHidden.get(n.id) !== h) { nodeHidden.set(n.id, h); nu.push({ id: n.id, hidden: h }); }
    });
    DATA.edges.forEach(function (e) {
      var h = !predVisible[e.predicate] || !shown.has(e.from) || !shown.has(e.to);
      if (edgeHidden.get(e.vid) !== h) { edgeHidden.set(e.vid, h); eu.push({ id: e.vid, hidden: h }); }
    });
    if (nu.length) nodesDS.update(nu);
    if (eu.length) edgesDS.update(eu);
    updateStatus();
  }
  function visibleNodeCount() { var c = 0; nodeHidden.forEach(function (h) { if (!h) c++; }); return c; }
  function visibleEdgeCount() { var c = 0; edgeHidden.forEach(function (h) { if (!h) c++; }); return c; }
  function updateStatus() {
    var s = visibleNodeCount() + " of " + DATA.nodes.length + " nodes, " + visibleEdgeCount() + " edges shown";
    if (DATA.nodes.length < DATA.total.nodes) s += " (graph has " + DATA.total.nodes + " nodes)";
    if (!api.ready) s += " \u2014 laying out\u2026";
    status.textContent = s;
  }

  function checkbox(parent, text, color, count, checked, onchange) {
    var lab = el("label");
    var cb = el("input"); cb.type = "checkbox"; cb.checked = checked;
    cb.addEventListener("change", function () { onchange(cb.checked); });
    lab.appendChild(cb);
    if (color) { var sw = el("span", null, "kg-swatch"); sw.style.background = color; lab.appendChild(sw); }
    lab.appendChild(el("span", text));
    lab.appendChild(el("span", "(" + count + ")", "kg-count"));
    parent.appendChild(lab);
    return cb;
  }
  var typeCounts = {}, predCounts = {}, typeBoxes = {}, predBoxes = {};
  DATA.nodes.forEach(function (n) { typeCounts[n.type] = (typeCounts[n.type] || 0) + 1; });
  DATA.edges.forEach(function (e) { predCounts[e.predicate] = (predCounts[e.predicate] || 0) + 1; });
  var typesDiv = document.getElementById("kg-types"), predsDiv = document.getElementById("kg-preds");
  DATA.types.concat(["Other"]).forEach(function (t) {
    if (t === "Other" && !typeCounts[t]) return;
    typeBoxes[t] = checkbox(typesDiv, t, colorOf(t), typeCounts[t] || 0, true, function (v) { api.setTypeVisible(t, v); });
  });
  Object.keys(predVisible).forEach(function (p) {
    predBoxes[p] = checkbox(predsDiv, p, null, predCounts[p] || 0, true, function (v) { api.setPredicateVisible(p, v); });
  });
  var maxInput = document.getElementById("kg-max");
  maxInput.value = String(maxNodes); maxInput.max = String(Math.max(1, DATA.nodes.length));
  maxInput.addEventListener("change", function () { api.setMaxNodes(parseInt(maxInput.value, 10)); });

  // ---- side panel
  var panel = document.getElementById("kg-panel"), body = document.getElementById("kg-panel-body");
  var selected = null;
  document.getElementById("kg-close").addEventListener("click", function () { panel.hidden = true; network.unselectAll(); selected = null; labelEdgesOf(null); });

  function nodeLink(id) {
    var n = byId.get(id);
    if (!n) return el("span", (DATA.refs && DATA.refs[id]) || id);
    var b = el("span", n.type === "Paper" ? n.title : n.label, "kg-node-link");
    b.setAttribute("role", "link"); b.tabIndex = 0;
    b.addEventListener("click", function () { api.select(id); });
    b.addEventListener("keydown", function (ev) { if (ev.key === "Enter") api.select(id); });
    return b;
  }
  function kv(parent, key, value) {
    var d = el("div", null, "kg-kv"); d.appendChild(el("b", key + ": ")); d.appendChild(typeof value === "string" ? document.createTextNode(value) : value);
    parent.appendChild(d);
  }
  function linkList(parent, key, urls) {
    if (!urls || !urls.length) return;
    parent.appendChild(el("h3", key));
    var ul = el("ul");
    urls.forEach(function (u) { var li = el("li"); li.appendChild(safeLink(u)); ul.appendChild(li); });
    parent.appendChild(ul);
  }
  function statementBlock(s) {
    var q = el("div", null, "kg-evidence");
    q.appendChild(el("span", s.evidence || "(no evidence sentence)", "kg-sentence"));
    var from = el("span", null, "kg-from");
    if (s.paper) { from.appendChild(document.createTextNode("\u2014 ")); from.appendChild(nodeLink(s.paper)); }
    if (typeof s.confidence === "number") from.appendChild(document.createTextNode(" (confidence " + s.confidence.toFixed(2) + ")"));
    q.appendChild(from);
    return q;
  }
  function relationBlock(e, id) {
    var d = el("div", null, "kg-rel");
    var head = el("div", null, "kg-rel-head");
    var out = e.from === id;
    head.appendChild(document.createTextNode(out ? e.predicate + " \u2192 " : "\u2190 " + e.predicate + " \u2014 "));
    head.appendChild(nodeLink(out ? e.to : e.from));
    d.appendChild(head);
    appendCapped(d, e.statements, statementBlock, 10, "statements");
    return d;
  }
  // Append render(item) for the first `cap` items, and a button revealing the rest.
  function appendCapped(parent, items, render, cap, what) {
    items.slice(0, cap).forEach(function (x) { parent.appendChild(render(x)); });
    if (items.length > cap) {
      var more = el("span", "Show all " + items.length + " " + what, "kg-node-link kg-more");
      more.setAttribute("role", "button"); more.tabIndex = 0;
      more.addEventListener("click", function () {
        var frag = document.createDocumentFragment();
        items.slice(cap).forEach(function (x) { frag.appendChild(render(x)); });
        parent.replaceChild(frag, more);
      });
      parent.appendChild(more);
    }
  }
  function showNode(id) {
    var n = byId.get(id);
    if (!n) return;
    selected = id;
    labelEdgesOf(id);
    body.replaceChildren();
    var badge = el("span", n.type, "kg-type"); badge.style.background = colorOf(n.type);
    body.appendChild(badge);
    body.appendChild(el("h2", n.type === "Paper" ? n.title : n.label));
    if (n.aliases.length) kv(body, "Aliases", n.aliases.join(", "));
    kv(body, "IRI", safeLink(DATA.base_iri + n.id));
    var rels = incident.get(id) || [];
    if (n.type === "Paper") {
      if (n.date) kv(body, "Date", n.date);
      if (n.authors.length) kv(body, "Authors", n.authors.join(", "));
      if (n.sources.length) { body.appendChild(el("h3", "Sources")); var ul = el("ul"); n.sources.forEach(function (s) { ul.appendChild(el("li", s)); }); body.appendChild(ul); }
      linkList(body, "URLs", n.urls);
      linkList(body, "Code", n.code);
    } else {
      var papers = [], seen = new Set();
      rels.forEach(function (e) {
        var other = e.from === id ? e.to : e.from;
        if (byId.has(other) && byId.get(other).type === "Paper" && !seen.has(other)) { seen.add(other); papers.push(other); }
        e.statements.forEach(function (s) { if (s.paper && !seen.has(s.paper)) { seen.add(s.paper); papers.push(s.paper); } });
      });
      kv(body, "Papers", n.papers + (papers.length < n.papers ? " (" + papers.length + " in this view)" : ""));
      if (papers.length) {
        body.appendChild(el("h3", "Papers"));
        var pl = el("ul");
        appendCapped(pl, papers, function (p) { var li = el("li"); li.appendChild(nodeLink(p)); return li; }, 50, "papers");
        body.appendChild(pl);
      }
    }
    if (rels.length) {
      body.appendChild(el("h3", "Relations (" + rels.length + ")"));
      appendCapped(body, rels, function (e) { return relationBlock(e, id); }, 100, "relations");
    }
    panel.hidden = false;
    panel.scrollTop = 0;
  }
  function showEdge(vid) {
    var e = DATA.edges[parseInt(String(vid).slice(1), 10)];
    if (!e) return;
    selected = null; labelEdgesOf(null);
    body.replaceChildren();
    body.appendChild(el("span", "Relation", "kg-type")).style.background = "#666";
    var h = el("h2");
    h.appendChild(nodeLink(e.from)); h.appendChild(document.createTextNode(" " + e.predicate + " ")); h.appendChild(nodeLink(e.to));
    body.appendChild(h);
    body.appendChild(el("h3", "Evidence (" + e.statements.length + ")"));
    appendCapped(body, e.statements, statementBlock, 100, "statements");
    panel.hidden = false;
  }
  network.on("click", function (p) {
    if (p.nodes && p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges && p.edges.length) showEdge(p.edges[0]);
    else { selected = null; labelEdgesOf(null); }
  });

  // ---- search
  var names = DATA.nodes.map(function (n) {
    return { id: n.id, label: String(n.label).toLowerCase(), aliases: n.aliases.map(function (a) { return String(a).toLowerCase(); }) };
  });
  function matches(text, limit) {
    var q = String(text || "").trim().toLowerCase();
    if (!q) return [];
    var hits = [];
    names.forEach(function (nm) {
      var best = 9;
      if (nm.label === q) best = 0; else if (nm.label.indexOf(q) === 0) best = 2; else if (nm.label.indexOf(q) > 0) best = 4;
      for (var a = 0; a < nm.aliases.length && best > 1; a++) {
        var al = nm.aliases[a], r = al === q ? 1 : al.indexOf(q) === 0 ? 3 : al.indexOf(q) > 0 ? 5 : 9;
        if (r < best) best = r;
      }
      if (best < 9) hits.push([best, nm.id]);
    });
    hits.sort(function (x, y) {
      var px = byId.get(x[1]).type === "Paper" ? 1 : 0, py = byId.get(y[1]).type === "Paper" ? 1 : 0;
      return (x[0] - y[0]) || (px - py) || (byId.get(y[1]).papers - byId.get(x[1]).papers) || (degree.get(y[1]) - degree.get(x[1])) || (x[1] < y[1] ? -1 : 1);
    });
    return hits.slice(0, limit || hits.length).map(function (h) { return h[1]; });
  }
  var searchInput = document.getElementById("kg-search"), results = document.getElementById("kg-results");
  function showResults() {
    var ids = matches(searchInput.value, 12);
    results.replaceChildren();
    ids.forEach(function (id) {
      var n = byId.get(id), li = el("li");
      var sw = el("span", null, "kg-swatch"); sw.style.background = colorOf(n.type);
      li.appendChild(sw); li.appendChild(document.createTextNode(" " + (n.type === "Paper" ? n.title : n.label)));
      if (n.aliases.length) li.appendChild(el("span", " (" + n.aliases.join(", ") + ")", "kg-count"));
      li.title = n.type;
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); results.hidden = true; api.select(id); });
      results.appendChild(li);
    });
    results.hidden = ids.length === 0;
  }
  searchInput.addEventListener("input", showResults);
  searchInput.addEventListener("blur", function () { results.hidden = true; });
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); results.hidden = true; api.search(searchInput.value); }
    else if (ev.key === "Escape") { results.hidden = true; }
  });

  // ---- API
  api.nodeCount = function () { return DATA.nodes.length; };
  api.edgeCount = function () { return DATA.edges.length; };
  api.visibleNodeCount = visibleNodeCount;
  api.visibleEdgeCount = visibleEdgeCount;
  api.isVisible = function (id) { return nodeHidden.get(id) === false; };
  api.matches = function (text) { return matches(text, 50); };
  api.selectedNode = function () {
    var s = network.getSelectedNodes();
    return s.length ? s[0] : selected;
  };
  api.select = function (id) {
    if (!byId.has(id)) return false;
    network.selectNodes([id]);
    var wasHidden = panel.hidden;
    showNode(id);
    if (wasHidden) network.setSize();  // the panel took room: refit the canvas before centring
    if (!nodeHidden.get(id)) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: api.ready ? { duration: 400 } : false });
    } else {
      status.textContent = "\u201c" + byId.get(id).label + "\u201d is hidden by the current filters";
    }
    return true;
  };
  api.search = function (text) {
    var ids = matches(text, 1);
    if (!ids.length) { status.textContent = "No node matches \u201c" + String(text) + "\u201d"; return null; }
    api.select(ids[0]);
    return ids[0];
  };
  api.setTypeVisible = function (t, v) {
    typeVisible[t] = !!v;
    if (typeBoxes[t]) typeBoxes[t].checked = !!v;
    applyFilters();
  };
  api.setPredicateVisible = function (p, v) {
    predVisible[p] = !!v;
    if (predBoxes[p]) predBoxes[p].checked = !!v;
    applyFilters();
  };
  api.setMaxNodes = function (n) {
    n = parseInt(n, 10);
    maxNodes = isFinite(n) && n > 0 ? n : DATA.nodes.length;
    maxInput.value = String(maxNodes);
    applyFilters();
  };
  api.panelText = function () { return panel.hidden ? "" : body.textContent; };

  applyFilters();
})();
"""
