"""Analytics over the knowledge graph (see GRAPH_CONTRACT.md).

Plain functions that take the in-memory ``networkx.MultiDiGraph`` built by the
pipeline and return pandas DataFrames or networkx graphs, so they compose in a
notebook::

    >>> from kg import analytics as A
    >>> A.top_entities(G, "Dataset", n=5)          # doctest: +SKIP
    >>> A.lineage(G, "resnet")                       # doctest: +SKIP

Conventions:

* "papers" of an entity = distinct papers linked to it by a paper-level
  predicate (proposes, mentions, evaluatesOn, usesHardware, addresses).
* outperforms / extends edges go method -> method, one edge per statement;
  "evidence" counts statements, self-loops are ignored.
* Every function returns a frame with the documented columns even when the
  graph is empty, and rows are sorted deterministically (ties by label, id).

pandas, numpy and matplotlib are imported lazily so ``import kg.analytics``
stays cheap (the CLI imports it).

Modules by topic: base (incidence, method graphs), pagerank, rankings, co_usage (and research
gaps), lineage (and contradictions), similarity, report (the ``kg stats`` text), plots; the
node lookup is kg.lookup.find_node.
"""
from __future__ import annotations

from kg.analytics.base import outperforms_graph, paper_entity_graph
from kg.analytics.co_usage import co_usage, co_usage_table, communities, research_gaps
from kg.analytics.lineage import LINEAGE_DIRECTIONS, contradictions, lineage, lineage_graph  # noqa: F401
from kg.analytics.plots import write_plots
from kg.analytics.rankings import counts_by_type, method_wins, outperforms_pagerank, relations_by_predicate, top_entities
from kg.analytics.report import summary_text
from kg.analytics.similarity import similar_entities, similar_papers
from kg.lookup import NodeNotFound, find_node  # noqa: F401 (NodeNotFound: what find_node raises)

__all__ = [
    "counts_by_type",
    "relations_by_predicate",
    "top_entities",
    "method_wins",
    "outperforms_pagerank",
    "co_usage",
    "co_usage_table",
    "communities",
    "lineage",
    "lineage_graph",
    "contradictions",
    "similar_papers",
    "similar_entities",
    "research_gaps",
    "find_node",
    "summary_text",
    "write_plots",
    "paper_entity_graph",
    "outperforms_graph",
]
