"""The title block, signature and recipients on small documents of our own writing, one layout each
(GENRE.md: the three numbering families, one- and two-line issuer blocks, interleaved columns, blank numbers
and days in unsigned copies, công văn with 'V/v' and 'Kính gửi')."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.build.extract import ExtractionContext
from graph.build.extract.document_step import document_record
from graph.build.model import DocumentRecord, Parsed
from graph.build.normalise import normalise
from graph.build.sources import Source
from graph.config import Settings


@pytest.fixture(scope="module")
def ctx() -> ExtractionContext:
    return ExtractionContext(Settings())


def _read(ctx: ExtractionContext, text: str) -> DocumentRecord:
    return document_record(Parsed(Source("t", Path("t.txt"), text, "0"), normalise(text)), ctx)


UBND_PLAN_INTERLEAVED = """ỦY BAN NHÂN DÂN        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH NGHỆ AN              Độc lập - Tự do - Hạnh phúc
Số: 57 /KH-UBND           Nghệ An, ngày 26 tháng 3 năm 2026

KẾ HOẠCH
Triển khai thực hiện Nghị quyết số 12-NQ/TU ngày 10/01/2026 của Ban Thường vụ
Tỉnh ủy về phát triển kinh tế biển

Thực hiện Nghị quyết số 12-NQ/TU ngày 10/01/2026 của Ban Thường vụ Tỉnh ủy, Ủy ban nhân dân tỉnh ban hành
Kế hoạch thực hiện như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Cụ thể hóa các nhiệm vụ.
Nơi nhận:                                   TM. ỦY BAN NHÂN DÂN
- Thường trực Tỉnh ủy;                      KT. CHỦ TỊCH
- Các sở, ban, ngành;                       PHÓ CHỦ TỊCH
- Lưu: VT, KT.
                                            Lê Văn Bình
