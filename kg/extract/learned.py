"""The learned extractor: the rule generators propose candidates, trained linear models decide.

Three decisions are learned from annotated papers (kg.extract.train): for each candidate,
entity or not and its type; for each kept Method or Dataset, proposes or mentions; for each
ordered pair of methods named in one sentence (or the paper's own method and one named there),
outperforms, extends or neither. What the hand rules concluded (the generator that found a name,
whether a propose cue marked it, which method claim they would make) enters only as features.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from kg.extract.rules import (
    CODE_URL, GENERIC_TERMS, NOT_NAMES, VAGUE, Candidate, RuleExtractor, _is_coined, _supported,
)
from kg.extract.digest import source_digest
from kg.extract.memory import ENTITY_CLASSES, NameMemory
from kg.extract.phrases import add_phrases
from kg.extract.text import Sentence, name_key
from kg.records import Claim, Evidence, Extraction, Mention, Paper

PROPOSES_CLASSES = ("mentions", "proposes")
PAIR_CLASSES = ("none", "outperforms", "extends")
SHIPPED_MODEL = Path(__file__).with_name("model") / "model.json.gz"
MAX_PAIR_METHODS = 8  # methods per sentence paired with each other (a long list is a list, not claims)
_WORD = re.compile(r"[A-Za-z][\w+-]*")


def _read_cues() -> dict[str, str]:
    text = (Path(__file__).with_name("words") / "cues.tsv").read_text(encoding="utf-8")
    return dict(line.split("\t")[:2] for line in text.splitlines() if line and not line.startswith("#"))


CUES = _read_cues()


@dataclass(frozen=True)
class LinearModel:
    """Multinomial logistic regression over string features: class probabilities are the
    softmax of each class's bias plus the weights of the features present."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def probabilities_many(self, rows: list[list[str]]) -> list[dict[str, float]]:
        """Class probabilities of each row of features: one numpy gather and sum for all rows."""
        import numpy as np

        if not rows:
            return []
        index, matrix = self._arrays()
        zero = len(matrix) - 1  # an all-zero row starts every slice, so none is empty
        ids, starts = [], []
        get = index.get
        for feats in rows:
            starts.append(len(ids))
            ids.append(zero)
            ids += [get(f, zero) for f in feats]  # an unknown feature adds the zero row
        scores = np.add.reduceat(matrix[ids], starts, axis=0) + np.asarray(self.bias)
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        return [dict(zip(self.classes, row)) for row in scores.tolist()]

    def _arrays(self):
        cached = self.__dict__.get("_cache")
        if cached is None:
            import numpy as np

            names = sorted(self.weights)
            matrix = np.array([self.weights[f] for f in names] + [[0.0] * len(self.classes)]).reshape(-1, len(self.classes))
            cached = ({f: k for k, f in enumerate(names)}, matrix)
            object.__setattr__(self, "_cache", cached)
        return cached

    def to_json(self) -> dict:
        return {"classes": list(self.classes), "bias": list(self.bias),
                "weights": {f: list(w) for f, w in sorted(self.weights.items())}}

    @classmethod
    def from_json(cls, data: dict) -> "LinearModel":
        return cls(tuple(data["classes"]), tuple(data["bias"]), {f: tuple(w) for f, w in data["weights"].items()})


@dataclass(frozen=True)
class Thresholds:
    """Chosen on the 5-fold cross-validation of train.jsonl (`kg eval --cv 5`)."""

    entity: float = 0.4
    proposes: float = 0.4
    pair: float = 0.25


