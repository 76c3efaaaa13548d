"""Each rule family of the default extractor, on sentences written for these tests."""
from __future__ import annotations

import pytest

from kg.extract import get_extractor, register_extractor
from kg.extract.abbrev import find_abbreviations
from kg.extract.rules import RuleExtractor
from kg.extract.text import name_key, split_sentences
from kg.records import PAPER, Extraction, Paper


@pytest.fixture(scope="module")
def extract():
    return RuleExtractor()


def run(extract, title: str, abstract: str) -> Extraction:
    return extract(Paper("t", title, abstract))


def names(ex: Extraction, type_: str | None = None) -> set[str]:
    return {m.name for m in ex.mentions if type_ is None or m.type == type_}


def rel(ex: Extraction, predicate: str) -> set[tuple[str, str]]:
    return {(c.subject, c.object) for c in ex.claims if c.predicate == predicate}


def objects(ex: Extraction, predicate: str) -> set[str]:
    return {o for s, o in rel(ex, predicate) if s == PAPER}


# -- text utilities ------------------------------------------------------------------------

def test_name_key_follows_the_schema_matching_rule():
    assert name_key("CIFAR-10") == name_key("cifar10") == name_key("CIFAR 10")
    assert name_key("GPUs") == name_key("GPU")
    assert name_key("ResNet-50") != name_key("ResNet-101")
    assert name_key("γ-Net") == name_key("gamma-Net")


def test_sentences_keep_offsets_and_skip_abbreviation_dots():
    text = "We train on e.g. ImageNet. Results improve by 2.5 points! A third one."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["We train on e.g. ImageNet.", "Results improve by 2.5 points!", "A third one."]


def test_schwartz_hearst_pairs_both_directions():
    found = {(a.long, a.short) for a in find_abbreviations(
        "We build on Graph Attention Networks (GATs). The benchmark LRA (Long Range Arena) is hard.")}
    assert ("Graph Attention Networks", "GATs") in found
    assert ("Long Range Arena", "LRA") in found


# -- entities --------------------------------------------------------------------------------

def test_lexicon_finds_each_type_with_canonical_names(extract):
    ex = run(extract, "A study of vision models",
             "We train convolutional neural networks on CIFAR10 with an NVIDIA A100 GPU for image classification.")
    assert "convolutional neural network" in names(ex, "Method")
    assert "CIFAR-10" in names(ex, "Dataset")
    assert "NVIDIA A100" in names(ex, "Hardware")
    assert "GPU" not in names(ex, "Hardware")  # "A100 GPU" is the A100, not a second device
    assert "image classification" in names(ex, "Task")


def test_defined_acronym_is_an_alias_not_a_second_entity(extract):
    ex = run(extract, "Fast rendering",
             "We propose Progressive Grid Distillation (PGD), which compresses radiance fields. PGD runs in real time.")
    pgd = [m for m in ex.mentions if "PGD" in m.aliases or m.name == "PGD"]
    assert len(pgd) == 1 and pgd[0].name == "Progressive Grid Distillation"
    assert "Progressive Grid Distillation" in objects(ex, "proposes")


def test_title_name_and_long_form_alias(extract):
    ex = run(extract, "QUILT: A Quantized Unified Image Language Transformer for Retrieval",
             "Retrieval across modalities is costly. We show that it scales.")
    assert "QUILT" in objects(ex, "proposes")
    quilt = next(m for m in ex.mentions if m.name == "QUILT")
    assert "Quantized Unified Image Language Transformer" in quilt.aliases


def test_title_topic_is_not_a_method(extract):
    ex = run(extract, "Dropout Revisited: What Noise Does to Training", "We study dropout in depth.")
    assert "Dropout Revisited" not in names(ex)


@pytest.mark.parametrize("sentence", [
    "We propose FlowMixer, a network that mixes tokens.",
    "In this paper we introduce FlowMixer for mixing tokens.",
    "Our architecture, dubbed FlowMixer, mixes tokens.",
    "We present a token mixer called FlowMixer.",
])
def test_proposal_cues(extract, sentence):
    ex = run(extract, "Token mixing at scale", sentence + " It is fast.")
    assert "FlowMixer" in objects(ex, "proposes")
    assert "FlowMixer" not in objects(ex, "mentions")


def test_known_method_after_propose_cue_is_mentioned_not_proposed(extract):
    ex = run(extract, "Compression for edge devices", "We propose to combine knowledge distillation with pruning.")
    assert {"knowledge distillation", "pruning"} <= objects(ex, "mentions")
    assert not objects(ex, "proposes") & {"knowledge distillation", "pruning"}


