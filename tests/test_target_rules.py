"""One tiny hand-written document per target rule (layouts of the genre, our own wording), with exact values.

Each document goes through the real extraction steps (title block, then targets), so the document's own year
is known where the rule needs it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from graph.build.extract import ExtractionContext, extract
from graph.build.extract.targets import load_cues
from graph.build.model import Parsed, Target
from graph.build.normalise import normalise
from graph.build.sources import Source
from graph.config import Settings

HEAD = """ỦY BAN NHÂN DÂN
TỈNH NGHỆ AN

Số: 41/KH-UBND

Nghệ An, ngày 9 tháng 3 năm 2026

KẾ HOẠCH
Phát triển một lĩnh vực thử nghiệm

"""


def targets_of(body: str, head: str = HEAD) -> list[Target]:
    text = head + body
    src = Source("t", Path("t.txt"), text, "0" * 64)
    ex = extract(Parsed(src, normalise(text)), ExtractionContext(Settings()))
    return ex.targets


def rows(targets: list[Target]) -> list[tuple]:
    return [(t.number, t.indicator, t.comparator, t.value, t.upper, t.unit, t.year) for t in targets]


def D(x: str) -> Decimal:
    return Decimal(x)


def test_numbered_objectives_inherit_the_heading_year() -> None:
    got = targets_of("""II. MỤC TIÊU ĐẾN NĂM 2030

(1) Giá trị xuất khẩu thủy sản đạt 320 triệu USD.
(2) Có ít nhất 04 cảng cá được nâng cấp.
(3) Sản lượng nuôi trồng không dưới 2,15 triệu tấn.
""")
    assert rows(got) == [
        ("1", "Giá trị xuất khẩu thủy sản", "đạt", D("320"), None, "triệu USD", 2030),
        ("2", "cảng cá được nâng cấp", "ít nhất", D("4"), None, "cảng", 2030),
        ("3", "Sản lượng nuôi trồng", "không dưới", D("2.15"), None, "triệu tấn", 2030),
    ]


def test_numbered_objectives_joined_in_one_paragraph_party_markers() -> None:
    """A Party resolution numbers 'II-', '1-'; its objectives run on in one paragraph."""
    got = targets_of("""II- MỤC TIÊU ĐẾN NĂM 2030

1- Mục tiêu tổng quát: Đưa lĩnh vực trở thành ngành kinh tế mũi nhọn.

2- Chỉ tiêu chủ yếu: (1) Tỷ trọng trong GRDP chiếm khoảng 12%; (2) lượng khách du lịch đạt
trên 4,5 triệu lượt; (3) số lao động có việc làm mới đạt 9.000 người.
""")
    assert rows(got) == [
        ("1", "Tỷ trọng trong GRDP", "khoảng", D("12"), None, "%", 2030),
        ("2", "lượng khách du lịch", "trên", D("4.5"), None, "triệu lượt", 2030),
        ("3", "số lao động có việc làm mới", "đạt", D("9000"), None, "người", 2030),
    ]


def test_hedged_comparators() -> None:
    got = targets_of("""II. MỤC TIÊU

Đến năm 2028, diện tích vùng nguyên liệu tập trung đạt khoảng trên 500 ha; số hợp tác xã kiểu mới
phấn đấu đạt ít nhất 30 hợp tác xã.
""")
    assert rows(got) == [
        (None, "diện tích vùng nguyên liệu tập trung", "trên", D("500"), None, "ha", 2028),
        (None, "số hợp tác xã kiểu mới", "ít nhất", D("30"), None, "hợp tác xã", 2028),
    ]


def test_ranges_hyphen_and_tu_den() -> None:
    got = targets_of("""II. MỤC TIÊU

Đến năm 2030, tốc độ tăng trưởng bình quân khoảng 8 - 10%/năm; tỷ lệ che phủ rừng duy trì từ 57%
đến 58%; thu hút từ 5 đến 7 dự án chế biến sâu.
""")
    assert rows(got) == [
        (None, "tốc độ tăng trưởng", "khoảng", D("8"), D("10"), "%/năm", 2030),
        (None, "tỷ lệ che phủ rừng", None, D("57"), D("58"), "%", 2030),
        (None, "dự án chế biến sâu", None, D("5"), D("7"), "dự án", 2030),
    ]


def test_vietnamese_numbers() -> None:
    got = targets_of("""II. MỤC TIÊU NĂM 2027

