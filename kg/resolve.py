"""Resolution: the only stage that looks across papers.

Clusters the mentions of all papers into entities (exact name keys, guarded fuzzy
matching, then aliases) and gives each entity a stable node id. General guards, no name
lists: a name plus words or a number marker is another entity, a coined name has no
spelling variants, an alias claimed by several entities joins none, and two lexicon
entries are never joined by a paper's alias.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from kg.extract.lexicon import default_gazetteer
from kg.extract.text import name_key, slug
from kg.names import fold
from kg.records import Entity, Extraction

MIN_FUZZY_LENGTH = 8  # shorter names differ by a letter on purpose ("ConvNet" vs "ConvNeXt")
# The fuzzy index holds every one-deletion variant of a key: a name longer than this is no
# spelling anyone repeats, and indexing it would cost its length squared (a 100k-char name).
MAX_FUZZY_LENGTH = 80
# Words that make a different model or dataset when they differ: sizes, versions, splits.
_MARKERS = re.compile(r"\d+|\b(?:tiny|small|base|large|huge|giant|xl|xxl|mini|nano|medium|lite|plus|pro|ultra|v\d*|[a-z])\b|\+", re.I)


@dataclass(frozen=True)
class Resolution:
    entities: tuple[Entity, ...]
    index: dict[tuple[str, str, str], str]  # (paper id, type, mention name) -> entity id

    def entity_id(self, paper_id: str, type_: str, name: str) -> str:
        return self.index[(paper_id, type_, name)]


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


def _ambiguous_alias(alias: str) -> bool:
    """Aliases that name different things in different papers: short acronyms ("TT",
    "SAM") and single common words ("detection" is object detection in one paper and
    3D object detection in another)."""
    core = re.sub(r"[\W_]", "", alias)
    if len(core) <= 5 and sum(c.isupper() for c in core) >= 2:
        return True
    return " " not in alias.strip() and alias.islower() and "-" not in alias


def _acronym(name: str) -> bool:
    """A short form in capitals ("GP", "CNNs", "MoE"), not a word ("kernel")."""
    core = re.sub(r"[\W_]", "", name)
    return 0 < len(core) <= 6 and sum(c.isupper() for c in core) * 2 > len(core)


def markers(name: str) -> tuple[str, ...]:
    return tuple(m.lower() for m in _MARKERS.findall(name))


_WORD = re.compile(r"[^\W\d_]+|\d+")
_COINED = re.compile(r"\w[A-Z]|\d")
_HEADS = frozenset(name_key(line.strip()) for line in Path(__file__).with_name("resolve_heads.txt").read_text().splitlines()
                   if line.strip() and not line.startswith("#"))
# the field's shorthand for its own words, as single words ("ResNet" stays one word)
_ABBREVIATIONS = {"net": ("network",), "nn": ("neural", "network"), "nns": ("neural", "network")}


@lru_cache(maxsize=1 << 16)
def words(name: str) -> frozenset[str]:
    """The name's words, with letter and digit runs apart ("ImageNet-1K": imagenet, 1, k) and
    plurals folded, so word sets compare across spelling and hyphenation."""
    return frozenset(name_key(w) for w in _WORD.findall(name.casefold()))


def coined(name: str) -> bool:
    """A name its authors spelled (inner capitals or digits: ResNeXt, NVIDIA, GPT-4): it has no
    spelling variants, one letter off is another model (ResNet/ResNeXt, EfficientNet/EfficientDet)."""
    return bool(_COINED.search(name))


def narrower_or_broader(a: str, b: str) -> bool:
    """True when one name is the other plus words: a more specific name ("fine-grained image
    classification" / "image classification", "ImageNet-1K" / "ImageNet", "Dense Convolutional
    Network" / "convolutional network") names a different entity. Extra words only join a name
    that has the same number markers already ("NVIDIA P100" / "P100" / "P100 GPU" are one)."""
    wa, wb = words(a), words(b)
    if wa == wb or not (wa < wb or wb < wa):
        return False
    small = wa if wa < wb else wb
    extra = (wb - wa) or (wa - wb)
    has_number = any(w.isdigit() for w in small)
    return not has_number or any(w.isdigit() or len(w) == 1 for w in extra)


_ES_PLURAL = re.compile(r"(?<=ch|sh|ss|.x)es$")  # "searches", "losses", "boxes": name_key keeps the "e"


def _word_list(name: str) -> list[str]:
    return [name_key(_ES_PLURAL.sub("", w)) for w in _WORD.findall(name.casefold())]


_SUFFIXES = ("ation", "ing", "ion", "ate", "ed", "e")


def _stem(word: str) -> str:
    """A verb and its noun or participle ("fine-tune" / "fine-tuning" / "fine-tuned",
    "backpropagate" / "backpropagation") share a stem marked "~": a word with no such ending
    is not one of them, so "model" stays apart from "modeling"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)] + "~"
    return word