@dataclass(frozen=True)
class ExtractorModel:
    entity: LinearModel
    proposes: LinearModel
    pair: LinearModel
    thresholds: Thresholds = Thresholds()
    memory: NameMemory = NameMemory()

    def to_bytes(self) -> bytes:
        """Deterministic bytes: sorted keys, fixed float format, gzip without a time stamp."""
        doc = {"format": "kg-extractor/1", "entity": self.entity.to_json(), "proposes": self.proposes.to_json(),
               "pair": self.pair.to_json(), "thresholds": vars(self.thresholds), "memory": self.memory.to_json()}
        raw = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        return gzip.compress(raw, compresslevel=9, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> "ExtractorModel":
        doc = json.loads(gzip.decompress(data))
        if doc.get("format") != "kg-extractor/1":
            raise ValueError("not a kg extractor model")
        return cls(LinearModel.from_json(doc["entity"]), LinearModel.from_json(doc["proposes"]),
                   LinearModel.from_json(doc["pair"]), Thresholds(**doc["thresholds"]),
                   NameMemory.from_json(doc.get("memory", {})))


@lru_cache(maxsize=8)
def load_model(path: str | Path = SHIPPED_MODEL) -> tuple[ExtractorModel, str]:
    """The model in `path` and the sha1 of its bytes."""
    try:
        data = Path(path).read_bytes()
        return ExtractorModel.from_bytes(data), hashlib.sha1(data).hexdigest()
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a kg extractor model ({exc})") from None


# --- features ------------------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)
def shape(name: str) -> str:
    """Aa-1 style word shape with runs collapsed: "ResNet-50" -> "XxXx-d"."""
    out = []
    for ch in name[:30]:
        s = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else " " if ch.isspace() else ch
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out)


def sentence_words(sents: list[Sentence]) -> list[tuple[list[int], list[int], list[str]]]:
    """Each sentence's words once: (starts, ends, lower-cased words), for window look-ups."""
    out = []
    for s in sents:
        found = list(_WORD.finditer(s.text))
        out.append(([m.start() for m in found], [m.end() for m in found], [m.group().lower() for m in found]))
    return out


def _window(words, start: int, end: int, n: int = 3) -> tuple[list[str], list[str]]:
    starts, ends, low = words
    before = bisect_right(ends, start)
    after = bisect_left(starts, end)
    return low[max(0, before - n):before], low[after:after + n]


def nesting(cands: dict[str, Candidate]) -> dict[str, list[str]]:
    """Which other candidates' mentions hold or lie inside each candidate's mentions, by the
    generator that found them: "ResNet-50" inside the phrase "ResNet-50 backbone" is a
    boundary decision the model learns, not a rule."""
    by_sentence: dict[int, list[tuple[int, int, str, str]]] = {}
    for key, c in cands.items():
        for si, a, b in c.spans:
            by_sentence.setdefault(si, []).append((a, -b, key, c.rule))
    out: dict[str, set[str]] = {}
    for items in by_sentence.values():
        items.sort()
        open_spans: list[tuple[int, int, str, str]] = []
        for a, minus_b, key, rule in items:
            b = -minus_b
            open_spans = [t for t in open_spans if t[1] > a]
            for x, y, outer, outer_rule in open_spans:
                if outer != key and y >= b and (x, y) != (a, b):
                    out.setdefault(key, set()).update((f"inside={outer_rule}", "inside-left" if x < a else "inside-right"))
                    out.setdefault(outer, set()).add(f"contains={rule}")
            open_spans.append((a, b, key, rule))
    return {k: sorted(v) for k, v in out.items()}


def candidate_features(cands: dict[str, Candidate], sents: list[Sentence], has_title: bool) -> dict[str, list[str]]:
    """The entity (and proposes) features of every candidate of a paper."""
    words = sentence_words(sents)
    nested = nesting(cands)
    return {key: entity_features(c, words, has_title) + nested.get(key, []) for key, c in cands.items()}


def entity_features(c: Candidate, words: list, has_title: bool) -> list[str]:
    names = c.name.split() or [""]
    low = c.name.lower()
    head = names[-1].lower()
    seen = sorted({si for si, _, _ in c.spans}) or [c.sentence]
    in_title = has_title and seen[0] == 0
    f = [f"rule={c.rule}", f"type={c.type}", f"rule.type={c.rule}|{c.type}", f"head={head}",
         f"head.type={head}|{c.type}", f"suffix={head[-3:]}", f"first={names[0].lower()}",
         f"words={min(len(names), 5)}", f"sentences={min(len(seen), 4)}", f"title={in_title}|{c.type}",
         f"shape={shape(c.name)}", f"position={min(seen[0], 4)}"]
    f += [f"word={w.lower()}" for w in names[:-1]]
    if c.proposed_by:
        f += [f"cue={c.proposed_by}", f"cue.type={c.proposed_by}|{c.type}"]
    if c.compared:
        f.append("compared")
    if c.aliases:
        f.append("aliased")
        if any(a.isupper() for a in c.aliases):
            f.append("acronym-defined")
    if low in GENERIC_TERMS:
        f.append("generic")
    if _supported(c, has_title):
        f.append("supported")
    if _is_coined(names[0]):
        f.append("coined")
    for si, a, b in c.spans[:4]:
        before, after = _window(words[si], a, b)
        f += [f"before={w}" for w in before] + [f"after={w}" for w in after]
        if before:
            f.append(f"before1={before[-1]}|{c.type}")
    return f


