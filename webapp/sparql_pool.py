"""Run user SPARQL in worker processes that can be killed.

A query cannot be interrupted inside Oxigraph from another thread, so each query runs in a
separate process holding its own read-only handle on the on-disk store. When the time limit
passes the process is killed (the query really stops: its CPU and memory go with it) and a
fresh worker takes its place. Results are capped in the worker and serialised there, so only
the bytes cross the pipe.

The workers are forked from a small preloaded fork server (a replacement costs milliseconds);
they run a little below the web process's CPU priority, and a long query drops to the lowest;
where the kernel allows unprivileged namespaces the workers have no network at all. What a query
may say is checked before it gets here (``webapp.guard``); :class:`QueryPool` decides how many run
and for how long.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
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
    """Run one query against ``store`` and serialise its (capped) result. Never raises: any failure is an
    error response (400 for what the query got wrong, 500 for the rest)."""
    started = time.perf_counter()
    try:
        kwargs: dict = {"prefixes": req.prefixes, "base_iri": req.base_iri}
        if req.default_graphs or req.named_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in req.default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.named_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
    except ValueError as exc:
        return QueryResponse(400, "text/plain; charset=utf-8", f"bad graph IRI: {exc}".encode(), kind="error")
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


WORKER_STACK = 512 * 1024 * 1024  # bytes of (virtual) stack for the thread that runs queries
WORKER_NICE = 5  # short queries: a little below the web process, so pages come first
LONG_NICE = 19  # long queries: below everything


def steady_malloc() -> None:
    """Keep glibc from holding on to memory after large results: a fixed mmap threshold (large buffers are
    mapped and unmapped, instead of the threshold creeping up to 32 MB and the heap keeping them)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1024 * 1024)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


def release_memory() -> None:
    """Give freed heap memory back to the system (after a large result)."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def isolate_network() -> bool:
    """Move this (single-threaded) process into a new user and network namespace: it keeps its files but
    has no network at all, so no query can reach another host or port whatever the query engine does
    (defence in depth behind the SERVICE refusal). False where the kernel does not allow it."""
    import ctypes

    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    uid, gid = os.getuid(), os.getgid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(clone_newuser | clone_newnet) != 0:
            return False
    except (OSError, AttributeError):
        return False
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        try:
            with open(f"/proc/self/{name}", "w") as fh:
                fh.write(text)
        except OSError:
            pass
    return True


def _worker_main(store_path: str, conn, isolate: bool = True) -> None:  # noqa: ANN001 (a Connection)
    isolated = isolate_network() if isolate else False
    steady_malloc()
    try:
        os.nice(WORKER_NICE)
    except OSError:
        pass
    # Oxigraph parses and evaluates recursively: on the main thread's 8 MB stack a few thousand chained
    # operators overflow it and kill the process. A thread with a large stack reserve takes any query
    # under the length limit (only the pages it touches are used).
    threading.stack_size(WORKER_STACK)
    thread = threading.Thread(target=_serve, args=(store_path, conn, isolated), name="sparql-worker")
    thread.start()
    thread.join()


def _serve(store_path: str, conn, isolated: bool) -> None:  # noqa: ANN001
    store = ox.Store.read_only(store_path)
    conn.send(("ready", isolated))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        try:
            response = execute(store, req)
        except BaseException as exc:  # noqa: BLE001 (a worker never dies from its input)
            response = QueryResponse(500, "text/plain; charset=utf-8", f"query failed: {exc!r}".encode(),
                                     kind="error")
        try:
            conn.send(response)
        except (EOFError, OSError):
            return
        if len(response.body) > 1_000_000:
            del response
            release_memory()


# -- in the web process --------------------------------------------------------------------------

class QueryTimeout(Exception):
    """The query (queueing included) ran past the time limit and was stopped."""


class PoolBusy(Exception):
    """No capacity now: the answer is a 503 with ``Retry-After: retry_after``."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WorkerFailed(Exception):
    """The worker running this request died under it (not from a refused input: those never kill it)."""


