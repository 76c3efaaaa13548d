"""Page data: the JSON the page's script reads. Nodes are referred to by index; an evidence
sentence that is exactly its span of the abstract (or the title, for -1/-1) is not repeated.
Abstracts (most of a big page) go in a list of their own, paper order."""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import chain, islice
from typing import Any

import networkx as nx

from kg.edges import edge_values
from kg.rdf import base_iri_of
from kg.view import layout
from kg.schema import ENTITY_TYPES, NODE_TYPES, OTHER_COLOUR, PAPER, PREDICATES, TYPE_COLOURS
from kg.view.select import is_paper, node_type, str_list

# Tableau 10 and two more: community colours; later communities are grey.
COMMUNITY_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                     "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8")
SMALL_COMMUNITY = "#bab0ac"
OVERVIEW_TARGET = layout.CORE_MAX  # entities shown by default: the smallest paper minimum leaving at most this many

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_MON_DAY = re.compile(r"^\s*([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?\s*$")
_DAY_MON = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?(?:\s+(\d{4}))?\s*$")


def date_key(value: Any) -> str | None:
    """A sortable key for the dates listings carry: "2024-09-11", "2024-09", "2024", "Sep 11",
    "Sep 11, 2024", "11 Sep 2024". Year-less dates give "MM-DD", dated ones "YYYY-MM-DD"."""
    if value is None:
        return None
    text = str(value)
    m = _ISO.match(text)
    if m:
        y, mo, d = m.group(1), int(m.group(2) or 1), int(m.group(3) or 1)
        return f"{y}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
    m = _MON_DAY.match(text)
    if m:
        mon, day, year = m.group(1), m.group(2), m.group(3)
    else:
        m = _DAY_MON.match(text)
        if not m:
            return None
        day, mon, year = m.group(1), m.group(2), m.group(3)
    month = _MONTHS.get(mon.lower())
    if month is None or not 1 <= int(day) <= 31:
        return None
    return f"{year}-{month:02d}-{int(day):02d}" if year else f"{month:02d}-{int(day):02d}"


def _date_keys(G: nx.MultiDiGraph, papers: list) -> dict:
    """Paper -> date key; when some dates lack a year, every key drops its year so all compare."""
    known: dict = {}  # a listing's papers share a few hundred dates: each key made, and held, once
    keys = {}
    for p in papers:
        value = G.nodes[p].get("date")
        try:
            key = known[value]
        except KeyError:
            key = known[value] = date_key(value)
        except TypeError:  # a value that is no dict key
            key = date_key(value)
        keys[p] = key
    if any(k is not None and len(k) == 5 for k in keys.values()):
        keys = {p: (k[-5:] if k else None) for p, k in keys.items()}
    return keys


def _default_min_papers(counts: list[int]) -> int:
    ranked = sorted(counts, reverse=True)
    if len(ranked) <= OVERVIEW_TARGET:
        return 1
    return max(1, ranked[OVERVIEW_TARGET] + 1)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) else None


def _offset(value: Any) -> int:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else -1


def statement_count(G: nx.MultiDiGraph) -> int:
    """G.number_of_edges() without summing every node's degree (seconds on big graphs)."""
    return sum(len(keys) for _, nbrs in G.adjacency() for keys in nbrs.values())


class StatementRows:
    """The page's statements, one row per statement between carried nodes read from a carried
    paper (a node of `index` from `first_paper` on, its abstract `abstracts[i - first_paper]`):
    [subject, predicate, object, paper,
    start, end, confidence, rule, evidence] (indexes into nodes, predicates and rules; evidence
    None when it is its span). The rows are made as they are read (`chunks`, what the page
    writer asks for), not held: at 100k papers they were 244 MB of the build's peak. The
    predicates and rules they index are found by a first pass over the edges."""

    def __init__(self, G: nx.MultiDiGraph, index: dict, first_paper: int, abstracts: list[str]):
        self._G, self._index, self._first_paper, self._abstracts = G, index, first_paper, abstracts
        self.predicates = list(PREDICATES)
        self._pred_index = {p: i for i, p in enumerate(self.predicates)}
        self._rules: dict[str, int] = {}
        self._count = 0
        for *_, pred, rule in self._carried():
            if pred not in self._pred_index:
                self._pred_index[pred] = len(self.predicates)
                self.predicates.append(pred)
            self._rules.setdefault(rule, len(self._rules))
            self._count += 1
        self.rules = list(self._rules)

    def _carried(self):
        index, first = self._index, self._first_paper
        for u, v, values in edge_values(self._G):  # the graph's own order: deterministic for one graph
            iu, iv, paper = index.get(u), index.get(v), values[1]
            if iu is not None and iv is not None and index.get(paper, -1) >= first:
                pred, rule = values[0], values[5]
                yield iu, iv, paper, values, "related" if pred is None else str(pred), str(rule or "")

    def __iter__(self):
        nodes, abstracts, first = self._G._node, self._abstracts, self._first_paper
        for iu, iv, paper, (_, _, evidence, start, end, _, confidence), pred, rule in self._carried():
            start, end = _offset(start), _offset(end)
            evidence = "" if evidence is None else str(evidence)
            ip = self._index[paper]
            source = _paper_title(nodes[paper], paper) if start < 0 else abstracts[ip - first][start:end]
            yield [iu, self._pred_index[pred], iv, ip, start, end, _number(confidence),
                   self._rules[rule], None if evidence == source else evidence]

    def chunks(self, size: int):
        """The rows in lists of `size`, made as they are asked for."""
        return _chunked(iter(self), size)

    def __len__(self) -> int:
        return self._count