- Tổng vốn đầu tư toàn xã hội đạt 1.250 tỷ đồng.
- Sản lượng lúa đạt 2,15 triệu tấn.
- Thu nhập bình quân tối thiểu 72,5 triệu đồng/người/năm.
""")
    assert [(t.value, t.unit, t.year) for t in got] == [
        (D("1250"), "tỷ đồng", 2027), (D("2.15"), "triệu tấn", 2027), (D("72.5"), "triệu đồng/người/năm", 2027)]


def test_hundred_percent_standard_indicator_after_the_number() -> None:
    got = targets_of("""II. MỤC TIÊU ĐẾN NĂM 2030

- 100% số trường học đạt chuẩn quốc gia.
- Phấn đấu 95% thôn, bản đạt chuẩn văn hóa.
""")
    assert rows(got) == [
        (None, "số trường học đạt chuẩn quốc gia", None, D("100"), None, "%", 2030),
        (None, "thôn, bản đạt chuẩn văn hóa", None, D("95"), None, "%", 2030),
    ]


def test_year_from_the_subsection_title() -> None:
    got = targets_of("""II. MỤC TIÊU

1. Mục tiêu cụ thể năm 2026

a) Tỷ lệ giải ngân vốn đầu tư công đạt trên 95%.

2. Đến năm 2030

- Tỷ lệ đô thị hóa đến năm 2030: 45% trở lên.
- Thu nhập bình quân đầu người đến năm 2030: 150 triệu đồng.
""")
    assert rows(got) == [
        (None, "Tỷ lệ giải ngân vốn đầu tư công", "trên", D("95"), None, "%", 2026),
        (None, "Tỷ lệ đô thị hóa", "ít nhất", D("45"), None, "%", 2030),
        (None, "Thu nhập bình quân đầu người", None, D("150"), None, "triệu đồng", 2030),
    ]


def test_results_are_apart_from_targets_and_become_baselines() -> None:
    got = targets_of("""II. MỤC TIÊU ĐẾN NĂM 2030

- Năm 2025 ước đạt 62% số hộ dùng nước sạch, đến năm 2030 đạt 90%.
- Tỷ lệ lao động qua đào tạo tăng từ 68% năm 2025 lên 80%.
- Năm 2024, kim ngạch xuất khẩu đạt 1,1 tỷ USD.
""")
    assert [(t.indicator, t.value, t.year, t.baseline_value, t.baseline_year) for t in got] == [
        ("số hộ dùng nước sạch", D("90"), 2030, D("62"), 2025),
        ("Tỷ lệ lao động qua đào tạo", D("80"), 2030, D("68"), 2025),
    ]


def test_a_count_qualifier_is_not_a_second_target() -> None:
    got = targets_of("""II. MỤC TIÊU ĐẾN NĂM 2030

Thu hút ít nhất 03 dự án có tổng vốn trên 1.000 tỷ đồng.
""")
    assert [(t.value, t.unit) for t in got] == [(D("3"), "dự án")]


def test_structured_target_table() -> None:
    got = targets_of("""PHỤ LỤC
CÁC CHỈ TIÊU CHỦ YẾU
TT | Chỉ tiêu | Đơn vị | Ước thực hiện năm 2025 | Mục tiêu 2030
I | Chỉ tiêu kinh tế | | |
1 | Giá trị sản xuất công nghiệp | tỷ đồng | 98.000 | 180.000
2 | Tỷ lệ hộ nghèo | % | 3,2 | < 1
3 | Số doanh nghiệp mới | doanh nghiệp | 950 | ≥ 1.500
""")
    assert [(t.number, t.indicator, t.comparator, t.value, t.unit, t.year, t.baseline_value, t.baseline_year)
            for t in got] == [
        ("1", "Giá trị sản xuất công nghiệp", None, D("180000"), "tỷ đồng", 2030, D("98000"), 2025),
        ("2", "Tỷ lệ hộ nghèo", "dưới", D("1"), "%", 2030, D("3.2"), 2025),
        ("3", "Số doanh nghiệp mới", "ít nhất", D("1500"), "doanh nghiệp", 2030, D("950"), 2025),
    ]


def test_flattened_target_table_with_wrapped_cells() -> None:
    """A PDF text layer: header cells one per line, a row's indicator wrapped over two lines."""
    got = targets_of("""PHỤ LỤC
CHỈ TIÊU PHÁT TRIỂN NĂNG LƯỢNG
TT
Chỉ tiêu
Đơn vị tính
Năm 2025
Năm 2028
Năm 2030
1 Điện thương phẩm triệu kWh 3.400 4.100 4.800
2 Tỷ lệ hộ dân được dùng
điện lưới quốc gia % 99,6 99,9 100
""")
    assert [(t.number, t.indicator, t.value, t.unit, t.year, t.baseline_value) for t in got] == [
        ("1", "Điện thương phẩm", D("4100"), "triệu kWh", 2028, D("3400")),
        ("1", "Điện thương phẩm", D("4800"), "triệu kWh", 2030, D("3400")),
        ("2", "Tỷ lệ hộ dân được dùng điện lưới quốc gia", D("99.9"), "%", 2028, D("99.6")),
        ("2", "Tỷ lệ hộ dân được dùng điện lưới quốc gia", D("100"), "%", 2030, D("99.6")),
    ]


