"""The SPARQL 1.1 Protocol endpoint (read-only, time-limited, capped) and its editor page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from graph.query.lookup import labels_for
from graph.store import PREFIXES

from .. import guard, services
from ..guard import BadInput
from ..linked import OUTPUT_PREFIXES
from ..sparql_pool import PoolBusy, QueryRequest, QueryTimeout, WorkerFailed

bp = Blueprint("sparql", __name__)
# bytes of a POST body: the longest admissible query, percent-encoded, with room for the other fields
MAX_BODY = 3 * guard.MAX_QUERY_CHARS + 64_000

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


# IRIs the editor may ask labels for in one request (a result page holds at most this many distinct ones)
LABELS_CAP = 500
LABELS_BODY = guard.Shape({"iris": "list[str]"}, max_items=LABELS_CAP)


def _editor() -> str:
    """The editor page; ``?q=`` (a permalink) fills the box, prefixes are declared for the user."""
    shared = request.args.get("q", "")
    if len(shared) > guard.MAX_QUERY_CHARS:
        shared = ""
    return render_template("sparql.html", examples=EXAMPLES, prefixes=PREFIXES, initial=shared or EXAMPLES[0][1],
                           timeout=current_app.config["SPARQL_TIMEOUT"], cap=current_app.config["SPARQL_CAP"],
                           labels_cap=LABELS_CAP)


@bp.route("/sparql/labels", methods=["POST"])
def labels():  # noqa: ANN201
    """Readable labels of the IRIs of a result table (the editor shows them next to the IRIs)."""
    try:
        body = guard.json_object(request.get_data(), LABELS_BODY)
        iris = [guard.iri(x, "iris") for x in body.get("iris") or []]
    except BadInput as exc:
        return _error(exc.status, exc.message)
    return jsonify(labels_for(services().store, iris))


def _error(status: int, message: str, retry_after: int | None = None) -> Response:
    resp = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    if retry_after is not None:
        resp.headers["Retry-After"] = str(retry_after)
    return resp


_BY_ACCEPT: dict[str, tuple[str, str]] = {}  # Accept header -> formats (clients send the same few again)


def _formats() -> tuple[str, str]:
    fmt = request.values.get("format") or request.values.get("output")
    if fmt and fmt.lower() in FORMAT_PARAM:
        return FORMAT_PARAM[fmt.lower()]
    header = request.headers.get("Accept", "")
    found = _BY_ACCEPT.get(header)
    if found is None:
        accept = request.accept_mimetypes
        results = accept.best_match(list(RESULT_TYPES), default="application/sparql-results+json")
        graph = accept.best_match(list(GRAPH_TYPES), default="text/turtle")
        # '*/*' alone matches the first entry of each list: JSON results, Turtle graphs
        found = RESULT_TYPES.get(results or "", "json"), GRAPH_TYPES.get(graph or "", "ttl")
        if len(_BY_ACCEPT) < 256 and len(header) < 512:
            _BY_ACCEPT[header] = found
    return found


def _form() -> dict[str, list[str]]:
    """The fields of a form-encoded POST body (empty for other requests); BadInput if it is not UTF-8."""
    if request.method != "POST" or (request.mimetype or "").lower() != "application/x-www-form-urlencoded":
        return {}
    try:
        return parse_qs(request.get_data(as_text=False).decode("utf-8"), keep_blank_values=True,
                        errors="strict", max_num_fields=1000)
    except UnicodeDecodeError as exc:
        raise BadInput("the form is not UTF-8") from exc
    except ValueError as exc:
        raise BadInput(f"the form cannot be read: {exc}") from exc


READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


def _read_operation(form: dict[str, list[str]]) -> tuple[str | None, Response | None]:
    """The query text of a protocol request, or an error response (updates are refused)."""
    if request.method == "GET":
        if "update" in request.args:
            return None, _error(405, READ_ONLY)
        queries = request.args.getlist("query")
        if len(queries) != 1:
            return None, _error(400, "give exactly one 'query' parameter")
        return queries[0], None
    ctype = (request.mimetype or "").lower()
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        return None, _error(415, f"the request must be UTF-8 (got charset={charset})")
    if ctype == "application/sparql-update":
        return None, _error(405, READ_ONLY)
    if ctype == "application/x-www-form-urlencoded":
        if "update" in form:
            return None, _error(405, READ_ONLY)
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


def _graphs(values: list[str], name: str) -> list[str]:
    return guard.graph_parameter(values, name, services().graphs.names())


@bp.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], strict_slashes=False)
@bp.route("/sparql/", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def endpoint():  # noqa: ANN201
    if request.method not in ("GET", "POST"):
        return _error(405, "use GET or POST")
    # a body larger than any admissible query is refused before it is read (413)
    request.max_content_length = MAX_BODY
    has_operation = any(k in request.args for k in ("query", "update")) or request.method == "POST"
    if not has_operation:
        return _editor()
    s = services()
    try:
        form = _form()
        query, error = _read_operation(form)
        if error is not None:
            return error
        assert query is not None
    except BadInput as exc:
        return _error(exc.status, exc.message)
    results_format, graph_format = _formats()
    req = QueryRequest(query=query, results_format=results_format, graph_format=graph_format,
                       default_graphs=request.args.getlist("default-graph-uri") + form.get("default-graph-uri", []),
                       named_graphs=request.args.getlist("named-graph-uri") + form.get("named-graph-uri", []),
                       cap=int(current_app.config["SPARQL_CAP"]), output_prefixes=OUTPUT_PREFIXES,
                       base_iri=request.base_url)
    key = req.cache_key()
    # The same request answered before by this store: its checks passed then and its answer is the same.
    result = s.pool.cached(key)
    keys = [key]  # (only deterministic queries are cached)
    if result is None:
        try:
            checked = guard.check_query(query, s.graphs.names(), req.base_iri)
            req.default_graphs = _graphs(req.default_graphs, "default-graph-uri")
            req.named_graphs = _graphs(req.named_graphs, "named-graph-uri")
        except BadInput as exc:
            return _error(exc.status, exc.message)
        keys = None
        if checked.deterministic:
            keys = [key] if checked.normalised in (None, query) else [key, req.cache_key(checked.normalised)]
        try:
            result = s.pool.run(req, cache_keys=keys)
        except QueryTimeout as exc:
            return _error(503, str(exc), retry_after=1)
        except PoolBusy as exc:
            return _error(503, str(exc), retry_after=exc.retry_after)
        except WorkerFailed as exc:
            return _error(500, str(exc))
    media = result.media_type
    if ";" not in media and (media.startswith("text/") or media.endswith("json")):
        media += "; charset=utf-8"
    headers = [("Content-Type", media), ("Vary", "Accept")]
    if result.etag:
        # a client may keep the answer, and asks again with If-None-Match: the store changes with an ingest
        headers += [("ETag", result.etag), ("Cache-Control", "no-cache")]
    if result.etag and request.method == "GET" and _matches(request.headers.get("If-None-Match"), result.etag):
        # the client holds these bytes already (the Content-Type is there for the data's CORS headers; the
        # 304 goes out without it)
        return Response(status=304, headers=headers)
    headers.append(("X-Query-Seconds", f"{result.seconds:.4f}"))
    if result.truncated:
        headers += [("X-Result-Truncated", str(req.cap)),
                    ("Warning", f'199 policykg "result truncated to {req.cap} rows or triples"')]
    if result.etag and keys is not None and result.status == 200:
        request.environ[REPLAYABLE] = (result.generation,)
    return Response(result.body, status=result.status, headers=headers)


# -- the same request again: the response replayed below Flask --------------------------------------------

REPLAYABLE = "policykg.replayable"  # set by the endpoint on a response that may be given again as it is
# what a GET request's answer can depend on (besides the store): its target, the negotiated type, the host
# it names (the base IRI), the scheme (If-None-Match only decides between the answer and a 304)
REPLAY_KEY = ("PATH_INFO", "QUERY_STRING", "HTTP_ACCEPT", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT",
              "wsgi.url_scheme", "SCRIPT_NAME")


# what a 304 does not carry of its 200 (RFC 9110 15.4.5: the validators, Vary, Cache-Control … stay)
NOT_IN_304 = frozenset({"content-length", "content-type", "x-query-seconds", "x-result-truncated", "warning"})


@dataclass
class _Replay:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str = ""
    not_modified: list[tuple[str, str]] | None = None

    def __post_init__(self) -> None:
        self.etag = next((v for k, v in self.headers if k.lower() == "etag"), "")
        self.not_modified = [(k, v) for k, v in self.headers if k.lower() not in NOT_IN_304]


class ReplayMiddleware:
    """Give a GET /sparql request the response the app gave to the same request before, without running
    Flask: the status, every header (the app's security and CORS headers included) and the body as they
    were sent. Only responses the endpoint marked (``REPLAYABLE``: 200, a deterministic query) are kept, in
    the pool's result cache, under the store generation, so a swapped store or a new pool (after an
    ingest) never sees them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wsgi_app = app.wsgi_app

    def __call__(self, environ: dict, start_response):  # noqa: ANN204
        if (environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") not in ("/sparql", "/sparql/")
                or not environ.get("QUERY_STRING")):
            return self.wsgi_app(environ, start_response)
        pool = self.app.extensions["policykg"].pool
        key = ("http",) + tuple(environ.get(k) for k in REPLAY_KEY)
        hit = pool.cached(key)
        if isinstance(hit, _Replay):
            if hit.etag and _matches(environ.get("HTTP_IF_NONE_MATCH"), hit.etag):
                start_response("304 NOT MODIFIED", hit.not_modified)
                return []
            start_response(hit.status, hit.headers)
            return [hit.body]
        sent: list = []

        def capture(status: str, headers: list, exc_info=None):  # noqa: ANN001, ANN202
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        app_iter = self.wsgi_app(environ, capture)
        if not environ.get(REPLAYABLE):
            return app_iter
        try:
            body = b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        if sent and sent[0].startswith("200"):
            pool.remember(key, _Replay(sent[0], list(sent[1]), body), environ[REPLAYABLE][0])
        return [body]


def install_replay(app: Flask) -> None:
    app.wsgi_app = ReplayMiddleware(app)  # type: ignore[method-assign]


def _matches(header: str | None, etag: str) -> bool:
    """True when If-None-Match (``header``) names ``etag`` or is '*'; a weak tag matches too (RFC 9110)."""
    if not header:
        return False
    return any(t == "*" or t == etag for t in (t.strip().removeprefix("W/") for t in header.split(",")))
