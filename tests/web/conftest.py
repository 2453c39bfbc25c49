"""Fixtures for the web app: the graph built from the five real sources, plus a small
supplement for what the extractor does not produce yet (tasks, projects, targets) and for
edge cases (a hostile label, a hub with 220 neighbours for the large-network path).

The supplement lives in its own named graph, ``id/graph/web-test-fixture``, so a test can
always tell which facts are real.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from webfixture import FIXTURE_GRAPH, HERE, fixture_turtle

from graph.config import Settings


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The five sources built into a temporary store, plus the fixture graph."""
    from graph.build.pipeline import build
    from graph.build.reason import materialise
    from graph.store.search import build_index, index_path
    from graph.vocab import inferred_graph

    store_path = tmp_path_factory.mktemp("webstore") / "store"
    settings = Settings(store_path=store_path)
    build(settings)
    store = ox.Store(str(store_path))
    store.load(fixture_turtle().encode("utf-8"), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(FIXTURE_GRAPH))
    materialise(store, inferred_graph(settings.base))  # as an ingest would: the fixture's facts are reasoned on too
    build_index(store, index_path(store_path))  # and searchable
    store.flush()
    del store
    return settings


@pytest.fixture(scope="session")
def app(web_settings: Settings):  # noqa: ANN201
    from webapp import create_app

    app = create_app(web_settings, config={"QUERIES_DIR": str(HERE / "queries"), "SPARQL_TIMEOUT": 5.0,
                                           "SPARQL_CAP": 1000, "TESTING": True})
    yield app
    app.extensions["policykg"].pool.close()


@pytest.fixture()
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:  # noqa: ANN001
    """The app under waitress on 127.0.0.1 in a thread; yields its root URL."""
    from waitress.server import create_server

    port = _free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.close()