@lru_cache(maxsize=1 << 16)
def loose_key(name: str) -> str:
    """The name's words with the ways one name is written in several papers folded: the
    field's shorthand for its own words ("nets", "NNs"), "neural" before "network" after
    another word ("convolutional network"; "neural network" itself stays), and one trailing
    generic head ("vanishing gradient problem", "MSE loss") when what is left still names
    something: two words or more, or a coined name ("kernel method" is no "kernel"); a head
    written with a capital is part of a proper name ("Open Graph Benchmark"); then the last
    word's verb ending (_stem). The head words are data (resolve_heads.txt). Markers are not
    touched: callers compare them apart."""
    out: list[str] = []
    for w in _word_list(name):
        out.extend(_ABBREVIATIONS.get(w, (w,)))
    out = [w for i, w in enumerate(out) if not (w == "neural" and i > 0 and out[i + 1:i + 2] == ["network"])]
    head = name.split()[-1] if name.split() else ""
    if len(out) > 1 and out[-1] in _HEADS and (len(out) > 2 or coined(name.split()[0])) and not head[:1].isupper():
        out.pop()
    if out and not coined(name):
        out[-1] = _stem(out[-1])
    return " ".join(out)


def fuzzy_same(a: str, b: str) -> bool:
    """Spelling variants match; size, version and split markers must agree
    (CIFAR-10 vs CIFAR-100, ResNet-50 vs ResNet-101, GPT-2 vs GPT-3)."""
    if markers(a) != markers(b):
        return False
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    shortest = min(len(ka), len(kb))
    if shortest < MIN_FUZZY_LENGTH or max(len(ka), len(kb)) > MAX_FUZZY_LENGTH:
        return False
    if coined(a) or coined(b) or narrower_or_broader(a, b):
        return False
    allowed = 1 if shortest < 16 else 2
    return Levenshtein.distance(ka, kb, score_cutoff=allowed) <= allowed


def acronym_of(short: str, long: str) -> bool:
    """"MLP" / "multilayer perceptron": the short form's letters run through the long form in
    order, starting at its first letter."""
    letters = [c for c in short if c.isalpha()]
    if sum(c.isupper() for c in letters) * 2 < len(letters):
        return False  # a word shortened ("ResNet" for residual network) is a name of its own
    a, b = fold(short), fold(long)
    if not a or not b or a[0] != b[0] or len(a) >= len(b):
        return False
    i = 0
    for c in b:
        if i < len(a) and c == a[i]:
            i += 1
    return i == len(a)


_GLUE = frozenset("a an and by for in of on the to with".split())


