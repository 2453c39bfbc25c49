"""Publishing for open-data portals: DCAT-AP catalogue, VoID, dumps, ontology, JSON-LD context."""

from __future__ import annotations

import gzip
import shutil
import threading
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph.store import PREFIXES

from .. import services
from ..catalog import DUMPS, catalogue, void_description
from ..linked import CONTEXT_PATH, OUTPUT_PREFIXES, negotiate

bp = Blueprint("publish", __name__)
_dump_lock = threading.Lock()
DUMP_FORMATS = {"graph.ttl": ox.RdfFormat.TURTLE, "graph.nt": ox.RdfFormat.N_TRIPLES,
                "graph.nq": ox.RdfFormat.N_QUADS, "graph.jsonld": ox.RdfFormat.JSON_LD}
MEDIA = {"graph.ttl": "text/turtle", "graph.nt": "application/n-triples", "graph.nq": "application/n-quads",
         "graph.jsonld": "application/ld+json"}


def ensure_dump(name: str) -> Path:
    """Write the dump ``name`` (and its .gz when large) from the store, once."""
    s = services()
    folder = s.dumps_dir
    path = folder / name
    with _dump_lock:
        if path.exists():
            return path
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (name + ".tmp")
        fmt = DUMP_FORMATS[name]
        native = s.store.native
        with tmp.open("wb") as fh:
            if name == "graph.nq":
                native.dump(fh, fmt)
            else:
                triples = dict.fromkeys(q.triple for q in native)
                ox.serialize(triples, fh, fmt, prefixes=OUTPUT_PREFIXES if name == "graph.ttl" else None)
        tmp.rename(path)
        if path.stat().st_size > int(current_app.config["GZIP_OVER"]):
            with path.open("rb") as src, gzip.open(str(path) + ".gz.tmp", "wb", compresslevel=6) as dst:
                shutil.copyfileobj(src, dst)
            Path(str(path) + ".gz.tmp").rename(str(path) + ".gz")
    return path


def served_names() -> dict[str, str]:
    """Which file each dump is published as: the .gz where the dump is large."""
    out = {}
    for name, *_ in DUMPS:
        path = ensure_dump(name)
        out[name] = name + ".gz" if Path(str(path) + ".gz").exists() else name
    return out


def _root() -> str:
    return request.url_root


@bp.get("/data")
def data() -> str:
    names = served_names()
    folder = services().dumps_dir
    sizes = {n: (folder / n).stat().st_size for n in set(names) | set(names.values())}
    return render_template("data.html", dumps=DUMPS, names=names, sizes=sizes)


@bp.get("/dumps/<name>")
def dump(name: str):  # noqa: ANN201
    plain = name.removesuffix(".gz")
    if plain not in DUMP_FORMATS:
        abort(404)
    path = ensure_dump(plain)
    if name.endswith(".gz"):
        gz = Path(str(path) + ".gz")
        if not gz.exists():
            with _dump_lock, path.open("rb") as src, gzip.open(gz, "wb", compresslevel=6) as dst:
                shutil.copyfileobj(src, dst)
        return send_file(gz, mimetype="application/gzip", as_attachment=True, download_name=name)
    return send_file(path, mimetype=MEDIA[plain], as_attachment=False, download_name=name)


def _rdf(graph: rdflib.Graph, fmt: str) -> Response:
    if fmt == "jsonld":
        return Response(graph.serialize(format="json-ld", indent=1, auto_compact=True, ensure_ascii=False),
                        mimetype="application/ld+json")
    return Response(graph.serialize(format="turtle"), mimetype="text/turtle")


@bp.get("/catalog.ttl")
def catalog_ttl() -> Response:
    s = services()
    return _rdf(catalogue(s.kg, _root(), served_names()), "ttl")


@bp.get("/catalog.jsonld")
def catalog_jsonld() -> Response:
    s = services()
    return _rdf(catalogue(s.kg, _root(), served_names()), "jsonld")


