"""The web app: search, entity pages, networks, questions, SPARQL, open-data publishing.

``create_app(settings, store)`` builds the Flask application (the CLI's ``policykg serve``
calls it, then :func:`serve`). One blueprint per area, in ``webapp/views/``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask, current_app

from graph.config import Settings
from graph.store import OxigraphStore

from .kg import KnowledgeGraph
from .linked import IriMap
from .network import NetworkBuilder
from .questions import Question, load_questions
from .search import SearchIndex
from .sparql_pool import QueryPool

DEFAULTS: dict[str, Any] = {
    "SPARQL_TIMEOUT": 10.0,  # seconds a /sparql query may run before its worker is killed
    "SPARQL_CAP": 10_000,  # rows (or triples) returned at most; the response says when it cut
    "SPARQL_WORKERS": 6,  # worker processes for /sparql and question runs
    "SPARQL_QUEUE": 10,  # requests that may wait for a worker; beyond workers + queue: 503 at once
    "SPARQL_LONG_SLOTS": 2,  # queries that may run past SPARQL_FAST seconds at once (the rest are stopped)
    "SPARQL_FAST": 0.5,  # seconds of CPU after which a query is long
    "SPARQL_WORKER_GROWTH_MB": 12,  # a worker that grew by more (after large results) is recycled
    "SPARQL_ISOLATE": True,  # workers without network (Linux user + network namespace) where allowed
    "SPARQL_CACHE_MB": 64,  # answers kept for repeated queries, per store generation (0: none)
    "SERVER_THREADS": 32,  # server threads: SPARQL can hold at most workers + queue of them
    "NETWORK_CAP": 100,  # nodes in an ego network before "expand more"
    "QUERIES_DIR": None,  # default: settings.queries_dir
    "DUMPS_DIR": None,  # default: a temporary folder, filled on first request
    "GZIP_OVER": 1_000_000,  # bytes: dumps larger than this are listed gzip-compressed
}


@dataclass
class Services:
    settings: Settings
    store: Any
    kg: KnowledgeGraph
    search: SearchIndex
    iris: IriMap
    networks: NetworkBuilder
    pool: QueryPool
    questions: dict[str, Question]
    dumps_dir: Path
    graphs: GraphList


class GraphList:
    """The names of the store's graphs (what FROM and default-graph-uri may name), re-read every few seconds."""

    def __init__(self, store: Any, ttl: float = 5.0) -> None:
        self.store = store
        self.ttl = ttl
        self._names: frozenset[str] = frozenset()
        self._read = -ttl

    def names(self) -> frozenset[str]:
        now = time.monotonic()
        if now - self._read >= self.ttl:
            native = getattr(self.store, "native", None)
            if native is not None:
                self._names = frozenset(g.value for g in native.named_graphs() if isinstance(g, ox.NamedNode))
            else:
                rows = self.store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
                self._names = frozenset(r["g"].value for r in rows)
            self._read = now
        return self._names


def services() -> Services:
    return current_app.extensions["policykg"]


def _on_disk_path(store: Any, scratch: Path) -> str:
    """A path the SPARQL worker processes can open: the store's own, or a copy of an in-memory one."""
    path = getattr(store, "path", None)
    if path is not None:
        return str(path)
    copy = ox.Store(str(scratch / "store"))
    copy.bulk_extend(store.quads())
    copy.flush()
    del copy
    return str(scratch / "store")


def make_pool(config: Mapping, path: str) -> QueryPool:
    """The SPARQL worker pool over the store at ``path`` with the app's limits (one place: the app's start and
    the reload after an ingest must not differ in their safety settings)."""
    return QueryPool(path, workers=int(config["SPARQL_WORKERS"]), timeout=float(config["SPARQL_TIMEOUT"]),
                     queue_size=int(config["SPARQL_QUEUE"]), long_slots=int(config["SPARQL_LONG_SLOTS"]),
                     fast=float(config["SPARQL_FAST"]), isolate=bool(config["SPARQL_ISOLATE"]),
                     max_growth_mb=float(config["SPARQL_WORKER_GROWTH_MB"]),
                     cache_mb=float(config["SPARQL_CACHE_MB"]))