def test_table_prose_is_not_read_twice() -> None:
    got = targets_of("""II. MỤC TIÊU, CHỈ TIÊU

Các chỉ tiêu chủ yếu như sau:
STT | Chỉ tiêu | Đơn vị | Kế hoạch 2027
1 | Tỷ lệ xã có đường ô tô đến trung tâm | % | 100
""")
    assert [(t.indicator, t.value, t.year) for t in got] == [("Tỷ lệ xã có đường ô tô đến trung tâm", D("100"), 2027)]


@pytest.mark.parametrize("word,symbol", [("trên", ">"), ("không dưới", "≥"), ("tối đa", "≤"), ("khoảng", "≈"),
                                         ("ít nhất", "≥"), ("nằm trong nhóm", "≤"), ("trêm", ">"), ("đạt", "=")])
def test_comparator_symbols_come_from_the_cue_file(word: str, symbol: str) -> None:
    assert load_cues().symbol(word) == symbol


def test_party_part_holds_its_numbered_objectives() -> None:
    """'2- Mục tiêu đến năm 2030' and its '(1) …' items joined into one paragraph, under a heading that is not
    a goal title ('QUAN ĐIỂM, MỤC TIÊU')."""
    got = targets_of("""II- QUAN ĐIỂM, MỤC TIÊU
1- Quan điểm
Phát triển bền vững là yêu cầu xuyên suốt.
2- Mục tiêu đến năm 2030
(1) Độ che phủ của rừng đạt khoảng 47%.
(2) Hình thành ít nhất 03 vùng nguyên liệu tập trung.
III- NHIỆM VỤ
1- Rà soát quy hoạch, phấn đấu hoàn thành trong năm 2026.
""")
    assert rows(got) == [
        ("1", "Độ che phủ của rừng", "khoảng", D("47"), None, "%", 2030),
        ("2", "vùng nguyên liệu tập trung", "ít nhất", D("3"), None, "vùng", 2030),
    ]


def test_aspiration_outside_goal_sections_needs_its_own_year() -> None:
    got = targets_of("""II. ĐỀ XUẤT, KIẾN NGHỊ

1. Phấn đấu tỷ lệ hồ sơ trực tuyến năm 2026 đạt trên 80% tổng số hồ sơ; tăng cường kiểm tra.
2. Phấn đấu nâng tỷ lệ hài lòng của người dân lên 90%.
3. Năm 2025, tỷ lệ hồ sơ trực tuyến đạt 61%.
""")
    assert rows(got) == [(None, "tỷ lệ hồ sơ trực tuyến", "trên", D("80"), None, "%", 2026)]


def test_change_since_a_year_and_the_counted_noun_phrase() -> None:
    got = targets_of("""II. MỤC TIÊU NĂM 2026

- Đón khoảng 850 nghìn lượt khách tham quan, tăng 12% so với năm 2025.
""")
    assert [(t.indicator, t.value, t.unit, t.year, t.baseline_year) for t in got] == [
        ("lượt khách tham quan", D("850"), "nghìn lượt khách", 2026, None),
        ("lượt khách tham quan", D("12"), "%", 2026, 2025),
    ]
    assert got[0].evidence.quote == "Đón khoảng 850 nghìn lượt khách tham quan"
    assert got[1].evidence.quote.endswith("tăng 12% so với năm 2025")


def test_party_part_year_reaches_its_bullets() -> None:
    got = targets_of("""II- QUAN ĐIỂM, MỤC TIÊU
2- Mục tiêu đến năm 2035
- Tỷ lệ hộ có nước sạch đạt khoảng 98%.
""")
    assert rows(got) == [(None, "Tỷ lệ hộ có nước sạch", "khoảng", D("98"), None, "%", 2035)]


