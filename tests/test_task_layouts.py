"""Tasks in the common layouts of the genre, one small hand-written document per rule.

The documents are our own writing, in the layouts real ones use (an official letter with a paragraph per
body, a decision with articles, a Party text numbered 'I-', '1-', a notice of conclusions, a plan's
'Tổ chức thực hiện' with bodies the lexicon does not know); the expected values were checked by hand.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph.build.extract import ExtractionContext
from graph.build.extract.tasks import extract_tasks
from graph.build.extract.timeframes import find_time_clause, parse_timeframe
from graph.build.model import DocumentRecord, DocumentRef, Evidence, Extraction, Parsed, Task
from graph.build.normalise import normalise
from graph.build.sources import Source
from graph.config import Settings


@pytest.fixture(scope="module")
def ctx() -> ExtractionContext:
    return ExtractionContext(Settings())


def tasks_of(text: str, ctx: ExtractionContext) -> list[Task]:
    source = Source(key="fixture", path=Path("fixture.txt"), raw=text, sha256="")
    parsed = Parsed(source, normalise(text))
    ev = Evidence("fixture", 0, 0, "")
    ex = Extraction(parsed, DocumentRecord(DocumentRef("Văn bản", None, None, None, None, ev)))
    extract_tasks(ex, ctx)
    for t in ex.tasks:  # every quote is where its offsets say
        assert parsed.text.text[t.evidence.start : t.evidence.end] == t.evidence.quote
        for ref in (*t.lead, *t.cooperating):
            assert parsed.text.text[ref.evidence.start : ref.evidence.end] == ref.evidence.quote
    return ex.tasks


def real(tasks: list[Task]) -> list[Task]:
    return [t for t in tasks if t.kind != "heading"]


def names(refs: list) -> list[str]:
    return [r.name for r in refs]


# ---------------------------------------------------------------------------------------------- timeframes


@pytest.mark.parametrize(("printed", "start", "end", "quarter", "month", "deadline", "recurring"), [
    ("Quý IV/2026", 2026, 2026, 4, None, None, False),
    ("quý IV năm 2026", 2026, 2026, 4, None, None, False),
    ("Quý II-III/2027", 2027, 2027, 3, None, None, False),
    ("Năm 2026", 2026, 2026, None, None, None, False),
    ("2026 - 2030", 2026, 2030, None, None, None, False),
    ("giai đoạn 2026-2030", 2026, 2030, None, None, None, False),
    ("Từ năm 2026 đến năm 2030", 2026, 2030, None, None, None, False),
    ("Thường xuyên", None, None, None, None, None, True),
    ("Hằng năm", None, None, None, None, None, True),
    ("trước ngày 15/12/2026", None, 2026, None, 12, date(2026, 12, 15), False),
    ("trước ngày 15 của tháng cuối quý", None, None, None, None, None, True),
    ("Trước ngày 20 tháng 11 năm 2026", None, 2026, None, 11, date(2026, 11, 20), False),
    ("tháng 6/2026", 2026, 2026, None, 6, None, False),
    ("trong tháng 9/2026", 2026, 2026, None, 9, None, False),
    ("6 tháng đầu năm 2026", 2026, 2026, None, 6, None, False),
    ("10/2026", 2026, 2026, None, 10, None, False),
    ("đến hết năm 2026", None, 2026, None, None, None, False),
    ("vào năm 2028", 2028, 2028, None, None, None, False),
    ("định kỳ 6 tháng, hằng năm", None, None, None, None, None, True),
])
def test_timeframe_forms(printed: str, start, end, quarter, month, deadline, recurring) -> None:  # noqa: ANN001
    tf = parse_timeframe(printed)
    assert tf is not None
    assert (tf.start_year, tf.end_year, tf.quarter, tf.month, tf.deadline, tf.recurring) == \
        (start, end, quarter, month, deadline, recurring)


@pytest.mark.parametrize("printed", ["Sở Tài chính", "Kế hoạch của UBND tỉnh", "đạt 2026 ha", ""])
def test_not_a_timeframe(printed: str) -> None:
    assert parse_timeframe(printed) is None


def test_time_clause_at_the_end_of_a_task() -> None:
    text = "Rà soát danh mục dự án trọng điểm, hoàn thành trước ngày 30/9/2026."
    a, b = find_time_clause(text)
    assert text[a:b] == "trước ngày 30/9/2026"
    assert find_time_clause("Tăng cường kiểm tra việc thực hiện Kế hoạch năm 2026 của tỉnh.") is None
    assert find_time_clause("Theo dõi việc thực hiện, định kỳ 6 tháng hoặc khi có yêu cầu, báo cáo UBND tỉnh.") is None


# ---------------------------------------------------------------------------------------------- letters

LETTER = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NAM
Số: 1234/UBND-KTTH
V/v triển khai giải pháp thúc đẩy xuất khẩu nông sản
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Nam, ngày 12 tháng 5 năm 2026
Kính gửi:
- Sở Công Thương;
- Sở Nông nghiệp và Môi trường;
- UBND các xã, phường.
Thực hiện Văn bản số 88/BCT-XNK ngày 02/5/2026 của Bộ Công Thương, Chủ tịch UBND tỉnh có ý kiến như sau:
1. Sở Công Thương: chủ trì, phối hợp với Sở Tài chính rà soát các thị trường xuất khẩu chủ lực của tỉnh,
hoàn thành trước ngày 30/6/2026.
2. Sở Nông nghiệp và Môi trường:
a) Hướng dẫn các hợp tác xã xây dựng vùng nguyên liệu đạt chuẩn;
b) Phối hợp với Sở Khoa học và Công nghệ cấp mã số vùng trồng cho các vùng nguyên liệu.
3. UBND các xã, phường chủ động tuyên truyền chính sách đến doanh nghiệp trên địa bàn.
4. Trung tâm Xúc tiến Đầu tư và Thương mại tỉnh tham mưu tổ chức hội chợ nông sản năm 2026.
Nơi nhận:
- Như trên;
- Chủ tịch, các PCT UBND tỉnh;
- Lưu: VT, KTTH.
TL. CHỦ TỊCH
CHÁNH VĂN PHÒNG
Lê Văn B
"""