def test_named_parts_of_a_proposed_method_are_proposed(extract):
    ex = run(extract, "SkyNet: Aerial Detection",
             "SkyNet consists of a Height Aware Pyramid (HAP) and a Rotated Anchor Head (RAH).")
    assert {"SkyNet", "Height Aware Pyramid", "Rotated Anchor Head"} <= objects(ex, "proposes")


def test_coined_names_are_methods_but_datasets_in_dataset_lists(extract):
    ex = run(extract, "Driving in simulation",
             "We compare against TransDrive and PlanNetX. Results on Harbor7, Canyon3 and Skyway datasets are strong.")
    assert {"TransDrive", "PlanNetX"} <= names(ex, "Method")
    assert {"Harbor7", "Canyon3"} <= names(ex, "Dataset")


def test_dataset_head_names_a_dataset(extract):
    ex = run(extract, "Thermal enhancement", "We report results on the public NightCity-T dataset.")
    assert "NightCity-T" in objects(ex, "evaluatesOn")


def test_bare_task_word_gets_the_full_name_in_its_domain(extract):
    ex = run(extract, "A backbone for images",
             "The backbone handles images and video. It supports various tasks (e.g., classification, detection, and segmentation).")
    tasks = objects(ex, "addresses")
    assert {"image classification", "object detection", "semantic segmentation"} <= tasks


def test_a_task_word_after_a_dataset_gets_the_full_name(extract):
    ex = run(extract, "A backbone for images",
             "The backbone handles images and video. It reaches 45.9 mAP on COCO detection and 48.6 mIoU on ADE20K segmentation.")
    assert {"object detection", "semantic segmentation"} <= objects(ex, "addresses")


def test_a_verb_or_a_property_before_a_known_task_does_not_qualify_it(extract):
    ex = run(extract, "Regularising small models", "The new penalty prevents overfitting on small training sets.")
    assert [m.name for m in ex.mentions if m.type == "Task"] == ["overfitting"]
    ex = run(extract, "Attack-Tolerant Semantic Segmentation", "We study real-time object detection on drones.")
    assert {m.name for m in ex.mentions if m.type == "Task"} == {"semantic segmentation", "object detection"}


def test_qualified_task_keeps_the_known_task_as_alias(extract):
    ex = run(extract, "Hearing in noise", "We study monaural speech separation in reverberant rooms.")
    task = next(m for m in ex.mentions if m.type == "Task")
    assert task.name == "monaural speech separation" and "speech separation" in task.aliases


def test_vague_phrases_never_become_entities(extract):
    ex = run(extract, "On learning",
             "Deep learning and machine learning use neural networks and deep neural networks (DNNs). "
             "Our method beats existing approaches on images and data.")
    keys = {name_key(n) for n in names(ex)}
    for vague in ("deep learning", "machine learning", "neural network", "deep neural network", "DNN", "our method",
                  "existing approaches", "images", "data"):
        assert name_key(vague) not in keys


def test_attention_idiom_is_not_the_mechanism(extract):
    ex = run(extract, "Sparse models", "Sparse models have attracted much attention recently.")
    assert "attention mechanism" not in names(ex)


def test_hardware_roles(extract):
    ex = run(extract, "Tiny keyword spotting", "The model is deployed on microcontrollers and runs on a single GPU.")
    assert {"microcontroller", "GPU"} <= objects(ex, "usesHardware")


def test_code_urls_are_kept(extract):
    ex = run(extract, "X", "Code is at https://github.com/example/flowmixer. Data at https://example.org/data.")
    assert ex.code_urls == ("https://github.com/example/flowmixer",)


# -- relations -------------------------------------------------------------------------------

def test_outperforms_cues(extract):
    ex = run(extract, "FlowMixer: Fast Token Mixing",
             "We propose FlowMixer. On ImageNet, FlowMixer outperforms ResNet-50 and surpasses ViT-B. "
             "It is also better than MLP-Mixer.")
    wins = rel(ex, "outperforms")
    assert {("FlowMixer", "ResNet-50"), ("FlowMixer", "ViT-B"), ("FlowMixer", "MLP-Mixer")} <= wins
    assert "ImageNet" in objects(ex, "evaluatesOn")


