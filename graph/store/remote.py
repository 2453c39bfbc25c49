"""The :class:`~graph.store.Store` interface against any SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB …).

Reads go through SPARQLWrapper (SELECT/ASK as SPARQL JSON results, CONSTRUCT as Turtle) and come
back as pyoxigraph terms, exactly like :class:`graph.store.OxigraphStore`; parameters are bound
with :func:`graph.store.bind_values`. Writes use the SPARQL 1.1 Graph Store HTTP Protocol
(one request per named graph, so blank nodes keep their identity within a graph).

Queries must see the union of the named graphs as their default graph. Virtuoso does that
out of the box; Fuseki needs ``tdb2:unionDefaultGraph true``, Oxigraph's server
``--union-default-graph``.

Virtuoso quirks handled here: ``xsd:boolean`` values come back as ``"1"``/``"0"`` (made
canonical again), blank node labels look like ``nodeID://b10000`` (made valid labels), and the
server's own graphs (``virtrdf#`` …) are left out of :meth:`SparqlStore.count` and
:meth:`SparqlStore.quads`. Its ``ResultSetMaxRows`` (10,000 by default) silently truncates
results: :meth:`SparqlStore.quads` pages below that, but large SELECTs need it raised in the ini.
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from graph.store import SelectResult, StoreError, Term, bind_values
from graph.vocab import RDF_LANG_STRING, XSD

XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"

# Graphs a Virtuoso server keeps for itself: never counted, exported or replaced.
SYSTEM_GRAPH_PREFIXES = (
    "http://www.openlinksw.com/schemas/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "http://www.w3.org/2002/07/owl#",
    "urn:activitystreams-owl:map",
    "urn:core:services:sparql",
)
_BNODE_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
# Virtuoso returns EXISTS { … } as xsd:integer 0/1: variables bound to one (directly, or through
# SAMPLE/MIN/MAX of such a variable) are turned back into xsd:boolean.
_EXISTS_BIND = re.compile(r"\bBIND\s*\(\s*(?:NOT\s+)?EXISTS\b.*?\bAS\s+\?(\w+)\s*\)", re.I | re.S)
_PASS_THROUGH = re.compile(r"\(\s*(?:SAMPLE|MIN|MAX)\s*\(\s*(?:DISTINCT\s+)?\?(\w+)\s*\)\s*AS\s+\?(\w+)\s*\)", re.I)


class SparqlStore:
    """A :class:`graph.store.Store` on a SPARQL 1.1 query endpoint (plus an update and a Graph Store endpoint).

    ``graph_prefixes`` names the graphs this store owns (e.g. the project's IRI base): only they
    are counted, exported and removed by :meth:`replace_all`. Without it every graph but the
    server's own system graphs is counted and exported, and :meth:`replace_all` removes nothing
    it does not replace.
    """

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None, gsp_endpoint: str | None = None,
                 user: str | None = None, password: str | None = None, graph_prefixes: Sequence[str] | None = None,
                 timeout: float = 600.0, page_size: int = 10_000) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.gsp_endpoint = gsp_endpoint
        self.user = user
        self.password = password
        self.graph_prefixes = tuple(graph_prefixes) if graph_prefixes else None
        self.timeout = timeout
        self.page_size = page_size

    # ---- reading ---------------------------------------------------------------------------
    def _wrapper(self, endpoint: str) -> SPARQLWrapper:
        sw = SPARQLWrapper(endpoint, updateEndpoint=self.update_endpoint)
        sw.setMethod(POST)
        sw.setTimeout(int(self.timeout))
        if self.user is not None:
            sw.setHTTPAuth(DIGEST)
            sw.setCredentials(self.user, self.password or "")
        return sw

    def _json(self, sparql: str) -> dict[str, Any]:
        sw = self._wrapper(self.endpoint)
        sw.setQuery(sparql)
        sw.setReturnFormat(JSON)
        try:
            result = sw.query().convert()
        except (SPARQLWrapperException, urllib.error.URLError, OSError) as exc:
            raise StoreError(f"SPARQL query failed at {self.endpoint}: {exc}") from exc
        if not isinstance(result, dict):
            raise StoreError(f"{self.endpoint} did not answer with SPARQL JSON results")
        return result

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        result = self._json(bind_values(sparql, bindings))
        if "results" not in result:
            raise ValueError("not a SELECT query")
        variables = list(result.get("head", {}).get("vars", []))
        rows = [{name: json_term(value) for name, value in row.items()} for row in result["results"]["bindings"]]
        for name in boolean_variables(sparql) & set(variables):
            for row in rows:
                value = row.get(name)
                if isinstance(value, ox.Literal) and value.datatype.value == XSD + "integer" and value.value in "01":
                    row[name] = ox.Literal("true" if value.value == "1" else "false",
                                           datatype=ox.NamedNode(XSD_BOOLEAN))
        return SelectResult(variables, rows)

    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool:
        result = self._json(bind_values(sparql, bindings))
        if "boolean" not in result:
            raise ValueError("not an ASK query")
        return bool(result["boolean"])

    def construct(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        sw = self._wrapper(self.endpoint)
        sw.setQuery(bind_values(sparql, bindings))
        sw.setReturnFormat(TURTLE)
        try:
            response = sw.query().response
            body = response.read()
            content_type = response.headers.get("Content-Type", "text/turtle")
        except (SPARQLWrapperException, urllib.error.URLError, OSError) as exc:
            raise StoreError(f"SPARQL query failed at {self.endpoint}: {exc}") from exc
        fmt = ox.RdfFormat.from_media_type(content_type.split(";")[0].strip()) or ox.RdfFormat.TURTLE
        return [q.triple for q in ox.parse(body, fmt)]

    def _graph_filter(self, var: str = "?g") -> str:
        if self.graph_prefixes:
            tests = " || ".join(f"STRSTARTS(STR({var}), {ox.Literal(p)})" for p in self.graph_prefixes)
        else:
            tests = " || ".join(f"STRSTARTS(STR({var}), {ox.Literal(p)})" for p in SYSTEM_GRAPH_PREFIXES)
            tests = f"!({tests})"
        return f"FILTER({tests})"

    def graphs(self) -> list[ox.NamedNode]:
        """The named graphs this store counts (see ``graph_prefixes``), sorted."""
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter()} }}").rows
        return sorted((r["g"] for r in rows if isinstance(r.get("g"), ox.NamedNode)), key=lambda g: g.value)

    def count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                           f"{self._graph_filter()} }}").rows
        return int(rows[0]["n"].value) if rows else 0

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the counted graphs, graph by graph, in pages of ``page_size`` (below Virtuoso's cap)."""
        for graph in self.graphs():
            offset = 0
            while True:
                rows = self.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} "
                                   f"ORDER BY ?s ?p ?o LIMIT {self.page_size} OFFSET {offset}").rows
                for row in rows:
                    yield ox.Quad(row["s"], row["p"], row["o"], graph)
                if len(rows) < self.page_size:
                    break
                offset += self.page_size

    # ---- writing ---------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update on the update endpoint."""
        sw = self._wrapper(self.update_endpoint)
        sw.setQuery(sparql)
        try:
            sw.query()
        except (SPARQLWrapperException, urllib.error.URLError, OSError) as exc:
            raise StoreError(f"SPARQL update failed at {self.update_endpoint}: {exc}") from exc

    def _authorise(self, request: urllib.request.Request) -> None:
        """Add a Digest (or Basic) Authorization header before sending a body.

        urllib only answers a 401 after sending the whole body, and Virtuoso closes the
        connection on the unauthenticated upload (broken pipe): so ask for the challenge with an
        empty request first and send the upload authorised.
        """
        if self.user is None:
            return
        probe = urllib.request.Request(request.full_url, method="HEAD")
        try:
            with urllib.request.urlopen(probe, timeout=self.timeout) as response:
                response.read()
            return  # no authentication asked for
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, request.full_url, self.user, self.password or "")
            handler = urllib.request.HTTPDigestAuthHandler(passwords)
            fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
            value = handler.get_authorization(request, fields)
            if value:
                request.add_unredirected_header("Authorization", f"Digest {value}")
                return
        token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
        request.add_unredirected_header("Authorization", f"Basic {token}")

    def _gsp(self, method: str, graph: ox.NamedNode | None, triples: Iterable[ox.Triple] | None = None) -> None:
        if not self.gsp_endpoint:
            raise StoreError("no Graph Store endpoint configured (gsp_endpoint)")
        query = urllib.parse.urlencode({"graph": graph.value}) if graph is not None else "default"
        url = f"{self.gsp_endpoint}{'&' if '?' in self.gsp_endpoint else '?'}{query}"
        body = None
        headers = {}
        if triples is not None:
            body = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
            # N-Triples is Turtle: every Graph Store implementation accepts text/turtle.
            headers["Content-Type"] = "text/turtle; charset=utf-8"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            self._authorise(request)
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if method == "DELETE" and exc.code == 404:
                return  # nothing to delete
            detail = exc.read()[:500].decode(errors="replace")
            raise StoreError(f"Graph Store {method} {url} failed: HTTP {exc.code} {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"Graph Store {method} {url} failed: {exc}") from exc

    def load(self, quads: Iterable[ox.Quad | ox.Triple], graph: ox.NamedNode | str | None = None) -> int:
        """Add ``quads`` to the server (Graph Store POST, one request per graph); returns how many were sent.

        With ``graph`` every triple goes into that graph; otherwise each quad into its own
        (quads in the default graph, and bare triples, into the server's default graph).
        """
        target = ox.NamedNode(graph) if isinstance(graph, str) else graph
        by_graph: dict[ox.NamedNode | None, list[ox.Triple]] = defaultdict(list)
        for item in quads:
            if isinstance(item, ox.Quad):
                own = item.graph_name if isinstance(item.graph_name, ox.NamedNode) else None
                by_graph[target or own].append(item.triple)
            else:
                by_graph[target].append(item)
        for name, triples in by_graph.items():
            self._gsp("POST", name, triples)
        return sum(len(t) for t in by_graph.values())

    def drop(self, graph: ox.NamedNode | str) -> None:
        """Remove one named graph (Graph Store DELETE)."""
        self._gsp("DELETE", ox.NamedNode(graph) if isinstance(graph, str) else graph)

    def replace_all(self, dataset: ox.Store | Iterable[ox.Quad]) -> int:
        """Make the server hold ``dataset``: each of its graphs replaced (Graph Store PUT), then
        graphs this store owns (``graph_prefixes``) that the dataset no longer has removed.

        Not atomic: while it runs, readers may see some graphs old and some new. Returns the
        number of quads sent.
        """
        by_graph: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
        for quad in dataset:
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise StoreError("replace_all needs every quad in a named graph")
            by_graph[quad.graph_name].append(quad.triple)
        for name, triples in sorted(by_graph.items(), key=lambda item: item[0].value):
            self._gsp("PUT", name, triples)
        if self.graph_prefixes:
            for name in self.graphs():
                if name not in by_graph:
                    self.drop(name)
        return sum(len(t) for t in by_graph.values())


def boolean_variables(sparql: str) -> set[str]:
    """Variables the query binds to an ``EXISTS`` test (or to SAMPLE/MIN/MAX of one)."""
    found = set(_EXISTS_BIND.findall(sparql))
    grew = True
    while grew:
        grew = False
        for source, target in _PASS_THROUGH.findall(sparql):
            if source in found and target not in found:
                found.add(target)
                grew = True
    return found


def json_term(value: Mapping[str, str]) -> Term:
    """A SPARQL JSON results term as a pyoxigraph term (Virtuoso's ``typed-literal`` included)."""
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return ox.NamedNode(text)
    if kind == "bnode":
        label = _BNODE_UNSAFE.sub("_", text.removeprefix("nodeID://").removeprefix("_:")) or "b"
        return ox.BlankNode(label)
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang") or value.get("lang")
        if lang:
            return ox.Literal(text, language=lang)
        datatype = value.get("datatype")
        if not datatype or datatype in (XSD_STRING, RDF_LANG_STRING):
            return ox.Literal(text)
        if datatype == XSD_BOOLEAN and text in ("1", "0"):
            text = "true" if text == "1" else "false"  # Virtuoso stores booleans as integers
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    raise StoreError(f"unknown SPARQL JSON term: {dict(value)!r}")
