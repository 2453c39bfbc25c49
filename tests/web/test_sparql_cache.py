"""The /sparql result cache and HTTP validators: a repeated query is answered without a worker, with the same
bytes and ETag; If-None-Match gets 304; another spelling of the same query shares the answer, a different
query never does; RAND()/NOW() are not kept; a store swapped in by a build or an ingest is read afresh."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyoxigraph as ox

from webapp import guard
from webapp.sparql_pool import QueryPool, QueryRequest, QueryResponse, ResultCache

Q = "PREFIX pol: <https://w3id.org/policykg/ont#> SELECT (COUNT(?t) AS ?n) WHERE { ?t a pol:Task }"
JSON = {"Accept": "application/sparql-results+json"}


def _get(client, query: str, headers: dict | None = None):  # noqa: ANN001, ANN202
    return client.get("/sparql", query_string={"query": query}, headers={**JSON, **(headers or {})})


def test_a_repeated_query_is_answered_from_the_cache(client, app) -> None:
    cache = app.extensions["policykg"].pool.cache
    query = Q + " # repeated"
    first = _get(client, query)
    hits = cache.hits
    second = _get(client, query)
    assert first.status_code == second.status_code == 200
    assert cache.hits == hits + 1
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Cache-Control"] == "no-cache" and second.headers["Vary"] == "Accept"
    # another result format is another answer, with another tag
    csv = _get(client, query, {"Accept": "text/csv"})
    assert csv.mimetype == "text/csv" and csv.headers["ETag"] != first.headers["ETag"]


def test_if_none_match_gets_304_without_a_body(client) -> None:
    query = Q + " # conditional"
    tag = _get(client, query).headers["ETag"]
    r = _get(client, query, {"If-None-Match": tag})
    assert r.status_code == 304 and r.data == b"" and r.headers["ETag"] == tag
    assert r.headers["Access-Control-Allow-Origin"] == "*"  # a script on another origin may revalidate too
    assert _get(client, query, {"If-None-Match": f'"other", W/{tag}'}).status_code == 304  # weak comparison
    assert _get(client, query, {"If-None-Match": "*"}).status_code == 304
    stale = _get(client, query, {"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == tag
    # a query never answered before is run: its tag is computed from what the worker returns
    fresh = _get(client, Q + " # never seen", {"If-None-Match": tag})
    assert fresh.status_code == 304  # the same bytes (the comment changes nothing), so the same tag
    # POST is not a conditional read: the answer comes whole
    r = client.post("/sparql", data={"query": query}, headers={**JSON, "If-None-Match": tag})
    assert r.status_code == 200 and r.data


def test_another_spelling_shares_the_answer_but_a_different_query_does_not(client, app) -> None:
    cache = app.extensions["policykg"].pool.cache
    base = 'SELECT ?x WHERE { BIND("a  b # not a comment" AS ?x) }'
    _get(client, base)
    hits = cache.hits
    spelt = _get(client, 'SELECT ?x\n  WHERE {   # why\n BIND("a  b # not a comment"   AS ?x) }')
    assert cache.hits == hits + 1  # missed as typed, found as normalised
    assert spelt.get_json()["results"]["bindings"][0]["x"]["value"] == "a  b # not a comment"
    other = _get(client, 'SELECT ?x WHERE { BIND("a b # not a comment" AS ?x) }')  # one space: another string
    assert other.get_json()["results"]["bindings"][0]["x"]["value"] == "a b # not a comment"


def test_nondeterministic_and_failed_queries_are_not_kept(client, app) -> None:
    cache = app.extensions["policykg"].pool.cache
    size = len(cache)
    values = {_get(client, "SELECT (RAND() AS ?r) WHERE {}").get_json()["results"]["bindings"][0]["r"]["value"]
              for _ in range(3)}
    assert len(values) == 3
    assert _get(client, "SELECT (STRUUID() AS ?u) WHERE {}").headers["ETag"]  # tagged, not kept
    assert _get(client, "SELECT * WHERE { ?s ?p }").status_code == 400
    assert _get(client, "SELECT * WHERE { ?s ?p }").status_code == 400
    assert len(cache) == size


def test_normalised_keeps_every_token_and_separator() -> None:
    assert guard.normalised("SELECT  *\n# c\nWHERE{ ?s <http://x/#a> 'it''s'}") == \
        "SELECT * WHERE{ ?s <http://x/#a> 'it''s'}"
    assert guard.normalised('ASK { ?s ?p """x\n  #y""" }') == 'ASK { ?s ?p """x\n  #y""" }'
    assert guard.normalised("ASK{?s ?p 1.}") == "ASK{?s ?p 1.}"  # nothing joined, nothing split
    checked = guard.check_query("SELECT * WHERE { ?s ?p <http://x/\\u0023y> } # z", set())
    assert checked.normalised is None  # an escape may hide a '#' from the lexer: only the exact text counts
    assert guard.check_query("SELECT (NOW() AS ?t) {}", set()).deterministic is False
    assert guard.check_query("SELECT ?now {}", set()).deterministic is True