def test_official_letter_paragraph_per_body(ctx: ExtractionContext) -> None:
    tasks = tasks_of(LETTER, ctx)
    sections = [(t.kind, t.section) for t in tasks]
    assert sections == [("task", "1"), ("heading", "2"), ("task", "a"), ("task", "b"), ("task", "3"),
                        ("task", "4")]
    t1, _, ta, tb, t3, t4 = tasks
    assert t1.text.startswith("Sở Công Thương: chủ trì, phối hợp với Sở Tài chính rà soát")
    assert names(t1.lead) == ["Sở Công Thương"] and names(t1.cooperating) == ["Sở Tài chính"]
    assert (t1.timeframe, t1.deadline, t1.end_year) == ("trước ngày 30/6/2026", date(2026, 6, 30), 2026)
    # the sub-items of a body's paragraph are that body's tasks
    assert names(ta.lead) == names(tb.lead) == ["Sở Nông nghiệp và Môi trường"]
    assert ta.text.startswith("Hướng dẫn các hợp tác xã") and ta.parent == "2"
    assert names(tb.cooperating) == ["Sở Khoa học và Công nghệ"]
    assert [r.name for r in t3.lead if r.group] == ["UBND các xã, phường"]
    # a body the lexicon does not know, with 'và' inside its name
    assert names(t4.lead) == ["Trung tâm Xúc tiến Đầu tư và Thương mại tỉnh"]


def test_recipients_and_front_matter_are_never_tasks(ctx: ExtractionContext) -> None:
    texts = " | ".join(t.text for t in tasks_of(LETTER, ctx))
    for words in ("Như trên", "Lưu: VT", "Kính gửi", "Thực hiện Văn bản số 88", "Chủ tịch, các PCT"):
        assert words not in texts


# ---------------------------------------------------------------------------------------------- decisions

DECISION = """ỦY BAN NHÂN DÂN
TỈNH NGHỆ AN
Số: 812/QĐ-UBND
Nghệ An, ngày 20 tháng 3 năm 2026
QUYẾT ĐỊNH
Phê duyệt Đề án phát triển vận tải thủy nội địa giai đoạn 2026 - 2030
ỦY BAN NHÂN DÂN TỈNH NGHỆ AN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;
Theo đề nghị của Sở Xây dựng tại Tờ trình số 45/TTr-SXD ngày 10/3/2026.
QUYẾT ĐỊNH:
Điều 1. Phê duyệt Đề án phát triển vận tải thủy nội địa tỉnh giai đoạn 2026 - 2030 (có Đề án kèm theo).
Điều 2. Tổ chức thực hiện
1. Giao Sở Xây dựng chủ trì, phối hợp với Sở Tài chính và UBND các xã ven sông tổ chức triển khai Đề án.
2. Sở Tài chính tham mưu bố trí kinh phí thực hiện Đề án trong dự toán ngân sách, thời gian thực hiện: năm 2027.
Điều 3. Quyết định này có hiệu lực kể từ ngày ký.
Chánh Văn phòng UBND tỉnh, Giám đốc các sở: Xây dựng, Tài chính; Chủ tịch UBND các xã và các cơ quan liên quan
chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
"""

RESOLUTION = """HỘI ĐỒNG NHÂN DÂN
TỈNH THANH HÓA
Số: 45/2026/NQ-HĐND
NGHỊ QUYẾT
Quy định mức hỗ trợ phát triển hợp tác xã nông nghiệp
Căn cứ Luật Hợp tác xã ngày 20 tháng 6 năm 2023;
Xét Tờ trình số 77/TTr-UBND ngày 01 tháng 7 năm 2026 của Ủy ban nhân dân tỉnh;
QUYẾT NGHỊ:
Điều 1. Quy định mức hỗ trợ phát triển hợp tác xã nông nghiệp trên địa bàn tỉnh.
Điều 2. Tổ chức thực hiện
1. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này.
2. Thường trực Hội đồng nhân dân tỉnh, các Ban và các đại biểu Hội đồng nhân dân tỉnh giám sát việc thực hiện
Nghị quyết.
Điều 3. Nghị quyết này có hiệu lực từ ngày 01 tháng 8 năm 2026.
"""


