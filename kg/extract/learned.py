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
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from kg.extract.digest import source_digest
from kg.extract.features import name_relation, pair_features
from kg.extract.memory import ENTITY_CLASSES, NameMemory
from kg.extract.phrases import add_phrases
from kg.extract.rules import CODE_URL, VAGUE, NOT_NAMES, Candidate, RuleExtractor
from kg.extract.scoring import Scorer
from kg.extract.text import Sentence, name_key
from kg.records import Claim, Evidence, Extraction, Mention, Paper

PROPOSES_CLASSES = ("mentions", "proposes")
PAIR_CLASSES = ("none", "outperforms", "extends")
HARDWARE = ENTITY_CLASSES.index("Hardware")
SHIPPED_MODEL = Path(__file__).with_name("model") / "model.json.gz"
MAX_PAIR_METHODS = 8  # methods per sentence paired with each other (a long list is a list, not claims)


@dataclass(frozen=True)
class LinearModel:
    """Multinomial logistic regression over string features: class probabilities are the
    softmax of each class's bias plus the weights of the features present (kg.extract.scoring
    computes them)."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

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
    # Hardware names are few and rarely wrong: CV Hardware F1 0.662 at 0.4, 0.681 at 0.3, 0.686 at
    # 0.2, the other types unchanged (Method at 0.3 or Task at 0.35 lose)
    entity_hardware: float = 0.2
    # CV proposes F1 0.601 at 0.4, 0.609 at 0.45, 0.612 at 0.5, 0.606 at 0.55: a flat top
    proposes: float = 0.5
    # CV method-relation F1 0.233 / 0.244 / 0.243 / 0.236 / 0.225 at 0.08 / 0.1 / 0.12 / 0.15 / 0.2
    # (a flat top: the more precise end; the pair model trained on the judged pool is less sure
    # than one trained on gold-typed pools was)
    pair: float = 0.12


@dataclass(frozen=True)
class ExtractorModel:
    entity: LinearModel
    proposes: LinearModel
    pair: LinearModel
    thresholds: Thresholds = Thresholds()
    memory: NameMemory = NameMemory()

    def scorer(self) -> Scorer:
        """The models ready to score papers, made once per model (its caches fill as it works)."""
        scorer = self.__dict__.get("_scorer")
        if scorer is None:
            if (self.entity.classes, self.proposes.classes, self.pair.classes) != (
                    ENTITY_CLASSES, PROPOSES_CLASSES, PAIR_CLASSES):
                raise ValueError("the model's classes are not those of kg.extract.learned")
            scorer = Scorer(self)
            object.__setattr__(self, "_scorer", scorer)
        return scorer

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
    """(subject, object, sentence index, features) for every pair the pair model judges; each
    also carries the cues of the pair's other sentences (the gold relation is the paper's, so
    one sentence may state what another only names)."""
    pairs = list(_sentence_pairs(cands, sents, rule_claims))
    cues: dict[tuple[int, int], set[str]] = {}
    for s, o, _, feats in pairs:
        cues.setdefault((id(s), id(o)), set()).update(f for f in feats if f.startswith("cue="))
    for s, o, i, feats in pairs:
        both = cues[(id(s), id(o))]
        feats += [f"paper.{f}" for f in sorted(both)]
        yield s, o, i, feats


def _sentence_pairs(cands: dict[str, Candidate], sents: list[Sentence], rule_claims: dict):
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
            yield s, o, i, [f"rule={rule}", "not-together", f"subject.proposed={bool(s.proposed_by)}",
                           *name_relation(s.name, o.name)]


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


def judge_candidates(scorer: Scorer, t: Thresholds, cands: dict[str, Candidate], sents: list[Sentence],
                     has_title: bool) -> dict[str, float]:
    """Drops the candidates the entity model rejects and types the others; sets or clears
    proposed_by by the proposes model. The confidence of each kept name."""
    entity, proposes = scorer.candidates(cands, sents, has_title)
    entity_p = (1 - entity[:, 0]).tolist()  # column 0 is "none"
    best = (entity[:, 1:].argmax(axis=1) + 1).tolist()  # the first of equals, as max() would
    confidence: dict[str, float] = {}
    proposed: dict[str, float] = {}
    for (key, c), p, k, q in zip(list(cands.items()), entity_p, best, proposes[:, 1].tolist()):
        if p < (t.entity_hardware if k == HARDWARE else t.entity):
            del cands[key]
            continue
        c.type, confidence[c.name] = ENTITY_CLASSES[k], p
        proposed[key] = q  # column 1 is "proposes"
    for key in overlapped(cands, confidence):
        del cands[key]
    for key, c in cands.items():
        if c.type in ("Method", "Dataset") and proposed[key] >= t.proposes:
            if not c.proposed_by:
                c.proposed_by, c.proposed_sentence = "learned", (c.spans[0][0] if c.spans else c.sentence)
        else:
            c.proposed_by = ""
    return confidence


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
        scorer = self.model.scorer()
        confidence = judge_candidates(scorer, self.model.thresholds, cands, sents, has_title)
        evidence = [Evidence(s.text, s.start, s.end) for s in sents]
        claims = [replace(cl, confidence=round(confidence.get(cl.object, cl.confidence), 3))
                  for cl in self._paper_claims(cands, sents, evidence)]
        claims += self._pair_claims(scorer, cands, sents, evidence)
        mentions = tuple(
            Mention(c.name, c.type, tuple(sorted(a for a in c.aliases if name_key(a) != name_key(c.name))), c.rule)
            for c in cands.values()
        )
        urls = tuple(dict.fromkeys(u.rstrip(".") for u in CODE_URL.findall(paper.abstract)))
        return Extraction(paper.id, mentions, tuple(claims), urls)

    def _pair_claims(self, scorer: Scorer, cands, sents, evidence: list[Evidence]) -> list[Claim]:
        """outperforms / extends between the methods named together, as the pair model judges."""
        pairs = list(method_pairs(cands, sents, rule_method_claims(self, cands, sents, evidence)))
        claims = []
        for (s, o, i, _), p in zip(pairs, scorer.pairs([f for *_, f in pairs])):
            best = max(range(1, len(PAIR_CLASSES)), key=p.__getitem__)
            if p[best] >= self.model.thresholds.pair:
                pred = PAIR_CLASSES[best]
                claims.append(Claim(s.name, pred, o.name, evidence[i], f"learned/{pred}", round(p[best], 3)))
        return claims
