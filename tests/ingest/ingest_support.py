"""Helpers of the ingest tests: the TCVN3 test text, the state of a data folder, bad inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from ingest_documents import Plan, party_plan

TCVN3_TEXT = """ĐẢNG BỘ TỈNH NGHỆ AN
TỈNH ỦY
Số 21-KL/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Nghệ An, ngày 03 tháng 4 năm 2026
KẾT LUẬN
của Ban Thường vụ Tỉnh ủy về phát triển kinh tế biển
-----
Ban Thường vụ Tỉnh ủy thống nhất đẩy mạnh phát triển kinh tế biển, giao Ban cán sự đảng Ủy ban nhân dân
tỉnh chỉ đạo xây dựng kế hoạch đầu tư hạ tầng cảng biển và dịch vụ hậu cần nghề cá.
"""


def early_plan() -> Plan:
    plan = party_plan(number="17-KH/TU", day=21)
    plan.body = [line.replace("tỷ lệ xã có chợ đạt chuẩn đạt trên 80%", "Tỷ lệ xã có chợ đạt chuẩn đạt trên 85%")
                 for line in plan.body]
    return plan


def need(docs: dict[str, Path], name: str) -> Path:
    if name not in docs:
        pytest.fail(f"{name} needs LibreOffice (soffice): run scripts/install-test-deps.sh")
    return docs[name]


def store_quads(data: Path) -> set[ox.Quad]:
    """Every quad of the store (the ontology's blank nodes aside: they are fresh on every load)."""
    store = ox.Store.read_only(str(data / "build" / "store"))
    try:
        return {q for q in store if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    finally:
        del store


def files_state(data: Path) -> dict[str, bytes]:
    """The sources folder: every file and its bytes."""
    root = data / "sources"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def bad_files(tmp: Path, docs: dict[str, Path]) -> dict[str, tuple[Path, str]]:
    """name -> (file, a word the refusal must say)."""
    plan_pdf = docs.get("plan.pdf")
    files = {
        "empty": (tmp / "empty.txt", b"", "empty"),
        "binary": (tmp / "binary.txt", b"\x00\x01\x02\x03" * 500, "binary"),
        "png": (tmp / "picture.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "image"),
        "unknown": (tmp / "sheet.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "OLE"),
        "odd suffix": (tmp / "notes.md", "Nghị quyết số 11-NQ/TU về phát triển".encode(), "unknown file type"),
        "misnamed pdf": (tmp / "fake.pdf", b"<html>not a pdf</html>" * 10, "not a PDF"),
        "broken pdf": (tmp / "broken.pdf", (plan_pdf.read_bytes()[:1500] if plan_pdf else b"%PDF-1.4\n1 0 obj <<"),
                       "broken"),
        "misnamed docx": (tmp / "fake.docx", b"plain text, not a zip " * 20, "not a DOCX"),
        "not word zip": (tmp / "archive.docx", None, "not a Word document"),
        "zip bomb": (tmp / "bomb.docx", None, "zip bomb"),
        "legacy garbage": (tmp / "garbage.txt", bytes(range(128, 256)) * 20, "not recognisably Vietnamese"),
    }
    out: dict[str, tuple[Path, str]] = {}
    for name, (path, content, word) in files.items():
        if content is not None:
            path.write_bytes(content)
        out[name] = (path, word)
    _zip(tmp / "archive.docx", {"hello.txt": b"hello"})
    _zip(tmp / "bomb.docx", {"word/document.xml": b"<" + b" " * (300 * 1024 * 1024)})
    encrypted = tmp / "encrypted.pdf"
    if plan_pdf is not None:
        _encrypt(docs["plan.docx"], encrypted)
        out["encrypted pdf"] = (encrypted, "encrypted")
    big = tmp / "huge.pdf"
    with big.open("wb") as fh:
        fh.truncate(101 * 1024 * 1024)  # sparse: 101 MB without writing them
    out["over 100 MB"] = (big, "100 MB")
    return out


def _encrypt(docx: Path, out: Path) -> None:
    import json
    import subprocess

    from ingest_documents import soffice

    options = json.dumps({"EncryptFile": {"type": "boolean", "value": "true"},
                          "DocumentOpenPassword": {"type": "string", "value": "secret"}})
    profile = out.parent / ".lo-profile-enc"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    f"pdf:writer_pdf_Export:{options}", "--outdir", str(out.parent / "enc"), str(docx)],
                   check=True, capture_output=True, timeout=180)
    (out.parent / "enc" / (docx.stem + ".pdf")).rename(out)