def test_decision_articles(ctx: ExtractionContext) -> None:
    tasks = tasks_of(DECISION, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("heading", "Điều 2"), ("implementation", "1"),
                                                    ("implementation", "2")]
    _, t1, t2 = tasks
    assert t1.text.startswith("Giao Sở Xây dựng chủ trì, phối hợp với Sở Tài chính")
    assert names(t1.lead) == ["Sở Xây dựng"] and "Sở Tài chính" in names(t1.cooperating)
    assert names(t2.lead) == ["Sở Tài chính"]
    assert (t2.timeframe, t2.start_year, t2.end_year) == ("năm 2027", 2027, 2027)


def test_resolution_article_paragraphs(ctx: ExtractionContext) -> None:
    tasks = real(tasks_of(RESOLUTION, ctx))
    assert len(tasks) == 2
    assert tasks[0].text == "Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này."
    assert names(tasks[0].lead) == ["UBND tỉnh"]
    assert tasks[1].text.startswith("Thường trực Hội đồng nhân dân tỉnh, các Ban")
    assert names(tasks[1].lead)[:1] == ["Thường trực HĐND tỉnh"]  # an uncurated body, in the canonical forms
    assert {t.kind for t in tasks} == {"implementation"}


def test_article_assigning_work_is_a_task(ctx: ExtractionContext) -> None:
    text = ("QUYẾT NGHỊ:\nĐiều 1. Thông qua Đề án phát triển du lịch cộng đồng.\n"
            "Điều 2. Giao Ủy ban nhân dân tỉnh chỉ đạo tổ chức thực hiện Nghị quyết này.\n"
            "Điều 3. Nghị quyết này có hiệu lực từ ngày ký.\n")
    tasks = tasks_of(text, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("implementation", "Điều 2")]
    assert names(tasks[0].lead) == ["UBND tỉnh"]


# ---------------------------------------------------------------------------------------------- Party texts

PARTY = """ĐẢNG BỘ TỈNH NINH BÌNH
TỈNH ỦY
*
Số 12-NQ/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Ninh Bình, ngày 05 tháng 6 năm 2026
NGHỊ QUYẾT
về phát triển kinh tế biển đến năm 2030
I- MỤC TIÊU
1- Đến năm 2030, kinh tế biển đóng góp khoảng 20% GRDP của tỉnh.
II- NHIỆM VỤ VÀ GIẢI PHÁP
1- Đẩy mạnh tuyên truyền nâng cao nhận thức về vai trò của kinh tế biển.
2- Hoàn thiện quy hoạch không gian biển, bảo đảm kết nối với vùng ven biển.
III- TỔ CHỨC THỰC HIỆN
1- Ban Tuyên giáo và Dân vận Tỉnh ủy chủ trì, phối hợp với các cơ quan liên quan tổ chức quán triệt Nghị quyết.
2- Đảng ủy UBND tỉnh lãnh đạo xây dựng kế hoạch thực hiện Nghị quyết, hoàn thành trong Quý IV/2026.
T/M TỈNH ỦY
BÍ THƯ
"""


def test_party_numbering(ctx: ExtractionContext) -> None:
    tasks = tasks_of(PARTY, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("task", "1"), ("task", "2"), ("implementation", "1"),
                                                    ("implementation", "2")]
    assert tasks[0].text.startswith("Đẩy mạnh tuyên truyền")  # the objective under I- MỤC TIÊU is not a task
    assert names(tasks[2].lead) == ["Ban Tuyên giáo và Dân vận Tỉnh ủy"]
    assert [r.name for r in tasks[2].cooperating if r.group] == ["các cơ quan liên quan"]
    assert names(tasks[3].lead) == ["Đảng ủy UBND tỉnh"]
    assert (tasks[3].timeframe, tasks[3].quarter, tasks[3].end_year) == ("trong Quý IV/2026", 4, 2026)


# ---------------------------------------------------------------------------------------------- notices

NOTICE = """VĂN PHÒNG CHÍNH PHỦ
Số: 210/TB-VPCP
Hà Nội, ngày 14 tháng 4 năm 2026
THÔNG BÁO
Kết luận của Phó Thủ tướng tại cuộc họp về các dự án giao thông trọng điểm
Ngày 10 tháng 4 năm 2026, Phó Thủ tướng chủ trì cuộc họp về tiến độ các dự án giao thông trọng điểm.
Sau khi nghe báo cáo, Phó Thủ tướng kết luận như sau:
1. Thời gian qua, các bộ, ngành và địa phương đã nỗ lực triển khai các dự án.
2. Về dự án đường bộ ven biển: Giao Bộ Xây dựng chủ trì, phối hợp với Bộ Tài chính hướng dẫn địa phương hoàn
thiện thủ tục đầu tư, hoàn thành trong tháng 9/2026.
3. Ủy ban nhân dân các tỉnh có dự án khẩn trương hoàn thành giải phóng mặt bằng.
Văn phòng Chính phủ thông báo để các cơ quan biết, thực hiện./.
Nơi nhận:
- Thủ tướng, các Phó Thủ tướng;
- Các Bộ: Xây dựng, Tài chính;
- Lưu: VT, CN.
"""


def test_notice_of_conclusions(ctx: ExtractionContext) -> None:
    tasks = tasks_of(NOTICE, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("task", "2"), ("task", "3")]
    t2, t3 = tasks
    assert t2.text.startswith("Về dự án đường bộ ven biển: Giao Bộ Xây dựng chủ trì")
    assert names(t2.lead) == ["Bộ Xây dựng"] and names(t2.cooperating) == ["Bộ Tài chính"]
    assert (t2.timeframe, t2.month, t2.end_year) == ("trong tháng 9/2026", 9, 2026)
    assert [r.name for r in t3.lead if r.group] == ["Ủy ban nhân dân các tỉnh có dự án"]


