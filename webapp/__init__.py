"""The web app: search, entity pages, networks, questions, SPARQL, open-data publishing.

``create_app(settings, store)`` builds the Flask application (the CLI's ``policykg serve``
calls it, then :func:`serve`). One blueprint per area, in ``webapp/views/``.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
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
    "SPARQL_WORKERS": 2,
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
    pool = QueryPool(_on_disk_path(store, scratch), workers=int(app.config["SPARQL_WORKERS"]),
                     timeout=float(app.config["SPARQL_TIMEOUT"]))
    atexit.register(pool.close)
    pool.start_in_background()
    queries_dir = Path(app.config["QUERIES_DIR"] or settings.queries_dir)
    dumps_dir = Path(app.config["DUMPS_DIR"] or scratch / "dumps")
    app.extensions["policykg"] = Services(settings, store, kg, SearchIndex(kg), iris, NetworkBuilder(kg, iris),
                                          pool, load_questions(queries_dir), dumps_dir)

    from .views import entity, explore, home, network, publish, questions, sparql

    for module in (home, entity, network, questions, explore, sparql, publish):
        app.register_blueprint(module.bp)

    app.register_blueprint(__import__("webapp.views.ingest", fromlist=["bp"]).bp)
    from .views import helpers

    helpers.install(app)
    return app


def serve(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Run the app under waitress (a production WSGI server)."""
    import waitress

    app = create_app(settings)
    waitress.serve(app, host=host, port=port, threads=threads, ident="policykg")
