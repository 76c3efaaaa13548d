"""The rule extractor (`--extractor rules`, the baseline; its generators also give the learned
extractor its candidates): deterministic rules over one paper's title and abstract.

Stages, each a small function: sentences -> candidate mentions (lexicon, defined
abbreviations, coined names, head-noun phrases) -> mentions merged within the paper
-> roles (proposes / mentions / evaluatesOn / usesHardware / addresses) and
method-to-method claims (outperforms, extends) from sentence cues.

One module per concern, each a mixin of RuleExtractor: lexnames (lexicon, acronym
definitions, bare tasks), names (title and coined names), headnouns (head-noun phrases,
compared / task / dataset lists), proposals (propose and naming cues), claims; vocab and
cues hold the word lists and patterns, base the Candidate record and shared helpers.
"""

from __future__ import annotations

from functools import cache

from kg.extract.lexicon import Gazetteer, default_gazetteer
from kg.extract.rules.base import (  # noqa: F401  (_head_type, _inside_url, _is_coined: kg.extract.phrases, .learned)
    Candidate, _head_type, _inside_url, _is_coined, _one_word_apart, _salient, _supported,
)
from kg.extract.rules.claims import Claims
from kg.extract.rules.cues import (  # noqa: F401  (every Cue stays visible here: tests/test_corpus.py checks them all)
    CODE_URL, COMPARE_CUE, COMPONENT_CUE, DATASET_LISTS, EXTEND_CUE, GAIN_CUE, NAMELY, NAMING_CUE, NOVEL_CUE,
    OUR_PROPOSED, PROPOSE_CUE, TASK_LIST, WIN_CUE,
)
from kg.extract.rules.headnouns import HeadNouns
from kg.extract.rules.lexnames import LexiconNames, _domain
from kg.extract.rules.names import CoinedNames
from kg.extract.rules.proposals import Proposals
from kg.extract.rules.vocab import GENERIC_TERMS, NOT_NAMES, STOPWORDS, VAGUE  # noqa: F401
from kg.extract.text import Sentence, name_key, sentences
from kg.records import Evidence, Extraction, Mention, Paper


class RuleExtractor(LexiconNames, CoinedNames, HeadNouns, Proposals, Claims):
    """Rule-based extractor: the candidate generators and the hand rules that judge them."""

    name = "rules"

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or default_gazetteer()

    def pipe(self, papers):
        return map(self, papers)

    def fingerprint(self) -> str:
        from kg.extract.digest import source_digest

        return f"rules:{source_digest()}"

    def __call__(self, paper: Paper) -> Extraction:
        sents, cands = self.candidate_pool(paper)
        self._drop_vague(cands, bool(sents) and sents[0].is_title)
        return self.extraction_from(paper, sents, cands)

    def candidate_pool(self, paper: Paper) -> tuple[list[Sentence], dict[str, Candidate]]:
        """Every candidate the generators find, before any is judged (the learned extractor
        judges this pool with its model; the rules judge it with _drop_vague)."""
        sents = sentences(paper.title, paper.abstract)
        cands: dict[str, Candidate] = {}
        abbrevs = self._abbreviations(sents)
        for i, s in enumerate(sents):
            self._lexicon(s, i, cands)
        self._defined_terms(abbrevs, sents, cands)
        self._title_name(sents, cands)
        # the paper's domain is counted only if a sentence holds a bare task word
        domain = cache(lambda: _domain(paper.title + " " + paper.abstract))
        # the names the paper introduced are all known here: no generator below adds or drops one
        introduced = [c for c in cands.values() if c.rule in ("title-name", "abbreviation", "title-phrase") and " " in c.name]
        for i, s in enumerate(sents):
            self._bare_tasks(s, i, cands, domain)
            if introduced:
                self._known_names(s, i, introduced)
            self._head_nouns(s, i, cands)
            self._coined(s, i, cands, abbrevs)
            self._compared_methods(s, i, cands)
            self._task_lists(s, i, cands)
            self._dataset_lists(s, i, cands)
            self._proposals(s, i, cands)
        return sents, cands

    def extraction_from(self, paper: Paper, sents: list[Sentence], cands: dict[str, Candidate]) -> Extraction:
        for c in cands.values():
            # what a paper proposes is a method or a dataset; a guessed Task type yields
            if c.proposed_by and c.type not in ("Method", "Dataset"):
                if c.rule == "lexicon":
                    c.proposed_by = ""
                else:
                    c.type = "Method"
        mentions = tuple(
            Mention(c.name, c.type, tuple(sorted(a for a in c.aliases if name_key(a) != name_key(c.name))), c.rule)
            for c in cands.values()
        )
        # one Evidence per sentence, shared by its claims (and kept shared when pickled)
        evidence = [Evidence(s.text, s.start, s.end) for s in sents]
        claims = self._paper_claims(cands, sents, evidence) + self._method_claims(cands, sents, evidence)
        urls = tuple(dict.fromkeys(u.rstrip(".") for u in CODE_URL.findall(paper.abstract)))
        return Extraction(paper.id, mentions, tuple(claims), urls)

    # -- candidates -------------------------------------------------------------------------

    def _add(self, cands, name, type_, rule, i, span=None, alias=None) -> Candidate:
        cand = self._find(cands, name)
        if cand is None:
            cand = cands[name_key(name)] = Candidate(name, type_, rule, i)
        if alias and name_key(alias) != name_key(cand.name):
            cand.aliases.add(alias)
        if span:
            cand.spans.append((i, *span))
        return cand

    def _merge_variants(self, cands) -> None:
        """"deepfake media detection" and "deepfake detection", or "neural memory" and "neural
        long-term memory", in one paper are one thing: a descriptive phrase one word longer or
        shorter than another name of the same type, with the same head, becomes its alias."""
        for key, c in list(cands.items()):
            if c.type not in ("Task", "Method") or c.rule not in ("head-noun", "qualified-task"):
                continue
            words = c.name.lower().split()
            for k in cands.values():
                if k is c or k.type != c.type:
                    continue
                if any(_one_word_apart(words, form.lower().split()) for form in (k.name, *sorted(k.aliases))):
                    k.aliases.add(c.name)
                    k.aliases |= c.aliases
                    k.spans += c.spans
                    k.proposed_by = k.proposed_by or c.proposed_by
                    del cands[key]
                    break

    def _find(self, cands, name: str) -> Candidate | None:
        key = name_key(name)
        if key in cands:
            return cands[key]
        for c in cands.values():
            if c.aliases and key in map(name_key, c.aliases):  # no set built per candidate, no Python-level loop
                return c
        return None

    def _drop_vague(self, cands, has_title: bool) -> None:
        for key in [k for k, c in cands.items() if k in VAGUE or not k or c.name in NOT_NAMES]:
            del cands[key]
        for key in [k for k, c in cands.items() if c.name in GENERIC_TERMS and not c.proposed_by and not _salient(c, has_title)]:
            del cands[key]
        # descriptive phrases are kept only with support: proposed, in the title, repeated,
        # or capitalised like a name ("Gamba Cell")
        for key in [k for k, c in cands.items() if c.rule == "head-noun" and not c.proposed_by and not _supported(c, has_title)]:
            del cands[key]
        self._merge_variants(cands)
        # acronyms seen once with no cue are usually noise (units, metrics, section names)
        for key in [k for k, c in cands.items() if c.rule == "acronym" and not c.proposed_by and not c.compared and len(c.spans) < 2]:
            del cands[key]

