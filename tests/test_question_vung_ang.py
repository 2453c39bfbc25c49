"""'Which tasks depend on the Vũng Áng port expansion?' — queries/tasks_depending_on_project.rq on the built
graph must return the gold's must_include tasks exactly and none of its must_exclude tasks."""

from __future__ import annotations

import pyoxigraph as ox
import yaml

from graph.config import PROJECT_ROOT
from graph.store import OxigraphStore

QUERY = PROJECT_ROOT / "queries" / "tasks_depending_on_project.rq"
GOLD = PROJECT_ROOT / "tests" / "gold" / "links.yaml"
PORT = "https://w3id.org/policykg/id/project/cang-vung-ang"


def _rows(store: OxigraphStore, bindings: dict | None = None) -> list[dict]:
    result = store.select(QUERY.read_text(encoding="utf-8"), bindings)
    files = {r["d"].value: r["f"].value.removesuffix(".txt") for r in store.select(
        "PREFIX pol: <https://w3id.org/policykg/ont#> SELECT ?d ?f WHERE { ?t pol:describes ?d ; pol:fileName ?f }"
    ).rows}
    rows = []
    for r in result.rows:
        rows.append({"source": files.get(r["document"].value), "task": r["section"].value,
                     "path": r["path"].value, "quotes": r["quotes"].value, "iri": r["task"].value})
    return rows


def test_header_comments() -> None:
    head = [ln for ln in QUERY.read_text(encoding="utf-8").splitlines() if ln.startswith("# ")]
    keys = [ln[2:].split(":", 1)[0] for ln in head]
    assert keys == ["title", "title_en", "description", "param", "view"]
    assert f"default=<{PORT}>" in head[3] and head[4] == "# view: table"


def test_vung_ang_port_question(store: OxigraphStore) -> None:
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))["question_vung_ang_port"]
    rows = _rows(store, {"project": ox.NamedNode(PORT)})  # the parameter's default, bound as `policykg ask` does
    print(f"\n  {len(rows)} tasks depend on Cảng Vũng Áng:")
    for r in rows:
        print(f"  {r['source'][:3]} {r['task']:6} {r['path']}\n      {r['quotes'][:300]}")
    got = {(r["source"], r["task"]) for r in rows}
    include = {(g["source"].removesuffix(".txt"), str(g["task"])) for g in gold["must_include"]}
    exclude = {(g["source"].removesuffix(".txt"), str(g["task"])) for g in gold["must_exclude"]}
    assert got == include, f"extra {sorted(got - include)}, missing {sorted(include - got)}"
    assert not got & exclude
    assert all(r["quotes"] for r in rows)
    r314 = next(r for r in rows if r["task"] == "3.14")
    assert "khu vực các cửa khẩu quốc tế Cầu Treo, cảng Vũng Áng" in r314["quotes"]


def test_parameter_binding(store: OxigraphStore) -> None:
    """?project bound to the port system: the same tasks (the port is part of the system)."""
    system = ox.NamedNode("https://w3id.org/policykg/id/project/he-thong-cang-vung-ang-son-duong")
    got = {(r["source"], r["task"]) for r in _rows(store, {"project": system})}
    assert {("000_276dfdaaa0f44bda", "2"), ("000_276dfdaaa0f44bda", "3"), ("001_39fec869497d9b1d", "3.14")} <= got
    zone = ox.NamedNode("https://w3id.org/policykg/id/zone/khu-kinh-te-vung-ang")
    got_zone = {(r["source"], r["task"]) for r in _rows(store, {"project": zone})}
    assert ("003_dcf692c419505845", "1") in got_zone and ("001_39fec869497d9b1d", "3.14") not in got_zone
