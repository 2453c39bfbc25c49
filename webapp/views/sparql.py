"""The SPARQL 1.1 Protocol endpoint (read-only, time-limited, capped) and its editor page."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_options_header
from werkzeug.wrappers import Request

from graph.query.lookup import labels_for
from graph.store import PREFIXES

from .. import guard, services
from ..guard import BadInput
from ..linked import OUTPUT_PREFIXES
from ..sparql_pool import PoolBusy, QueryRequest, QueryTimeout, WorkerFailed
from .helpers import CORS_LIST, PAGE_HEADERS

log = logging.getLogger("policykg.web")

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


def _error(status: int, message: str) -> Response:
    """An error of the editor's routes (the protocol's own are :meth:`Protocol._error`)."""
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


@bp.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], strict_slashes=False)
@bp.route("/sparql/", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def endpoint():  # noqa: ANN201
    """What of /sparql reaches Flask: the editor page (a GET without ``query`` or ``update``) and the methods
    the protocol does not have; every query and every POST is answered below Flask by :class:`Protocol`."""
    if request.method != "GET":
        return _error(405, "use GET or POST")
    return _editor()


# -- the SPARQL 1.1 Protocol, below Flask ------------------------------------------------------------------

READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"
STATUS = {code: f"{code} {HTTPStatus(code).phrase}" for code in (200, 304, 400, 405, 413, 414, 415, 500, 503)}
# what a GET request's answer can depend on (besides the store): its target, the negotiated type, the host
# it names (the base IRI), the scheme (If-None-Match only decides between the answer and a 304)
REPLAY_KEY = ("PATH_INFO", "QUERY_STRING", "HTTP_ACCEPT", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT",
              "wsgi.url_scheme", "SCRIPT_NAME")
BASE_KEY = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO")
# the headers every answer of the endpoint carries: what the app's after-request hook gives a data path
COMMON_HEADERS = [(name, value) for _, name, value in PAGE_HEADERS + CORS_LIST]
TEXT = "text/plain; charset=utf-8"


class _Seen(dict):
    """A small map of header values already read (clients send the same few Accept and Host headers again),
    bounded so that a client sending a new one each time cannot grow it."""

    def __init__(self, size: int = 256, longest: int = 512) -> None:
        super().__init__()
        self.size, self.longest = size, longest

    def keep(self, key: object, value: object) -> object:
        if len(self) < self.size and len(repr(key)) < self.longest:
            self[key] = value
        return value


_BY_ACCEPT = _Seen()  # Accept header -> (results format, graph format)
_BY_CTYPE = _Seen()  # Content-Type header -> (media type, charset)
_BASES = _Seen()  # (scheme, host …, path) -> the endpoint's URL (the base IRI of a query)
_WITH_CHARSET: dict[str, str] = {}  # media type -> Content-Type value


def _formats(fmt: str | None, accept: str) -> tuple[str, str]:
    """(results format, graph format): ``format=`` / ``output=`` first, else content negotiation."""
    if fmt and fmt.lower() in FORMAT_PARAM:
        return FORMAT_PARAM[fmt.lower()]
    found = _BY_ACCEPT.get(accept)
    if found is None:
        mimes = parse_accept_header(accept, MIMEAccept)
        results = mimes.best_match(list(RESULT_TYPES), default="application/sparql-results+json")
        graph = mimes.best_match(list(GRAPH_TYPES), default="text/turtle")
        # '*/*' alone matches the first entry of each list: JSON results, Turtle graphs
        found = _BY_ACCEPT.keep(accept, (RESULT_TYPES.get(results or "", "json"), GRAPH_TYPES.get(graph or "", "ttl")))
    return found  # type: ignore[return-value]


def _content_type(header: str) -> tuple[str, str]:
    found = _BY_CTYPE.get(header)
    if found is None:
        mimetype, params = parse_options_header(header)
        found = _BY_CTYPE.keep(header, (mimetype.lower(), (params.get("charset") or "utf-8").lower()))
    return found  # type: ignore[return-value]


def _base_url(environ: dict) -> str:
    """The endpoint's URL as werkzeug's ``request.base_url`` gives it (the base IRI of relative IRIs)."""
    key = tuple(environ.get(k) for k in BASE_KEY)
    found = _BASES.get(key)
    if found is None:
        found = _BASES.keep(key, Request(environ).base_url)
    return found  # type: ignore[return-value]


def _fields(text: str, what: str) -> dict[str, list[str]]:
    """The fields of a query string or form body; BadInput if they are not UTF-8 or too many."""
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=1000)
    except UnicodeDecodeError as exc:
        raise BadInput(f"the {what} is not UTF-8") from exc
    except ValueError as exc:
        raise BadInput(f"the {what} cannot be read: {exc}") from exc


def _one_query(fields: dict[str, list[str]]) -> str:
    if "update" in fields:
        raise BadInput(READ_ONLY, 405)
    queries = fields.get("query", [])
    if len(queries) != 1:
        raise BadInput("give exactly one 'query' parameter")
    return queries[0]


def _body(environ: dict) -> bytes:
    """The request body, refused (413) before it is read when it is larger than any admissible query."""
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH")
    if length:
        try:
            size = int(length)
        except ValueError:
            raise BadInput("the Content-Length header is not a number") from None
        if size > MAX_BODY:
            raise BadInput(f"the request body is larger than {MAX_BODY} bytes", 413)
        return stream.read(size) if stream is not None and size > 0 else b""
    if stream is not None and environ.get("wsgi.input_terminated"):  # chunked: read up to the limit
        data = stream.read(MAX_BODY + 1)
        if len(data) > MAX_BODY:
            raise BadInput(f"the request body is larger than {MAX_BODY} bytes", 413)
        return data
    return b""


@dataclass
class _Replay:
    """A response kept to be given again as it was sent (and the headers of its 304)."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    not_modified: list[tuple[str, str]]


