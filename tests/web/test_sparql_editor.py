"""The editor's side routes: labels of the IRIs of a result table, and the permalink that fills the box."""

from __future__ import annotations

from webfixture import BASE

from webapp.views.sparql import LABELS_CAP


def test_labels_of_result_iris(client) -> None:  # noqa: ANN001
    port, unknown = BASE + "project/web-fixture-port", BASE + "project/no-such-thing"
    r = client.post("/sparql/labels", json={"iris": [port, unknown]})
    assert r.status_code == 200
    assert r.get_json() == {port: "Cảng Vũng Áng (thử nghiệm)"}  # the Vietnamese label; nothing for the unknown IRI


def test_labels_refuse_bad_input(client) -> None:  # noqa: ANN001
    assert client.post("/sparql/labels", json={"iris": ["not an iri"]}).status_code == 400
    assert client.post("/sparql/labels", json={"iris": [BASE + "x"] * (LABELS_CAP + 1)}).status_code == 400
    assert client.post("/sparql/labels", json={"other": 1}).status_code == 400
    assert client.get("/sparql/labels").status_code == 405


def test_permalink_fills_the_editor(client) -> None:  # noqa: ANN001
    query = 'SELECT ?x WHERE { ?x rdfs:label "<b>" }'
    page = client.get("/sparql", query_string={"q": query}).get_data(as_text=True)
    assert 'SELECT ?x WHERE { ?x rdfs:label &#34;&lt;b&gt;&#34; }' in page or \
        "SELECT ?x WHERE { ?x rdfs:label &quot;&lt;b&gt;&quot; }" in page
    assert "PREFIX pol:" not in page.split('id="sparql-query"')[1].split("</textarea>")[0]
    plain = client.get("/sparql").get_data(as_text=True)
    assert "SELECT ?class (COUNT(?s) AS ?n)" in plain
