"""Training the learned extractor from gold annotations (`kg train`, `kg eval --cv`).

Gold papers are matched to corpus papers by title. Each candidate of the shared pool
(kg.extract.learned.prepare) is labelled by the gold entity whose name or alias it matches
(SCHEMA.md's name key), each method pair by the gold relation between the entities its two
names match. Pairs are taken from the pool as the extractor will see it: judged by entity and
proposes models fitted on the other folds, so the pair model also meets the pairs of wrong
entities (trained on gold-typed pools only, it claimed relations between them freely). Three
logistic regressions (scikit-learn) are fitted; the same inputs give the same bytes (fixed
solver, fixed example order, rounded weights).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from kg.extract.learned import (
    ENTITY_CLASSES, PAIR_CLASSES, PROPOSES_CLASSES, ExtractorModel, LinearModel, Thresholds,
    judge_candidates, method_pairs, prepare, rule_method_claims,
)
from kg.extract.features import candidate_features
from kg.extract.memory import build_memory
from kg.extract.rules import RuleExtractor
from kg.extract.text import name_key
from kg.evaluate import read_gold as evaluation_gold
from kg.records import Evidence, Paper

MEMORY_FOLDS = 5  # cross-fitting of the name memory (a salted title hash, not the CV folds)
MIN_FEATURE_PAPERS = 2  # a feature seen in one training paper only is that paper's, not the field's
DIGITS = 5


class GoldError(ValueError):
    """A gold file that cannot be read: the message is one line naming file and line."""


@dataclass(frozen=True)
class GoldPaper:
    title: str
    entities: tuple[dict, ...]
    relations: tuple[dict, ...]
    record: dict

    def keys(self) -> dict[str, dict]:
        """name key of every name and alias -> its gold entity."""
        out: dict[str, dict] = {}
        for e in self.entities:
            for n in (e["name"], *e.get("aliases", ())):
                out.setdefault(name_key(n), e)
        return out


def read_gold(paths: Iterable[str | Path]) -> list[GoldPaper]:
    """The gold files' records (kg.evaluate.read_gold parses them) as GoldPapers."""
    papers = []
    for path in paths:
        try:
            records = evaluation_gold(path)
        except UnicodeDecodeError:
            raise GoldError(f"{path}: not UTF-8 text") from None
        except (OSError, ValueError) as exc:
            raise GoldError(str(exc) if isinstance(exc, ValueError) else f"{path}: cannot read: {exc.strerror}") from None
        for n, rec in enumerate(records, 1):
            try:
                papers.append(GoldPaper(rec["title"], tuple(rec["entities"]), tuple(rec["relations"]), rec))
            except (KeyError, TypeError) as exc:
                raise GoldError(f"{path}: record {n}: not a gold record: {exc}") from None
    return papers


def title_key(title: str) -> str:
    return " ".join(title.lower().split())


def pair_with_papers(gold: list[GoldPaper], papers: Iterable[Paper]) -> list[tuple[GoldPaper, Paper]]:
    by_title = {title_key(p.title): p for p in papers}
    return [(g, by_title[title_key(g.title)]) for g in gold if title_key(g.title) in by_title]


def _evidence(sents) -> list[Evidence]:
    return [Evidence(s.text, s.start, s.end) for s in sents]


def fold_of(title: str, k: int) -> int:
    """Folds by paper, from a hash of the title: stable whatever the file order."""
    return int(hashlib.sha1(title_key(title).encode()).hexdigest(), 16) % k


# --- examples -------------------------------------------------------------------------------------

def paper_examples(rules: RuleExtractor, gold: GoldPaper, paper: Paper):
    """(entity examples, proposes examples) of one paper, (features, label), and each
    candidate's (name key, label)."""
    keys = gold.keys()
    proposed = {name_key(r["o"]) for r in gold.relations if r["s"] == "PAPER" and r["p"] == "proposes"}
    sents, cands, has_title = prepare(rules, paper)
    entities, proposes, labelled = [], [], []
    for key, feats in candidate_features(cands, sents, has_title).items():
        match = _gold_entity(keys, cands[key])
        entities.append((feats, match["type"] if match else "none"))
        labelled.append((key, entities[-1][1]))
        if match is not None and match["type"] in ("Method", "Dataset"):
            proposes.append((feats, "proposes" if name_key(match["name"]) in proposed else "mentions"))
    return entities, proposes, labelled


def _gold_entity(keys: dict[str, dict], c) -> dict | None:
    return next((keys[k] for k in (name_key(c.name), *map(name_key, sorted(c.aliases))) if k in keys), None)


