"""kg.view.write_html: page structure, escaping and node selection (no browser)."""
from __future__ import annotations

import hashlib
import json
import random
import re
from html.parser import HTMLParser

import networkx as nx
import pytest

from kg.view import resolve_node, select_nodes, write_html

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
    blocks = [body for attrs, body in collector.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def small(tmp_path):
    G = make_small_graph()
    out = tmp_path / "view.html"
    counts = write_html(G, out)
    text, col = _parse(out)
    return G, counts, text, col


# --------------------------------------------------------------------------- tests

def test_counts_and_collapsed_edges(small):
    G, counts, _, col = small
    data = _data(col)
    assert counts["nodes"] == G.number_of_nodes() == len(data["nodes"]) == 8
    # 12 statements, two (s, p, o) groups of two -> 10 drawn edges
    assert counts["statements"] == G.number_of_edges() == 12
    assert counts["edges"] == len(data["edges"]) == 10
    assert counts["truncated"] is False
    groups = {(e["from"], e["to"], e["predicate"]): e for e in data["edges"]}
    outp = groups[("method/resnet-50", "method/vit", "outperforms")]
    assert sorted(s["evidence"] for s in outp["statements"]) == [
        "ResNet-50 outperforms ViT by 2 points.", "ViT still trails ResNet-50 on small data."]
    node = {n["id"]: n for n in data["nodes"]}
    assert node["method/resnet-50"]["papers"] == 2  # p1 (proposes, outperforms) and p3 (mentions, extends)
    assert node["dataset/cifar-10"]["papers"] == 2
    assert node["method/vit"]["aliases"] == sorted(["Vision Transformer", XSS_ALIAS])


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
    # the markup never appears raw anywhere in the page
    assert XSS_TITLE not in text and XSS_ALIAS not in text
    assert len(col.scripts) == 3  # data, vis-network, page script


def test_title_escaped_and_no_innerhtml(tmp_path):
    out = tmp_path / "t.html"
    write_html(make_small_graph(), out, title='<b>"KG"</b> & co %%DATA%%')
    text = out.read_text("utf-8")
    assert "<title>&lt;b&gt;&quot;KG&quot;&lt;/b&gt; &amp; co %%DATA%%</title>" in text
    assert "<b>\"KG\"" not in text
    page_js = text.rsplit("<script>", 1)[1]
    assert "innerHTML" not in page_js and "insertAdjacentHTML" not in page_js and "document.write" not in page_js


def test_data_json_escaping_edge_cases(tmp_path):
    G = nx.MultiDiGraph()
    weird = "</script><script>alert(4)</script> \u2028\u2029 &amp; <!-- -->"
    p = add_paper(G, weird)
    m = add_entity(G, "Method", "m", "%%VIS_JS%% </SCRIPT>", (weird,))
    add_statement(G, p, "proposes", m, p, weird)
    out = tmp_path / "w.html"
    write_html(G, out)
    text, col = _parse(out)
    assert text.lower().count("</script") == 3
    data = _data(col)
    assert {n["label"] for n in data["nodes"]} == {weird, "%%VIS_JS%% </SCRIPT>"}
    assert data["edges"][0]["statements"][0]["evidence"] == weird


def test_max_nodes_keeps_most_connected(tmp_path):
    G = make_big_graph(2400)
    assert G.number_of_nodes() == 3000
    out = tmp_path / "big.html"
    counts = write_html(G, out, max_nodes=300)
    assert counts["nodes"] == 300 and counts["truncated"] is True
    data = _data(_parse(out)[1])
    ids = {n["id"] for n in data["nodes"]}
    ents = [n for n in G if G.nodes[n]["type"] != "Paper"]
    paper_count = {e: len({d["paper"] for *_, d in G.in_edges(e, data=True)} | {d["paper"] for *_, d in G.out_edges(e, data=True)}) for e in ents}
    top = sorted(ents, key=lambda e: -paper_count[e])[:20]
    assert set(top) <= ids
    # papers are drawn, and every drawn paper is linked to a drawn entity
    papers = [n for n in ids if n.startswith("paper/")]
    assert len(papers) > 100
    linked = {e["from"] for e in data["edges"]} | {e["to"] for e in data["edges"]}
    assert set(papers) <= linked
    # every drawn edge has both ends drawn
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])


def test_default_limit_and_no_limit(tmp_path):
    G = make_big_graph(2400)
    assert write_html(G, tmp_path / "a.html")["nodes"] == 1500
    c = write_html(G, tmp_path / "b.html", max_nodes=None)
    assert c["nodes"] == 3000 and c["statements"] == G.number_of_edges()


def test_focus_and_hops():
    G = make_small_graph()
    # by alias, case-insensitive
    assert resolve_node(G, "resnet50") == "method/resnet-50"
    assert resolve_node(G, "CIFAR-10") == "dataset/cifar-10"
    hop0 = select_nodes(G, focus="ResNet-50", hops=0)
    assert hop0 == ["method/resnet-50"]
    hop1 = set(select_nodes(G, focus="ResNet-50", hops=1))
    p1 = _pid("Deep residual learning beats transformers on CIFAR-10")
    p3 = _pid("Vision transformers on a budget")
    assert hop1 == {"method/resnet-50", "method/vit", p1, p3}
    hop2 = set(select_nodes(G, focus="ResNet-50", hops=2))
    assert {"dataset/cifar-10", "hardware/gpu", "task/image-classification", _pid(XSS_TITLE)} <= hop2
    assert select_nodes(G, focus="resnet 50", hops=2, max_nodes=3)[0] == "method/resnet-50"
    assert len(select_nodes(G, focus="resnet 50", hops=2, max_nodes=3)) == 3
    with pytest.raises(ValueError):
        select_nodes(G, focus="no such thing")


def test_focus_write(tmp_path):
    G = make_small_graph()
    c = write_html(G, tmp_path / "f.html", focus="GPU", hops=1)
    assert c["nodes"] == 2 and c["edges"] == 1 and c["truncated"] is True


def test_types_restrict_entities(tmp_path):
    G = make_small_graph()
    ids = set(select_nodes(G, types=["Dataset"]))
    assert "dataset/cifar-10" in ids
    assert not any(i.startswith(("method/", "hardware/", "task/")) for i in ids)
    assert {n for n in ids if n.startswith("paper/")} == {n for n in G if n.startswith("paper/")}
    c = write_html(G, tmp_path / "t.html", types=("Method",))
    data = _data(_parse(tmp_path / "t.html")[1])
    assert {n["type"] for n in data["nodes"]} == {"Paper", "Method"}
    assert c["edges"] == len(data["edges"])
    assert {e["predicate"] for e in data["edges"]} == {"proposes", "mentions", "outperforms", "extends"}
    with pytest.raises(ValueError):
        select_nodes(G, types=["Author"])


def test_empty_graph(tmp_path):
    c = write_html(nx.MultiDiGraph(), tmp_path / "e.html")
    assert c["nodes"] == 0 and c["edges"] == 0
    assert _data(_parse(tmp_path / "e.html")[1])["nodes"] == []


def test_atomic_write_replaces(tmp_path):
    out = tmp_path / "sub" / "v.html"
    write_html(make_small_graph(), out)
    first = out.read_text("utf-8")
    write_html(make_small_graph(), out, focus="GPU")
    assert out.read_text("utf-8") != first
    assert [p.name for p in out.parent.iterdir()] == ["v.html"]
