"""Cross-paper resolution: one node per real thing, stable ids, guarded fuzzy merging."""
from __future__ import annotations

import pytest

from kg.records import Extraction, Mention
from kg.resolve import fuzzy_same, loose_key, resolve, shortened, spells


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


def ids(res, *items):
    return [res.entity_id(p, t, n) for p, t, n in items]


def test_number_markers_with_letters_keep_hardware_apart():
    # one letter before the same number is another chip: the fuzzy pass must not join them
    res = resolve([ex("a", Mention("NVIDIA P100", "Hardware", ("P100", "P100 GPU"))),
                   ex("b", Mention("NVIDIA A100", "Hardware", ("A100 GPU",)))])
    assert len(res.entities) == 2
    assert not fuzzy_same("NVIDIA P100", "NVIDIA A100")


def test_short_form_with_the_same_number_is_one_entity():
    res = resolve([ex("a", Mention("NVIDIA P100", "Hardware", ("P100",))), ex("b", Mention("P100", "Hardware")),
                   ex("c", Mention("NVIDIA P100", "Hardware", ("P100 GPU",)))])
    assert len(res.entities) == 1


def test_more_specific_name_is_another_entity():
    # the extractor gave the general name as an alias: it must not pull every general mention in
    res = resolve([
        ex("a", Mention("fine-grained image classification", "Task", ("image classification",))),
        ex("b", Mention("image classification", "Task")),
        ex("c", Mention("image classification", "Task")),
    ])
    a, b, c = ids(res, ("a", "Task", "fine-grained image classification"), ("b", "Task", "image classification"),
                  ("c", "Task", "image classification"))
    assert a != b and b == c


def test_model_is_not_folded_into_its_family():
    res = resolve([
        ex("a", Mention("Dense Convolutional Network", "Method", ("DenseNet", "convolutional network"))),
        ex("b", Mention("convolutional network", "Method")),
        ex("c", Mention("convolutional neural network", "Method", ("CNN",))),
    ])
    dense, conv, cnn = ids(res, ("a", "Method", "Dense Convolutional Network"), ("b", "Method", "convolutional network"),
                           ("c", "Method", "convolutional neural network"))
    assert dense != conv and dense != cnn
    assert conv == cnn  # "convolutional network" is the same family written without "neural"


def test_coined_names_one_letter_apart_stay_apart():
    assert not fuzzy_same("ResNeXt-50", "ResNet-50")
    assert not fuzzy_same("EfficientNet", "EfficientDet")
    res = resolve([ex("a", Mention("ResNeXt-50", "Method")), ex("b", Mention("ResNet-50", "Method"))])
    assert len(res.entities) == 2


def test_versions_and_sizes_stay_apart():
    names = ["GPT-3", "GPT-4", "BERT-base", "BERT-large", "BERT"]  # SCHEMA.md: size variants are separate entities
    res = resolve([ex(str(i), Mention(n, "Method")) for i, n in enumerate(names)])
    assert len(res.entities) == 5


def test_common_noun_spelling_variants_still_merge():
    assert fuzzy_same("sequence modelling", "sequence modeling")
    res = resolve([ex("a", Mention("sequence modelling", "Task")), ex("b", Mention("sequence modeling", "Task")),
                   ex("c", Mention("Sequence-Modeling", "Task"))])
    assert len(res.entities) == 1


def test_acronym_joins_its_expansion_across_papers():
    res = resolve([ex("a", Mention("Long Range Arena", "Dataset", ("LRA",))), ex("b", Mention("LRA", "Dataset"))])
    assert len(res.entities) == 1 and res.entities[0].label == "Long Range Arena"


def test_acronym_claimed_by_two_expansions_joins_none():
    res = resolve([
        ex("a", Mention("Segment Anything Model", "Method", ("SAMX",))),
        ex("b", Mention("Sharpness-Aware Minimization X", "Method", ("SAMX",))),
        ex("c", Mention("SAMX", "Method")),
    ])
    assert len(set(ids(res, ("a", "Method", "Segment Anything Model"), ("b", "Method", "Sharpness-Aware Minimization X"),
                       ("c", "Method", "SAMX")))) == 3


def test_mention_seen_as_a_numbered_variant_is_that_variant():
    res = resolve([ex("a", Mention("ImageNet", "Dataset", ("ImageNet-1K",))), ex("b", Mention("ImageNet", "Dataset")),
                   ex("c", Mention("ImageNet-1k", "Dataset"))])
    a, b, c = ids(res, ("a", "Dataset", "ImageNet"), ("b", "Dataset", "ImageNet"), ("c", "Dataset", "ImageNet-1k"))
    assert a == c != b


