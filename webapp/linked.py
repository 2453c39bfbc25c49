"""Linked-data plumbing: public IRIs <-> local paths, RDF formats, content negotiation.

A data IRI ``{base}X`` answers at ``/id/X`` on whatever host serves the app, so the graph is
browsable on 127.0.0.1 and behind any reverse proxy that maps the public base to ``/id/``.
RDF is always written with the public IRIs: the local address is only where to fetch it.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox
import rdflib
from flask import Request

from graph.config import PROJECT_ROOT
from graph.vocab import MEDIA_BY_SUFFIX, PREFIXES, MediaType

from .kg import POL

CONTEXT_PATH = PROJECT_ROOT / "ontology" / "context.jsonld"  # the one fixed context of the product
# 'id:' would turn every data IRI into an escaped local name (id:agency\/x); full IRIs read better
OUTPUT_PREFIXES = {p: ns for p, ns in PREFIXES.items() if p != "id"}


RdfFormat = MediaType
# the formats an entity page offers (triples only: no named graphs on a page)
RDF_FORMATS: list[MediaType] = [MEDIA_BY_SUFFIX[s] for s in ("ttl", "jsonld", "rdf", "nt")]
BY_SUFFIX = {f.suffix: f for f in RDF_FORMATS}
BY_MEDIA = {f.media_type: f for f in RDF_FORMATS} | {
    "application/x-turtle": BY_SUFFIX["ttl"], "application/json": BY_SUFFIX["jsonld"],
    "text/plain": BY_SUFFIX["nt"], "application/xml": BY_SUFFIX["rdf"], "text/n3": BY_SUFFIX["ttl"],
}


def negotiate(request: Request, html_ok: bool = True) -> RdfFormat | None:
    """The RDF format the client prefers over HTML, or None for HTML.

    Browsers send ``text/html`` first and ``*/*`` last; an RDF client that names an RDF type
    gets RDF. A tie goes to HTML, so a plain ``*/*`` (curl) gets the page.
    """
    offered = (["text/html"] if html_ok else []) + [f.media_type for f in RDF_FORMATS] + [
        "application/x-turtle", "text/n3", "application/json"]
    best = request.accept_mimetypes.best_match(offered, default="text/html" if html_ok else "text/turtle")
    if best == "text/html" or best is None:
        return None
    return BY_MEDIA[best]


@lru_cache(maxsize=1)
def jsonld_context() -> dict:
    return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))


def serialise(triples: list[ox.Triple], fmt: RdfFormat) -> bytes:
    """Triples in ``fmt``; JSON-LD is compacted with the fixed context (``/context.jsonld``)."""
    if fmt.suffix == "jsonld":
        return to_jsonld(triples)
    buf = io.BytesIO()
    ox.serialize(triples, buf, fmt.rdf_format, prefixes=OUTPUT_PREFIXES if fmt.suffix in ("ttl", "rdf") else None)
    return buf.getvalue()


def to_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    for prefix, ns in OUTPUT_PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def to_jsonld(triples: list[ox.Triple]) -> bytes:
    g = to_rdflib(triples)
    return g.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True,
                       indent=1, ensure_ascii=False).encode("utf-8")


class IriMap:
    """Where a node of the graph is shown in this app."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def local(self, iri: str) -> str:
        """Local URL path of the page for ``iri``."""
        if iri.startswith(self.base):
            return "/id/" + iri[len(self.base):]
        if iri.startswith(POL):
            return "/ontology#" + iri[len(POL):]
        if iri == "https://w3id.org/policykg/ont":
            return "/ontology"
        return "/resource?iri=" + quote(iri, safe="")

    def public(self, rest: str) -> str:
        """The public IRI of the local path ``/id/<rest>``."""
        return self.base + rest

    def is_data(self, iri: str) -> bool:
        return iri.startswith(self.base)
