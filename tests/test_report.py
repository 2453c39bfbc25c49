"""The data-quality report lists the real conflicts and gaps of the five sources (from the texts)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graph.query.report import Report, build_report
from graph.store import OxigraphStore

ID = "https://w3id.org/policykg/id/"


@pytest.fixture(scope="module")
def report(store: OxigraphStore) -> Report:
    return build_report(store)


def test_conflicting_dates_with_their_sources(report: Report) -> None:
    rows = report.section("conflicting_dates").rows
    by_number: dict[str, set[tuple[str, str]]] = {}
    for r in rows:
        by_number.setdefault(r["number"], set()).add((r["date"], r["kind"]))
    # 003 is Kết luận 57-KL/TU of 07/10/2022; 004 cites it as 'Kết luận số 57-KL/TU, ngày 07/11/2022'
    assert by_number["57-KL/TU"] == {("2022-10-07", "issued"), ("2022-11-07", "cited")}
    # 003's title prints 08-NQ/TU 'ngày 18/7/2018', its body 'ngày 18/5/2018' (and 004 also 18/5/2018)
    assert {d for d, _ in by_number["08-NQ/TU"]} == {"2018-05-18", "2018-07-18"}
    cited_57 = next(r for r in rows if r["number"] == "57-KL/TU" and r["kind"] == "cited")
    assert "07/11/2022" in cited_57["evidence"] and "chuong-trinh-hanh-dong-26" in cited_57["source"]
    title_08 = next(r for r in rows if r["date"] == "2018-07-18")
    assert "18/7/2018" in title_08["evidence"] and "57-kl-tu" in title_08["source"]


def test_same_number_for_different_documents(report: Report) -> None:
    rows = report.section("shared_numbers").rows
    assert {r["document"] for r in rows if r["number"] == "08-NQ/TU"} == {
        ID + "doc/ha-tinh/nghi-quyet-08-nq-tu-2018", ID + "doc/ha-tinh/nghi-quyet-08-nq-tu-2021"}


def test_suspicious_numbers(report: Report) -> None:
    # 004 prints 'Chương trình hành động số 2022-CTr/TU ngày 06/02/2020' and '… số 2021-CTr/TU …'
    assert {r["number"] for r in report.section("suspicious_numbers").rows} == {"2021-CTr/TU", "2022-CTr/TU"}


def test_gaps(report: Report) -> None:
    no_lead = {r["task"] for r in report.section("tasks_without_lead").rows}
    assert any("/task/ket-luan-ban-thuong-vu" in t for t in no_lead)  # 000's tasks name no agency
    no_year = report.section("targets_without_year").rows
    # 003: 'tỷ lệ lấp đầy các khu công nghiệp, cụm công nghiệp trên 70%' gives no year
    assert any("lấp đầy" in r.get("text", "") for r in no_year)
    not_held = {r["number"] for r in report.section("cited_not_held").rows if "number" in r}
    assert {"29-NQ/TW", "13-KH/TW", "11-NQ/TU", "260-KL/TW"} <= not_held and "57-KL/TU" not in not_held
    unresolved = report.section("unresolved_citations").rows
    # 002: 'Kết luận số 260-KL/TW của Ủy ban Kiểm tra Trung ương' prints no date
    assert any(r.get("number") == "260-KL/TW" and "without a date" in r["problem"] for r in unresolved)


def test_discovered_entities_section_is_consistent(report: Report, store: OxigraphStore) -> None:
    rows = report.section("discovered_entities").rows
    for r in rows:  # whatever is listed really is outside the gazetteer scheme
        assert not store.ask("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ASK { ?n skos:inScheme ?s }",
                             {"n": __import__("pyoxigraph").NamedNode(r["node"])})


def test_report_cli_text_and_json(built) -> None:
    from graph.cli import main

    settings, _ = built
    runner = CliRunner()
    text = runner.invoke(main, ["--store", str(settings.store), "report"])
    assert text.exit_code == 0, text.output
    assert "Conflicting dates" in text.output and "07/11/2022" in text.output
    out = runner.invoke(main, ["--store", str(settings.store), "report", "--format", "json"])
    data = json.loads(out.output)
    assert {s["name"] for s in data["sections"]} >= {"conflicting_dates", "shared_numbers", "discovered_entities",
                                                     "tasks_without_lead", "targets_without_year", "cited_not_held"}