def test_broader_mention_joins_the_narrower_one_in_its_own_paper_only():
    res = resolve([
        ex("a", Mention("Open Graph Benchmark", "Dataset", ("OGB",)), Mention("Open Graph", "Dataset", ("Open Graph Benchmark",))),
        ex("b", Mention("Open Graph", "Dataset")),
    ])
    a1, a2, b = ids(res, ("a", "Dataset", "Open Graph Benchmark"), ("a", "Dataset", "Open Graph"), ("b", "Dataset", "Open Graph"))
    assert a1 == a2 != b


def test_a_lexicon_name_stays_itself_beside_a_narrower_name_of_its_paper():
    # the field's "distribution shift" is not this paper's "non-adversarial distribution shifts",
    # though the extractor gave it that name as an alias; a name of no lexicon still joins
    res = resolve([
        ex("a", Mention("distribution shift", "Task", ("non-adversarial distribution shifts",)),
           Mention("non-adversarial distribution shifts", "Task"),
           Mention("Open Graph Benchmark", "Dataset"), Mention("Open Graph", "Dataset", ("Open Graph Benchmark",))),
        ex("b", Mention("distribution shift", "Task")),
    ])
    field, own, b, graph, benchmark = ids(
        res, ("a", "Task", "distribution shift"), ("a", "Task", "non-adversarial distribution shifts"),
        ("b", "Task", "distribution shift"), ("a", "Dataset", "Open Graph"), ("a", "Dataset", "Open Graph Benchmark"))
    assert field == b != own and graph == benchmark


def test_a_mention_resolved_otherwise_in_one_paper_keeps_its_ids_whichever_paper_comes_first():
    # ids are held per (type, name) with the papers that differ apart: the answer must not
    # depend on which paper set the usual one, and a name no paper mentioned has none
    a = ex("a", Mention("Open Graph Benchmark", "Dataset"), Mention("Open Graph", "Dataset", ("Open Graph Benchmark",)))
    b, c = ex("b", Mention("Open Graph", "Dataset")), ex("c", Mention("Open Graph", "Dataset"))
    keys = (("a", "Dataset", "Open Graph"), ("b", "Dataset", "Open Graph"), ("c", "Dataset", "Open Graph"))
    first, second = resolve([a, b, c]), resolve([b, a, c])
    assert ids(first, *keys) == ids(second, *keys)
    in_a, in_b, in_c = ids(first, *keys)
    assert in_a == first.entity_id("a", "Dataset", "Open Graph Benchmark") and in_a != in_b == in_c
    with pytest.raises(KeyError):
        first.entity_id("a", "Dataset", "Never Mentioned")


def test_huge_repeated_name_is_cheap():
    import time

    big = "resnet" * 20000  # 120k characters: a one-deletion index of it would hold 120k keys of 120k chars
    start = time.perf_counter()
    res = resolve([ex("a", Mention(big, "Method")), ex("b", Mention(big[:-1] + "x", "Method"))])
    assert time.perf_counter() - start < 2.0
    assert len(res.entities) == 2


def test_two_mentions_of_one_paper_with_one_alias_are_one_entity_there():
    res = resolve([
        ex("a", Mention("feature space backdoor attack", "Task", ("backdoor attack",)),
           Mention("Space Black-box Backdoor Attack", "Task", ("backdoor attacks",))),
        ex("b", Mention("feature space backdoor attack", "Task")),
        ex("c", Mention("model extraction attack", "Task", ("backdoor attack",))),
    ])
    a1, a2, b, c = ids(res, ("a", "Task", "feature space backdoor attack"), ("a", "Task", "Space Black-box Backdoor Attack"),
                       ("b", "Task", "feature space backdoor attack"), ("c", "Task", "model extraction attack"))
    assert a1 == a2 and b != a1 and c not in (a1, b)  # the join holds in paper a only


def test_mention_written_with_another_name_resolves_under_it():
    # the lexicon files "skip connections" under residual connection; the paper wrote skip connection
    res = resolve([ex("a", Mention("residual connection", "Method", ("skip connections",))),
                   ex("b", Mention("residual connection", "Method")),
                   ex("c", Mention("skip connection", "Method"))])
    a, b, c = ids(res, ("a", "Method", "residual connection"), ("b", "Method", "residual connection"),
                  ("c", "Method", "skip connection"))
    assert a == c != b


