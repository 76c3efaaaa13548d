"""Which candidates the paper proposes: naming, propose, novelty and component cues."""
from __future__ import annotations

import re
from operator import itemgetter

from kg.extract.rules.base import Candidate, _clean_name, _is_coined
from kg.extract.rules.cues import (
    COMPONENT_CUE, NAMELY, NAMING_CUE, NEW_BEFORE, NOVEL_CUE, OUR_PROPOSED, PROPOSE_CUE, _NAME_TOKEN,
)
from kg.extract.rules.vocab import NOT_NAMES, STOPWORDS
from kg.extract.text import Sentence


class Proposals:
    """Marks candidates as proposed by the sentence cues around them."""

    def _proposals(self, s: Sentence, i: int, cands) -> None:
        text = s.text

        def mark(cand: Candidate, rule: str) -> None:
            if not cand.proposed_by and cand.type in ("Method", "Dataset"):
                cand.proposed_by, cand.proposed_sentence = rule, i

        for m in NAMING_CUE.finditer(text):
            nm = _NAME_TOKEN.match(text, m.end()) or re.match(r"[\"“'`]+([^\"”'`]{2,40})[\"”'`]+", text[m.end():])
            if nm:
                name = _clean_name(nm.group(1) if nm.re.groups else nm.group())
                if name and name not in NOT_NAMES and (name[0].isupper() or _is_coined(name)):
                    mark(self._find(cands, name) or self._add(cands, name, "Method", "naming-cue", i), "naming-cue")
        if not (PROPOSE_CUE.possible(text) or NOVEL_CUE.possible(text) or COMPONENT_CUE.possible(text)):
            return  # no cue below can fire ("namely" needs a propose cue, "our proposed" a novel cue)
        here = [(a, b, c) for c in cands.values() if c.type in ("Method", "Dataset") for si, a, b in c.spans if si == i]
        here.sort(key=itemgetter(0))
        def mark_chain(items, rule):
            """Mark the first item, then those coordinated with it ("X and Y", "X, Y and Z")
            or set in apposition ("a new model, X,")."""
            mark(items[0][2], rule)
            last_end = items[0][1]
            for a, b, c in items[1:]:
                if a < last_end:
                    continue
                gap = text[last_end:a]
                if c.rule == "lexicon" and re.search(r"\b(?:an?|the)\s*$", gap):
                    break  # "X, a GHN": the apposition names the class X belongs to
                if re.fullmatch(r"\s*(?:,|and|,\s*and|or|\(|,\s*(?:namely|i\.e\.,?|called|dubbed)|namely)\s*(?:an?\s+|the\s+)?(?:new\s+|novel\s+)?", gap) or re.fullmatch(r"\)?\s*,?\s*(?:an?|the)?\s*", gap):
                    mark(c, rule)
                    last_end = b
                else:
                    break

        for m in PROPOSE_CUE.finditer(text):
            # the first new name after the cue, then names coordinated with it
            # ("X and Y", "X, Y and Z") or set in apposition ("a new model, X,")
            stop = re.search(r"[.;:]|\b(?:which|that|to|where|while|whose|by|using|with|from|against|based|built|inspired|on|of|in|for|via|through|over)\b", text[m.end():])
            clause_end = m.end() + (stop.start() if stop else len(text) - m.end())
            if NAMING_CUE.search(text, m.end()) and NAMING_CUE.search(text, m.end()).start() < len(text):
                named_at = NAMING_CUE.search(text, m.end()).start()
                if not any(m.end() <= t[0] < named_at and t[2].rule in ("coined-name", "title-name") for t in here):
                    continue  # "we propose a new strategy ... called X": X is what is proposed
            after = [t for t in here if m.end() <= t[0] < clause_end]
            new = [t for t in after if t[2].rule != "lexicon" or NEW_BEFORE.search(text[max(0, t[0] - 12): t[0]])]
            if not new:
                continue
            mark_chain(new, "propose-cue")
        for m in NAMELY.finditer(text):
            if PROPOSE_CUE.search(text[: m.start()]):
                for a, b, c in here:
                    if a >= m.end() and c.rule != "lexicon":
                        mark(c, "propose-cue")
        for m in NOVEL_CUE.finditer(text):
            nxt = [t for t in here if m.end() <= t[0] <= m.end() + 25 and t[2].rule != "lexicon"
                   and re.fullmatch(r"(?:[\w-]+\s+)?", text[m.end():t[0]])]
            if nxt:
                mark_chain([t for t in here if t[0] >= nxt[0][0]], "novel-phrase")
        for m in COMPONENT_CUE.finditer(text):
            # "X, which consists of A and B": named parts of a proposed method are new too
            if any(c.proposed_by and a < m.start() for a, _, c in here):
                for a, b, c in here:
                    if a >= m.end() and c.rule != "lexicon" and c.type == "Method":
                        mark(c, "component-cue")
        for m in OUR_PROPOSED.finditer(text):
            # "our proposed model, DeepLabv3+," names what the paper proposes
            for a, b, c in here:
                gap = text[m.end():a]
                if m.end() < a <= m.end() + 30 and re.fullmatch(r"(?:\s+[a-z]+){0,2},?\s+", gap) \
                        and not any(w in STOPWORDS for w in gap.replace(",", " ").split()):
                    mark(c, "proposed-ref")
                    break
