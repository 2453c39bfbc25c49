"""The public service under attack and under a crowd: no outbound requests, pages that never wait behind
SPARQL, a 4xx with a message for every bad input, workers that survive, CORS only where data is served.

Run against the real app: the Flask test client, and where the server matters the app under waitress on
127.0.0.1 with real sockets (a listener on another loopback port stands for an internal service).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode, urlsplit

import pytest
from webfixture import BASE, HERE

from webapp.sparql_pool import QueryRequest

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASK = "ASK { ?s ?p ?o }"


# -- an internal service that must never hear from the app -------------------------------------------

class Listener:
    """A TCP server on another loopback port that records every connection it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                self.received.append(conn.recv(4096) or b"(connected)")
                conn.sendall(b"HTTP/1.1 500 Internal\r\nContent-Length: 13\r\n\r\ninternal-only")
            except OSError:
                self.received.append(b"(connected)")
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    ear = Listener()
    yield ear
    ear.close()


def _get(base: str, path: str, headers: dict | None = None, method: str = "GET", body: bytes | None = None,
         timeout: float = 60) -> tuple[int, dict, bytes, float]:
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, elapsed


# -- 1. no outbound requests -----------------------------------------------------------------------

def _outbound_queries(port: int) -> list[tuple[str, dict]]:
    target = f"http://127.0.0.1:{port}"
    return [
        (f"SELECT * WHERE {{ SERVICE <{target}/anything?secret=1> {{ ?s ?p ?o }} }}", {}),
        (f"select * where {{ service silent <{target}/> {{ ?s ?p ?o }} }}", {}),
        (f"SELECT * WHERE {{ SERVICE <{target}/a> {{ SERVICE <{target}/b> {{ ?s ?p ?o }} }} }}", {}),
        (f"SELECT * WHERE {{ BIND(<{target}/> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}", {}),
        (f"PREFIX x: <{target}/> SELECT * WHERE {{ SERVICE x:y {{ ?s ?p ?o }} }}", {}),
        (f"SELECT * FROM <{target}/graph> WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT * FROM NAMED <{target}/graph> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
        (f"PREFIX x: <{target}/> SELECT * FROM x:graph WHERE {{ ?s ?p ?o }}", {}),
        (f"BASE <{target}/> SELECT * FROM <graph> WHERE {{ ?s ?p ?o }}", {}),
        (ASK, {"default-graph-uri": f"{target}/graph"}),
        (ASK, {"named-graph-uri": f"{target}/graph"}),
    ]


def test_no_query_reaches_another_port(live_server: str, listener: Listener) -> None:
    """SERVICE, FROM, FROM NAMED and the dataset parameters naming anything but the store's graphs: a 400
    that says why, before evaluation; the listener on another port hears nothing."""
    for query, params in _outbound_queries(listener.port):
        for method in ("GET", "POST"):
            fields = urlencode({"query": query, **params})
            if method == "GET":
                status, _, body, elapsed = _get(live_server, "/sparql?" + fields)
            else:
                status, _, body, elapsed = _get(live_server, "/sparql", method="POST", body=fields.encode(),
                                                headers={"Content-Type": "application/x-www-form-urlencoded"})
            text = body.decode()
            assert status == 400, (query, params, status, text)
            assert ("SERVICE is not allowed" in text or "not a graph of this store" in text), text
            assert "internal-only" not in text
            assert elapsed < 1.0
    for update in (f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>", f"LOAD <http://127.0.0.1:{listener.port}/> "
                   "INTO GRAPH <http://example.org/g>"):
        status, *_ = _get(live_server, "/sparql", method="POST", body=urlencode({"update": update}).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 405
        status, *_ = _get(live_server, "/sparql?" + urlencode({"query": update}))
        assert status == 400
    time.sleep(0.3)
    assert listener.received == []


def test_words_inside_strings_iris_and_names_are_not_keywords(client, app) -> None:
    graphs = sorted(app.extensions["policykg"].graphs.names())
    ok = ['SELECT ("SERVICE <http://127.0.0.1:1/>" AS ?x) WHERE {}',
          "SELECT ('''FROM <http://127.0.0.1:1/>''' AS ?x) WHERE {}",
          "PREFIX service: <http://example.org/> SELECT ?x WHERE { BIND(service:from AS ?x) }",
          "SELECT ?x WHERE { BIND(<http://example.org/SERVICE> AS ?x) } # SERVICE <http://127.0.0.1:1/>",
          f"SELECT (COUNT(*) AS ?n) FROM <{graphs[0]}> WHERE {{ ?s ?p ?o }}"]
    for query in ok:
        r = client.get("/sparql", query_string={"query": query})
        assert r.status_code == 200, (query, r.get_data(as_text=True))
    r = client.get("/sparql", query_string={"query": ASK, "default-graph-uri": graphs[0]})
    assert r.status_code == 200 and r.get_json()["boolean"] is True


def test_workers_have_no_network(app, listener: Listener) -> None:
    """Defence in depth: a SERVICE that got past the check still reaches nothing from a worker."""
    pool = app.extensions["policykg"].pool
    pool.run(QueryRequest("ASK {}"))
    if not all(w.isolated for w in pool._all if w.ready):
        pytest.skip("this kernel does not allow unprivileged network namespaces")
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x?secret=1> {{ ?s ?p ?o }} }}"
    response = pool.run(QueryRequest(query))
    assert response.status == 500 and b"unreachable" in response.body.lower()
    time.sleep(0.3)
    assert listener.received == []


