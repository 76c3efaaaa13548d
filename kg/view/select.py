"""Which nodes a page carries: the best-connected entities (or a node's neighbourhood) and
their papers. Pure functions of the graph; the node order is deterministic."""
from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any, Iterable

import networkx as nx

from kg.edges import edge_values
from kg.schema import NODE_TYPES, PAPER


def str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [str(v) for v in value if v is not None]
    except TypeError:
        return [str(value)]


def node_type(G: nx.MultiDiGraph, n: Any) -> str:
    t = G.nodes[n].get("type")
    return t if t in NODE_TYPES else "Other"


def is_paper(G: nx.MultiDiGraph, n: Any) -> bool:
    return G.nodes[n].get("type") == PAPER


class EntityPapers(Mapping):
    """Entity -> the distinct papers it is linked to, and those a statement touching it was read
    from: each set made when asked for, from the graph's adjacency, not held for every entity (a
    dict of sets for the half million entities of 1M papers). A statement read from a paper that
    is neither of its ends (method -> method) is the one kind the adjacency does not tell, so
    those papers are gathered once, in `_read_from`."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self._G = G
        self._papers = {n for n, t in G.nodes(data="type") if t == PAPER}
        # lists, repeats and all, not sets: a set per entity was 0.15 KB per paper at 100k
        self._read_from: dict[Any, list] = {}
        for u, v, values in edge_values(G):
            p = values[1]
            if p in self._papers and p != u and p != v:
                for x in (u, v):
                    if x not in self._papers:
                        self._read_from.setdefault(x, []).append(p)

    def __getitem__(self, entity: Any) -> set:
        if entity in self._papers or entity not in self._G:
            raise KeyError(entity)
        papers = self._papers
        found = {n for n in self._G._adj[entity] if n in papers}
        found.update(n for n in self._G._pred[entity] if n in papers)
        found.update(self._read_from.get(entity, ()))
        return found

    def __iter__(self):
        return (n for n in self._G if n not in self._papers)

    def __len__(self) -> int:
        return len(self._G) - len(self._papers)


def _neighbours(G: nx.MultiDiGraph, n: Any, allowed: set) -> set:
    out = {m for m in G.successors(n) if m in allowed}
    out.update(m for m in G.predecessors(n) if m in allowed)
    out.discard(n)
    return out


def resolve_node(G: nx.MultiDiGraph, name: str) -> Any:
    """The node `name` names (id, label, alias or unique prefix): kg.lookup.find_node, the one
    lookup; its NodeNotFound is a ValueError listing close matches."""
    from kg.lookup import find_node

    return find_node(G, name)


def _allowed(G: nx.MultiDiGraph, types: Iterable[str] | str | None) -> set:
    if types is None:
        return set(G.nodes)
    wanted = {types} if isinstance(types, str) else set(types)
    unknown = wanted - set(NODE_TYPES)
    if unknown:
        raise ValueError(f"unknown node type(s) {sorted(unknown)}; known: {list(NODE_TYPES)}")
    wanted.add(PAPER)  # `types` restricts entity types; papers come with their entities
    return {n for n in G.nodes if node_type(G, n) in wanted}


def _within(G: nx.MultiDiGraph, start: Any, hops: int, allowed: set) -> dict:
    dist = {start: 0}
    queue = deque([start])
    while queue:
        n = queue.popleft()
        if dist[n] >= hops:
            continue
        for m in _neighbours(G, n, allowed):
            if m not in dist:
                dist[m] = dist[n] + 1
                queue.append(m)
    return dist


def select_nodes(
    G: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    hops: int = 1,
    types: Iterable[str] | str | None = None,
    max_nodes: int | None = 1500,
    papers_of: Mapping[Any, set] | None = None,
) -> list:
    """The nodes a page carries, entities first (most papers first), then papers.

    Without `focus`: the `max_nodes` entities of `types` with most papers, their papers, and
    the papers linked to no entity at all. With `focus` (id, label or alias): the
    nodes within `hops` links of it, at most `max_nodes` entities, nearest first.
    """
    if max_nodes is not None and max_nodes < 1:
        raise ValueError("max_nodes must be >= 1 (or None for no limit)")
    if hops < 0:
        raise ValueError("hops must be >= 0")
    allowed = _allowed(G, types)
    papers_of = EntityPapers(G) if papers_of is None else papers_of
    size = {e: len(ps) for e, ps in papers_of.items()}
    if focus is not None:
        start = resolve_node(G, focus)
        dist = _within(G, start, hops, allowed | {start})
        rank = lambda n: (dist[n], -size.get(n, 0), str(n))  # noqa: E731
        entities = sorted((n for n in dist if not is_paper(G, n)), key=rank)[:max_nodes]
        papers = sorted((n for n in dist if is_paper(G, n)), key=rank)
        if is_paper(G, start):
            papers.remove(start)
            papers.insert(0, start)
        return entities + papers
    entities = sorted((n for n in allowed if not is_paper(G, n)), key=lambda n: (-size.get(n, 0), str(n)))
    entities = entities[:max_nodes]
    linked: set = set()
    for e in entities:
        linked |= papers_of[e]
    with_entity: set = set()
    for found in papers_of.values():  # one at a time: every entity's set at once is what EntityPapers saves
        with_entity |= found
    linked.update(n for n in allowed if is_paper(G, n) and n not in with_entity)  # searchable still
    return entities + sorted(linked, key=str)