class Protocol:
    """The SPARQL 1.1 Protocol endpoint as a plain WSGI handler in front of the Flask app: a GET with
    ``query`` (or ``update``, refused) and every POST to /sparql are answered here, with the headers the
    app gives data (CSP, CORS …); the editor page, OPTIONS and the rest go on to Flask. Flask's request
    context, routing and response objects cost more CPU than a simple query's evaluation.

    * GET ``query=``, POST form-encoded ``query=``, POST ``application/sparql-query``; ``default-graph-uri``
      and ``named-graph-uri`` (graphs of this store only), ``format=`` / ``output=`` or negotiation by
      ``Accept``; updates 405, other media types 415, a body larger than any admissible query 413, a query
      string as long 414, a query the guard refuses 400 / 413 with its message.
    * The time limit, the admission limit (503 with ``Retry-After``) and the cap are the pool's.
    * Every 200 of a deterministic query carries an ETag (``If-None-Match`` on GET: 304) and is kept: the
      same GET again is given the same status, headers and body without parsing anything (the pool's cache,
      under the store generation, so a swapped store or a new pool after an ingest never sees them).
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.flask = app.wsgi_app

    def __call__(self, environ: dict, start_response):  # noqa: ANN204
        path = environ.get("PATH_INFO")
        if path != "/sparql" and path != "/sparql/":
            return self.flask(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            query_string = environ.get("QUERY_STRING")
            if not query_string:
                return self.flask(environ, start_response)  # the editor
            pool = self.app.extensions["policykg"].pool
            key = ("http",) + tuple(environ.get(k) for k in REPLAY_KEY)
            hit = pool.cached(key)
            if isinstance(hit, _Replay):
                if _matches(environ.get("HTTP_IF_NONE_MATCH"), hit.etag):
                    start_response(STATUS[304], hit.not_modified)
                    return []
                start_response(hit.status, hit.headers)
                return [hit.body]
            try:
                if not query_string.isascii():  # raw UTF-8 in the target (WSGI gives it as latin-1)
                    query_string = query_string.encode("latin-1").decode("utf-8")
                args = _fields(query_string, "query string")
            except (UnicodeError, BadInput) as exc:
                return self._send(start_response, *self._error(400, getattr(exc, "message", "the query string "
                                                                            "is not UTF-8")))
            if "query" not in args and "update" not in args:
                return self.flask(environ, start_response)  # the editor, with a permalink (?q=)
            if len(query_string) > MAX_BODY:
                return self._send(start_response, *self._error(
                    414, f"the query string is longer than {MAX_BODY} characters: POST the query instead"))
        elif method == "POST":
            args = key = None  # type: ignore[assignment]
        else:
            return self.flask(environ, start_response)
        try:
            status, headers, body, replayable = self._answer(environ, method, args)
        except Exception:  # noqa: BLE001 (any failure of ours is a 500 that says nothing of the inside)
            log.exception("unhandled error on %s /sparql", method)
            status, headers, body = self._error(500, "something went wrong; it has been logged")
            replayable = None
        if replayable is not None and key is not None:
            replay = _Replay(status, headers, body, replayable[1],
                             [(k, v) for k, v in headers if k.lower() not in NOT_IN_304])
            self.app.extensions["policykg"].pool.remember(key, replay, replayable[0])
        return self._send(start_response, status, headers, body)

    @staticmethod
    def _send(start_response, status: str, headers: list, body: bytes) -> list[bytes]:  # noqa: ANN001
        start_response(status, headers)
        return [body] if body else []

    @staticmethod
    def _error(status: int, message: str, retry_after: int | None = None) -> tuple[str, list, bytes]:
        body = (message.rstrip() + "\n").encode("utf-8")
        headers = [("Content-Type", TEXT)]
        if retry_after is not None:
            headers.append(("Retry-After", str(retry_after)))
        return STATUS[status], headers + COMMON_HEADERS + [("Content-Length", str(len(body)))], body

    def _answer(self, environ: dict, method: str, args: dict[str, list[str]] | None):  # noqa: ANN202
        """(status line, headers, body, (generation, etag) if the GET may be replayed else None)."""
        s = self.app.extensions["policykg"]
        form: dict[str, list[str]] = {}
        try:
            if method == "GET":
                assert args is not None
                query = _one_query(args)
            else:
                query_string = environ.get("QUERY_STRING") or ""
                if not query_string.isascii():
                    query_string = query_string.encode("latin-1").decode("utf-8", "replace")
                args = _fields(query_string, "query string") if query_string else {}
                ctype, charset = _content_type(environ.get("CONTENT_TYPE") or "")
                if charset not in ("utf-8", "utf8"):
                    return *self._error(415, f"the request must be UTF-8 (got charset={charset})"), None
                if ctype == "application/sparql-update":
                    raise BadInput(READ_ONLY, 405)
                if ctype == "application/x-www-form-urlencoded":
                    body = _body(environ)
                    try:
                        text = body.decode("utf-8")
                    except UnicodeDecodeError:
                        raise BadInput("the form is not UTF-8") from None
                    form = _fields(text, "form")
                    query = _one_query(form)
                elif ctype == "application/sparql-query":
                    try:
                        query = _body(environ).decode("utf-8")
                    except UnicodeDecodeError:
                        raise BadInput("the query is not UTF-8") from None
                else:
                    return *self._error(415, "POST a query as application/sparql-query or as an "
                                             "application/x-www-form-urlencoded 'query' parameter"), None
        except BadInput as exc:
            return *self._error(exc.status, exc.message), None
        fmt = _first(args, form, "format") or _first(args, form, "output")
        results_format, graph_format = _formats(fmt, environ.get("HTTP_ACCEPT") or "")
        cap = int(self.app.config["SPARQL_CAP"])
        req = QueryRequest(query=query, results_format=results_format, graph_format=graph_format,
                           default_graphs=args.get("default-graph-uri", []) + form.get("default-graph-uri", []),
                           named_graphs=args.get("named-graph-uri", []) + form.get("named-graph-uri", []),
                           cap=cap, output_prefixes=OUTPUT_PREFIXES, base_iri=_base_url(environ))
        key = req.cache_key()
        # The same request answered before by this store: its checks passed then and its answer is the same.
        result = s.pool.cached(key)
        keys = [key]  # (only deterministic queries are cached)
        if result is None:
            try:
                graphs = s.graphs.names()
                checked = guard.check_query(query, graphs, req.base_iri)
                req.default_graphs = guard.graph_parameter(req.default_graphs, "default-graph-uri", graphs)
                req.named_graphs = guard.graph_parameter(req.named_graphs, "named-graph-uri", graphs)
                req.limit = checked.limit
            except BadInput as exc:
                return *self._error(exc.status, exc.message), None
            keys = None
            if checked.deterministic:
                keys = [key] if checked.normalised in (None, query) else [key, req.cache_key(checked.normalised)]
            try:
                result = s.pool.run(req, cache_keys=keys)
            except QueryTimeout as exc:
                return *self._error(503, str(exc), retry_after=1), None
            except PoolBusy as exc:
                return *self._error(503, str(exc), retry_after=exc.retry_after), None
            except WorkerFailed as exc:
                return *self._error(500, str(exc)), None
        media = _WITH_CHARSET.get(result.media_type)
        if media is None:
            media = result.media_type
            if ";" not in media and (media.startswith("text/") or media.endswith("json")):
                media += "; charset=utf-8"
            _WITH_CHARSET[result.media_type] = media
        headers = [("Content-Type", media), ("Vary", "Accept")]
        if result.etag:
            # a client may keep the answer, and asks again with If-None-Match: the store changes with an ingest
            headers += [("ETag", result.etag), ("Cache-Control", "no-cache")]
            if method == "GET" and _matches(environ.get("HTTP_IF_NONE_MATCH"), result.etag):
                return STATUS[304], headers[1:] + COMMON_HEADERS, b"", None  # the client holds these bytes
        headers.append(("X-Query-Seconds", f"{result.seconds:.4f}"))
        if result.truncated:
            headers += [("X-Result-Truncated", str(req.cap)),
                        ("Warning", f'199 policykg "result truncated to {req.cap} rows or triples"')]
        body = result.body
        headers += COMMON_HEADERS
        headers.append(("Content-Length", str(len(body))))
        status = STATUS.get(result.status) or f"{result.status} {HTTPStatus(result.status).phrase}"
        replayable = None
        if result.etag and keys is not None and result.status == 200 and method == "GET":
            replayable = (result.generation, result.etag)
        return status, headers, body, replayable


def _first(args: dict[str, list[str]], form: dict[str, list[str]], name: str) -> str | None:
    """The first value of ``name`` in the query string, else in the form (werkzeug's ``request.values``)."""
    found = args.get(name) or form.get(name)
    return found[0] if found else None


# what a 304 does not carry of its 200 (RFC 9110 15.4.5: the validators, Vary, Cache-Control … stay)
NOT_IN_304 = frozenset({"content-length", "content-type", "x-query-seconds", "x-result-truncated", "warning"})


def install_protocol(app: Flask) -> None:
    app.wsgi_app = Protocol(app)  # type: ignore[method-assign]


def _matches(header: str | None, etag: str) -> bool:
    """True when If-None-Match (``header``) names ``etag`` or is '*'; a weak tag matches too (RFC 9110)."""
    if not header:
        return False
    return any(t == "*" or t == etag for t in (t.strip().removeprefix("W/") for t in header.split(",")))
