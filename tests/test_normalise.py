"""The normaliser on hand-made cases and on the traits of the real sources."""

from __future__ import annotations

import unicodedata

from graph.build.normalise import normalise, repair_glyphs
from graph.text import fold
from tests.conftest import source_paths


def test_glyph_damage_repaired_and_nfc() -> None:
    raw = "CHƢƠNG TRÌNH\nTrung ƣơng " + unicodedata.normalize("NFD", "Hà Tĩnh")
    text = normalise(raw).text
    assert "CHƯƠNG TRÌNH" in text and "Trung ương" in text
    assert "ƣ" not in text and "Ƣ" not in text
    assert unicodedata.is_normalized("NFC", text)
    assert "Hà Tĩnh" in text


def test_lines_broken_by_pdf_are_joined() -> None:
    raw = "giai đoạn 2021-\n\n2025, định hướng\n\nđến năm 2030 theo Nghị quyết số 19-\nNQ/TW của Bộ Chính trị.\n"
    text = normalise(raw).text
    assert text == "giai đoạn 2021-2025, định hướng đến năm 2030 theo Nghị quyết số 19-NQ/TW của Bộ Chính trị."


def test_numbered_items_and_bullets_start_paragraphs() -> None:
    raw = "1. Mục tiêu tổng quát\nThúc đẩy tăng trưởng kinh tế; phát triển\nhạ tầng.\n- Một gạch đầu dòng\n2. Hai\n"
    paras = normalise(raw).paragraph_texts()
    assert paras == ["1. Mục tiêu tổng quát", "Thúc đẩy tăng trưởng kinh tế; phát triển hạ tầng.",
                     "- Một gạch đầu dòng", "2. Hai"]


def test_page_number_between_blank_runs_is_dropped() -> None:
    raw = "hạ tầng các thiết chế văn hóa.\n\n\n\n6 \n\n \n\nĐẩy mạnh chương trình kiên cố hóa.\n"
    assert normalise(raw).paragraph_texts() == ["hạ tầng các thiết chế văn hóa.", "Đẩy mạnh chương trình kiên cố hóa."]


def test_repeated_header_block_kept_once() -> None:
    header = [f"H{i}" for i in range(14)]
    raw = "\n".join(header + ["1.1 a", "x"] + header + ["1.2 b", "y"] + header + ["1.3 c", "z"])
    text = normalise(raw).text
    assert text.count("H13") == 1
    assert "1.2 b" in text and "1.3 c" in text


def test_footnote_inserted_mid_sentence_moves_to_end() -> None:
    body = "phát triển hạ tầng 3 đô thị1, 3 hành lang kinh tế. Tập trung chỉ đạo\n"
    note = ("1 Ba trung tâm đô thị: Trung tâm đô thị xung quanh thành phố Hà Tĩnh, "
            "trong đó thành phố Hà Tĩnh là hạt nhân.\n")
    raw = body + note + "tổ chức tốt các ngày lễ lớn.\n"
    text = normalise(raw).text
    assert "đô thị, 3 hành lang" in text
    assert "Tập trung chỉ đạo tổ chức tốt các ngày lễ lớn." in text
    assert text.endswith("là hạt nhân.")


def test_line_spans_point_into_the_text() -> None:
    """Every cleaned line is a source line as printed (bar whitespace), at its span in the normalised text."""
    for path in source_paths():
        raw = path.read_text(encoding="utf-8")
        n = normalise(raw)
        raw_lines = {" ".join(r.split()) for r in repair_glyphs(raw).split("\n")}
        for span in n.lines:
            line = n.text[span.start : span.end]
            assert "\n" not in line
            # the one exception: 002's glued footnote marker is removed ('đô thị1,' -> 'đô thị,')
            assert " ".join(line.split()) in raw_lines or path.name.startswith("002") and "thị, 3 hàng" in line


def test_real_sources_have_no_glyph_damage_left() -> None:
    for path in source_paths():
        text = normalise(path.read_text(encoding="utf-8")).text
        assert "ƣ" not in text and "Ƣ" not in text
    fta = normalise((source_paths()[1]).read_text(encoding="utf-8")).text
    assert fta.count("STT Nội dung") == 1  # the appendix header repeated at 9 page breaks is kept once


def test_fold_is_for_search_keys_only() -> None:
    assert fold("Cảng  Vũng Áng") == "cang vung ang"
    assert fold("Sở Tư pháp; Đường") == "so tu phap; duong"
    assert fold("Tỉnh uỷ") == fold("Tỉnh ủy")
