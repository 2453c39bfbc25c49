"""`policykg serve` under each production server: the same app answers, with its headers, over real HTTP."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from webapp import serve

ROOT = Path(__file__).resolve().parents[2]
ASK = "ASK { ?s ?p ?o }"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


@pytest.mark.parametrize("server", ["waitress", "granian"])
def test_serve_answers_sparql_and_pages(web_settings, server: str) -> None:  # noqa: ANN001
    pytest.importorskip(server)
    port = _port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "POLICYKG_SERVER": server, "POLICYKG_SPARQL_WORKERS": "2",
           "POLICYKG_SPARQL_QUEUE": "2"}
    code = (f"from pathlib import Path; from graph.config import Settings; from webapp import serve; "
            f"serve(Settings(store_path=Path({str(web_settings.store)!r})), port={port}, threads=8)")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        path = "/sparql?" + urlencode({"query": ASK})
        deadline = time.time() + 60
        while True:
            try:
                status, headers, body = _get(port, path, {"Accept": "application/sparql-results+json"})
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, f"{server} did not start"
                time.sleep(0.3)
        assert status == 200 and b'"boolean": true' in body.replace(b'":true', b'": true')
        again = _get(port, path, {"Accept": "application/sparql-results+json"})
        assert again[0] == 200 and again[1]["etag"] == headers["etag"] and again[2] == body
        assert again[1]["content-security-policy"] == headers["content-security-policy"]
        assert _get(port, path, {"If-None-Match": headers["etag"],
                                 "Accept": "application/sparql-results+json"})[0] == 304
        status, headers, page = _get(port, "/", {"Accept": "text/html"})
        assert status == 200 and b"<html" in page.lower()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_refuses_what_it_cannot_run() -> None:
    with pytest.raises(ValueError, match="unknown server"):
        serve(server="flask-dev")
    with pytest.raises(ValueError, match="leave none for pages"):
        serve(threads=4, server="granian")
