"""kg.held: the lean extractions the build holds read exactly as the extracted ones."""
from __future__ import annotations

from kg.graph import assemble
from kg.held import Claims, Lean, SpanEvidence
from kg.records import Claim, Evidence, Extraction, Mention, Paper
from kg.resolve import resolve
from kg.update import extraction_line

TITLE = "Gridwise Attention for Toy Segmentation"
ABSTRACT = "We propose Gridwise Attention. It is tested on ToySet. Results improve on ToySet by 3 points."


def _paper(pid: str) -> Paper:
    return Paper(pid, TITLE + " " + pid, ABSTRACT, (f"listing.txt:{pid}",))


def _extraction(pid: str) -> Extraction:
    title = TITLE + " " + pid
    first = Evidence(ABSTRACT[:30], 0, 30)  # "We propose Gridwise Attention."
    second = Evidence(ABSTRACT[31:54], 31, 54)
    not_span = Evidence("a sentence written otherwise", 55, 70)
    mentions = (Mention("Gridwise Attention", "Method", (), "coined"), Mention("ToySet", "Dataset", ("TS",), "lexicon"))
    claims = (
        Claim("PAPER", "proposes", "Gridwise Attention", first, "proposes/cue", 0.8),
        Claim("Gridwise Attention", "evaluated-on", "ToySet", second, "evaluates-on/cue", 0.7),
        Claim("PAPER", "evaluated-on", "ToySet", second, "evaluates-on/cue", 0.7),
        Claim("PAPER", "mentions", "ToySet", not_span, "mentions/lexicon", 0.0),
        Claim("PAPER", "addresses", "Gridwise Attention", Evidence(title, -1, -1), "title-name", 0.6),
    )
    return Extraction(pid, mentions, claims, ("https://example.org/code",))


def test_lean_extraction_reads_as_the_extracted_one():
    papers = [_paper("p1"), _paper("p2")]
    extracted = [_extraction("p1"), _extraction("p2")]
    lean = [Lean(papers)(e) for e in extracted]
    for a, b in zip(extracted, lean):
        assert extraction_line(a, "k") == extraction_line(b, "k")  # what the build state stores
        assert a.mentions == b.mentions and a.code_urls == b.code_urls
        for ca, cb in zip(a.claims, b.claims):
            assert (ca.subject, ca.predicate, ca.object, ca.rule, ca.confidence) == \
                   (cb.subject, cb.predicate, cb.object, cb.rule, cb.confidence)
            assert (ca.evidence.sentence, ca.evidence.start, ca.evidence.end) == \
                   (cb.evidence.sentence, cb.evidence.start, cb.evidence.end)


def test_lean_shares_what_repeats_and_reads_sentences_from_the_abstract():
    papers = [_paper("p1"), _paper("p2")]
    keep = Lean(papers)
    one, two = keep(_extraction("p1")), keep(_extraction("p2"))
    assert all(a is b for a, b in zip(one.mentions, two.mentions))  # equal mentions: one object
    assert one.claims[0].rule is two.claims[0].rule
    assert type(one.claims) is Claims
    span = one.claims[0].evidence
    assert type(span) is SpanEvidence and span.text is papers[0].abstract
    fields = [f for block in one.claims.blocks for f in block]
    assert fields[5::8] == [None, None, None] + fields[29::8]  # spans: no sentence held
    assert len(one.claims) == 5 and one.claims[-1].rule == "title-name" == list(one.claims)[4].rule
    assert type(one.claims[3].evidence) is Evidence  # not its span: kept as extracted
    assert one.claims[4].evidence.sentence is papers[0].title
    assert one.paper_id is papers[0].id


def test_claims_read_in_order_across_blocks():
    papers = [_paper("p1")]
    base = _extraction("p1")
    many = Extraction("p1", base.mentions, base.claims * 5)  # 25 claims: four blocks
    lean = Lean(papers)(many)
    assert len(lean.claims.blocks) == 4 and all(len(b) <= 8 * Claims.BLOCK for b in lean.claims.blocks)
    assert [extraction_line(Extraction("p1", (), (c,)), "k") for c in lean.claims] == \
           [extraction_line(Extraction("p1", (), (c,)), "k") for c in many.claims]
    assert [lean.claims[i].rule for i in range(-25, 25)] == [c.rule for c in many.claims] * 2


def test_graph_of_lean_extractions_equals_the_graph_of_extracted_ones():
    papers = [_paper("p1"), _paper("p2")]
    extracted = [_extraction("p1"), _extraction("p2")]
    lean = [Lean(papers)(e) for e in extracted]
    G1, G2 = assemble(papers, extracted, resolve(extracted)), assemble(papers, lean, resolve(lean))
    assert list(G1.nodes(data=True)) == list(G2.nodes(data=True))
    assert [(u, v, k, dict(d)) for u, v, k, d in G1.edges(keys=True, data=True)] == \
           [(u, v, k, dict(d)) for u, v, k, d in G2.edges(keys=True, data=True)]
    # -0.0 and 0.0 are equal but not the same number: a confidence is never swapped for the other
    negative = Extraction("p1", extracted[0].mentions, (extracted[0].claims[3].__class__(
        "PAPER", "mentions", "ToySet", Evidence("x", 55, 70), "r", -0.0),))
    assert str(Lean(papers)(negative).claims[0].confidence) == "-0.0"


def test_extractions_in_another_order_than_the_papers_give_the_same_graph():
    papers = [_paper("p1"), _paper("p2"), _paper("p3")]
    extracted = [_extraction("p1"), _extraction("p2"), _extraction("p3")]
    resolution = resolve(extracted)
    G1 = assemble(papers, extracted, resolution)
    G2 = assemble(papers, [extracted[2], extracted[0], extracted[1]], resolution)
    assert G1.number_of_edges() > 0
    assert sorted((u, v, k, sorted(dict(d).items())) for u, v, k, d in G1.edges(keys=True, data=True)) == \
           sorted((u, v, k, sorted(dict(d).items())) for u, v, k, d in G2.edges(keys=True, data=True))
    assert dict(G1.nodes(data=True)) == dict(G2.nodes(data=True))


def test_what_a_worker_sends_back_is_the_same_lean_extraction():
    """to_wire in the worker, pickled, then Lean.from_wire: the extraction read in-process, the
    title's evidence the paper's own title, no sentence of the abstract sent."""
    import pickle

    from kg.held import to_wire

    papers = [_paper("p1"), _paper("p2")]
    wire = pickle.loads(pickle.dumps(to_wire(_extraction("p1"), papers[0])))
    assert ABSTRACT[:30] not in pickle.dumps(wire).decode("latin-1")
    got, want = Lean(papers).from_wire(wire), Lean(papers)(_extraction("p1"))
    assert extraction_line(got, "k") == extraction_line(want, "k") == extraction_line(_extraction("p1"), "k")
    assert got.claims[-1].evidence.sentence is papers[0].title and got.claims[0].evidence.text is papers[0].abstract
