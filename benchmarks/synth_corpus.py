"""Synthetic ML abstracts for the build benchmark, written as JSON Lines.

    python benchmarks/synth_corpus.py --papers 100000 --out /tmp/synth-100k.jsonl

Every sentence comes from the templates below, filled with entity names drawn from the
project's own lexicons (kg/extract/lexicons/*.tsv) with a Zipf-like popularity, plus one coined
method name per paper (the proposed method), so resolution sees both a head of shared entities
and a long tail of new ones. Abstracts run ~150-250 words with ~10-20 entity mentions, about what
real listings hold. About 2% of records repeat an earlier paper (same title and abstract, a
different listing line), so de-duplication has work to do. Nothing is copied from a real corpus.
Output is deterministic for a given --seed.
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.extract.lexicon import read_terms  # noqa: E402

_SYL = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zen", "qua", "dri", "flo", "gra", "pix", "sol", "tor",
        "vex", "bri", "cal", "dor", "fen", "hal", "jor", "kel", "mor", "nix", "pol", "sar", "tel", "ul", "wen"]
_SUFFIX = ["Net", "Former", "GAN", "Flow", "Mixer", "Diff", "Attn", "Conv", "Seg", "Det", "Rec", "Fusion"]
_ADJ = ["sparse", "hierarchical", "adaptive", "lightweight", "contrastive", "self-supervised", "modular",
        "probabilistic", "multi-scale", "memory-efficient", "robust", "equivariant", "causal", "recurrent"]
_FIRST = ["Ana", "Bo", "Chen", "Dara", "Emil", "Fatima", "Goran", "Hana", "Ivo", "Jun", "Kemal", "Lena",
          "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Yuki"]
_LAST = ["Abe", "Brandt", "Costa", "Dinh", "Ekwueme", "Fischer", "Garcia", "Horvat", "Ito", "Jansen",
         "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quispe", "Rossi", "Sato", "Tanaka"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Title fields (tt, tm, td) are drawn uniformly, not by popularity: real titles rarely share
# long beginnings or endings, and de-duplication blocks on both.
_TITLES = [
    "{M}: {Adj} {tm} for {TT}",
    "{M}: Towards {Adj} {TT} with {tm}",
    "{M}: Revisiting {tm} for {TT}",
    "{M}: {Adj} Learning for {TT} on {td}",
    "{Adj} {TT} with {M}",
    "{M}: When {tm} Meets {TT}",
]
_OPENERS = [
    "{T} remains a central problem in machine learning, yet current systems depend on large labelled collections and careful tuning.",
    "Recent progress in {t} has been driven by {m1} and {m2}, but both scale poorly with input size.",
    "Models for {t} built on {m1} are accurate but expensive to train and slow at inference time.",
    "Although {m1} has become a default choice for {t}, its behaviour under distribution shift is poorly understood.",
]
_PROPOSE = [
    "In this paper we propose {M}, a {adj} architecture that combines {m1} with {m2}.",
    "We introduce {M}, a {adj} model for {t} that replaces the dense layers of {m1} with a routing scheme.",
    "To address this, we present {M}, which builds upon {m1} and adds a {adj} memory of past states.",
    "We propose {M}, a {adj} framework that extends {m1} to {t} without extra supervision.",
]
_BODY = [
    "The key idea is to share parameters across stages so that the cost grows linearly with the sequence length.",
    "Unlike previous work, our design needs no hand-crafted augmentation and trains end to end with a single objective.",
    "A small auxiliary head predicts which tokens can be skipped, which removes most of the redundant computation.",
    "We further derive a simple bound on the approximation error and use it to pick the number of stages automatically.",
    "The same recipe applies to {t} and to {t2} with only the output layer changed.",
    "We also study how {m2} interacts with {m3} when both are trained jointly from scratch.",
    "Our analysis shows that the gains come mostly from better conditioning of the early layers rather than from extra capacity.",
    "In addition, we release a cleaned version of the training split together with the evaluation scripts used in this work.",
    "Ablation studies confirm that each component contributes to the final accuracy and that none of them is redundant.",
    "The method adds fewer than one million parameters and can be dropped into existing pipelines with a few lines of code.",
    "We observe that standard regularisation alone does not close the gap, which motivates the structured prior used here.",
    "Compared with {m3}, our training schedule is shorter and more stable across random seeds.",
]
_EVAL = [
    "Experiments on {d1}, {d2} and {d3} show that {M} outperforms {m1} and {m2} by a clear margin.",
    "On {d1} and {d2}, {M} improves over {m1} while using half the memory.",
    "We evaluate {M} on {d1} for {t} and on {d2} for {t2}, where it matches {m2} at a fraction of the cost.",
    "Results on {d1} show that {M} surpasses {m3} and sets a new state of the art on {d2}.",
]
_HARDWARE = [
    "All models are trained on {n} {h} devices in less than two days.",
    "Inference runs in real time on a single {h}, which makes deployment on embedded platforms practical.",
    "Training takes about {n} hours on one {h}.",
]
_CLOSERS = [
    "Code is available at https://github.com/synth-lab/{slug}.",
    "We hope these findings encourage further work on efficient models for {t}.",
    "These results suggest that {adj} designs are a promising direction for {t}.",
]


class _Zipf:
    """Draw names with probability ~ 1/rank (a few very popular entities, a long tail)."""

    def __init__(self, names: list[str], rng: random.Random, s: float = 1.0):
        self.names = names
        weights = [1.0 / (i + 1) ** s for i in range(len(names))]
        self.cum = list(itertools.accumulate(weights))
        self.rng = rng

    def __call__(self) -> str:
        return self.names[bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])]


def _distinct(draw, k: int) -> list[str]:
    out: list[str] = []
    for _ in range(k * 6):
        name = draw()
        if name not in out:
            out.append(name)
            if len(out) == k:
                break
    while len(out) < k:
        out.append(out[-1])
    return out


def generate(n: int, seed: int = 7):
    """Yield n JSON-ready records."""
    rng = random.Random(seed)
    by_type: dict[str, list[str]] = {}
    for term in read_terms():
        by_type.setdefault(term.type, []).append(term.name)
    shuffled = {}
    for type_, names in by_type.items():
        names = by_type[type_] = sorted(set(names))
        random.Random(seed + len(type_)).shuffle(names)
        shuffled[type_] = names
    method, dataset = _Zipf(shuffled["Method"], rng), _Zipf(shuffled["Dataset"], rng)
    task, hardware = _Zipf(shuffled["Task"], rng), _Zipf(shuffled["Hardware"], rng, 1.3)
    pick = rng.choice
    recent: list[dict] = []
    for i in range(n):
        if recent and rng.random() < 0.02:  # the same paper again, as another listing prints it
            rec = dict(pick(recent))
            rec["id"] = f"synth-{i:07d}"
            yield rec
            continue
        name = "".join(pick(_SYL).capitalize() if j == 0 else pick(_SYL) for j in range(rng.randint(1, 2))) + pick(_SUFFIX)
        if rng.random() < 0.3:
            name += f"-{rng.randint(2, 9)}"
        m1, m2, m3 = _distinct(method, 3)
        d1, d2, d3 = _distinct(dataset, 3)
        t, t2 = _distinct(task, 2)
        fill = {
            "M": name, "m1": m1, "m2": m2, "m3": m3, "d": d1, "d1": d1, "d2": d2, "d3": d3,
            "t": t, "t2": t2, "T": t[:1].upper() + t[1:], "h": hardware(), "n": rng.randint(2, 64),
            "adj": pick(_ADJ), "Adj": pick(_ADJ).title(), "slug": name.lower(),
            "tm": pick(by_type["Method"]), "td": pick(by_type["Dataset"]), "TT": pick(by_type["Task"]).title(),
        }
        sentences = [pick(_OPENERS), pick(_PROPOSE)]
        sentences += rng.sample(_BODY, rng.randint(5, 9))
        sentences.insert(rng.randint(3, len(sentences)), pick(_EVAL))
        if rng.random() < 0.6:
            sentences.insert(rng.randint(3, len(sentences)), pick(_HARDWARE))
        sentences.append(pick(_CLOSERS))
        abstract = " ".join(s.format(**fill) for s in sentences)
        rec = {
            "id": f"synth-{i:07d}",
            "title": pick(_TITLES).format(**fill),
            "abstract": abstract,
            "date": f"{pick(_MONTHS)} {rng.randint(1, 28)}",
            "authors": [f"{pick(_FIRST)} {pick(_LAST)}" for _ in range(rng.randint(1, 5))],
            "url": f"https://example.org/abs/{seed}.{i:07d}",
        }
        if len(recent) < 1000:
            recent.append(rec)
        elif rng.random() < 0.01:
            recent[rng.randrange(1000)] = rec
        yield rec


def write_corpus(n: int, out: str | Path, seed: int = 7) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for rec in generate(n, seed):
            fh.write(json.dumps(rec, ensure_ascii=False))
            fh.write("\n")
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    write_corpus(args.papers, args.out, args.seed)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
