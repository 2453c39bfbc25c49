"""The SPARQL 1.1 Protocol endpoint: formats, read-only, time limit, result cap; SPARQLWrapper live."""

from __future__ import annotations

import csv
import io
import json
import os
import time

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException
from webfixture import BASE

COUNT_TASKS = "PREFIX pol: <https://w3id.org/policykg/ont#> SELECT (COUNT(?t) AS ?n) WHERE { ?t a pol:Task }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_editor_page_for_browsers(client) -> None:
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="sparql-query"' in html and "PREFIX pol: &lt;https://w3id.org/policykg/ont#&gt;" in html
    assert "vendor/codemirror/codemirror.js" in html


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values")])
def test_select_formats(client, accept: str, media: str) -> None:
    r = client.get("/sparql", query_string={"query": COUNT_TASKS}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.mimetype == media
    body = r.get_data(as_text=True)
    if media.endswith("json"):
        n = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    elif media.endswith("xml"):
        g = rdflib.query.Result.parse(io.StringIO(body), format="xml")
        n = int(next(iter(g))[0])
    elif media == "text/csv":
        n = int(list(csv.reader(io.StringIO(body)))[1][0])
    else:
        assert body.startswith("?n\n")
        n = int(body.splitlines()[1].split("^^")[0].strip('"'))
    assert n >= 223  # the fixture's 223 tasks at least


def test_post_form_and_direct(client) -> None:
    r1 = client.post("/sparql", data={"query": COUNT_TASKS})
    r2 = client.post("/sparql", data=COUNT_TASKS.encode(), content_type="application/sparql-query")
    assert r1.status_code == r2.status_code == 200
    assert r1.get_json() == r2.get_json()


@pytest.mark.parametrize(("accept", "parser"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                                ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_construct_and_describe_formats(client, accept: str, parser: str) -> None:
    q = f"CONSTRUCT {{ ?t ?p ?o }} WHERE {{ BIND(<{BASE}task/web-fixture-1> AS ?t) ?t ?p ?o }}"
    r = client.post("/sparql", data={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    g = rdflib.Graph().parse(data=r.data, format=parser)
    assert (rdflib.URIRef(BASE + "task/web-fixture-1"), None, None) in g
    r = client.get("/sparql", query_string={"query": f"DESCRIBE <{BASE}task/web-fixture-1>"},
                   headers={"Accept": accept})
    assert r.status_code == 200 and len(rdflib.Graph().parse(data=r.data, format=parser)) > 3


@pytest.mark.parametrize("update", ["DROP ALL", "CLEAR ALL", f"INSERT DATA {{ <{BASE}x> <{BASE}y> 1 }}"])
def test_updates_are_refused(client, update: str) -> None:
    before = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).get_json()
    assert client.post("/sparql", data={"update": update}).status_code == 405
    assert client.post("/sparql", data=update.encode(), content_type="application/sparql-update").status_code == 405
    assert client.get("/sparql", query_string={"update": update}).status_code == 405
    # an update sent as a query is not a query
    assert client.get("/sparql", query_string={"query": update}).status_code == 400
    after = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).get_json()
    assert before == after


def test_syntax_error_is_400(client) -> None:
    r = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x"})
    assert r.status_code == 400 and "syntax" in r.get_data(as_text=True)


def test_result_cap_says_it_truncated(client, app) -> None:
    cap = app.config["SPARQL_CAP"]
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    data = r.get_json()
    assert len(data["results"]["bindings"]) == cap
    assert r.headers["X-Result-Truncated"] == str(cap)
    assert data["truncated"] is True
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
    assert "X-Result-Truncated" not in r.headers
    r = client.post("/sparql", data={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"})
    assert r.headers["X-Result-Truncated"] == str(cap)
    assert len(rdflib.Graph().parse(data=r.data, format="turtle")) == cap


def test_time_limit_really_stops_the_query(client, app) -> None:
    pool = app.extensions["policykg"].pool
    client.get("/sparql", query_string={"query": "ASK {}"})  # workers up
    before = set(pool.pids())
    started = time.perf_counter()
    r = client.post("/sparql", data={"query": SLOW})
    elapsed = time.perf_counter() - started
    assert r.status_code == 503 and "stopped" in r.get_data(as_text=True)
    assert elapsed < app.config["SPARQL_TIMEOUT"] + 3
    killed = before - set(pool.pids())
    assert len(killed) == 1
    pid = killed.pop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the process that ran it is gone, not just abandoned
    # and the endpoint still answers, with a fresh worker
    assert client.get("/sparql", query_string={"query": "ASK {}"}).get_json()["boolean"] is True


def test_sparqlwrapper_against_live_server(live_server: str) -> None:
    """A client we did not write, over real HTTP (waitress)."""
    endpoint = live_server + "/sparql"
    for method in ("GET", "POST"):
        w = SPARQLWrapper(endpoint)
        w.setMethod(method)
        w.setQuery(COUNT_TASKS)
        w.setReturnFormat(JSON)
        res = w.query().convert()
        assert int(res["results"]["bindings"][0]["n"]["value"]) >= 223
    w = SPARQLWrapper(endpoint)
    w.setMethod("POST")
    w.setRequestMethod("postdirectly")
    w.setQuery(COUNT_TASKS)
    w.setReturnFormat(XML)
    doc = w.query().convert()
    assert doc.getElementsByTagName("literal")[0].firstChild.data.isdigit()
    w.setReturnFormat(CSV)
    assert w.query().convert().decode().startswith("n")
    w = SPARQLWrapper(endpoint)
    w.setQuery(f"CONSTRUCT {{ <{BASE}task/web-fixture-1> ?p ?o }} WHERE {{ <{BASE}task/web-fixture-1> ?p ?o }}")
    w.setReturnFormat(TURTLE)
    g = rdflib.Graph().parse(data=w.query().convert(), format="turtle")
    assert len(g) > 5
    w = SPARQLWrapper(endpoint)
    w.setQuery("ASK { ?s ?p ?o }")
    w.setReturnFormat(JSON)
    assert w.query().convert()["boolean"] is True
    w = SPARQLWrapper(endpoint)
    w.setQuery("SELECT ?x WHERE { ?x")
    with pytest.raises(QueryBadFormed):
        w.query()
    w = SPARQLWrapper(endpoint)
    w.setMethod("POST")
    w.setQuery("DROP ALL")  # SPARQLWrapper sends it as an update
    with pytest.raises((SPARQLWrapperException, Exception)):
        w.query()


def test_digits_of_other_scripts_are_a_syntax_error_not_a_crash(client) -> None:
    """'٣' (Arabic-Indic three) and '²' are digits to Python but not SPARQL numbers: the guard's lexer used to
    fail an assertion on them (500); the parser refuses the query (400)."""
    for query in ("SELECT ?x WHERE { ?x ?p \u0663 }", "SELECT ?x WHERE { ?x ?p .\u0663 }", "SELECT (\u00b2 AS ?x) {}"):
        r = client.get("/sparql", query_string={"query": query})
        assert r.status_code == 400 and "syntax" in r.get_data(as_text=True), (query, r.status_code)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
def test_a_limit_within_the_cap_is_written_whole_by_the_engine(client, app, accept: str) -> None:
    """A SELECT whose own LIMIT is within the cap cannot be cut: the worker has Oxigraph write it (the same
    rows, in a standard document of the negotiated format); above the cap the answer is cut and says so."""
    cap = app.config["SPARQL_CAP"]
    fmt = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml", "text/csv": "csv",
           "text/tab-separated-values": "tsv"}[accept]
    for limit, rows in ((7, 7), (cap, cap), (cap + 5, cap)):
        r = client.get("/sparql", query_string={"query": f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {limit}"},
                       headers={"Accept": accept})
        assert r.status_code == 200 and r.mimetype == accept
        parsed = rdflib.query.Result.parse(io.BytesIO(r.data), format=fmt)
        assert len(list(parsed)) == rows and [str(v) for v in parsed.vars] == ["s", "p", "o"]
        assert ("X-Result-Truncated" in r.headers) is (limit > cap)


def test_the_limit_counts_outside_every_bracket_only() -> None:
    from webapp import guard

    def limit(query: str) -> int | None:
        return guard.check_query(query, set()).limit

    assert limit("SELECT * { ?s ?p ?o } LIMIT 20") == 20
    assert limit("select * {} limit 5 offset 2") == limit("SELECT * {} OFFSET 2 LIMIT 5") == 5
    assert limit("SELECT * {} LIMIT 5 VALUES ?x { 1 }") == 5
    assert limit("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 3 } }") is None  # a subquery's bound is not the answer's
    assert limit("SELECT ?limit { ?s <urn:LIMIT> ?limit . FILTER(?limit = 'LIMIT 3') } # LIMIT 4") is None
    assert limit("SELECT * {} LIMIT 1.5") is None and limit("SELECT * {} LIMIT 5 LIMIT 6") is None
    assert limit('SELECT * { ?s ?p "\\u0022" } LIMIT 5') is None  # an escape may hide a bracket from the lexer


def test_what_the_protocol_handler_leaves_to_flask(client) -> None:
    """Queries are answered below Flask; the editor (also with a permalink ``?q=``), the preflight and the
    methods the protocol does not have are Flask's, with the same headers."""
    r = client.get("/sparql", query_string={"q": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == "text/html" and "ASK { ?s ?p ?o }" in r.get_data(as_text=True)
    for method in ("PUT", "DELETE", "PATCH"):
        r = client.open("/sparql", method=method, data=b"ASK {}", content_type="application/sparql-query")
        assert r.status_code == 405 and "use GET or POST" in r.get_data(as_text=True)
        assert r.headers["Access-Control-Allow-Origin"] == "*" and r.headers["X-Content-Type-Options"] == "nosniff"
    r = client.get("/sparql/", query_string={"query": "ASK {}"})
    assert r.status_code == 200 and r.get_json()["boolean"] is True
    assert r.headers["Content-Security-Policy"] and r.headers["Content-Type"] == "application/sparql-results+json; " \
        "charset=utf-8"
