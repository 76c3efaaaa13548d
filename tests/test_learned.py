"""The learned extractor: protocol, training determinism, model files, kg train / eval --cv."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.extract import Extractor, get_extractor
from kg.extract.learned import SHIPPED_MODEL, ExtractorModel, LearnedExtractor
from kg.extract.train import pair_with_papers, read_gold, train
from kg.ingest import read_papers
from kg.pipeline import BuildReport, build
from kg.update import extractor_fingerprint

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "papers.jsonl"
DEMO_GOLD = ROOT / "tests" / "data" / "gold" / "demo.jsonl"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def demo_pairs():
    return pair_with_papers(read_gold([DEMO_GOLD]), list(read_papers([DEMO])))


@pytest.fixture(scope="module")
def demo_model(demo_pairs, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "demo.json.gz"
    path.write_bytes(train(demo_pairs).to_bytes())
    return path


def test_every_registered_extractor_follows_the_protocol():
    papers = list(read_papers([DEMO]))[:4]
    for name in ("learned", "rules"):
        ex = get_extractor(name)
        assert isinstance(ex, Extractor)
        assert list(ex.pipe(papers)) == [ex(p) for p in papers]
        assert ex.fingerprint() == get_extractor(name).fingerprint()
    assert get_extractor("learned").fingerprint() != get_extractor("rules").fingerprint()


def test_the_learned_extractor_decides_entities_and_claims(demo_model):
    paper = next(p for p in read_papers([DEMO]) if p.title.startswith("LatticeNet"))
    ex = LearnedExtractor(demo_model)(paper)
    types = {m.name: m.type for m in ex.mentions}
    assert types["LatticeNet"] == "Method" and types["ImageNet"] == "Dataset"
    claims = {(c.subject, c.predicate, c.object) for c in ex.claims}
    assert ("PAPER", "proposes", "LatticeNet") in claims
    assert ("LatticeNet", "outperforms", "ResNet-50") in claims
    # confidences are the model's probabilities, evidence the sentence that holds the names
    pair = next(c for c in ex.claims if c.predicate == "outperforms" and c.object == "ResNet-50")
    assert pair.rule == "learned/outperforms" and 0 < pair.confidence <= 1
    assert "ResNet-50" in pair.evidence.sentence


def test_training_is_deterministic(demo_pairs):
    a, b = train(demo_pairs).to_bytes(), train(list(demo_pairs)).to_bytes()
    assert a == b
    assert ExtractorModel.from_bytes(a).to_bytes() == a


def test_pair_examples_come_from_the_pool_the_model_judges(demo_pairs, demo_model):
    """Training meets the pairs the extractor will meet: which candidates are paired is the
    entity model's decision, so a method the gold lacks is still paired, as a negative."""
    from dataclasses import replace

    from kg.extract.train import pair_examples
    from kg.extract.rules import RuleExtractor

    gold, paper = next((g, p) for g, p in demo_pairs if g.title.startswith("LatticeNet"))
    model = LearnedExtractor(demo_model).model
    full = pair_examples(RuleExtractor(), model.scorer(), model.thresholds, gold, paper)
    without = replace(gold, entities=tuple(e for e in gold.entities if e["name"] != "ResNet-50"))
    fewer = pair_examples(RuleExtractor(), model.scorer(), model.thresholds, without, paper)
    assert [f for f, _ in fewer] == [f for f, _ in full]
    assert "outperforms" in [label for _, label in full]
    lost = [(a, b) for (_, a), (_, b) in zip(full, fewer) if a != b]
    assert lost and all(b == "none" for _, b in lost)


def test_method_names_that_hold_or_share_a_head_are_features():
    from kg.extract.features import name_relation

    assert name_relation("Concurrent Adversarial Learning", "adversarial learning") == ("names.same-head", "names.object-inside")
    assert name_relation("Progressive Volume Distillation", "knowledge distillation") == ("names.same-head", "names.share-word")
    assert name_relation("ResNet-50", "ResNet") == ("names.object-prefix",)
    assert name_relation("LatticeNet", "ResNet-50") == ()


def test_new_weights_change_the_fingerprint_and_the_update_cache_key(demo_model, tmp_path):
    assert LearnedExtractor(demo_model).fingerprint() != LearnedExtractor().fingerprint()
    assert extractor_fingerprint(f"learned@{demo_model}") != extractor_fingerprint("learned")
    out = tmp_path / "b"
    build([DEMO], state_dir=out)
    report = BuildReport()
    build([DEMO], extractor=f"learned@{demo_model}", state_dir=out, update=out, report=report)
    assert report.papers_reused == 0 and report.papers_extracted == 11  # 12 records, one duplicate
    again = BuildReport()
    build([DEMO], extractor=f"learned@{demo_model}", state_dir=out, update=out, report=again)
    assert again.papers_reused == 11


