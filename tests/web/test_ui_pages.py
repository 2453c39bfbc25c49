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


def test_home_and_menu_link_to_documents(client) -> None:  # noqa: ANN001
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/documents"><span class="dot"[^>]*></span><b>\d+</b> Văn bản', html)
    assert '<a href="/documents">Văn bản' in html  # the menu


def test_network_without_iri_is_the_lineage_overview(client) -> None:  # noqa: ANN001
    r = client.get("/network")
    assert r.status_code == 302 and r.headers["Location"].endswith("/network/lineage")
    assert client.get("/network?iri=" + BASE + "doc/no-such").status_code == 404


def test_404_page_in_layout_with_search(client) -> None:  # noqa: ANN001
    r = client.get("/no/such/page")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and "Không tìm thấy" in html
    assert 'class="top"' in html and html.count('action="/search"') == 2  # header box and the page's own
    assert "/no/such/page" in html
    j = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert j.status_code == 404 and j.get_json()["error"] == "not found"


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
