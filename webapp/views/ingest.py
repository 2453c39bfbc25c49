"""Documents in over the web: an upload form and ``POST /ingest``, behind an administrator's token.

Without ``POLICYKG_ADMIN_TOKEN`` in the environment (or ``ADMIN_TOKEN`` in the app config) the form and
the endpoint do not exist (404). With it, a request must carry the token (form field ``token`` or
``Authorization: Bearer …``). The files go through the same :class:`graph.build.ingest.Ingester` as
``policykg ingest`` (same checks, same messages, each file all or nothing); the result page links to
the new documents, and the app then reads the new store.

``/originals/<sha256>.<ext>`` serves the originals kept under ``data/sources/originals`` (read-only,
public like the rest of the data), so evidence can link to the page of the PDF it quotes.
"""

from __future__ import annotations

import dataclasses
import hmac
import os
import re
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory

from graph.build.provenance import ORIGINALS_DIR
from graph.build.readers import MAX_INGEST_BYTES

from .. import services

bp = Blueprint("ingest", __name__)

_ORIGINAL = re.compile(r"^[0-9a-f]{64}\.[a-z0-9]{1,8}$")
_MEDIA = {"pdf": "application/pdf", "txt": "text/plain; charset=utf-8",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _token() -> str | None:
    # (the app config reads POLICYKG_* as JSON: a token of digits arrives as a number)
    value = current_app.config.get("ADMIN_TOKEN") or os.environ.get("POLICYKG_ADMIN_TOKEN")
    return str(value) if value not in (None, "") else None


def _require_token(check_request: bool) -> None:
    expected = _token()
    if not expected:
        abort(404)
    if not check_request:
        return
    given = request.form.get("token") or ""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        given = header[len("Bearer "):]
    if not hmac.compare_digest(given.encode(), expected.encode()):
        abort(403)


def _upload_name(name: str) -> str:
    """The uploaded file's own name, without any folder part (Vietnamese letters kept)."""
    base = re.split(r"[\\/]", name or "")[-1].strip().lstrip(".")
    return base[:200] or "upload"


def _reload() -> None:
    """Read the store the ingest swapped in (readers of the old one finish on it)."""
    from graph.store import OxigraphStore

    from .. import make_pool
    from ..kg import KnowledgeGraph
    from ..network import NetworkBuilder
    from ..search import SearchIndex

    old = services()
    store = OxigraphStore(old.settings.store)
    kg = KnowledgeGraph(store, old.settings.base)
    pool = make_pool(current_app.config, str(old.settings.store))
    pool.start_in_background()
    current_app.extensions["policykg"] = dataclasses.replace(
        old, store=store, kg=kg, search=SearchIndex(kg), networks=NetworkBuilder(kg, old.iris), pool=pool)
    old.pool.close()


@bp.get("/ingest")
def form():  # noqa: ANN201
    _require_token(check_request=False)
    return render_template("ingest.html", outcomes=None, max_mb=MAX_INGEST_BYTES // (1024 * 1024))


@bp.post("/ingest")
def upload():  # noqa: ANN201
    _require_token(check_request=False)
    request.max_content_length = 8 * MAX_INGEST_BYTES  # a few files at most; each is checked on its own
    _require_token(check_request=True)
    from graph.build.ingest import Ingester
    from graph.build.transaction import locked, recover

    settings = services().settings
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        return render_template("ingest.html", outcomes=[], error="Chưa chọn tệp nào (no file chosen).",
                               max_mb=MAX_INGEST_BYTES // (1024 * 1024)), 400
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="policykg-upload-") as tmp:
        saved = []
        for k, f in enumerate(files):
            name = _upload_name(f.filename)
            path = Path(tmp) / f"{k:03d}" / name
            path.parent.mkdir()
            f.save(path)
            saved.append((path, name))
        ingester = current_app.extensions.get("policykg-ingester")
        if ingester is None:  # one per app: the curated data and the corpus summaries stay loaded
            ingester = current_app.extensions["policykg-ingester"] = Ingester(settings)
        with locked(settings.build_dir):
            recover(settings.store, settings.build_dir)
            for path, name in saved:
                outcomes.append(ingester.ingest(path, display_name=name))
    if any(o.status in ("added", "replaced") for o in outcomes):
        _reload()
    status = 200 if not any(o.status in ("refused", "failed") for o in outcomes) else 422
    return render_template("ingest.html", outcomes=outcomes, max_mb=MAX_INGEST_BYTES // (1024 * 1024)), status


@bp.get("/originals/<name>")
def original(name: str):  # noqa: ANN201
    if not _ORIGINAL.match(name):
        abort(404)
    folder = services().settings.sources_dir / ORIGINALS_DIR
    ext = name.rsplit(".", 1)[-1]
    return send_from_directory(folder, name, mimetype=_MEDIA.get(ext, "application/octet-stream"))