class NodeRecords(Sequence):
    """The page's node records: the entities' first (made up front: they carry the layout), then
    one per carried paper, made as it is read (`chunks`, what the page writer asks for). Papers
    are most of the nodes of a big page: held, their records raised a 1M build's peak by ~580 MB
    (the page's rise 1,341 -> 764 MB)."""

    def __init__(self, G: nx.MultiDiGraph, entity_records: list[dict], papers: list, dates: dict):
        self._G, self._entities, self._papers, self._dates = G, entity_records, papers, dates

    def __len__(self) -> int:
        return len(self._entities) + len(self._papers)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        n = len(self._entities)
        return self._entities[i] if i < n else self._paper(self._papers[i - n])

    def _paper(self, p) -> dict:
        d = self._G.nodes[p]
        return {"id": str(p), "type": PAPER, "title": _paper_title(d, p),
                "date": None if d.get("date") is None else str(d.get("date")), "dk": self._dates[p],
                "authors": str_list(d.get("authors")), "urls": str_list(d.get("urls")),
                "code": str_list(d.get("code")), "sources": str_list(d.get("sources"))}

    def chunks(self, size: int):
        """The records in lists of `size`, made as they are asked for."""
        return _chunked(chain(self._entities, map(self._paper, self._papers)), size)


def _chunked(rows, size: int):
    while chunk := list(islice(rows, size)):
        yield chunk


def _paper_title(d: dict, p) -> str:
    return str(d.get("title") or d.get("label") or p)


def page_data(G: nx.MultiDiGraph, nodes: list, papers_of: dict, title: str, focus: Any = None) -> dict:
    """The page's data for `nodes` (entities first, then papers, as select_nodes orders them)."""
    entities = [n for n in nodes if not is_paper(G, n)]
    papers = [n for n in nodes if is_paper(G, n)]
    keep_papers = set(papers)
    local = {e: papers_of.get(e, set()) & keep_papers for e in entities}
    total = {e: len(papers_of.get(e, ())) for e in entities}
    order = entities + papers
    index = {n: i for i, n in enumerate(order)}

    weights = layout.co_usage(local)
    rank = {e: i for i, e in enumerate(entities)}
    # Communities and layout work on each entity's strongest links: on big graphs every pair of
    # hubs shares papers, and the full co-usage graph is dense.
    H = layout.weighted_graph(entities, layout.backbone(weights, rank, per_node=layout.NEIGHBOURS))
    groups = layout.communities(H)
    most = max(total.values(), default=1)
    radius = {e: layout.node_radius(total[e], most) for e in entities}
    community = {n: c for c, members in enumerate(groups) for n in members}
    pos = layout.overview_positions(entities, local, H, radius, community)

    dates = _date_keys(G, papers)
    records = []
    for e in entities:
        d = G.nodes[e]
        x, y = pos[e]
        records.append({"id": str(e), "type": node_type(G, e), "label": str(d.get("label") or e),
                        "aliases": str_list(d.get("aliases")), "papers": total[e],
                        "x": round(x, 1), "y": round(y, 1), "r": round(radius[e], 1), "c": community[e]})
    nodes_out = NodeRecords(G, records, papers, dates)
    abstracts = [str(G.nodes[p].get("abstract") or "") for p in papers]

    statements = StatementRows(G, index, len(entities), abstracts)

    names = [", ".join(str(G.nodes[n].get("label") or n) for n in g[:3]) for g in groups]
    return {
        "title": title,
        "base_iri": base_iri_of(G),
        "types": list(NODE_TYPES),
        "entity_types": list(ENTITY_TYPES),
        "predicates": statements.predicates,
        "rules": statements.rules,
        "colors": {**TYPE_COLOURS, "Other": OTHER_COLOUR},
        "total": {"nodes": G.number_of_nodes(), "statements": statement_count(G)},
        "nodes": nodes_out,
        "n_entities": len(entities),
        "statements": statements,
        "edges": [[index[a], index[b], w] for a, b, w in layout.backbone(weights, rank)],
        "communities": [{"name": name, "size": len(g),
                         "color": COMMUNITY_COLOURS[i] if i < len(COMMUNITY_COLOURS) and len(g) > 1 else SMALL_COMMUNITY}
                        for i, (name, g) in enumerate(zip(names, groups))],
        "min_papers": _default_min_papers([len(ps) for ps in local.values()]),
        "focus": None if focus is None else str(focus),
        "abstracts": abstracts,  # the page writes these into a block of their own, read when first needed
    }
