"""Network views: ego networks with depth, filters and caps; click-to-expand JSON; lineage; layout."""

from __future__ import annotations

import json
import re

from webfixture import BASE, HUB_SIZE

POL = "https://w3id.org/policykg/ont#"


def payload(client, **args) -> dict:  # noqa: ANN001
    return client.get("/network", query_string={**args, "format": "json"}).get_json()


def test_ego_depth_grows_the_network(client) -> None:
    one = payload(client, iri=BASE + "task/web-fixture-1", depth=1)
    two = payload(client, iri=BASE + "task/web-fixture-1", depth=2)
    ids1 = {n["id"] for n in one["nodes"]}
    assert {BASE + "project/web-fixture-port", BASE + "agency/web-fixture-sct", BASE + "doc/web-fixture-plan"} <= ids1
    assert BASE + "zone/web-fixture-kkt" not in ids1
    assert BASE + "zone/web-fixture-kkt" in {n["id"] for n in two["nodes"]}
    # every edge carries its relation; the evidenced one its quote for hovering
    concerns = next(e for e in one["edges"] if e["predicate"] == POL + "concerns")
    assert "Đầu tư mở rộng cảng Vũng Áng để phục vụ khu kinh tế." in concerns["title"]
    assert all(n["url"].startswith("/id/") for n in one["nodes"])


def test_filters_by_kind_and_relation(client) -> None:
    only_agencies = payload(client, iri=BASE + "task/web-fixture-1", kind="agency")
    kinds = {n["kind"] for n in only_agencies["nodes"] if n["id"] != BASE + "task/web-fixture-1"}
    assert kinds == {"agency"}
    lead_only = payload(client, iri=BASE + "task/web-fixture-1", rel=POL + "leadAgency")
    assert {e["predicate"] for e in lead_only["edges"]} == {POL + "leadAgency"}