# -- 3. every bad input is a 4xx with a message; workers survive -------------------------------------------

def test_hostile_queries_are_refused_before_parsing_and_kill_no_worker(client, app) -> None:
    pool = app.extensions["policykg"].pool
    client.get("/sparql", query_string={"query": "ASK {}"})
    before = sorted(pool.pids())
    started = time.perf_counter()
    for _ in range(20):
        r = client.post("/sparql", data={"query": "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000})
        assert r.status_code == 400 and "deeper than" in r.get_data(as_text=True)
        r = client.get("/sparql", query_string={"query": ASK, "default-graph-uri": "not an iri"})
        assert r.status_code == 400 and "not an absolute IRI" in r.get_data(as_text=True)
        r = client.get("/sparql", query_string={"query": ASK, "named-graph-uri": "http://bad iri/"})
        assert r.status_code == 400
    assert time.perf_counter() - started < 5
    r = client.post("/sparql", data="SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000,
                    content_type="application/sparql-query")
    assert r.status_code == 413 and "longer than" in r.get_data(as_text=True)
    r = client.post("/sparql", data={"query": "x" * 400_000})
    assert r.status_code == 413
    r = client.get("/sparql", query_string={"query": "ASK {} #" + "x" * 400_000})
    assert r.status_code == 414 and "POST the query" in r.get_data(as_text=True)
    r = client.post("/sparql", data=b"ASK {}", content_type="application/sparql-query",
                    environ_overrides={"CONTENT_LENGTH": str(10**9)})
    assert r.status_code == 413 and "larger than" in r.get_data(as_text=True)  # refused before it is read
    assert sorted(pool.pids()) == before


def test_long_flat_queries_do_not_kill_a_worker(client, app) -> None:
    """Thousands of chained operators within the limits: Oxigraph recurses through them (on an 8 MB stack
    these two crash the process); the worker survives and answers."""
    pool = app.extensions["policykg"].pool
    client.get("/sparql", query_string={"query": "ASK {}"})
    before = sorted(pool.pids())
    crashed, recycled = pool.stats["crashed"], pool.stats["recycled"]
    queries = ["SELECT * WHERE { VALUES ?s { <http://example.org/a> } "
               + " ".join(["MINUS { ?s <urn:n> ?o }"] * 4000) + "}",
               "SELECT (" + "!" * 20_000 + "true AS ?x) WHERE {}"]
    statuses = []
    for query in queries:
        r = client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
        statuses.append(r.status_code)
        assert r.status_code in (200, 400), (r.status_code, r.get_data(as_text=True)[:200])
    gone = set(before) - set(pool.pids())
    # no worker died; one whose memory grew (parsing 4,000 MINUS) may have been recycled, on purpose
    assert pool.stats["crashed"] == crashed and len(gone) <= pool.stats["recycled"] - recycled, statuses
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


BAD_IRI_ROUTES = [
    "/network?iri=not%20an%20iri", "/network?iri=%3Cscript%3E",
    "/network/expand.json?iri=javascript%3Aalert(%22x%22)", "/network/expand.json",
    "/resource?iri=http%3A%2F%2Fbad%20iri%2F", "/resource?iri=", "/resource", "/resource.ttl?iri=%7Bx%7D",
    "/id/%ff%fe", "/id/task/%ff", "/id/task/a%20b", "/id/task/%3Cx%3E.ttl",
    "/explore/dependencies?project=http%3A%2F%2Fbad%20iri",
]


@pytest.mark.parametrize("path", BAD_IRI_ROUTES)
def test_invalid_iris_are_400_with_a_message(client, path: str) -> None:
    for accept in ("text/html", "application/json", "*/*"):
        r = client.get(path, headers={"Accept": accept})
        assert r.status_code == 400, (path, r.status_code)
        body = r.get_data(as_text=True)
        assert "IRI" in body or "iri" in body


@pytest.mark.parametrize(("body", "ctype", "status", "says"), [
    (b"[1, 2, 3]", "application/json", 400, "must be an object"),
    (b'{"iri": 5}', "application/json", 400, "'iri' must be a string"),
    (b'{"iri": "' + BASE.encode() + b'task/web-fixture-1", "present": "x"}', "application/json", 400,
     "'present' must be a list of strings"),
    (b'{"iri": "' + BASE.encode() + b'task/web-fixture-1", "limit": "many"}', "application/json", 400,
     "'limit' must be an integer"),
    (b'{"iri": "' + BASE.encode() + b'task/web-fixture-1", "bogus": 1}', "application/json", 400,
     "unknown field"),
    (b'{"iri": "not an iri"}', "application/json", 400, "not an absolute IRI"),
    (b"{not json", "application/json", 400, "not valid JSON"),
    (b"\xff\xfe{}", "application/json", 400, "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "not valid JSON"),
    (b'{"present": [' + b",".join([b'"x"'] * 300_000) + b"]}", "application/json", 413, "larger than"),
    (b"iri=x", "text/plain", 400, "not valid JSON"),
], ids=["list", "iri-number", "present-string", "limit-string", "unknown-field", "bad-iri", "syntax", "not-utf8",
        "deep-nesting", "huge", "form"])
def test_malformed_expand_bodies_are_4xx(client, body: bytes, ctype: str, status: int, says: str) -> None:
    r = client.post("/network/expand.json", data=body, content_type=ctype)
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:200])
    assert says in r.get_json()["message"]


def test_good_expand_body_still_works(client) -> None:
    r = client.post("/network/expand.json", json={"iri": BASE + "project/web-fixture-port", "present": [],
                                                  "limit": 5, "kinds": None})
    assert r.status_code == 200 and r.get_json()["nodes"]


def test_a_dead_worker_is_replaced_without_failing_anyone(client, app) -> None:
    pool = app.extensions["policykg"].pool
    for _ in range(pool.size):  # every worker up
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    victims = pool.pids()
    for pid in victims:
        os.kill(pid, signal.SIGKILL)  # killed from outside (the OOM killer, an operator)
    time.sleep(0.2)
    for _ in range(2 * pool.size):
        r = client.get("/sparql", query_string={"query": ASK})
        assert r.status_code == 200, r.get_data(as_text=True)
    assert not set(victims) & set(pool.pids())


# -- 2. capacity: a bounded queue, one deadline, long-query slots; pages never wait ---------------------

@pytest.fixture(scope="module")
def crowded(web_settings) -> Iterator[tuple[str, object]]:  # noqa: ANN001
    """A small production-shaped server: 2 workers, 2 waiting places, 1 long slot, 3 s limit, and more
    waitress threads than SPARQL may hold."""
    from waitress.server import create_server

    from webapp import create_app

    app = create_app(web_settings, config={"QUERIES_DIR": str(HERE / "queries"), "SPARQL_TIMEOUT": 3.0,
                                           "SPARQL_WORKERS": 2, "SPARQL_QUEUE": 2, "SPARQL_LONG_SLOTS": 1,
                                           "SPARQL_FAST": 0.3})
    pool = app.extensions["policykg"].pool
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    capacity = getattr(pool, "capacity", 4)  # SPARQL's share of the threads (before admission existed: 4)
    server = create_server(app, host="127.0.0.1", port=port, threads=capacity + 6)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            if _get(base, "/sparql?" + urlencode({"query": "ASK {}"}), timeout=5)[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    _get(base, "/")  # labels and templates warm
    yield base, app
    server.close()
    pool.close()


def test_pages_do_not_wait_behind_slow_queries(crowded) -> None:  # noqa: ANN001
    base, app = crowded
    slow = "/sparql?" + urlencode({"query": SLOW})
    with ThreadPoolExecutor(24) as ex:
        futures = [ex.submit(_get, base, slow) for _ in range(24)]
        time.sleep(0.5)
        page_times = []
        for path in ("/", "/search?q=vung+ang", "/id/task/web-fixture-1", "/questions", "/static/css/app.css",
                     "/id/task/web-fixture-1.ttl", "/"):
            status, _, _, elapsed = _get(base, path, headers={"Accept": "text/html"})
            assert status == 200, path
            page_times.append(elapsed)
        results = [f.result() for f in futures]
    assert max(page_times) < 1.0, page_times
    limit = app.config["SPARQL_TIMEOUT"]
    for status, headers, body, elapsed in results:
        assert status == 503, (status, body[:200])
        assert "retry-after" in headers and int(headers["retry-after"]) >= 1
        assert elapsed <= limit + 1.0, elapsed  # queueing included, nobody waits past the limit
    immediate = [r for r in results if r[3] < 0.5]
    assert len(immediate) >= 24 - app.extensions["policykg"].pool.capacity - 1  # full: told at once
    assert all(b"capacity" in r[2] for r in immediate if r[3] < 0.25)


def test_short_queries_are_served_while_long_ones_run(crowded) -> None:  # noqa: ANN001
    base, app = crowded
    slow = "/sparql?" + urlencode({"query": SLOW})
    with ThreadPoolExecutor(3) as ex:
        first = ex.submit(_get, base, slow)
        time.sleep(0.5)  # the first holds the only long slot now
        second = ex.submit(_get, base, slow)
        quick = []
        for _ in range(10):
            status, _, body, elapsed = _get(base, "/sparql?" + urlencode({"query": ASK}))
            assert status == 200, body
            quick.append(elapsed)
        status2, headers2, body2, elapsed2 = second.result()
        status1, _, body1, elapsed1 = first.result()
    assert max(quick) < 2.2, quick  # at worst one fast window (0.3 s of CPU, 1.8 s wall) behind the second
    assert status2 == 503 and b"long queries" in body2 and elapsed2 < 2.5  # stopped after 0.3 s of CPU
    assert int(headers2["retry-after"]) >= 1
    assert status1 == 503 and b"stopped" in body1 and elapsed1 <= app.config["SPARQL_TIMEOUT"] + 1.0


def test_questions_are_bounded_too(crowded) -> None:  # noqa: ANN001
    base, app = crowded
    pool = app.extensions["policykg"].pool
    # hold every admission place with slow queries, then ask a question: told at once, not queued
    with ThreadPoolExecutor(pool.capacity) as ex:
        futures = [ex.submit(_get, base, "/sparql?" + urlencode({"query": SLOW})) for _ in range(pool.capacity)]
        time.sleep(0.2)
        status, _, body, elapsed = _get(base, "/questions/tasks_of_agency?format=json")
        [f.result() for f in futures]
    assert elapsed < 1.0
    assert status in (200, 400, 503)
    if status != 200:
        assert b"capacity" in body or b"long queries" in body or b"busy" in body


# -- 4. CORS as portals need it ---------------------------------------------------------------------

def test_sparql_preflight_allows_post_with_content_type(client) -> None:
    r = client.options("/sparql", headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "POST",
                                            "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "content-type" in r.headers["Access-Control-Allow-Headers"].lower()
    for ctype, body in (("application/sparql-query", ASK.encode()),
                        ("application/x-www-form-urlencoded", urlencode({"query": ASK}).encode())):
        r = client.post("/sparql", data=body, content_type=ctype, headers={"Origin": "https://portal.example"})
        assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"
    r = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x"}, headers={"Origin": "https://p.example"})
    assert r.status_code == 400 and r.headers["Access-Control-Allow-Origin"] == "*"  # the portal can read why


@pytest.mark.parametrize("path", ["/id/task/web-fixture-1.ttl", "/id/task/web-fixture-1.jsonld", "/dumps/graph.nt",
                                  "/catalog.ttl", "/catalog.jsonld", "/.well-known/void", "/context.jsonld",
                                  "/ontology.ttl"])
def test_data_is_open_to_other_origins(client, path: str) -> None:
    r = client.get(path, headers={"Origin": "https://portal.example"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/", "/search?q=vung+ang", "/id/task/web-fixture-1", "/sparql", "/questions",
                                  "/network?iri=" + quote(BASE + "task/web-fixture-1", safe=""), "/ontology",
                                  "/data"])
def test_html_pages_are_not_opened_to_other_origins(client, path: str) -> None:
    r = client.get(path, headers={"Origin": "https://portal.example", "Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "Access-Control-Allow-Origin" not in r.headers


# -- 5. error pages -----------------------------------------------------------------------------

def test_error_pages_in_the_layout_and_plain_for_machines(client, app) -> None:
    r = client.get("/no/such/page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 404 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "Không tìm thấy" in html and "Not found" in html
    assert 'name="q"' in html and 'class="top"' in html  # the site's header and a search box
    r = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.get_json()["status"] == 404
    r = client.get("/no/such/page", headers={"Accept": "*/*"})
    assert r.status_code == 404 and r.mimetype == "text/plain"
    views = app.view_functions
    original = views["home.index"]

    def broken() -> str:
        raise RuntimeError("secret internal detail")

    views["home.index"] = broken
    try:
        r = client.get("/", headers={"Accept": "text/html"})
        assert r.status_code == 500 and "Lỗi máy chủ" in r.get_data(as_text=True)
        assert "secret internal detail" not in r.get_data(as_text=True)
        r = client.get("/", headers={"Accept": "application/json"})
        assert r.status_code == 500 and r.get_json()["status"] == 500
    finally:
        views["home.index"] = original


# -- cross-origin POST from a real browser ------------------------------------------------------------

@pytest.mark.browser
def test_portal_on_another_origin_can_post_a_query(live_server: str) -> None:
    """Chromium on a page served from another port (another origin) POSTs application/sparql-query to
    /sparql and reads the answer; the same page cannot read an HTML page of the app."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from browsing import ARGS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")

    class Portal(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b"<!doctype html><title>portal</title><p>portal</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    portal = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{portal.server_address[1]}/")
            result = page.evaluate("""async (base) => {
                const out = {};
                for (const [ctype, body] of [["application/sparql-query", "ASK { ?s ?p ?o }"],
                                             ["application/x-www-form-urlencoded", "query=ASK%20%7B%7D"]]) {
                  const r = await fetch(base + "/sparql", {method: "POST", body,
                      headers: {"Content-Type": ctype, "Accept": "application/sparql-results+json"}});
                  out[ctype] = [r.status, (await r.json()).boolean];
                }
                try { await fetch(base + "/"); out.html = "readable"; } catch (e) { out.html = "blocked"; }
                return out;
            }""", live_server)
            browser.close()
    finally:
        portal.shutdown()
    assert result["application/sparql-query"] == [200, True]
    assert result["application/x-www-form-urlencoded"] == [200, True]
    assert result["html"] == "blocked"


def test_manifest_of_bad_inputs_never_500(client) -> None:
    """A sweep of odd inputs over every route that takes one: never a 5xx."""
    odd = ["", "%00", "%ff%fe", "%3Cscript%3E", "x" * 5000, "http://", "urn:x", "%E2%80%AE", "..%2F..%2Fetc%2Fpasswd"]
    paths = []
    for value in odd:
        paths += [f"/network?iri={value}", f"/network?iri={quote(BASE)}task%2Fweb-fixture-1&depth={value}",
                  f"/network?iri={quote(BASE)}task%2Fweb-fixture-1&cap={value}&kind={value}&rel={value}",
                  f"/network/expand.json?iri={value}&limit={value}", f"/resource?iri={value}",
                  f"/resource.{value}?iri={value}", f"/id/{value}", f"/id/task/{value}.ttl", f"/search?q={value}",
                  f"/search?q=vung&kind={value}&format={value}", f"/explore/dependencies?project={value}",
                  f"/explore/targets?year={value}", f"/questions/{value}", f"/questions/tasks_of_agency?agency={value}",
                  f"/questions/tasks_of_agency?format={value}", f"/dumps/{value}", f"/sparql?query={value}",
                  f"/sparql?query=ASK%7B%7D&format={value}", f"/sparql?query=ASK%7B%7D&default-graph-uri={value}"]
    for path in paths:
        r = client.get(path, headers={"Accept": "application/json"})
        assert r.status_code < 500, (path, r.status_code, r.get_data(as_text=True)[:200])
    r = client.post("/sparql", data=b"\xff\xfe", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400
    assert json.loads(client.get("/sparql?query=ASK%7B%7D").data)["boolean"] is True


def test_network_without_a_focus_opens_the_overview(client) -> None:
    # no IRI is not bad input: the network of all documents is shown instead (an invalid IRI is a 400)
    for url in ("/network", "/network?iri="):
        r = client.get(url)
        assert r.status_code == 302 and r.headers["Location"].endswith("/network/lineage")
