"""Template helpers and response headers shared by every page."""

from __future__ import annotations

from flask import Flask, Response

from graph.store import PREFIXES

from .. import services
from ..kg import KIND_COLOURS, KIND_NAMES

# No inline script runs on any page: data for scripts travels in <script type="application/json">
# blocks, and a label that smuggles markup in cannot execute even if escaping failed somewhere.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


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
        }

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        return response
