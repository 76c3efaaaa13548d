"""Score a built graph against a gold file in the SCHEMA.md format.

Names match after case folding and ignoring spaces, hyphens, dots and a trailing
plural "s". A node matches by its label or by an alias that occurs in the paper's own
title or abstract: aliases the node collected from other papers cannot rescue a match
(that would hide a wrong cross-paper merge). Scores are micro-averaged per paper.
"""
from __future__ import annotations

import itertools
import json
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kg.evaluate.bcubed import BCubed
from kg.evaluate.text import text_keys
from kg.names import name_key
from kg.records import ENTITY_TYPES, METHOD_PREDICATES, PAPER_PREDICATES


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: "Score") -> "Score":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self


@dataclass
class Report:
    scores: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    errors: list[str] = field(default_factory=list)
    rules: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # rule -> {tp, fp}
    papers_missing: list[str] = field(default_factory=list)
    resolution: BCubed = field(default_factory=BCubed)

    @classmethod
    def merge(cls, reports) -> "Report":
        """One report summing the counts of several (cross-validation folds): micro-averaged."""
        out = cls()
        for r in reports:
            for k, s in r.scores.items():
                out.scores[k] += s
            out.errors.extend(r.errors)
            for rule, c in r.rules.items():
                out.rules[rule].update(c)
            out.papers_missing.extend(r.papers_missing)
            out.resolution += r.resolution
        return out

    def table(self) -> str:
        rows = [("group", "P", "R", "F1", "TP", "FP", "FN")]
        order = [f"entity:{t}" for t in ENTITY_TYPES] + ["entities"] + [f"relation:{p}" for p in PAPER_PREDICATES]
        order += ["paper relations"] + [f"relation:{p}" for p in METHOD_PREDICATES] + ["method relations"]
        for key in order:
            s = self.scores[key]
            rows.append((key, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn)))
        return _format(rows)

    def rule_table(self) -> str:
        rows = [("rule", "precision", "TP", "FP")]
        for rule, c in sorted(self.rules.items(), key=lambda kv: -(kv[1]["tp"] + kv[1]["fp"])):
            n = c["tp"] + c["fp"]
            rows.append((rule, f"{c['tp'] / n:.3f}" if n else "-", str(c["tp"]), str(c["fp"])))
        return _format(rows)


def _format(rows) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows)


_TAGS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_NEXT_TAG = itertools.count()


def _graph_tag(G) -> int:
    """One number per graph object: merged reports of one graph (several gold files) share
    its nodes, reports of different graphs (cross-validation folds) never do."""
    if G not in _TAGS:
        _TAGS[G] = next(_NEXT_TAG)
    return _TAGS[G]


def read_gold(path: str | Path) -> list[dict]:
    records = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    return records


def _keys(names) -> frozenset[str]:
    return frozenset(name_key(n) for n in names if n)


def _match(pred: list[tuple[str, frozenset]], gold: list[tuple[str, frozenset]]):
    """One-to-one matching of (label, keys) items, best evidence first: a gold name equal to a
    node's label, then a gold name among the node's aliases or the label among the gold's,
    then any shared alias. Staged so a bare shared alias ("segmentation") never takes the node
    whose label is the gold name. Returns matched pairs and leftovers."""
    used: set[int] = set()
    matched: dict[int, int] = {}  # gold index -> pred index
    stages = (
        lambda p, g: name_key(p[0]) == name_key(g[0]),
        lambda p, g: name_key(g[0]) in p[1] or name_key(p[0]) in g[1],
        lambda p, g: bool(p[1] & g[1]),
    )
    for same in stages:
        for gi, g in enumerate(gold):
            if gi in matched:
                continue
            hit = next((i for i, p in enumerate(pred) if i not in used and same(p, g)), None)
            if hit is not None:
                used.add(hit)
                matched[gi] = hit
    pairs = [(pred[matched[gi]], g) for gi, g in enumerate(gold) if gi in matched]
    missed = [g for gi, g in enumerate(gold) if gi not in matched]
    extra = [p for i, p in enumerate(pred) if i not in used]
    return pairs, missed, extra


def evaluate(G: nx.MultiDiGraph, gold: list[dict]) -> Report:
    report = Report()
    graph_tag = _graph_tag(G)
    by_paper: dict[str, list] = defaultdict(list)  # paper node -> the statements read from it
    for u, v, d in G.edges(data=True):
        by_paper[d.get("paper")].append((u, v, d))
    by_title = {name_key(d.get("title", "")): n for n, d in G.nodes(data=True) if d.get("type") == "Paper"}
    for record in gold:
        pnode = f"paper/{record['id']}"
        if pnode not in G:
            pnode = by_title.get(name_key(record.get("title", "")))
        if pnode is None:
            report.papers_missing.append(record.get("title", record["id"]))
        _score_paper(G, pnode, record, report, by_paper, graph_tag)
    for t in ENTITY_TYPES:
        report.scores["entities"] += report.scores[f"entity:{t}"]
    for p in PAPER_PREDICATES:
        report.scores["paper relations"] += report.scores[f"relation:{p}"]
    for p in METHOD_PREDICATES:
        report.scores["method relations"] += report.scores[f"relation:{p}"]
    return report


