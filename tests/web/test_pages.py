"""Home, search, entity pages and their RDF twins, document cards: through the Flask test client."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from webfixture import BASE, iri_of_number

POL = rdflib.Namespace("https://w3id.org/policykg/ont#")


def test_home_shows_statistics_and_questions(client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Văn bản" in html and "Cơ quan" in html
    assert "/questions/tasks_of_agency" in html  # example questions are linked
    assert re.search(r"<b>\d+</b> Văn bản", html)


@pytest.mark.parametrize("typed", ["so cong thuong", "SỞ CÔNG THƯƠNG", "Sở Công Thương", "cong thuong"])
def test_search_is_diacritic_insensitive(client, typed: str) -> None:
    data = client.get("/search", query_string={"q": typed, "format": "json"}).get_json()
    labels = [h["label"] for g in data["groups"] for h in g["hits"]]
    assert "Sở Công Thương tỉnh Hà Tĩnh" in labels  # the real agency from the sources


def test_search_folds_d_with_stroke(client) -> None:
    data = client.get("/search?q=nghi+quyet+11&format=json").get_json()
    docs = next(g for g in data["groups"] if g["kind"] == "document")
    assert any("11-NQ/TU" in h["label"] or "11-NQ/TU" in h["matched"] for h in docs["hits"])
    # 'đ' folds to 'd': "dau tu mo rong" finds "Đầu tư mở rộng …"
    data = client.get("/search?q=dau+tu+mo+rong&format=json").get_json()
    assert any("Đầu tư mở rộng" in h["label"] for g in data["groups"] for h in g["hits"])


def test_search_groups_by_kind_with_counts_and_aliases(client) -> None:
    data = client.get("/search?q=vung+ang&format=json").get_json()
    kinds = {g["kind"]: g for g in data["groups"]}
    assert {"project", "zone", "task"} <= set(kinds)
    for g in data["groups"]:
        assert g["count"] == len(g["hits"]) or g["count"] > 50
    # an alias finds its node, and the hit says which name matched
    data = client.get("/search?q=ben+cang+son+duong+thu+nghiem&format=json").get_json()
    hit = data["groups"][0]["hits"][0]
    assert hit["iri"] == BASE + "project/web-fixture-port"
    assert "Sơn Dương" in hit["matched"]
    html = client.get("/search?q=vung+ang").get_data(as_text=True)
    assert 'id="kind-project"' in html and "Cảng Vũng Áng (thử nghiệm)" in html


def test_search_kind_filter(client) -> None:
    data = client.get("/search?q=vung+ang&kind=zone&format=json").get_json()
    assert [g["kind"] for g in data["groups"]] == ["zone"]


def test_entity_page_html(client) -> None:
    r = client.get("/id/task/web-fixture-1")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Đầu tư mở rộng cảng Vũng Áng (thử nghiệm)" in html
    # the link, grouped by relation, with its evidence quote and source document
    assert "Đầu tư mở rộng cảng Vũng Áng để phục vụ khu kinh tế." in html
    assert 'href="/id/project/web-fixture-port"' in html
    assert 'href="/id/doc/web-fixture-plan"' in html
    # alternates in the head and in the Link header
    for suffix, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                          ("rdf", "application/rdf+xml"), ("nt", "application/n-triples")):
        assert f'<link rel="alternate" type="{media}" href="/id/task/web-fixture-1.{suffix}"' in html
        assert media in r.headers["Link"]
    # incoming links too: the document that has this task
    assert "Liên kết đến" in html


def test_entity_page_embeds_schema_org(client, app) -> None:
    doc = iri_of_number(app, "11-NQ/TU")
    html = client.get(doc.replace(BASE, "/id/")).get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Legislation"
    assert data["legislationIdentifier"] == "11-NQ/TU"
    assert data["legislationJurisdiction"] == "Tỉnh Hà Tĩnh, Việt Nam"  # its pol:jurisdiction
    central = iri_of_number(app, "29-NQ/TW")  # a central body's document: the whole country
    html = client.get(central.replace(BASE, "/id/")).get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["legislationJurisdiction"] == "Việt Nam"


RDF_CASES = [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
             ("application/n-triples", "nt")]


@pytest.mark.parametrize(("media", "parser"), RDF_CASES)
def test_content_negotiation_by_accept(client, media: str, parser: str) -> None:
    r = client.get("/id/task/web-fixture-1", headers={"Accept": media})
    assert r.status_code == 200
    assert r.mimetype == media
    assert "Accept" in r.headers["Vary"]
    g = rdflib.Graph().parse(data=r.data, format=parser)
    task = rdflib.URIRef(BASE + "task/web-fixture-1")
    assert (task, POL.concerns, rdflib.URIRef(BASE + "project/web-fixture-port")) in g
    assert (task, POL.leadAgency, rdflib.URIRef(BASE + "agency/web-fixture-sct")) in g
    # the evidence node of the link travels with it
    assert any(g.triples((None, POL.quote, None)))
    # the public IRIs are kept: RDF never names the local host
    assert b"localhost" not in r.data


@pytest.mark.parametrize(("suffix", "parser"), [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml"),
                                                ("nt", "nt")])
def test_content_negotiation_by_suffix(client, suffix: str, parser: str) -> None:
    r = client.get(f"/id/agency/ha-tinh/so-cong-thuong.{suffix}")
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.data, format=parser)
    labels = set(map(str, g.objects(rdflib.URIRef(BASE + "agency/ha-tinh/so-cong-thuong"), rdflib.RDFS.label)))
    assert "Sở Công Thương tỉnh Hà Tĩnh" in labels


def test_jsonld_uses_the_fixed_context(client) -> None:
    data = client.get("/id/task/web-fixture-1.jsonld").get_json()
    ctx = client.get("/context.jsonld").get_json()
    assert ctx["@context"]["pol"] == "https://w3id.org/policykg/ont#"
    text = json.dumps(data)
    assert '"concerns"' in text or "pol:concerns" in text


def test_browser_accept_gets_html_and_curl_gets_html(client) -> None:
    r = client.get("/id/task/web-fixture-1", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.mimetype == "text/html"
    assert client.get("/id/task/web-fixture-1", headers={"Accept": "*/*"}).mimetype == "text/html"


def test_unknown_entity_is_404(client) -> None:
    assert client.get("/id/task/no-such-task").status_code == 404
    assert client.get("/id/task/no-such-task.ttl").status_code == 404
    assert client.get("/resource?iri=http://example.org/nothing").status_code == 404


def test_external_iris_have_pages(client) -> None:
    r = client.get("/resource", query_string={"iri": "http://www.w3.org/ns/org#Organization"})
    assert r.status_code == 200
    r = client.get("/resource.ttl", query_string={"iri": "http://www.w3.org/ns/org#Organization"})
    assert r.mimetype == "text/turtle"


def test_document_card_two_columns_real_sources(client, app) -> None:
    """57-KL/TU implements 08-NQ/TU (2018) and is cited by the action programme 26-CTr/TU."""
    kl57 = iri_of_number(app, "57-KL/TU")
    html = client.get(kl57.replace(BASE, "/id/")).get_data(as_text=True)
    acts_on = html.split('id="acts-on"')[1].split('id="acted-on-by"')[0]
    acted_by = html.split('id="acted-on-by"')[1].split("</div>")[0]
    assert "08-NQ/TU" in acts_on
    assert "26-CTr/TU" in acted_by or "26-CTr" in acted_by
    assert "/network?iri=" in html  # one click opens it as a network


def test_document_card_tasks_and_targets(client) -> None:
    html = client.get("/id/doc/web-fixture-plan").get_data(as_text=True)
    tasks = html.split('class="tasks"')[1].split("</table>")[0]
    assert "1.1" in tasks and "Sở Công Thương (thử nghiệm)" in tasks and "2025 - 2030" in tasks
    assert "Sản lượng hàng hoá qua cảng (thử nghiệm)" in html and "triệu tấn" in html


def test_no_external_scripts_or_styles_anywhere(client, app) -> None:
    pages = ["/", "/search?q=vung+ang", "/id/task/web-fixture-1", "/network?iri=" + BASE + "task/web-fixture-1",
             "/network/lineage", "/questions", "/questions/tasks_of_agency", "/questions/project_dependants",
             "/questions/targets_by_year", "/explore/dependencies", "/explore/dependencies?project=" + BASE +
             "project/web-fixture-port", "/explore/targets", "/sparql", "/data", "/ontology"]
    for page in pages:
        r = client.get(page)
        assert r.status_code == 200, page
        html = r.get_data(as_text=True)
        bad = re.findall(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//[^"\'>\s]+', html)
        # external *links* to licences and standards are fine in <a>, never as script/style/img sources
        assert not re.findall(r'<(?:script|link|img|iframe)[^>]*(?:src|href)\s*=\s*["\']?(?:https?:)?//', html), page
        assert all("creativecommons.org" in b or "w3.org" in b for b in bad), (page, bad)
    # the vendored assets are served by the app itself
    for asset in ("vendor/vis-network/vis-network.min.js", "vendor/codemirror/codemirror.js", "js/network.js",
                  "js/sparql.js", "css/app.css"):
        assert client.get("/static/" + asset).status_code == 200


def test_targets_timeline(client) -> None:
    html = client.get("/explore/targets").get_data(as_text=True)
    assert 'id="year-2025"' in html and 'id="year-2030"' in html
    assert html.index('id="year-2025"') < html.index('id="year-2030"')
    assert "50" in html and "triệu tấn" in html
    data = client.get("/explore/targets?year=2030&format=json").get_json()
    assert list(data) == ["2030"]


def test_dependency_explorer_explains_paths(client) -> None:
    r = client.get("/explore/dependencies", query_string={"project": "cang vung ang thu nghiem", "format": "json"})
    data = r.get_json()
    assert data["project"] == BASE + "project/web-fixture-port"
    found = {d["iri"]: d for d in data["dependants"]}
    # direct: the task that concerns the port; indirect: the task that depends on the logistics centre
    assert BASE + "task/web-fixture-1" in found
    path = found[BASE + "task/web-fixture-2"]["path"]
    assert [step["predicate"].split("#")[1] for step in path] == ["dependsOn", "dependsOn"]
    assert found[BASE + "task/web-fixture-1"]["path"][0]["quotes"] == [
        "Đầu tư mở rộng cảng Vũng Áng để phục vụ khu kinh tế."]
    # touched: the plan that has the task, its lead agency and the target it contributes to
    touched = {BASE + "doc/web-fixture-plan", BASE + "agency/web-fixture-sct", BASE + "target/web-fixture-t1"}
    assert touched <= set(found)
    html = client.get("/explore/dependencies", query_string={"project": BASE + "project/web-fixture-port"})
    assert "network-data" in html.get_data(as_text=True)


def test_ontology_docs_and_turtle(client) -> None:
    html = client.get("/ontology").get_data(as_text=True)
    for term in ("Document", "Task", "dependsOn", "leadAgency", "Evidence"):
        assert f'id="{term}"' in html
    r = client.get("/ontology.ttl")
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    assert (POL.Task, rdflib.RDF.type, rdflib.OWL.Class) in g
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"
    # ontology terms in the data link to their documentation
    assert 'href="/ontology#leadAgency"' in client.get("/id/task/web-fixture-1").get_data(as_text=True)


def test_search_matches_word_starts_only(client) -> None:  # noqa: ANN001
    """'vung ang' finds the port, not a target whose label has 'bền vững' and 'hạng'; numbers with slashes work."""
    page = client.get("/search?q=vung+ang").get_data(as_text=True)
    assert "Cảng Vũng Áng" in page
    assert "phát triển bền vững theo cam kết FTA" not in page
    page = client.get("/search?q=08-NQ/TU").get_data(as_text=True)
    assert page.count("08-NQ/TU") >= 2


def test_header_search_box_shows_only_the_search_text(client) -> None:  # noqa: ANN001
    page = client.get("/questions/tasks_depending_on_project").get_data(as_text=True)
    assert "Question(" not in page
    assert 'value="vung ang"' in client.get("/search?q=vung+ang").get_data(as_text=True)


def test_dependency_explorer_on_the_real_port_matches_the_question(client) -> None:  # noqa: ANN001
    """Cảng Vũng Áng: the same four tasks as the named question and `policykg impact` (000 §1–3, 001 §3.14);
    000 §3 is reached through the port system the port is part of, and the path says so."""
    data = client.get("/explore/dependencies", query_string={"project": BASE + "project/cang-vung-ang",
                                                             "format": "json"}).get_json()
    tasks = {d["iri"].rsplit("/", 1)[1] for d in data["dependants"]
             if d["kind"] == "task" and "web-fixture" not in d["iri"]}
    assert tasks == {"1", "2", "3", "3-14"}
    via_system = next(d for d in data["dependants"] if d["iri"].endswith("5e91a56c/3"))
    assert [s["predicate"].split("#")[1] for s in via_system["path"]] == ["dependsOn", "partOf"]


def test_incoming_links_are_cut_and_paged_with_their_totals(app, client) -> None:
    kg = app.extensions["policykg"].kg
    # the node with the most incoming links of one predicate in the built sources
    counts: dict[tuple[str, str], int] = {}
    for iri in list(kg.types)[:400]:
        for p, n in kg.describe(iri).incoming_totals.items():
            counts[(iri, p)] = n
    (iri, p), n = max(counts.items(), key=lambda kv: kv[1])
    assert n >= 4
    whole = [link.other.value for link in kg.describe(iri, links=n).incoming[p]]
    assert len(whole) == n == len(set(whole))
    pages = [kg.describe(iri, links=3, pages={p: offset}) for offset in range(0, n, 3)]
    assert all(d.incoming_totals[p] == n and len(d.incoming[p]) <= 3 for d in pages)
    assert [link.other.value for d in pages for link in d.incoming[p]] == whole  # the pages, in order, are the list
    # on the page: the offset is read from the query, a bad one refused
    html = client.get(iri.replace(BASE, "/id/"), query_string={"links": p, "offset": 1}).get_data(as_text=True)
    assert f"2–{1 + min(50, n - 1)} / {n}" in html and 'rel="prev"' in html
    assert client.get(iri.replace(BASE, "/id/"), query_string={"offset": "x"}).status_code == 400
