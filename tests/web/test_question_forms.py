"""Question forms for people: what a typed name resolved to, ambiguity as a pick list that re-runs the question,
readable column headers (an x / xLabel pair is one linked column)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pyoxigraph as ox
from test_web_questions import product_client  # noqa: F401 (fixture)
from webfixture import BASE

from webapp.questions import column_labels, columns


def test_the_page_says_what_a_name_resolved_to(client) -> None:  # noqa: ANN001
    html = client.get("/questions/tasks_of_agency",
                      query_string={"agency": "so cong thuong thu nghiem", "year": "2030"}).get_data(as_text=True)
    resolved = re.search(r'<span class="resolved" data-param="agency">(.*?)</span>', html, re.S)
    assert resolved, "no 'resolved to' line under the agency box"
    assert 'href="/id/agency/web-fixture-sct"' in resolved.group(1)
    assert "Sở Công Thương (thử nghiệm)" in resolved.group(1)
    assert 'data-param="year"' not in html  # a number resolves to itself: nothing to say


def test_an_ambiguous_name_lists_candidates_that_rerun_the_question(client) -> None:  # noqa: ANN001
    html = client.get("/questions/tasks_of_agency",
                      query_string={"agency": "thu nghiem", "year": "2030"}).get_data(as_text=True)
    listing = re.search(r'<ul class="candidates">(.*?)</ul>', html, re.S).group(1)
    links = [unescape(h) for h in re.findall(r'<a href="([^"]+)">', listing)]
    assert len(links) >= 2
    for href in links:
        url = urlparse(href)
        assert url.path == "/questions/tasks_of_agency"  # the question again, not an entity page
        args = parse_qs(url.query)
        assert args["year"] == ["2030"] and args["agency"][0].startswith(BASE + "agency/")
    assert "<" + BASE not in html.split('role="alert"')[1].split("</p>")[0]  # no wall of IRIs in the message
    hub = next(h for h in links if "web-fixture-hub" in h)
    rerun = client.get(hub).get_data(as_text=True)
    assert 'class="candidates"' not in rerun and "Nhiệm vụ hub 0" in rerun
    assert "Cơ quan trung tâm (thử nghiệm)" in rerun.split('data-param="agency"')[1].split("</span>")[0]


def test_headers_are_words_and_pairs_are_one_column(client) -> None:  # noqa: ANN001
    html = client.get("/questions/tasks_of_agency",
                      query_string={"agency": "so cong thuong thu nghiem", "year": "2030"}).get_data(as_text=True)
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    headers = [re.sub(r"<[^>]+>", " ", h).split() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    assert [" ".join(h) for h in headers] == ["Nhiệm vụ task", "Vai trò role", "Thời hạn timeframe",
                                              "Năm kết thúc end year"]


def test_columns_fold_label_pairs() -> None:
    labels = {"document": {"vi": "Văn bản", "en": "document"}}
    cols = columns(["document", "documentLabel", "targetYear", "other_thing"], labels)
    assert [(c.var, c.header, c.label_var) for c in cols] == [
        ("document", "Văn bản", "documentLabel"), ("targetYear", "target year", None),
        ("other_thing", "other thing", None)]
    # a label without its IRI column stays a column of its own
    assert [c.var for c in columns(["reachedLabel", "x"], {})] == ["reachedLabel", "x"]
    # a bare 'label' belongs to the one column of IRIs; with two such columns it is nobody's
    a, b, text = ox.NamedNode(BASE + "a"), ox.NamedNode(BASE + "b"), ox.Literal("A")
    one = columns(["agency", "label", "tasks"], {}, [{"agency": a, "label": text, "tasks": ox.Literal("3")}])
    assert [(c.var, c.label_var) for c in one] == [("agency", "label"), ("tasks", None)]
    two = columns(["x", "y", "label"], {}, [{"x": a, "y": b, "label": text}])
    assert [(c.var, c.label_var) for c in two] == [("x", None), ("y", None), ("label", None)]


def test_every_product_column_has_a_curated_header(web_settings) -> None:  # noqa: ANN001
    """Each variable the product's questions project has a Vietnamese header in data/column_labels.yaml."""
    from webapp.questions import load_questions

    labels = column_labels(web_settings.data_dir / "column_labels.yaml")
    missing = set()
    store = ox.Store()
    for q in load_questions(web_settings.queries_dir).values():
        sparql = re.sub(r"(?m)^#.*$", "", q.sparql)
        result = store.query(sparql)
        variables = [v.value for v in getattr(result, "variables", [])]
        missing |= {c.var for c in columns(variables, labels) if c.var not in labels}
    assert not missing, f"no header for {sorted(missing)}"


def test_product_project_question_resolves_vung_ang_port(product_client) -> None:  # noqa: ANN001, F811
    r = product_client.get("/questions/tasks_depending_on_project", query_string={"project": "vung ang port"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    resolved = re.search(r'<span class="resolved" data-param="project">(.*?)</span>', html, re.S).group(1)
    assert "Cảng Vũng Áng" in resolved and 'href="/id/project/' in resolved
    description = re.search(r"</h1>.*?<p>(.*?)</p>", html, re.S).group(1)
    assert "pol:" not in description


def test_an_iri_in_the_box_becomes_its_name_when_the_name_finds_it_again(client) -> None:  # noqa: ANN001
    html = client.get("/questions/project_dependants").get_data(as_text=True)  # the default is an IRI
    assert '<input name="project" value="Cảng Vũng Áng (thử nghiệm)"' in html
    picked = client.get("/questions/tasks_of_agency",
                        query_string={"agency": BASE + "agency/web-fixture-hub", "year": "2030"}).get_data(as_text=True)
    assert '<input name="agency" value="Cơ quan trung tâm (thử nghiệm)"' in picked
    # and the name, sent back as it stands, answers the same
    again = client.get("/questions/tasks_of_agency",
                       query_string={"agency": "Cơ quan trung tâm (thử nghiệm)", "year": "2030"}).get_data(as_text=True)
    assert "Nhiệm vụ hub 0" in again and 'class="candidates"' not in again
