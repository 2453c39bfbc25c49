"""deps / path / impact as an analyst reads them: wording that matches the help, targets told apart by their
document and year, and `path X X` answered (the thing itself, zero steps)."""

from __future__ import annotations

import json

import pyoxigraph as ox
from click.testing import CliRunner
from webfixture import BASE

from graph.cli import main
from graph.cli.ask import target_sources
from graph.config import Settings
from graph.store import OxigraphStore

PORT = BASE + "project/web-fixture-port"


def _run(settings: Settings, *args: str):  # noqa: ANN202
    return CliRunner().invoke(main, ["--store", str(settings.store), *args])


def test_deps_wording_matches_the_help(web_settings: Settings) -> None:
    up = _run(web_settings, "deps", PORT, "--direction", "up")
    assert up.exit_code == 0, up.output
    assert up.output.startswith("What depends on Cảng Vũng Áng (thử nghiệm):")
    assert "Trung tâm logistics Vũng Áng (thử nghiệm)" in up.output  # it depends on the port: upstream of it
    down = _run(web_settings, "deps", BASE + "project/web-fixture-logistics", "--direction", "down")
    assert down.exit_code == 0, down.output
    assert down.output.startswith("What Trung tâm logistics Vũng Áng (thử nghiệm) depends on:")
    assert "Cảng Vũng Áng (thử nghiệm)" in down.output
    helptext = " ".join(_run(web_settings, "deps", "--help").output.split())
    assert "up: what depends on ENTITY; down: what ENTITY depends on." in helptext


def test_impact_labels_targets_with_document_and_year(web_settings: Settings) -> None:
    text = _run(web_settings, "impact", PORT)
    assert text.exit_code == 0, text.output
    line = next(x for x in text.output.splitlines() if "Sản lượng hàng hoá qua cảng (thử nghiệm)" in x)
    assert "— 99/KH-UBND, năm 2030" in line
    data = json.loads(_run(web_settings, "impact", PORT, "--json").output)
    row = next(r for r in data["targets"]["rows"] if r["node"] == BASE + "target/web-fixture-t1")
    assert row["source"] == {"document": BASE + "doc/web-fixture-plan", "documentNumber": "99/KH-UBND",
                             "documentLabel": "Kế hoạch thử nghiệm 99/KH-UBND", "year": 2030}


def test_targets_with_the_same_words_are_told_apart() -> None:
    store = OxigraphStore()
    store.native.load(f"""
        @prefix pol: <https://w3id.org/policykg/ont#> . @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{BASE}doc/a> a pol:Document ; pol:documentNumber "12/KH-UBND" ; pol:hasGoal <{BASE}target/a> .
        <{BASE}doc/b> a pol:Document ; rdfs:label "Chương trình phát triển cảng"@vi .
        <{BASE}target/a> a pol:Target ; rdfs:label "Tỷ lệ đô thị hoá 40%"@vi ; pol:targetYear 2025 .
        <{BASE}target/b> a pol:Target ; rdfs:label "Tỷ lệ đô thị hoá 40%"@vi ; pol:targetYear 2030 ;
            prov:wasDerivedFrom <{BASE}doc/b> .
        <{BASE}target/c> a pol:Target ; rdfs:label "Tỷ lệ đô thị hoá 40%"@vi .
    """.encode(), ox.RdfFormat.TURTLE)
    got = target_sources(store, [BASE + "target/a", BASE + "target/b", BASE + "target/c"])
    assert got[BASE + "target/a"] == {"document": BASE + "doc/a", "documentNumber": "12/KH-UBND",
                                      "documentLabel": "12/KH-UBND", "year": 2025}
    assert got[BASE + "target/b"]["documentNumber"] is None
    assert got[BASE + "target/b"]["documentLabel"] == "Chương trình phát triển cảng"
    assert got[BASE + "target/c"] == {"document": None, "documentNumber": None, "documentLabel": None, "year": None}
    assert target_sources(store, []) == {}


def test_path_from_a_thing_to_itself(web_settings: Settings) -> None:
    same = _run(web_settings, "path", PORT, "vung ang port thu nghiem")
    assert same.exit_code == 0, same.output
    assert same.output.strip() == "Cảng Vũng Áng (thử nghiệm) … Cảng Vũng Áng (thử nghiệm): 0 steps (the thing itself)"
    other = _run(web_settings, "path", BASE + "project/web-fixture-logistics", PORT)
    assert other.exit_code == 0, other.output
    assert other.output.splitlines()[0].endswith(": 1 steps")
