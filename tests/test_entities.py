"""Projects, zones and places: scored against tests/gold/entities/*.yaml (>= 0.95 per kind), plus the
gazetteer's matching rules and a hand-written document whose projects the gazetteer lacks."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from graph.build.extract import ExtractionContext, extract
from graph.build.gazetteer import load_gazetteer
from graph.build.model import Extraction, Parsed
from graph.build.normalise import normalise
from graph.build.pipeline import run_extraction
from graph.build.sources import read_sources
from graph.config import PROJECT_ROOT, Settings

GOLD = PROJECT_ROOT / "tests" / "gold" / "entities"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "extra_projects"
PROJECT_CLASSES = ("Bridge", "Railway", "Road", "Port", "LogisticsCentre", "PowerPlant", "PowerLine",
                   "IndustrialPark", "Plant", "Airport", "Mine", "InfrastructureProject")


@pytest.fixture(scope="module")
def extractions() -> list[Extraction]:
    exs, _ = run_extraction(Settings())
    return exs


def fixture_extractions(folder: Path = FIXTURES) -> list[Extraction]:
    ctx = ExtractionContext(Settings())
    exs = [extract(Parsed(s, normalise(s.raw)), ctx) for s in read_sources(folder)]
    return exs


def kind_of(cls: str) -> str:
    return cls if cls in ("Zone", "Place") else f"project:{cls}"


def gold_entities() -> dict[str, set[tuple[str, str]]]:
    gold: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in sorted(GOLD.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        stem = data["source"].removesuffix(".txt")
        for e in data["entities"]:
            gold[kind_of(e["class"])].add((stem, e["name"]))
    return gold


def score(gold: dict[str, set], found: dict[str, set]) -> dict[str, tuple[float, float, int, int]]:
    out = {}
    for kind in sorted(set(gold) | set(found)):
        g, f = gold.get(kind, set()), found.get(kind, set())
        tp = len(g & f)
        out[kind] = (tp / len(f) if f else 1.0, tp / len(g) if g else 1.0, len(g), len(f))
    return out


def test_entities_against_gold(extractions: list[Extraction]) -> None:
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for ex in extractions:
        for m in ex.mentions:
            found[kind_of(m.cls)].add((ex.parsed.key, m.name))
    gold = gold_entities()
    scores = score(gold, found)
    print()
    for kind, (p, r, ng, nf) in scores.items():
        print(f"  {kind:32} precision {p:.3f} recall {r:.3f} (gold {ng}, found {nf})")
    missing = {k: sorted(gold.get(k, set()) - found.get(k, set())) for k in scores}
    extra = {k: sorted(found.get(k, set()) - gold.get(k, set())) for k in scores}
    for kind, (p, r, _ng, _nf) in scores.items():
        assert p >= 0.95, f"{kind}: precision {p:.3f}; not in gold: {extra[kind]}"
        assert r >= 0.95, f"{kind}: recall {r:.3f}; missed: {missing[kind]}"


def test_every_mention_quotes_its_text(extractions: list[Extraction]) -> None:
    for ex in extractions:
        for m in ex.mentions:
            assert ex.parsed.text.text[m.evidence.start : m.evidence.end] == m.evidence.quote == m.printed


def test_cau_treo_is_a_place_never_a_bridge(extractions: list[Extraction]) -> None:
    classes = {m.cls for ex in extractions for m in ex.mentions if "Cầu Treo" in m.printed}
    assert "Bridge" not in classes
    assert {"Place", "Zone"} <= classes


def test_one_node_per_thing_across_documents(extractions: list[Extraction]) -> None:
    by_name = defaultdict(set)
    for ex in extractions:
        for m in ex.mentions:
            by_name[m.name].add(m.cls)
    assert all(len(c) == 1 for c in by_name.values()), by_name
    kkt = {ex.parsed.key for ex in extractions for m in ex.mentions if m.name == "Khu kinh tế Vũng Áng"}
    assert len(kkt) == 4  # printed 'Khu kinh tế Vũng Áng', 'khu kinh tế Vũng Áng' …
    cau_treo = {m.printed for ex in extractions for m in ex.mentions
                if m.name == "Khu kinh tế cửa khẩu quốc tế Cầu Treo"}
    assert {"Khu kinh tế Cửa khẩu quốc tế Cầu Treo", "khu kinh tế Cầu Treo",
            "Khu kinh tế cửa khẩu Cầu Treo"} <= cau_treo


def test_gazetteer_matching_is_fold_and_tone_insensitive() -> None:
    gaz = load_gazetteer(PROJECT_ROOT / "data" / "gazetteer.yaml")
    text = "nâng cấp QUỐC LỘ 12C, quốc lộ 1 và cầu Bến Thuỷ 3; hệ thống bến cảng Vũng Áng - Sơn Dương"
    names = [(m.entry.name, text[m.start : m.end]) for m in gaz.find(text)]
    assert names == [("Quốc lộ 12C", "QUỐC LỘ 12C"), ("Quốc lộ 1", "quốc lộ 1"), ("Cầu Bến Thủy 3", "cầu Bến Thuỷ 3"),
                     ("Hệ thống cảng Vũng Áng - Sơn Dương", "hệ thống bến cảng Vũng Áng - Sơn Dương")]
    assert gaz.lookup("cảng vũng áng").name == "Cảng Vũng Áng"


def test_new_document_new_projects_become_nodes() -> None:
    """A hand-written plan naming projects the gazetteer lacks: the naming rules find them, stop at the name's
    end, keep 'Cầu Treo' a place and 'dự án ODA' nothing, and give one node across two documents."""
    exs = fixture_extractions()
    found = {(ex.parsed.key[:3], m.name, m.cls, m.known) for ex in exs for m in ex.mentions}
    new = {(k, n, c) for k, n, c, known in found if not known}
    assert new == {
        ("900", "Cầu Cửa Hội", "Bridge"), ("900", "Quốc lộ 15B", "Road"),
        ("900", "Khu công nghiệp Gia Lách", "IndustrialPark"), ("900", "Nhà máy điện gió Kỳ Anh", "PowerPlant"),
        ("900", "Trung tâm logistics Vũng Áng", "LogisticsCentre"),
        ("900", "Đường sắt Vũng Áng - Mụ Giạ", "Railway"),
        ("901", "Cầu Cửa Hội", "Bridge"), ("901", "Quốc lộ 15B", "Road"),
    }
    known = {(n, c) for _k, n, c, kn in found if kn}
    assert ("Cửa khẩu quốc tế Cầu Treo", "Place") in known
    assert not any("ODA" in n for _k, n, _c, _kn in found)
