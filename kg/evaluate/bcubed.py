"""Cross-paper resolution scored as B-cubed precision and recall.

Items are gold mentions: one per (paper, gold entity). Their gold cluster is the gold
entity's identity across papers (same type, same canonical name after name_key); their
system cluster is the graph node the per-paper matching paired them with. Gold mentions
the extractor missed have no node and are left out, so extraction recall does not show
up as a resolution error (their number is reported beside the scores).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class BCubed:
    # (paper, gold identity, gold surface name, node label, node id): node ids are tagged with
    # the report they came from, so merged folds never share a node by accident
    mentions: list[tuple] = field(default_factory=list)
    unmatched: int = 0
    gold_aliases: dict[tuple, set] = field(default_factory=lambda: defaultdict(set))  # gold id -> (name, alias)

    def add(self, paper: str, gold_id: tuple[str, str], gold_name: str, node: tuple, label: str, aliases=()) -> None:
        self.mentions.append((paper, gold_id, gold_name, node, label))
        self.gold_aliases[gold_id].update((gold_name, a) for a in aliases)

    def _alias_identity(self) -> dict[tuple, tuple]:
        """Gold ids joined where an annotator gave one's name as an alias of the other ("LSTM"
        in one paper, "long short-term memory" alias "LSTM" in another): SCHEMA.md makes an
        acronym an alias of its expansion, so such pairs are one entity the gold spelled twice."""
        from kg.names import name_key
        from kg.resolve import fuzzy_same, narrower_or_broader  # the resolver's guards: variants stay apart

        parent: dict[tuple, tuple] = {}

        def find(x):
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x
        ids = {gid for _, gid, _, _, _ in self.mentions}
        for gid in sorted(ids):
            for name, alias in sorted(self.gold_aliases.get(gid, ())):
                other = (gid[0], name_key(alias))
                if other in ids and not narrower_or_broader(name, alias):
                    a, b = find(gid), find(other)
                    parent[max(a, b)] = min(a, b)
        # and spelling variants of one canonical name ("sequence modelling" / "sequence modeling"),
        # under the resolver's guarded rule; candidates share type and first letter and are at
        # most two characters apart in length, so this is far from all pairs
        buckets: dict[tuple, list] = defaultdict(list)
        for gid in sorted(ids):
            if gid[1]:
                buckets[(gid[0], gid[1][0])].append(gid)
        names = {gid: name for _, gid, name, _, _ in self.mentions}
        for bucket in buckets.values():
            for i, a in enumerate(bucket):
                for b in bucket[i + 1:]:
                    if abs(len(a[1]) - len(b[1])) <= 2 and find(a) != find(b) and fuzzy_same(names[a], names[b]):
                        ra, rb = find(a), find(b)
                        parent[max(ra, rb)] = min(ra, rb)
        return {gid: find(gid) for gid in ids}

    def scores(self, gold_aliases: bool = False) -> tuple[float, float]:
        """B-cubed (precision, recall); gold_aliases=True also joins gold ids the annotators
        declared aliases of each other, and spelling variants of one name."""
        if not self.mentions:
            return 0.0, 0.0
        ident = self._alias_identity() if gold_aliases else {}
        mentions = [(p, ident.get(g, g), n, node, lab) for p, g, n, node, lab in self.mentions]
        by_node: dict[tuple, Counter] = defaultdict(Counter)
        by_gold: dict[tuple, Counter] = defaultdict(Counter)
        for _, gid, _, node, _ in mentions:
            by_node[node][gid] += 1
            by_gold[gid][node] += 1
        p = r = 0.0
        for _, gid, _, node, _ in mentions:
            both = by_node[node][gid]
            p += both / sum(by_node[node].values())
            r += both / sum(by_gold[gid].values())
        n = len(mentions)
        return p / n, r / n

    def fused(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """Nodes holding mentions of several gold entities: (node label, [(gold name, count)])."""
        return self._groups(key=lambda m: m[3], label=lambda m: m[4], part=lambda m: m[1], part_name=lambda m: m[2])

    def split(self) -> list[tuple[str, list[tuple[str, int]]]]:
        """Gold entities spread over several nodes: (gold name, [(node label, count)])."""
        return self._groups(key=lambda m: m[1], label=lambda m: m[2], part=lambda m: m[3], part_name=lambda m: m[4])

    def _groups(self, key, label, part, part_name):
        groups: dict = defaultdict(Counter)
        names: dict = {}
        part_names: dict = {}
        for m in self.mentions:
            groups[key(m)][part(m)] += 1
            names.setdefault(key(m), label(m))
            part_names.setdefault(part(m), part_name(m))
        out = []
        for k, parts in groups.items():
            if len(parts) > 1:
                out.append((names[k], sorted(((part_names[p], c) for p, c in parts.items()), key=lambda x: (-x[1], x[0]))))
        return sorted(out, key=lambda g: (-sum(c for _, c in g[1]), g[0]))

    def table(self, limit: int = 20) -> str:
        p, r = self.scores()
        n = len(self.mentions)
        lines = [f"resolution (B-cubed over {n} matched gold mentions; {self.unmatched} unmatched left out)",
                 f"  precision {p:.3f}  recall {r:.3f}  (gold identity: same type and canonical name)"]
        p2, r2 = self.scores(gold_aliases=True)
        lines.append(f"  precision {p2:.3f}  recall {r2:.3f}  (also joining gold names that are each other's aliases or spelling variants)")
        for title, groups in (("nodes fusing several gold entities", self.fused()),
                              ("gold entities split over several nodes", self.split())):
            lines.append(f"{title}: {len(groups)}")
            for name, parts in groups[:limit]:
                lines.append(f"  {name}: " + "; ".join(f"{x} ({c})" for x, c in parts))
            if len(groups) > limit:
                lines.append(f"  ... {len(groups) - limit} more")
        return "\n".join(lines)

    def __iadd__(self, other: "BCubed") -> "BCubed":
        self.mentions.extend(other.mentions)
        for gid, keys in other.gold_aliases.items():
            self.gold_aliases[gid].update(keys)
        self.unmatched += other.unmatched
        return self