"""


def test_two_line_issuer_interleaved_columns(ctx: ExtractionContext) -> None:
    r = _read(ctx, UBND_PLAN_INTERLEAVED)
    assert (r.ref.type, r.ref.number, r.ref.issued, r.ref.issuer) == ("Kế hoạch", "57/KH-UBND", date(2026, 3, 26),
                                                                       "UBND tỉnh")
    assert r.jurisdiction == "Nghệ An" and r.jurisdiction_rule == "issuer"
    assert r.ref.title.startswith("Triển khai thực hiện Nghị quyết số 12-NQ/TU")
    assert r.ref.title.endswith("kinh tế biển")
    assert (r.signer.name, r.signer_role) == ("Lê Văn Bình", "Phó Chủ tịch")
    assert [x.name for x in r.recipients] == ["Thường trực Tỉnh ủy", "Các sở, ban, ngành"]
    cited = [(c.cited.number, c.relation) for c in r.citations]
    assert ("12-NQ/TU", "implements") in cited
    assert all(c.cited.number != "57/KH-UBND" for c in r.citations)  # never itself


def test_department_under_its_parent_one_column_after_the_other(ctx: ExtractionContext) -> None:
    text = ("UBND TỈNH HÀ TĨNH\nSỞ CÔNG THƯƠNG\nSố: 1403/SCT-QLTM8\nV/v triển khai Kế hoạch số 120/KH-UBND\n"
            "của UBND tỉnh\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Hà Tĩnh, ngày 16 tháng 6 năm 2025\nKính gửi:\n- UBND các xã, phường;\n- Sở Tài chính.\n"
            "Thực hiện Kế hoạch số 120/KH-UBND ngày 02/6/2025 của UBND tỉnh, Sở Công Thương đề nghị các đơn vị.\n")
    r = _read(ctx, text)
    assert (r.ref.type, r.ref.number, r.ref.issued) == ("Văn bản", "1403/SCT-QLTM8", date(2025, 6, 16))
    assert (r.ref.issuer, r.parent, r.jurisdiction) == ("Sở Công Thương", "UBND tỉnh", "Hà Tĩnh")
    assert r.ref.title == "triển khai Kế hoạch số 120/KH-UBND của UBND tỉnh"
    assert [x.name for x in r.recipients] == ["UBND các xã, phường", "Sở Tài chính"]
    assert [(c.cited.number, c.relation) for c in r.citations if c.citing is None][0] == ("120/KH-UBND", "implements")


def test_central_notice_and_national_assembly_resolution(ctx: ExtractionContext) -> None:
    notice = _read(ctx, "VĂN PHÒNG CHÍNH PHỦ\nSố: 210/TB-VPCP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                        "Hà Nội, ngày 05 tháng 5 năm 2026\nTHÔNG BÁO\nKết luận của Thủ tướng Chính phủ tại cuộc họp\n"
                        "về dự án cảng\n")
    assert (notice.ref.type, notice.ref.number, notice.ref.issuer) == ("Thông báo", "210/TB-VPCP",
                                                                       "Văn phòng Chính phủ")
    assert notice.jurisdiction is None  # a central body: no province, even with 'Hà Nội' in the date line
    qh = _read(ctx, "QUỐC HỘI\nNghị quyết số: 41/2025/QH15\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                    "Độc lập - Tự do - Hạnh phúc\nNGHỊ QUYẾT\nVề thí điểm một số cơ chế\nQUỐC HỘI\n"
                    "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\n")
    assert (qh.ref.type, qh.ref.number, qh.ref.issuer, qh.jurisdiction) == ("Nghị quyết", "41/2025/QH15", "Quốc hội",
                                                                           None)


def test_party_number_with_spaces_and_party_motto(ctx: ExtractionContext) -> None:
    text = ("ĐẢNG BỘ TỈNH THANH HÓA\nTỈNH ỦY\n*\nSố 12 -NQ/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
            "Thanh Hóa, ngày 08 tháng 4 năm 2026\nNGHỊ QUYẾT\nCỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH\n"
            "về phát triển hạ tầng giao thông\n-----\nThực hiện Kết luận số 215- KL/TU, ngày 02/3/2026 của Ban "
            "Thường vụ Tỉnh ủy, Ban Chấp hành Đảng bộ tỉnh thống nhất.\n")
    r = _read(ctx, text)
    # 'ĐẢNG BỘ TỈNH …' over 'TỈNH ỦY' is the organisation and its own committee, not a parent
    assert (r.ref.number, r.ref.issuer, r.parent, r.jurisdiction) == ("12-NQ/TU", "Ban Chấp hành Đảng bộ tỉnh",
                                                                     None, "Thanh Hóa")
    assert [(c.cited.number, c.relation) for c in r.citations] == [("215-KL/TU", "implements")]


def test_unsigned_copy_keeps_number_and_day_blank(ctx: ExtractionContext) -> None:
    text = ("ỦY BAN NHÂN DÂN\nXÃ HẢI LĂNG\nSố:      /UBND-XD\nQuảng Trị, ngày    tháng 7 năm 2026\n"
            "V/v rà soát hồ sơ đất đai\nKính gửi: Các thôn trên địa bàn xã.\n"
            "Căn cứ Luật Đất đai số 31/2024/QH15 ngày 18/01/2024;\n")
    r = _read(ctx, text)
    assert r.ref.number is None and r.number_blank
    assert r.ref.issued is None  # never the date of the cited law
    assert (r.ref.issuer, r.jurisdiction) == ("UBND xã Hải Lăng", "Quảng Trị")
    assert [(c.cited.type, c.cited.number, c.cited.issued) for c in r.citations] == [
        ("Luật", "31/2024/QH15", date(2024, 1, 18))]


def test_bodies_of_two_provinces_are_two_nodes(ctx: ExtractionContext) -> None:
    nghe_an = ctx.provinces.get("Nghệ An")
    ha_tinh = ctx.provinces.get("Hà Tĩnh")
    a = ctx.bodies.resolve("Sở Công Thương", province=nghe_an)
    b = ctx.bodies.resolve("Sở Công Thương", province=ha_tinh)
    c = ctx.bodies.resolve("Sở Công Thương tỉnh Hà Tĩnh", province=nghe_an)  # the province printed with it wins
    assert a.key != b.key and b.key == c.key
    assert ctx.bodies.resolve("Bộ Công Thương", province=nghe_an).key == ctx.bodies.resolve(
        "Bộ Công Thương", province=ha_tinh).key  # central: one node
    ward = ctx.bodies.resolve("UBND phường Trường Vinh", province=nghe_an)
    assert (ward.name, ward.level, ward.curated) == ("UBND phường Trường Vinh", "local", False)
    assert ctx.bodies.resolve("Sở Du lịch", province=None, source="x").scope == "x"  # unknown province: kept apart