# ---------------------------------------------------------------------------------------------- plans

PLAN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG TRỊ
Số: 57/KH-UBND
KẾ HOẠCH
Phát triển du lịch biển năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Sở Du lịch chủ trì đánh giá kết quả các năm trước làm cơ sở xây dựng Kế hoạch.
II. NHIỆM VỤ, GIẢI PHÁP
1. Nhóm giải pháp về hạ tầng
- Nâng cấp các tuyến đường ra bãi biển;
- Xây dựng bến du thuyền tại cửa biển.
2. Hằng năm, tổ chức lễ hội biển gắn với quảng bá sản phẩm địa phương.
III. TỔ CHỨC THỰC HIỆN
1. Giao Sở Du lịch chủ trì, phối hợp với Sở Văn hóa và Thể thao tham mưu triển khai Kế hoạch.
2. Ban Quản lý các khu du lịch ven biển chủ trì tham mưu quản lý môi trường các bãi tắm.
3. Các sở, ban, ngành, UBND các xã ven biển căn cứ Kế hoạch này tổ chức thực hiện.
Trên đây là Kế hoạch phát triển du lịch biển năm 2026 của UBND tỉnh.
Nơi nhận:
- Bộ Văn hóa, Thể thao và Du lịch;
- Các sở, ban, ngành;
- Lưu: VT.
"""


def test_plan_sections_and_unknown_bodies(ctx: ExtractionContext) -> None:
    tasks = tasks_of(PLAN, ctx)
    assert [(t.kind, t.section) for t in tasks] == [
        ("heading", "1"), ("task", "1-1"), ("task", "1-2"), ("task", "2"),
        ("implementation", "1"), ("implementation", "2"), ("implementation", "3")]
    heading, b1, b2, t2, i1, i2, i3 = tasks
    assert heading.lead == [] and b1.heading == "Nhóm giải pháp về hạ tầng"
    assert (t2.timeframe, t2.recurring, t2.start_year) == ("Hằng năm", True, None)
    assert names(i1.lead) == ["Sở Du lịch"] and names(i1.cooperating) == ["Sở Văn hóa và Thể thao"]
    assert names(i2.lead) == ["Ban Quản lý các khu du lịch ven biển"]
    assert [r.name for r in i3.lead if r.group] == ["Các sở, ban, ngành, UBND các xã ven biển"]


# ---------------------------------------------------------------------------------------------- more bodies


def test_bodies_named_in_collectives_and_lists(ctx: ExtractionContext) -> None:
    text = ("III. TỔ CHỨC THỰC HIỆN\n"
            "1. UBND các phường Bắc Hà, Nam Hồng và Thạch Linh hoàn thành giải phóng mặt bằng khu tái định cư.\n"
            "2. Sở Công Thương các tỉnh, thành phố: tổng hợp kiến nghị của doanh nghiệp.\n"
            "3. Phòng Kinh tế, Hạ tầng và Đô thị chủ trì, phối hợp với Công an phường kiểm tra các điểm kinh doanh.\n"
            "4. Trưởng các tổ dân phố: kịp thời báo cáo các trường hợp vi phạm.\n"
            "5. Ban Quản lý dự án đầu tư xây dựng công trình dân dụng tỉnh chủ trì lập hồ sơ mời thầu.\n"
            "6. Sở Tài chính phối hợp với Cục Hải quan xây dựng quy trình kiểm tra chuyên ngành trong năm 2026.\n")
    t1, t2, t3, t4, t5, t6 = tasks_of(text, ctx)
    assert names(t1.lead) == ["UBND phường Bắc Hà", "UBND phường Nam Hồng", "UBND phường Thạch Linh"]
    assert [(r.name, r.group) for r in t2.lead] == [("Sở Công Thương các tỉnh, thành phố", True)]
    assert names(t3.lead) == ["Phòng Kinh tế, Hạ tầng và Đô thị"] and names(t3.cooperating) == ["Công an phường"]
    assert t4.lead == [] and t4.text.startswith("Trưởng các tổ dân phố")  # an assignment to people: no body
    assert names(t5.lead) == ["Ban Quản lý dự án đầu tư xây dựng công trình dân dụng tỉnh"]
    assert names(t6.cooperating) == ["Cục Hải quan"] and (t6.timeframe, t6.end_year) == ("trong năm 2026", 2026)


def test_party_letters_on_their_own_lines(ctx: ExtractionContext) -> None:
    # the normaliser joins 'a- …' to a title line without a full stop: the source line still starts a block
    text = ("II- NHIỆM VỤ, GIẢI PHÁP\n1- Phát triển kết cấu hạ tầng\na- Đầu tư nâng cấp bến cảng tổng hợp;\n"
            "b- Hoàn thành tuyến đường ven biển đoạn phía Nam.\n- 2 -\n2- Phát triển dịch vụ logistics.\n")
    tasks = tasks_of(text, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("heading", "1"), ("task", "a"), ("task", "b"), ("task", "2")]
    assert tasks[1].text == "Đầu tư nâng cấp bến cảng tổng hợp;" and tasks[1].parent == "1"


def test_closing_formulae_are_not_tasks(ctx: ExtractionContext) -> None:
    text = ("Kính gửi: Các phòng, ban thuộc Sở.\n1. Văn phòng Sở: chủ trì tổng hợp báo cáo quý.\n\n"
            "Yêu cầu các đơn vị nghiêm túc triển khai thực hiện./.\n"
            "Giám đốc Sở, Chánh Văn phòng và các đơn vị liên quan chịu trách nhiệm thi hành Quyết định này.\n"
            "Kết luận này thay thế Kết luận số 12-KL/TU ngày 02/3/2024 của Ban Thường vụ Tỉnh ủy.\n")
    tasks = tasks_of(text, ctx)
    assert [t.text for t in tasks] == ["Văn phòng Sở: chủ trì tổng hợp báo cáo quý."]


# ---------------------------------------------------------------------------------------------- tables

FLAT_TABLE = """Trên đây là Kế hoạch của UBND tỉnh.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Phụ lục
DANH MỤC NHIỆM VỤ PHÁT TRIỂN HẠ TẦNG NĂM 2026
(Kèm theo Kế hoạch số 15/KH-UBND ngày 10/01/2026 của UBND tỉnh)
TT
Nội dung nhiệm vụ
Cơ quan chủ
trì
Cơ quan phối
hợp
Thời gian
hoàn thành
Sản phẩm
I
HẠ TẦNG GIAO THÔNG
1
Lập báo cáo nghiên cứu khả thi tuyến
đường nối cảng với quốc lộ
Sở Xây dựng
Sở Tài chính,
Sở Nông
nghiệp và Môi
trường
Quý III/2026
Báo cáo được
phê duyệt
2
Nạo vét luồng vào bến cảng tổng hợp
Ban Quản lý
Khu kinh tế
tỉnh
Năm 2026
Luồng đạt độ
sâu thiết kế
                                   2
