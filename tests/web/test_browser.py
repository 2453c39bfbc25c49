"""The app in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Every request the pages make is watched: anything that leaves 127.0.0.1 fails the test
(the app must work offline, with its vendored vis-network and CodeMirror).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browsing import launch, screenshot_folder, watched_tab
from webfixture import BASE, HOSTILE

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def browser():  # noqa: ANN201
    yield from launch()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_folder(tmp_path_factory, "screenshots")


@pytest.fixture()
def page(browser, live_server: str):  # noqa: ANN001, ANN201
    yield from watched_tab(browser, live_server, viewport={"width": 1280, "height": 900}, accept_downloads=True)


def node_count(page) -> int:  # noqa: ANN001
    return page.evaluate("window.policykgNetwork.body.data.nodes.length")


def click_node(page, iri: str, double: bool = False) -> None:  # noqa: ANN001
    """Click a node where it is drawn: once the view has settled (a layout, an expand or the view following new
    nodes may still move it) and with the node brought into view (it may lie outside the canvas)."""
    page.wait_for_function("() => !document.getElementById('network').dataset.busy", timeout=15_000)
    pos = page.evaluate("""(id) => { const n = window.policykgNetwork;
        n.stopSimulation(); n.moveTo({position: n.getPositions([id])[id], animation: false});
        const p = n.canvasToDOM(n.getPositions([id])[id]); return [p.x, p.y]; }""", iri)
    box = page.locator("#network").bounding_box()
    x, y = box["x"] + pos[0], box["y"] + pos[1]
    if double:
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)


def test_search_entity_network_expand_png(page, live_server: str, shots: Path) -> None:  # noqa: ANN001
    page.goto(live_server + "/")
    page.screenshot(path=str(shots / "01-home.png"), full_page=True)
    page.fill("#q", "vung ang thu nghiem")
    page.press("#q", "Enter")
    page.wait_for_selector("#kind-project")
    page.screenshot(path=str(shots / "02-search.png"), full_page=True)
    page.get_by_role("link", name="Cảng Vũng Áng (thử nghiệm)", exact=True).click()
    page.wait_for_selector("#entity-label")
    assert page.inner_text("#entity-label") == "Cảng Vũng Áng (thử nghiệm)"
    page.screenshot(path=str(shots / "03-entity.png"), full_page=True)
    page.click("#open-network")
    page.wait_for_selector("#network[data-ready=stable]", timeout=30_000)
    page.wait_for_timeout(300)
    before = node_count(page)
    assert before >= 4
    page.screenshot(path=str(shots / "04-network.png"))
    # click the logistics centre: its dependant task is not on the page yet
    click_node(page, BASE + "project/web-fixture-logistics")
    page.wait_for_function("(n) => window.policykgNetwork.body.data.nodes.length > n", arg=before, timeout=10_000)
    assert page.evaluate(f"window.policykgNetwork.body.data.nodes.get('{BASE}task/web-fixture-2') !== null")
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "05-network-expanded.png"))
    # the legend toggles a kind
    page.click(".legend-item[data-kind=task]")
    hidden = page.evaluate("window.policykgNetwork.body.data.nodes.get({filter: n => n.kind === 'task'})"
                           ".every(n => n.hidden)")
    assert hidden
    page.click(".legend-item[data-kind=task]")
    # PNG export
    with page.expect_download() as info:
        page.click("#export-png")
    png = shots / "06-export.png"
    info.value.save_as(str(png))
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    # double-click opens the entity page
    click_node(page, BASE + "zone/web-fixture-kkt", double=True)
    page.wait_for_url("**/id/zone/web-fixture-kkt", timeout=10_000)


def test_large_network_uses_server_layout(page, live_server: str, shots: Path) -> None:  # noqa: ANN001
    page.goto(live_server + "/network?cap=400&iri=" + BASE + "agency/web-fixture-hub")
    page.wait_for_selector("#network[data-ready=stable]", timeout=30_000)
    assert node_count(page) >= 200
    assert page.get_attribute("#network", "data-layout") == "server"
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "07-network-200.png"))


def test_hostile_label_never_executes(page, live_server: str, shots: Path) -> None:  # noqa: ANN001
    page.goto(live_server + "/id/agency/web-fixture-hostile")
    assert page.inner_text("#entity-label") == HOSTILE
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.goto(live_server + "/search?q=doc+hai")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.goto(live_server + "/network?iri=" + BASE + "task/web-fixture-1")
    page.wait_for_selector("#network[data-ready=stable]", timeout=30_000)
    # hover the hostile node: its tooltip is text
    pos = page.evaluate("""(id) => { const n = window.policykgNetwork;
        const p = n.canvasToDOM(n.getPositions([id])[id]); return [p.x, p.y]; }""", BASE + "agency/web-fixture-hostile")
    box = page.locator("#network").bounding_box()
    page.mouse.move(box["x"] + pos[0], box["y"] + pos[1])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    tip = page.locator("div.vis-tooltip")
    assert HOSTILE in tip.inner_text()
    assert tip.locator("img, script").count() == 0
    page.screenshot(path=str(shots / "08-hostile-tooltip.png"))
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_question_form(page, live_server: str, shots: Path) -> None:  # noqa: ANN001
    page.goto(live_server + "/questions/tasks_of_agency")
    page.fill("input[name=agency]", "so cong thuong thu nghiem")
    page.fill("input[name=year]", "2030")
    page.click("#run-question")
    page.wait_for_selector("#results")
    assert "Đầu tư mở rộng cảng Vũng Áng (thử nghiệm)" in page.inner_text("#results")
    assert "agency=so+cong+thuong+thu+nghiem" in page.get_attribute("#permalink", "href")
    page.screenshot(path=str(shots / "09-question.png"), full_page=True)


def test_sparql_editor_runs_a_query(page, live_server: str, shots: Path) -> None:  # noqa: ANN001
    page.goto(live_server + "/sparql")
    page.wait_for_selector(".CodeMirror")
    page.click("button.example[data-index='1']")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-table")
    rows = page.locator("#sparql-table tr").count()
    assert rows > 5
    assert "dòng" in page.inner_text("#sparql-status")
    page.screenshot(path=str(shots / "10-sparql.png"), full_page=True)
