"""One tiny hand-written passage per naming rule (data/entity_heads.yaml), with exact names, classes and printed
forms; the discovered status in the graph and in the report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.build.extract import ExtractionContext, extract
from graph.build.model import EntityMention, Parsed
from graph.build.normalise import normalise
from graph.build.sources import Source
from graph.config import PROJECT_ROOT, Settings
from graph.query.report import build_report
from graph.store import OxigraphStore

HEAD = """ỦY BAN NHÂN DÂN
TỈNH NGHỆ AN

Số: 58/KH-UBND

Nghệ An, ngày 2 tháng 4 năm 2026

KẾ HOẠCH
Một kế hoạch thử nghiệm

II. NHIỆM VỤ

"""
POL = "https://w3id.org/policykg/ont#"


def mentions(body: str) -> list[EntityMention]:
    text = HEAD + body
    src = Source("e", Path("e.txt"), text, "0" * 64)
    return extract(Parsed(src, normalise(text)), ExtractionContext(Settings())).mentions


def found(body: str) -> list[tuple[str, str, str]]:
    return [(m.name, m.cls, m.printed) for m in mentions(body)]


def test_head_noun_and_proper_name() -> None:
    assert found("1. Đầu tư cầu Hưng Đức 2, nâng cấp bến cảng Lạch Quèn và sân bay Diễn Châu.\n") == [
        ("Cầu Hưng Đức 2", "Bridge", "cầu Hưng Đức 2"),
        ("Bến cảng Lạch Quèn", "Port", "bến cảng Lạch Quèn"),
        ("Sân bay Diễn Châu", "Airport", "sân bay Diễn Châu"),
    ]


def test_numbers_codes_and_dashed_names() -> None:
    assert found("1. Mở rộng Quốc lộ 46C, ĐT.537B, QL 48D và cao tốc Tân Kỳ - Quỳ Hợp; xây dựng đường vành đai 2.\n") \
        == [
        ("Quốc lộ 46C", "Road", "Quốc lộ 46C"),
        ("Đường tỉnh 537B", "Road", "ĐT.537B"),
        ("Quốc lộ 48D", "Road", "QL 48D"),
        ("Cao tốc Tân Kỳ - Quỳ Hợp", "Road", "cao tốc Tân Kỳ - Quỳ Hợp"),
        ("Đường vành đai 2", "Road", "đường vành đai 2"),
    ]


def test_list_in_parentheses_after_a_colon_and_bare() -> None:
    got = found("1. Lấp đầy các khu công nghiệp (Tân Mai, Yên Lý II, Bắc Hà).\n"
                "2. Nâng cấp các cảng cá: Lạch Vạn, Lạch Thơi và Quỳnh Phương.\n"
                "3. Mở rộng các cụm công nghiệp Nghĩa Hoàn, Thung Khạng theo quy hoạch.\n")
    assert got == [
        ("Khu công nghiệp Tân Mai", "IndustrialPark", "Tân Mai"),
        ("Khu công nghiệp Yên Lý II", "IndustrialPark", "Yên Lý II"),
        ("Khu công nghiệp Bắc Hà", "IndustrialPark", "Bắc Hà"),
        ("Cảng cá Lạch Vạn", "Port", "Lạch Vạn"),
        ("Cảng cá Lạch Thơi", "Port", "Lạch Thơi"),
        ("Cảng cá Quỳnh Phương", "Port", "Quỳnh Phương"),
        ("Cụm công nghiệp Nghĩa Hoàn", "IndustrialPark", "Nghĩa Hoàn"),
        ("Cụm công nghiệp Thung Khạng", "IndustrialPark", "Thung Khạng"),
    ]


def test_guards_head_inside_another_word_or_phrase() -> None:
    """'yêu cầu', 'nhu cầu', 'cầu nối', 'cảng vụ', 'dự án Luật', a caps title, 'Bến Thủy' capitalised
    mid-sentence, a head inside a body's name: none is a thing; the lagoon 'đầm Cầu Hai' is a place, not a bridge."""
    assert found("1. Theo yêu cầu Bộ Xây dựng, đáp ứng nhu cầu Hàng Không; làm cầu nối Doanh Nghiệp.\n"
                 "2. Góp ý dự án Luật Quy Hoạch; phối hợp Cảng vụ Hàng hải Nghệ An; bảo vệ đầm Cầu Hai.\n"
                 "3. Nạo vét luồng vào Bến Thủy; Ban Quản lý Khu kinh tế Đông Nam báo cáo.\n"
                 "III. CÁC KHU CÔNG NGHIỆP NĂM 2026\n") == [("Đầm Cầu Hai", "Place", "đầm Cầu Hai")]