TT
Nội dung nhiệm vụ
Cơ quan chủ
trì
Cơ quan phối
hợp
Thời gian
hoàn thành
Sản phẩm
II
HẠ TẦNG SỐ
3
Xây dựng cơ sở dữ liệu về vận tải hàng
hóa qua cảng và kết nối với hệ thống
của các bộ, ngành
Sở Khoa học
và Công nghệ
Các sở, ngành
liên quan
trước ngày
30/11/2026
Cơ sở dữ liệu
vận hành
"""


def test_flattened_table_with_product_and_groups(ctx: ExtractionContext) -> None:
    tasks = tasks_of(FLAT_TABLE, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("heading", "I"), ("appendix_row", "1"), ("appendix_row", "2"),
                                                    ("heading", "II"), ("appendix_row", "3")]
    _, r1, r2, h2, r3 = tasks
    assert r1.text == "Lập báo cáo nghiên cứu khả thi tuyến đường nối cảng với quốc lộ"
    assert names(r1.lead) == ["Sở Xây dựng"]
    assert names(r1.cooperating) == ["Sở Tài chính", "Sở Nông nghiệp và Môi trường"]
    assert (r1.timeframe, r1.quarter, r1.end_year, r1.product) == ("Quý III/2026", 3, 2026, "Báo cáo được phê duyệt")
    assert names(r2.lead) == ["Ban Quản lý Khu kinh tế tỉnh"] and r2.cooperating == []  # the empty cell vanished
    assert (r2.timeframe, r2.product) == ("Năm 2026", "Luồng đạt độ sâu thiết kế")
    assert h2.text == "HẠ TẦNG SỐ" and r3.heading == "HẠ TẦNG SỐ" and r3.parent == "II"
    assert [(r.name, r.group) for r in r3.cooperating] == [("Các sở, ngành liên quan", True)]
    assert (r3.timeframe, r3.deadline) == ("trước ngày 30/11/2026", date(2026, 11, 30))
    assert r3.product == "Cơ sở dữ liệu vận hành"


PIPE_TABLE = """PHỤ LỤC
NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM 2026

| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành | Sản phẩm |
| I | Hạ tầng số |  |  |  |  |
| 1 | Phủ sóng di động các thôn vùng cao | Sở Khoa học và Công nghệ | UBND các xã | Quý IV/2026 | Báo cáo |
| 2 | Số hóa hồ sơ đất đai | Sở Nông nghiệp và Môi trường |  | Hằng năm | Cơ sở dữ liệu đất đai |

