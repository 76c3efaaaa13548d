"""Resolution: the only stage that looks across papers.

Clusters the mentions of all papers into entities (exact name keys, guarded fuzzy
matching, word-level loose keys, then aliases and acronyms) and gives each entity a stable
node id. General guards, no name lists: a name plus words or a number marker is another
entity, a coined name has no spelling variants, an alias or acronym claimed by several
entities joins none, and two lexicon entries are never joined by a paper's alias. The name
comparisons themselves live in kg.resolve_names.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from kg.extract.lexicon import default_gazetteer
from kg.extract.text import name_key, slug
from kg.records import Entity, Extraction
from kg.resolve_names import (  # noqa: F401  (fuzzy_same, loose_key, spells: also read from here)
    MAX_FUZZY_LENGTH, MIN_FUZZY_LENGTH, _acronym, _ambiguous_alias, acronym_of, fuzzy_same, loose_key,
    markers, narrower_or_broader, shortened, siblings, spells, words,
)


@dataclass(frozen=True)
class Resolution:
    """entity_id(paper, type, name) is the entity of that mention. Nearly every (type, name)
    resolves alike in every paper, so the answer is held once per (type, name), with the papers
    where it resolves otherwise apart: one key per mention of every paper was a fifth of the
    build's peak memory."""

    entities: tuple[Entity, ...]
    by_name: dict[tuple[str, str], str]  # (type, mention name) -> entity id
    exceptions: dict[tuple[str, str, str], str]  # (paper id, type, name) -> entity id, where not by_name's

    def entity_id(self, paper_id: str, type_: str, name: str) -> str:
        if self.exceptions:
            found = self.exceptions.get((paper_id, type_, name))
            if found is not None:
                return found
        return self.by_name[(type_, name)]


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # smaller root wins: order-independent


def synonym_of(m, lexicon_name: bool) -> str | None:
    """A lexicon name given to a mention written with another name of different words ("skip
    connections" filed under residual connection, "image recognition" under image
    classification): the paper used the other name, and the gold and the field treat them as
    two entities, so the mention resolves under the name it was written with."""
    if not lexicon_name:
        return None
    found = {}
    for a in m.aliases:
        if len(words(a)) < 2 or name_key(a) == name_key(m.name) or narrower_or_broader(a, m.name):
            continue  # one-word names are too loose to move a mention; variants are handled apart
        if acronym_of(a, m.name) or acronym_of(m.name, a) or shortened(a, m.name) or fuzzy_same(a, m.name):
            continue  # an acronym or a spelling of the name itself
        if any(w.isdigit() for w in words(a) & words(m.name)):
            continue  # one model number: another way to write that model ("A100 GPU", "NVIDIA A100")
        found[name_key(a)] = a
    return next(iter(found.values())) if len(found) == 1 else None


def variant_of(m) -> str | None:
    """The one alias that is the mention's name plus a number or size marker ("ImageNet" seen as
    "ImageNet-1K"): the text names that variant, so the mention is that entity, not the family."""
    found = {name_key(a): a for a in m.aliases
             if narrower_or_broader(a, m.name) and words(m.name) < words(a)
             and any(w.isdigit() or len(w) == 1 for w in words(a) - words(m.name))}
    return next(iter(found.values())) if len(found) == 1 else None


