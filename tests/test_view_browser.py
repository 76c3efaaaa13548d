"""kg.view pages driven in headless Chromium (Debian's /usr/bin/chromium) with Playwright.

Skipped when Playwright or the browser is missing. The browser and the recording page
`Session` come from tests/pagesession.py.
"""
from __future__ import annotations

import sys
import time
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
    path = tmp_path_factory.mktemp("view") / "small.html"
    counts = write_html(G, path, title="Small <test> graph")
    return G, counts, path


@pytest.fixture
def session(browser):
    with Session(browser) as s:
        yield s


def test_loads_offline_without_errors(session, small_page):
    G, counts, path = small_page
    session.open(path)
    session.page.wait_for_timeout(300)
    session.assert_clean()
    assert session.page.title() == "Small <test> graph"
    assert session.js("kgView.nodeCount()") == G.number_of_nodes() == counts["nodes"]
    assert session.js("kgView.edgeCount()") == counts["edges"]
    assert session.js("kgView.visibleNodeCount()") == G.number_of_nodes()
    # physics stops once stabilised
    assert session.js("kgView.network.physics.physicsEnabled") is False
    assert "8 of 8 nodes" in session.page.locator("#kg-status").inner_text()


def test_search_focuses_node(session, small_page):
    session.open(small_page[2])
    assert session.js("kgView.search('resnet50')") == "method/resnet-50"  # alias, case-insensitive
    assert session.js("kgView.selectedNode()") == "method/resnet-50"
    assert session.page.locator("#kg-panel h2").inner_text() == "ResNet-50"
    assert session.js("kgView.search('cifar')") == "dataset/cifar-10"  # prefix
    assert session.js("kgView.search('VISION TRANSFORMER')") == "method/vit"  # alias beats a title prefix
    assert session.js("kgView.search('esnet')") == "method/resnet-50"  # substring
    assert session.js("kgView.search('PUs')") == "hardware/gpu"  # alias substring
    assert session.js("kgView.search('zzz-nothing')") is None
    # through the UI: type and press Enter
    session.page.fill("#kg-search", "gpu")
    assert session.page.locator("#kg-results li").count() >= 1
    session.page.press("#kg-search", "Enter")
    assert session.js("kgView.selectedNode()") == "hardware/gpu"
    assert session.js("kgView.network.getSelectedNodes()") == ["hardware/gpu"]
    # clicking a suggestion
    session.page.fill("#kg-search", "image class")
    session.page.locator("#kg-results li").first.click()
    assert session.js("kgView.selectedNode()") == "task/image-classification"
    session.assert_clean()


def test_type_and_predicate_filters(session, small_page):
    session.open(small_page[2])
    session.page.locator("#kg-types label", has_text="Method").locator("input").uncheck()
    assert session.js("kgView.visibleNodeCount()") == 6
    assert session.js("kgView.isVisible('method/vit')") is False
    assert session.js("kgView.network.body.data.nodes.get('method/vit').hidden") is True
    session.js("kgView.setTypeVisible('Paper', false)")
    assert session.js("kgView.visibleNodeCount()") == 3
    assert session.js("kgView.visibleEdgeCount()") == 0
    session.js("kgView.setTypeVisible('Paper', true)")
    session.page.locator("#kg-types label", has_text="Method").locator("input").check()
    assert session.js("kgView.visibleNodeCount()") == 8
    before = session.js("kgView.visibleEdgeCount()")
    session.page.locator("#kg-preds label", has_text="evaluatesOn").locator("input").uncheck()
    assert session.js("kgView.visibleEdgeCount()") == before - 2
    session.page.fill("#kg-max", "3")
    session.page.press("#kg-max", "Enter")
    session.page.locator("#kg-max").dispatch_event("change")
    assert session.js("kgView.visibleNodeCount()") == 3
    session.assert_clean()


