"""Open-data publishing: DCAT-AP 3 (validated with the official shapes), VoID, dumps, context."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, VOID

SHAPES = Path(__file__).parent / "standards" / "dcat-ap-3.0.1"


def test_catalog_validates_against_dcat_ap_3(client) -> None:
    r = client.get("/catalog.ttl")
    assert r.mimetype == "text/turtle"
    data = rdflib.Graph().parse(data=r.data, format="turtle")
    shapes = rdflib.Graph()
    for name in ("dcat-ap-SHACL.ttl", "ranges.ttl"):
        shapes.parse(SHAPES / name, format="turtle")
    # the 3.0.1 release lists a few sh:property nodes that are not defined in the same file (no sh:path);
    # pySHACL ≥ 0.40 refuses such a shapes graph, so those dangling references are dropped, nothing else
    dangling = [(s, o) for s, o in shapes.subject_objects(SH.property) if shapes.value(o, SH.path) is None]
    for s, o in dangling:
        shapes.remove((s, SH.property, o))
    conforms, report, text = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    violations = list(report.subjects(SH.resultSeverity, SH.Violation))
    assert not violations, text
    # what the issue asks for, explicitly
    ds = next(data.subjects(RDF.type, DCAT.Dataset))
    assert {t.language for t in data.objects(ds, DCTERMS.title)} == {"vi", "en"}
    assert {d.language for d in data.objects(ds, DCTERMS.description)} == {"vi", "en"}
    assert data.value(ds, DCTERMS.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert data.value(ds, DCTERMS.publisher) is not None and data.value(ds, DCTERMS.temporal) is not None
    # the areas covered come from the store: the province its documents are of, the country for central bodies'
    pref = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    labels = {str(x) for spatial in data.objects(ds, DCTERMS.spatial) for x in data.objects(spatial, pref)}
    assert {"Hà Tĩnh", "Ha Tinh, Viet Nam", "Việt Nam"} <= labels
    assert any("Hà Tĩnh" in str(t) for t in data.objects(ds, DCTERMS.title))
    dists = list(data.objects(ds, DCAT.distribution))
    downloads = {str(data.value(d, DCAT.downloadURL)) for d in dists if data.value(d, DCAT.downloadURL)}
    assert any(u.endswith(("/dumps/graph.ttl", "/dumps/graph.ttl.gz")) for u in downloads)
    assert all(data.value(d, DCAT.mediaType) for d in dists if data.value(d, DCAT.downloadURL))
    svc = next(data.subjects(RDF.type, DCAT.DataService))
    assert str(data.value(svc, DCAT.endpointURL)).endswith("/sparql")


def test_catalog_jsonld_is_the_same_graph(client) -> None:
    ttl = rdflib.Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    jsonld = rdflib.Graph().parse(data=client.get("/catalog.jsonld").data, format="json-ld")
    assert len(ttl) == len(jsonld)


def test_download_urls_resolve(client) -> None:
    data = rdflib.Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    for url in data.objects(None, DCAT.downloadURL):
        path = "/" + str(url).split("/", 3)[3]
        assert client.get(path).status_code == 200, path


def test_void(client, app) -> None:
    r = client.get("/.well-known/void")
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    ds = next(g.subjects(RDF.type, VOID.Dataset))
    assert int(g.value(ds, VOID.triples)) > 1000
    assert str(g.value(ds, VOID.sparqlEndpoint)).endswith("/sparql")
    assert str(g.value(ds, VOID.uriSpace)) == "https://w3id.org/policykg/id/"
    assert len(list(g.objects(ds, VOID.dataDump))) == 4


def test_dumps_hold_the_whole_store(client, app) -> None:
    store = app.extensions["policykg"].store
    quads = store.count()
    triples = len({q.triple for q in store.quads()})
    nq = client.get("/dumps/graph.nq")
    assert nq.mimetype == "application/n-quads"
    assert len(list(ox.parse(io.BytesIO(nq.data), ox.RdfFormat.N_QUADS))) == quads
    for name, fmt in (("graph.nt", ox.RdfFormat.N_TRIPLES), ("graph.ttl", ox.RdfFormat.TURTLE),
                      ("graph.jsonld", ox.RdfFormat.JSON_LD)):
        r = client.get("/dumps/" + name)
        assert r.status_code == 200
        assert len(set(ox.parse(io.BytesIO(r.data), fmt))) == triples, name
    gz = client.get("/dumps/graph.nt.gz")
    assert gz.mimetype == "application/gzip"
    assert gzip.decompress(gz.data) == client.get("/dumps/graph.nt").data
    assert client.get("/dumps/graph.exe").status_code == 404


def test_large_dumps_are_listed_gzipped(client, app) -> None:
    data = rdflib.Graph().parse(data=client.get("/catalog.ttl").data, format="turtle")
    nt_size = len(client.get("/dumps/graph.nt").data)
    urls = {str(u) for u in data.objects(None, DCAT.downloadURL)}
    if nt_size > app.config["GZIP_OVER"]:
        assert any(u.endswith("graph.nt.gz") for u in urls)
        assert client.get("/data").get_data(as_text=True).count(".gz") >= 1
