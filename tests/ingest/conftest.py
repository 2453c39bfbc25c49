"""Fixtures for the ingest tests: our own test documents (made once per session) and a data folder with a
built store (built once, copied for each test that changes it)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from graph.config import PROJECT_ROOT, Settings

sys.path.insert(0, str(Path(__file__).parent))

from ingest_documents import Plan, party_plan, soffice, to_pdf, to_scan, write_docx  # noqa: E402
from ingest_legacy import encode_tcvn3  # noqa: E402
from ingest_support import TCVN3_TEXT, early_plan  # noqa: E402


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
        "0-early.docx": write_docx(early_plan(), out / "0-early.docx"),
    }
    (out / "tcvn3.txt").write_bytes(encode_tcvn3(TCVN3_TEXT))
    files["tcvn3.txt"] = out / "tcvn3.txt"
    if soffice():
        files["plan.pdf"] = to_pdf(files["plan.docx"], out)
        files["long.pdf"] = to_pdf(files["long.docx"], out)
        files["scan.pdf"] = to_scan(files["plan.pdf"], out / "scan.pdf")
    return files


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


