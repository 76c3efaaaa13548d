"""K-fold cross-validation of the learned extractor, folds by paper (`kg eval --cv K`).

Each fold's papers are extracted by a model trained on the other folds only, then resolved
and assembled into a graph and scored by kg.evaluate like any build; the folds' counts are
summed (micro-average), so the figure is what an unseen paper gets. B-cubed resolution is
per fold graph (each fold resolves only its own papers).
"""
from __future__ import annotations

from typing import Callable

from kg.evaluate import Report, evaluate
from kg.extract.learned import LearnedExtractor, Thresholds
from kg.extract.train import GoldPaper, fold_of, train
from kg.records import Paper


def fold_report(train_pairs, test_pairs, thresholds: Thresholds) -> Report:
    from kg.graph import assemble
    from kg.resolve import resolve

    extractor = LearnedExtractor(train(train_pairs, thresholds))
    papers = [p for _, p in test_pairs]
    extractions = list(extractor.pipe(papers))
    G = assemble(papers, extractions, resolve(extractions))
    return evaluate(G, [dict(g.record, id=p.id) for g, p in test_pairs])  # the id the build gave it


def cross_validate(pairs: list[tuple[GoldPaper, Paper]], k: int = 5, thresholds: Thresholds = Thresholds(),
                   progress: Callable[[str], None] | None = None) -> Report:
    reports = []
    for fold in range(k):
        test = [(g, p) for g, p in pairs if fold_of(g.title, k) == fold]
        rest = [(g, p) for g, p in pairs if fold_of(g.title, k) != fold]
        reports.append(fold_report(rest, test, thresholds))
        if progress:
            progress(f"fold {fold + 1}/{k}: {len(test)} papers, entity F1 {reports[-1].scores['entities'].f1:.3f}")
    return Report.merge(reports)
