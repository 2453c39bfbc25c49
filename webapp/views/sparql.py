"""The SPARQL 1.1 Protocol endpoint (read-only, time-limited, capped) and its editor page."""

from __future__ import annotations

from urllib.parse import parse_qs

from flask import Blueprint, Response, current_app, render_template, request

from graph.store import PREFIXES

from .. import services
from ..linked import OUTPUT_PREFIXES
from ..sparql_pool import PoolBusy, QueryRequest, QueryTimeout

bp = Blueprint("sparql", __name__)

RESULT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/rdf+xml": "rdf",
}
FORMAT_PARAM = {"json": ("json", "jsonld"), "xml": ("xml", "rdf"), "csv": ("csv", "ttl"), "tsv": ("tsv", "ttl"),
                "ttl": ("json", "ttl"), "turtle": ("json", "ttl"), "nt": ("json", "nt"), "jsonld": ("json", "jsonld"),
                "rdf": ("xml", "rdf")}

EXAMPLES = [
    ("Đếm nút theo loại / nodes by class", """SELECT ?class (COUNT(?s) AS ?n) WHERE {
  ?s a ?class
} GROUP BY ?class ORDER BY DESC(?n) LIMIT 30"""),
    ("Văn bản và số hiệu / documents", """SELECT ?doc ?number ?issued ?label WHERE {
  ?doc a pol:Document ; rdfs:label ?label .
  OPTIONAL { ?doc pol:documentNumber ?number }
  OPTIONAL { ?doc dcterms:issued ?issued }
} ORDER BY ?issued LIMIT 100"""),
    ("Trích dẫn và câu gốc / citations with evidence", """SELECT ?from ?to ?quote WHERE {
  ?from pol:cites ?to .
  ?e rdf:subject ?from ; rdf:predicate pol:cites ; rdf:object ?to ; pol:quote ?quote .
} LIMIT 50"""),
    ("Nhiệm vụ phụ thuộc / what depends on what", """SELECT ?x ?y WHERE {
  ?x pol:dependsOn ?y
} LIMIT 100"""),
    ("Mô tả một văn bản (CONSTRUCT)", """CONSTRUCT { ?doc ?p ?o } WHERE {
  ?doc a pol:Document ; ?p ?o .
} LIMIT 50"""),
]


def _error(status: int, message: str) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


def _formats() -> tuple[str, str]:
    fmt = request.values.get("format") or request.values.get("output")
    if fmt and fmt.lower() in FORMAT_PARAM:
        return FORMAT_PARAM[fmt.lower()]
    accept = request.accept_mimetypes
    results = accept.best_match(list(RESULT_TYPES), default="application/sparql-results+json")
    graph = accept.best_match(list(GRAPH_TYPES), default="text/turtle")
    # '*/*' alone matches the first entry of each list: JSON results, Turtle graphs
    return RESULT_TYPES.get(results or "", "json"), GRAPH_TYPES.get(graph or "", "ttl")


def _read_operation() -> tuple[str | None, Response | None]:
    """The query text of a protocol request, or an error response (updates are refused)."""
    if request.method == "GET":
        if "update" in request.args:
            return None, _error(405, "this endpoint is read-only: SPARQL Update is not accepted")
        queries = request.args.getlist("query")
        if len(queries) != 1:
            return None, _error(400, "give exactly one 'query' parameter")
        return queries[0], None
    ctype = (request.mimetype or "").lower()
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        return None, _error(415, f"the request must be UTF-8 (got charset={charset})")
    if ctype == "application/sparql-update":
        return None, _error(405, "this endpoint is read-only: SPARQL Update is not accepted")
    if ctype == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(request.get_data(as_text=False).decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return None, _error(400, "the form is not UTF-8")
        if "update" in form:
            return None, _error(405, "this endpoint is read-only: SPARQL Update is not accepted")
        queries = form.get("query", [])
        if len(queries) != 1:
            return None, _error(400, "give exactly one 'query' parameter")
        return queries[0], None
    if ctype == "application/sparql-query":
        try:
            return request.get_data(as_text=False).decode("utf-8"), None
        except UnicodeDecodeError:
            return None, _error(400, "the query is not UTF-8")
    return None, _error(415, "POST a query as application/sparql-query or as an "
                             "application/x-www-form-urlencoded 'query' parameter")


def _graphs(name: str) -> list[str]:
    values = request.args.getlist(name)
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        values += parse_qs(request.get_data(as_text=False).decode("utf-8", "replace")).get(name, [])
    return values


@bp.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], strict_slashes=False)
@bp.route("/sparql/", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def endpoint():  # noqa: ANN201
    if request.method not in ("GET", "POST"):
        return _error(405, "use GET or POST")
    has_operation = any(k in request.args for k in ("query", "update")) or request.method == "POST"
    if not has_operation:
        return render_template("sparql.html", examples=EXAMPLES, prefixes=PREFIXES,
                               timeout=current_app.config["SPARQL_TIMEOUT"], cap=current_app.config["SPARQL_CAP"])
    query, error = _read_operation()
    if error is not None:
        return error
    assert query is not None
    results_format, graph_format = _formats()
    req = QueryRequest(query=query, results_format=results_format, graph_format=graph_format,
                       default_graphs=_graphs("default-graph-uri"), named_graphs=_graphs("named-graph-uri"),
                       cap=int(current_app.config["SPARQL_CAP"]), output_prefixes=OUTPUT_PREFIXES,
                       base_iri=request.base_url)
    try:
        result = services().pool.run(req)
    except QueryTimeout as exc:
        return _error(503, str(exc))
    except PoolBusy as exc:
        return _error(503, str(exc))
    except (EOFError, OSError, RuntimeError) as exc:
        return _error(500, f"the query worker failed: {exc}")
    resp = Response(result.body, status=result.status)
    media = result.media_type
    if ";" not in media and (media.startswith("text/") or media.endswith("json")):
        media += "; charset=utf-8"
    resp.headers["Content-Type"] = media
    resp.headers["Vary"] = "Accept"
    resp.headers["X-Query-Seconds"] = f"{result.seconds:.4f}"
    if result.truncated:
        resp.headers["X-Result-Truncated"] = str(req.cap)
        resp.headers["Warning"] = f'199 policykg "result truncated to {req.cap} rows or triples"'
    return resp
