"""Cross-paper resolution: one node per real thing, stable ids, guarded fuzzy merging."""
from __future__ import annotations

from kg.records import Extraction, Mention
from kg.resolve import fuzzy_same, resolve


def ex(paper_id: str, *mentions: Mention) -> Extraction:
    return Extraction(paper_id, tuple(mentions))


def test_spelling_variants_merge():
    res = resolve([
        ex("a", Mention("CIFAR-10", "Dataset")),
        ex("b", Mention("CIFAR10", "Dataset")),
        ex("c", Mention("cifar-10", "Dataset")),
    ])
    ids = {res.entity_id(p, "Dataset", n) for p, n in (("a", "CIFAR-10"), ("b", "CIFAR10"), ("c", "cifar-10"))}
    assert len(ids) == 1 and len(res.entities) == 1
    assert res.entities[0].label == "CIFAR-10"  # the lexicon's canonical name wins


def test_plural_and_case_merge():
    res = resolve([ex("a", Mention("Graph Transformers", "Method")), ex("b", Mention("graph transformer", "Method"))])
    assert len(res.entities) == 1


def test_markers_keep_versions_and_sizes_apart():
    res = resolve([ex("a", Mention("CIFAR-10", "Dataset"), Mention("CIFAR-100", "Dataset"),
                      Mention("ResNet-50", "Method"), Mention("ResNet-101", "Method"),
                      Mention("GPT-2", "Method"), Mention("GPT-3", "Method"))])
    assert len(res.entities) == 6
    assert not fuzzy_same("CIFAR-10", "CIFAR-100")
    assert not fuzzy_same("ResNet-50", "ResNet-101")
    assert not fuzzy_same("Swin-B", "Swin-L")
    assert fuzzy_same("Tanks and Temples", "Tanks & Temples") or fuzzy_same("TanksAndTemples", "Tanks and Temples")


def test_acronym_and_expansion_are_one_entity_across_papers():
    res = resolve([
        ex("a", Mention("Progressive Volume Distillation", "Method", ("PVD",))),
        ex("b", Mention("Progressive Volume Distillation", "Method")),
    ])
    assert len(res.entities) == 1
    assert "PVD" in res.entities[0].aliases


def test_short_acronyms_do_not_merge_different_expansions():
    # "TT" is tensor train in one paper and Topological Transformer in another
    res = resolve([
        ex("a", Mention("tensor train", "Method", ("TT",))),
        ex("b", Mention("Topological Transformer", "Method", ("TT",))),
    ])
    assert len(res.entities) == 2


def test_same_name_different_type_stays_apart():
    res = resolve([ex("a", Mention("Cityscapes", "Dataset")), ex("b", Mention("Cityscapes", "Method"))])
    assert {e.type for e in res.entities} == {"Dataset", "Method"}


def test_ids_are_stable_and_order_independent():
    first = resolve([ex("a", Mention("FooNet", "Method")), ex("b", Mention("BarNet", "Method"), Mention("FooNet", "Method"))])
    second = resolve([ex("b", Mention("FooNet", "Method"), Mention("BarNet", "Method")), ex("a", Mention("FooNet", "Method"))])
    assert set(first.entities) == set(second.entities)
    assert {e.id for e in first.entities} == {"method/foonet", "method/barnet"}


def test_slug_collisions_get_distinct_ids():
    res = resolve([ex("a", Mention("C++ Net", "Method"), Mention("C-plus-plus Net", "Method"))])
    assert len({e.id for e in res.entities}) == len(res.entities)


def test_single_common_word_aliases_do_not_merge_entities():
    # a bare "detection" is object detection in one paper and 3D object detection in another
    res = resolve([
        ex("a", Mention("object detection", "Task", ("detection",))),
        ex("b", Mention("3D object detection", "Task", ("detection",))),
    ])
    assert len(res.entities) == 2
