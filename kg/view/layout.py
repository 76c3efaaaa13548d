"""Overview layout, computed once when the page is written so it opens with physics off.

Entities are folded over their papers: two entities are linked by the number of papers that
use both. Communities and layout work on each entity's strongest links: Louvain communities
colour the overview; ForceAtlas2 lays out the entities with most papers (the core, where it is
cheap) and a pass pushes apart discs that still overlap; every other entity goes on rings
around the core, at the angle of its papers. All of it is seeded: one graph, one page.
"""
from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from typing import Any, Hashable, Sequence

import networkx as nx
import numpy as np

# ForceAtlas2 in networkx is O(n^2) per iteration, so it lays out at most this many entities:
# as many as the overview shows by default (see pagedata), the rest go on rings around them.
CORE_MAX = 300
SEED = 7
SPACING = 60.0  # canvas units per core entity, along each axis of the layout's square
NODE_MIN, NODE_MAX = 5.0, 34.0  # node radius in canvas units
GAP = 6.0  # free space kept between two nodes' discs
GOLDEN = math.pi * (3 - math.sqrt(5))
NEIGHBOURS = 10  # strongest co-usage links per entity that communities and layout use


def node_radius(papers: int, most: int) -> float:
    """Disc radius by papers: area grows with the count."""
    if most <= 1:
        return NODE_MIN
    return NODE_MIN + (NODE_MAX - NODE_MIN) * math.sqrt((max(papers, 1) - 1) / (most - 1))


def co_usage(papers_of: dict[Hashable, set]) -> Counter:
    """(a, b) -> number of papers using both a and b (a < b by str)."""
    by_paper: dict[Any, list] = defaultdict(list)
    for e in sorted(papers_of, key=str):
        for p in papers_of[e]:
            by_paper[p].append(e)
    weights: Counter = Counter()
    for ents in by_paper.values():
        weights.update(itertools.combinations(ents, 2))
    return weights


def weighted_graph(entities: Sequence, edges: list[tuple]) -> nx.Graph:
    H = nx.Graph()
    H.add_nodes_from(entities)
    H.add_weighted_edges_from(edges)
    return H


def communities(H: nx.Graph) -> list[list]:
    """Louvain communities, biggest first, each in the order of H's nodes."""
    order = {n: i for i, n in enumerate(H.nodes)}
    found = nx.community.louvain_communities(H, weight="weight", seed=SEED) if H.number_of_edges() else [{n} for n in H]
    groups = [sorted(c, key=order.__getitem__) for c in found]
    groups.sort(key=lambda g: (-len(g), order[g[0]]))
    return groups


def backbone(weights: Counter, rank: dict, per_node: int = 4) -> list[tuple]:
    """The co-usage edges worth drawing: each entity's `per_node` strongest links (ties: the
    bigger neighbour), so every entity keeps its ties to its cluster and the page at most
    `per_node` edges per entity (a global weight threshold keeps every pair of big hubs)."""
    best: dict[Any, list] = defaultdict(list)
    for (a, b), w in weights.items():
        best[a].append((-w, rank[b], b))
        best[b].append((-w, rank[a], a))
    keep = set()
    for a, links in best.items():
        for _, _, b in sorted(links)[:per_node]:
            keep.add((a, b) if (a, b) in weights else (b, a))
    return sorted(((a, b, weights[a, b]) for a, b in keep), key=lambda t: (rank[t[0]], rank[t[1]]))


def _core_positions(H: nx.Graph, core: list, radius: dict, community: dict) -> dict:
    if len(core) == 1:
        return {core[0]: (0.0, 0.0)}
    # Raw co-usage ties every entity to the two or three biggest hubs; normalised by the
    # pair's degrees (and stronger inside a community) it pulls communities apart instead.
    strength = dict(H.degree(core, weight="weight"))
    C = nx.Graph()
    C.add_nodes_from(core)
    for a, b, w in H.subgraph(core).edges(data="weight"):
        boost = 4.0 if community[a] == community[b] else 1.0
        C.add_edge(a, b, weight=boost * w / math.sqrt(strength[a] * strength[b]) * 10)
    init = {n: np.array([math.cos(i * GOLDEN) * math.sqrt(i + 1), math.sin(i * GOLDEN) * math.sqrt(i + 1)]) for i, n in enumerate(core)}
    pos = nx.forceatlas2_layout(C, pos=init, max_iter=100, seed=SEED, weight="weight", scaling_ratio=2.0,
                                gravity=1.0, node_size={n: radius[n] / NODE_MAX for n in core})
    xs = [float(pos[n][0]) for n in core]
    ys = [float(pos[n][1]) for n in core]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    side = SPACING * math.sqrt(len(core))
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((x - cx) / span * side, (y - cy) / span * side) for n, x, y in zip(core, xs, ys)}


