"""The network views in a real headless Chromium: a layout per view (lineage as a tree by date with a year
axis, the dependency explorer in left-to-right layers, ego networks by force), labels that never overlap
after a layout, an expand or a cluster opening, clusters beyond 80 nodes, the search box, and labels
readable (>= 12 px) at the initial zoom. Positions and label boxes are read from vis-network itself
(getPositions, getBoundingBox). Screenshots at 1366×900 and 390×844 go to $POLICYKG_SCREENSHOTS.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import test_ui_browser as ui
from browsing import watched_tab
from test_browser import click_node
from webfixture import BASE, HOSTILE, HUB_SIZE, iri_of_number

pytestmark = pytest.mark.browser
chromium, shots, tab, shot = ui.chromium, ui.shots, ui.tab, ui.shot  # the fixtures of the pages' browser tests

FOCUS = BASE + "task/web-fixture-1"
HUB = BASE + "agency/web-fixture-hub"

# every visible node's label box, and the pairs of boxes that overlap (canvas units). vis measures a label
# where it last drew it, and draws only what is in view: the whole network is shown for one frame first
OVERLAPS = """async () => { const n = window.policykgNetwork;
  const view = {position: n.getViewPosition(), scale: n.getScale()};
  n.fit({animation: false});
  await new Promise(done => { n.once("afterDrawing", () => done()); n.redraw(); });
  const ids = n.body.nodeIndices.filter(id => !n.body.nodes[id].options.hidden);
  const boxes = ids.map(id => n.getBoundingBox(id)); const bad = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) bad.push([ids[i], ids[j]]);
  }
  n.moveTo({position: view.position, scale: view.scale, animation: false});
  return {count: ids.length, bad: bad.slice(0, 5), overlapping: bad.length}; }"""
# the smallest label on screen: font size (canvas units) times the zoom
SMALLEST_FONT = """() => { const n = window.policykgNetwork; const s = n.getScale();
  const ids = n.body.nodeIndices.filter(id => !n.body.nodes[id].options.hidden);
  return Math.min(...ids.map(id => n.body.nodes[id].options.font.size * s)); }"""
VISIBLE = "() => window.policykgNetwork.body.nodeIndices.length"


@pytest.fixture()
def page(chromium, live_server: str):  # noqa: ANN001, ANN201
    """A desktop tab (1366×900) for the tests that click."""
    yield from watched_tab(chromium, live_server, viewport=ui.DESKTOP)


def ready(p, url: str) -> None:  # noqa: ANN001
    p.goto(url)
    p.wait_for_selector("#network[data-ready=stable]", timeout=30_000)
    p.wait_for_function("() => !document.getElementById('network').dataset.busy", timeout=15_000)
    p.locator("#network").scroll_into_view_if_needed()  # (whole: clicks land inside it)
    p.wait_for_timeout(200)  # one more frame: label boxes are measured when drawn


def settled(p) -> None:  # noqa: ANN001
    p.wait_for_function("""() => { const c = document.getElementById('network');
        return !c.dataset.expanding && !c.dataset.busy; }""", timeout=20_000)
    p.wait_for_timeout(200)


def no_overlaps(p) -> int:  # noqa: ANN001
    found = p.evaluate(OVERLAPS)
    assert found["overlapping"] == 0, f"{found['overlapping']} overlapping label boxes, e.g. {found['bad']}"
    return found["count"]


def readable(p) -> None:  # noqa: ANN001
    smallest = p.evaluate(SMALLEST_FONT)
    assert smallest >= 12 - 1e-6, f"labels are {smallest:.1f} px on screen"


def positions(p) -> dict[str, dict]:  # noqa: ANN001
    return p.evaluate("""() => { const n = window.policykgNetwork; const out = {};
        const pos = n.getPositions(n.body.nodeIndices);
        for (const id of n.body.nodeIndices) {
          const d = n.body.data.nodes.get(id) || {};
          out[id] = {x: pos[id].x, y: pos[id].y, year: d.year, level: n.body.nodes[id].options.level}; }
        return out; }""")


def network_shot(p, shots: Path, name: str) -> None:  # noqa: ANN001
    p.locator("#network").scroll_into_view_if_needed()
    shot(p, shots, name)


def test_lineage_is_a_tree_by_date_with_a_year_axis(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001
    ready(tab, live_server + "/network/lineage")
    assert tab.get_attribute("#network", "data-layout") == "date"
    axis = tab.evaluate("JSON.parse(document.getElementById('network').dataset.axis)")
    years = [a["text"] for a in axis if a["text"].isdigit()]
    assert len(years) >= 5 and years == sorted(years)
    xs = [a["x"] for a in axis]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)  # one column per year, left to right
    column = {a["text"]: a["x"] for a in axis}
    undated = next((a["x"] for a in axis if not a["text"].isdigit()), None)
    nodes = positions(tab)
    assert len(nodes) >= 30
    for iri, n in nodes.items():
        assert abs(n["x"] - (column[n["year"]] if n["year"] else undated)) < 1, iri
    # a held document and what it implements: the older one stands further left
    plan = next(i for i in nodes if i.endswith("chuong-trinh-hanh-dong-26-ctr-tu-2023"))
    assert nodes[plan]["year"] == "2023" and nodes[plan]["x"] == column["2023"]
    colours = tab.evaluate("new Set(window.policykgNetwork.body.data.nodes.get().map(n => n.color)).size")
    assert colours >= 4  # coloured by document type, one legend entry each
    assert tab.locator(".legend-item").count() == colours
    # the year axis: a strip of text above the canvas, each year over its column
    strip = tab.evaluate("""() => { const n = window.policykgNetwork;
        return Array.from(document.querySelectorAll('.net-axis span:not([hidden])')).map(s => ({
          text: s.textContent, left: s.getBoundingClientRect().left + s.getBoundingClientRect().width / 2
                - document.getElementById('network').getBoundingClientRect().left})); }""")
    assert strip, "no year on screen"
    for label in strip:
        x = tab.evaluate("(x) => window.policykgNetwork.canvasToDOM({x: x, y: 0}).x", column[label["text"]])
        assert abs(label["left"] - x) < 3, label
    readable(tab)
    no_overlaps(tab)
    network_shot(tab, shots, "network-lineage")
    # the PNG export carries the years too (drawn on the picture: the strip is not in the canvas)
    with tab.expect_download() as info:
        tab.click("#export-png")
    png = shots / f"network-lineage-export-{tab.width}.png"
    info.value.save_as(str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_documents_lineage_from_the_documents_list(tab, live_server: str, app, shots: Path) -> None:  # noqa: ANN001
    tab.goto(live_server + "/documents")
    href = tab.get_by_role("link", name="Dòng văn bản").first.get_attribute("href")
    ready(tab, live_server + href)
    assert tab.get_attribute("#network", "data-layout") == "date"
    readable(tab)
    no_overlaps(tab)
    plan = iri_of_number(app, "26-CTr/TU")
    ready(tab, live_server + "/network?depth=2&kind=document&iri=" + plan)
    nodes = positions(tab)
    assert nodes[plan]["year"] == "2023"
    older = [n for i, n in nodes.items() if n["year"] and n["year"] < "2023"]
    assert older and all(n["x"] < nodes[plan]["x"] for n in older)
    network_shot(tab, shots, "network-document-lineage")


def test_dependency_view_runs_left_to_right_by_distance(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001
    ready(tab, live_server + "/explore/dependencies?project=vung+ang+port")
    assert tab.get_attribute("#network", "data-layout") == "layers"
    nodes = positions(tab)
    by_level: dict[int, set[float]] = {}
    for n in nodes.values():
        by_level.setdefault(n["level"], set()).add(round(n["x"]))
    assert all(len(xs) == 1 for xs in by_level.values())  # one column per distance
    columns = [by_level[k].pop() for k in sorted(by_level)]
    assert len(columns) >= 3 and columns == sorted(columns) and len(set(columns)) == len(columns)
    readable(tab)
    no_overlaps(tab)
    # the first column (the project) is on screen, not half a screen of nothing before it
    project = next(i for i, n in nodes.items() if n["level"] == 0)
    dom = tab.evaluate("(id) => window.policykgNetwork.canvasToDOM(window.policykgNetwork.getPositions([id])[id])",
                       project)
    assert 0 < dom["x"] < tab.locator("#network").bounding_box()["width"] / 2
    network_shot(tab, shots, "network-dependencies")


def test_depth_three_is_folded_into_clusters(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001
    ready(tab, live_server + "/network?depth=3&iri=" + FOCUS)
    assert tab.evaluate("window.policykgNetwork.body.data.nodes.length") > 80
    visible = tab.evaluate(VISIBLE)
    assert visible <= 80
    assert int(tab.get_attribute("#network", "data-clusters")) >= 1
    assert "nhóm thu gọn" in tab.inner_text("#net-status")
    readable(tab)
    no_overlaps(tab)
    network_shot(tab, shots, "network-depth3")


def test_expand_places_new_nodes_by_the_clicked_one_without_overlaps(page, live_server: str,  # noqa: ANN001
                                                                     shots: Path) -> None:
    ready(page, live_server + "/network?iri=" + FOCUS)
    readable(page)
    no_overlaps(page)
    before = set(positions(page))
    click_node(page, HUB)  # 220 tasks hang on it: 30 come back
    page.wait_for_function("(n) => window.policykgNetwork.body.data.nodes.length >= n + 30", arg=len(before),
                           timeout=15_000)
    settled(page)
    after = positions(page)
    fresh = [after[i] for i in after if i not in before]
    assert len(fresh) == 30
    hub = after[HUB]
    spread = sorted(((n["x"] - hub["x"]) ** 2 + (n["y"] - hub["y"]) ** 2) ** 0.5 for n in fresh)
    focus = after[FOCUS]
    to_focus = sorted(((n["x"] - focus["x"]) ** 2 + (n["y"] - focus["y"]) ** 2) ** 0.5 for n in fresh)
    assert spread[len(spread) // 2] < to_focus[len(to_focus) // 2]  # they gather round the node clicked
    assert no_overlaps(page) == len(after)
    page.screenshot(path=str(shots / "network-expanded-30.png"))


def test_a_big_neighbourhood_opens_cluster_by_cluster(page, live_server: str, shots: Path) -> None:  # noqa: ANN001
    ready(page, live_server + f"/network?cap=400&iri={HUB}")
    total = page.evaluate("window.policykgNetwork.body.data.nodes.length")
    assert total >= HUB_SIZE
    assert page.evaluate(VISIBLE) <= 80
    clusters = page.evaluate("Object.keys(window.policykgNetwork.body.nodes).filter("
                             "id => window.policykgNetwork.isCluster(id))")
    labels = [page.evaluate("(id) => window.policykgNetwork.body.nodes[id].options.label", c) for c in clusters]
    assert any(label.startswith(f"+{HUB_SIZE} nhiệm vụ") for label in labels), labels
    readable(page)
    no_overlaps(page)
    page.screenshot(path=str(shots / "network-clustered.png"))
    click_node(page, clusters[0])
    page.wait_for_function("() => document.getElementById('network').dataset.clusters === '0'", timeout=15_000)
    settled(page)
    assert page.evaluate(VISIBLE) == total
    assert no_overlaps(page) == total
    page.screenshot(path=str(shots / "network-cluster-opened.png"))


def test_search_box_finds_a_node_without_diacritics(page, live_server: str, shots: Path) -> None:  # noqa: ANN001
    ready(page, live_server + "/network?iri=" + FOCUS)
    page.fill("#net-find", "cang vung ang thu nghiem")
    page.wait_for_function("(id) => document.getElementById('network').dataset.found === id",
                           arg=BASE + "project/web-fixture-port", timeout=5_000)
    assert page.evaluate("window.policykgNetwork.getSelectedNodes()") == [BASE + "project/web-fixture-port"]
    assert "Cảng Vũng Áng (thử nghiệm)" in page.inner_text("#net-find-status")
    dom = page.evaluate("(id) => window.policykgNetwork.canvasToDOM(window.policykgNetwork.getPositions([id])[id])",
                        BASE + "project/web-fixture-port")
    box = page.locator("#network").bounding_box()
    assert 0 < dom["x"] < box["width"] and 0 < dom["y"] < box["height"]  # brought into view
    page.fill("#net-find", "DAU TU MO RONG")  # 'Đầu tư mở rộng …': đ folds to d, case and tones ignored
    page.wait_for_function("(id) => document.getElementById('network').dataset.found === id", arg=FOCUS)
    page.fill("#net-find", "doc hai")  # the hostile label is found and shown as text
    page.wait_for_function("(id) => document.getElementById('network').dataset.found === id",
                           arg=BASE + "agency/web-fixture-hostile")
    assert HOSTILE[:40] in page.inner_text("#net-find-status")
    assert page.locator("#net-find-status img, #net-find-status script").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.fill("#net-find", "khong co nut nao nhu the")
    page.wait_for_function("() => document.getElementById('net-find-status').textContent.includes('not found')")
    page.screenshot(path=str(shots / "network-find.png"))


def test_search_box_opens_the_cluster_that_holds_the_node(page, live_server: str) -> None:  # noqa: ANN001
    ready(page, live_server + f"/network?cap=400&iri={HUB}")
    target = BASE + "task/web-fixture-hub-17"
    assert page.evaluate("(id) => window.policykgNetwork.findNode(id).length", target) > 1  # folded
    page.fill("#net-find", "nhiem vu hub 17")
    page.wait_for_function("(id) => document.getElementById('network').dataset.found === id", arg=target,
                           timeout=20_000)
    assert page.evaluate("(id) => window.policykgNetwork.findNode(id).length", target) == 1
    assert page.evaluate("window.policykgNetwork.getSelectedNodes()") == [target]
