"""Run user SPARQL in worker processes that can be killed.

A query cannot be interrupted inside Oxigraph from another thread, so each query runs in a
separate process holding its own read-only handle on the on-disk store. When the time limit
passes the process is killed (the query really stops: its CPU and memory go with it) and a
fresh worker takes its place. Results are capped in the worker and serialised there, so only
the bytes cross the pipe.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_MEDIA = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}


@dataclass
class QueryRequest:
    query: str
    results_format: str = "json"  # json | xml | csv | tsv (SELECT, ASK)
    graph_format: str = "ttl"  # ttl | nt | jsonld | rdf (CONSTRUCT, DESCRIBE)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    cap: int = 10_000
    prefixes: dict[str, str] | None = None  # default prefixes for parsing the query
    output_prefixes: dict[str, str] | None = None  # prefixes for Turtle / RDF/XML output
    base_iri: str | None = None  # resolves relative IRIs in the query (the protocol lets it be the endpoint)


@dataclass
class QueryResponse:
    status: int
    media_type: str
    body: bytes
    truncated: bool = False
    kind: str = ""  # select | ask | graph | error
    seconds: float = 0.0


# -- in the worker process ---------------------------------------------------------------------

def _term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                        "predicate": _term_json(term.predicate),
                                        "object": _term_json(term.object)}}


def _term_xml(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def serialise_select(variables: list[str], rows: list[list], fmt: str, truncated: bool, cap: int) -> bytes:
    if fmt == "json":
        doc: dict = {"head": {"vars": variables}, "results": {"bindings": [
            {v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]}}
        if truncated:
            doc["truncated"] = True
            doc["limit"] = cap
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        if truncated:
            out.append(f'<link href="urn:policykg:truncated:{cap}"/>')
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                    for v, t in zip(variables, row, strict=True) if t is not None]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_csv_value(t) for t in row])
        return buf.getvalue().encode("utf-8")
    # tsv: terms in their SPARQL/Turtle syntax
    lines = ["\t".join("?" + v for v in variables)]
    for row in rows:
        lines.append("\t".join("" if t is None else str(t) for t in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialise_ask(value: bool, fmt: str) -> tuple[str, bytes]:
    if fmt == "xml":
        body = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n")
        return RESULT_MEDIA["xml"], body.encode()
    if fmt in ("csv", "tsv"):
        return RESULT_MEDIA[fmt], (("_askResult\n" if fmt == "csv" else "?_askResult\n")
                                   + ("true" if value else "false") + "\n").encode()
    return RESULT_MEDIA["json"], json.dumps({"head": {}, "boolean": value}).encode()


def execute(store: ox.Store, req: QueryRequest) -> QueryResponse:
    """Run one query against ``store`` and serialise its (capped) result."""
    started = time.perf_counter()
    kwargs: dict = {"prefixes": req.prefixes, "base_iri": req.base_iri}
    if req.default_graphs or req.named_graphs:
        if req.default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in req.default_graphs]
        else:
            kwargs["default_graph"] = []
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.named_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    try:
        result = store.query(req.query, **kwargs)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows: list[list] = []
            truncated = False
            for solution in result:
                if len(rows) >= req.cap:
                    truncated = True
                    break
                rows.append([solution[v] for v in variables])
            body = serialise_select(variables, rows, req.results_format, truncated, req.cap)
            return QueryResponse(200, RESULT_MEDIA[req.results_format], body, truncated, "select",
                                 time.perf_counter() - started)
        if isinstance(result, ox.QueryBoolean):
            media, body = serialise_ask(bool(result), req.results_format)
            return QueryResponse(200, media, body, False, "ask", time.perf_counter() - started)
        triples: list[ox.Triple] = []
        truncated = False
        for triple in result:
            if len(triples) >= req.cap:
                truncated = True
                break
            triples.append(triple)
        media, rdf_format = GRAPH_MEDIA[req.graph_format]
        buf = io.BytesIO()
        ox.serialize(triples, buf, rdf_format,
                     prefixes=req.output_prefixes if req.graph_format in ("ttl", "rdf") else None)
        return QueryResponse(200, media, buf.getvalue(), truncated, "graph", time.perf_counter() - started)
    except SyntaxError as exc:
        return QueryResponse(400, "text/plain; charset=utf-8", f"query syntax error: {exc}".encode(), kind="error")
    except Exception as exc:  # noqa: BLE001 (report any evaluation error to the client)
        return QueryResponse(500, "text/plain; charset=utf-8", f"query failed: {exc}".encode(), kind="error")


def _worker_main(store_path: str, conn) -> None:  # noqa: ANN001 (a multiprocessing Connection)
    store = ox.Store.read_only(store_path)
    conn.send("ready")
    while True:
        try:
            req = conn.recv()
        except EOFError:
            return
        conn.send(execute(store, req))


# -- in the web process --------------------------------------------------------------------------

class QueryTimeout(Exception):
    pass


class PoolBusy(Exception):
    pass


class _Worker:
    def __init__(self, ctx, store_path: str) -> None:  # noqa: ANN001
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(store_path, child), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float = 30.0) -> None:
        if not self.ready:
            if not self.conn.poll(timeout) or self.conn.recv() != "ready":
                raise RuntimeError("SPARQL worker did not start")
            self.ready = True

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A fixed number of worker processes; each query gets one, or waits for one."""

    def __init__(self, store_path: str, workers: int = 2, timeout: float = 10.0) -> None:
        self.store_path = store_path
        self.size = workers
        self.timeout = timeout
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._all: list[_Worker] = []

    def start_in_background(self) -> None:
        """Spawn the workers now, off the request path (the first query would otherwise wait ~1 s)."""
        threading.Thread(target=self._start, daemon=True, name="sparql-pool-start").start()

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            for _ in range(self.size):
                self._idle.put(self._new_worker())
            self._started = True

    def _new_worker(self) -> _Worker:
        worker = _Worker(self._ctx, self.store_path)
        self._all.append(worker)
        return worker

    def run(self, req: QueryRequest, timeout: float | None = None) -> QueryResponse:
        self._start()
        limit = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty as exc:
            raise PoolBusy("all SPARQL workers are busy") from exc
        try:
            worker.wait_ready()
            worker.conn.send(req)
            if not worker.conn.poll(limit):
                raise QueryTimeout(f"the query ran longer than {limit:g} s and was stopped")
            response = worker.conn.recv()
        except (QueryTimeout, EOFError, OSError, RuntimeError):
            worker.kill()
            self._all.remove(worker)
            self._idle.put(self._new_worker())
            raise
        self._idle.put(worker)
        return response

    def close(self) -> None:
        for worker in list(self._all):
            worker.kill()
        self._all.clear()

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._all if w.process.pid is not None]
