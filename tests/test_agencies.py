"""Agencies: one node per body whatever the printing; collectives as groups; scored against the gold lists."""

from __future__ import annotations

import pytest
import yaml

from graph.build.agencies import load_lexicon, split_agencies
from graph.config import PROJECT_ROOT, Settings

GOLD = PROJECT_ROOT / "tests" / "gold" / "tasks"


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(Settings().agencies_path)


def test_document_agencies_against_gold() -> None:
    from graph.build.pipeline import run_extraction

    ex, _ = run_extraction(Settings())
    by = {e.parsed.key.removesuffix(".txt"): e for e in ex}
    tp = pred = gold_n = 0
    for path in sorted(GOLD.glob("*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        found = {a.name for a in by[gold["source"].removesuffix(".txt")].agencies if not a.group}
        want = set(gold["agencies"])
        tp, pred, gold_n = tp + len(found & want), pred + len(found), gold_n + len(want)
    p, r = tp / pred, tp / gold_n
    print(f"agencies precision {p:.3f} recall {r:.3f}")
    assert p >= 0.95 and r >= 0.95


@pytest.mark.parametrize("printed, names", [
    ("Sở Nông\nnghiệp và\nMôi trường", ["Sở Nông nghiệp và Môi trường"]),
    ("Ban Thường vụ Tỉnh uỷ", ["Ban Thường vụ Tỉnh ủy"]),
    ("UBKT, Văn phòng TW Đảng, (báo cáo)", ["Ủy ban Kiểm tra Trung ương", "Văn phòng Trung ương Đảng"]),
    ("Các ban Đảng, UBKT, Văn phòng Tỉnh ủy,", ["Các ban Đảng", "Ủy ban Kiểm tra Tỉnh ủy", "Văn phòng Tỉnh ủy"]),
    ("HĐND, UBND, UBMTTQ tỉnh,", ["Hội đồng nhân dân tỉnh", "UBND tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"]),
    ("Các ban Đảng, UBKTTW, VPTW Đảng,", ["Các ban Đảng", "Ủy ban Kiểm tra Trung ương", "Văn phòng Trung ương Đảng"]),
    ("Chánh Văn phòng UBND tỉnh;", ["Văn phòng UBND tỉnh"]),
    ("Sở Văn\nhóa, Thể\nthao và Du\nlịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
    ("Sở Nội vụ (Ban Thi đua - Khen thưởng)", ["Sở Nội vụ", "Ban Thi đua - Khen thưởng"]),
    ("Lưu: VT, KT, KT2.", []),
    ("Các đồng chí Tỉnh ủy viên,", []),
])
def test_split_agencies(lexicon, printed: str, names: list[str]) -> None:
    assert [r.name for r in split_agencies(printed, None, lexicon)] == names


def test_collectives_are_groups(lexicon) -> None:
    refs = split_agencies("Các sở, ban, ngành, UBND các địa phương", None, lexicon)
    assert [(r.name, r.group) for r in refs] == [("Các sở, ban, ngành, UBND các địa phương", True)]
    refs = split_agencies("Sở Du lịch, các đơn vị liên quan", None, lexicon)
    assert [(r.name, r.group) for r in refs] == [("Sở Du lịch", False), ("các đơn vị liên quan", True)]


def test_not_a_body_inside_other_words(lexicon) -> None:
    text = "trên cơ sở xây dựng; UBND các địa phương; Chính phủ số; Kế hoạch số 12/KH-UBND; Tỉnh ủy viên"
    assert lexicon.find(text) == []


def test_graph_has_one_node_per_body(store) -> None:
    rows = store.query("""PREFIX pol: <https://w3id.org/policykg/ont#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a pol:Agency ; rdfs:label ?label } GROUP BY ?label""")
    rows = list(rows)
    assert rows and all(int(r["n"].value) == 1 for r in rows)
    labels = {r["label"].value for r in rows}
    assert {"Sở Nông nghiệp và Môi trường tỉnh Hà Tĩnh", "Chi cục Hải quan Khu vực XI",
            "Ban Thường vụ Tỉnh ủy Hà Tĩnh"} <= labels