def test_the_cache_holds_at_most_its_bytes() -> None:
    cache = ResultCache(10_000, max_entry=4_000)
    for i in range(10):
        cache.put([(i,)], QueryResponse(200, "text/plain", b"x" * 2_000, etag='"t"'))
    assert len(cache) == 4 and cache.get((9,)) is not None and cache.get((0,)) is None
    cache.put([("big",)], QueryResponse(200, "text/plain", b"x" * 5_000, etag='"t"'))
    assert cache.get(("big",)) is None


def _small_store(path: Path, label: str) -> None:
    store = ox.Store(str(path))
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal(label), ox.NamedNode("http://example.org/g")))
    store.flush()
    del store


def test_a_swapped_store_is_read_afresh(tmp_path: Path) -> None:
    """A build or an ingest renames a new store into place: answers of the old one are not given again, and
    the workers that had the old one open are replaced."""
    live = tmp_path / "store"
    _small_store(live, "before")
    pool = QueryPool(str(live), workers=1, isolate=False)
    try:
        req = QueryRequest("SELECT ?l WHERE { ?s ?p ?l }")
        first = pool.run(req, cache_keys=[req.cache_key()])
        assert b"before" in first.body and pool.cached(req.cache_key()) is first
        _small_store(tmp_path / "next", "after")
        os.rename(live, tmp_path / "old")
        os.rename(tmp_path / "next", live)
        assert pool.cached(req.cache_key()) is None
        second = pool.run(req, cache_keys=[req.cache_key()])
        assert b"after" in second.body and second.etag != first.etag
        assert pool.stats["replaced_stale"] == 1
    finally:
        pool.close()


def test_cached_answers_need_no_worker(client, app) -> None:
    """Killing every worker does not stop a cached answer (and the next new query gets a fresh worker)."""
    pool = app.extensions["policykg"].pool
    query = Q + " # no worker"
    assert _get(client, query).status_code == 200
    for pid in pool.pids():
        os.kill(pid, 9)
    time.sleep(0.2)
    for _ in range(3):
        assert _get(client, query).status_code == 200
    assert _get(client, "ASK { ?s a ?type }").status_code == 200
    assert pool.stats["replaced_dead"] >= 1


def test_the_same_get_is_replayed_with_every_header(client, app) -> None:
    cache = app.extensions["policykg"].pool.cache
    query = Q + " # replayed"
    first = _get(client, query)
    misses, hits = cache.misses, cache.hits
    again = _get(client, query)
    assert (cache.misses, cache.hits) == (misses, hits + 1)  # found below Flask, at the first look
    assert again.data == first.data and again.headers == first.headers
    assert again.headers["Content-Security-Policy"] and again.headers["Access-Control-Allow-Origin"] == "*"
    # another Accept, another host (another base IRI) or a conditional request is the endpoint's to answer
    assert _get(client, query, {"Accept": "text/csv"}).mimetype == "text/csv"
    other_host = client.get("/sparql", query_string={"query": "SELECT (<x> AS ?i) {}"}, headers=JSON,
                            base_url="http://example.org:8080")
    here = _get(client, "SELECT (<x> AS ?i) {}")
    value = other_host.get_json()["results"]["bindings"][0]["i"]["value"]
    assert value == "http://example.org:8080/x" != here.get_json()["results"]["bindings"][0]["i"]["value"]
    assert _get(client, query, {"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_long_query_texts_count_against_the_cache() -> None:
    cache = ResultCache(1_000_000)
    for i in range(50):
        cache.put([("x" * 90_000 + str(i),)], QueryResponse(200, "text/plain", b"tiny", etag='"t"'))
    assert cache.size_bytes <= 1_000_000 and len(cache) <= 11


def test_a_replayed_304_carries_what_the_endpoints_304_does(client, app) -> None:
    cache = app.extensions["policykg"].pool.cache
    query = Q + " # revalidated"
    tag = _get(client, query).headers["ETag"]
    _get(client, query)  # now kept below Flask
    by_endpoint = _get(client, query + " ", {"If-None-Match": tag})  # another text: the endpoint answers
    misses = cache.misses
    replayed = _get(client, query, {"If-None-Match": tag})
    assert cache.misses == misses and replayed.status_code == by_endpoint.status_code == 304
    assert replayed.data == b"" and replayed.headers["ETag"] == tag
    drop = {"Content-Length"}
    assert {k for k in replayed.headers.keys() if k not in drop} == \
        {k for k in by_endpoint.headers.keys() if k not in drop}
    assert _get(client, query, {"If-None-Match": '"stale"'}).status_code == 200
