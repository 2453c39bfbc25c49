"""The pages of the analyst's web app in a real headless Chromium at desktop and phone widths.

Screenshots (1366×900 and 390×844) go to $POLICYKG_SCREENSHOTS when it is set (a temporary folder
otherwise); nothing may leave 127.0.0.1 and no page may raise a JavaScript error.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from browsing import launch, screenshot_folder, watched_tab
from webfixture import BASE

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PLAN_26 = BASE + "doc/ha-tinh/chuong-trinh-hanh-dong-26-ctr-tu-2023"


@pytest.fixture(scope="module")
def chromium():  # noqa: ANN201
    yield from launch()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_folder(tmp_path_factory, "ui-screenshots")


@pytest.fixture(params=["desktop", "phone"])
def tab(request, chromium, live_server: str):  # noqa: ANN001, ANN201
    viewport = DESKTOP if request.param == "desktop" else PHONE
    for p in watched_tab(chromium, live_server, viewport=viewport):
        p.width = viewport["width"]  # type: ignore[attr-defined]
        yield p


def no_horizontal_overflow(page) -> None:  # noqa: ANN001
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.width, f"page is {width}px wide in a {page.width}px window"


def shot(page, shots: Path, name: str) -> None:  # noqa: ANN001
    page.screenshot(path=str(shots / f"ui-{name}-{page.width}.png"), full_page=False)


def test_documents_page(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001
    tab.goto(live_server + "/documents")
    rows = tab.locator("table.documents tbody tr")
    total = rows.count()
    assert total > 10
    no_horizontal_overflow(tab)
    shot(tab, shots, "documents")
    # filter by type through the facet, then sort by number
    tab.locator("details[data-facet=type] summary").click()
    tab.locator("details[data-facet=type] a", has_text="Chương trình hành động").click()
    tab.wait_for_url("**type=*")
    assert 0 < rows.count() < total
    assert all(t.strip() == "Chương trình hành động" for t in tab.locator("td.type").all_inner_texts())
    if tab.width > 760:
        tab.locator("th a", has_text="Số, ký hiệu").click()
        tab.wait_for_url("**sort=number*")
        numbers = [t.strip().casefold() for t in tab.locator("td.num .nowrap").all_inner_texts()]
        assert numbers == sorted(numbers)
    tab.locator("td.num a", has_text="26-CTr/TU").first.click()
    tab.wait_for_load_state()
    assert "26-CTr/TU" in tab.locator("h1").inner_text()


def test_menu_collapses_on_a_phone(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001
    tab.goto(live_server + "/")
    nav = tab.locator("header.top nav")
    if tab.width > 760:
        assert nav.is_visible() and not tab.locator(".menu-button").is_visible()
        assert tab.locator("header.top").bounding_box()["height"] < 80  # one row at 1366 px
        return
    assert not nav.is_visible()
    assert tab.locator("header.top").bounding_box()["height"] < 120
    tab.locator(".menu-button").click()
    assert nav.is_visible()
    shot(tab, shots, "menu-open")
    tab.locator("header.top nav a", has_text="Văn bản").first.click()
    tab.wait_for_url("**/documents")
    no_horizontal_overflow(tab)


def test_not_found_page(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001
    response = tab.goto(live_server + "/no/such/page")
    assert response.status == 404
    no_horizontal_overflow(tab)
    shot(tab, shots, "404")
    tab.locator("main input[name=q]").fill("vung ang")
    tab.locator("main input[name=q]").press("Enter")
    tab.wait_for_url("**/search?q=vung*")
    icon = tab.evaluate("document.querySelector('link[rel=icon]').href")
    assert urlparse(icon).netloc == urlparse(live_server).netloc


def test_document_card(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001
    tab.goto(live_server + PLAN_26.replace(BASE, "/id/"))
    assert "26-CTr/TU" in tab.locator("h1").inner_text()
    no_horizontal_overflow(tab)
    tab.locator("table.tasks").scroll_into_view_if_needed()
    shot(tab, shots, "document-card")
    more = tab.locator("details.more-evidence").first
    if more.count():
        hidden = more.locator("blockquote").first
        assert not hidden.is_visible()
        more.locator("summary").click()
        assert hidden.is_visible()


def test_targets_page(tab, live_server: str, shots: Path) -> None:  # noqa: ANN001
    tab.goto(live_server + "/explore/targets")
    assert tab.locator("svg.chart").count() >= 1
    no_horizontal_overflow(tab)
    shot(tab, shots, "targets")
    before = tab.locator("td.value").count()
    tab.select_option("select[name=indicator]", "sản lượng hàng hoá qua cảng")
    tab.locator("form.filters button").click()
    tab.wait_for_url("**indicator=*")
    assert 0 < tab.locator("td.value").count() < before
    no_horizontal_overflow(tab)


PAGES = ["/", "/search?q=vung+ang", "/questions", "/sparql", "/explore/dependencies",
         "/explore/dependencies?project=vung+ang+port", "/network/lineage", "/data", "/ontology",
         "/id/agency/ha-tinh/so-cong-thuong", "/documents", "/explore/targets", "/no/such/page"]


def test_no_page_overflows_a_phone(chromium, live_server: str) -> None:  # noqa: ANN001
    context = chromium.new_context(viewport=PHONE)
    p = context.new_page()
    p.width = PHONE["width"]  # type: ignore[attr-defined]
    p.goto(live_server + "/questions")
    first_question = p.locator("main a[href^='/questions/']").first.get_attribute("href")
    for path in [*PAGES, first_question]:
        p.goto(live_server + path)
        no_horizontal_overflow(p)
    context.close()
