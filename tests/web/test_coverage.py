"""The header brand and the home heading name what the store holds (its provinces, central bodies), read
through graph.query.documents.coverage, not a province written into the templates."""

from __future__ import annotations

import re

from graph.query.documents import coverage
from webapp.views.helpers import coverage_words

HA_TINH = "https://w3id.org/policykg/id/province/ha-tinh"


def test_coverage_counts_documents_by_jurisdiction(app, client) -> None:  # noqa: ANN001
    cov = coverage(app.extensions["policykg"].store)
    provinces = {iri: (name, n) for iri, name, n in cov["provinces"]}
    assert provinces[HA_TINH][0] == "Hà Tĩnh"
    # the documents list filters by province on its own: the same count
    listed = client.get("/documents", query_string={"province": HA_TINH, "format": "json"}).get_json()["count"]
    assert provinces[HA_TINH][1] == listed > 0
    assert cov["central"] > 0  # the seeds cite resolutions of the Politburo and decisions of the Prime Minister


def test_words_for_what_is_held() -> None:
    one = coverage_words({"provinces": [("p:ht", "Hà Tĩnh", 21)], "central": 11})
    assert one == {"brand": "Hà Tĩnh · Trung ương",
                   "vi": "Đồ thị tri thức văn bản chính sách của Hà Tĩnh và các cơ quan trung ương",
                   "en": "A knowledge graph of policy documents of Hà Tĩnh and central bodies"}
    two = coverage_words({"provinces": [("p:na", "Nghệ An", 9), ("p:ht", "Hà Tĩnh", 3)], "central": 0})
    assert two["brand"] == "Nghệ An · Hà Tĩnh"
    assert two["vi"].endswith("của Nghệ An và Hà Tĩnh") and two["en"].endswith("of Nghệ An and Hà Tĩnh")
    many = coverage_words({"provinces": [(f"p:{i}", name, 10 - i) for i, name in enumerate(
        ["Nghệ An", "Hà Tĩnh", "Quảng Bình", "Thanh Hóa", "Huế"])], "central": 2})
    assert many["brand"] == "5 tỉnh, thành · Trung ương"
    assert many["vi"] == ("Đồ thị tri thức văn bản chính sách của 5 tỉnh, thành phố (Nghệ An, Hà Tĩnh, Quảng Bình…)"
                          " và các cơ quan trung ương")
    assert "Thanh Hóa" not in many["en"] and many["en"].startswith("A knowledge graph of policy documents of 5 ")
    assert coverage_words({"provinces": [], "central": 0}) == {
        "brand": "", "vi": "Đồ thị tri thức văn bản chính sách", "en": "A knowledge graph of policy documents"}
    assert coverage_words({"provinces": [], "central": 4})["brand"] == "Trung ương"


def test_brand_and_home_heading_say_what_the_store_holds(app, client) -> None:  # noqa: ANN001
    words = coverage_words(coverage(app.extensions["policykg"].store))
    home = client.get("/").get_data(as_text=True)
    assert f'<small id="brand-coverage">{words["brand"]}</small>' in home
    assert f'<h1 id="home-heading">{words["vi"]}</h1>' in home
    assert re.search(r'<p class="en" id="home-heading-en">' + re.escape(words["en"]) + ":", home)
    assert "văn bản chính sách tỉnh Hà Tĩnh" not in home  # the old hard-coded heading
    other = client.get("/documents").get_data(as_text=True)  # every page's header
    assert f'<small id="brand-coverage">{words["brand"]}</small>' in other
