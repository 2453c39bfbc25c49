"""Fixtures for the ingest tests: our own test documents (made once per session) and a data folder with a
built store (built once, copied for each test that changes it)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.config import PROJECT_ROOT, Settings

sys.path.insert(0, str(Path(__file__).parent))

from documents import Plan, party_plan, soffice, to_pdf, to_scan, write_docx  # noqa: E402
from legacy import encode_tcvn3  # noqa: E402

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


def _early() -> Plan:
    plan = party_plan(number="17-KH/TU", day=21)
    plan.body = [line.replace("tỷ lệ xã có chợ đạt chuẩn đạt trên 80%", "Tỷ lệ xã có chợ đạt chuẩn đạt trên 85%")
                 for line in plan.body]
    return plan


@pytest.fixture(scope="session")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name -> file: plan.docx, plan.pdf, long.pdf (a table across pages), scan.pdf, party*.docx, tcvn3.txt."""
    out = tmp_path_factory.mktemp("docs")
    files = {
        "plan.docx": write_docx(Plan(), out / "plan.docx"),
        "long.docx": write_docx(Plan(repeat_rows=12), out / "long.docx"),
        "party.docx": write_docx(party_plan(), out / "party.docx"),
        "party-v2.docx": write_docx(party_plan(extra_row=True), out / "party-v2.docx"),
        "other-party.docx": write_docx(party_plan(number="16-KH/TU", day=20), out / "other-party.docx"),
        # sorts before every seed and fixture: it becomes the first to print a spelling a seed prints, and
        # an indicator the other plans print (in another case: its form names the indicator everywhere)
        "0-early.docx": write_docx(_early(), out / "0-early.docx"),
    }
    (out / "tcvn3.txt").write_bytes(encode_tcvn3(TCVN3_TEXT))
    files["tcvn3.txt"] = out / "tcvn3.txt"
    if soffice():
        files["plan.pdf"] = to_pdf(files["plan.docx"], out)
        files["long.pdf"] = to_pdf(files["long.docx"], out)
        files["scan.pdf"] = to_scan(files["plan.pdf"], out / "scan.pdf")
    return files


def need(docs: dict[str, Path], name: str) -> Path:
    if name not in docs:
        pytest.fail(f"{name} needs LibreOffice (soffice): run scripts/install-test-deps.sh")
    return docs[name]


@pytest.fixture(scope="session")
def built_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of data/ (the five seeds) with its store built."""
    from graph.build.pipeline import build

    data = tmp_path_factory.mktemp("built") / "data"
    shutil.copytree(PROJECT_ROOT / "data", data, ignore=shutil.ignore_patterns("build"))
    build(Settings(data_dir=data))
    return data


@pytest.fixture
def data(built_data: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built data folder for one test."""
    copy = tmp_path / "data"
    shutil.copytree(built_data, copy, symlinks=True)
    return copy


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
