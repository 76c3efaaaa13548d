"""Claims from the candidates: the paper's predicates and method-to-method claims."""
from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.rules.base import Candidate
from kg.extract.rules.cues import (
    COMPARE_CUE, EVAL_CUE, EXTEND_CUE, GAIN_CUE, HEDGE, NEGATION, PRETRAIN_ONLY, WIN_CUE,
)
from kg.extract.rules.vocab import GENERIC_MODIFIERS, STOPWORDS
from kg.records import Claim, PAPER
from kg.schema import kind


RULE_CONFIDENCE = {
    "lexicon": 0.9, "abbreviation": 0.85, "title-name": 0.9, "propose-cue": 0.85, "naming-cue": 0.9,
    "coined-name": 0.6, "acronym": 0.5, "head-noun": 0.55, "dataset-head": 0.7,
}


@lru_cache(maxsize=None)  # a handful of predicates, asked once per claim
def _rule_name(link: str) -> str:
    """usesHardware -> uses-hardware"""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", link).lower()


class Claims:
    """Paper-level claims and outperforms / extends between methods."""

    def _paper_claims(self, cands, sents, evidence) -> list[Claim]:
        claims = []
        for c in cands.values():
            conf = RULE_CONFIDENCE.get(c.rule, 0.6)
            first = c.spans[0][0] if c.spans else c.sentence
            if c.proposed_by:
                claims.append(Claim(PAPER, "proposes", c.name, evidence[c.proposed_sentence], c.proposed_by, max(conf, 0.8)))
                if c.type == "Dataset":
                    claims.append(Claim(PAPER, "evaluatesOn", c.name, evidence[first], "dataset/proposed", 0.7))
                continue
            link = kind(c.type).link  # the schema table's paper predicate for the type
            if c.type == "Dataset":  # only a dataset with results on it, not one used to pre-train
                ev = self._dataset_evidence(c, sents)
                if ev is not None:
                    claims.append(Claim(PAPER, link, c.name, evidence[ev[0]], ev[1], conf))
            elif link is not None:
                rule = _rule_name(link)
                claims.append(Claim(PAPER, link, c.name, evidence[first], f"{rule}/{c.rule}", conf))
        return claims

    def _dataset_evidence(self, c: Candidate, sents) -> tuple[int, str] | None:
        """The sentence reporting results on the dataset; None if it is only pre-training data."""
        spans = c.spans or [(c.sentence, 0, 0)]
        pretrain_only = True
        for si, a, _ in spans:
            text = sents[si].text
            if not PRETRAIN_ONLY.search(text[:a]):
                pretrain_only = False
            if EVAL_CUE.search(text) and not PRETRAIN_ONLY.search(text[:a]):
                return si, "evaluates-on/result-cue"
        if pretrain_only and spans[0][2]:
            return None
        return spans[0][0], "evaluates-on/mention"

    def _method_claims(self, cands, sents, evidence) -> list[Claim]:
        methods = [c for c in cands.values() if c.type == "Method"]
        proposed = [c for c in methods if c.proposed_by]
        main = min(proposed, key=lambda c: (c.rule != "title-name", c.proposed_sentence), default=None)
        claims: list[Claim] = []
        seen: set[tuple[str, str, str]] = set()

        def claim(subj, pred, obj, i, rule, conf):
            if subj is None or obj is subj or (pred == "outperforms" and obj.proposed_by and not subj.proposed_by):
                return
            if pred == "outperforms" and obj.proposed_by and subj.proposed_by and obj is main:
                return
            key = (subj.name, pred, obj.name)
            if key not in seen:
                seen.add(key)
                claims.append(Claim(subj.name, pred, obj.name, evidence[i], rule, conf))

        in_sentence: dict[int, list] = {}
        for c in methods:
            for si, a, b in c.spans:
                in_sentence.setdefault(si, []).append((a, b, c))
        for i, s in enumerate(sents):
            if s.is_title or i not in in_sentence:
                continue  # every claim needs a method named in the sentence as its object
            text = s.text
            spans = sorted(in_sentence[i], key=lambda t: t[0])
            own = [t for t in spans if t[2].proposed_by]

            def subject_before(pos):
                before = [t for t in spans if t[1] <= pos]
                mine = [t for t in before if t[2].proposed_by]
                if mine:
                    return mine[-1][2]
                if before:
                    return before[0][2]
                if re.search(r"\b(?:our|we|it|they|the proposed|this (?:model|method|approach|network))\b", text[:pos], re.I):
                    return own[0][2] if own else main
                return None

            def objects(from_pos):
                stop = re.search(r"[;]|\b(?:while|whereas|but|which|and (?:achiev|yield|reduc|improv|obtain)\w*)\b", text[from_pos:])
                limit = from_pos + stop.start() if stop else len(text)
                return [t[2] for t in spans if from_pos <= t[0] < limit]

            def coordinated(from_pos):
                """The first method after from_pos and those joined to it by "and" or commas."""
                after = [t for t in spans if t[0] >= from_pos]
                if not after:
                    return []
                chain = [after[0]]
                for t in after[1:]:
                    if not re.fullmatch(r"\s*(?:\([^)]*\))?\s*(?:,|and|or|,\s*and|,\s*or)\s*(?:the\s+)?", text[chain[-1][1]:t[0]]):
                        break
                    chain.append(t)
                return [t[2] for t in chain]

            for m in WIN_CUE.finditer(text):
                if NEGATION.search(text[max(0, m.start() - 60): m.start()]):
                    continue
                subj = subject_before(m.start())
                for obj in objects(m.end()):
                    claim(subj, "outperforms", obj, i, "outperforms/cue", 0.75)
            if GAIN_CUE.search(text) and not HEDGE.search(text):
                for m in COMPARE_CUE.finditer(text):
                    subj = subject_before(m.start()) if not own else own[0][2]
                    if subj is not None and subj.proposed_by:
                        for obj in objects(m.end())[:3]:
                            claim(subj, "outperforms", obj, i, "outperforms/compared-gain", 0.6)
            for m in EXTEND_CUE.finditer(text):
                if NEGATION.search(text[max(0, m.start() - 60): m.start()]):
                    continue
                if not text[: m.start()].strip():
                    # "Based on X and Y, we introduce Z": Z extends X and Y
                    comma = text.find(",", m.end())
                    if comma < 0:
                        continue
                    targets = [t[2] for t in spans if m.end() <= t[0] < comma]
                    later = [t[2] for t in spans if t[0] > comma and t[2].proposed_by]
                    subj = later[0] if later else main
                    for obj in targets:
                        claim(subj, "extends", obj, i, "extends/sentence-initial", 0.65)
                    continue
                subj = subject_before(m.start())
                if subj is None or not subj.proposed_by and subj.rule == "lexicon":
                    continue  # a known method's own lineage is background, not this paper's claim
                for obj in coordinated(m.end()):
                    claim(subj, "extends", obj, i, "extends/cue", 0.7)
        self._compositional_extends(methods, sents, claim)
        return claims

    def _compositional_extends(self, methods, sents, claim) -> None:
        """A new name built on a known one extends it: "Spiking Self-Attention" extends
        self-attention, "MossFormer2" extends MossFormer; a size variant ("Swin-B") does not."""
        for c in methods:
            if c.rule == "lexicon" and not c.proposed_by:
                continue
            if c.rule == "lexicon":
                continue
            found = [
                (len(base), o, rel)
                for o in methods if o is not c
                for n in (c.name, *sorted(c.aliases))
                for base, rel in [_built_on(n, o)] if rel
            ]
            if found:
                _, o, rel = max(found, key=lambda t: t[0])
                i = c.proposed_sentence if c.proposed_by else (c.spans[0][0] if c.spans else c.sentence)
                claim(c, "extends", o, max(i, 0), rel, 0.6)


_VERSION_SUFFIX = re.compile(r"^(?:[\s-]?(?:v|V|version\s*)?\d+(?:\.\d+)?|\s?\+\+?|\^?\+)$")


def _built_on(name: str, other: Candidate) -> tuple[str, str | None]:
    """(base name, rule) when `name` is a modifier plus `other`'s name or a new version of it."""
    for base in (other.name, *sorted(a for a in other.aliases if len(a) >= 5)):
        if len(base) < 3 or len(base) >= len(name):
            continue
        low, blow = name.lower(), base.lower()
        if low.endswith(blow) and not low[-len(blow) - 1].isalnum() and len(base.split()) <= len(name.split()):
            prefix = name[: -len(base)].strip(" -")
            if prefix and prefix.lower() not in GENERIC_MODIFIERS and prefix.lower() not in STOPWORDS:
                return base, "extends/modifier-of-known-name"
        if low.startswith(blow) and _VERSION_SUFFIX.match(name[len(base):]):
            return base, "extends/new-version"
    return "", None