"""


def test_rows_and_cells_table(ctx: ExtractionContext) -> None:
    tasks = tasks_of(PIPE_TABLE, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("heading", "I"), ("appendix_row", "1"), ("appendix_row", "2")]
    _, r1, r2 = tasks
    assert r1.text == "Phủ sóng di động các thôn vùng cao" and r1.heading == "Hạ tầng số"
    assert names(r1.lead) == ["Sở Khoa học và Công nghệ"] and [r.name for r in r1.cooperating] == ["UBND các xã"]
    assert (r1.timeframe, r1.quarter, r1.product) == ("Quý IV/2026", 4, "Báo cáo")
    assert names(r2.lead) == ["Sở Nông nghiệp và Môi trường"] and r2.cooperating == []
    assert (r2.timeframe, r2.recurring, r2.start_year) == ("Hằng năm", True, None)
    assert r2.product_evidence is not None and r2.product_evidence.quote == "Cơ sở dữ liệu đất đai"


def test_roles_of_header() -> None:
    from graph.build.extract.task_table import roles_of

    assert roles_of("TT Nội dung/Nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Thời gian hoàn thành Sản phẩm") == [
        "number", "content", "lead", "partners", "time", "product"]
    assert roles_of("STT Nhiệm vụ Chủ trì Phối hợp Tiến độ Ghi chú") == [
        "number", "content", "lead", "partners", "time", "note"]
    assert roles_of("STT Chỉ tiêu Đơn vị tính Năm 2025") == []  # not a task table


def test_assignment_in_a_later_sentence(ctx: ExtractionContext) -> None:
    text = ("Sau khi nghe báo cáo, Chủ tịch UBND tỉnh kết luận:\n"
            "1. Dự án đã hoàn thành 70% khối lượng.\n"
            "2. Đồng ý chủ trương điều chỉnh quy mô dự án. Giao Sở Tài chính chủ trì thẩm định nguồn vốn, báo cáo "
            "UBND tỉnh trước ngày 20/8/2026.\n")
    tasks = tasks_of(text, ctx)
    assert [(t.section, names(t.lead)) for t in tasks] == [("2", ["Sở Tài chính"])]
    assert tasks[0].deadline == date(2026, 8, 20)


def test_two_assignments_in_one_item(ctx: ExtractionContext) -> None:
    text = ("IV- TỔ CHỨC THỰC HIỆN\n"
            "1- Ban cán sự đảng UBND tỉnh lãnh đạo xây dựng kế hoạch thực hiện Nghị quyết, hoàn thành trong quý "
            "IV/2026; chỉ đạo Sở Công Thương chủ trì, phối hợp với Sở Tài chính xây dựng đề án phát triển logistics.\n")
    first, second = tasks_of(text, ctx)
    assert (first.section, second.section) == ("1", "1")
    assert first.text.endswith("hoàn thành trong quý IV/2026") and names(first.lead) == ["Ban cán sự đảng UBND tỉnh"]
    assert first.cooperating == [] and first.quarter == 4
    assert second.text.startswith("chỉ đạo Sở Công Thương chủ trì")
    assert names(second.lead) == ["Sở Công Thương"] and names(second.cooperating) == ["Sở Tài chính"]


def test_labelled_fields_and_commune_bodies(ctx: ExtractionContext) -> None:
    text = ("III. NHIỆM VỤ, GIẢI PHÁP\n"
            "a) Nâng cấp đường ra cảng cá. Cơ quan chủ trì: Sở Xây dựng; phối hợp: Sở Tài chính; thời gian: "
            "Quý IV/2026.\n"
            "b) Mở rộng khu neo đậu tàu thuyền. Cơ quan chủ trì: Ban Quản lý cảng cá và khu neo đậu tỉnh; "
            "thời gian: 2026 - 2027.\n"
            "IV. TỔ CHỨC THỰC HIỆN\n"
            "1- UBND phường Bến Thủy xây dựng kế hoạch thực hiện, hoàn thành trước ngày 15/12/2026.\n"
            "2- Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam phường Bến Thủy tham gia giám sát việc thực hiện.\n")
    ta, tb, t1, t2 = tasks_of(text, ctx)
    assert names(ta.lead) == ["Sở Xây dựng"] and names(ta.cooperating) == ["Sở Tài chính"]
    assert (ta.timeframe, ta.quarter) == ("Quý IV/2026", 4)
    assert names(tb.lead) == ["Ban Quản lý cảng cá và khu neo đậu tỉnh"]
    assert (tb.start_year, tb.end_year) == (2026, 2027)
    assert names(t1.lead) == ["UBND phường Bến Thủy"] and t1.deadline == date(2026, 12, 15)
    assert names(t2.lead) == ["Ủy ban Mặt trận Tổ quốc Việt Nam phường Bến Thủy"]


def test_a_new_sentence_with_a_new_lead(ctx: ExtractionContext) -> None:
    text = ("IV- TỔ CHỨC THỰC HIỆN\n"
            "1- Đảng ủy UBND tỉnh lãnh đạo xây dựng chương trình hành động, hoàn thành trong quý II/2026. Sở Xây "
            "dựng chủ trì, phối hợp với Sở Tài chính rà soát quy hoạch cảng biển.\n")
    first, second = tasks_of(text, ctx)
    assert names(first.lead) == ["Đảng ủy UBND tỉnh"] and first.cooperating == []
    assert first.timeframe == "trong quý II/2026"
    assert second.text.startswith("Sở Xây dựng chủ trì") and names(second.lead) == ["Sở Xây dựng"]
    assert names(second.cooperating) == ["Sở Tài chính"] and second.timeframe is None


def test_two_provinces_of_one_canonical_name(ctx: ExtractionContext) -> None:
    # the name stays canonical (the province is resolved later, from the printed form): both bodies are kept
    text = ("2. Về nhiệm vụ thời gian tới, Phó Thủ tướng yêu cầu:\n"
            "a) UBND tỉnh Hà Tĩnh: Phối hợp với UBND tỉnh Nghệ An nghiên cứu tuyến đường nối hai cảng.\n")
    (task,) = real(tasks_of(text, ctx))
    assert [(r.name, r.printed) for r in task.lead] == [("UBND tỉnh", "UBND tỉnh Hà Tĩnh")]
    assert [(r.name, r.printed) for r in task.cooperating] == [("UBND tỉnh", "UBND tỉnh Nghệ An")]


NUMBERED_COLUMNS = """PHỤ LỤC
PHÂN CÔNG NHIỆM VỤ
STT
Nhiệm vụ
Đơn vị chủ trì
Đơn vị phối hợp
Tiến độ
(1)
(2)
(3)
(4)
(5)
A
NHIỆM VỤ CHUNG
1
Rà soát thủ tục đầu tư các dự án cảng cạn
Sở Tài chính
Sở Xây dựng
Quý I/2027
B
NHIỆM VỤ RIÊNG
1
Cập nhật bản đồ số các tuyến vận tải thủy
Sở Xây dựng
Thường xuyên
2
Tổ chức diễn đàn doanh nghiệp logistics
Sở Công Thương
Hiệp hội Doanh nghiệp tỉnh
Năm 2027
"""


def test_column_numbers_and_numbering_from_one_in_each_group(ctx: ExtractionContext) -> None:
    tasks = tasks_of(NUMBERED_COLUMNS, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("heading", "A"), ("appendix_row", "1"), ("heading", "B"),
                                                    ("appendix_row", "1"), ("appendix_row", "2")]
    rows = real(tasks)
    assert [t.parent for t in rows] == ["A", "B", "B"]
    assert [names(t.lead) for t in rows] == [["Sở Tài chính"], ["Sở Xây dựng"], ["Sở Công Thương"]]
    assert [t.timeframe for t in rows] == ["Quý I/2027", "Thường xuyên", "Năm 2027"]
    assert names(rows[2].cooperating) == ["Hiệp hội Doanh nghiệp tỉnh"] and rows[1].cooperating == []
    assert len({t.key for t in tasks}) == len(tasks)


# ------------------------------------------------------------------------ a decision with its plan attached

DECISION_WITH_PLAN = """\
ỦY BAN NHÂN DÂN TỈNH BẮC NINH
Số: 905/QĐ-UBND
Bắc Ninh, ngày 02 tháng 12 năm 2025

