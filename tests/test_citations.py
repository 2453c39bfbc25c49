"""The citation parser on the awkward forms printed in the seeds (and a few more)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.build.extract import ExtractionContext
from graph.build.extract.document_step import document_record
from graph.build.model import Parsed
from graph.build.normalise import normalise
from graph.build.sources import Source
from graph.config import Settings


@pytest.fixture(scope="module")
def extractor() -> ExtractionContext:
    return ExtractionContext(Settings())


def _parse(text: str) -> Parsed:
    return Parsed(Source("t", Path("t.txt"), text, "0"), normalise(text))


def _cite(extractor: ExtractionContext, text: str) -> list[tuple]:
    record = document_record(_parse(text), extractor)
    return [(c.cited.type, c.cited.number, c.cited.issued, c.cited.issuer, c.relation,
             c.citing.number if c.citing else None) for c in record.citations]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sau hơn 3 năm thực hiện Nghị quyết số 11-NQ/TU, ngày 26/5/2022 của Ban Thường vụ Tỉnh ủy về xuất khẩu.",
         ("Nghị quyết", "11-NQ/TU", date(2022, 5, 26), "Ban Thường vụ Tỉnh ủy")),
        ("theo Kết luận số 57-KL/TU, ngày 07/11/2022 của Ban Thường vụ Tỉnh ủy về tiếp tục thực hiện.",
         ("Kết luận", "57-KL/TU", date(2022, 11, 7), "Ban Thường vụ Tỉnh ủy")),
        ("Triển khai Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án.",
         ("Quyết định", "06/QĐ-TTg", date(2022, 1, 6), "Thủ tướng Chính phủ")),
        ("trên cơ sở đề xuất của Sở Công Thương tại Văn bản số 1403/SCT-QLTM8 ngày 16/6/2025 (sau khi tổng hợp).",
         ("Văn bản", "1403/SCT-QLTM8", date(2025, 6, 16), "Sở Công Thương")),
        ("Chương trình hành động số 2022-CTr/TU ngày 06/02/2020 của Ban Thường vụ Tỉnh ủy về hội nhập.",
         ("Chương trình hành động", "2022-CTr/TU", date(2020, 2, 6), "Ban Thường vụ Tỉnh ủy")),
        ("tiếp tục thực hiện Nghị quyết số 18-NQ/TU về phát triển văn hóa.",
         ("Nghị quyết", "18-NQ/TU", None, None)),
        ("Hà Tĩnh, ngày 07 tháng 02 năm 2023\nTheo Nghị quyết số 19-\n"
         "NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương.",
         ("Nghị quyết", "19-NQ/TW", date(2022, 6, 16), "Ban Chấp hành Trung ương Đảng")),
        ("Thực hiện Thông báo số 640-TB/TU của Ban Thường vụ Tỉnh ủy.",
         ("Thông báo", "640-TB/TU", None, "Ban Thường vụ Tỉnh ủy")),
    ],
)
def test_citation_forms(extractor: ExtractionContext, text: str, expected: tuple) -> None:
    found = _cite(extractor, text)
    assert found, text
    assert found[0][:4] == expected


def test_type_from_number_code_when_no_type_word(extractor: ExtractionContext) -> None:
    found = _cite(extractor, "các văn bản 12-CT/TU và 45-KL/TW đã ban hành.")
    assert [(t, n) for t, n, *_ in found] == [("Chỉ thị", "12-CT/TU"), ("Kết luận", "45-KL/TW")]


def test_list_of_numbers_inherits_the_type(extractor: ExtractionContext) -> None:
    found = _cite(extractor, "thực hiện các Nghị quyết số 19-NQ/TW, 20-NQ/TW của Ban Chấp hành Trung ương.")
    assert [(t, n) for t, n, *_ in found] == [("Nghị quyết", "19-NQ/TW"), ("Nghị quyết", "20-NQ/TW")]


def test_title_block_implements_and_cited_document_implements_another(extractor: ExtractionContext) -> None:
    text = (
        "CHƯƠNG TRÌNH HÀNH ĐỘNG\n"
        "Thực hiện Nghị quyết số 29-NQ/TW ngày 17/11/2022 của Ban Chấp hành Trung ương Đảng khóa XIII về\n"
        "công nghiệp hóa và Kế hoạch số 13-KH/TW ngày 28/11/2022 của Bộ Chính trị thực hiện Nghị quyết số 29-NQ/TW\n"
        "-----\n"
        "Nội dung chính như sau.\n"
    )
    found = _cite(extractor, text)
    implements = {(n, citing) for _, n, _, _, rel, citing in found if rel == "implements"}
    assert ("29-NQ/TW", None) in implements  # the programme implements the resolution
    assert ("13-KH/TW", None) in implements  # … and the plan ('… và Kế hoạch số 13-KH/TW')
    assert ("29-NQ/TW", "13-KH/TW") in implements  # the plan itself implements the resolution


def test_body_mention_is_a_citation_not_an_implementation(extractor: ExtractionContext) -> None:
    text = ("KẾT LUẬN\nVề công nghiệp\n-----\n"
            "Mở đầu văn bản dài hơn tám mươi ký tự để làm đoạn văn mở đầu của văn bản này.\n"
            "1. Thực hiện tốt Chỉ thị số 10-CT/TU, ngày 15/6/2021 của Ban Thường vụ Tỉnh ủy.\n")
    found = _cite(extractor, text)
    assert found[0][1] == "10-CT/TU" and found[0][4] == "cites"


def test_own_number_is_not_a_citation(extractor: ExtractionContext) -> None:
    text = ("TỈNH ỦY HÀ TĨNH\nSố 57-KL/TU\nHà Tĩnh, ngày 07 tháng 10 năm 2022\n"
            "KẾT LUẬN\nVề công nghiệp\n-----\nNội dung.\n")
    record = document_record(_parse(text), extractor)
    assert record.ref.number == "57-KL/TU" and record.ref.issued == date(2022, 10, 7)
    assert record.citations == []


def test_cited_programme_implements_the_resolution_its_subject_names(extractor: ExtractionContext) -> None:
    text = ("Chương trình hành động số 16-CTr/TU ngày 30/9/2022 của Ban Chấp hành Đảng bộ tỉnh về thực hiện "
            "Nghị quyết số 19-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương Đảng về nông nghiệp.")
    record = document_record(_parse(text), extractor)
    link = next(c for c in record.citations if c.citing is not None)
    assert (link.citing.number, link.relation, link.cited.number) == ("16-CTr/TU", "implements", "19-NQ/TW")
    assert link.evidence.quote.startswith("Chương trình hành động số 16-CTr/TU") and "19-NQ/TW" in link.evidence.quote
    assert link.evidence.cue == "thực hiện"
    # the source itself only cites both
    assert {(c.cited.number, c.relation) for c in record.citations if c.citing is None} == {
        ("16-CTr/TU", "cites"), ("19-NQ/TW", "cites")}


@pytest.mark.parametrize(
    ("text", "number", "relation"),
    [
        # an assessment of implementation cites the resolution; it does not implement it
        ("KẾT LUẬN\nvề phát triển\n-----\nSau 7 năm thực hiện Nghị quyết số 36-NQ/TW, ngày 22/10/2018 của Ban "
         "Chấp hành Trung ương Đảng, các cấp đã đạt kết quả.", "36-NQ/TW", "cites"),
        ("THÔNG BÁO\nKết luận\n-----\nThủ tướng làm việc về tình hình và việc thực hiện Nghị quyết số 226/2025/QH15 "
         "ngày 27/6/2025 của Quốc hội về thành phố.", "226/2025/QH15", "cites"),
        # 'Về việc thực hiện …' in the subject, and 'thực hiện chỉ đạo của … tại …' in the opening, implement
        ("QUYẾT ĐỊNH\nVề việc thực hiện Nghị quyết số 12/2026/NQ-HĐND của HĐND tỉnh\n-----\nCăn cứ Luật.",
         "12/2026/NQ-HĐND", "implements"),
        ("BỘ XÂY DỰNG\nSố: 12/BXD-KH\nV/v đẩy nhanh tiến độ\nKính gửi: UBND các tỉnh.\nThực hiện chỉ đạo của Thủ "
         "tướng Chính phủ tại Công điện số 98/CĐ-TTg ngày 22/9/2026, Bộ Xây dựng đề nghị các địa phương.",
         "98/CĐ-TTg", "implements"),
        # a công văn's opening comes after its addressees; its bases ('Căn cứ') only cite
        ("UBND TỈNH QUẢNG NGÃI\nSỞ XÂY DỰNG\nSố: 14/SXD-QLHT\nV/v rà soát\nKính gửi:\n- UBND các xã;\n"
         "Căn cứ Nghị định số 06/2021/NĐ-CP ngày 26/01/2021 của Chính phủ;\nThực hiện Văn bản số 2188/UBND-KTN "
         "ngày 12/6/2026 của UBND tỉnh về việc rà soát, Sở Xây dựng đề nghị.", "2188/UBND-KTN", "implements"),
    ],
)
def test_implements_or_cites(extractor: ExtractionContext, text: str, number: str, relation: str) -> None:
    found = {n: r for _, n, _, _, r, citing in _cite(extractor, text) if citing is None}
    assert found[number] == relation


def test_numbers_of_the_three_families_with_spaces(extractor: ExtractionContext) -> None:
    text = ("Căn cứ Luật Tổ chức chính quyền địa phương số 77/2015/QH13; Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 "
            "của Chính phủ; Xét Tờ trình số 146/TTr-STC ngày 02/4/2026 của Giám đốc Sở Tài chính; Kết luận số "
            "215- KL/TU của Ban Thường vụ Tỉnh ủy; Quyết định số 812/QĐ - UBND.")
    found = [(t, n, issuer) for t, n, _, issuer, _, _ in _cite(extractor, text)]
    assert found == [("Luật", "77/2015/QH13", None), ("Nghị định", "30/2020/NĐ-CP", "Chính phủ"),
                     ("Tờ trình", "146/TTr-STC", "Sở Tài chính"), ("Kết luận", "215-KL/TU", "Ban Thường vụ Tỉnh ủy"),
                     ("Quyết định", "812/QĐ-UBND", None)]
