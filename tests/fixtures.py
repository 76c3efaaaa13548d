"""A small hand-written graph that follows GRAPH_CONTRACT.md.

`build_fixture_graph()` returns a fresh networkx.MultiDiGraph with 4 papers, methods (one with
aliases, one whose id needs percent-encoding in an IRI), datasets, hardware and tasks, every
predicate, an outperforms chain (TCNCA > MEGA > Transformer, the last claimed by two papers), an
`extends` lineage (TCNCA -> MEGA -> Transformer, Vision Transformer -> Transformer),
and evidence / titles full of characters that break naive serializers: quotes, backslashes,
newlines, tabs, a Turtle long-string delimiter (three double quotes), `<script>`, and non-ASCII
(accents, CJK, an astral-plane character).

Other test modules may import it freely; it has no side effects.
"""
from __future__ import annotations

import hashlib

import networkx as nx

DEFAULT_BASE_IRI = "https://w3id.org/mlkg/id/"


def paper_id(title: str) -> str:
    return "paper/" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]


def statement_key(subject: str, predicate: str, obj: str, paper: str, start: int, end: int) -> str:
    raw = "\x1f".join([subject, predicate, obj, paper, str(start), str(end)])
    return "statement/" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


# --- titles and abstracts -------------------------------------------------------------------

T1 = "TCNCA: Temporal Convolution with Chunked Attention for Long Sequences"
A1 = (
    "We propose TCNCA, a model that replaces the linear recurrence of MEGA with a temporal "
    "convolution network. We build upon MEGA by adding chunked attention. "
    "On the Long Range Arena (LRA) benchmark and EnWik8, TCNCA outperforms MEGA. "
    "Prior work showed that MEGA surpasses the Transformer. "
    "Our implementation runs 1.37x faster on a GPU for language modeling."
)

T2 = "Café-Net: «Attention» für Bildklassifikation — 高速な注意機構 𝔼"
A2 = (
    'We introduce Café-Net, a "cheap" attention for image classification.\n'
    "Experiments on ImageNet-1K and CIFAR-10 use a C:\\data\\imagenet path and a \\alpha "
    "temperature.\tCafé-Net is better than ResNet-50 by 2 points. "
    "Training took 3 days on an NVIDIA A100."
)

T3 = 'MEGA Revisited: "Moving Average" Gated Attention and the \\ Backslash'
A3 = (
    'We revisit MEGA. A reviewer wrote """this <script>alert("x")</script> is fine""" and we agree. '
    "MEGA outperforms the Transformer on LRA and CIFAR-10. "
    "MEGA builds on the Transformer.\nWe study question answering."
)

T4 = "Vision Transformer (ViT) on Microcontrollers"
A4 = (
    "The Vision Transformer (ViT) extends the Transformer to image patches. "
    "We release the TinyEdge-10 dataset and report results on CIFAR-10 and ImageNet "
    "for image classification on a microcontroller and a GPU."
)

P1, P2, P3, P4 = (paper_id(t) for t in (T1, T2, T3, T4))


def _span(abstract: str, sentence: str) -> tuple[int, int]:
    start = abstract.index(sentence)
    return start, start + len(sentence)


