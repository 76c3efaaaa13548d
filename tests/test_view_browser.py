"""kg.view pages driven in headless Chromium (Debian's /usr/bin/chromium) with Playwright,
network cut (tests/pagesession.py aborts every request but file: and data:)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagesession import CHROMIUM, Session, chromium_available, launch  # noqa: E402
from test_view import XSS_ALIAS, XSS_TITLE, _pid, make_big_graph, make_small_graph  # noqa: E402

from kg.view import write_html  # noqa: E402

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not chromium_available():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

pytestmark = pytest.mark.browser

P1 = "Deep residual learning beats transformers on CIFAR-10"
ABSTRACT = ("We propose ResNet-50, a residual network. It is deep. ResNet-50 reaches 93% on CIFAR-10. "
            "Training takes two days on 8 GPUs.")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        try:
            b = launch(pw)
        except Exception as exc:  # pragma: no cover - broken browser install
            pytest.skip(f"cannot launch {CHROMIUM}: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def small_page(tmp_path_factory):
    G = make_small_graph()
    p1 = _pid(P1)
    G.nodes[p1]["abstract"] = ABSTRACT
    # re-point three statements at their real sentences of the abstract
    for _, _, d in G.out_edges(p1, data=True):
        for sentence in ("We propose ResNet-50, a residual network.", "ResNet-50 reaches 93% on CIFAR-10.",
                         "Training takes two days on 8 GPUs."):
            if d["evidence"] == sentence:
                d["start"] = ABSTRACT.index(sentence)
                d["end"] = d["start"] + len(sentence)
    path = tmp_path_factory.mktemp("view") / "small.html"
    counts = write_html(G, path, title="Small <test> graph")
    return G, counts, path


@pytest.fixture(scope="module")
def big_page(tmp_path_factory):
    G = make_big_graph(2400)
    path = tmp_path_factory.mktemp("view") / "big.html"
    counts = write_html(G, path)
    return G, counts, path


@pytest.fixture
def session(browser):
    with Session(browser) as s:
        yield s


def test_loads_offline_without_errors(session, small_page):
    G, counts, path = small_page
    session.open(path)
    session.assert_clean()
    assert session.page.title() == "Small <test> graph"
    assert session.js("kgView.nodeCount()") == counts["nodes"] == G.number_of_nodes()
    assert session.js("kgView.entityCount()") == counts["entities"] == 5
    assert session.js("kgView.visibleNodeCount()") == 5  # a small graph shows every entity
    assert session.js("kgView.mode()") == "overview"
    assert session.js("kgView.network.physics.physicsEnabled") is False
    assert "5 of 5 entities" in session.page.locator("#kg-status").inner_text()


def test_overview_labels_never_overlap(session, big_page):
    G, counts, path = big_page
    session.open(path, timeout=120)
    assert session.js("kgView.mode()") == "overview"
    net = "kgView.network"
    fit = session.js(f"{net}.getScale()")
    drawn_by_zoom = []
    for factor in (0.3, 1, 2, 4, 8, 16):
        session.js(f"s => {{ {net}.moveTo({{scale: s, animation: false}}); {net}.redraw(); }}", fit * factor)
        session.page.wait_for_timeout(50)
        # labels placed at this zoom (drawn where on screen)
        n = session.js("s => kgView.labels.level.filter(l => l !== undefined && l <= kgView.labels.levelOf(s)).length", fit * factor)
        assert session.label_overlaps() == [], factor
        drawn_by_zoom.append(n)
    session.js(f"{net}.fit({{animation: false}}); {net}.redraw()")
    # the entity with most papers is labelled in the overview, and zooming in reveals more labels
    biggest = session.js("kgView.labels.items[0].text")
    session.js(f"{net}.moveTo({{scale: {fit}, animation: false}}); {net}.redraw()")
    assert biggest in [lab["text"] for lab in session.js("kgView.drawnLabels()")]
    assert drawn_by_zoom[1] >= 5 and drawn_by_zoom == sorted(drawn_by_zoom) and drawn_by_zoom[-1] > 2 * drawn_by_zoom[1]
    # the check can fail: drawing every label at once does overlap
    session.js(f"kgView.labels.showAll = true; {net}.redraw()")
    assert session.label_overlaps() != []
    session.js(f"kgView.labels.showAll = false; {net}.redraw()")
    session.assert_clean()


def test_click_focus_and_back(session, small_page):
    G, counts, path = small_page
    session.open(path)
    session.js("kgView.network.fit({animation: false})")
    session.click_node("dataset/cifar-10")
    session.wait("kgView.mode() === 'focus'")
    assert session.js("kgView.selectedNode()") == "dataset/cifar-10"
    assert session.page.locator("#kg-panel h2").inner_text() == "CIFAR-10"
    # its papers and the entities they share are drawn, as boxes that do not overlap
    drawn = set(session.js("kgView.focusNodes()"))
    assert {"dataset/cifar-10", _pid(P1), _pid(XSS_TITLE), "method/resnet-50"} <= drawn
    session.js("kgView.focusNetwork.redraw()")
    session.page.wait_for_timeout(100)  # boxes are measured when drawn
    boxes = session.js("""() => { const n = kgView.focusNetwork;
        return n.body.data.nodes.getIds().map(i => n.getBoundingBox(i)); }""")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"])
    assert session.js("kgView.focusNetwork.getScale()") >= 0.8  # readable
    # clicking a paper of the focus shows it; back returns, then back to the overview
    session.click_node(_pid(P1))
    session.wait(f"kgView.selectedNode() === '{_pid(P1)}'")
    session.page.go_back()
    session.wait("kgView.selectedNode() === 'dataset/cifar-10'")
    session.page.locator("#kg-overview").click()
    session.wait("kgView.mode() === 'overview'")
    assert session.page.locator("#kg-panel").is_hidden()
    session.page.go_back()
    session.wait("kgView.selectedNode() === 'dataset/cifar-10'")
    session.page.keyboard.press("Escape")
    session.wait("kgView.mode() === 'overview'")
    session.assert_clean()


def test_paper_panel_highlights_evidence(session, small_page):
    G, counts, path = small_page
    session.open(path)
    session.js("id => kgView.focus(id)", _pid(P1))
    panel = session.page.locator("#kg-panel")
    assert panel.locator("h2").inner_text() == P1
    text = panel.inner_text()
    assert "Sep 11" in text and "K. He, X. Zhang" in text and "cs.CV/2015-12.txt:10" in text
    assert "It is deep." in panel.locator(".kg-abstract").inner_text()
    marks = panel.locator("mark.kg-ev").all_inner_texts()
    assert marks == ["We propose ResNet-50, a residual network.", "ResNet-50 reaches 93% on CIFAR-10.",
                     "Training takes two days on 8 GPUs."]
    assert "proposes ResNet-50" in panel.locator("mark.kg-ev").first.get_attribute("title")
    hrefs = panel.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert "https://arxiv.org/abs/1512.03385" in hrefs and "https://github.com/example/resnet" in hrefs
    assert not any(h.startswith("javascript:") for h in hrefs)
    assert "javascript:alert(3)" in text  # shown, but as text
    # its entities around it
    assert set(session.js("kgView.focusNodes()")) == {_pid(P1), "method/resnet-50", "dataset/cifar-10", "hardware/gpu",
                                                      "task/image-classification", "method/vit"}
    # a highlight leads to its entity
    panel.locator("mark.kg-ev").first.click()
    session.wait("kgView.selectedNode() === 'method/resnet-50'")
    session.assert_clean()


def test_url_fragment_round_trip(session, small_page, browser):
    G, counts, path = small_page
    session.open(path)
    session.js("kgView.setTypeVisible('Task', false)")
    session.js("kgView.setPredicateVisible('mentions', false)")
    session.js("kgView.setColorBy('type')")
    session.js("kgView.focus('method/vit')")
    state = session.js("kgView.state()")
    assert session.js("location.hash") == "#" + state
    assert "node=method%2Fvit" in state and "types=Method,Dataset,Hardware" in state and "color=type" in state
    with Session(browser) as other:
        other.open(path, fragment=state)
        assert other.js("kgView.state()") == state
        assert other.js("kgView.selectedNode()") == "method/vit"
        assert other.page.locator("#kg-types label", has_text="Task").locator("input").is_checked() is False
        assert other.page.locator("#kg-preds label", has_text="mentions").locator("input").is_checked() is False
        assert other.js("document.getElementById('kg-color').value") == "type"
        other.assert_clean()
    # a fragment naming nothing in the page, or garbage, opens the overview
    with Session(browser) as other:
        other.open(path, fragment="node=nope&min=x&types=%E0%A4%A")
        assert other.js("kgView.mode()") == "overview"
        other.assert_clean()


def test_search(session, small_page):
    session.open(small_page[2])
    assert session.js("kgView.search('resnet50')") == "method/resnet-50"  # alias, case-insensitive
    assert session.js("kgView.selectedNode()") == "method/resnet-50"
    assert session.page.locator("#kg-panel h2").inner_text() == "ResNet-50"
    assert session.js("kgView.search('cifar')") == "dataset/cifar-10"  # prefix
    assert session.js("kgView.search('VISION TRANSFORMER')") == "method/vit"  # alias beats a title prefix
    assert session.js("kgView.search('esnet')") == "method/resnet-50"  # substring
    assert session.js("kgView.search('on a budget')") == _pid("Vision transformers on a budget")  # titles too
    assert session.js("kgView.search('zzz-nothing')") is None
    session.page.fill("#kg-search", "gpu")
    assert session.page.locator("#kg-results li").count() >= 1
    session.page.press("#kg-search", "Enter")
    assert session.js("kgView.selectedNode()") == "hardware/gpu"
    session.page.fill("#kg-search", "image class")
    session.page.locator("#kg-results li").first.click()
    assert session.js("kgView.selectedNode()") == "task/image-classification"
    session.assert_clean()


def test_filters(session, big_page):
    G, counts, path = big_page
    session.open(path, timeout=120)
    default = session.js("kgView.visibleNodeCount()")
    assert 0 < default <= 300
    session.page.locator("#kg-types label", has_text="Method").locator("input").uncheck()
    methods = sum(1 for n in session.js("kgView.network.body.data.nodes.get()") if not n["hidden"]) 
    assert session.js("kgView.visibleNodeCount()") == methods < default
    assert "types=Dataset" in session.js("location.hash")
    session.page.locator("#kg-types label", has_text="Method").locator("input").check()
    assert session.js("kgView.visibleNodeCount()") == default
    # minimum papers: 1 shows every entity that has a paper
    session.js("kgView.setMinPapers(1)")
    used = sum(1 for n in G if not n.startswith("paper/") and G.degree(n))
    assert session.js("kgView.visibleNodeCount()") == used and used > default
    # relations: without evaluatesOn a dataset has no papers left, so no dataset is shown
    session.page.locator("#kg-preds label", has_text="evaluatesOn").locator("input").uncheck()
    shown = session.js("kgView.network.body.data.nodes.get().filter(n => !n.hidden).map(n => kgView.nodeId(n.id))")
    assert shown and not any(i.startswith("dataset/") for i in shown)
    session.page.locator("#kg-preds label", has_text="evaluatesOn").locator("input").check()
    session.assert_clean()


def test_papers_since(session, tmp_path):
    G = make_small_graph()
    G.nodes[_pid(XSS_TITLE)]["date"] = "Oct 2"
    path = tmp_path / "d.html"
    write_html(G, path)
    session.open(path)
    assert session.page.locator("#kg-since-box").is_visible()
    session.js("kgView.focus('dataset/cifar-10')")
    assert _pid(XSS_TITLE) in session.js("kgView.focusNodes()")
    session.page.locator("#kg-since").fill("2")  # the second date: Oct 2
    assert session.js("kgView.state()").endswith("since=10-02")
    drawn = session.js("kgView.focusNodes()")
    assert _pid(XSS_TITLE) in drawn and _pid(P1) not in drawn
    assert "since Oct 2" in session.page.locator("#kg-since-label").inner_text()
    session.assert_clean()


def test_markup_in_data_stays_text(session, small_page):
    session.open(small_page[2])
    session.js("id => kgView.focus(id)", _pid(XSS_TITLE))
    assert session.page.locator("#kg-panel h2").inner_text() == XSS_TITLE
    session.js("kgView.focus('method/vit')")
    text = session.page.locator("#kg-panel").inner_text()
    assert XSS_ALIAS in text and f"Evidence with markup {XSS_ALIAS} & friends" in text
    session.hover_node("method/vit")
    session.wait("!!document.querySelector('.vis-tooltip') && document.querySelector('.vis-tooltip').style.visibility !== 'hidden'", 5)
    assert XSS_ALIAS in session.page.locator(".vis-tooltip").inner_text()
    session.page.fill("#kg-search", "<img")
    assert XSS_TITLE in session.page.locator("#kg-results").inner_text()
    session.page.wait_for_timeout(300)
    assert session.js("document.querySelectorAll('body img, #kg-panel script, #kg-results script, .vis-tooltip script').length") == 0
    assert session.dialogs == []
    session.assert_clean()


def test_focus_page_opens_focused_and_controls_drive_the_state(session, tmp_path):
    path = tmp_path / "f.html"
    write_html(make_small_graph(), path, focus="CIFAR-10", hops=2)
    session.open(path)
    assert session.js("kgView.mode()") == "focus" and session.js("kgView.selectedNode()") == "dataset/cifar-10"
    assert session.page.locator("#kg-where").inner_text().endswith("CIFAR-10")
    session.page.locator("#kg-overview").click()
    session.wait("kgView.mode() === 'overview'")
    # the minimum-papers slider and the colour choice, through the page's own controls
    session.page.locator("#kg-min").fill("1")  # the second value: 2 papers
    assert "min=2" in session.js("location.hash")
    # the page carries CIFAR-10's two papers and their entities: CIFAR-10 and ViT are in both
    assert session.js("kgView.visibleNodeCount()") == 2
    assert "\u2265 2 papers" in session.page.locator("#kg-min-label").inner_text()
    session.page.select_option("#kg-color", "type")
    assert "color=type" in session.js("location.hash")
    colours = session.js("kgView.network.body.data.nodes.get().map(n => n.color.background)")
    assert sorted(colours) == ["#4e79a7", "#f28e2b"]  # Method and Dataset, from kg.schema
    session.assert_clean()
