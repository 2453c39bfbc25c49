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
import hashlib
import io
import json
import multiprocessing as mp
import os
import pickle
import queue
import select
import threading
import time
from collections import OrderedDict
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
# the engine's own writers: for an answer that cannot exceed the cap (the query's LIMIT is below it) the
# solutions are written without a Python object per term
OX_RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
              "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
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
    limit: int | None = None  # the query's own LIMIT (``guard.Checked.limit``): it returns at most this many rows

    def cache_key(self, query: str | None = None) -> tuple:
        """What the answer depends on besides the store: the query text (``query``: another spelling of the
        same query, e.g. its normalised form) and every option of the request."""
        return (self.query if query is None else query, self.results_format, self.graph_format,
                tuple(self.default_graphs), tuple(self.named_graphs), self.cap, self.base_iri,
                _frozen(self.prefixes), _frozen(self.output_prefixes))

    def wire(self) -> tuple:
        return (self.query, self.results_format, self.graph_format, self.default_graphs, self.named_graphs,
                self.cap, self.prefixes, self.output_prefixes, self.base_iri, self.limit)


@dataclass
class QueryResponse:
    status: int
    media_type: str
    body: bytes
    truncated: bool = False
    kind: str = ""  # select | ask | graph | error
    seconds: float = 0.0
    etag: str = ""  # a strong validator of (media type, body): the same bytes, the same tag
    generation: tuple[int, int] | None = None  # of the store that answered (set by the pool)


def _frozen(mapping: dict[str, str] | None) -> tuple | None:
    return None if mapping is None else tuple(sorted(mapping.items()))


def etag_of(media_type: str, body: bytes) -> str:
    return '"' + hashlib.blake2b(media_type.encode() + b"\0" + body, digest_size=12).hexdigest() + '"'


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


_STRING = json.encoder.encode_basestring  # the encoder json.dumps(ensure_ascii=False) uses for a str


def _term_json_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """``json.dumps(_term_json(term), ensure_ascii=False)``, written directly (the common terms)."""
    if isinstance(term, ox.NamedNode):
        return '{"type": "uri", "value": ' + _STRING(term.value) + "}"
    if isinstance(term, ox.Literal):
        if term.language:
            return ('{"type": "literal", "value": ' + _STRING(term.value) + ', "xml:lang": '
                    + _STRING(term.language) + "}")
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return '{"type": "literal", "value": ' + _STRING(term.value) + ', "datatype": ' + _STRING(datatype) + "}"
        return '{"type": "literal", "value": ' + _STRING(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type": "bnode", "value": ' + _STRING(term.value) + "}"
    return json.dumps(_term_json(term), ensure_ascii=False)


def serialise_select(variables: list[str], rows: list[list], fmt: str, truncated: bool, cap: int) -> bytes:
    if fmt == "json":
        # the bytes json.dumps(doc, ensure_ascii=False) gives for {"head": …, "results": …}, built as text:
        # the worker's largest cost after the query itself
        names = [_STRING(v) + ": " for v in variables]
        bindings = ", ".join(
            "{" + ", ".join(name + _term_json_text(t) for name, t in zip(names, row, strict=True) if t is not None)
            + "}" for row in rows)
        tail = f', "truncated": true, "limit": {int(cap)}' if truncated else ""
        head = ", ".join(_STRING(v) for v in variables)
        return ('{"head": {"vars": [' + head + ']}, "results": {"bindings": [' + bindings + "]}" + tail
                + "}").encode("utf-8")
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
            if req.limit is not None and req.limit <= req.cap:  # nothing to cut: the engine writes it all
                return QueryResponse(200, RESULT_MEDIA[req.results_format],
                                     result.serialize(format=OX_RESULTS[req.results_format]), False, "select",
                                     time.perf_counter() - started)
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