@bp.get("/catalog")
def catalog() -> Response:
    fmt = negotiate(request, html_ok=False)
    return catalog_jsonld() if fmt is not None and fmt.suffix == "jsonld" else catalog_ttl()


@bp.get("/.well-known/void")
@bp.get("/void.ttl")
def void() -> Response:
    s = services()
    fmt = negotiate(request, html_ok=False)
    return _rdf(void_description(s.kg, _root(), served_names()),
                "jsonld" if fmt is not None and fmt.suffix == "jsonld" else "ttl")


@bp.get("/context.jsonld")
def context() -> Response:
    return Response(CONTEXT_PATH.read_bytes(), mimetype="application/ld+json")


def ontology_path() -> Path:
    return services().settings.ontology_dir / "pol.ttl"


@lru_cache(maxsize=4)
def _ontology_doc(path: str, mtime: float) -> dict:
    g = rdflib.Graph().parse(path, format="turtle")
    pol = rdflib.Namespace(PREFIXES["pol"])

    def texts(node: rdflib.term.Node, prop: rdflib.term.Node) -> dict[str, str]:
        return {(o.language or ""): str(o) for o in g.objects(node, prop) if isinstance(o, rdflib.Literal)}

    def curie(node: rdflib.term.Node) -> str:
        if isinstance(node, rdflib.BNode):
            members = list(g.objects(node, OWL.unionOf))
            if members:
                items = rdflib.collection.Collection(g, members[0])
                return " ∪ ".join(curie(m) for m in items)
            return "(anonymous)"
        for prefix, ns in PREFIXES.items():
            if str(node).startswith(ns):
                return f"{prefix}:{str(node)[len(ns):]}"
        return str(node)

    def entries(kind: rdflib.term.Node) -> list[dict]:
        out = []
        for term in sorted(set(g.subjects(RDF.type, kind)), key=str):
            if not isinstance(term, rdflib.URIRef) or not str(term).startswith(str(pol)):
                continue
            out.append({"id": str(term)[len(str(pol)):], "iri": str(term), "label": texts(term, RDFS.label),
                        "comment": texts(term, RDFS.comment) or texts(term, SKOS.definition),
                        "super": [curie(o) for o in g.objects(term, RDFS.subClassOf)]
                        + [curie(o) for o in g.objects(term, RDFS.subPropertyOf)],
                        "domain": [curie(o) for o in g.objects(term, RDFS.domain)],
                        "range": [curie(o) for o in g.objects(term, RDFS.range)],
                        "inverse": [curie(o) for o in g.objects(term, OWL.inverseOf)],
                        "types": [curie(o) for o in g.objects(term, RDF.type) if o not in (kind,)]})
        return out

    onto = rdflib.URIRef("https://w3id.org/policykg/ont")
    return {"title": texts(onto, rdflib.namespace.DCTERMS.title),
            "description": texts(onto, rdflib.namespace.DCTERMS.description),
            "version": str(g.value(onto, OWL.versionInfo) or ""),
            "sections": [("Lớp / Classes", entries(OWL.Class)),
                         ("Quan hệ / Object properties", entries(OWL.ObjectProperty)),
                         ("Thuộc tính dữ liệu / Datatype properties", entries(OWL.DatatypeProperty)),
                         ("Chú thích / Annotation properties", entries(OWL.AnnotationProperty)),
                         ("Cá thể / Individuals", entries(OWL.NamedIndividual))]}


@bp.get("/ontology")
def ontology():  # noqa: ANN201
    path = ontology_path()
    fmt = negotiate(request)
    if fmt is not None:
        return ontology_ttl()
    doc = _ontology_doc(str(path), path.stat().st_mtime)
    return render_template("ontology.html", doc=doc)


@bp.get("/ontology.ttl")
def ontology_ttl() -> Response:
    return Response(ontology_path().read_bytes(), mimetype="text/turtle")
