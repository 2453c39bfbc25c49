"""The documents list, the default network, the 404 page and the favicon (Flask test client)."""

from __future__ import annotations

import re

import pyoxigraph as ox
from webfixture import BASE

POL = "https://w3id.org/policykg/ont#"
PLAN_26 = BASE + "doc/ha-tinh/chuong-trinh-hanh-dong-26-ctr-tu-2023"
HA_TINH = BASE + "province/ha-tinh"


def _docs(client, **args) -> dict:  # noqa: ANN001
    r = client.get("/documents", query_string={**args, "format": "json"})
    assert r.status_code == 200
    return r.get_json()


def _store_documents(app) -> set[str]:  # noqa: ANN001
    store = app.extensions["policykg"].store
    rows = store.select(f"SELECT DISTINCT ?d WHERE {{ ?d a <{POL}Document> }}").rows
    return {r["d"].value for r in rows if isinstance(r["d"], ox.NamedNode)}


def test_every_document_is_listed_once(app, client) -> None:  # noqa: ANN001
    data = _docs(client)
    iris = [d["iri"] for d in data["documents"]]
    assert len(iris) == len(set(iris)) == data["count"] == data["total"]
    assert set(iris) == _store_documents(app)
    plan = next(d for d in data["documents"] if d["iri"] == PLAN_26)
    assert plan["number"] == "26-CTr/TU" and plan["date"] == "2023-02-07" and plan["held"] is True
    assert plan["type"] == "Chương trình hành động" and plan["provinces"] == [HA_TINH]
    assert plan["subject"].startswith("Thực hiện Nghị quyết số 29-NQ/TW")


def test_filters_type_province_year_held_issuer(app, client) -> None:  # noqa: ANN001
    store = app.extensions["policykg"].store
    held = {r["d"].value for r in store.select(f"SELECT ?d WHERE {{ ?d <{POL}heldInCorpus> true }}").rows}
    assert held and {d["iri"] for d in _docs(client, held="held")["documents"]} == held
    cited = _docs(client, held="cited")
    assert cited["count"] == cited["total"] - len(held) and not {d["iri"] for d in cited["documents"]} & held
    programmes = _docs(client, type="Chương trình hành động")["documents"]
    assert PLAN_26 in {d["iri"] for d in programmes} and all(d["type"] == "Chương trình hành động" for d in programmes)
    in_province = _docs(client, province=HA_TINH)["documents"]
    assert in_province and all(HA_TINH in d["provinces"] for d in in_province)
    year = _docs(client, year="2023")["documents"]
    assert PLAN_26 in {d["iri"] for d in year} and all(d["date"].startswith("2023") for d in year)
    issuer = next(iter(next(d for d in programmes if d["iri"] == PLAN_26)["issuers"]))
    by_issuer = _docs(client, issuer=issuer, year="2023", type="Chương trình hành động")["documents"]
    assert PLAN_26 in {d["iri"] for d in by_issuer} and all(issuer in d["issuers"] for d in by_issuer)
    assert _docs(client, type="no such type")["count"] == 0


def test_sorting(client) -> None:  # noqa: ANN001
    by_date = [d["date"] for d in _docs(client)["documents"] if d["date"]]
    assert by_date == sorted(by_date, reverse=True)  # newest first by default
    numbers = [d["number"].casefold() for d in _docs(client, sort="number")["documents"] if d["number"]]
    assert numbers == sorted(numbers)
    down = [d["number"].casefold() for d in _docs(client, sort="number", order="desc")["documents"] if d["number"]]
    assert down == sorted(down, reverse=True)
    assert _docs(client, sort="'; DROP")["count"] == _docs(client)["count"]  # unknown sort: the default


def test_documents_page_html(client) -> None:  # noqa: ANN001
    html = client.get("/documents?type=Chương trình hành động").get_data(as_text=True)
    assert "26-CTr/TU" in html and "09-NQ/TU" not in html
    assert 'aria-sort="descending"' in html  # the date column, newest first
    assert re.search(r'class="chip"[^>]*>Loại văn bản / Type: Chương trình hành động', html)
    assert "/network?iri=" in html  # each row links to its network
    lineage = re.search(r'href="(/network\?iri=[^"]*kind=document[^"]*)"[^>]*>Dòng văn bản', html).group(1)
    view = client.get(lineage.replace("&amp;", "&") + "&format=json").get_json()
    assert len(view["nodes"]) > 1 and {k["kind"] for k in view["kinds"]} == {"document"}
    lineage_relations = {POL + p for p in ("cites", "implements", "citedBy", "implementedBy")}
    assert {r["iri"] for r in view["relations"]} <= lineage_relations


def test_home_and_menu_link_to_documents(client) -> None:  # noqa: ANN001
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/documents"><span class="dot"[^>]*></span><b>\d+</b> Văn bản', html)
    assert '<a href="/documents">Văn bản' in html  # the menu
    held = re.search(r'<a href="/documents\?held=held"><b>(\d+)</b> có toàn văn</a>', html)
    cited = re.search(r'<a href="/documents\?held=cited"><b>(\d+)</b> chỉ được trích dẫn</a>', html)
    assert held and cited
    assert int(held.group(1)) == _docs(client, held="held")["count"] > 0
    assert int(cited.group(1)) == _docs(client, held="cited")["count"] > 0


def test_network_without_iri_is_the_lineage_overview(client) -> None:  # noqa: ANN001
    r = client.get("/network")
    assert r.status_code == 302 and r.headers["Location"].endswith("/network/lineage")
    assert client.get("/network?iri=" + BASE + "doc/no-such").status_code == 404


