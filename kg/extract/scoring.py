"""Scoring a paper's candidates with the trained linear models, without a string per feature.

The features are those of kg.extract.features, in the same order; what changes is how they
reach the weights. Each group of features is a function of a few inputs (a name, rule and type;
a handful of flags; one word beside a mention; a name key in the memory), so its weight rows are
looked up once per distinct input and cached: names and words repeat across abstracts.
tests/test_learned.py checks on real papers that the rows are those of the string features.
The entity and proposes models judge the same features, so their weights sit side by side in
one matrix and a paper's candidates are scored by one numpy gather and sum.
"""
from __future__ import annotations

from functools import lru_cache

from kg.extract.features import (
    WINDOW, WINDOW_SPANS, after_feature, before1_feature, before_feature, context_features, context_of,
    name_features, nesting, sentence_words, window_bounds,
)
from kg.extract.memory import NameMemory

CACHE = 1 << 16  # entries per cache: names and words of a large corpus, bounded


class StackedModels:
    """Linear models over one feature space, their weight matrices side by side: summing a
    row's weights once gives every model's class scores."""

    def __init__(self, models):
        import numpy as np

        names = sorted(set().union(*(m.weights for m in models)))
        self.index = {f: k for k, f in enumerate(names)}
        self.zero = len(names)  # an all-zero last row: unknown features add nothing
        blocks = []
        for m in models:
            none = (0.0,) * len(m.classes)
            blocks.append(np.array([m.weights.get(f, none) for f in names] + [none]).reshape(-1, len(m.classes)))
        self.matrix = np.hstack(blocks)
        self.bias = np.concatenate([np.asarray(m.bias, dtype=float) for m in models])
        self.widths = [len(m.classes) for m in models]

    def row_ids(self, feats) -> list[int]:
        """The row of each feature; an unknown one adds nothing (the zero row)."""
        get, zero = self.index.get, self.zero
        return [get(f, zero) for f in feats]

    def probabilities(self, rows: list[list[int]]) -> list[list[list[float]]]:
        """For each model, the class probabilities of every row (a list of row ids)."""
        ids, starts = [], []
        for r in rows:
            starts.append(len(ids))
            ids.append(self.zero)  # so that no slice is empty
            ids += r
        return [block.tolist() for block in self.probabilities_flat(ids, starts)]

    def probabilities_flat(self, ids: list[int], starts: list[int]) -> list:
        """Like probabilities, the rows given end to end (row k is ids[starts[k]:starts[k + 1]],
        none empty), each model's probabilities an array, a row per row."""
        import numpy as np

        rows = np.fromiter(ids, dtype=np.intp, count=len(ids))
        if not starts:
            return [np.zeros((0, width)) for width in self.widths]
        sums = np.add.reduceat(self.matrix.take(rows, axis=0), starts, axis=0) + self.bias  # take: 5x matrix[rows]
        out, col = [], 0
        for width in self.widths:
            block = sums[:, col:col + width]
            block = np.exp(block - block.max(axis=1, keepdims=True))
            block /= block.sum(axis=1, keepdims=True)
            out.append(block)
            col += width
        return out


class FeatureRows:
    """Row ids of the features of kg.extract.features in one feature index, cached by the
    inputs of each group of features."""

    def __init__(self, models: StackedModels, memory: NameMemory):
        self.of = models.row_ids
        self._get, self.zero = models.index.get, models.zero
        self._memory = memory
        self.name = lru_cache(maxsize=CACHE)(self._name)
        self.context = lru_cache(maxsize=1 << 12)(self._context)
        self.word = lru_cache(maxsize=CACHE)(self._word)
        self.before1 = lru_cache(maxsize=CACHE)(self._before1)
        self.memory = lru_cache(maxsize=CACHE)(self._memory_rows)
        self.nested = lru_cache(maxsize=1 << 12)(self._of_tuple)

    def _of_tuple(self, feats: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(self.of(feats))

    def _name(self, name: str, rule: str, type_: str) -> tuple[int, ...]:
        return tuple(self.of(name_features(name, rule, type_)))

    def _context(self, values: tuple) -> tuple[int, ...]:
        return tuple(self.of(context_features(*values)))

    def _word(self, word: str) -> tuple[int, int]:
        """The rows of the word as a word before a mention and as one after."""
        return self._get(before_feature(word), self.zero), self._get(after_feature(word), self.zero)

    def _before1(self, word: str, type_: str) -> int:
        return self._get(before1_feature(word, type_), self.zero)

    def _memory_rows(self, key: str) -> tuple[int, ...]:
        return tuple(self.of(self._memory.features(key)))

    def candidates(self, cands, sents, has_title: bool) -> tuple[list[int], list[int]]:
        """The rows of each candidate's candidate_features and memory features, in their
        order, candidate after candidate in the pool's order: (row ids, where each starts).
        No slice is empty: every name has features."""
        words = sentence_words(sents)
        beside = [self._beside(w[2]) for w in words]
        nested = nesting(cands)
        name, context, before1, memory = self.name, self.context, self.before1, self.memory
        ids: list[int] = []
        starts: list[int] = []
        for key, c in cands.items():
            starts.append(len(ids))
            ids += name(c.name, c.rule, c.type)
            ids += context(context_of(c, has_title))
            for si, a, b in c.spans[:WINDOW_SPANS]:
                low = words[si][2]
                before, after = window_bounds(words[si], a, b)
                before_rows, after_rows = beside[si]
                ids += before_rows[max(0, before - WINDOW):before]
                ids += after_rows[after:after + WINDOW]
                if before:
                    ids.append(before1(low[before - 1], c.type))
            if key in nested:
                ids += self.nested(tuple(nested[key]))
            ids += memory(key)
        return ids, starts

    def _beside(self, low: list[str]) -> tuple[list[int], list[int]]:
        """Each word's row as a word before a mention, and as a word after one."""
        pairs = [self.word(w) for w in low]
        return [p[0] for p in pairs], [p[1] for p in pairs]


class Scorer:
    """The three models of an ExtractorModel, ready to score papers."""

    def __init__(self, model):
        self.candidate_models = StackedModels((model.entity, model.proposes))
        self.pair_model = StackedModels((model.pair,))
        self.rows = FeatureRows(self.candidate_models, model.memory)

    def candidates(self, cands, sents, has_title: bool):
        """Entity and proposes probabilities of each candidate, in the pool's order: two
        arrays, a row per candidate, a column per class."""
        entity, proposes = self.candidate_models.probabilities_flat(*self.rows.candidates(cands, sents, has_title))
        return entity, proposes

    def pairs(self, rows: list[list[str]]) -> list[list[float]]:
        return self.pair_model.probabilities([self.pair_model.row_ids(feats) for feats in rows])[0]