class _Worker:
    def __init__(self, ctx, store_path: str, isolate: bool) -> None:  # noqa: ANN001
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(store_path, child, isolate), daemon=True,
                                   name="policykg-sparql")
        self.process.start()
        child.close()
        self.ready = False
        self.isolated = False
        self.base_rss = 0.0

    def wait_ready(self, timeout: float = 30.0) -> None:
        if not self.ready:
            if not self.conn.poll(timeout):
                raise RuntimeError("SPARQL worker did not start")
            message = self.conn.recv()
            if not (isinstance(message, tuple) and message[0] == "ready"):
                raise RuntimeError("SPARQL worker did not start")
            self.ready, self.isolated = True, bool(message[1])
            self.base_rss = _rss_mb(self)

    def grown(self, limit_mb: float) -> bool:
        """True when the worker holds more than ``limit_mb`` above what it held when it started (the memory
        a large result left behind: freed, but kept by the allocator)."""
        return _rss_mb(self) - self.base_rss > limit_mb

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(worker: _Worker) -> float:
    """CPU time (user + system) the worker process has used."""
    try:
        with open(f"/proc/{worker.process.pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _rss_mb(worker: _Worker) -> float:
    try:
        with open(f"/proc/{worker.process.pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, IndexError, ValueError):
        return 0.0


def _lowest_priority(worker: _Worker) -> None:
    """A long query yields the CPU to everything else (pages, short queries) while it runs."""
    try:
        if worker.process.pid is not None:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, LONG_NICE)
    except OSError:
        pass


class QueryPool:
    """Worker processes for user SPARQL and question runs, behind an admission limit.

    * At most ``workers + queue`` requests are admitted at once; the next one is told at once (503 with
      ``Retry-After``), so a crowd of queries holds at most that many of the web server's threads and
      the rest stay free for pages.
    * A request's time limit covers its whole stay, waiting for a worker included.
    * A query that has used ``fast`` seconds of CPU needs one of ``long_slots`` long-query slots; with
      them all taken it is stopped then, so long queries can never hold every worker and short ones
      always find one. A long query runs at the lowest CPU priority; its worker is replaced afterwards,
      as is a worker whose memory grew by more than ``max_growth_mb`` (so memory stays flat).
    * A worker found dead (killed from outside) is replaced before a request uses it; a request
      is only failed by the death of the worker running its own query.
    """

    def __init__(self, store_path: str, workers: int = 4, timeout: float = 10.0, queue_size: int | None = None,
                 long_slots: int | None = None, fast: float = 0.5, isolate: bool = True,
                 max_growth_mb: float = 24.0) -> None:
        self.store_path = store_path
        self.size = max(1, workers)
        self.timeout = timeout
        self.fast = fast
        self.max_growth_mb = max_growth_mb
        self.long_slots = max(1, self.size // 2) if long_slots is None else max(1, min(long_slots, self.size))
        self.queue_size = 2 * self.size if queue_size is None else max(0, queue_size)
        self.isolate = isolate
        self._ctx = mp.get_context("forkserver")
        # The fork server imports this module once and forks every worker from it. Python 3.11's fork server
        # does not take its parent's sys.path: it must find this very file through PYTHONPATH, not another
        # installed copy of the package.
        root = str(Path(__file__).resolve().parents[1])
        paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if root not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join([root] + [p for p in paths if p])
        self._ctx.set_forkserver_preload(["webapp.sparql_pool"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._admit = threading.BoundedSemaphore(self.size + self.queue_size)
        self._long = threading.BoundedSemaphore(self.long_slots)
        self._long_deadlines: dict[int, float] = {}
        self._lock = threading.RLock()
        self._started = False
        self._all: list[_Worker] = []
        self.stats = {"busy": 0, "timeouts": 0, "stopped_long": 0, "replaced_dead": 0, "crashed": 0, "recycled": 0}

    @property
    def capacity(self) -> int:
        """Requests admitted at once (running and waiting)."""
        return self.size + self.queue_size

    def start_in_background(self) -> None:
        """Spawn the workers now, off the request path (the first query would otherwise wait for them)."""
        threading.Thread(target=self._start, daemon=True, name="sparql-pool-start").start()

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            for _ in range(self.size):
                self._idle.put(self._new_worker())
            self._started = True

    def _new_worker(self) -> _Worker:
        worker = _Worker(self._ctx, self.store_path, self.isolate)
        with self._lock:
            self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self._idle.put(self._new_worker())

    def run(self, req: QueryRequest, timeout: float | None = None) -> QueryResponse:
        self._start()
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        if not self._admit.acquire(blocking=False):
            self.stats["busy"] += 1
            raise PoolBusy(f"the SPARQL service is at capacity ({self.capacity} queries running or waiting); "
                           "retry shortly", 1)
        try:
            worker = self._take(deadline, limit)
            return self._run_on(worker, req, deadline, limit)
        finally:
            self._admit.release()

    def _take(self, deadline: float, limit: float) -> _Worker:
        """An idle live worker, waiting at most until ``deadline``."""
        while True:
            remaining = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, remaining))
            except queue.Empty:
                self.stats["timeouts"] += 1
                raise PoolBusy(f"no SPARQL worker became free within the {limit:g} s limit; retry shortly",
                               1) from None
            if worker.alive():
                try:
                    worker.wait_ready(max(1.0, deadline - time.monotonic()))
                    return worker
                except (RuntimeError, EOFError, OSError):
                    pass
            self.stats["replaced_dead"] += 1
            self._replace(worker)

    def _run_on(self, worker: _Worker, req: QueryRequest, deadline: float, limit: float) -> QueryResponse:
        try:
            worker.conn.send(req)
        except OSError:  # it died between the check and the send: not this request's doing
            self.stats["replaced_dead"] += 1
            self._replace(worker)
            return self._run_on(self._take(deadline, limit), req, deadline, limit)
        holding_long = False
        try:
            if not self._wait_short(worker, deadline):
                if time.monotonic() >= deadline:
                    self.stats["timeouts"] += 1
                    raise QueryTimeout(f"the query ran longer than {limit:g} s and was stopped")
                if not self._long.acquire(blocking=False):
                    self.stats["stopped_long"] += 1
                    raise PoolBusy(f"the query used more than {self.fast:g} s of CPU while the server was already "
                                   f"running its {self.long_slots} long queries, and was stopped; retry later",
                                   self._retry_after())
                holding_long = True
                self._long_deadlines[id(worker)] = deadline
                _lowest_priority(worker)
                if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                    self.stats["timeouts"] += 1
                    raise QueryTimeout(f"the query ran longer than {limit:g} s and was stopped")
            response = worker.conn.recv()
        except (QueryTimeout, PoolBusy):
            self._replace(worker)
            raise
        except (EOFError, OSError) as exc:
            self.stats["crashed"] += 1
            self._replace(worker)
            raise WorkerFailed(f"the query worker stopped while running this query ({exc or 'no answer'})") \
                from exc
        finally:
            if holding_long:
                self._long_deadlines.pop(id(worker), None)
                self._long.release()
        if holding_long:  # it ran at the lowest priority, which a process cannot undo: a fresh one replaces it
            self._replace(worker)
        elif worker.grown(self.max_growth_mb):  # memory stays flat: a worker that grew is recycled
            self.stats["recycled"] += 1
            self._replace(worker)
        else:
            self._idle.put(worker)
        return response

    def _wait_short(self, worker: _Worker, deadline: float) -> bool:
        """Wait for the answer while the query is short: True when it came; False once the query has used
        ``fast`` seconds of CPU (or six times that in wall time, for a query waiting on the disk) or the
        deadline passed. CPU time, not wall time: a machine busy with other work makes every query slower
        in wall time, but only a query that computes a lot uses a lot of CPU."""
        started = time.monotonic()
        cpu0 = _cpu_seconds(worker)
        while True:
            now = time.monotonic()
            if worker.conn.poll(max(0.0, min(0.05, deadline - now))):
                return True
            now = time.monotonic()
            if now >= deadline or now - started >= 6 * self.fast or _cpu_seconds(worker) - cpu0 >= self.fast:
                return False

    def _retry_after(self) -> int:
        """Seconds until the first long query must end (and free its slot)."""
        ends = list(self._long_deadlines.values())
        return max(1, int(min(ends) - time.monotonic() + 0.999)) if ends else 1

    def close(self) -> None:
        for worker in list(self._all):
            worker.kill()
        self._all.clear()

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._all if w.process.pid is not None]

