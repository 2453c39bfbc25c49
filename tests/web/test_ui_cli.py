"""The command line a newcomer meets first: export's file errors and standard output, the report whole.

Runs the real CLI (click's runner) on the graph the web tests build (five sources and the fixture graph).
"""

from __future__ import annotations

import stat
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from graph.cli import main
from graph.config import Settings


def _run(settings: Settings, *args: str):  # noqa: ANN202
    return CliRunner().invoke(main, ["--store", str(settings.store), *args])


def test_export_to_a_missing_folder_is_a_message(web_settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "dir" / "g.ttl"
    result = _run(web_settings, "export", "-o", str(target))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"cannot write {target}: folder {target.parent} does not exist" in result.output
    assert not target.parent.exists()


def test_export_to_a_folder_is_a_message(web_settings: Settings, tmp_path: Path) -> None:
    result = _run(web_settings, "export", "-o", str(tmp_path))
    assert result.exit_code != 0 and "is a directory" in result.output and result.exception.__class__ is SystemExit


def test_export_dash_writes_standard_output(web_settings: Settings, tmp_path: Path) -> None:
    result = _run(web_settings, "export", "--format", "nt", "-o", "-")
    assert result.exit_code == 0, result.output
    triples = list(ox.parse(result.stdout_bytes, ox.RdfFormat.N_TRIPLES))
    assert len(triples) > 1000
    assert "Wrote standard output" in result.stderr and "Wrote" not in result.stdout
    assert not Path("-").exists()


def test_export_file_is_complete_and_readable(web_settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "g.nq"
    target.write_text("old content")
    result = _run(web_settings, "export", "--format", "nq", "-o", str(target))
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(target.read_bytes(), ox.RdfFormat.N_QUADS))
    assert len(quads) > 1000
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # not the private mode of a temporary file
    assert [p.name for p in tmp_path.iterdir()] == ["g.nq"]  # no temporary file left behind


def test_report_is_whole_off_a_terminal_and_names_tasks(web_settings: Settings) -> None:
    result = _run(web_settings, "report")
    assert result.exit_code == 0, result.output
    text = result.output
    section = text.split("== Tasks without a lead agency", 1)[1].split("\n== ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith(" - ")]
    assert rows and all("task: id:task/" not in r for r in rows)
    assert any(r.startswith(" - task: Nhiệm vụ ") for r in rows)
    assert "documentLabel:" not in section  # the document's label is shown in place of its IRI, once
    assert max(len(line) for line in text.splitlines()) > 200  # into a pipe nothing is cut at 110 characters
    quotes = [line for line in text.splitlines() if line.startswith('     "')]
    assert quotes and not any(q.endswith('…"') for q in quotes)