def test_click_node_shows_evidence(session, small_page):
    session.open(small_page[2])
    session.click_node("dataset/cifar-10")
    session.wait("!document.getElementById('kg-panel').hidden")
    assert session.js("kgView.selectedNode()") == "dataset/cifar-10"
    text = session.page.locator("#kg-panel").inner_text()
    assert "CIFAR-10" in text and "Dataset" in text and "CIFAR10" in text  # label, type, alias
    assert "ResNet-50 reaches 93% on CIFAR-10." in text
    assert "Ablations on CIFAR10 confirm this." in text
    assert P1 in text  # its papers
    # a paper: title, sources, date, urls and code, http(s) only as links
    session.js("id => kgView.select(id)", _pid(P1))
    panel = session.page.locator("#kg-panel")
    assert panel.locator("h2").inner_text() == P1
    text = panel.inner_text()
    assert "cs.CV/2015-12.txt:10" in text and "Sep 11" in text
    hrefs = panel.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert "https://arxiv.org/abs/1512.03385" in hrefs and "https://github.com/example/resnet" in hrefs
    assert not any(h.startswith("javascript:") for h in hrefs)
    assert "javascript:alert(3)" in text  # shown, but as text
    session.assert_clean()


def test_markup_in_data_stays_text(session, small_page):
    session.open(small_page[2])
    xss_paper = _pid(XSS_TITLE)
    session.click_node(xss_paper)
    session.wait("!document.getElementById('kg-panel').hidden")
    assert session.page.locator("#kg-panel h2").inner_text() == XSS_TITLE
    session.js("kgView.select('method/vit')")
    text = session.page.locator("#kg-panel").inner_text()
    assert XSS_ALIAS in text
    assert f"Evidence with markup {XSS_ALIAS} & friends" in text
    # hover tooltip shows the alias as text
    session.js("kgView.network.fit()")
    session.hover_node("method/vit")
    session.wait("!!document.querySelector('.vis-tooltip') && document.querySelector('.vis-tooltip').style.visibility !== 'hidden'", 5)
    assert XSS_ALIAS in session.page.locator(".vis-tooltip").inner_text()
    # search suggestions too
    session.page.fill("#kg-search", "<img")
    assert XSS_TITLE in session.page.locator("#kg-results").inner_text()
    session.page.wait_for_timeout(300)
    assert session.js("document.querySelectorAll('body img, #kg-panel script, #kg-results script, .vis-tooltip script').length") == 0
    assert session.dialogs == []
    session.assert_clean()


def test_large_graph_max_nodes(session, tmp_path):
    G = make_big_graph(2400)
    assert G.number_of_nodes() == 3000
    path = tmp_path / "big.html"
    counts = write_html(G, path, max_nodes=1500)
    assert counts["nodes"] == 1500
    seconds = session.open(path, timeout=120)
    assert session.js("kgView.nodeCount()") == 1500
    assert session.js("kgView.visibleNodeCount()") == 1500
    assert session.js("kgView.edgeCount()") == counts["edges"]
    assert session.js("kgView.network.physics.physicsEnabled") is False
    assert "(graph has 3000 nodes)" in session.page.locator("#kg-status").inner_text()
    session.js("kgView.setMaxNodes(100)")
    assert session.js("kgView.visibleNodeCount()") == 100
    # the 100 kept are the best connected: the most connected entity is among them
    top = max((n for n in G if not n.startswith("paper/")), key=G.degree)
    assert session.js("id => kgView.isVisible(id)", top) is True
    # still responsive: a search answers quickly
    t0 = time.perf_counter()
    e0 = next(n for n in G if n.endswith("/e0"))
    assert session.js("kgView.search('alias-0')") == e0
    assert session.js("kgView.selectedNode()") == e0
    assert time.perf_counter() - t0 < 5
    # a hub's panel is capped, with a button revealing the rest
    session.js("kgView.setMaxNodes(0)")
    session.js("id => kgView.select(id)", top)
    papers = session.page.locator("#kg-panel ul").first.locator("li")
    assert papers.count() == 50
    more = session.page.locator("#kg-panel .kg-more", has_text="papers")
    more.click()
    assert papers.count() > 50
    # big views label only the selected node's edges
    assert session.js("Object.values(kgView.network.body.edges).filter(e => (e.options.label || '').trim()).length") \
        == session.js("id => kgView.network.getConnectedEdges(id).length", top)
    session.assert_clean()
    print(f"1500-node page ready in {seconds:.1f}s")
