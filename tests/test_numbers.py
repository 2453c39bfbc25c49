"""Vietnamese numbers as printed: decimal comma, dotted thousands, ranges, ranks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.build.numbers import NumberError, find_numbers, parse_number, parse_quantity, parse_range, parse_rank

D = Decimal


@pytest.mark.parametrize("text, value", [
    ("17.900", D(17900)), ("44.100", D(44100)), ("7,3", D("7.3")), ("2,5", D("2.5")), ("0,5", D("0.5")),
    ("54,37", D("54.37")), ("1.234,5", D("1234.5")), ("1.200", D(1200)), ("23.500", D(23500)),
    ("03", D(3)), ("05", D(5)), ("100", D(100)), ("1.000.000", D(1000000)), ("1,200,000", D(1200000)),
    (" 71,2 ", D("71.2")),
])
def test_parse_number(text: str, value: Decimal) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "3.14", "1.2.3", "7,"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


@pytest.mark.parametrize("text, low, high", [
    ("0,5-0,6%", D("0.5"), D("0.6")), ("22 - 25", D(22), D(25)), ("03 - 05", D(3), D(5)),
    ("từ 22 - 25", D(22), D(25)), ("16 - 18%/năm", D(16), D(18)), ("0,5%-0,6%", D("0.5"), D("0.6")),
    ("6 – 8", D(6), D(8)), ("7", D(7), None), ("17.800", D(17800), None),
])
def test_parse_range(text: str, low: Decimal, high: Decimal | None) -> None:
    assert parse_range(text) == (low, high)


@pytest.mark.parametrize("text, rank, of", [
    ("50/63", 50, 63), ("xếp thứ 50/63 tỉnh, thành phố", 50, 63), ("25 / 34", 25, 34),
    ("4,93 50/63 6,18 25/34", 50, 63),
])
def test_parse_rank(text: str, rank: int, of: int) -> None:
    assert parse_rank(text) == (rank, of)


@pytest.mark.parametrize("text, value, upper, unit", [
    ("44.100 tỷ đồng", D(44100), None, "tỷ đồng"),
    ("2,5 tỷ đô la Mỹ", D("2.5"), None, "tỷ đô la Mỹ"),
    ("16 - 18%/năm", D(16), D(18), "%/năm"),
    ("0,5-0,6%", D("0.5"), D("0.6"), "%"),
    ("12 bác sĩ/1 vạn dân", D(12), None, "bác sĩ/1 vạn dân"),
    ("50% GRDP", D(50), None, "% GRDP"),
    ("36,8 triệu tấn", D("36.8"), None, "triệu tấn"),
    ("03 - 05 doanh nghiệp", D(3), D(5), "doanh nghiệp"),
    ("7", D(7), None, None),
])
def test_parse_quantity(text: str, value: Decimal, upper: Decimal | None, unit: str | None) -> None:
    q = parse_quantity(text)
    assert (q.value, q.upper, q.unit) == (value, upper, unit)


def test_find_numbers_skips_section_numbers_and_keeps_offsets() -> None:
    text = "mục 3.14: thu 17.800 tỷ đồng năm 2025, tăng 7,3%"
    found = find_numbers(text)
    assert [v for _, _, v in found] == [D(3), D(17800), D(2025), D("7.3")]
    for start, end, value in found:
        assert parse_number(text[start:end]) == value
