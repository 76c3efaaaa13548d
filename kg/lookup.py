"""Finding a node by what a person types: its id, label, alias or the last part of its id.

The one lookup behind `kg view --focus`, the analytics (lineage, similar_*) and anything else
that takes a name.
"""
from __future__ import annotations

import difflib
from collections import defaultdict

import networkx as nx

from kg.schema import PAPER, kind


class NodeNotFound(KeyError, ValueError):
    """No node answers to the name; the message lists close matches. A KeyError (a failed
    lookup) and a ValueError (bad input), so callers catching either see it."""

    def __str__(self) -> str:  # KeyError would print the message quoted
        return str(self.args[0]) if self.args else ""


def node_label(G: nx.MultiDiGraph, node) -> str:
    return str(G.nodes[node].get("label") or node)


def node_type(G: nx.MultiDiGraph, node) -> str | None:
    return G.nodes[node].get("type") if node in G else None


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().split())


def find_node(G: nx.MultiDiGraph, name: str, type: str | None = None) -> str:
    """Resolve a node id, label, alias (or id slug) case-insensitively, else a unique prefix of a
    label or alias; ``type`` restricts the search.

    Preference: exact id, then label (a paper's title), then alias, then slug, then prefix; ties go to
    entities over papers, then the better-connected node. Raises NodeNotFound (a KeyError and
    a ValueError) listing close matches (difflib).
    Example: ``find_node(G, "resnet50")`` -> "method/resnet-50"
    """
    type_ = None if type is None else kind(type).name

    def ok(node: str) -> bool:
        return type_ is None or node_type(G, node) == type_

    if name in G and ok(name):
        return name
    key = _norm(name)
    tiers: list[list[str]] = [[], [], []]
    names: dict[str, set[str]] = defaultdict(set)  # normalized text -> nodes, for suggestions
    for node, d in G.nodes(data=True):
        if not ok(node):
            continue
        label = _norm(d.get("label") or d.get("title") or node)
        names[label].add(node)
        if label == key:
            tiers[0].append(node)
        for alias in d.get("aliases") or ():
            a = _norm(alias)
            names[a].add(node)
            if a == key:
                tiers[1].append(node)
        slug = _norm(str(node).rsplit("/", 1)[-1])
        if slug == key:
            tiers[2].append(node)
    for tier in tiers:
        if tier:
            return min(tier, key=lambda nd: (node_type(G, nd) == PAPER, -G.degree(nd), str(nd)))
    what = f"{type_} node" if type_ else "node"
    # a unique prefix of a label or alias, e.g. "ECA-Net" for the paper "ECA-Net: Efficient ..."
    prefixed = sorted({nd for k, nodes in names.items() if key and k.startswith(key) for nd in nodes}, key=str)
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        listed = ", ".join(f"{node_label(G, nd)!r} ({nd})" for nd in prefixed[:5])
        more = f" and {len(prefixed) - 5} more" if len(prefixed) > 5 else ""
        raise NodeNotFound(f"{name!r} is the beginning of the name of {len(prefixed)} {what}s: {listed}{more}; "
                           "give more of the name or the id")
    close = difflib.get_close_matches(key, list(names), n=10, cutoff=0.6)
    if not close:  # substring fallback, e.g. "resnet" -> "resnet-50"
        close = sorted((k for k in names if key and key in k), key=len)[:10]
    hints: dict[str, str] = {}  # one hint per node, though several of its aliases matched
    for k in close:
        for node in sorted(names[k], key=str):
            hints.setdefault(node, f"{node_label(G, node)!r} ({node})")
    hints = list(hints.values())
    msg = f"no {what} named {name!r} (matched case-insensitively against ids, labels and aliases)"
    msg += "; close matches: " + ", ".join(hints[:5]) if hints else "; no close matches"
    raise NodeNotFound(msg)