def test_404_page_in_layout_with_search(client) -> None:  # noqa: ANN001
    r = client.get("/no/such/page", headers={"Accept": "text/html"})
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and "Không có trang này" in html
    assert 'class="top"' in html and html.count('action="/search"') == 2  # header box and the page's own
    j = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert j.status_code == 404 and "error" in j.get_json()


def test_favicon_is_served_locally(client) -> None:  # noqa: ANN001
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/img/favicon.svg">' in html
    for url in ("/static/img/favicon.svg", "/favicon.ico"):
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.data


def test_task_labels_are_whole_and_tell_tasks_apart(app) -> None:  # noqa: ANN001
    store = app.extensions["policykg"].store
    rows = store.select(f"""SELECT ?t ?doc ?l ?q WHERE {{ ?t a <{POL}Task> ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?l ; <{POL}quote> ?q ;
        <http://www.w3.org/ns/prov#wasDerivedFrom> ?doc }}""").rows
    assert len(rows) > 50
    seen: dict[tuple[str, str], str] = {}
    for r in rows:
        label, quote = r["l"].value, " ".join(r["q"].value.split())
        assert not label.endswith("…"), label
        head = label.split(" — ", 1)[1]
        assert quote.startswith(head), (head, quote[:80])  # the task's own words, its first sentence whole
        key = (r["doc"].value, label)
        assert seen.setdefault(key, r["t"].value) == r["t"].value, f"two tasks labelled {label!r}"


def _natural(section: str) -> list:
    return [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.findall(r"\d+|[^\d.\-\s]+", section)]


def test_document_card_tasks_in_section_order_quotes_once_no_bare_true(client) -> None:  # noqa: ANN001
    html = client.get(PLAN_26.replace(BASE, "/id/")).get_data(as_text=True)
    sections = re.findall(r'<td class="section">([^<]*)</td>', html)
    assert len(sections) > 20 and "10-1" in sections
    assert sections == sorted(sections, key=_natural)  # 1-1, 1-2, 2-1 … 10-1, not 1-1, 10-1, 2-1
    assert sections.index("2-1") < sections.index("10-1")
    kinds = re.findall(r'<tr class="kind-(\w+)"><td class="section">', html)
    assert len(kinds) == len(sections) and "heading" in kinds and "task" in kinds  # headings told from tasks
    # one link's evidence never shows the same sentence twice
    for item in re.findall(r'<li class="[^"]*">(.*?)</li>', html, re.S):
        quotes = re.findall(r"<q>(.*?)</q>", item, re.S)
        assert len(quotes) == len(set(quotes)), quotes
    summary = html.split('id="summary"', 1)[1].split("</dl>", 1)[0]  # the card opens with the facts at a glance
    for fact in ("26-CTr/TU", "07/02/2023", "Chương trình hành động", "Tỉnh Hà Tĩnh", "có nhiệm vụ"):
        assert fact in summary, fact
    assert '<details class="all-props">' in html  # the raw properties folded below it
    assert ">true<" not in html and '<span class="lit">có</span> <small>yes</small>' in html
    assert "…</a>" not in html.split('class="tasks"', 1)[1].split("</table>", 1)[0]  # task labels whole


def test_vietnamese_numbers() -> None:
    from webapp.views.documents import vn_number

    assert [vn_number(x) for x in ("6.08", "50.0", "1500000", "-3.5", "0.10", "12345.678", "n/a")] == \
        ["6,08", "50", "1.500.000", "-3,5", "0,1", "12.345,678", "n/a"]


def _value_cells(html: str) -> list[str]:
    return [" ".join(c.split()) for c in re.findall(r'<td class="value">(.*?)</td>', html, re.S)]


def test_targets_charts_filters_and_vietnamese_numbers(app, client) -> None:  # noqa: ANN001
    html = client.get("/explore/targets").get_data(as_text=True)
    charts = re.findall(r'<svg class="chart".*?</svg>', html, re.S)
    assert charts and all("<script" not in c for c in charts)
    # one chart per indicator and unit, over two years or more
    for c in charts:
        years = set(re.findall(r'font-size="12" fill="#52606d">(\d{4})<', c))
        assert len(years) >= 2, c[:200]
    cells = _value_cells(html)
    decimal_point = re.compile(r"\d\.(?!\d{3}(?:\D|$))\d")  # 6.08; a dot before three digits groups thousands
    assert cells and not [c for c in cells if decimal_point.search(c)]
    assert any(re.search(r"\d\.\d{3}\b", c) for c in cells)  # 23.500 người
    assert any(re.search(r"\d,\d", c) for c in cells)  # 6,08 điểm, not 6.08
    total = len(cells)
    one = client.get("/explore/targets", query_string={"indicator": "sản lượng hàng hoá qua cảng"})
    one_html = one.get_data(as_text=True)
    assert len(_value_cells(one_html)) == 1 and "50 triệu tấn" in _value_cells(one_html)[0]
    assert 'selected>sản lượng hàng hoá qua cảng' in one_html
    plan = BASE + "doc/web-fixture-plan"
    by_doc = client.get("/explore/targets", query_string={"doc": plan}).get_data(as_text=True)
    assert 0 < len(_value_cells(by_doc)) < total and "Sản lượng hàng hoá qua cảng (thử nghiệm)" in by_doc
    assert "Tỷ lệ đô thị hoá (thử nghiệm)" not in by_doc  # a target of no document
    none = client.get("/explore/targets", query_string={"indicator": "no such"}).get_data(as_text=True)
    assert _value_cells(none) == [] and "Không có chỉ tiêu nào khớp" in none
