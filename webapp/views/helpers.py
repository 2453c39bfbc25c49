"""Template helpers, response headers (CSP, CORS) and error answers shared by every page."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from graph.store import PREFIXES

from .. import services
from ..guard import BadInput
from ..kg import KIND_COLOURS, KIND_NAMES, coverage_words

log = logging.getLogger("policykg.web")

# No inline script runs on any page: data for scripts travels in <script type="application/json">
# blocks, and a label that smuggles markup in cannot execute even if escaping failed somewhere.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


# Open data is readable from any origin (portals, notebooks, other SPARQL clients); the HTML pages are not
# opened to other origins: they are for people, and nothing on another site needs to read them.
CORS_PATHS = ("/sparql", "/id/", "/resource", "/dumps/", "/catalog", "/.well-known/void", "/void.ttl",
              "/context.jsonld", "/ontology")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "X-Result-Truncated, X-Query-Seconds, Retry-After, Warning, Link",
    "Access-Control-Max-Age": "86400",
}

# what every response carries unless its view set it, and what data carries besides (lower-cased name first)
PAGE_HEADERS = [(name.lower(), name, value) for name, value in (
    ("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))]
CORS_LIST = [(name.lower(), name, value) for name, value in CORS_HEADERS.items()]

ERROR_TITLES = {
    400: ("Yêu cầu không hợp lệ", "Bad request"),
    404: ("Không tìm thấy", "Not found"),
    405: ("Phương thức không được phép", "Method not allowed"),
    413: ("Yêu cầu quá lớn", "Request too large"),
    415: ("Định dạng không được hỗ trợ", "Unsupported media type"),
    500: ("Lỗi máy chủ", "Server error"),
    503: ("Máy chủ đang bận", "Server busy"),
}


def is_data_path(path: str) -> bool:
    return path.startswith(CORS_PATHS)


def wants_html() -> bool:
    """True for a browser (it names text/html in Accept); machine clients get plain text or JSON."""
    return any(mt in ("text/html", "application/xhtml+xml") and q > 0 for mt, q in request.accept_mimetypes)


def wants_json() -> bool:
    """True for a JSON route, ``?format=json``, or a client that names JSON and prefers it to HTML."""
    if request.path.endswith(".json") or request.args.get("format") == "json":
        return True
    accept = request.accept_mimetypes
    named = max((q for mt, q in accept if mt == "application/json" or mt.endswith("+json")), default=0)
    return named > 0 and accept.best_match(["text/html", "application/json"]) == "application/json"


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The error ``status`` as a page in the site's layout (browsers), JSON or plain text (machines)."""
    vi, en = ERROR_TITLES.get(status, ("Lỗi", "Error"))
    resp: Response
    if wants_html() and not wants_json():  # JSON first when both are named
        try:
            resp = Response(render_template("error.html", status=status, title_vi=vi, title_en=en, message=message),
                            status=status, mimetype="text/html")
        except Exception:  # noqa: BLE001 (the page itself failed: fall back to text)
            log.exception("error page failed")
            resp = Response(f"{status} {en}: {message}\n", status=status, mimetype="text/plain")
    elif wants_json():
        resp = jsonify({"status": status, "error": en, "message": message})
        resp.status_code = status
    else:
        resp = Response(f"{status} {en}: {message}\n", status=status, mimetype="text/plain")
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def term_value(term) -> str:  # noqa: ANN001
    return getattr(term, "value", str(term))


def install(app: Flask) -> None:
    @app.context_processor
    def _globals() -> dict:
        s = services()
        return {
            "local": s.iris.local,
            "label": s.kg.label,
            "kind_of": s.kg.kind,
            "kind_names": KIND_NAMES,
            "kind_colours": KIND_COLOURS,
            "short": s.kg.short,
            "prefixes": PREFIXES,
            "coverage": coverage_words(s.kg.coverage()),
        }

    @app.after_request
    def _headers(response: Response) -> Response:
        # each header unless the view set it (one pass over the response's headers, not one per header)
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        data = is_data_path(request.path) and (request.method == "OPTIONS" or response.mimetype != "text/html")
        for lower, name, value in PAGE_HEADERS + CORS_LIST if data else PAGE_HEADERS:
            if lower not in present:
                headers.add(name, value)
        return response

    @app.errorhandler(BadInput)
    def _bad_input(exc: BadInput) -> Response:
        return error_response(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        if exc.code is None or exc.code < 400:
            return exc.get_response()
        headers = {k: v for k, v in exc.get_response().headers.items() if k in ("Allow", "Retry-After")}
        messages = {404: "Không có trang này / there is no page at this address."}
        return error_response(exc.code, messages.get(exc.code, exc.description or ""), headers)

    @app.errorhandler(Exception)
    def _server_error(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Đã xảy ra lỗi; đã được ghi lại / something went wrong; it has been logged.")
