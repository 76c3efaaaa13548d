"""Checks on the entity lexicons in kg/extract/lexicons/*.tsv.

Each file is a tab-separated table with the header ``name  aliases  wikidata``;
aliases are separated by ``|``.  Names and aliases must be unique within and
across the four files after normalisation (case folding, removing spaces,
hyphens and dots), mirroring how the benchmark matches entity names.
"""

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

LEXICON_DIR = Path(__file__).resolve().parents[1] / "kg" / "extract" / "lexicons"

MIN_ROWS = {
    "method": 450,
    "dataset": 320,
    "hardware": 110,
    "task": 170,
}

HEADER = ["name", "aliases", "wikidata"]

VAGUE_TERMS = [
    "deep learning",
    "machine learning",
    "artificial intelligence",
    "AI",
    "neural network",
    "neural networks",
    "deep neural network",
    "deep neural networks",
    "DNN",
    "DNNs",
    "network",
    "model",
    "models",
    "algorithm",
    "algorithms",
    "architecture",
    "architectures",
    "method",
    "framework",
    "data",
    "images",
    "experiments",
]


def norm(term: str) -> str:
    """Case-fold and drop spaces, hyphens and dots."""
    return re.sub(r"[\s\-.]", "", term.casefold())


def norm_plural(term: str) -> str:
    """``norm`` plus removal of a trailing plural "s" (as the matcher does)."""
    key = norm(term)
    return key[:-1] if len(key) > 3 and key.endswith("s") else key


def load(kind: str):
    path = LEXICON_DIR / f"{kind}.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def entries(kind: str):
    """Yield (name, [aliases], wikidata) for every data row."""
    for row in load(kind)[1:]:
        name, aliases, qid = row
        alias_list = aliases.split("|") if aliases else []
        yield name, alias_list, qid


@pytest.fixture(scope="module")
def lexicons():
    return {kind: list(entries(kind)) for kind in MIN_ROWS}


def lookup(lexicons, kind, name):
    for entry in lexicons[kind]:
        if entry[0] == name:
            return entry
    return None


@pytest.mark.parametrize("kind", sorted(MIN_ROWS))
def test_header(kind):
    assert load(kind)[0] == HEADER


@pytest.mark.parametrize("kind", sorted(MIN_ROWS))
def test_minimum_rows(kind):
    assert len(load(kind)) - 1 >= MIN_ROWS[kind]


@pytest.mark.parametrize("kind", sorted(MIN_ROWS))
def test_row_shape(kind):
    for lineno, row in enumerate(load(kind)[1:], start=2):
        assert len(row) == 3, f"{kind}.tsv line {lineno}: {row!r}"
        name, aliases, _ = row
        assert name, f"{kind}.tsv line {lineno}: empty name"
        assert name == name.strip(), f"{kind}.tsv line {lineno}: padded name {name!r}"
        if aliases:
            for alias in aliases.split("|"):
                assert alias, f"{kind}.tsv line {lineno}: empty alias in {aliases!r}"
                assert alias == alias.strip(), f"{kind}.tsv line {lineno}: padded alias {alias!r}"


@pytest.mark.parametrize("kind", sorted(MIN_ROWS))
def test_wikidata_ids(kind):
    for name, _, qid in entries(kind):
        assert qid == "" or re.fullmatch(r"Q\d+", qid), f"{kind}: {name!r} has bad QID {qid!r}"


def test_no_duplicate_terms(lexicons):
    seen = {}
    duplicates = []
    for kind, rows in lexicons.items():
        for name, aliases, _ in rows:
            for term in [name, *aliases]:
                key = norm(term)
                if key in seen:
                    duplicates.append((term, kind, name, seen[key]))
                else:
                    seen[key] = (kind, name)
    assert not duplicates, duplicates


def test_no_plural_collisions(lexicons):
    """Terms differing only by a trailing "s" would be merged by the matcher."""
    owners = defaultdict(set)
    for kind, rows in lexicons.items():
        for name, aliases, _ in rows:
            for term in [name, *aliases]:
                owners[norm_plural(term)].add((kind, name))
    clashes = {key: owner for key, owner in owners.items() if len(owner) > 1}
    assert not clashes, clashes


def test_no_vague_terms(lexicons):
    vague = {norm(term) for term in VAGUE_TERMS}
    offenders = [
        (kind, term)
        for kind, rows in lexicons.items()
        for name, aliases, _ in rows
        for term in [name, *aliases]
        if norm(term) in vague
    ]
    assert not offenders, offenders


def test_software_is_not_listed(lexicons):
    software = {norm(t) for t in ["CUDA", "PyTorch", "TensorFlow", "DGL", "JAX", "Keras", "scikit-learn"]}
    offenders = [
        (kind, term)
        for kind, rows in lexicons.items()
        for name, aliases, _ in rows
        for term in [name, *aliases]
        if norm(term) in software
    ]
    assert not offenders, offenders


def test_spot_checks(lexicons):
    # Version / size markers stay distinct entities.
    assert lookup(lexicons, "dataset", "CIFAR-10")
    assert lookup(lexicons, "dataset", "CIFAR-100")
    assert lookup(lexicons, "method", "ResNet")
    assert lookup(lexicons, "method", "ResNet-50")
    assert lookup(lexicons, "method", "BERT-Large")
    assert lookup(lexicons, "method", "GPT-4")

    # Canonical names with acronym aliases.
    assert "ViT" in lookup(lexicons, "method", "Vision Transformer")[1]
    assert "LSTM" in lookup(lexicons, "method", "long short-term memory")[1]
    assert "CNN" in lookup(lexicons, "method", "convolutional neural network")[1]
    assert "LRA" in lookup(lexicons, "dataset", "Long Range Arena")[1]
    assert "ImageNet-1K" in lookup(lexicons, "dataset", "ImageNet")[1]
    assert "MS COCO" in lookup(lexicons, "dataset", "COCO")[1]
    assert "ASR" in lookup(lexicons, "task", "speech recognition")[1]
    assert "MCU" in lookup(lexicons, "hardware", "microcontroller")[1]

    # Types follow SCHEMA.md.
    for name in ["GPU", "CPU", "TPU", "FPGA", "NVIDIA A100", "LiDAR", "edge device", "memristor crossbar"]:
        assert lookup(lexicons, "hardware", name), name
    for name in ["catastrophic forgetting", "over-smoothing", "continual learning",
                 "multi-task learning", "adversarial robustness", "novel view synthesis"]:
        assert lookup(lexicons, "task", name), name
    for name in ["transfer learning", "self-supervised learning", "fine-tuning",
                 "knowledge distillation", "mixture of experts", "large language model"]:
        assert lookup(lexicons, "method", name), name
    for name in ["TinyImageNet", "EnWik8", "NeRF-Synthetic", "LLFF", "Tanks and Temples"]:
        assert lookup(lexicons, "dataset", name), name