def store_generation(store_path: str) -> tuple[int, int] | None:
    """Which store the path names now: a build or an ingest swaps in a new folder (a rename), never
    changes the one in place, so (device, inode) of the folder names one state of the store."""
    try:
        st = os.stat(store_path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _open_generation(store_path: str) -> tuple[ox.Store, tuple[int, int] | None]:
    """Open the store read-only, with the generation it is (the path did not change while it was opened)."""
    while True:
        before = store_generation(store_path)
        store = ox.Store.read_only(store_path)
        if store_generation(store_path) == before:
            return store, before
        del store


_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def _self_usage(statm: int | None = None) -> tuple[float, float]:
    """(CPU seconds, resident MB) of this process, as the web process would read them from /proc (``statm``:
    /proc/self/statm kept open, read again from its start)."""
    times = os.times()
    try:
        if statm is None:
            with open("/proc/self/statm", "rb") as fh:
                text = fh.read()
        else:
            text = os.pread(statm, 128, 0)
        rss = int(text.split()[1]) * _PAGE_MB
    except (OSError, IndexError, ValueError):
        rss = 0.0
    return times.user + times.system, rss


# -- the pipe between the web process and a worker ------------------------------------------------------
# A message is a 4-byte big-endian length and that many bytes (multiprocessing.Connection's framing): written
# with one writev (an answer's body is not copied into a pickle, nor joined to its header), read with one
# read when it fits in 64 KiB (Connection reads the length and the rest apart). One message is in flight each
# way at a time (a request, then its answer), so a read never takes in the start of the next one.

_MAX_FRAME = 2**31 - 1


def send_frame(fd: int, *parts: bytes) -> None:
    size = sum(len(part) for part in parts)
    if size > _MAX_FRAME:
        raise ValueError(f"a message of {size} bytes is larger than the pipe's framing allows")
    pending = [size.to_bytes(4, "big"), *parts]
    while pending:
        written = os.writev(fd, pending)
        while pending and written >= len(pending[0]):
            written -= len(pending.pop(0))
        if written:
            pending[0] = memoryview(pending[0])[written:]


def recv_frame(fd: int) -> bytes:
    """The next message (EOFError when the other end closed the pipe, or died, before it was whole)."""
    chunk = os.read(fd, 65536)
    while 0 < len(chunk) < 4:
        more = os.read(fd, 4 - len(chunk))
        if not more:
            break
        chunk += more
    if len(chunk) < 4:
        raise EOFError("the pipe was closed")
    size = int.from_bytes(chunk[:4], "big")
    if len(chunk) == size + 4:
        return chunk[4:]
    buf = bytearray(size)
    got = len(chunk) - 4
    buf[:got] = chunk[4:]
    view = memoryview(buf)
    while got < size:
        n = os.readv(fd, [view[got:]])
        if not n:
            raise EOFError("the pipe was closed in the middle of a message")
        got += n
    return bytes(buf)


def _serve(store_path: str, conn, isolated: bool) -> None:  # noqa: ANN001
    """Answer requests until the pipe closes. Each request is a pickled tuple (``QueryRequest.wire``); each
    answer the length of a pickled tuple (status, media type, kind …, the body's ETag, and this process's CPU
    time and memory after the query, so the web process learns both without reading /proc on every
    request), the tuple, then the body as it is."""
    store, generation = _open_generation(store_path)
    fd = conn.fileno()
    try:
        statm: int | None = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:
        statm = None
    send_frame(fd, pickle.dumps(("ready", isolated, generation, *_self_usage(statm))))
    while True:
        try:
            message = recv_frame(fd)
        except (EOFError, OSError):
            return
        try:
            response = execute(store, QueryRequest(*pickle.loads(message)))
        except BaseException as exc:  # noqa: BLE001 (a worker never dies from its input)
            response = QueryResponse(500, "text/plain; charset=utf-8", f"query failed: {exc!r}".encode(),
                                     kind="error")
        body = response.body
        etag = etag_of(response.media_type, body) if response.status == 200 else ""
        meta = pickle.dumps((response.status, response.media_type, response.truncated, response.kind,
                             response.seconds, etag, *_self_usage(statm)), protocol=5)
        del response
        try:
            send_frame(fd, len(meta).to_bytes(4, "big"), meta, body)
        except (EOFError, OSError):
            return
        if len(body) > 1_000_000:
            del body
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
        self.generation: tuple[int, int] | None = None
        self.base_rss = 0.0
        self.rss = 0.0  # resident MB after its last answer, as it reported
        self.cpu = 0.0  # CPU seconds it had used when it last answered (it uses none while idle)
        self._poller = select.poll()  # one per worker, registered once (Connection.poll builds a selector)
        self.fd = self.conn.fileno()
        self._poller.register(self.fd, select.POLLIN)
        self._sentinel: select.poll | None = None

    def poll(self, timeout: float) -> bool:
        """True when an answer (or the end of the pipe) is there to read, waiting at most ``timeout`` s."""
        return bool(self._poller.poll(max(0, int(timeout * 1000 + 0.999))))

    def wait_ready(self, timeout: float = 30.0) -> None:
        if not self.ready:
            if not self.poll(timeout):
                raise RuntimeError("SPARQL worker did not start")
            message = pickle.loads(recv_frame(self.fd))
            if not (isinstance(message, tuple) and message[0] == "ready"):
                raise RuntimeError("SPARQL worker did not start")
            _, isolated, self.generation, self.cpu, self.base_rss = message
            self.ready, self.isolated, self.rss = True, bool(isolated), self.base_rss

    def answer(self) -> QueryResponse:
        """The answer to the request sent (raises EOFError / OSError if the worker died)."""
        frame = recv_frame(self.fd)
        end = 4 + int.from_bytes(frame[:4], "big")
        status, media, truncated, kind, seconds, etag, self.cpu, self.rss = pickle.loads(frame[4:end])
        return QueryResponse(status, media, frame[end:], truncated, kind, seconds, etag)

    def grown(self, limit_mb: float) -> bool:
        """True when the worker holds more than ``limit_mb`` above what it held when it started (the memory
        a large result left behind: freed, but kept by the allocator)."""
        return self.rss - self.base_rss > limit_mb

    def alive(self) -> bool:
        """False once the process has ended (its sentinel is readable); cheaper than ``is_alive``, which builds
        a selector on every call."""
        if self._sentinel is None:
            self._sentinel = select.poll()
            self._sentinel.register(self.process.sentinel, select.POLLIN)
        return not self._sentinel.poll(0)

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


def _lowest_priority(worker: _Worker) -> None:
    """A long query yields the CPU to everything else (pages, short queries) while it runs."""
    try:
        if worker.process.pid is not None:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, LONG_NICE)
    except OSError:
        pass