def _mean(points: list[tuple]) -> tuple[float, float]:
    sx = sy = 0.0
    for x, y in points:
        sx += x
        sy += y
    return sx / len(points), sy / len(points)


def _halo(rest: list, papers_of: dict, anchors: dict, radius: dict, inner: float) -> dict:
    """Entities outside the core go on rings around it, each at about the angle of its papers'
    anchors (so beside its community), evenly spaced, so they never overlap."""
    if not rest:
        return {}
    angle = {}
    for i, e in enumerate(rest):
        pts = [anchors[p] for p in papers_of[e] if p in anchors]
        if pts:
            mx, my = _mean(sorted(pts))  # sorted: the float sum does not depend on set order
            angle[e] = math.atan2(my, mx) % (2 * math.pi)
        else:  # none of its papers touches the core: spread around
            angle[e] = (i * GOLDEN) % (2 * math.pi)
    ordered = sorted(rest, key=angle.__getitem__)  # stable: ties keep the entities' order
    step = 2 * max(radius[e] for e in rest) + GAP
    rings = max(1, math.ceil(len(ordered) * step / (2 * math.pi * (inner + step))))
    while True:  # outer rings are longer: the innermost one must still hold its share
        per_ring = math.ceil(len(ordered) / rings)
        if per_ring * step <= 2 * math.pi * (inner + step):
            break
        rings += 1
    pos = {}
    for ring in range(rings):
        members = ordered[ring::rings]
        r = inner + step * (ring + 1)
        for slot, e in enumerate(members):  # even slots, turned so the first sits at its angle
            a = angle[members[0]] + 2 * math.pi * slot / len(members)
            pos[e] = (r * math.cos(a), r * math.sin(a))
    return pos


def _close_pairs(x: np.ndarray, y: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) whose discs (plus GAP) overlap, by a sweep along x."""
    n = len(x)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    hi = np.searchsorted(xs, xs + r[order] + r.max() + GAP, side="right")
    cnt = np.maximum(hi - np.arange(1, n + 1), 0)
    first = np.repeat(np.arange(n), cnt)
    second = first + 1 + np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    i, j = order[first], order[second]
    need = r[i] + r[j] + GAP
    close = (np.abs(x[i] - x[j]) < need) & (np.abs(y[i] - y[j]) < need)
    i, j = i[close], j[close]
    return i, j


def remove_overlaps(pos: dict, radius: dict, order: list, rounds: int = 200) -> dict:
    """Push apart discs closer than their radii plus GAP; the bigger disc moves less. Where a
    crowd does not clear within 20 rounds, the whole picture is spread by 10%."""
    x = np.array([pos[n][0] for n in order], dtype=float)
    y = np.array([pos[n][1] for n in order], dtype=float)
    r = np.array([radius[n] for n in order], dtype=float)
    for round_ in range(rounds):
        if round_ and round_ % 20 == 0:
            x, y = x * 1.1, y * 1.1
        i, j = _close_pairs(x, y, r)
        vx, vy = x[j] - x[i], y[j] - y[i]
        d = np.hypot(vx, vy)
        need = r[i] + r[j] + GAP
        hit = d < need
        if not hit.any():
            break
        i, j, vx, vy, d, need = i[hit], j[hit], vx[hit], vy[hit], d[hit], need[hit]
        same = d < 1e-6  # one spot: part along a direction fixed by the pair
        ang = (i[same] * 7 + j[same] * 13) * GOLDEN
        vx[same], vy[same], d[same] = np.cos(ang), np.sin(ang), 1.0
        push = (need - d) / d * 0.5
        wi = r[j] / (r[i] + r[j]) * 2
        np.add.at(x, i, -vx * push * wi)
        np.add.at(y, i, -vy * push * wi)
        np.add.at(x, j, vx * push * (2 - wi))
        np.add.at(y, j, vy * push * (2 - wi))
    return {n: (float(x[k]), float(y[k])) for k, n in enumerate(order)}


def overview_positions(entities: list, papers_of: dict, H: nx.Graph, radius: dict, community: dict) -> dict:
    """Canvas positions of `entities` (ordered most papers first)."""
    if not entities:
        return {}
    core = [e for e in entities if len(papers_of[e]) >= 2][:CORE_MAX] or entities[:CORE_MAX]
    pos = _core_positions(H, core, radius, community)
    core_set = set(core)
    anchors: dict[Any, tuple] = {}
    members: dict[Any, list] = defaultdict(list)
    for e in core:
        for p in papers_of[e]:
            members[p].append(pos[e])
    for p, pts in members.items():
        anchors[p] = _mean(pts)
    pos = remove_overlaps(pos, radius, core)
    inner = max((math.hypot(*xy) + radius[n] for n, xy in pos.items()), default=0.0) + GAP
    pos.update(_halo([e for e in entities if e not in core_set], papers_of, anchors, radius, inner))
    return pos