def pair_features(text: str, subj: tuple[int, int] | None, obj: tuple[int, int], s: Candidate, o: Candidate,
                  rule: str) -> list[str]:
    """Cue words between and before the two mentions, their order and distance; `subj` None
    when the subject is the paper's own method, not named in the sentence."""
    f = [f"rule={rule}", f"subject.proposed={bool(s.proposed_by)}", f"object.proposed={bool(o.proposed_by)}",
         f"object.rule={o.rule}"]
    if subj is None:
        left, between = text[:obj[0]], ""
        f.append("implicit")
        order = "implicit"
    elif subj[0] < obj[0]:
        left, between, order = text[:subj[0]], text[subj[1]:obj[0]], "subject-first"
    else:
        left, between, order = text[:obj[0]], text[obj[1]:subj[0]], "object-first"
    words = [w.lower() for w in _WORD.findall(between)]
    f += [f"order={order}", f"distance={min(len(words), 12) // 3}|{order}"]
    for w in words[:12]:
        f.append(f"between={w}")
        if w in CUES:
            f += [f"cue={CUES[w]}", f"cue.order={CUES[w]}|{order}"]
    for w in [w.lower() for w in _WORD.findall(left[-80:])][-6:]:
        if w in CUES:
            f += [f"left={CUES[w]}", f"left.order={CUES[w]}|{order}"]
    return f


# --- the extractor -------------------------------------------------------------------------------

def prepare(rules: RuleExtractor, paper: Paper) -> tuple[list[Sentence], dict[str, Candidate], bool]:
    """The candidate pool shared by training and extraction: all generators, minus names that
    are never names (the word lists VAGUE and NOT_NAMES), plus the noun phrases."""
    sents, cands = rules.candidate_pool(paper)
    for key in [k for k, c in cands.items() if k in VAGUE or not k or c.name in NOT_NAMES]:
        del cands[key]
    rules._merge_variants(cands)
    add_phrases(sents, cands)
    return sents, cands, bool(sents) and sents[0].is_title


def method_pairs(cands: dict[str, Candidate], sents: list[Sentence], rule_claims: dict):
    """(subject, object, sentence index, features) for every pair the pair model judges."""
    methods = [c for c in cands.values() if c.type == "Method"]
    own = [c for c in methods if c.proposed_by]
    in_sentence: dict[int, dict[int, tuple]] = {}
    for c in methods:
        for si, a, b in c.spans:
            in_sentence.setdefault(si, {}).setdefault(id(c), (a, b, c))
    done = set()
    for i, found in sorted(in_sentence.items()):
        if sents[i].is_title:
            continue
        text = sents[i].text
        here = sorted(found.values(), key=lambda t: t[0])[:MAX_PAIR_METHODS]
        for a, b, s in here:
            for x, y, o in here:
                if o is not s:
                    done.add((id(s), id(o)))
                    yield s, o, i, pair_features(text, (a, b), (x, y), s, o, rule_claims.get((s.name, o.name), "none"))
        names = {id(t[2]) for t in here}
        for s in own[:2]:
            if id(s) not in names:
                for x, y, o in here:
                    if not o.proposed_by and (id(s), id(o)) not in done:
                        done.add((id(s), id(o)))
                        yield s, o, i, pair_features(text, None, (x, y), s, o, rule_claims.get((s.name, o.name), "none"))
    by_name = {c.name: c for c in methods}
    for (sn, on), (rule, i) in sorted(rule_claims.items()):
        s, o = by_name.get(sn), by_name.get(on)
        if s is not None and o is not None and (id(s), id(o)) not in done:
            yield s, o, i, [f"rule={rule}", "not-together", f"subject.proposed={bool(s.proposed_by)}"]