def test_names_stop_before_the_next_cell_and_at_descriptors() -> None:
    """A flattened table row puts the lead body right after the name; 'dự án thành phần 1' names nothing."""
    got = found("1 Hoàn thành cảng tổng hợp Bắc Cửa Lò Sở Xây dựng Quý IV/2026\n"
                "2. Triển khai dự án thành phần 1 và Nhà máy Xi măng Đô Lương.\n")
    assert got == [
        ("Cảng tổng hợp Bắc Cửa Lò", "Port", "cảng tổng hợp Bắc Cửa Lò"),
        ("Nhà máy Xi măng Đô Lương", "Plant", "Nhà máy Xi măng Đô Lương"),
    ]


def test_berth_numbers_and_places() -> None:
    assert found("1. Khai thác bến số 4 cảng Cửa Lò; kè bờ sông Lam, đèo Khế và đảo Hòn Ngư.\n") == [
        ("Bến số 4 cảng Cửa Lò", "Port", "bến số 4 cảng Cửa Lò"),
        ("Cảng Cửa Lò", "Port", "cảng Cửa Lò"),
        ("Sông Lam", "Place", "sông Lam"),
        ("Đèo Khế", "Place", "đèo Khế"),
        ("Đảo Hòn Ngư", "Place", "đảo Hòn Ngư"),
    ]


def test_gazetteer_name_is_merged_and_a_longer_name_is_not() -> None:
    """'cảng biển Vũng Áng' is an alias of the curated 'Cảng Vũng Áng'; 'Khu công nghiệp VSIP Nghệ An' is not
    the curated Hà Tĩnh park 'VSIP', and 'Khu kinh tế Đông Nam Nghệ An' is not the place 'Nam Nghệ An'."""
    ms = mentions("1. Kết nối cảng biển Vũng Áng với Khu công nghiệp VSIP Nghệ An và Khu kinh tế Đông Nam Nghệ An.\n")
    assert [(m.name, m.cls, m.known) for m in ms] == [
        ("Cảng Vũng Áng", "Port", True),
        ("Khu công nghiệp VSIP Nghệ An", "IndustrialPark", False),
        ("Khu kinh tế Đông Nam Nghệ An", "Zone", False),
    ]
    assert [m.rule for m in ms] == [None, "head-noun-name", "head-noun-name"]


