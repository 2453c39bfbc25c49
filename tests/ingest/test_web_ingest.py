"""Over the web: the upload form and POST /ingest behind POLICYKG_ADMIN_TOKEN, on a real on-disk store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ingest_support import need

from graph.config import Settings

TOKEN = "s3cret-token-for-tests"


def _app(data: Path, token: str | None):  # noqa: ANN202
    from webapp import create_app

    config = {"SPARQL_WORKERS": 1, "ADMIN_TOKEN": token}
    return create_app(Settings(data_dir=data), config=config)


def test_without_a_token_the_routes_do_not_exist(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICYKG_ADMIN_TOKEN", raising=False)
    client = _app(data, None).test_client()
    assert client.get("/ingest").status_code == 404
    assert client.post("/ingest", data={"token": "x"}).status_code == 404


def test_upload_ingests_and_links_to_the_new_document(data: Path, docs: dict[str, Path]) -> None:
    app = _app(data, TOKEN)
    client = app.test_client()
    first_pool = app.extensions["policykg"].pool

    def limits(p) -> tuple:  # noqa: ANN001
        return (p.size, p.timeout, p.queue_size, p.long_slots, p.fast, p.isolate, p.max_growth_mb, p.cache.max_bytes)

    page = client.get("/ingest")
    assert page.status_code == 200 and 'name="files"' in page.text
    with docs["party.docx"].open("rb") as fh:
        wrong = client.post("/ingest", data={"token": "nope", "files": (fh, "party.docx")})
    assert wrong.status_code == 403
    pdf = need(docs, "long.pdf")
    with docs["party.docx"].open("rb") as a, pdf.open("rb") as b:
        response = client.post("/ingest", data={"token": TOKEN, "files": [(a, "Kế hoạch 15.docx"), (b, "long.pdf")]},
                               content_type="multipart/form-data")
    assert response.status_code == 200, response.text
    assert response.text.count('<tr class="added">') == 2
    links = re.findall(r'href="(/id/doc/[^"]+)"', response.text)
    assert len(links) == 2
    for link in links:
        assert client.get(link).status_code == 200  # the app reads the new store
    # the SPARQL pool over the new store keeps the app's limits (the public service's safety, issue 10)
    pool = app.extensions["policykg"].pool
    assert pool is not first_pool
    assert limits(pool) == limits(first_pool)
    # evidence on the PDF document's page links to the original at the page of the quote
    doc = client.get(links[1]).text
    m = re.search(r'href="(/originals/[0-9a-f]{64}\.pdf)#page=(\d+)"', doc)
    assert m, "no link to the original PDF page"
    original = client.get(m.group(1))
    assert original.status_code == 200 and original.data == pdf.read_bytes()
    assert original.mimetype == "application/pdf"
    assert client.get("/originals/..%2Fingest.json").status_code == 404


def test_a_bad_upload_gets_the_same_message_and_changes_nothing(data: Path, tmp_path: Path) -> None:
    from ingest_support import files_state, store_quads

    client = _app(data, TOKEN).test_client()
    before, files = store_quads(data), files_state(data)
    bad = tmp_path / "fake.pdf"
    bad.write_bytes(b"<html>not a pdf</html>" * 10)
    with bad.open("rb") as fh:
        response = client.post("/ingest", data={"token": TOKEN, "files": (fh, "../../fake.pdf")},
                               content_type="multipart/form-data")
    assert response.status_code == 422
    assert "refused" in response.text and "not a PDF (no %PDF- header)" in response.text
    assert store_quads(data) == before and files_state(data) == files