def test_acronym_alias_does_not_move_a_mention():
    res = resolve([ex("a", Mention("multilayer perceptron", "Method", ("MLP",))), ex("b", Mention("multilayer perceptron", "Method"))])
    assert len(res.entities) == 1 and res.entities[0].label == "multilayer perceptron"


def _one(res, *keys) -> bool:
    return len({res.entity_id(p, t, n) for p, t, n in keys}) == 1


def test_network_written_without_neural_or_as_nets_is_one_entity():
    res = resolve([ex("a", Mention("convolutional neural network", "Method")),
                   ex("b", Mention("convolutional network", "Method")),
                   ex("c", Mention("convolutional neural nets", "Method")),
                   ex("d", Mention("recurrent NNs", "Method")), ex("e", Mention("recurrent neural network", "Method"))])
    assert _one(res, ("a", "Method", "convolutional neural network"), ("b", "Method", "convolutional network"),
                ("c", "Method", "convolutional neural nets"))
    assert _one(res, ("d", "Method", "recurrent NNs"), ("e", "Method", "recurrent neural network"))
    assert not _one(res, ("a", "Method", "convolutional neural network"), ("e", "Method", "recurrent neural network"))


def test_neural_network_is_not_network_and_deep_is_not_dropped():
    res = resolve([ex("a", Mention("neural network", "Method")), ex("b", Mention("Network", "Method")),
                   ex("c", Mention("NN", "Method")),
                   ex("d", Mention("deep Gaussian process", "Method")), ex("e", Mention("Gaussian process", "Method"))])
    assert not _one(res, ("a", "Method", "neural network"), ("b", "Method", "Network"))
    assert not _one(res, ("c", "Method", "NN"), ("b", "Method", "Network"))
    assert not _one(res, ("d", "Method", "deep Gaussian process"), ("e", "Method", "Gaussian process"))


def test_trailing_generic_head_is_the_same_entity():
    res = resolve([ex("a", Mention("vanishing gradient problem", "Task")), ex("b", Mention("vanishing gradient", "Task")),
                   ex("c", Mention("MSE loss", "Method")), ex("d", Mention("MSE", "Method")),
                   ex("e", Mention("video recognition tasks", "Task")), ex("f", Mention("video recognition", "Task"))])
    assert _one(res, ("a", "Task", "vanishing gradient problem"), ("b", "Task", "vanishing gradient"))
    assert _one(res, ("c", "Method", "MSE loss"), ("d", "Method", "MSE"))
    assert _one(res, ("e", "Task", "video recognition tasks"), ("f", "Task", "video recognition"))


def test_generic_head_guards():
    res = resolve([ex("a", Mention("kernel method", "Method")), ex("b", Mention("kernel", "Method")),
                   ex("c", Mention("ResNet-50 architecture", "Method")), ex("d", Mention("ResNet-101", "Method")),
                   ex("e", Mention("language model", "Method")), ex("f", Mention("language", "Method")),
                   ex("g", Mention("contrastive loss", "Method")), ex("h", Mention("contrastive learning", "Method"))])
    # one common word left is no name; markers must agree; "model" and "learning" are no heads
    pairs = [(("a", "Method", "kernel method"), ("b", "Method", "kernel")),
             (("c", "Method", "ResNet-50 architecture"), ("d", "Method", "ResNet-101")),
             (("e", "Method", "language model"), ("f", "Method", "language")),
             (("g", "Method", "contrastive loss"), ("h", "Method", "contrastive learning"))]
    for x, y in pairs:
        assert not _one(res, x, y), (x, y)
    assert loose_key("NASNet architecture") == loose_key("NASNet")  # a coined name needs no second word


def test_acronym_defined_in_one_paper_joins_its_bare_use_elsewhere():
    res = resolve([ex("a", Mention("neural architecture search", "Method", ("NAS",))),
                   ex("b", Mention("NAS", "Method"))])
    assert _one(res, ("a", "Method", "neural architecture search"), ("b", "Method", "NAS"))
    assert len(res.entities) == 1 and res.entities[0].label == "neural architecture search"  # not the acronym


def test_acronym_defined_for_two_expansions_joins_neither_bare_use():
    res = resolve([ex("a", Mention("quantum kernel alignment", "Method", ("QKA",))),
                   ex("b", Mention("query key attention", "Method", ("QKA",))),
                   ex("c", Mention("QKA", "Method"))])
    assert len(res.entities) == 3


