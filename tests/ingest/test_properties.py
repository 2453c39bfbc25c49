"""Property-based tests (hypothesis) on the readers, the normaliser, the segmenter and the number, date and
citation parsers: whatever the input, no crash (only the documented refusal), no hang (a deadline per
input), NFC output, and every offset inside the text with its quote equal to the text it points at."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.build.extract import ExtractionContext
from graph.build.extract.citations import _parse_date
from graph.build.extract.document_step import document_record
from graph.build.model import Parsed
from graph.build.normalise import PAGE_BREAK, is_table_row, normalise
from graph.build.numbers import NumberError, find_numbers, parse_number, parse_quantity, parse_range
from graph.build.readers import read_document
from graph.build.readers.pdf import table_row
from graph.build.readers.text import EncodingError, decode_text
from graph.build.segment import segment
from graph.build.sources import Source, SourceError
from graph.config import Settings

LIMIT = settings(max_examples=60, deadline=timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow,
                                                                                          HealthCheck.function_scoped_fixture])

# pieces of the genre, so the generated texts reach the parsers' interesting paths
PIECES = [
    "Nghị quyết số 11-NQ/TU", "ngày 26/5/2022", "Kế hoạch số 57/KH-UBND", "Số: 45/2024/NQ-HĐND", "Căn cứ ",
    "Quyết định số 812/QĐ-UBND ngày 10 tháng 12 năm 2024", "của Ban Thường vụ Tỉnh ủy", "thực hiện ", "về ",
    "I. MỤC TIÊU", "1.", "a)", "- ", "+ ", "Giao Sở Công Thương chủ trì, phối hợp với Sở Tài chính",
    "đạt trên 2,1 tỷ USD", "khoảng 8 - 10%", "1.250 tỷ đồng", "năm 2030", "Quý IV/2026", "Nơi nhận:", "TM. ",
    "ĐẢNG CỘNG SẢN VIỆT NAM", "Hà Tĩnh, ngày 07 tháng 02 năm 2023", "-----", "ƣ", "đô thị1", " | ", "| ", " |",
    "\n", "\n\n", "\n\n\n", PAGE_BREAK, "\t", "\u00a0", "\u200b", "\ufeff", "e\u0301", "\r\n", "2021-", "2030",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=60).map("".join)
cells = st.lists(st.text(max_size=20), min_size=1, max_size=6)


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


@LIMIT
@given(st.binary(max_size=400))
def test_decode_text_decodes_or_refuses(data: bytes) -> None:
    try:
        decoded = decode_text(data)
    except EncodingError as exc:
        assert str(exc)
        return
    assert _is_nfc(decoded.text)


@LIMIT
@given(texts)
def test_decode_text_round_trips_utf8(text: str) -> None:
    assert decode_text(text.encode("utf-8")).text == unicodedata.normalize("NFC", text.removeprefix("\ufeff"))


@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".docx", ".bin"])
@LIMIT
@given(data=st.one_of(st.binary(max_size=600), texts.map(lambda t: t.encode("utf-8")),
                      st.binary(max_size=300).map(lambda b: b"%PDF-1.4\n" + b),
                      st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b)))
def test_read_document_reads_or_refuses(tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    try:
        read = read_document(path, allow_ocr=False)
    except SourceError as exc:
        assert str(path) in str(exc) and exc.reason
        return
    assert _is_nfc(read.text) and read.format in ("txt", "pdf", "docx")


@LIMIT
@given(cells)
def test_table_row_keeps_every_cell(row: list[str]) -> None:
    line = table_row(row)
    assert "\n" not in line and is_table_row(line)
    assert line[2:-2].split(" | ") == [" ".join(c.split()).replace("|", "/") for c in row]


@LIMIT
@given(texts)
def test_normalise_is_nfc_with_spans_inside(raw: str) -> None:
    norm = normalise(raw)
    text = norm.text
    assert _is_nfc(text) and PAGE_BREAK not in text
    for span in (*norm.lines, *norm.paragraphs):
        assert 0 <= span.start <= span.end <= len(text)
    for span in norm.lines:
        assert "\n" not in text[span.start:span.end]
    if norm.line_pages:
        assert len(norm.line_pages) == len(norm.lines)
        assert all(1 <= p <= raw.count(PAGE_BREAK) + 1 for p in norm.line_pages)


@LIMIT
@given(st.lists(cells, min_size=1, max_size=5), texts, texts)
def test_normalise_keeps_table_rows_intact(rows: list[list[str]], before: str, after: str) -> None:
    lines = [unicodedata.normalize("NFC", table_row(r)) for r in rows]  # (the readers' text is NFC)
    raw = before + "\n\n" + "\n".join(lines) + "\n\n" + after
    text_lines = normalise(raw).text.split("\n")
    for k, line in enumerate(lines):
        if line in lines[:k]:
            continue  # a repeated row may be a header repeated at a page break of the text around it
        assert line in text_lines  # a whole line: never joined with a neighbour, spacing untouched


@LIMIT
@given(texts)
def test_segment_blocks_inside_the_text(raw: str) -> None:
    norm = normalise(raw)
    for block in segment(norm):
        for span in (block.body, block.span):
            assert 0 <= span.start <= span.end <= len(norm.text)


@LIMIT
@given(st.one_of(st.text(alphabet="0123456789.,- %tỷđồngUSD/năm", max_size=24), texts))
def test_number_parsers_parse_or_refuse(text: str) -> None:
    for parse in (parse_number, parse_range, parse_quantity):
        try:
            value = parse(text)
        except NumberError:
            continue
        assert value is not None
    for start, end, value in find_numbers(text):
        assert 0 <= start < end <= len(text)
        assert isinstance(value, Decimal) and parse_number(text[start:end]) == value


@LIMIT
@given(st.one_of(st.text(alphabet="0123456789/ thángnăm", max_size=30),
                 st.tuples(st.integers(0, 40), st.integers(0, 14), st.integers(0, 3000)).map(
                     lambda t: f"{t[0]}/{t[1]}/{t[2]}"),
                 st.tuples(st.integers(0, 40), st.integers(0, 14), st.integers(1000, 3000)).map(
                     lambda t: f"{t[0]} tháng {t[1]} năm {t[2]}")))
def test_date_parser_gives_a_date_or_nothing(printed: str) -> None:
    result = _parse_date(printed)
    assert result is None or isinstance(result, date)


@pytest.fixture(scope="module")
def ctx() -> ExtractionContext:
    return ExtractionContext(Settings())


@LIMIT
@given(texts)
def test_citation_parser_offsets_point_at_their_quotes(ctx: ExtractionContext, raw: str) -> None:
    norm = normalise(raw)
    parsed = Parsed(Source("prop", Path("prop.txt"), raw, "0" * 64), norm)
    record = document_record(parsed, ctx)
    evidence = [record.ref.evidence] + [c.evidence for c in record.citations] + [c.cited.evidence
                                                                                 for c in record.citations]
    for ev in evidence:
        assert 0 <= ev.start <= ev.end <= len(norm.text)
        assert norm.text[ev.start:ev.end] == ev.quote