@pytest.fixture(scope="module")
def discovered_store(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    from graph.build.pipeline import build

    data = tmp_path_factory.mktemp("data")
    (data / "sources").mkdir()
    for f in (PROJECT_ROOT / "data").glob("*.yaml"):
        shutil.copy(f, data / f.name)
    (data / "sources" / "plan.txt").write_text(
        HEAD + "1. Lấp đầy các khu công nghiệp (Tân Mai, Bắc Hà); nâng cấp cảng biển Vũng Áng.\n", encoding="utf-8")
    store_path = data / "store"
    build(Settings(data_dir=data, store_path=store_path))
    return OxigraphStore(store_path)


def test_discovered_things_are_marked_with_evidence(discovered_store: OxigraphStore) -> None:
    rows = discovered_store.select(
        "PREFIX pol: <https://w3id.org/policykg/ont#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        "SELECT ?n ?rule ?quote WHERE { ?n pol:curationStatus pol:Discovered . "
        "?e rdf:subject ?n ; rdf:predicate pol:curationStatus ; pol:rule ?rule ; pol:quote ?quote } ORDER BY ?n").rows
    assert [(r["n"].value.rsplit("/", 1)[1], r["rule"].value, r["quote"].value) for r in rows] == [
        ("khu-cong-nghiep-bac-ha", "head-noun-list", "Bắc Hà"),
        ("khu-cong-nghiep-tan-mai", "head-noun-list", "Tân Mai"),
    ]
    port = ox.NamedNode("https://w3id.org/policykg/id/project/cang-vung-ang")
    assert not discovered_store.ask(f"ASK {{ ?n <{POL}curationStatus> ?s }}", {"n": port})


def test_report_lists_what_was_discovered(discovered_store: OxigraphStore) -> None:
    section = build_report(discovered_store).section("discovered_entities")
    assert sorted((r["label"], r["class"], r["rule"], r["documents"]) for r in section.rows) == [
        ("Khu công nghiệp Bắc Hà", "IndustrialPark", "head-noun-list", "1"),
        ("Khu công nghiệp Tân Mai", "IndustrialPark", "head-noun-list", "1"),
    ]


def test_descriptors_compared_as_printed_and_inner_heads() -> None:
    """'khí' is a descriptor ('khi' would be a stop word); 'dự án nâng cấp Quốc lộ 15' is the road; a zone after
    'khu vực'; a head at the end of a PDF line (joined to its name)."""
    got = found("1. Khởi công Nhà máy điện khí LNG Nghi Sơn; điều chỉnh dự án nâng cấp Quốc lộ 15; an ninh khu vực\n"
                "Khu kinh tế Nam Đàn; chuẩn bị khởi công cầu\nHưng Hòa 2 trong năm 2027.\n")
    assert got == [
        ("Nhà máy điện khí LNG Nghi Sơn", "PowerPlant", "Nhà máy điện khí LNG Nghi Sơn"),
        ("Quốc lộ 15", "Road", "Quốc lộ 15"),
        ("Khu kinh tế Nam Đàn", "Zone", "Khu kinh tế Nam Đàn"),
        ("Cầu Hưng Hòa 2", "Bridge", "cầu Hưng Hòa 2"),
    ]


def test_a_section_of_a_known_route_is_part_of_it() -> None:
    text = HEAD + ("1. Hoàn thành cao tốc Bắc - Nam đoạn Hoàng Mai - Diễn Châu và đường ven biển đoạn Cửa Hội - "
                   "Xuân Hội.\n")
    src = Source("e", Path("e.txt"), text, "0" * 64)
    ex = extract(Parsed(src, normalise(text)), ExtractionContext(Settings()))
    assert [(m.name, m.known, m.whole) for m in ex.mentions] == [
        ("Cao tốc Bắc - Nam đoạn Hoàng Mai - Diễn Châu", False, ("Road", "Cao tốc Bắc - Nam")),
        ("Đường ven biển đoạn Cửa Hội - Xuân Hội", False, None),
    ]
    part = [(link.subject.key[1], link.object.key[1], link.evidence.rule) for link in ex.links
            if link.predicate == "partOf"]
    assert part == [("Cao tốc Bắc - Nam đoạn Hoàng Mai - Diễn Châu", "Cao tốc Bắc - Nam", "route-section")]


def test_a_berth_is_named_with_its_port() -> None:
    """A berth number alone would merge the berths of every port: it takes the port of its list or sentence,
    or names nothing."""
    text = HEAD + ("1. Nâng cấp bến số 2, bến số 3 cảng Lạch Ghép.\n"
                   "2. Cảng Nghi Thiết: hoàn thành bến số 7 trước ngày 30/6/2026.\n"
                   "3. Nạo vét khu nước trước bến số 4.\n")
    src = Source("e", Path("e.txt"), text, "0" * 64)
    ex = extract(Parsed(src, normalise(text)), ExtractionContext(Settings()))
    assert [(m.name, m.printed, m.whole) for m in ex.mentions] == [
        ("Bến số 2 cảng Lạch Ghép", "bến số 2", ("Port", "Cảng Lạch Ghép")),
        ("Bến số 3 cảng Lạch Ghép", "bến số 3 cảng Lạch Ghép", ("Port", "Cảng Lạch Ghép")),
        ("Cảng Lạch Ghép", "cảng Lạch Ghép", None),
        ("Cảng Nghi Thiết", "Cảng Nghi Thiết", None),
        ("Bến số 7 Cảng Nghi Thiết", "bến số 7", ("Port", "Cảng Nghi Thiết")),
    ]
    assert sorted((link.subject.key[1], link.object.key[1], link.evidence.rule) for link in ex.links
                  if link.predicate == "partOf") == [
        ("Bến số 2 cảng Lạch Ghép", "Cảng Lạch Ghép", "berth-of-port"),
        ("Bến số 3 cảng Lạch Ghép", "Cảng Lạch Ghép", "berth-of-port"),
        ("Bến số 7 Cảng Nghi Thiết", "Cảng Nghi Thiết", "berth-of-port")]


def test_ocr_without_diacritics_keeps_multiword_heads_only() -> None:
    """OCR noise drops diacritics: 'khu cong nghiep' is still the head; a bare 'cau' may be 'câu', never a bridge."""
    assert found("1. Hoàn thành khu cong nghiep Tân Thạch; sửa chữa cau Hòa Bình.\n") == [
        ("Khu công nghiệp Tân Thạch", "IndustrialPark", "khu cong nghiep Tân Thạch")]


@pytest.mark.parametrize("body", [
    "6. Các dự án khác: 434,6 ha đất công nghiệp.",            # a measure, not a project
    "Di dời công trình (đường dây 220 kV, tuyến ống cấp nước) trong năm 2027.",  # a voltage names no line
    "Phát triển hạ tầng năng lượng và khu kinh tế phía Bắc tỉnh.",  # a direction, not a zone's name
    "Theo Quy hoạch chi tiết nhóm cảng biển Bắc Trung Bộ.",     # a planning group of seaports, a region
    "Nâng cao năng lực cảng biển Quảng Trị.",                   # any province's name is a bare place
])
def test_measures_directions_regions_name_nothing(body: str) -> None:
    assert mentions(body) == []


def test_a_flattened_tables_row_number_is_never_part_of_a_name() -> None:
    body = "STT\nNhiệm vụ\nĐơn vị chủ trì\nI\nLĩnh vực hạ tầng cảng\n1\nĐầu tư bến số 2 Cảng Nam Đồ Sơn\nSở Xây dựng\n"
    names = {m.name for m in mentions(body)}
    assert not any(n.startswith("Cảng 1") for n in names), names
    assert "Cảng Nam Đồ Sơn" in names


def test_a_capitalised_two_syllable_word_stays_whole_in_a_name() -> None:
    names = {m.name for m in mentions("1. Đầu tư Đường vành đai V vùng Thủ đô đoạn qua tỉnh; năm 2027.\n")}
    assert "Đường vành đai V vùng Thủ đô" in names and "Đường vành đai V vùng Thủ" not in names


def test_the_national_coastal_road_is_named_by_the_province_it_crosses() -> None:
    found = {(m.name, m.cls) for m in mentions("1. Đẩy nhanh đường bộ ven biển đoạn qua tỉnh Quảng Ngãi; năm 2027.\n"
                                               "2. Rà soát hiện trạng đường bộ ven biển; năm 2026.\n")}
    assert ("Đường bộ ven biển đoạn qua tỉnh Quảng Ngãi", "Road") in found
    assert not any(name == "Đường bộ ven biển" for name, _ in found)  # without its segment it names no one work


def test_airports_and_dry_ports_may_be_named_after_their_province() -> None:
    found = {(m.name, m.cls) for m in mentions("1. Mở rộng Sân bay quốc tế Đà Nẵng và cảng cạn Lào Cai; năm 2027.\n")}
    assert {("Sân bay quốc tế Đà Nẵng", "Airport"), ("Cảng cạn Lào Cai", "LogisticsCentre")} <= found


def test_a_date_that_opens_the_next_sentence_is_not_part_of_a_name() -> None:
    names = {m.name for m in mentions("Kiểm tra Dự án cao tốc Hữu Nghị - Chi Lăng\nNgày 12/5/2026, đoàn công tác …\n")}
    assert "Cao tốc Hữu Nghị - Chi Lăng" in names and not any("Ngày" in n for n in names)


def test_a_name_never_crosses_a_table_cell_border() -> None:
    row = "| 1 | Mở rộng cảng Chân Mây | Chi cục Hải quan cửa khẩu Lao Bảo | Đồn Biên phòng Cửa khẩu | Năm 2026 |\n"
    names = {m.name for m in mentions(row)}
    assert not any("|" in n for n in names), names


def test_the_addressee_line_begins_no_part_of_a_name() -> None:
    names = {m.name for m in mentions("V/v đẩy nhanh Dự án cao tốc Mỹ An - Cao Lãnh\nKính gửi: Sở Xây dựng\n")}
    assert "Cao tốc Mỹ An - Cao Lãnh" in names and not any("Kính" in n for n in names), names
