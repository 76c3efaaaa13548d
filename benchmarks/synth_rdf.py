"""Synthetic knowledge graphs for the SPARQL benchmark, shaped like GRAPH_CONTRACT.md.

    python benchmarks/synth_rdf.py --triples 1000000 --out /tmp/synth-1m     # ~1M triples
    python benchmarks/synth_rdf.py --papers 100000 --out /tmp/synth-100k     # 100k papers (~9M triples)

Writes OUT/graph.ttl through kg.export (the same Turtle writer `kg build` uses). Every name and
sentence comes from the small templates below (nothing is taken from a real corpus). Entity
popularity is Zipf-like, so aggregates see a long tail; a few fixed entities (Long Range Arena
with alias "LRA", TCNCA, MEGA, Transformer) and titles containing "TCNCA" make the saved queries'
example VALUES match something, as they do on the real corpus.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

BASE_IRI = "https://w3id.org/mlkg/id/"

_SYL = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zen", "qua", "dri", "flo", "gra", "pix", "sol", "tor", "vex"]
_METHOD_SUFFIX = ["Net", "Former", "GAN", "BERT", "Flow", "Mixer", "RNN", "Diff", "Attn", "Conv"]
_DATASET_SUFFIX = ["-10", "-100", "Bench", " Corpus", "QA", "-1K", " Suite", "Set"]
_TASKS = ["image classification", "language modeling", "question answering", "object detection",
          "semantic segmentation", "machine translation", "speech recognition", "graph classification",
          "time series forecasting", "reinforcement learning", "text summarization", "anomaly detection",
          "image generation", "pose estimation", "recommendation", "protein folding"]
_HARDWARE = ["GPU", "TPU", "CPU", "FPGA", "microcontroller", "smartphone", "edge accelerator", "GPU cluster"]

_T_PROPOSE = "We present {m}, a {adj} approach to {t}."
_T_EVAL = "Experiments on {d} show consistent gains for our model."
_T_HW = "Training fits on a single {h} in under a day."
_T_TASK = "The study targets {t} under a limited compute budget."
_T_MENTION = "Our design borrows ideas from {m}."
_T_WIN = "{m} beats {o} by a clear margin on the standard split."
_T_EXT = "{m} builds on {o} with an extra gating stage."
_FILLER = ["The method is simple to implement.", "Code and checkpoints accompany the paper.",
           "Ablations isolate the effect of each component.", "We discuss limitations at the end."]
_ADJ = ["scalable", "sparse", "lightweight", "robust", "hierarchical", "contrastive", "recurrent", "efficient"]
_TITLE = ["{m}: {adj} {t} at scale", "Towards {adj} {t} with {m}", "{m} for {t}",
          "Revisiting {t}: a {adj} view", "On {adj} models for {t}"]


def _name(rng: random.Random, suffixes: list[str]) -> str:
    return "".join(rng.choice(_SYL) for _ in range(rng.randint(1, 2))).capitalize() + rng.choice(suffixes)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def synthetic_graph(n_papers: int, seed: int = 0) -> nx.MultiDiGraph:
    """A graph with `n_papers` papers (about 85 triples per paper once exported)."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    G.graph["base_iri"] = BASE_IRI

    def entity(kind: str, label: str, aliases=()) -> str:
        nid = f"{kind.lower()}/{_slug(label)}"
        if nid not in G:
            G.add_node(nid, type=kind, label=label, aliases=tuple(sorted(set(aliases))))
        return nid

    n_methods = max(20, n_papers // 3)
    n_datasets = max(10, n_papers // 40)
    fixed_methods = [entity("Method", "TCNCA"), entity("Method", "MEGA", ["Moving Average Gated Attention"]),
                     entity("Method", "Transformer")]
    methods = list(fixed_methods)
    while len(methods) < n_methods:
        label = _name(rng, _METHOD_SUFFIX) + (f"-{rng.randint(2, 99)}" if rng.random() < 0.5 else "")
        methods.append(entity("Method", label, [label.upper()] if rng.random() < 0.3 else ()))
    methods = list(dict.fromkeys(methods))
    datasets = []
    while len(datasets) < n_datasets:
        if len(datasets) == 7:  # a well-used but not the top dataset
            datasets.append(entity("Dataset", "Long Range Arena", ["LRA", "long-range-arena"]))
        label = _name(rng, _DATASET_SUFFIX)
        datasets.append(entity("Dataset", label, [_slug(label)] if rng.random() < 0.4 else ()))
    datasets = list(dict.fromkeys(datasets))
    tasks = [entity("Task", t) for t in _TASKS]
    hardware = [entity("Hardware", h) for h in _HARDWARE]

    def zipf(n: int, s: float = 1.0) -> list[float]:
        return [1.0 / (i + 1) ** s for i in range(n)]

    w_m, w_d, w_t, w_h = zipf(len(methods)), zipf(len(datasets)), zipf(len(tasks), 0.7), zipf(len(hardware), 0.8)
    label = lambda n: G.nodes[n]["label"]  # noqa: E731

    for j in range(n_papers):
        task = rng.choices(tasks, w_t)[0]
        proposed = methods[3 + (j % (len(methods) - 3))] if j >= 3 else fixed_methods[j]
        adj = rng.choice(_ADJ)
        title = rng.choice(_TITLE).format(m=label(proposed), adj=adj, t=label(task)) + f" ({j})"
        if j % 2000 == 0:
            title = f"TCNCA-style chunked attention, study {j}"
        sentences: list[tuple[str, list[tuple[str, str, str]]]] = []
        sentences.append((_T_PROPOSE.format(m=label(proposed), adj=adj, t=label(task)),
                          [(None, "proposes", proposed), (None, "addresses", task)]))
        for d in set(rng.choices(datasets, w_d, k=rng.randint(1, 3))):
            sentences.append((_T_EVAL.replace("{d}", label(d)), [(None, "evaluatesOn", d)]))
        if rng.random() < 0.6:
            h = rng.choices(hardware, w_h)[0]
            sentences.append((_T_HW.format(h=label(h)), [(None, "usesHardware", h)]))
        sentences.append((_T_TASK.format(t=label(task)), [(None, "addresses", task)]))
        for m in set(rng.choices(methods, w_m, k=rng.randint(1, 3))):
            if m != proposed:
                sentences.append((_T_MENTION.format(m=label(m)), [(None, "mentions", m)]))
        if rng.random() < 0.3:
            o = rng.choices(methods, w_m)[0]
            if j < 3 or (j % 2000 == 0):
                o = fixed_methods[1]
            if o != proposed:
                sentences.append((_T_WIN.format(m=label(proposed), o=label(o)),
                                  [(proposed, "outperforms", o), (None, "mentions", o)]))
        if rng.random() < 0.1 or j < 2:
            o = rng.choice(methods[: max(4, len(methods) // 50)])
            if j < 3:
                o = fixed_methods[min(j + 1, 2)]
            if o != proposed:
                sentences.append((_T_EXT.format(m=label(proposed), o=label(o)), [(proposed, "extends", o)]))
        sentences.insert(rng.randint(1, len(sentences)), (rng.choice(_FILLER), []))

        abstract_parts, offset = [], 0
        pid = "paper/" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]
        claims = []
        for sent, stmts in sentences:
            start, end = offset, offset + len(sent)
            abstract_parts.append(sent)
            offset = end + 1
            for s, p, o in stmts:
                claims.append((s or pid, p, o, sent, start, end))
        authors = tuple(f"{rng.choice(_SYL).capitalize()}. {_name(rng, ['son', 'er', 'ova', 'ez'])}"
                        for _ in range(rng.randint(1, 5)))
        G.add_node(pid, type="Paper", label=title, title=title, abstract=" ".join(abstract_parts),
                   date=f"Sep {1 + j % 28}", sources=(f"synthetic/{j // 1000:03d}.txt:{j % 1000 + 1}",),
                   urls=(f"https://example.org/abs/{j:07d}",),
                   authors=authors, code=(f"https://example.org/code/{j}",) if rng.random() < 0.3 else (),
                   aliases=())
        for s, p, o, sent, start, end in claims:
            key = "statement/" + hashlib.sha1(f"{s}\x1f{p}\x1f{o}\x1f{pid}\x1f{start}\x1f{end}".encode()).hexdigest()[:16]
            G.add_edge(s, o, key=key, predicate=p, paper=pid, evidence=sent, start=start, end=end,
                       rule=f"synthetic/{p}", confidence=round(rng.uniform(0.4, 1.0), 2))
    return G


def count_triples(G: nx.MultiDiGraph) -> int:
    from kg.rdf import graph_triples

    return len(graph_triples(G))


def papers_for_triples(target: int, seed: int = 0) -> int:
    """Paper count that gives about `target` triples (calibrated on a 2,000-paper graph)."""
    probe = 2000
    per_paper = count_triples(synthetic_graph(probe, seed)) / probe
    return max(10, round(target / per_paper))


def write_graph(out_dir: str | Path, *, papers: int | None = None, triples: int | None = None,
                seed: int = 0) -> tuple[Path, int, int]:
    """Write OUT/graph.ttl; returns (path, papers, triples)."""
    from kg.export import export
    from kg.rdf import triple_cache

    if papers is None:
        papers = papers_for_triples(triples or 1_000_000, seed)
    G = synthetic_graph(papers, seed)
    with triple_cache():
        n = count_triples(G)
        (path,) = export(G, out_dir, ["ttl"])
    return path, papers, n


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--papers", type=int, help="number of papers")
    g.add_argument("--triples", type=int, default=1_000_000, help="approximate number of triples (default 1M)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args(argv)
    t = time.perf_counter()
    path, papers, n = write_graph(args.out, papers=args.papers, triples=None if args.papers else args.triples,
                                  seed=args.seed)
    print(f"wrote {path}: {papers} papers, {n} triples, {path.stat().st_size / 1e6:.1f} MB "
          f"in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