QUYẾT ĐỊNH
Ban hành Kế hoạch phát triển giao thông thông minh

QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phát triển giao thông thông minh trên địa bàn tỉnh.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Điều 3. Chánh Văn phòng UBND tỉnh; Giám đốc các Sở: Xây dựng, Tài chính chịu trách nhiệm thi hành Quyết định này./.

Nơi nhận:
- Như Điều 3;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn Minh

KẾ HOẠCH
PHÁT TRIỂN GIAO THÔNG THÔNG MINH
(Ban hành kèm theo Quyết định số 905/QĐ-UBND ngày 02/12/2025 của UBND tỉnh)

I. NHIỆM VỤ
1. Sở Xây dựng
Chủ trì lắp đặt hệ thống camera giám sát giao thông tại các nút giao; năm 2026.
2. Sở Tài chính
- Bố trí kinh phí cho hệ thống điều hành giao thông; giai đoạn 2026 - 2027.
"""


def test_the_plan_attached_after_the_signature_is_read_and_the_enacting_article_is_not_a_task(ctx) -> None:
    tasks = real(tasks_of(DECISION_WITH_PLAN, ctx))
    assert [t.section for t in tasks] == ["1", "2-1"]  # neither Điều 1 ('giao thông' is not 'giao') nor Điều 3
    first, second = tasks
    assert names(first.lead) == ["Sở Xây dựng"]  # the body alone on the item's first line
    assert (first.timeframe, first.start_year, first.end_year) == ("năm 2026", 2026, 2026)
    assert names(second.lead) == ["Sở Tài chính"]
    assert (second.timeframe, second.start_year, second.end_year) == ("giai đoạn 2026 - 2027", 2026, 2027)


def test_a_year_inside_a_clause_is_not_the_tasks_timeframe() -> None:
    # only a year phrase that ends the item is its time: not 'năm 2026' in the middle of the work
    assert find_time_clause("Rà soát quy hoạch năm 2026 của các khu công nghiệp") is None
    span = find_time_clause("Rà soát quy hoạch các khu công nghiệp; năm 2026.")
    assert span is not None


DIRECTIVE = """\
ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK
Số: 03/CT-UBND
Đắk Lắk, ngày 12 tháng 3 năm 2026

CHỈ THỊ
Về tăng cường phòng, chống cháy rừng mùa khô năm 2026

Mùa khô năm 2025, toàn tỉnh xảy ra 14 vụ cháy rừng. Để chủ động phòng ngừa, Chủ tịch UBND tỉnh yêu cầu:

1. Giám đốc Sở Nông nghiệp và Môi trường: chủ trì kiểm tra phương án phòng cháy của các chủ rừng; tháng 4/2026.
2. Thủ trưởng các sở, ban, ngành, Chủ tịch UBND các xã, phường:
a) Hằng tuần rà soát lực lượng chữa cháy tại chỗ;
b) Phân công trực 24/24 giờ trong các tháng cao điểm.
3. Giao Công an tỉnh phối hợp với Sở Nông nghiệp và Môi trường điều tra các vụ cháy rừng.