@pytest.mark.parametrize("abstract", [
    "We propose FlowMixer. FlowMixer does not outperform ResNet-50. It may be better than ViT-B.",  # negation, hedge
    "We propose FlowMixer. FlowMixer is competitive with ResNet-50.",  # a tie is not a win
    "We do not claim that adversarial training outperforms randomized smoothing.",  # negation across a clause
])
def test_no_win_is_claimed(extract, abstract):
    assert not rel(run(extract, "FlowMixer: Fast Token Mixing", abstract), "outperforms")


def test_compared_gain_claims(extract):
    ex = run(extract, "FlowMixer: Fast Token Mixing",
             "We propose FlowMixer. Compared to ResNet-50, FlowMixer reaches 2% higher accuracy with fewer FLOPs.")
    assert ("FlowMixer", "ResNet-50") in rel(ex, "outperforms")


def test_extends_cues(extract):
    ex = run(extract, "FlowMixer: Fast Token Mixing",
             "We propose FlowMixer. FlowMixer builds upon MLP-Mixer by adding gates. Based on U-Net, we also design SkipGate.")
    assert ("FlowMixer", "MLP-Mixer") in rel(ex, "extends")


def test_compositional_and_version_extends(extract):
    ex = run(extract, "MixFormer2: Better Token Mixing",
             "We revisit MixFormer and propose MixFormer2. We also introduce Gated Self-Attention, "
             "which refines self-attention.")
    ext = rel(ex, "extends")
    assert ("MixFormer2", "MixFormer") in ext
    assert ("Gated Self-Attention", "self-attention") in ext


def test_size_variants_do_not_extend(extract):
    ex = run(extract, "Scaling study", "We compare Swin-B and Swin Transformer on ImageNet.")
    assert not rel(ex, "extends")


def test_every_claim_keeps_its_evidence_sentence_and_offsets(extract):
    abstract = "We propose FlowMixer. FlowMixer outperforms ResNet-50 on CIFAR-100."
    ex = run(extract, "FlowMixer: Fast Token Mixing", abstract)
    for claim in ex.claims:
        ev = claim.evidence
        if ev.start >= 0:
            assert abstract[ev.start:ev.end] == ev.sentence
        assert claim.rule and 0 < claim.confidence <= 1


# -- the Extractor interface -----------------------------------------------------------------

def test_extractors_plug_in_by_name():
    @register_extractor("title-only-test")
    def _factory():
        return lambda paper: Extraction(paper.id)

    assert get_extractor("title-only-test")(Paper("p", "T", "A")) == Extraction("p")
    assert isinstance(get_extractor("rules"), RuleExtractor)
    with pytest.raises(ValueError, match="unknown extractor"):
        get_extractor("no-such-extractor")


def test_extractor_by_module_path():
    ex = get_extractor("kg.extract.rules:RuleExtractor")
    assert isinstance(ex, RuleExtractor)


def test_a_name_from_the_title_is_read_whole_in_the_abstract(extract):
    ex = run(extract, "Spiking FlowMixer: Event-Driven Token Mixing",
             "We convert FlowMixer into Spiking FlowMixer. Spiking FlowMixer outperforms Spikformer on CIFAR-10.")
    assert ("Spiking FlowMixer", "Spikformer") in rel(ex, "outperforms")
    assert ("FlowMixer", "Spikformer") not in rel(ex, "outperforms")


def test_dataset_lists_split_slashes_and_conjunctions(extract):
    ex = run(extract, "Speech", "Results on the Harbor-2mix, BayTalk and WHIM!/WHIMR! benchmarks are strong.")
    assert {"Harbor-2mix", "BayTalk", "WHIM!", "WHIMR!"} <= objects(ex, "evaluatesOn")


def test_one_word_variants_in_a_paper_are_one_entity(extract):
    ex = run(extract, "Recall at scale",
             "We present a new neural long-term memory module. This neural memory learns quickly. "
             "The neural memory also forgets slowly.")
    memories = [m for m in ex.mentions if "memory" in m.name]
    assert len(memories) == 1
    assert "neural memory" in memories[0].aliases


def test_cue_needles_are_checked_case_insensitively_when_the_pattern_is():
    import re

    from kg.extract.text import Cue

    win = Cue(r"\boutperform\w*", ("outperform",), re.I)
    assert [m.group() for m in win.finditer("X OUTPERFORMS Y and outperformed Z.")] == ["OUTPERFORMS", "outperformed"]
    assert list(win.finditer("X beats Y.")) == [] and win.search("X beats Y.") is None
    exact = Cue(r"\b\w+ tasks\b", ("tasks",))
    assert exact.search("on two Tasks") is None and exact.search("on two tasks").group() == "two tasks"
