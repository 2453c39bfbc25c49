"""A label that carries markup is data: it is shown as text everywhere and never executes."""

from __future__ import annotations

import json
import re

from webfixture import BASE, HOSTILE

RAW = "<script>window.__pwned"
ESCAPED = "&lt;script&gt;window.__pwned"


def test_entity_page_escapes(client) -> None:
    html = client.get("/id/agency/web-fixture-hostile").get_data(as_text=True)
    assert RAW not in html and "<img src=x" not in html
    assert ESCAPED in html
    # the schema.org block escapes '<' inside the JSON, so it cannot close its <script>
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(block)["name"] == HOSTILE


def test_pages_that_list_the_label_escape_it(client) -> None:
    pages = ("/search?q=doc+hai", "/id/task/web-fixture-1", "/network?iri=" + BASE + "task/web-fixture-1",
             "/questions/tasks_of_agency?agency=" + BASE + "agency/web-fixture-sct&year=2030",
             "/explore/dependencies?project=" + BASE + "project/web-fixture-port")
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        assert RAW not in html, page
        assert "<img src=x" not in html, page


def test_network_data_keeps_the_label_as_text(client) -> None:
    data = client.get("/network", query_string={"iri": BASE + "task/web-fixture-1", "format": "json"}).get_json()
    node = next(n for n in data["nodes"] if n["id"] == BASE + "agency/web-fixture-hostile")
    assert HOSTILE in node["title"]  # the browser turns it into a text node, see test_browser
    html = client.get("/network", query_string={"iri": BASE + "task/web-fixture-1"}).get_data(as_text=True)
    block = re.search(r'id="network-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block  # every '<' of the JSON is \u003c


def test_rdf_output_round_trips_the_label(client) -> None:
    import rdflib

    g = rdflib.Graph().parse(data=client.get("/id/agency/web-fixture-hostile.ttl").data, format="turtle")
    assert HOSTILE in {str(o) for o in g.objects(rdflib.URIRef(BASE + "agency/web-fixture-hostile"), rdflib.RDFS.label)}