def test_a_result_in_parentheses_is_the_baseline_of_the_target_before_it() -> None:
    """A draft without a date: the parenthesised 'năm 2025 đạt …' is earlier than the sentence's 2030."""
    got = targets_of("""II. MỤC TIÊU

Đến năm 2030, sản lượng thủy sản đạt 210 nghìn tấn (năm 2025 đạt 180 nghìn tấn); hình thành ít nhất 02 vùng
nuôi tập trung.
""", head="KẾ HOẠCH\nMột dự thảo\n\n")
    assert [(t.indicator, t.value, t.year, t.baseline_value, t.baseline_year) for t in got] == [
        ("sản lượng thủy sản", D("210"), 2030, D("180"), 2025),
        ("vùng nuôi tập trung", D("2"), 2030, None, None),
    ]


def test_aspiration_governs_its_whole_sentence() -> None:
    got = targets_of("""IV. TỔ CHỨC THỰC HIỆN

1. Phấn đấu đến hết năm 2026 hoàn thành 100% hồ sơ cấp phép; giải ngân vốn đạt không dưới 90% kế hoạch giao.
""")
    assert [(t.indicator, t.comparator, t.value, t.year) for t in got] == [
        ("hồ sơ cấp phép", None, D("100"), 2026), ("giải ngân vốn", "không dưới", D("90"), 2026)]


HDND = """HỘI ĐỒNG NHÂN DÂN
TỈNH NINH BÌNH

Số: 21/2026/NQ-HĐND

Ninh Bình, ngày 10 tháng 7 năm 2026

NGHỊ QUYẾT
Về kế hoạch phát triển kinh tế - xã hội năm 2027

QUYẾT NGHỊ:

"""


def test_year_from_the_documents_own_subject_and_articles_end_sections() -> None:
    got = targets_of("""Điều 1. Thông qua kế hoạch với các nội dung sau:
1. Các chỉ tiêu chủ yếu
a) Thu ngân sách trên địa bàn đạt 18.600 tỷ đồng.
b) Tỷ lệ đô thị hóa: 41%.
Điều 2. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện, bảo đảm 100% nhiệm vụ.
""", head=HDND)
    assert rows(got) == [
        (None, "Thu ngân sách trên địa bàn", "đạt", D("18600"), None, "tỷ đồng", 2027),
        (None, "Tỷ lệ đô thị hóa", None, D("41"), None, "%", 2027),
    ]


def test_subject_citing_another_document_gives_no_year() -> None:
    from graph.build.extract.targets import subject_horizon

    assert subject_horizon("Về kế hoạch phát triển kinh tế - xã hội năm 2027") == 2027
    assert subject_horizon("Phát triển du lịch giai đoạn 2026 - 2030") == 2030
    assert subject_horizon("Thực hiện Nghị quyết số 08-NQ/TU về phát triển công nghiệp đến năm 2025") is None
    assert subject_horizon("Đến năm 2025, định hướng đến năm 2030") is None


def test_flattened_row_with_a_vanished_cell_is_left_out() -> None:
    got = targets_of("""PHỤ LỤC
STT Chỉ tiêu ĐVT Ước thực hiện 2026 Kế hoạch 2027
1 Tỷ lệ trường đạt chuẩn % 72 80
2 Số xã đạt chuẩn nông thôn mới xã 35
3 Tỷ lệ che phủ rừng % 51,5 52
""")
    assert [(t.number, t.value, t.year, t.baseline_value) for t in got] == [
        ("1", D("80"), 2027, D("72")), ("3", D("52"), 2027, D("51.5"))]


def test_a_section_of_results_is_not_a_goal_section() -> None:
    head = HEAD.replace("ngày 9 tháng 3 năm 2026", "ngày 2 tháng 12 năm 2025")
    got = targets_of("""I. KẾT QUẢ NĂM 2025
1. Các chỉ tiêu ước thực hiện năm 2025
- Tốc độ tăng trưởng GRDP đạt 7,4%.
II. MỤC TIÊU NĂM 2026
- Tốc độ tăng trưởng GRDP đạt trên 8%.
""", head=head)
    assert rows(got) == [(None, "Tốc độ tăng trưởng GRDP", "trên", D("8"), None, "%", 2026)]