def test_acronym_joins_only_the_name_it_spells():
    assert spells("LSTM", "long short-term memory") and spells("BP", "backpropagation")
    assert spells("MoE", "mixture of experts") and spells("CNNs", "convolutional neural network")
    assert spells("IVIF", "infrared and visible image fusion")
    assert not spells("TT", "tensor train decomposition") and not spells("MRL", "Matryoshka Representations")
    res = resolve([ex("a", Mention("tensor train decomposition", "Method", ("TT",))), ex("b", Mention("TT", "Method"))])
    assert len(res.entities) == 2


def test_acronym_of_a_mention_moved_to_a_narrower_name_joins_nothing():
    # in paper a "combinatorial optimization" (CO) stands for the paper's narrower method; the bare "CO"
    # of paper b must not join that narrower method
    res = resolve([ex("a", Mention("Single-stage neural combinatorial optimization", "Task"),
                      Mention("combinatorial optimization", "Task", ("CO", "Single-stage neural combinatorial optimization"))),
                   ex("b", Mention("CO", "Task"))])
    assert not _one(res, ("a", "Task", "Single-stage neural combinatorial optimization"), ("b", "Task", "CO"))


def test_verb_and_noun_forms_of_the_last_word_are_one_entity():
    res = resolve([ex("a", Mention("fine-tuning", "Method")), ex("b", Mention("fine-tune", "Method")),
                   ex("c", Mention("backpropagation", "Method")), ex("d", Mention("backpropagate", "Method")),
                   ex("e", Mention("causal language model", "Method")), ex("f", Mention("causal language modeling", "Method"))])
    assert _one(res, ("a", "Method", "fine-tuning"), ("b", "Method", "fine-tune"))
    assert _one(res, ("c", "Method", "backpropagation"), ("d", "Method", "backpropagate"))
    # a word without the ending is no verb form: a model is not its modelling
    assert not _one(res, ("e", "Method", "causal language model"), ("f", "Method", "causal language modeling"))


def test_loose_key_folds_es_plurals_and_keeps_neural_network_whole():
    assert loose_key("evolutionary searches") == loose_key("evolutionary search")
    assert loose_key("MSE losses") == loose_key("MSE")
    assert loose_key("neural networks") != loose_key("networks")
    assert loose_key("Open Graph Benchmark") != loose_key("Open Graph")  # a capitalised head is part of the name


def test_a_different_word_is_no_misspelling():
    # one letter apart after the plural fold, but "encoder" and "decoder" are two words
    assert not fuzzy_same("Transformer encoders", "Transformer decoder")
    assert fuzzy_same("Transformer encoders", "transformer encoder")
    res = resolve([ex("a", Mention("Transformer encoders", "Method")), ex("b", Mention("Transformer decoder", "Method"))])
    assert len(res.entities) == 2


def test_a_sibling_alias_joins_no_other_paper():
    # one paper wrote "object classification" beside "image classification"; across papers
    # they are two tasks, and the third paper's "object classification" is the first one's
    res = resolve([
        ex("a", Mention("object classification", "Task", ("image classification",))),
        ex("b", Mention("image classification", "Task")),
        ex("c", Mention("object classification", "Task")),
    ])
    obj, img, other = ids(res, ("a", "Task", "object classification"), ("b", "Task", "image classification"),
                          ("c", "Task", "object classification"))
    assert obj != img and obj == other
    # an acronym or a loose writing of the same name still joins
    res = resolve([ex("a", Mention("convolutional neural network", "Method", ("convolutional network",))),
                   ex("b", Mention("convolutional network", "Method"))])
    assert len(res.entities) == 1


def test_a_name_with_words_written_as_their_acronym_is_that_name():
    assert shortened("OOD detection", "out-of-distribution detection")
    assert shortened("mean squared error loss", "MSE loss")
    assert not shortened("image recognition", "image classification")
    assert not shortened("MSE", "mean squared error")  # a whole acronym: acronym_of's case
    # so a lexicon name given its shortened writing as an alias is not moved to it as to a
    # synonym, and the paper that wrote only the short form joins it through the alias
    res = resolve([
        ex("a", Mention("out-of-distribution detection", "Task", ("OOD detection",))),
        ex("b", Mention("OOD detection", "Task")),
        ex("c", Mention("out-of-distribution detection", "Task")),
    ])
    a, b, c = ids(res, ("a", "Task", "out-of-distribution detection"), ("b", "Task", "OOD detection"),
                  ("c", "Task", "out-of-distribution detection"))
    assert a == b == c
