"""Entity pages: every node of the graph, as HTML or RDF (by Accept header or suffix)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, request

from graph.query.documents import document_targets, task_cards

from .. import guard, services
from ..kg import DCTERMS, POL, KnowledgeGraph
from ..linked import BY_SUFFIX, RDF_FORMATS, RdfFormat, negotiate, serialise

bp = Blueprint("entity", __name__)

SCHEMA_TYPES = {"document": "Legislation", "agency": "GovernmentOrganization", "group": "Organization",
                "person": "Person", "place": "Place", "zone": "Place", "project": "Place",
                "task": "Action", "target": "Thing", "goal": "Thing"}


def _rdf_response(iri: str, fmt: RdfFormat) -> Response:
    s = services()
    body = serialise(s.kg.triples_about(iri), fmt)
    resp = Response(body, mimetype=fmt.media_type)
    resp.headers["Vary"] = "Accept"
    if fmt.media_type.startswith("text/") or fmt.suffix == "jsonld":
        resp.headers["Content-Type"] = fmt.media_type + "; charset=utf-8"
    return resp


def schema_org(kg: KnowledgeGraph, iri: str, d, public_url: str) -> dict:  # noqa: ANN001
    """A small schema.org description for search engines (embedded as JSON-LD)."""
    doc: dict = {"@context": "https://schema.org", "@id": iri, "@type": SCHEMA_TYPES.get(d.kind, "Thing"),
                 "name": kg.label(iri), "url": public_url}
    for lit in d.labels:
        if lit.language == "en":
            doc["alternateName"] = lit.value
    if d.aliases:
        doc.setdefault("alternateName", d.aliases[0].value)
    if d.kind == "document":
        if POL + "documentNumber" in d.literals:
            doc["legislationIdentifier"] = d.literals[POL + "documentNumber"][0].value
        if DCTERMS + "issued" in d.literals:
            doc["legislationDate"] = d.literals[DCTERMS + "issued"][0].value
        if DCTERMS + "title" in d.literals:
            doc["headline"] = d.literals[DCTERMS + "title"][0].value
        doc["inLanguage"] = "vi"
        provinces = d.outgoing.get(POL + "jurisdiction", [])
        # the province the document is of; a central body's document is of the whole country
        doc["legislationJurisdiction"] = f"{kg.label(provinces[0].other.value)}, Việt Nam" if provinces else "Việt Nam"
        issuers = d.outgoing.get(POL + "issuedBy", [])
        if issuers:
            doc["legislationPassedBy"] = {"@type": "GovernmentOrganization", "name": kg.label(issuers[0].other.value)}
    return doc


def _sections(kg: KnowledgeGraph, d) -> dict:  # noqa: ANN001
    """Extra blocks of a document card: tasks with agencies and timeframes, targets."""
    if d.kind != "document":
        return {}
    acts_on, acted_by = kg.document_links(d.iri, d)
    tasks = task_cards(kg.store, [link.other.value for link in d.outgoing.get(POL + "hasTask", [])])
    targets = document_targets(kg.store, d.iri)
    return {"acts_on": acts_on, "acted_by": acted_by, "tasks": tasks, "targets": targets}


def render_entity(iri: str) -> Response | str:
    s = services()
    fmt = negotiate(request)
    if fmt is not None:
        return _rdf_response(iri, fmt)
    paged = request.args.get("links")
    try:
        offset = max(0, int(request.args.get("offset", "0")))
    except ValueError:
        abort(400, "offset: a whole number")
    d = s.kg.describe(iri, pages={paged: offset} if paged else None)
    if not d.types and not d.literals and not d.outgoing and not d.incoming:
        abort(404)
    local = s.iris.local(iri)
    alternates = [(f, (local + "." + f.suffix) if s.iris.is_data(iri) else
                   f"/resource.{f.suffix}?iri={quote(iri, safe='')}")
                  for f in RDF_FORMATS]
    public_url = iri
    schema = schema_org(s.kg, iri, d, public_url)
    html = render_template("entity.html", d=d, iri=iri, alternates=alternates, schema=schema,
                           card=_sections(s.kg, d), POL=POL)
    resp = Response(html, mimetype="text/html")
    resp.headers["Vary"] = "Accept"
    resp.headers["Link"] = ", ".join(f'<{href}>; rel="alternate"; type="{f.media_type}"' for f, href in alternates)
    return resp


@bp.get("/id/<path:rest>")
def data_iri(rest: str):  # noqa: ANN201
    s = services()
    iri = guard.iri(s.iris.public(rest), "path")
    if not s.kg.exists(iri):
        stem, dot, suffix = rest.rpartition(".")
        if dot and suffix in BY_SUFFIX and s.kg.exists(s.iris.public(stem)):
            return _rdf_response(s.iris.public(stem), BY_SUFFIX[suffix])
        abort(404)
    return render_entity(iri)


@bp.get("/resource")
@bp.get("/resource.<suffix>")
def any_iri(suffix: str | None = None):  # noqa: ANN201
    """Nodes whose IRI is not under the data base (external vocabularies, cited web pages)."""
    s = services()
    iri = guard.iri(request.args.get("iri"), "iri")
    if not s.kg.exists(iri):
        abort(404)
    if suffix:
        if suffix not in BY_SUFFIX:
            abort(404)
        return _rdf_response(iri, BY_SUFFIX[suffix])
    return render_entity(iri)