def spells(short: str, long: str) -> bool:
    """The short form is made of the long form's words, each giving its first letter and maybe
    more, in order ("of", "and" may give none): "LSTM" / "long short-term memory", "BP" / "backpropagation", "IVIF" /
    "infrared and visible image fusion". Stricter than acronym_of: "TT" does not spell "tensor
    train decomposition", so an acronym joins across papers only the name it was made from."""
    if len(short) > 2 and short.endswith("s") and short[-2].isupper():
        short = short[:-1]  # a plural: "CNNs"
    letters = "".join(c for c in short.casefold() if c.isalnum())
    ws = re.findall(r"[^\W_]+", long.casefold())
    if not letters or not ws or len(letters) > 12 or len(ws) > 12:
        return False

    @lru_cache(maxsize=None)
    def fit(i: int, j: int) -> bool:  # letters[i:] from words[j:], each word starting one run
        if j == len(ws):
            return i == len(letters)
        w = ws[j]
        if w in _GLUE and fit(i, j + 1):  # "of", "and" may give a letter ("MoE") or none
            return True
        if i == len(letters) or letters[i] != w[0]:
            return False
        k, i = 1, i + 1
        while True:
            if fit(i, j + 1):
                return True
            while k < len(w) and (i == len(letters) or w[k] != letters[i]):
                k += 1
            if k == len(w) or i == len(letters):
                return False
            i, k = i + 1, k + 1
    return fit(0, 0)


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
        if acronym_of(a, m.name) or acronym_of(m.name, a) or fuzzy_same(a, m.name):
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

    # Within one paper, a mention whose alias is another mention's name plus or minus words
    # ("Open Graph" also written "Open Graph Benchmark") is that paper's one entity: the broader
    # mention takes the narrower one's key, for this paper only, so no other paper's broad name
    # is pulled in.
    remap: dict[tuple[str, str, str], str] = {}
    for ex in extractions:
        here = {(m.type, name_key(m.name)): m for m in ex.mentions}
        for m in ex.mentions:
            for alias in m.aliases:
                other = here.get((m.type, name_key(alias)))
                if other is not None and other is not m and narrower_or_broader(alias, m.name):
                    broad, narrow = (m, other) if words(m.name) < words(alias) else (other, m)
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

    def key_of(paper_id: str, m) -> str:
        return name_key(surface_of(paper_id, m))

    resolved_as: dict[tuple, str] = {}

    def surface_of(paper_id: str, m) -> str:
        """The name this mention resolves under: its own, or the narrower name it stands for."""
        k = (paper_id, m.type, m.name)
        if k not in resolved_as:
            resolved_as[k] = remap.get(k) or _moved(m)
        return resolved_as[k]

    @lru_cache(maxsize=None)
    def _moved(m) -> str:  # the same mention recurs in many papers: decide it once
        return variant_of(m) or synonym_of(m, _is_term(m)) or m.name

    def _is_term(m) -> bool:
        term = gazetteer.lookup(m.name)
        return term is not None and term.type == m.type and term.name == m.name

    for ex in extractions:
        for m in ex.mentions:
            root = node(m.type, key_of(ex.paper_id, m))
            uf.find(root)
            names[root][surface_of(ex.paper_id, m)] += 1
            term = gazetteer.lookup(m.name)
            if term is not None and term.type == m.type and term.name == m.name and root == node(m.type, name_key(m.name)):
                canonical[root] = term.name
            for alias in m.aliases:
                kept[root].add(alias)  # shown, and matched where the paper's own text has it
                if narrower_or_broader(alias, m.name):
                    continue  # a more specific or more general name is another entity: no join
                akey = node(m.type, name_key(alias))
                if _ambiguous_alias(alias) and not (term and term.name == m.name and alias in term.aliases):
                    # a short acronym joins when a paper defined it for the name it spells, and
                    # the mention resolves under that name ("neural architecture search (NAS)");
                    # every paper giving it counts as an owner, so two expansions join none
                    if _acronym(alias) and akey != root:
                        defined[akey].add(root)
                        if spells(alias, m.name) and root == node(m.type, name_key(m.name)):
                            spelled.add(akey)
                    continue
                if akey != root:
                    claims[akey].add(root)

    # fuzzy pass over the names: keys one deletion apart share a variant in this index (a
    # "symmetric delete" index), so candidates are found in linear time instead of comparing
    # every pair
    variants: dict[str, list[str]] = defaultdict(list)
    for key in sorted(names):
        type_, k = key.split("\t", 1)
        if MIN_FUZZY_LENGTH <= len(k) <= MAX_FUZZY_LENGTH:
            for v in {k} | {k[:i] + k[i + 1:] for i in range(len(k))}:
                variants[f"{type_}\t{v}"].append(key)
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

    index = {}
    for ex in extractions:
        for m in ex.mentions:
            index[(ex.paper_id, m.type, m.name)] = key_to_id[uf.find(node(m.type, key_of(ex.paper_id, m)))]
    return Resolution(tuple(entities), index)


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