Yêu cầu Thủ trưởng các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.
"""


def test_a_directive_lists_its_tasks_after_the_chairmans_request_and_office_holders_stand_for_their_bodies(ctx
                                                                                                        ) -> None:
    tasks = real(tasks_of(DIRECTIVE, ctx))
    assert [t.section for t in tasks] == ["1", "a", "b", "3"]
    first, a, b, third = tasks
    assert names(first.lead) == ["Sở Nông nghiệp và Môi trường"]  # 'Giám đốc Sở …:' acts for the department
    assert first.timeframe == "tháng 4/2026"
    for sub in (a, b):  # two collective groups, the chairmen of the communes read as their committees
        assert [(r.name, r.group) for r in sub.lead] == [("các sở, ban, ngành", True), ("UBND các xã, phường", True)]
    assert names(third.lead) == ["Công an tỉnh"] and names(third.cooperating) == ["Sở Nông nghiệp và Môi trường"]
    assert not any("14 vụ" in t.text or "nghiêm túc" in t.text for t in tasks)


FLAT_TABLE_MIXED_GROUPS = """PHỤ LỤC
DANH MỤC NHIỆM VỤ
STT
Nhiệm vụ
Đơn vị chủ
trì
Đơn vị phối
hợp
Thời gian
thực hiện
I
Lĩnh vực đường thủy
1
Nạo vét luồng sông Cấm đoạn qua
cảng
Sở Xây dựng
Cảng vụ Đường thủy nội địa
khu vực I
Năm 2027
II
Lĩnh vực kho bãi
2
Quy hoạch kho bãi sau cảng
Sở Tài chính
Quý II/2026
"""


def test_flattened_table_groups_under_roman_numerals_whose_titles_are_not_in_capitals(ctx) -> None:
    tasks = tasks_of(FLAT_TABLE_MIXED_GROUPS, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("heading", "I"), ("appendix_row", "1"), ("heading", "II"),
                                                    ("appendix_row", "2")]
    h1, r1, h2, r2 = tasks
    assert (h1.text, h2.text) == ("Lĩnh vực đường thủy", "Lĩnh vực kho bãi")
    assert r1.timeframe == "Năm 2027" and r1.end_year == 2027  # the next group's title is not in the time cell
    assert names(r2.lead) == ["Sở Tài chính"] and r2.parent == "II"


def test_a_session_of_an_elected_body_is_a_reports_time() -> None:
    text = "Tổ chức sơ kết việc thực hiện, báo cáo Hội đồng nhân dân tỉnh tại kỳ họp cuối năm 2028."
    span = find_time_clause(text)
    assert span is not None and text[span[0]:span[1]] == "tại kỳ họp cuối năm 2028"
    tf = parse_timeframe("tại kỳ họp cuối năm 2028")
    assert tf is not None and (tf.start_year, tf.end_year) == (2028, 2028)


PARENTHESES = """\
III. NHIỆM VỤ, GIẢI PHÁP
1. Về hạ tầng số
- Phủ sóng 5G các khu công nghiệp (Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Công Thương;
hoàn thành năm 2027).
- Số hóa hồ sơ đất đai (Văn phòng Đăng ký đất đai tỉnh thực hiện, hằng năm).
"""


def test_the_body_named_in_a_parenthesis_at_the_end_of_an_item_is_its_lead(ctx) -> None:
    first, second = real(tasks_of(PARENTHESES, ctx))
    assert names(first.lead) == ["Sở Khoa học và Công nghệ"] and names(first.cooperating) == ["Sở Công Thương"]
    assert (first.timeframe, first.start_year, first.end_year) == ("năm 2027", 2027, 2027)
    assert names(second.lead) == ["Văn phòng Đăng ký đất đai tỉnh"] and second.timeframe == "hằng năm"


def test_the_adoption_formula_is_not_part_of_the_last_task(ctx) -> None:
    text = ("Điều 2. Tổ chức thực hiện\n1. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết.\n"
            "2. Thường trực Hội đồng nhân dân tỉnh giám sát việc thực hiện Nghị quyết.\n"
            "Nghị quyết này đã được Hội đồng nhân dân tỉnh thông qua ngày 10 tháng 12 năm 2026./.\n")
    last = real(tasks_of(text, ctx))[-1]
    assert last.timeframe is None and "thông qua" not in last.text


PIPE_TITLE_ROWS = """PHỤ LỤC
DANH MỤC NHIỆM VỤ

| STT | Nội dung công việc | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành |
| 1 | Nâng cấp hạ tầng cửa khẩu |  |  |  |
| 1.1 | Mở rộng bãi kiểm hóa | Ban Quản lý Khu kinh tế tỉnh | Đồn Biên phòng Thanh Thủy | Quý III/2026 |
| 1.2 | Lắp đặt máy soi container | Chi cục Hải quan cửa khẩu Thanh Thủy |  | Tháng 9/2026 |
| 2 | Triển khai cửa khẩu số | Sở Khoa học và Công nghệ |  | Năm 2026 |

"""


def test_a_numbered_row_with_only_its_content_titles_its_sub_rows(ctx) -> None:
    tasks = tasks_of(PIPE_TITLE_ROWS, ctx)
    assert [(t.kind, t.section) for t in tasks] == [("heading", "1"), ("appendix_row", "1.1"), ("appendix_row", "1.2"),
                                                    ("appendix_row", "2")]
    assert tasks[1].parent == "1" and tasks[1].heading == "Nâng cấp hạ tầng cửa khẩu"
    assert names(tasks[1].cooperating) == ["Đồn Biên phòng Thanh Thủy"]  # a border post is a body
