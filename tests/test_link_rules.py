"""Each named link rule on a small document of our own writing (a plan of another province): the rule holds
for the genre, not only for the seed it was first seen in."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.build.extract import ExtractionContext, extract
from graph.build.model import Extraction, Parsed
from graph.build.normalise import normalise
from graph.build.sources import Source
from graph.config import Settings

PLAN = """ỦY BAN NHÂN DÂN
TỈNH NGHỆ AN
Số: 12/KH-UBND
Nghệ An, ngày 05 tháng 3 năm 2026
KẾ HOẠCH
Phát triển hạ tầng giao thông và logistics năm 2026
II. NHIỆM VỤ, GIẢI PHÁP
1. Đầu tư xây dựng tuyến đường nối Quốc lộ 1 vào cảng Cửa Lò.
2. Phát triển Trung tâm logistics Đông Hồi tại cảng Đông Hồi.
3. Phát triển đô thị theo mô hình TOD quanh các ga đường sắt tốc độ cao trên địa bàn tỉnh.
4. Chuẩn bị mặt bằng cho đường bộ, đường sắt tốc độ cao Bắc - Nam đoạn qua tỉnh.
"""


@pytest.fixture(scope="module")
def plan() -> Extraction:
    return extract(Parsed(Source("r", Path("r.txt"), PLAN, "0"), normalise(PLAN)), ExtractionContext(Settings()))


def _links(ex: Extraction, rule: str) -> set[tuple]:
    return {(link.subject.key[-1], link.predicate, link.object.key[-1]) for link in ex.links
            if link.evidence.rule == rule}


def test_transport_link_to_port(plan: Extraction) -> None:
    # 'tuyến đường nối … vào cảng Cửa Lò': the road needs the port
    assert _links(plan, "transport-link-to-port") == {("1", "dependsOn", "Cảng Cửa Lò")}


def test_logistics_centre_at_port(plan: Extraction) -> None:
    assert _links(plan, "logistics-centre-at-port") == {
        ("Trung tâm logistics Đông Hồi", "dependsOn", "Cảng Đông Hồi")}


def test_tod_at_high_speed_rail_stations(plan: Extraction) -> None:
    assert _links(plan, "tod-at-high-speed-rail-stations") == {
        ("3", "dependsOn", "Đường sắt tốc độ cao Bắc - Nam")}


def test_shared_name_coordination(plan: Extraction) -> None:
    # 'đường bộ, đường sắt tốc độ cao Bắc - Nam': the road shares the railway's name
    assert _links(plan, "shared-name-coordination") == {("4", "concerns", "Cao tốc Bắc - Nam")}


def test_no_rule_link_without_its_cue() -> None:
    text = PLAN.replace("tuyến đường nối Quốc lộ 1 vào cảng Cửa Lò", "kho bãi trong cảng Cửa Lò").replace(
        "tại cảng Đông Hồi", "và cảng Đông Hồi")
    ex = extract(Parsed(Source("r", Path("r.txt"), text, "0"), normalise(text)), ExtractionContext(Settings()))
    assert not _links(ex, "transport-link-to-port") and not _links(ex, "logistics-centre-at-port")