def test_party_parts_joined_into_one_paragraph() -> None:
    """'2- Mục tiêu', 'a- Mục tiêu đến năm 2035 …', 'b- Tầm nhìn …' run on in one paragraph (Party numbering is
    not a paragraph start for the PDF layer): each part keeps its own title year."""
    got = targets_of("""II- QUAN ĐIỂM, MỤC TIÊU
2- Mục tiêu
a- Mục tiêu đến năm 2035
Tỷ lệ lao động qua đào tạo đạt khoảng 75%. Thu nhập của người dân tăng gấp 2 lần so với năm 2025.
b- Tầm nhìn đến năm 2050
Tỉnh là trung tâm công nghiệp chế biến của vùng.
III- NHIỆM VỤ
""")
    assert [(t.indicator, t.comparator, t.value, t.unit, t.year, t.baseline_year) for t in got] == [
        ("Tỷ lệ lao động qua đào tạo", "khoảng", D("75"), "%", 2035, None),
        ("Thu nhập của người dân", None, D("2"), "lần", 2035, 2025),
    ]


def test_article_item_with_a_goal_label() -> None:
    """'Điều 1. Phê duyệt Đề án …' and its item '1. Mục tiêu đến năm 2030: …' (a label before a colon): the
    long item is a goal section, its values take the label's year."""
    got = targets_of("""QUYẾT ĐỊNH:
Điều 1. Phê duyệt Đề án phát triển cảng với các nội dung chủ yếu sau:
1. Mục tiêu đến năm 2030: hàng hóa thông qua cảng đạt khoảng 18 - 20 triệu tấn/năm; hình thành ít nhất 02
cảng cạn trên địa bàn tỉnh phục vụ hàng hóa xuất nhập khẩu của doanh nghiệp.
Điều 2. Tổ chức thực hiện.
""")
    assert [(t.comparator, t.value, t.upper, t.year) for t in got] == [
        ("khoảng", D("18"), D("20"), 2030), ("ít nhất", D("2"), None, 2030)]


def test_a_number_first_target_ends_at_the_clause_and_the_next_verb_opens_another() -> None:
    found = targets_of("II. MỤC TIÊU\nĐến năm 2035 hình thành khoảng 15 trung tâm logistics, đáp ứng 40 - 45% nhu cầu "
                       "lưu kho của doanh nghiệp.\n")
    assert [(t.indicator, t.value, t.upper, t.year) for t in found] == [
        ("trung tâm logistics", Decimal("15"), None, 2035),
        ("nhu cầu lưu kho của doanh nghiệp", Decimal("40"), Decimal("45"), 2035)]


def test_the_items_of_an_article_on_targets_are_targets_of_its_year() -> None:
    head = HEAD.replace("KẾ HOẠCH\nPhát triển một lĩnh vực thử nghiệm", "NGHỊ QUYẾT\nVề kế hoạch năm 2027")
    found = targets_of("QUYẾT NGHỊ:\n\nĐiều 1. Các chỉ tiêu chủ yếu năm 2027\n1. Tổng vốn đầu tư toàn xã hội khoảng "
                       "40.000 tỷ đồng.\n2. Đón khoảng 3 triệu lượt khách du lịch, trong đó khách quốc tế đạt "
                       "0,8 triệu lượt.\n\nĐiều 2. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết.\n", head)
    assert [(t.value, t.unit, t.year) for t in found] == [
        (D("40000"), "tỷ đồng", 2027), (D("3"), "triệu lượt khách", 2027), (D("0.8"), "triệu lượt", 2027)]
    assert found[2].indicator == "khách quốc tế"  # 'trong đó' opens the second target of the sentence


def test_a_flattened_target_table_value_alone_on_its_line_is_a_cell_not_the_next_row() -> None:
    found = targets_of("II. CHỈ TIÊU\nTT\nChỉ tiêu\nĐơn vị\ntính\nƯớc thực hiện\nnăm 2025\nKế hoạch\nnăm 2026\n"
                       "1\nTỷ lệ xã có đường ô tô đến trung tâm được\nbê tông hóa\n%\n62\n70\n"
                       "2\nSố km đường tỉnh được nâng cấp\nkm\n45\n60\n")
    assert [(t.indicator, t.value, t.unit, t.year) for t in found] == [
        ("Tỷ lệ xã có đường ô tô đến trung tâm được bê tông hóa", D("70"), "%", 2026),
        ("Số km đường tỉnh được nâng cấp", D("60"), "km", 2026)]