def _key_bytes(key: tuple) -> int:
    """About what a cache key holds in memory: its texts (a query: up to 100,000 characters), nested tuples
    included (``len(repr(key))`` said the same at ten times the CPU)."""
    size = 8 * len(key)
    for part in key:
        if isinstance(part, str):
            size += len(part) + 8
        elif isinstance(part, tuple):
            size += _key_bytes(part)
        else:
            size += 8
    return size


class ResultCache:
    """Answers already given, by (store generation, request key), least recently used first out, within
    ``max_bytes`` of bodies and keys (a key holds the query text: up to 100,000 characters). Only successful
    answers of deterministic queries are put here (the caller decides); an answer belongs to the generation
    of the store that computed it, so a build or an ingest that swaps in another store makes every entry
    unreachable (and they age out)."""

    def __init__(self, max_bytes: int, max_entry: int = 1_000_000) -> None:
        self.max_bytes = max(0, max_bytes)
        self.max_entry = min(max_entry, self.max_bytes)
        self._entries: OrderedDict[tuple, tuple[QueryResponse, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> QueryResponse | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, keys: list[tuple], response: QueryResponse) -> None:
        for key in keys:
            size = len(response.body) + 200 + _key_bytes(key)
            if size > self.max_entry:
                continue
            with self._lock:
                old = self._entries.pop(key, None)
                if old is not None:
                    self._bytes -= old[1]
                self._entries[key] = (response, size)
                self._bytes += size
                while self._bytes > self.max_bytes and self._entries:
                    _, (_, freed) = self._entries.popitem(last=False)
                    self._bytes -= freed

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)


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
      is only failed by the death of the worker running its own query. A worker that opened another
      store than the one the path names now (a build or an ingest swapped it) is replaced too.
    * Answers given with ``cache_keys`` are kept (``cache_mb``) and given again without a worker while the
      store is the same (:meth:`cached`).
    """

    def __init__(self, store_path: str, workers: int = 4, timeout: float = 10.0, queue_size: int | None = None,
                 long_slots: int | None = None, fast: float = 0.5, isolate: bool = True,
                 max_growth_mb: float = 24.0, cache_mb: float = 64.0) -> None:
        self.store_path = store_path
        self.cache = ResultCache(int(cache_mb * 2**20))
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
        # the worker that answered last is taken first: its caches (the engine's, the allocator's, the CPU's)
        # are the warm ones (in turn, six workers cost a cold query ~15% more CPU)
        self._idle: queue.Queue[_Worker] = queue.LifoQueue()
        self._admit = threading.BoundedSemaphore(self.size + self.queue_size)
        self._long = threading.BoundedSemaphore(self.long_slots)
        self._long_deadlines: dict[int, float] = {}
        self._lock = threading.RLock()
        self._started = False
        self._all: list[_Worker] = []
        self.stats = {"busy": 0, "timeouts": 0, "stopped_long": 0, "replaced_dead": 0, "crashed": 0, "recycled": 0,
                      "replaced_stale": 0}

    @property
    def capacity(self) -> int:
        """Requests admitted at once (running and waiting)."""
        return self.size + self.queue_size

    def start_in_background(self) -> None:
        """Spawn the workers now, off the request path (the first query would otherwise wait for them)."""
        threading.Thread(target=self._start, daemon=True, name="sparql-pool-start").start()

    def start(self) -> None:
        """Spawn the workers now and wait until each has opened the store (for a bench that times requests,
        not the workers' start, which runs beside the first requests otherwise)."""
        self._start()
        for worker in list(self._all):
            worker.wait_ready()

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

    def generation(self) -> tuple[int, int] | None:
        """The store the path names now (see :func:`store_generation`)."""
        return store_generation(self.store_path)

    def cached(self, key: tuple) -> QueryResponse | None:
        """The answer given before to the request with ``key`` (``QueryRequest.cache_key``) by this store."""
        if not self.cache.max_bytes:
            return None
        return self.cache.get((self.generation(), *key))

    def remember(self, key: tuple, entry: object, generation: tuple[int, int] | None) -> None:
        """Keep ``entry`` (anything with a ``body``) under ``key`` for :meth:`cached`: something made from an
        answer of the store of ``generation`` (``QueryResponse.generation``)."""
        if self.cache.max_bytes:
            self.cache.put([(generation, *key)], entry)  # type: ignore[list-item]

    def run(self, req: QueryRequest, timeout: float | None = None,
            cache_keys: list[tuple] | None = None) -> QueryResponse:
        """Run ``req`` on a worker. With ``cache_keys`` (the caller vouches the query is deterministic), a
        successful answer is kept under each key for :meth:`cached`, and the first key is looked up first."""
        if cache_keys and self.cache.max_bytes:
            generation = self.generation()
            for key in cache_keys[1:]:  # the first was looked up by the caller
                found = self.cache.get((generation, *key))
                if found is not None:
                    self.cache.put([(generation, *cache_keys[0])], found)
                    return found
        response, generation = self._run(req, timeout)
        response.generation = generation
        if cache_keys and self.cache.max_bytes and response.status == 200 and response.etag:
            self.cache.put([(generation, *key) for key in cache_keys], response)
        return response

    def _run(self, req: QueryRequest, timeout: float | None) -> tuple[QueryResponse, tuple[int, int] | None]:
        """The answer, and the generation of the store that computed it."""
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
        """An idle live worker on the current store, waiting at most until ``deadline``."""
        current = self.generation()
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
                except (RuntimeError, EOFError, OSError):
                    pass
                else:
                    if worker.generation == current:
                        return worker
                    self.stats["replaced_stale"] += 1  # it reads a store that was swapped out
                    self._replace(worker)
                    current = self.generation()
                    continue
            self.stats["replaced_dead"] += 1
            self._replace(worker)

    def _run_on(self, worker: _Worker, req: QueryRequest, deadline: float,
                limit: float) -> tuple[QueryResponse, tuple[int, int] | None]:
        try:
            send_frame(worker.fd, pickle.dumps(req.wire(), protocol=5))
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
                if not worker.poll(max(0.0, deadline - time.monotonic())):
                    self.stats["timeouts"] += 1
                    raise QueryTimeout(f"the query ran longer than {limit:g} s and was stopped")
            response = worker.answer()
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
        return response, worker.generation

    def _wait_short(self, worker: _Worker, deadline: float) -> bool:
        """Wait for the answer while the query is short: True when it came; False once the query has used
        ``fast`` seconds of CPU (or six times that in wall time, for a query waiting on the disk) or the
        deadline passed. CPU time, not wall time: a machine busy with other work makes every query slower
        in wall time, but only a query that computes a lot uses a lot of CPU."""
        started = time.monotonic()
        cpu0 = worker.cpu  # what it had used when it last answered: an idle worker uses none
        while True:
            now = time.monotonic()
            if worker.poll(max(0.0, min(0.05, deadline - now))):
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
        """The worker processes alive now (one killed from outside is replaced when next taken)."""
        return [w.process.pid for w in list(self._all) if w.process.pid is not None and w.alive()]

