"""The query page in headless Chromium against a running server: a CONSTRUCT with the default
format shows Turtle, results are in view at 1400x900, IRIs are links that open the node."""
from __future__ import annotations

import time

import pytest

from kg.serve import load_store
from pagesession import VIEWPORT, chromium_available, launch
from test_serve import _start, _stop

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not chromium_available(), reason="no Chromium")]


@pytest.fixture(scope="module")
def page(exported_dir):
    srv = _start(load_store([exported_dir / "graph.ttl"]), timeout=10)
    with playwright.sync_playwright() as pw:
        browser = launch(pw)
        pg = browser.new_page(viewport=VIEWPORT)
        pg.goto(srv.url)
        yield pg
        browser.close()
    _stop(srv)


def _run(page, query):
    page.fill("#query", query)
    page.click("button[type=submit]")
    deadline = time.monotonic() + 10
    while "running" in page.inner_text("#status") or not page.inner_text("#status"):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_construct_shows_turtle_with_default_format(page):
    _run(page, "CONSTRUCT WHERE { ?s a kg:Dataset } LIMIT 2")
    assert page.inner_text("#status").startswith("200")
    assert "kg:Dataset" in page.inner_text("#results pre")


def test_results_in_view_and_iris_open_the_node(page):
    _run(page, "SELECT ?d WHERE { ?d a kg:Dataset } LIMIT 3")
    box = page.locator("#results table").bounding_box()
    assert box and box["y"] < VIEWPORT["height"] and box["y"] + 20 > 0
    link = page.locator("#results td a").first
    iri = link.inner_text().strip("<>")
    link.click()
    deadline = time.monotonic() + 10
    while iri not in page.input_value("#query"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    _run(page, page.input_value("#query"))
    assert "rdf-syntax-ns#type" in page.inner_text("#results")
