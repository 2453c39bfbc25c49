"""The readers on our own test documents: values checked by hand against what the documents say."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from ingest_documents import LEFT, RIGHT, TABLE_HEADER, TABLE_ROWS
from ingest_legacy import encode_cp1258, encode_tcvn3, encode_vni
from ingest_support import bad_files, need

from graph.build.normalise import is_table_row, normalise
from graph.build.readers import read_document
from graph.build.readers.ocr import available as ocr_available
from graph.build.readers.pdf import table_row
from graph.build.readers.text import decode_text
from graph.build.sources import SourceError

SAMPLE = ("Kế hoạch phát triển công nghiệp ĐẾN NĂM 2030 của Ủy ban nhân dân tỉnh HÀ TĨNH, giao Sở Công Thương "
          "chủ trì thực hiện; đường sắt tốc độ cao, KẾ HOẠCH")


def _rows(text: str) -> list[str]:
    return [line for line in text.split("\n") if is_table_row(line)]


EXPECTED_ROWS = [table_row(TABLE_HEADER)] + [table_row(r) for r in TABLE_ROWS]


@pytest.mark.parametrize(("encode", "name"), [(encode_vni, "vni-windows"), (encode_cp1258, "windows-1258")])
def test_legacy_encodings_are_detected_and_converted(encode, name: str) -> None:  # noqa: ANN001
    decoded = decode_text(encode(SAMPLE))
    assert decoded.encoding == name
    assert decoded.text == SAMPLE


def test_tcvn3_is_detected_and_upper_case_words_restored() -> None:
    # TCVN3 has no bytes for upper-case toned letters: 'Ủy' can only come back as 'ủy'
    decoded = decode_text(encode_tcvn3(SAMPLE))
    assert decoded.encoding == "tcvn3"
    assert decoded.text == SAMPLE.replace("Ủy", "ủy")


def test_decomposed_unicode_is_composed() -> None:
    decoded = decode_text(unicodedata.normalize("NFD", SAMPLE).encode("utf-8"))
    assert decoded.encoding == "utf-8 (decomposed)" and decoded.text == SAMPLE


def test_tcvn3_file(docs: dict[str, Path]) -> None:
    read = read_document(docs["tcvn3.txt"])
    assert read.reader == "tcvn3" and read.notes == ["converted from tcvn3"]
    assert "Số 21-KL/TU" in read.text and "KẾT LUẬN" in read.text
    assert "giao Ban cán sự đảng ủy ban nhân dân" in read.text  # the lost capital: 'Ủy' -> 'ủy'


def test_docx_paragraphs_in_order_and_tables_as_rows(docs: dict[str, Path]) -> None:
    read = read_document(docs["plan.docx"])
    lines = read.text.split("\n")
    # the title block (a two-column layout table) column by column, then the type word
    assert lines.index(LEFT[0]) < lines.index(LEFT[2]) < lines.index(RIGHT[0]) < lines.index(RIGHT[2])
    assert lines.index(RIGHT[2]) < lines.index("KẾ HOẠCH")
    assert _rows(read.text) == EXPECTED_ROWS
    assert "| 3 | Đầu tư nâng cấp đường kết nối cảng Cửa Lò với khu công nghiệp | Sở Xây dựng |  | 2026 - 2027 |" \
        in lines  # an empty cell stays a cell
    row = lines.index(EXPECTED_ROWS[0])
    assert lines[row - 1] == "" and lines[row + len(EXPECTED_ROWS)] == ""
    assert read.tables == 1 and read.format == "docx"


def test_pdf_two_column_title_block_and_ruled_table(docs: dict[str, Path]) -> None:
    read = read_document(need(docs, "plan.pdf"))
    assert read.format == "pdf" and read.pages == 2 and not read.ocr
    lines = read.text.split("\n")
    # reading order: the left column (issuer, number), then the right (motto, place and date)
    assert lines.index("ỦY BAN NHÂN DÂN") < lines.index("TỈNH NGHỆ AN") < lines.index("Số: 57/KH-UBND")
    assert lines.index("Số: 57/KH-UBND") < lines.index("Độc lập - Tự do - Hạnh phúc") < lines.index("KẾ HOẠCH")
    assert _rows(read.text) == EXPECTED_ROWS
    for word in ("Nghệ An", "Hạnh phúc", "Thương", "Cửa Lò", "Khoa học và Công nghệ", "Quý IV/2026"):
        assert word in read.text  # diacritics intact
    assert read.text == unicodedata.normalize("NFC", read.text)


def test_pdf_table_across_pages_keeps_rows_whole(docs: dict[str, Path]) -> None:
    read = read_document(need(docs, "long.pdf"))
    rows = _rows(read.text)
    assert rows[0] == EXPECTED_ROWS[0] and rows.count(EXPECTED_ROWS[0]) == 1
    assert rows[1:] == EXPECTED_ROWS[1:] * 12  # a row cut by a page break is put back together
    norm = normalise(read.text)
    assert [line for line in norm.text.split("\n") if is_table_row(line)] == rows
    last = norm.text.rindex(EXPECTED_ROWS[-1])
    assert norm.page_at(0) == 1 and norm.page_at(last) == read.pages


def test_scan_is_ocr_read_or_refused(docs: dict[str, Path]) -> None:
    scan = need(docs, "scan.pdf")
    if not ocr_available():
        with pytest.raises(SourceError) as err:
            read_document(scan)
        assert "scan" in err.value.reason and "Tesseract" in err.value.reason
        return
    read = read_document(scan)
    assert read.ocr_pages == [1, 2] and "OCR tesseract" in read.reader
    assert "KẾ HOẠCH" in read.text and "Nguyễn Văn An" in read.text
    with pytest.raises(SourceError) as err:
        read_document(scan, allow_ocr=False)
    assert "scan" in err.value.reason


def test_bad_inputs_are_refused_with_the_file_and_the_reason(tmp_path: Path, docs: dict[str, Path]) -> None:
    for name, (path, word) in bad_files(tmp_path, docs).items():
        with pytest.raises(SourceError) as err:
            read_document(path)
        assert str(path) in str(err.value), name
        assert word in err.value.reason, f"{name}: {err.value.reason}"


def test_docx_content_controls_are_read_in_place(tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn
    from lxml import etree

    doc = Document()
    doc.add_paragraph("KẾ HOẠCH")
    inside = doc.add_paragraph("Số: 12/KH-UBND trong một ô nhập liệu")
    doc.add_paragraph("Phần cuối")
    sdt = etree.SubElement(doc.element.body, qn("w:sdt"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    inside._p.addprevious(sdt)
    content.append(inside._p)
    doc.save(str(tmp_path / "sdt.docx"))
    lines = read_document(tmp_path / "sdt.docx").text.split("\n")
    assert lines[:3] == ["KẾ HOẠCH", "Số: 12/KH-UBND trong một ô nhập liệu", "Phần cuối"]