def build_fixture_graph(base_iri: str | None = None) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.graph["base_iri"] = base_iri or DEFAULT_BASE_IRI

    G.add_node(
        P1, type="Paper", label=T1, title=T1, abstract=A1, date="Sep 11",
        sources=("2023-09-11.txt:12", "2023-09-12.txt:3"),
        urls=("https://arxiv.org/abs/2312.05605",),
        authors=("Aleksandar Terzić", "Michael Hersche", "Abbas Rahimi"),
        code=("https://github.com/IBM/tcnca",),
        aliases=(),
    )
    G.add_node(
        P2, type="Paper", label=T2, title=T2, abstract=A2, date="Sep 12",
        sources=("2023-09-12.txt:40",),
        urls=("https://arxiv.org/abs/0000.00001", "https://example.org/café?x=1&y=<2>"),
        authors=("Zoë Ångström", "李雷"),
        code=("https://github.com/example/cafe-net", "https://gitlab.com/example/cafe-net"),
        aliases=(),
    )
    G.add_node(
        P3, type="Paper", label=T3, title=T3, abstract=A3, date=None,
        sources=("2023-09-13.txt:7",),
        urls=(), authors=(), code=(), aliases=(),
    )
    G.add_node(
        P4, type="Paper", label=T4, title=T4, abstract=A4, date="2023-09-14",
        sources=("2023-09-14.txt:1",),
        urls=("https://arxiv.org/abs/0000.00004",),
        authors=("Bob Builder",),
        code=(),
        aliases=(),
    )

    entities = [
        ("method/tcnca", "Method", "TCNCA", ()),
        ("method/mega", "Method", "MEGA", ("Moving Average Equipped Gated Attention",)),
        ("method/transformer", "Method", "Transformer", ()),
        ("method/vision-transformer", "Method", "Vision Transformer", ("ViT", "vision-transformer")),
        ("method/café-net", "Method", "Café-Net", ()),          # non-ASCII id: needs encoding
        ("method/resnet-50", "Method", "ResNet-50", ()),
        ("dataset/long-range-arena", "Dataset", "Long Range Arena", ("LRA", "long-range-arena")),
        ("dataset/enwik8", "Dataset", "EnWik8", ()),
        ("dataset/imagenet", "Dataset", "ImageNet", ("ILSVRC", "ImageNet-1K")),
        ("dataset/cifar-10", "Dataset", "CIFAR-10", ()),
        ("dataset/tinyedge-10", "Dataset", "TinyEdge-10", ()),
        ("hardware/gpu", "Hardware", "GPU", ()),
        ("hardware/nvidia-a100", "Hardware", "NVIDIA A100", ("A100",)),
        ("hardware/microcontroller", "Hardware", "microcontroller", ("MCU",)),
        ("task/language-modeling", "Task", "language modeling", ()),
        ("task/image-classification", "Task", "image classification", ()),
        ("task/question answering (qa)", "Task", "question answering", ("QA",)),  # space + parens
    ]
    for node_id, typ, label, aliases in entities:
        G.add_node(node_id, type=typ, label=label, aliases=tuple(sorted(aliases)))

    abstracts = {P1: A1, P2: A2, P3: A3, P4: A4}
    titles = {P1: T1, P2: T2, P3: T3, P4: T4}

    def claim(s, p, o, paper, sentence, rule, confidence):
        if sentence is None:  # the title is the evidence
            sentence, (start, end) = titles[paper], (-1, -1)
        else:
            start, end = _span(abstracts[paper], sentence)
        key = statement_key(s, p, o, paper, start, end)
        G.add_edge(s, o, key=key, predicate=p, paper=paper, evidence=sentence,
                   start=start, end=end, rule=rule, confidence=confidence)

    # Paper 1 (TCNCA)
    s1a = "We propose TCNCA, a model that replaces the linear recurrence of MEGA with a temporal convolution network."
    s1b = "We build upon MEGA by adding chunked attention."
    s1c = "On the Long Range Arena (LRA) benchmark and EnWik8, TCNCA outperforms MEGA."
    s1d = "Prior work showed that MEGA surpasses the Transformer."
    s1e = "Our implementation runs 1.37x faster on a GPU for language modeling."
    claim(P1, "proposes", "method/tcnca", P1, None, "proposes/title-colon", 0.95)
    claim(P1, "proposes", "method/tcnca", P1, s1a, "proposes/we-propose", 0.9)
    claim(P1, "mentions", "method/mega", P1, s1a, "mentions/method-name", 0.7)
    claim(P1, "mentions", "method/transformer", P1, s1d, "mentions/method-name", 0.7)
    claim(P1, "evaluatesOn", "dataset/long-range-arena", P1, s1c, "evaluates-on/on-benchmark", 0.85)
    claim(P1, "evaluatesOn", "dataset/enwik8", P1, s1c, "evaluates-on/on-benchmark", 0.85)
    claim(P1, "usesHardware", "hardware/gpu", P1, s1e, "uses-hardware/on-a", 0.8)
    claim(P1, "addresses", "task/language-modeling", P1, s1e, "addresses/for-task", 0.6)
    claim("method/tcnca", "outperforms", "method/mega", P1, s1c, "outperforms/outperforms", 0.9)
    claim("method/tcnca", "extends", "method/mega", P1, s1b, "extends/build-upon", 0.8)
    claim("method/mega", "outperforms", "method/transformer", P1, s1d, "outperforms/surpasses", 0.75)

    # Paper 2 (Café-Net): quotes, newline, tab, backslashes in evidence; non-ASCII title
    s2a = 'We introduce Café-Net, a "cheap" attention for image classification.'
    s2b = ("Experiments on ImageNet-1K and CIFAR-10 use a C:\\data\\imagenet path and a \\alpha "
           "temperature.\tCafé-Net is better than ResNet-50 by 2 points.")
    s2c = "Training took 3 days on an NVIDIA A100."
    claim(P2, "proposes", "method/café-net", P2, s2a, "proposes/we-introduce", 0.9)
    claim(P2, "mentions", "method/resnet-50", P2, s2b, "mentions/method-name", 0.7)
    claim(P2, "evaluatesOn", "dataset/imagenet", P2, s2b, "evaluates-on/experiments-on", 0.9)
    claim(P2, "evaluatesOn", "dataset/cifar-10", P2, s2b, "evaluates-on/experiments-on", 0.9)
    claim(P2, "usesHardware", "hardware/nvidia-a100", P2, s2c, "uses-hardware/on-a", 1.0)
    claim(P2, "addresses", "task/image-classification", P2, s2a, "addresses/for-task", 0.6)
    claim("method/café-net", "outperforms", "method/resnet-50", P2, s2b, "outperforms/better-than", 0.8)

    # Paper 3: triple quotes and <script> in evidence; no date, urls, authors or code
    s3a = 'A reviewer wrote """this <script>alert("x")</script> is fine""" and we agree.'
    s3b = "MEGA outperforms the Transformer on LRA and CIFAR-10."
    s3c = "We study question answering."
    s3d = "MEGA builds on the Transformer."
    claim(P3, "mentions", "method/mega", P3, s3a, "mentions/method-name", 0.5)
    claim(P3, "mentions", "method/transformer", P3, s3b, "mentions/method-name", 0.7)
    claim(P3, "evaluatesOn", "dataset/long-range-arena", P3, s3b, "evaluates-on/on-benchmark", 0.85)
    claim(P3, "evaluatesOn", "dataset/cifar-10", P3, s3b, "evaluates-on/on-benchmark", 0.85)
    claim(P3, "addresses", "task/question answering (qa)", P3, s3c, "addresses/we-study", 0.65)
    claim("method/mega", "outperforms", "method/transformer", P3, s3b, "outperforms/outperforms", 0.9)
    claim("method/mega", "extends", "method/transformer", P3, s3d, "extends/build-on", 0.8)

    # Paper 4: proposes a dataset; extends; two hardware; evidence from the title
    s4a = "The Vision Transformer (ViT) extends the Transformer to image patches."
    s4b = ("We release the TinyEdge-10 dataset and report results on CIFAR-10 and ImageNet "
           "for image classification on a microcontroller and a GPU.")
    claim(P4, "mentions", "method/vision-transformer", P4, None, "mentions/title", 0.7)
    claim(P4, "mentions", "method/transformer", P4, s4a, "mentions/method-name", 0.7)
    claim(P4, "proposes", "dataset/tinyedge-10", P4, s4b, "proposes/we-release-dataset", 0.85)
    claim(P4, "evaluatesOn", "dataset/cifar-10", P4, s4b, "evaluates-on/results-on", 0.8)
    claim(P4, "evaluatesOn", "dataset/imagenet", P4, s4b, "evaluates-on/results-on", 0.8)
    claim(P4, "usesHardware", "hardware/microcontroller", P4, s4b, "uses-hardware/on-a", 0.8)
    claim(P4, "usesHardware", "hardware/gpu", P4, s4b, "uses-hardware/on-a", 0.8)
    claim(P4, "addresses", "task/image-classification", P4, s4b, "addresses/for-task", 0.6)
    claim("method/vision-transformer", "extends", "method/transformer", P4, s4a, "extends/extends", 0.85)
    return G


def edge_set(G):
    return sorted((u, v, k, tuple(sorted(d.items()))) for u, v, k, d in G.edges(keys=True, data=True))


def assert_same_graph(H, G):
    """H equals G: graph attributes, nodes with attributes, edges with keys and attributes."""
    assert H.graph == G.graph
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    assert edge_set(H) == edge_set(G)