def pair_examples(rules: RuleExtractor, scorer, thresholds: Thresholds, gold: GoldPaper, paper: Paper):
    """The pair examples of one paper, on the pool as a model not trained on it judges it: the
    pairs the extractor will meet, those of its wrong entities included."""
    keys = gold.keys()
    method_rel = {(name_key(r["s"]), name_key(r["o"])): r["p"] for r in gold.relations
                  if r["s"] != "PAPER" and r["p"] in PAIR_CLASSES}
    sents, cands, has_title = prepare(rules, paper)
    judge_candidates(scorer, thresholds, cands, sents, has_title)
    canon = {c.name: name_key(m["name"]) for c in cands.values() if (m := _gold_entity(keys, c)) is not None}
    claims = rule_method_claims(rules, cands, sents, _evidence(sents))
    return [(feats, method_rel.get((canon.get(s.name), canon.get(o.name)), "none"))
            for s, o, _, feats in method_pairs(cands, sents, claims)]


def examples(pairs: list[tuple[GoldPaper, Paper]], thresholds: Thresholds, C: float):
    """Per paper lists of examples (features are counted by paper), and the name memory of
    all papers. Cross-fitted by fold: each paper's entity features carry the memory of the
    other folds, and its pairs come from the pool the other folds' models judged."""
    rules = RuleExtractor()
    entity, proposes, labelled, folds = [], [], [], []
    for gold, paper in pairs:
        e, p, names = paper_examples(rules, gold, paper)
        entity.append(e)
        proposes.append(p)
        labelled.append(names)
        folds.append(fold_of(gold.title + "#memory", MEMORY_FOLDS))
    memories = {fold: build_memory(names for names, f in zip(labelled, folds) if f != fold) for fold in set(folds)}
    for paper, (names, f) in enumerate(zip(labelled, folds)):
        for (feats, _), (key, _) in zip(entity[paper], names):
            feats.extend(memories[f].features(key))  # the proposes example shares this list
    # the pair examples need every paper's memory features first: the fold models learn from them
    pair = [[] for _ in pairs]
    for fold in sorted(memories):
        rest = [k for k, f in enumerate(folds) if f != fold]
        scorer = ExtractorModel(fit([entity[k] for k in rest], ENTITY_CLASSES, C),
                                fit([proposes[k] for k in rest], PROPOSES_CLASSES, C),
                                LinearModel(PAIR_CLASSES, (0.0,) * len(PAIR_CLASSES), {}), thresholds,
                                memories[fold]).scorer()
        for k, (gold, paper) in enumerate(pairs):
            if folds[k] == fold:
                pair[k] = pair_examples(rules, scorer, thresholds, gold, paper)
    return (entity, proposes, pair), build_memory(labelled)


def fit(per_paper: list[list[tuple[list[str], str]]], classes: tuple[str, ...], C: float) -> LinearModel:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    papers_with = Counter(f for paper in per_paper for f in {f for feats, _ in paper for f in feats})
    vocab = sorted(f for f, n in papers_with.items() if n >= MIN_FEATURE_PAPERS)
    index = {f: k for k, f in enumerate(vocab)}
    rows, cols, labels = [], [], []
    for paper in per_paper:
        for feats, label in paper:
            r = len(labels)
            for k in sorted({index[f] for f in feats if f in index}):
                rows.append(r)
                cols.append(k)
            labels.append(classes.index(label))
    X = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(labels), len(vocab)))
    y = np.array(labels)
    present = sorted(set(labels))
    if len(present) < 2 or not vocab:  # a fold of a paper or two: nothing to learn from, the commonest class
        bias = [-30.0] * len(classes)
        bias[Counter(labels).most_common(1)[0][0] if labels else 0] = 0.0
        return LinearModel(classes, tuple(bias), {})
    lr = LogisticRegression(C=C, max_iter=2000, solver="lbfgs", tol=1e-6)
    lr.fit(X, y)
    coef, bias = lr.coef_, lr.intercept_
    if len(present) == 2:  # binary: one row of weights, for the second class
        coef, bias = np.vstack([np.zeros_like(coef), coef]), np.array([0.0, bias[0]])
    full_w = np.zeros((len(classes), len(vocab)))
    full_b = np.full(len(classes), -30.0)  # a class never seen in training is never predicted
    for row, cls in enumerate(present):
        full_w[cls], full_b[cls] = coef[row], bias[row]
    weights = {f: tuple(round(float(v), DIGITS) for v in full_w[:, k]) for f, k in index.items()
               if np.abs(full_w[:, k]).max() >= 10 ** -DIGITS}
    return LinearModel(classes, tuple(round(float(b), DIGITS) for b in full_b), weights)


def train(pairs: list[tuple[GoldPaper, Paper]], thresholds: Thresholds = Thresholds(), C: float = 0.25) -> ExtractorModel:
    (entity, proposes, pair), memory = examples(pairs, thresholds, C)
    return ExtractorModel(fit(entity, ENTITY_CLASSES, C), fit(proposes, PROPOSES_CLASSES, C),
                          fit(pair, PAIR_CLASSES, C), thresholds, memory)