def test_kg_train_then_build_with_the_model(tmp_path):
    runner = CliRunner()
    model = tmp_path / "mine.json.gz"
    r = runner.invoke(main, ["train", str(DEMO_GOLD), "--corpus", str(DEMO), "--out", str(model)])
    assert r.exit_code == 0, r.output
    assert "trained on 6 papers" in r.output
    r = runner.invoke(main, ["build", str(DEMO), "--model", str(model), "--out", str(tmp_path / "o"),
                             "--formats", "ttl", "--quiet"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["eval", str(tmp_path / "o" / "graph.ttl"), str(DEMO_GOLD)])
    assert r.exit_code == 0 and "entities" in r.output


def test_kg_eval_cv_reports_cross_validated_scores():
    r = CliRunner().invoke(main, ["eval", "--cv", "3", str(DEMO_GOLD), "--corpus", str(DEMO)])
    assert r.exit_code == 0, r.output
    assert "3-fold cross-validation over 6 papers" in r.output
    row = next(line for line in r.output.splitlines() if line.startswith("entities "))
    assert 0.5 < float(row.split()[3]) <= 1.0
    r = CliRunner().invoke(main, ["eval", "--cv", "3", str(DEMO_GOLD)])
    assert r.exit_code == 2 and "--cv needs --corpus" in r.output


def test_kg_eval_cv_errors_lists_each_papers_mistakes_before_the_table():
    r = CliRunner().invoke(main, ["eval", "--cv", "3", "--errors", str(DEMO_GOLD), "--corpus", str(DEMO)])
    assert r.exit_code == 0, r.output
    listed, table = r.output.split("3-fold cross-validation over 6 papers")
    titles = [line[2:] for line in listed.splitlines() if line.startswith("# ")]
    assert titles and set(titles) <= {json.loads(line)["title"] for line in DEMO_GOLD.read_text(encoding="utf-8").splitlines()}
    assert any(line.startswith(("  FP ", "  FN ")) for line in listed.splitlines())
    assert "entities" in table


def test_bad_gold_and_bad_model_files_end_in_one_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(DEMO_GOLD.read_text(encoding="utf-8").splitlines()[0] + "\n{not json\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["train", str(gold), "--corpus", str(DEMO), "--out", str(tmp_path / "m.gz")])
    assert r.exit_code == 2
    assert r.output.strip().startswith(f"kg: {gold}:2:") and len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "m.gz").exists()
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(b"garbage")
    r = CliRunner().invoke(main, ["build", str(DEMO), "--model", str(bad), "--out", str(tmp_path / "o"), "--quiet"])
    assert r.exit_code == 2 and f"{bad}: not a kg extractor model" in r.output


@pytest.mark.skipif(not (SHARED / "gold" / "train.jsonl").exists(), reason="../shared/gold is not beside the repo")
def test_the_shipped_model_is_rebuilt_bit_for_bit():
    gold = read_gold([SHARED / "gold" / "train.jsonl", SHARED / "gold" / "dev.jsonl"])
    from kg.ingest.dedupe import merge_duplicates

    papers, _ = merge_duplicates(read_papers([SHARED / "corpus"]))
    assert train(pair_with_papers(gold, papers)).to_bytes() == SHIPPED_MODEL.read_bytes()
    assert len(SHIPPED_MODEL.read_bytes()) < 20 * 2**20
    assert json.loads(__import__("gzip").decompress(SHIPPED_MODEL.read_bytes()))["format"] == "kg-extractor/1"


def test_name_memory_keeps_only_names_of_two_papers_or_more():
    from kg.extract.memory import build_memory

    memory = build_memory([[("resnet", "Method"), ("baseline", "none")], [("resnet", "Method")],
                           [("baseline", "none"), ("onlyhere", "Task")]])
    assert set(memory.entries) == {"resnet", "baseline"}
    assert memory.features("resnet") == ["memory.rate=4", "memory.type=Method|2"]
    assert memory.features("baseline") == ["memory.rate=0", "memory.never=2"]
    assert memory.features("onlyhere") == ["memory=unseen"]


def _row_test_papers() -> list:
    from kg.ingest.dedupe import merge_duplicates

    papers = list(read_papers([DEMO]))
    if (SHARED / "corpus").is_dir():
        papers += merge_duplicates(read_papers([SHARED / "corpus"]))[0][:80]
    return papers


def test_the_scorer_rows_are_those_of_the_string_features_training_sees(demo_model):
    """The extractor never builds most feature strings: it maps cached feature groups to weight
    rows. Those rows, in order, must be the rows of the strings the models were trained on."""
    from kg.extract.learned import prepare
    from kg.extract.features import candidate_features

    papers = _row_test_papers()
    for model in (ExtractorModel.from_bytes(SHIPPED_MODEL.read_bytes()), ExtractorModel.from_bytes(demo_model.read_bytes())):
        rows, ex = model.scorer().rows, LearnedExtractor(model)
        known = 0
        for _ in range(2):  # the second pass answers from the caches
            for paper in papers:
                sents, cands, has_title = prepare(ex, paper)
                expected = [rows.of(feats + model.memory.features(key))
                            for key, feats in candidate_features(cands, sents, has_title).items()]
                ids, starts = rows.candidates(cands, sents, has_title)
                assert [ids[a:b] for a, b in zip(starts, starts[1:] + [len(ids)])] == expected, paper.id
                known += sum(r != rows.zero for r in ids)
        assert known > 1000  # most features have weights: the rows are not all the zero row


def test_the_shape_of_a_name_collapses_runs_of_one_kind_of_character():
    from kg.extract.features import shape

    assert shape("ResNet-50") == "XxXx-d"
    assert shape("GPT--4 (base)") == "X-d (x)"
    assert shape("Élan-ÜNet 3") == "Xx-Xx d"  # not ASCII: the same shapes, character by character
    assert shape("x" * 40) == "x" and len(shape("a1" * 40)) == 30
