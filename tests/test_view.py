"""kg.view.write_html: page structure, escaping and node selection (no browser)."""
from __future__ import annotations

import hashlib
import json
import random
import re
from html.parser import HTMLParser

import networkx as nx
import pytest

from kg.view import date_key, resolve_node, select_nodes, write_html

XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_ALIAS = "<script>alert(2)</script>"


# --------------------------------------------------------------------------- graphs (GRAPH_CONTRACT.md)

def _pid(title: str) -> str:
    return "paper/" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]


def _stmt_key(*parts) -> str:
    return "statement/" + hashlib.sha1("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def add_paper(G, title, *, abstract="", date="Sep 11", sources=("listing.txt:1",), urls=(), authors=(), code=()):
    pid = _pid(title)
    G.add_node(pid, type="Paper", label=title, title=title, abstract=abstract, date=date,
               sources=tuple(sources), urls=tuple(urls), authors=tuple(authors), code=tuple(code), aliases=())
    return pid


def add_entity(G, type_, slug, label, aliases=()):
    nid = f"{type_.lower()}/{slug}"
    G.add_node(nid, type=type_, label=label, aliases=tuple(sorted(aliases)))
    return nid


def add_statement(G, s, p, o, paper, evidence, start=0, end=None, rule="test", confidence=0.9):
    end = len(evidence) if end is None else end
    key = _stmt_key(s, p, o, paper, start, end)
    G.add_edge(s, o, key=key, predicate=p, paper=paper, evidence=evidence, start=start, end=end,
               rule=rule, confidence=confidence)
    return key


def make_small_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(base_iri="https://w3id.org/mlkg/id/")
    p1 = add_paper(G, "Deep residual learning beats transformers on CIFAR-10",
                   urls=("https://arxiv.org/abs/1512.03385", "javascript:alert(3)"),
                   code=("https://github.com/example/resnet",), authors=("K. He", "X. Zhang"),
                   sources=("cs.CV/2015-12.txt:10", "cs.LG/2015-12.txt:4"))
    p2 = add_paper(G, XSS_TITLE, urls=("http://example.org/x",))
    p3 = add_paper(G, "Vision transformers on a budget", date=None)
    resnet = add_entity(G, "Method", "resnet-50", "ResNet-50", ("ResNet50", "resnet 50"))
    vit = add_entity(G, "Method", "vit", "ViT", ("Vision Transformer", XSS_ALIAS))
    cifar = add_entity(G, "Dataset", "cifar-10", "CIFAR-10", ("CIFAR10",))
    gpu = add_entity(G, "Hardware", "gpu", "GPU", ("GPUs",))
    task = add_entity(G, "Task", "image-classification", "image classification")
    ev1 = "We propose ResNet-50, a residual network."
    add_statement(G, p1, "proposes", resnet, p1, ev1)
    # two statements for the same (s, p, o): one drawn edge, two evidence sentences
    add_statement(G, p1, "evaluatesOn", cifar, p1, "ResNet-50 reaches 93% on CIFAR-10.", 50, 84)
    add_statement(G, p1, "evaluatesOn", cifar, p1, "Ablations on CIFAR10 confirm this.", 90, 124)
    add_statement(G, p1, "usesHardware", gpu, p1, "Training takes two days on 8 GPUs.", 130, 163)
    add_statement(G, p1, "addresses", task, p1, "We study image classification.", 170, 200)
    add_statement(G, resnet, "outperforms", vit, p1, "ResNet-50 outperforms ViT by 2 points.", 210, 248)
    add_statement(G, resnet, "outperforms", vit, p3, "ViT still trails ResNet-50 on small data.", 0, 41)
    add_statement(G, p2, "mentions", vit, p2, f"Evidence with markup {XSS_ALIAS} & friends", 0, 40)
    add_statement(G, p2, "evaluatesOn", cifar, p2, "Results on CIFAR-10 \u2028 line separator.", 41, 80)
    add_statement(G, p3, "proposes", vit, p3, "We propose ViT, a vision transformer.", -1, -1)
    add_statement(G, p3, "mentions", resnet, p3, "We compare with ResNet50.", 50, 75)
    add_statement(G, vit, "extends", resnet, p3, "ViT extends ideas from ResNet-50.", 80, 110)
    return G


def make_big_graph(n_papers: int = 2400, seed: int = 0) -> nx.MultiDiGraph:
    """Synthetic graph: n_papers papers plus ~n_papers/4 entities with a skewed
    (Zipf-like) popularity, 2-5 statements per paper, some method->method edges."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph(base_iri="https://w3id.org/mlkg/id/")
    n_ent = max(8, n_papers // 4)
    types = ["Method", "Dataset", "Hardware", "Task"]
    weights = [0.55, 0.25, 0.05, 0.15]
    ents = []
    for i in range(n_ent):
        t = rng.choices(types, weights)[0]
        ents.append(add_entity(G, t, f"e{i}", f"{t} entity {i}", (f"E{i}", f"alias-{i}")))
    pop = [1.0 / (i + 1) ** 0.9 for i in range(n_ent)]
    pred_for = {"Method": ["proposes", "mentions"], "Dataset": ["evaluatesOn"],
                "Hardware": ["usesHardware"], "Task": ["addresses"]}
    methods = [e for e in ents if e.startswith("method/")]
    for j in range(n_papers):
        pid = add_paper(G, f"Synthetic paper {j} about things", date="Sep 11",
                        urls=(f"https://arxiv.org/abs/{j:05d}",), sources=(f"s.txt:{j}",))
        for e in set(rng.choices(ents, pop, k=rng.randint(2, 5))):
            p = rng.choice(pred_for[G.nodes[e]["type"]])
            add_statement(G, pid, p, e, pid, f"Sentence {j} links to {G.nodes[e]['label']}.", 0, 30)
        if len(methods) > 1 and rng.random() < 0.2:
            a, b = rng.sample(methods[:50], 2) if len(methods) >= 50 else rng.sample(methods, 2)
            add_statement(G, a, rng.choice(["outperforms", "extends"]), b, pid, f"Method claim in paper {j}.", 31, 60)
    return G


# --------------------------------------------------------------------------- page parsing helpers

class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self._in_script, self._buf = a, []

    def handle_data(self, data):
        if self._in_script is not None:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._buf)))
            self._in_script = None


def _parse(path) -> tuple[str, _Collector]:
    text = path.read_text("utf-8")
    c = _Collector()
    c.feed(text)
    c.close()
    return text, c


def _data(collector: _Collector) -> dict:
    """The page data, with the abstracts (a block of their own) put back on the papers."""
    blocks = {attrs.get("id"): body for attrs, body in collector.scripts if attrs.get("type") == "application/json"}
    assert set(blocks) == {"kg-data", "kg-abstracts"}
    data = json.loads(blocks["kg-data"])
    for n, a in zip(data["nodes"][data["n_entities"]:], json.loads(blocks["kg-abstracts"])):
        n["abstract"] = a
    return data


@pytest.fixture
def small(tmp_path):
    G = make_small_graph()
    out = tmp_path / "view.html"
    counts = write_html(G, out)
    text, col = _parse(out)
    return G, counts, text, col


def _by_id(data):
    return {n["id"]: n for n in data["nodes"]}


# --------------------------------------------------------------------------- tests

def test_counts_and_page_data(small):
    G, counts, _, col = small
    data = _data(col)
    assert counts["nodes"] == G.number_of_nodes() == len(data["nodes"]) == 8
    assert counts["entities"] == data["n_entities"] == 5 and counts["papers"] == 3
    assert counts["statements"] == G.number_of_edges() == len(data["statements"]) == 12
    assert counts["truncated"] is False
    # entities first, most papers first; then papers
    assert [n["type"] for n in data["nodes"]][:5] != ["Paper"] * 5
    assert all(n["type"] == "Paper" for n in data["nodes"][5:])
    node = _by_id(data)
    assert node["method/resnet-50"]["papers"] == 2  # p1 (proposes, outperforms) and p3 (mentions, extends)
    assert node["method/vit"]["aliases"] == sorted(["Vision Transformer", XSS_ALIAS])
    # co-usage: ResNet-50 and ViT share p1 and p3
    ids = [n["id"] for n in data["nodes"]]
    weights = {frozenset((ids[a], ids[b])): w for a, b, w in data["edges"]}
    assert weights[frozenset(("method/resnet-50", "method/vit"))] == 2
    assert counts["edges"] == len(data["edges"])
    # every entity has a position, a radius and a community with a name
    for n in data["nodes"][:5]:
        assert isinstance(n["x"], float) and isinstance(n["y"], float) and n["r"] > 0
        assert 0 <= n["c"] < len(data["communities"])
    assert all(c["name"] for c in data["communities"])


def test_evidence_is_not_repeated_when_it_is_its_span(tmp_path):
    G = nx.MultiDiGraph()
    abstract = "We study things. We propose ResNet-50 here. Done."
    p = add_paper(G, "A paper", abstract=abstract)
    m = add_entity(G, "Method", "resnet-50", "ResNet-50")
    d = add_entity(G, "Dataset", "x", "X")
    add_statement(G, p, "proposes", m, p, "We propose ResNet-50 here.", 17, 43)
    add_statement(G, p, "evaluatesOn", d, p, "A sentence that is elsewhere.", 0, 10)  # offsets disagree
    add_statement(G, p, "mentions", m, p, "A paper", -1, -1)  # the title
    write_html(G, tmp_path / "e.html")
    data = _data(_parse(tmp_path / "e.html")[1])
    by_pred = {data["predicates"][s[1]]: s for s in data["statements"]}
    assert by_pred["proposes"][4:6] == [17, 43] and by_pred["proposes"][8] is None
    assert by_pred["mentions"][8] is None
    assert by_pred["evaluatesOn"][8] == "A sentence that is elsewhere."
    assert _by_id(data)[p]["abstract"] == abstract


def test_layout_is_deterministic_and_discs_do_not_overlap(tmp_path):
    G = make_big_graph(1200)
    write_html(G, tmp_path / "a.html")
    write_html(G, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    data = _data(_parse(tmp_path / "a.html")[1])
    ents = data["nodes"][: data["n_entities"]]
    worst = 0.0
    for i, a in enumerate(ents):
        for b in ents[i + 1:]:
            d = ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
            worst = max(worst, a["r"] + b["r"] - d)
    assert worst < 1.0, worst  # rounding to 0.1 aside, discs stay apart
    # communities: several, biggest first
    sizes = [c["size"] for c in data["communities"]]
    assert len(sizes) > 2 and sizes == sorted(sizes, reverse=True)


def test_page_is_self_contained(small):
    _, _, text, col = small
    assert not [a for a in (attrs for _, attrs in col.tags) if "src" in a and a.get("src")]
    for tag, attrs in col.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed", "base"), tag
        for name in ("src", "href", "action", "poster", "data"):
            v = (attrs.get(name) or "").strip().lower()
            assert not v.startswith(("http:", "https:", "//")), (tag, attrs)
    assert not re.search(r"<script[^>]*\ssrc\s*=", text, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?\s*(?:https?:)?//", text, re.I)
    # vis-network is inlined, CSP forbids fetches
    assert "vis-network" in text and "Content-Security-Policy" in text and "default-src 'none'" in text


def test_page_assets_are_package_files():
    from importlib.resources import files

    from kg.view.page import SCRIPTS, page_assets

    assets = files("kg.view").joinpath("assets")
    for name in SCRIPTS + ("page.html", "page.css"):
        assert assets.joinpath(name).is_file(), name
    template, css, js = page_assets()
    assert "%%DATA%%" in template and "#kg-panel" in css and "Labeller" in js


def test_data_is_escaped(small):
    _, _, text, col = small
    raw = text.split('<script id="kg-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    for ch in ("<", ">", "&", "\u2028", "\u2029"):
        assert ch not in raw, ch
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in raw
    assert "\\u003cscript\\u003ealert(2)\\u003c/script\\u003e" in raw
    data = _data(col)  # and it still round-trips
    titles = {n.get("title") for n in data["nodes"]}
    assert XSS_TITLE in titles
    assert XSS_TITLE not in text and XSS_ALIAS not in text
    assert len(col.scripts) == 4  # data, abstracts, vis-network, page script


def test_title_escaped_and_no_innerhtml(tmp_path):
    out = tmp_path / "t.html"
    write_html(make_small_graph(), out, title='<b>"KG"</b> & co %%DATA%%')
    text = out.read_text("utf-8")
    assert "<title>&lt;b&gt;&quot;KG&quot;&lt;/b&gt; &amp; co %%DATA%%</title>" in text
    assert "<b>\"KG\"" not in text
    page_js = text.rsplit("<script>", 1)[1]
    assert "innerHTML" not in page_js and "insertAdjacentHTML" not in page_js and "document.write" not in page_js
    assert "eval(" not in page_js and "new Function" not in page_js


def test_data_json_escaping_edge_cases(tmp_path):
    G = nx.MultiDiGraph()
    weird = "</script><script>alert(4)</script> \u2028\u2029 &amp; <!-- -->"
    p = add_paper(G, weird, abstract="An abstract: " + weird)
    m = add_entity(G, "Method", "m", "%%VIS_JS%% </SCRIPT>", (weird,))
    add_statement(G, p, "proposes", m, p, weird + "!")
    out = tmp_path / "w.html"
    write_html(G, out)
    text, col = _parse(out)
    assert text.lower().count("</script") == 4
    for block in ("kg-data", "kg-abstracts"):
        raw = text.split(f'<script id="{block}" type="application/json">', 1)[1].split("</script>", 1)[0]
        assert not any(ch in raw for ch in "<>&\u2028\u2029"), block
    data = _data(col)
    assert data["nodes"][1]["abstract"] == "An abstract: " + weird
    assert {n.get("label") or n.get("title") for n in data["nodes"]} == {weird, "%%VIS_JS%% </SCRIPT>"}
    assert data["statements"][0][8] == weird + "!"


def test_max_nodes_keeps_entities_with_most_papers(tmp_path):
    G = make_big_graph(2400)
    assert G.number_of_nodes() == 3000
    out = tmp_path / "big.html"
    counts = write_html(G, out, max_nodes=100)
    assert counts["entities"] == 100 and counts["truncated"] is True
    data = _data(_parse(out)[1])
    ids = {n["id"] for n in data["nodes"]}
    ents = [n for n in G if G.nodes[n]["type"] != "Paper"]
    paper_count = {e: len({d["paper"] for *_, d in G.in_edges(e, data=True)} | {d["paper"] for *_, d in G.out_edges(e, data=True)}) for e in ents}
    top = sorted(ents, key=lambda e: (-paper_count[e], e))[:100]
    assert {n["id"] for n in data["nodes"][:100]} == set(top)
    # the papers carried are exactly those of the kept entities
    linked = {d["paper"] for e in top for *_, d in list(G.in_edges(e, data=True)) + list(G.out_edges(e, data=True))}
    assert {i for i in ids if i.startswith("paper/")} == linked
    # every statement has both ends and its paper in the page
    assert all(max(s[0], s[2], s[3]) < len(data["nodes"]) for s in data["statements"])


def test_default_limit_and_no_limit(tmp_path):
    G = make_big_graph(2400)
    assert write_html(G, tmp_path / "a.html")["entities"] == 600  # fewer than 1500: all
    c = write_html(G, tmp_path / "b.html", max_nodes=None)
    assert c["nodes"] == 3000 and c["statements"] == G.number_of_edges()


def test_default_minimum_papers_keeps_the_overview_small(tmp_path):
    G = make_big_graph(2400)
    write_html(G, tmp_path / "a.html")
    data = _data(_parse(tmp_path / "a.html")[1])
    counts = [n["papers"] for n in data["nodes"][: data["n_entities"]]]
    shown = sum(1 for c in counts if c >= data["min_papers"])
    assert data["min_papers"] > 1 and 0 < shown <= 300


def test_focus_and_hops():
    G = make_small_graph()
    assert resolve_node(G, "resnet50") == "method/resnet-50"
    assert resolve_node(G, "CIFAR-10") == "dataset/cifar-10"
    assert select_nodes(G, focus="ResNet-50", hops=0) == ["method/resnet-50"]
    hop1 = set(select_nodes(G, focus="ResNet-50", hops=1))
    p1 = _pid("Deep residual learning beats transformers on CIFAR-10")
    p3 = _pid("Vision transformers on a budget")
    assert hop1 == {"method/resnet-50", "method/vit", p1, p3}
    hop2 = set(select_nodes(G, focus="ResNet-50", hops=2))
    assert {"dataset/cifar-10", "hardware/gpu", "task/image-classification", _pid(XSS_TITLE)} <= hop2
    capped = select_nodes(G, focus="resnet 50", hops=2, max_nodes=3)
    assert capped[0] == "method/resnet-50" and sum(1 for n in capped if not n.startswith("paper/")) == 3
    with pytest.raises(ValueError):
        select_nodes(G, focus="no such thing")


def test_focus_write_opens_on_the_node(tmp_path):
    G = make_small_graph()
    c = write_html(G, tmp_path / "f.html", focus="GPU", hops=1)
    assert c["nodes"] == 2 and c["truncated"] is True
    data = _data(_parse(tmp_path / "f.html")[1])
    assert data["focus"] == "hardware/gpu"


def test_types_restrict_entities(tmp_path):
    G = make_small_graph()
    ids = set(select_nodes(G, types=["Dataset"]))
    assert "dataset/cifar-10" in ids
    assert not any(i.startswith(("method/", "hardware/", "task/")) for i in ids)
    c = write_html(G, tmp_path / "t.html", types=("Method",))
    data = _data(_parse(tmp_path / "t.html")[1])
    assert {n["type"] for n in data["nodes"]} == {"Paper", "Method"}
    assert {data["predicates"][s[1]] for s in data["statements"]} == {"proposes", "mentions", "outperforms", "extends"}
    assert c["statements"] == len(data["statements"])
    with pytest.raises(ValueError):
        select_nodes(G, types=["Author"])


def test_empty_graph_and_papers_without_entities(tmp_path):
    c = write_html(nx.MultiDiGraph(), tmp_path / "e.html")
    assert c["nodes"] == 0 and c["edges"] == 0
    assert _data(_parse(tmp_path / "e.html")[1])["nodes"] == []
    G = nx.MultiDiGraph()
    add_paper(G, "Lonely paper")
    assert write_html(G, tmp_path / "l.html")["papers"] == 1


@pytest.mark.parametrize("text, key", [
    ("Sep 11", "09-11"), ("Sept 3", "09-03"), ("2024-09-11", "2024-09-11"), ("2024-9", "2024-09-01"),
    ("2024", "2024-01-01"), ("Sep 11, 2024", "2024-09-11"), ("11 Sep 2024", "2024-09-11"),
    (None, None), ("someday", None), ("Foo 11", None), ("2024-13-01", None),
])
def test_date_key(text, key):
    assert date_key(text) == key


def test_year_less_dates_compare_with_dated_ones(tmp_path):
    G = nx.MultiDiGraph()
    m = add_entity(G, "Method", "m", "M")
    for title, date in (("a", "Sep 11"), ("b", "2024-03-17"), ("c", None)):
        p = add_paper(G, title, date=date)
        add_statement(G, p, "mentions", m, p, "x")
    write_html(G, tmp_path / "d.html")
    keys = {n["title"]: n["dk"] for n in _data(_parse(tmp_path / "d.html")[1])["nodes"] if n["type"] == "Paper"}
    assert keys == {"a": "09-11", "b": "03-17", "c": None}


def test_rows_made_as_the_page_is_written_are_those_of_a_list(monkeypatch):
    """The page's statement rows and paper records are not held (pagedata.StatementRows and
    NodeRecords make them chunk by chunk): written in pieces, they must give the text of the
    same rows as one list."""
    from kg.view import page
    from kg.view.pagedata import page_data
    from kg.view.select import EntityPapers

    G = make_big_graph(300)
    papers_of = EntityPapers(G)
    data = page_data(G, select_nodes(G, papers_of=papers_of, max_nodes=None), papers_of, "t")
    rows, nodes = list(data["statements"]), list(data["nodes"])
    assert len(rows) == len(data["statements"]) > 300 and rows == list(data["statements"])
    assert len(nodes) == len(data["nodes"]) > 300 and data["nodes"][-2:] == nodes[-2:] and data["nodes"][-1] == nodes[-1]
    assert [n["type"] for n in nodes[data["n_entities"]:]] == ["Paper"] * (len(nodes) - data["n_entities"])
    as_list = page.json_for_html({**data, "statements": rows, "nodes": nodes})
    for size in (1, 7, 100, 10**6):
        monkeypatch.setattr(page, "CHUNK", size)
        assert "".join(page._json_pieces(data)) == as_list
    assert {r[7] for r in rows} == set(range(len(data["rules"])))


def test_entity_papers_are_the_papers_linked_or_read_from():
    """EntityPapers makes each set from the adjacency: the papers linked to the entity, either
    way, and the papers its statements were read from when neither end is that paper."""
    from kg.view.select import EntityPapers

    G = nx.MultiDiGraph()
    p1, p2, p3 = (add_paper(G, t) for t in ("one", "two", "three"))
    a, b, c = (add_entity(G, "Method", s, s) for s in ("a", "b", "lonely"))
    add_statement(G, p1, "proposes", a, p1, "x")
    add_statement(G, a, "outperforms", b, p2, "y")  # read from p2, which links to neither
    add_statement(G, b, "extends", p3, p1, "z")  # an odd direction: p3 is still b's paper
    add_statement(G, b, "extends", a, "not-a-node", "w")
    papers = EntityPapers(G)
    want = {a: {p1, p2}, b: {p1, p2, p3}, c: set()}
    assert dict(papers) == want and len(papers) == 3 and set(papers) == {a, b, c}
    assert papers.get(p1) is None and papers.get("nowhere") is None and p1 not in papers
    with pytest.raises(KeyError):
        papers[p1]


def test_atomic_write_replaces(tmp_path):
    out = tmp_path / "sub" / "v.html"
    write_html(make_small_graph(), out)
    first = out.read_text("utf-8")
    write_html(make_small_graph(), out, focus="GPU")
    assert out.read_text("utf-8") != first
    assert [p.name for p in out.parent.iterdir()] == ["v.html"]


def test_page_written_in_pieces_equals_the_whole_json(monkeypatch):
    """write_page streams the JSON in list chunks; the pieces must join to the one-shot text,
    escaping included, whatever the chunk size."""
    from kg.view import page

    data = {"statements": [[i, "<&>\u2028", 0.5, None] for i in range(23)], "n": {1: "int key"},
            "abstracts": ["a </script>"] * 7, "x": []}
    whole = page.json_for_html(data)
    for size in (1, 2, 5, 100):
        monkeypatch.setattr(page, "CHUNK", size)
        assert "".join(page._json_pieces(data)) == whole
    monkeypatch.setattr(page, "CHUNK", 2)
    text = page.render_page(data, "t")
    assert page.json_for_html(data["abstracts"]) in text