def _paper_text_keys(G, pnode) -> frozenset[str] | None:
    """Name keys of every run of words in the paper's title and abstract (None when the graph
    carries no text for the paper: then every alias counts, as before)."""
    if pnode is None or pnode not in G:
        return None
    data = G.nodes[pnode]
    text = " ".join(x for x in (data.get("title"), data.get("abstract")) if x)
    return text_keys(text) if text else None


def _score_paper(G, pnode, record, report: Report, by_paper: dict, graph_tag=None) -> None:
    title = record.get("title", record["id"])
    gold_entities = {t: [] for t in ENTITY_TYPES}
    gold_keys: dict[str, frozenset] = {}
    for e in record.get("entities", []):
        keys = _keys([e["name"], *e.get("aliases", [])])
        gold_entities.setdefault(e["type"], []).append((e["name"], keys, tuple(e.get("aliases", ()))))
        gold_keys[e["name"]] = keys
    edges = by_paper.get(pnode, [])
    pred_nodes = {n for u, v, _ in edges for n in (u, v) if n != pnode}
    pred_entities = {t: [] for t in ENTITY_TYPES}
    node_keys = {}
    node_rule = {}
    for u, v, d in edges:
        if u == pnode:
            node_rule.setdefault(v, d.get("rule", "?"))
    in_text = _paper_text_keys(G, pnode)
    for n in sorted(pred_nodes):
        data = G.nodes[n]
        aliases = data.get("aliases", ())
        if in_text is not None:
            aliases = [a for a in aliases if name_key(a) in in_text]
        keys = _keys([data["label"], *aliases])
        node_keys[n] = keys
        pred_entities.setdefault(data["type"], []).append((data["label"], keys, n))
    lines = []
    for t in ENTITY_TYPES:
        pairs, missed, extra = _match([(p[0], p[1], p[2]) for p in pred_entities[t]], gold_entities[t])
        s = report.scores[f"entity:{t}"]
        s.tp += len(pairs)
        s.fn += len(missed)
        s.fp += len(extra)
        for p, g in pairs:
            report.resolution.add(title, (t, name_key(g[0])), g[0], (graph_tag, p[2]), p[0],
                                  aliases=g[2])
        report.resolution.unmatched += len(missed)
        for p, _ in pairs:
            report.rules[f"entity/{node_rule.get(p[2], '?')}"]["tp"] += 1
        for p in extra:
            report.rules[f"entity/{node_rule.get(p[2], '?')}"]["fp"] += 1
            lines.append(f"  FP {t:8} {p[0]}")
        for g in missed:
            lines.append(f"  FN {t:8} {g[0]}")
    # relations
    paper_keys = frozenset({"\0paper"})
    pred_rel = []
    for u, v, d in edges:
        skeys = paper_keys if u == pnode else node_keys.get(u, frozenset())
        pred_rel.append((d["predicate"], skeys, node_keys.get(v, frozenset()), G.nodes[u]["label"] if u != pnode else "PAPER",
                         G.nodes[v]["label"], d))
    gold_rel = []
    for r in record.get("relations", []):
        skeys = paper_keys if r["s"] == "PAPER" else gold_keys.get(r["s"], _keys([r["s"]]))
        gold_rel.append((r["p"], skeys, gold_keys.get(r["o"], _keys([r["o"]])), r["s"], r["o"]))
    for p in PAPER_PREDICATES + METHOD_PREDICATES:
        preds = [x for x in pred_rel if x[0] == p]
        golds = [x for x in gold_rel if x[0] == p]
        # dedupe predicted triples (several statements may back one triple)
        uniq = {}
        for x in preds:
            uniq.setdefault((x[3], x[4]), x)
        preds = list(uniq.values())
        used = set()
        s = report.scores[f"relation:{p}"]
        for g in golds:
            hit = next((i for i, x in enumerate(preds) if i not in used and x[1] & g[1] and x[2] & g[2]), None)
            if hit is None:
                s.fn += 1
                lines.append(f"  FN {p:12} {g[3]} -> {g[4]}")
            else:
                used.add(hit)
                s.tp += 1
                report.rules[preds[hit][5].get("rule", "?")]["tp"] += 1
        for i, x in enumerate(preds):
            if i not in used:
                s.fp += 1
                report.rules[x[5].get("rule", "?")]["fp"] += 1
                lines.append(f"  FP {p:12} {x[3]} -> {x[4]}    [{x[5].get('rule')}] \"{x[5].get('evidence', '')[:160]}\"")
    if lines:
        report.errors.append(f"# {title}\n" + "\n".join(lines))
