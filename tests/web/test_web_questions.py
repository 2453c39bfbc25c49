"""Named questions: header parsing, forms, safe parameter binding, views, permalinks, downloads."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from webfixture import BASE


def test_fixture_questions_load_with_the_shared_parser(app) -> None:
    qs = app.extensions["policykg"].questions
    assert set(qs) == {"tasks_of_agency", "targets_by_year", "project_dependants"}
    q = qs["tasks_of_agency"]
    assert q.title == "Nhiệm vụ của một cơ quan" and q.title_en == "Tasks of an agency"
    assert [(p.name, p.type, p.default) for p in q.params] == [("agency", "agency", "Sở Công Thương (thử nghiệm)"),
                                                               ("year", "integer", "2030")]
    assert qs["project_dependants"].view == "graph" and qs["targets_by_year"].view == "timeline"


def test_the_real_library_loads(web_settings) -> None:
    """Every question in queries/ has a page (the app reads the same files as `policykg ask`)."""
    from webapp.questions import load_questions

    real = load_questions(web_settings.queries_dir)
    files = sorted(p.stem for p in web_settings.queries_dir.glob("*.rq"))
    assert sorted(real) == files


def test_questions_index(client) -> None:
    html = client.get("/questions").get_data(as_text=True)
    for name in ("tasks_of_agency", "targets_by_year", "project_dependants"):
        assert f"/questions/{name}" in html


def test_form_with_defaults_resolves_a_typed_name(client) -> None:
    r = client.get("/questions/tasks_of_agency", query_string={"agency": "so cong thuong thu nghiem", "year": "2030"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Đầu tư mở rộng cảng Vũng Áng (thử nghiệm)" in html
    assert 'id="permalink"' in html and "agency=so+cong+thuong+thu+nghiem" in html


def test_typed_parameters_are_checked(client) -> None:
    r = client.get("/questions/tasks_of_agency", query_string={"agency": "so cong thuong thu nghiem", "year": "x"})
    assert "must be a whole number" in r.get_data(as_text=True)
    r = client.get("/questions/tasks_of_agency", query_string={"agency": "no such body at all", "year": "2030"})
    assert "no agency matches" in r.get_data(as_text=True)
    # a name typed two ways that fits several nodes lists the candidates instead of guessing
    r = client.get("/questions/tasks_of_agency", query_string={"agency": "thu nghiem", "year": "2030"})
    html = r.get_data(as_text=True)
    assert "ambiguous" in html and 'class="candidates"' in html


def test_injection_is_just_a_string(client) -> None:
    evil = '"> } DROP ALL #'
    r = client.get("/questions/tasks_of_agency", query_string={"agency": evil, "year": "2030"})
    assert r.status_code == 200 and "no agency matches" in r.get_data(as_text=True)
    r = client.get("/questions/project_dependants", query_string={"project": "https://x/> } DROP ALL #"})
    assert "not a valid IRI" in r.get_data(as_text=True)
    assert client.get("/search?q=ubnd&format=json").get_json()["groups"]  # the store is intact


def test_downloads(client) -> None:
    args = {"agency": BASE + "agency/web-fixture-sct", "year": "2030"}
    r = client.get("/questions/tasks_of_agency", query_string={**args, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0]["task"] == BASE + "task/web-fixture-1" and rows[0]["role"] == "chủ trì"
    data = client.get("/questions/tasks_of_agency", query_string={**args, "format": "json"}).get_json()
    assert data["variables"] == ["task", "role", "timeframe", "endYear"] and data["total"] == len(rows)
    srj = client.get("/questions/tasks_of_agency", query_string={**args, "format": "srj"}).get_json()
    assert srj["head"]["vars"] == ["task", "role", "timeframe", "endYear"]
    ttl = client.get("/questions/tasks_of_agency", query_string={**args, "format": "ttl"})
    g = rdflib.Graph().parse(data=ttl.data, format="turtle")
    assert (rdflib.URIRef(BASE + "task/web-fixture-1"), None, None) in g
    assert client.get("/questions/tasks_of_agency", query_string={"agency": "zzz", "format": "csv"}).status_code == 400


def test_views_graph_and_timeline(client) -> None:
    graph = client.get("/questions/project_dependants").get_data(as_text=True)
    assert 'id="network-data"' in graph and "web-fixture-1" in graph
    timeline = client.get("/questions/targets_by_year").get_data(as_text=True)
    assert 'class="timeline"' in timeline
    assert timeline.index(">2025<") < timeline.index(">2030<")


def test_unknown_question_is_404(client) -> None:
    assert client.get("/questions/nope").status_code == 404


def test_a_slow_question_is_stopped_by_the_time_limit(client, app) -> None:  # noqa: ANN001
    """Questions run in the /sparql worker pool: a question slower than the limit is killed, the page says so."""
    import time

    from graph.query.questions import parse_question

    slow = parse_question("# title: chậm\n# title_en: slow\n# description: a cross product\n# view: table\n"
                          "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "slow_question")
    app.extensions["policykg"].questions["slow_question"] = slow
    try:
        started = time.perf_counter()
        page = client.get("/questions/slow_question").get_data(as_text=True)
        assert time.perf_counter() - started < app.config["SPARQL_TIMEOUT"] + 3
        assert "stopped" in page
    finally:
        del app.extensions["policykg"].questions["slow_question"]


@pytest.fixture(scope="module")
def product_client(web_settings):  # noqa: ANN001, ANN201
    """The app with the product's own questions (queries/), as `policykg serve` runs it."""
    from webapp import create_app

    app = create_app(web_settings, config={"TESTING": True, "SPARQL_WORKERS": 1})
    yield app.test_client()
    app.extensions["policykg"].pool.close()


@pytest.mark.parametrize("fmt", ["csv", "json", "ttl"])
def test_cli_and_web_give_the_same_bytes(product_client, web_settings, fmt: str) -> None:  # noqa: ANN001
    """One serialiser (graph/query/answers.py): `policykg ask … --format F` and /questions/…?format=F agree."""
    from click.testing import CliRunner

    from graph.cli import main

    client = product_client

    for name, params in (("tasks_depending_on_project", {}), ("agency_tasks", {"agency": "so cong thuong"})):
        cli = CliRunner().invoke(main, ["--store", str(web_settings.store), "ask", name, "--format", fmt,
                                        "--limit", "3", "--offset", "1",
                                        *[f"--param={k}={v}" for k, v in params.items()]])
        assert cli.exit_code == 0, cli.output
        web = client.get(f"/questions/{name}", query_string={**params, "format": fmt, "limit": 3, "offset": 1})
        assert web.status_code == 200 and web.data == cli.stdout_bytes, name
