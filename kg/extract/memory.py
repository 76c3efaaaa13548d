"""Name memory: in how many annotated papers a candidate's name was an entity, and of what type.

A learned gazetteer: the lexicons know the field's common names, the memory knows how the
annotators treated each name they met (a "baseline" is never an entity, "attention" is a
Method in 9 papers of 10). Only names met in MIN_PAPERS papers or more are kept, so no entry
exists for one paper. In training the memory of a paper comes from the other papers only
(cross-fitting), so the model learns how far to trust it on names it has not seen.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable


ENTITY_CLASSES = ("none", "Method", "Dataset", "Task", "Hardware")  # the entity model's classes
MIN_PAPERS = 2


@dataclass(frozen=True)
class NameMemory:
    entries: dict[str, tuple[int, ...]] = field(default_factory=dict)  # name key -> papers per ENTITY_CLASSES

    def features(self, key: str) -> list[str]:
        counts = self.entries.get(key)
        if counts is None:
            return ["memory=unseen"]
        entity = sum(counts[1:])
        best = max(range(1, len(counts)), key=lambda k: (counts[k], -k))
        rate = round(4 * entity / sum(counts))
        return [f"memory.rate={rate}", f"memory.type={ENTITY_CLASSES[best]}|{min(counts[best], 3)}" if entity
                else f"memory.never={min(counts[0], 3)}"]

    def to_json(self) -> dict:
        return {k: list(v) for k, v in sorted(self.entries.items())}

    @classmethod
    def from_json(cls, data: dict) -> "NameMemory":
        return cls({k: tuple(v) for k, v in data.items()})


def build_memory(papers: Iterable[Iterable[tuple[str, str]]]) -> NameMemory:
    """From each paper's (name key, label) pairs: label "none" or an entity type."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(ENTITY_CLASSES))
    for labelled in papers:
        for key, label in set(labelled):
            counts[key][ENTITY_CLASSES.index(label)] += 1
    return NameMemory({k: tuple(v) for k, v in counts.items() if sum(v) >= MIN_PAPERS})