def test_cap_and_expand_more(client) -> None:
    hub = BASE + "agency/web-fixture-hub"
    capped = payload(client, iri=hub, cap=50)
    assert len(capped["nodes"]) == 50 and capped["truncated"] is True
    html = client.get("/network", query_string={"iri": hub, "cap": 50}).get_data(as_text=True)
    more = re.search(r'id="expand-more" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "cap=100" in more
    assert len(client.get(more + "&format=json").get_json()["nodes"]) == 100


def test_large_view_gets_server_layout(client) -> None:
    hub = BASE + "agency/web-fixture-hub"
    big = payload(client, iri=hub, cap=400)
    assert len(big["nodes"]) >= HUB_SIZE
    assert big["serverLayout"] is True
    assert all("x" in n and "y" in n and n["physics"] is False for n in big["nodes"])
    small = payload(client, iri=BASE + "task/web-fixture-1")
    assert small["serverLayout"] is False


def test_expand_returns_only_new_neighbours(client) -> None:
    present = [BASE + "task/web-fixture-1", BASE + "project/web-fixture-port"]
    r = client.post("/network/expand.json", json={"iri": BASE + "project/web-fixture-port", "present": present})
    data = r.get_json()
    ids = {n["id"] for n in data["nodes"]}
    assert BASE + "zone/web-fixture-kkt" in ids and BASE + "project/web-fixture-logistics" in ids
    assert not ids & set(present)
    # edges may end at nodes already on the page
    assert any(e["to"] == BASE + "project/web-fixture-port" for e in data["edges"])
    hub = client.post("/network/expand.json", json={"iri": BASE + "agency/web-fixture-hub", "present": [],
                                                    "limit": 10}).get_json()
    assert len(hub["nodes"]) == 10 and hub["truncated"] is True
    assert client.get("/network/expand.json?iri=" + BASE + "nothing").status_code == 404


def test_lineage_has_the_real_documents(client, app) -> None:
    data = client.get("/network/lineage?format=json").get_json()
    assert {n["kind"] for n in data["nodes"]} == {"document"}
    assert len(data["nodes"]) >= 30  # 5 held + the documents they cite
    preds = {e["predicate"] for e in data["edges"]}
    assert POL + "implements" in preds and POL + "cites" in preds


def test_network_page_carries_data_not_code(client) -> None:
    html = client.get("/network", query_string={"iri": BASE + "task/web-fixture-1"}).get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="network-data">(.*?)</script>', html, re.S).group(1)
    assert json.loads(block)["focus"] == BASE + "task/web-fixture-1"
    assert "/static/vendor/vis-network/vis-network.min.js" in html
    # no inline script anywhere: the CSP forbids it, and the page does not need it
    assert not re.search(r"<script(?![^>]*(?:src=|type=\"application/(?:json|ld\+json)\"))", html)
    assert "script-src 'self'" in client.get("/").headers["Content-Security-Policy"]


# -- layouts that suit the view ----------------------------------------------------------------------------

def test_lineage_is_laid_out_by_date(client) -> None:
    from graph.text import fold

    data = client.get("/network/lineage?format=json").get_json()
    assert data["layout"] == "date" and data["clusterOver"] == 80
    by_number = {n["label"].split("\n")[0]: n for n in data["nodes"]}
    plan = by_number["Chương trình hành động số 26-CTr/TU"]
    # its header prints 07/02/2023: year and ISO date for the columns, d/m/yyyy under the label
    assert (plan["year"], plan["date"]) == ("2023", "2023-02-07")
    assert plan["label"] == "Chương trình hành động số 26-CTr/TU\n7/2/2023"
    assert plan["cat"] == "type:Chương trình hành động" and plan["catName"] == "Chương trình hành động"
    resolution = by_number["Nghị quyết số 50-NQ/TW"]
    assert resolution["color"] != plan["color"]  # coloured by type
    assert "shapeProperties" in resolution  # only cited: dashed
    assert "shapeProperties" not in plan  # held in the corpus
    # the search key: the whole label folded as the search index folds it (not the date line)
    assert plan["key"] == fold("Chương trình hành động số 26-CTr/TU") == "chuong trinh hanh dong so 26-ctr/tu"
    implements = [e for e in data["edges"] if e["predicate"] == POL + "implements"]
    assert implements and all(e["width"] > 1 for e in implements)
    # the lineage filters travel with each expand: documents and citation links only
    assert data["filters"]["kinds"] == ["document"] and POL + "cites" in data["filters"]["rels"]


def test_a_documents_lineage_is_a_date_tree_too(client, app) -> None:
    from webfixture import iri_of_number

    doc = iri_of_number(app, "26-CTr/TU")
    data = payload(client, iri=doc, depth=2, kind="document", rel=[POL + "cites", POL + "implements"])
    assert data["layout"] == "date" and all("year" in n for n in data["nodes"])
    ego = payload(client, iri=doc)
    assert ego["layout"] == "force" and not any("year" in n for n in ego["nodes"])
    # tasks and goals say which document they come from (clusters group by it)
    tasks = [n for n in ego["nodes"] if n["kind"] == "task"]
    assert tasks and all(n["doc"] == doc for n in tasks)


def test_expand_in_a_lineage_dates_the_new_documents(client, app) -> None:
    from webfixture import iri_of_number

    doc = iri_of_number(app, "26-CTr/TU")
    data = client.post("/network/expand.json", json={"iri": doc, "present": [], "layout": "date",
                                                     "kinds": ["document"]}).get_json()
    assert data["layout"] == "date" and data["nodes"] and all("year" in n for n in data["nodes"])
    assert {n["kind"] for n in data["nodes"]} == {"document"}
    bad = client.post("/network/expand.json", json={"iri": doc, "present": [], "layout": "spiral"})
    assert bad.status_code == 400 and "spiral" in bad.get_data(as_text=True)


def test_dependency_view_is_layered_by_distance(client) -> None:
    html = client.get("/explore/dependencies?project=vung+ang+port").get_data(as_text=True)
    graph = json.loads(re.search(r'id="network-data">(.*?)</script>', html, re.S).group(1))
    answer = client.get("/explore/dependencies?project=vung+ang+port&format=json").get_json()
    assert graph["layout"] == "layers"
    levels = {n["id"]: n["level"] for n in graph["nodes"]}
    assert levels[answer["project"]] == 0
    deepest = 0
    for d in answer["dependants"]:
        if d["kind"] in ("task", "project", "zone", "place"):
            assert levels[d["iri"]] == max(1, len(d["path"])), d["label"]
            deepest = max(deepest, levels[d["iri"]])
    touched = [d for d in answer["dependants"] if d["kind"] in ("document", "agency", "target")]
    assert touched and all(levels[d["iri"]] == deepest + 1 for d in touched)
    assert graph["levelNames"]["0"].startswith("Công trình")
    # what a dependent task touches is linked to it in the last column
    ids = {d["iri"] for d in touched}
    assert any(e["from"] in ids or e["to"] in ids for e in graph["edges"])