def resolve(extractions: list[Extraction]) -> Resolution:
    uf = _UnionFind()
    names: dict[str, Counter] = defaultdict(Counter)  # node key -> surface counts
    canonical: dict[str, str] = {}  # node key -> lexicon name
    gazetteer = default_gazetteer()
    claims: dict[str, set[str]] = defaultdict(set)  # alias node key -> node keys of the mentions claiming it
    defined: dict[str, set[str]] = defaultdict(set)  # the same, for short acronyms papers defined
    spelled: set[str] = set()  # those of them some paper defined for the name they spell
    kept: dict[str, set[str]] = defaultdict(set)  # node key -> every alias its mentions were written with

    def node(type_: str, key: str) -> str:
        return f"{type_}\t{key}"

    def _is_term(m) -> bool:
        term = gazetteer.lookup(m.name)
        return term is not None and term.type == m.type and term.name == m.name

    # Within one paper, a mention whose alias is another mention's name plus or minus words
    # ("Open Graph" also written "Open Graph Benchmark") is that paper's one entity: the broader
    # mention takes the narrower one's key, for this paper only, so no other paper's broad name
    # is pulled in. Not when the broader name is one of the lexicon's: the field's own entity
    # ("distribution shift", "combinatorial optimization") stays itself beside the paper's
    # narrower one ("non-adversarial distribution shifts").
    remap: dict[tuple[str, str, str], str] = {}
    for ex in extractions:
        here = {(m.type, name_key(m.name)): m for m in ex.mentions}
        for m in ex.mentions:
            for alias in m.aliases:
                other = here.get((m.type, name_key(alias)))
                if other is not None and other is not m and narrower_or_broader(alias, m.name):
                    broad, narrow = (m, other) if words(m.name) < words(alias) else (other, m)
                    if not _is_term(broad):
                        remap.setdefault((ex.paper_id, broad.type, broad.name), narrow.name)
        # two mentions of one paper written with the same alias are that paper's one entity
        # ("feature space backdoor attack" and "Space Black-box Backdoor Attack", both "backdoor
        # attack"): again for this paper only, under the first of their names
        sharing: dict[tuple[str, str], set[str]] = defaultdict(set)
        for m in ex.mentions:
            for alias in m.aliases:
                if not _ambiguous_alias(alias):
                    sharing[(m.type, name_key(alias))].add(m.name)
        for (type_, _), group in sorted(sharing.items()):
            if len({name_key(n) for n in group}) > 1:
                first = min(group)
                for n in group:
                    if n != first:
                        remap.setdefault((ex.paper_id, type_, n), remap.get((ex.paper_id, type_, first), first))

    def joins_of(m, root: str) -> tuple[bool, tuple]:
        """What mention m, resolved under `root`, adds: whether it is its lexicon entry's own
        name, and per alias that may join, (alias node key, None) for a claim or (key, whether
        it spells m's name) for an acronym the paper defined."""
        term = gazetteer.lookup(m.name)
        own = root == node(m.type, name_key(m.name))
        out = []
        for alias in m.aliases:
            if narrower_or_broader(alias, m.name) or siblings(alias, m.name):
                continue  # a more specific, more general or sibling name is another entity: no join
            akey = node(m.type, name_key(alias))
            if _ambiguous_alias(alias) and not (term and term.name == m.name and alias in term.aliases):
                # a short acronym joins when a paper defined it for the name it spells, and
                # the mention resolves under that name ("neural architecture search (NAS)");
                # every paper giving it counts as an owner, so two expansions join none
                if _acronym(alias) and akey != root:
                    out.append((akey, bool(spells(alias, m.name) and own)))
                continue
            if akey != root:
                out.append((akey, None))
        return term is not None and term.type == m.type and term.name == m.name and own, tuple(out)

    def decided(surface: str, m) -> tuple:
        root = node(m.type, name_key(surface))
        return (m, surface, root) + joins_of(m, root)

    # the same mention object recurs in many papers (kg.held shares equal ones): decided once,
    # unless a paper remaps it; held with the mention, so its id stays its own
    by_mention: dict[int, tuple] = {}

    def resolved(paper_id: str, m) -> tuple:
        """(m, the name it resolves under (its own, or the narrower name it stands for), its
        node key, joins_of's two answers)."""
        if remap:
            found = remap.get((paper_id, m.type, m.name))
            if found:
                return decided(found, m)
        out = by_mention.get(id(m))
        if out is None:
            out = by_mention[id(m)] = decided(variant_of(m) or synonym_of(m, _is_term(m)) or m.name, m)
        return out

    for ex in extractions:
        for m in ex.mentions:
            _, surface, root, lexicon_entry, joins = resolved(ex.paper_id, m)
            uf.find(root)
            names[root][surface] += 1
            if lexicon_entry:
                canonical[root] = m.name
            kept[root].update(m.aliases)  # shown, and matched where the paper's own text has it
            for akey, spelled_here in joins:
                if spelled_here is None:
                    claims[akey].add(root)
                else:
                    defined[akey].add(root)
                    if spelled_here:
                        spelled.add(akey)

    # fuzzy pass over the names: keys one deletion apart share a variant in this index (a
    # "symmetric delete" index), so candidates are found in linear time instead of comparing
    # every pair
    # every candidate pair is two keys of one type whose lengths differ by at most one, so the
    # index is built for one (type, length) at a time: the keys of that length by their deletions
    # and the keys one shorter as themselves. The same pairs are compared, and the clusters do not
    # depend on the order of the joins; the index of all keys at once was the resolve stage's peak.
    by_length: dict[tuple[str, int], list[str]] = defaultdict(list)
    for key in sorted(names):
        type_, k = key.split("\t", 1)
        if MIN_FUZZY_LENGTH <= len(k) <= MAX_FUZZY_LENGTH:
            by_length[(type_, len(k))].append(key)
    for (type_, length), longer in sorted(by_length.items()):
        variants: dict[str, list[str]] = defaultdict(list)
        for key in by_length.get((type_, length - 1), ()):
            variants[key.split("\t", 1)[1]].append(key)
        for key in longer:
            k = key.split("\t", 1)[1]
            for v in {k[:i] + k[i + 1:] for i in range(len(k))}:
                variants[v].append(key)
        for bucket in variants.values():
            for x in range(len(bucket)):
                for y in range(x + 1, len(bucket)):
                    a, b = bucket[x], bucket[y]
                    if uf.find(a) != uf.find(b) and fuzzy_same(names[a].most_common(1)[0][0], names[b].most_common(1)[0][0]):
                        uf.union(a, b)

    # two names the lexicon lists as entries of their own stay two entities, whatever alias a
    # paper gives ("semantic segmentation" written "image segmentation")
    lexicon_names: dict[str, set[str]] = defaultdict(set)
    for k, name in canonical.items():
        lexicon_names[uf.find(k)].add(name)

    def join(x: str, y: str) -> None:
        a, b = uf.find(x), uf.find(y)
        if a != b and len(lexicon_names[a] | lexicon_names[b]) <= 1:
            uf.union(a, b)
            lexicon_names[uf.find(a)] = lexicon_names[a] | lexicon_names[b]

    # loose pass: names one word-level writing apart ("convolutional network" / "convolutional
    # neural nets", "vanishing gradient" / "vanishing gradient problem"), markers equal; one
    # dictionary lookup per name, so linear in the number of names
    loose: dict[tuple, list[str]] = defaultdict(list)
    for key in sorted(names):
        surface = names[key].most_common(1)[0][0]
        loose[(key.split("\t", 1)[0], loose_key(surface), markers(surface))].append(key)
    for group in loose.values():
        for key in group[1:]:
            join(group[0], key)

    # alias pass: an alias joins its claimant to the entity it names only when one entity claims
    # it; an acronym defined for two different expansions ("TT": tensor train, Topological
    # Transformer) joins none of them
    # owners are read before any alias join, so the outcome does not depend on the order
    for akey in spelled:  # weaker than a lexicon alias: read only where there is none
        claims.setdefault(akey, defined[akey])
    owners = {akey: {uf.find(r) for r in roots} for akey, roots in claims.items()}
    for akey in sorted(claims):
        if akey in names and len(owners[akey]) == 1:
            join(akey, min(claims[akey]))

    clusters: dict[str, list[str]] = defaultdict(list)
    for key in names:
        clusters[uf.find(key)].append(key)

    entities: list[Entity] = []
    key_to_id: dict[str, str] = {}
    used_ids: set[str] = set()
    alias_sets: dict[str, set[str]] = defaultdict(set)
    for key, aliases in kept.items():
        alias_sets[uf.find(key)].update(aliases)
    for root in sorted(clusters, key=lambda r: (r.split("\t")[0], _label(clusters[r], names, canonical))):
        members = clusters[root]
        type_ = root.split("\t", 1)[0]
        label = _label(members, names, canonical)
        surfaces = {n for k in members for n in names[k]} | alias_sets[root]
        aliases = tuple(sorted({s for s in surfaces if s != label}))
        base = f"{type_.lower()}/{slug(label)}"
        node_id, n = base, 2
        while node_id in used_ids:
            node_id, n = f"{base}-{n}", n + 1
        used_ids.add(node_id)
        entities.append(Entity(node_id, type_, label, aliases))
        for k in members:
            key_to_id[k] = node_id

    # each mention in turn, the last one of a paper's (type, name) winning as it would in one
    # dict keyed by (paper, type, name)
    by_name: dict[tuple[str, str], str] = {}
    exceptions: dict[tuple[str, str, str], str] = {}
    for ex in extractions:
        for m in ex.mentions:
            entity = key_to_id[uf.find(resolved(ex.paper_id, m)[2])]
            usual = by_name.setdefault((m.type, m.name), entity)
            if entity != usual:
                exceptions[(ex.paper_id, m.type, m.name)] = entity
            elif exceptions:
                exceptions.pop((ex.paper_id, m.type, m.name), None)
    return Resolution(tuple(entities), by_name, exceptions)


def _label(members: list[str], names: dict[str, Counter], canonical: dict[str, str]) -> str:
    for k in sorted(members):
        if k in canonical:
            return canonical[k]
    counts: Counter = Counter()
    for k in members:
        counts.update(names[k])
    # most frequent surface; ties go to the one with the most capitals kept, then alphabetical
    order = sorted(counts, key=lambda s: (-counts[s], s.endswith("s") and not s.endswith("ss"), s))
    # an acronym is shown by what it stands for ("GP" joined to "Gaussian processes" is labelled
    # "Gaussian processes"): one pass over the surfaces, whatever the cluster's size
    if _acronym(order[0]):
        return next((s for s in order[1:] if spells(order[0], s)), order[0])
    return order[0]
