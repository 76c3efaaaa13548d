"""Scoring a built graph against gold files (SCHEMA.md format): per-paper entity and relation
scores (kg.evaluate.scoring) and cross-paper resolution as B-cubed (kg.evaluate.bcubed)."""
from kg.evaluate.bcubed import BCubed
from kg.evaluate.scoring import Report, Score, evaluate, read_gold

__all__ = ["BCubed", "Report", "Score", "evaluate", "read_gold"]