def rule_method_claims(rules: RuleExtractor, cands, sents, evidence: list[Evidence]) -> dict[tuple[str, str], tuple[str, int]]:
    """(subject, object) -> (rule, sentence index) of the method claims the hand rules make."""
    index = {id(e): k for k, e in enumerate(evidence)}
    return {(c.subject, c.object): (c.rule, index[id(c.evidence)]) for c in rules._method_claims(cands, sents, evidence)}


def overlapped(cands: dict[str, Candidate], confidence: dict[str, float]) -> list[str]:
    """Keys of accepted candidates whose every mention lies inside or across a more likely
    one's ("encoding" inside "positional encoding"): one name per stretch of text."""
    taken: dict[int, list[tuple[int, int]]] = {}
    drop = []
    for key, c in sorted(cands.items(), key=lambda kv: (-confidence[kv[1].name], kv[0])):
        free = [(si, a, b) for si, a, b in c.spans
                if not any(a < y and x < b for x, y in taken.get(si, ()))]
        if c.spans and not free:
            drop.append(key)
            continue
        for si, a, b in c.spans:
            taken.setdefault(si, []).append((a, b))
    return drop


class LearnedExtractor(RuleExtractor):
    """The default extractor: `kg build` uses the shipped model, `--model FILE` another."""

    name = "learned"

    def __init__(self, model: ExtractorModel | str | Path | None = None):
        super().__init__()
        if isinstance(model, ExtractorModel):
            self.model, digest = model, hashlib.sha1(model.to_bytes()).hexdigest()
        else:
            self.model, digest = load_model(model or SHIPPED_MODEL)
        self._fingerprint = f"learned:{digest}:{source_digest()}"

    def fingerprint(self) -> str:
        """Model weights and the code and word lists that make its features."""
        return self._fingerprint

    def pipe(self, papers: Iterable[Paper]) -> Iterator[Extraction]:
        for paper in papers:
            yield self(paper)

    def __call__(self, paper: Paper) -> Extraction:
        sents, cands, has_title = prepare(self, paper)
        t = self.model.thresholds
        confidence: dict[str, float] = {}
        memory = self.model.memory
        features = candidate_features(cands, sents, has_title)
        for key, feats in features.items():
            feats += memory.features(key)
        for (key, c), p in zip(list(cands.items()), self.model.entity.probabilities_many(list(features.values()))):
            best = max(ENTITY_CLASSES[1:], key=p.__getitem__)
            if 1 - p["none"] < t.entity:
                del cands[key]
                continue
            c.type, confidence[c.name] = best, 1 - p["none"]
        for key in overlapped(cands, confidence):
            del cands[key]
        judged = [key for key, c in cands.items() if c.type in ("Method", "Dataset")]
        proposes = dict(zip(judged, self.model.proposes.probabilities_many([features[k] for k in judged])))
        for key, c in cands.items():
            proposed = key in proposes and proposes[key]["proposes"] >= t.proposes
            if proposed and not c.proposed_by:
                c.proposed_by, c.proposed_sentence = "learned", (c.spans[0][0] if c.spans else c.sentence)
            elif not proposed:
                c.proposed_by = ""
        evidence = [Evidence(s.text, s.start, s.end) for s in sents]
        claims = [replace(cl, confidence=round(confidence.get(cl.object, cl.confidence), 3))
                  for cl in self._paper_claims(cands, sents, evidence)]
        rule_claims = rule_method_claims(self, cands, sents, evidence)
        pairs = list(method_pairs(cands, sents, rule_claims))
        for (s, o, i, _), p in zip(pairs, self.model.pair.probabilities_many([f for *_, f in pairs])):
            pred = max(PAIR_CLASSES[1:], key=p.__getitem__)
            if p[pred] >= t.pair:
                claims.append(Claim(s.name, pred, o.name, evidence[i], f"learned/{pred}", round(p[pred], 3)))
        mentions = tuple(
            Mention(c.name, c.type, tuple(sorted(a for a in c.aliases if name_key(a) != name_key(c.name))), c.rule)
            for c in cands.values()
        )
        urls = tuple(dict.fromkeys(u.rstrip(".") for u in CODE_URL.findall(paper.abstract)))
        return Extraction(paper.id, mentions, tuple(claims), urls)
