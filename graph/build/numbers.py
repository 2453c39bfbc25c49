"""Vietnamese numbers as printed in policy texts.

Vietnamese writes the decimal separator as a comma and groups thousands with dots:
``'7,3'`` is 7.3, ``'17.900'`` is 17900, ``'1.234,5'`` is 1234.5. Ranges are printed
``'0,5-0,6%'``, ``'22 - 25'``, ``'03 - 05'`` (leading zeros are kept in print), and ranks
``'50/63'`` (rank 50 out of 63). Everything returns :class:`~decimal.Decimal` so values
keep the precision printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# One printed number: digits with optional dot-grouped thousands and a decimal comma
# ('44.100', '1.234,5', '7,3', '03'). A dot followed by 1-2 digits is not a decimal point
# here ('3.14' is a section number), so it is not part of NUMBER.
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d.])|\d+(?:,\d+)?"
_NUMBER_RE = re.compile(rf"(?<![\d.,])(?:{NUMBER})(?![\d])")
# A range: two numbers joined by a hyphen or en dash, spaces allowed ('22 - 25', '0,5-0,6').
RANGE = rf"(?P<low>{NUMBER})(?:\s*%?\s*[-–]\s*(?P<high>{NUMBER}))?"
_RANGE_RE = re.compile(rf"(?<![\d.,]){RANGE}(?![\d])")
_RANK_RE = re.compile(rf"(?<![\d.,/])(?P<rank>{NUMBER})\s*/\s*(?P<of>\d+)(?![\d,])")
_QUANTITY_RE = re.compile(rf"(?<![\d.,]){RANGE}(?![\d])\s*(?P<unit>\S.*)?$", re.S)


class NumberError(ValueError):
    """The text is not a Vietnamese number."""


def parse_number(text: str) -> Decimal:
    """'17.900' -> 17900, '7,3' -> 7.3, '1.234,5' -> 1234.5, '03' -> 3, '2,50' -> 2.50."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        raise NumberError(text)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):  # dotted thousands, optional decimal comma
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}", s):  # '1,200,000' (English grouping, two or more groups)
        s = s.replace(",", "")
    elif re.fullmatch(r"\d+,\d+", s):  # decimal comma
        s = s.replace(",", ".")
    elif not re.fullmatch(r"\d+", s):
        raise NumberError(text)
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above only let digits through
        raise NumberError(text) from exc
    return value


def parse_range(text: str) -> tuple[Decimal, Decimal | None]:
    """'0,5-0,6%' -> (0.5, 0.6); '22 - 25' -> (22, 25); '7' -> (7, None)."""
    m = _RANGE_RE.search(text)
    if not m:
        raise NumberError(text)
    low = parse_number(m.group("low"))
    high = parse_number(m.group("high")) if m.group("high") else None
    return low, high


def parse_rank(text: str) -> tuple[int, int]:
    """'50/63' -> (50, 63): rank 50 out of 63."""
    m = _RANK_RE.search(text)
    if not m:
        raise NumberError(text)
    return int(parse_number(m.group("rank"))), int(m.group("of"))


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    upper: Decimal | None
    unit: str | None


def parse_quantity(text: str) -> Quantity:
    """'44.100 tỷ đồng' -> 44100 'tỷ đồng'; '16 - 18%/năm' -> 16, 18, '%/năm'; '0,5-0,6%' -> 0.5, 0.6, '%'."""
    m = _QUANTITY_RE.search(text.strip())
    if not m:
        raise NumberError(text)
    low = parse_number(m.group("low"))
    high = parse_number(m.group("high")) if m.group("high") else None
    unit = re.sub(r"\s+", " ", m.group("unit") or "").strip() or None
    if unit and unit.startswith("%"):
        unit = "%" + unit[1:].lstrip() if unit[1:2] == "/" else unit
    return Quantity(low, high, unit)


def find_numbers(text: str) -> list[tuple[int, int, Decimal]]:
    """Every printed number in ``text`` as (start, end, value); years are numbers too."""
    out = []
    for m in _NUMBER_RE.finditer(text):
        try:
            out.append((m.start(), m.end(), parse_number(m.group())))
        except NumberError:
            continue
    return out
