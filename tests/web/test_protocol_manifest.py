"""The W3C SPARQL 1.1 Protocol tests (manifest copied into standards/sparql11-protocol/) against /sparql.

Query tests must pass as written; update tests must be refused with a 4xx, since the
endpoint is read-only. Each test's ``ut:graphData`` is loaded into a store of its own under
the graph name the test uses, so the dataset tests (default-graph-uri, named-graph-uri)
run as specified without fetching anything from the web.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection

HERE = Path(__file__).parent / "standards" / "sparql11-protocol"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"


@dataclass
class ProtocolRequest:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    statuses: set[int]  # acceptable status classes: 2, 3, 4, 5
    boolean: bool | None
    result_format: str | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[ProtocolRequest] = field(default_factory=list)
    graphs: dict[str, Path] = field(default_factory=dict)

    @property
    def is_update(self) -> bool:
        return "update" in self.name


def load_manifest() -> list[ProtocolTest]:
    g = rdflib.Graph().parse(HERE / "manifest.ttl", format="turtle", publicID=(HERE / "manifest.ttl").as_uri())
    manifest = next(g.subjects(rdflib.RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        t = ProtocolTest(str(entry).rsplit("#", 1)[1], str(g.value(entry, MF.name)))
        for gd in g.objects(entry, UT.graphData):
            t.graphs[str(g.value(gd, rdflib.RDFS.label))] = Path(str(g.value(gd, UT.graph)).removeprefix("file://"))
        action = g.value(entry, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            body_node = g.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(body_node, CNT.chars)).encode(encoding.lower().replace("utf-16", "utf-16-le"))
            headers = {}
            hnode = g.value(req, HT.headers)
            if hnode is not None:
                for h in Collection(g, hnode):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            resp = g.value(req, HT.resp)
            statuses = {int(str(s).removeprefix(HTS)[0]) for s in g.objects(resp, MF.expectedStatus)}
            expected_bool = g.value(resp, MF.expectedBoolean)
            fmt = g.value(resp, MF.expectedFormat)
            t.requests.append(ProtocolRequest(
                str(g.value(req, HT.methodName)), str(g.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                body, headers, statuses, None if expected_bool is None else bool(expected_bool.toPython()),
                None if fmt is None else str(fmt)))
        tests.append(t)
    return tests


TESTS = load_manifest()


def _named_graph_parameters() -> set[str]:
    """Every graph a test names in default-graph-uri / named-graph-uri."""
    from urllib.parse import parse_qs, urlsplit

    names = set()
    for t in TESTS:
        for req in t.requests:
            params = parse_qs(urlsplit(req.path).query)
            names |= set(params.get("default-graph-uri", []) + params.get("named-graph-uri", []))
    return names


@pytest.fixture(scope="module")
def protocol_client(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """An app over a store holding exactly the manifest's data files, each under its test graph name."""
    from graph.config import Settings
    from webapp import create_app

    path = tmp_path_factory.mktemp("protocol") / "store"
    store = ox.Store(str(path))
    graphs = {name: file for t in TESTS for name, file in t.graphs.items()}
    for name, file in graphs.items():
        store.load(path=str(file), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    # The endpoint only accepts dataset parameters naming graphs it holds (it fetches nothing): the graph
    # that some tests name without giving data is one of this store's graphs, empty.
    for name in sorted(_named_graph_parameters() - set(graphs)):
        store.add_graph(ox.NamedNode(name))
    store.flush()
    del store
    app = create_app(Settings(store_path=path), config={"SPARQL_TIMEOUT": 10.0, "QUERIES_DIR": str(HERE)})
    yield app.test_client()
    app.extensions["policykg"].pool.close()


def test_manifest_was_read() -> None:
    names = {t.name for t in TESTS}
    assert len(TESTS) == 34
    assert {"query_post_form", "query_dataset_full", "bad_query_non_utf8", "update_post_form"} <= names


def _send(client, req: ProtocolRequest):  # noqa: ANN001, ANN202
    headers = dict(req.headers)
    ctype = headers.pop("content-type", None) or headers.pop("Content-Type", None)
    kwargs: dict = {"headers": headers}
    if req.body is not None:
        kwargs["data"] = req.body
    if ctype:
        kwargs["content_type"] = ctype
    return client.open(req.path, method=req.method, **kwargs)  # the path is sent percent-encoded, as given


@pytest.mark.parametrize("test", [t for t in TESTS if not t.is_update], ids=lambda t: t.name)
def test_query_protocol(protocol_client, test: ProtocolTest) -> None:
    for req in test.requests:
        r = _send(protocol_client, req)
        assert r.status_code // 100 in req.statuses, (test.name, r.status_code, r.get_data(as_text=True)[:300])
        if req.boolean is not None:
            assert json.loads(r.data)["boolean"] is req.boolean, test.name
        if req.result_format == "RDF":
            assert r.mimetype in ("text/turtle", "application/rdf+xml", "application/n-triples",
                                  "application/ld+json"), r.mimetype
            rdflib.Graph().parse(data=r.data, format={"text/turtle": "turtle", "application/rdf+xml": "xml",
                                                      "application/n-triples": "nt",
                                                      "application/ld+json": "json-ld"}[r.mimetype])
        if req.result_format == "tabular":
            assert r.mimetype.startswith(("application/sparql-results", "text/csv", "text/tab-separated"))


@pytest.mark.parametrize("test", [t for t in TESTS if t.is_update], ids=lambda t: t.name)
def test_update_protocol_is_refused(protocol_client, test: ProtocolTest) -> None:
    before = protocol_client.get("/sparql?query=SELECT%20(COUNT(*)%20AS%20?n)%20WHERE%20{GRAPH%20?g%20{?s%20?p%20?o}}")
    r = _send(protocol_client, test.requests[0])
    assert 400 <= r.status_code < 500, (test.name, r.status_code)
    after = protocol_client.get("/sparql?query=SELECT%20(COUNT(*)%20AS%20?n)%20WHERE%20{GRAPH%20?g%20{?s%20?p%20?o}}")
    assert before.get_json() == after.get_json()