def create_app(settings: Settings | None = None, store: Any = None, config: dict | None = None) -> Flask:
    """The Flask app over ``store`` (default: the built on-disk store of ``settings``)."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("POLICYKG")
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if store is None:
        store = OxigraphStore(settings.store)
    scratch = Path(tempfile.mkdtemp(prefix="policykg-web-"))
    atexit.register(shutil.rmtree, scratch, True)
    kg = KnowledgeGraph(store, settings.base)
    iris = IriMap(settings.base)
    pool = make_pool(app.config, _on_disk_path(store, scratch))
    atexit.register(pool.close)
    pool.start_in_background()
    queries_dir = Path(app.config["QUERIES_DIR"] or settings.queries_dir)
    dumps_dir = Path(app.config["DUMPS_DIR"] or scratch / "dumps")
    app.extensions["policykg"] = Services(settings, store, kg, SearchIndex(kg), iris, NetworkBuilder(kg, iris),
                                          pool, load_questions(queries_dir), dumps_dir, GraphList(store))

    from .views import entity, explore, home, network, publish, questions, sparql

    for module in (home, entity, network, questions, explore, sparql, publish):
        app.register_blueprint(module.bp)

    from .views import documents, helpers, ingest

    app.register_blueprint(documents.bp)
    app.register_blueprint(ingest.bp)

    helpers.install(app)
    sparql.install_protocol(app)
    return app


SERVERS = ("granian", "waitress")  # the first is the default


def serve(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 8000,
          threads: int | None = None, server: str | None = None) -> None:
    """Run the app under a production WSGI server: granian (HTTP parsed in Rust, outside the GIL; the
    default) or waitress (pure Python; ``server="waitress"`` or ``POLICYKG_SERVER=waitress``).
    bench/RESULTS.md compares them: granian serves cold SPARQL queries at about 0.6 ms of CPU each against
    0.8-1.0 under waitress, repeated ones 4-8 times faster, pages alike. Either way one process with
    ``threads`` threads and one SPARQL pool.

    SPARQL and question runs hold at most ``SPARQL_WORKERS + SPARQL_QUEUE`` of the server's threads
    (further ones are answered 503 at once), so with the default 32 threads at least 16 always serve
    pages, static files and linked data. (granian warns that 32 threads is many for 2 cores: most of them
    wait on a SPARQL worker, not on the CPU.)
    """
    from .sparql_pool import steady_malloc

    server = server or os.environ.get("POLICYKG_SERVER") or SERVERS[0]
    if server not in SERVERS:
        raise ValueError(f"unknown server {server!r} (one of {', '.join(SERVERS)})")
    steady_malloc()
    if server == "granian":
        _serve_granian(settings or Settings(), host, port, threads)
        return
    import waitress

    app = create_app(settings)
    threads = threads or int(app.config["SERVER_THREADS"])
    pool = app.extensions["policykg"].pool
    if threads <= pool.capacity:
        raise ValueError(f"{threads} server threads leave none for pages: SPARQL may hold {pool.capacity}")
    waitress.serve(app, host=host, port=port, threads=threads, ident="policykg", connection_limit=1000,
                   channel_timeout=30)


def _serve_granian(settings: Settings, host: str, port: int, threads: int | None) -> None:
    """granian runs ``create_app()`` in its worker process: the settings go there as the environment they
    are read from."""
    from flask import Config
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    config = Config("")
    config.update(DEFAULTS)
    config.from_prefixed_env("POLICYKG")
    threads = threads or int(config["SERVER_THREADS"])
    capacity = int(config["SPARQL_WORKERS"]) + int(config["SPARQL_QUEUE"])
    if threads <= capacity:
        raise ValueError(f"{threads} server threads leave none for pages: SPARQL may hold {capacity}")
    os.environ.update({"POLICYKG_DATA": str(settings.data_dir), "POLICYKG_STORE": str(settings.store),
                       "POLICYKG_BASE": settings.base})
    Granian("webapp:create_app", factory=True, address=host, port=port, interface=Interfaces.WSGI, workers=1,
            blocking_threads=threads, websockets=False, backlog=1024, backpressure=1000,
            http1_settings=HTTP1Settings(header_read_timeout=30_000), respawn_failed_workers=True,
            log_access=False).serve()
