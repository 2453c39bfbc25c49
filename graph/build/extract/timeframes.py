"""Timeframes of tasks, read from the printed phrase: 'Quý IV/2026', 'trước ngày 15/12/2026', '2026 - 2030' ….

The forms are those GENRE.md lists for time cells and time clauses: a year ('Năm 2026', '2026'), a period
('2026 - 2030', 'giai đoạn 2026-2030', 'từ năm 2026 đến năm 2030'), a quarter ('Quý IV/2026', 'quý IV năm
2026', 'Quý II-III/2026'), a month ('tháng 6/2026', 'trong tháng 9/2026', '6 tháng đầu năm 2026'), a deadline
('trước ngày 15/12/2026', 'trước 30/6/2026', 'hoàn thành trước tháng 10/2026'), and recurring or open forms
('Thường xuyên', 'Hằng năm', 'Định kỳ hằng quý', 'Theo tiến độ'), which have no years.

:func:`parse_timeframe` turns one phrase into a :class:`Timeframe`; years are only taken from a phrase that
is a timeframe (never from a sentence that merely contains a year).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from graph.build.model import Evidence, Task
from graph.text import collapse

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_Q = r"(?:i{1,3}|iv|[1-4])"
_YEAR = r"((?:19|20)\d{2})"
_SEP = r"\s*(?:-|–|đến|tới)\s*"

_RECURRING = re.compile(
    r"^(?:thường xuyên|(?:hằng|hàng) (?:năm|quý|tháng|tuần)|định kỳ\b|theo (?:kế hoạch|tiến độ|yêu cầu|quy định)"
    r"|khi có yêu cầu|liên tục)", re.I)
_RECURRING_INSIDE = re.compile(r"\b(?:hằng|hàng) (?:năm|quý|tháng)\b|\b(?:cuối|đầu) quý\b")
_DEADLINE_DAY = re.compile(rf"(?:trước|chậm nhất|muộn nhất|hạn)\s+(?:(?:là|vào)\s+)?(?:ngày\s+)?(\d{{1,2}})\s*[/.-]\s*"
                           rf"(\d{{1,2}})\s*[/.-]\s*{_YEAR}", re.I)
_DEADLINE_WORDS = re.compile(rf"trước\s+ngày\s+(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+{_YEAR}", re.I)
_DAY = re.compile(rf"^(?:ngày\s+)?(\d{{1,2}})\s*/\s*(\d{{1,2}})\s*/\s*{_YEAR}$", re.I)
_DEADLINE_MONTH = re.compile(rf"trước\s+tháng\s+(\d{{1,2}})\s*(?:/|\s+năm\s+)\s*{_YEAR}", re.I)
_QUARTER = re.compile(rf"\bquý\s+({_Q})(?:\s*(?:-|–|,|và|đến)\s*({_Q}))?\s*(?:/|\s+năm\s+|\s+)\s*{_YEAR}", re.I)
_HALF = re.compile(rf"\b6\s+tháng\s+(đầu|cuối)\s+năm\s+{_YEAR}", re.I)
_MONTH = re.compile(rf"\btháng\s+(\d{{1,2}})(?:\s*(?:-|–|đến)\s*(?:tháng\s+)?(\d{{1,2}}))?\s*(?:/|\s+năm\s+)\s*{_YEAR}",
                    re.I)
_MONTH_NUM = re.compile(rf"^(\d{{1,2}})\s*/\s*{_YEAR}(?:{_SEP}(\d{{1,2}})\s*/\s*{_YEAR})?$")
_YEARS = re.compile(rf"\b{_YEAR}\b")
# what may surround the years of a period or a year: nothing else makes the phrase a timeframe
_YEAR_FORM = re.compile(
    rf"^(?:(?:trong|vào|cả|từ|đến|tới|hết|cuối|đầu|giữa|trước|sau|giai đoạn|thời kỳ|năm|hoàn thành|thực hiện|và|"
    rf"tại kỳ họp|tại phiên họp|"
    rf"những năm tiếp theo|các năm tiếp theo|tiếp theo|các năm|những năm|{_YEAR}|[-–,;:()])\s*)+$", re.I)


@dataclass(frozen=True)
class Timeframe:
    """What a timeframe phrase says: years, quarter or month, deadline; ``recurring`` for 'Hằng năm' …."""

    start_year: int | None = None
    end_year: int | None = None
    quarter: int | None = None  # the quarter the work is due in (the last one of 'Quý II-III/2026')
    month: int | None = None  # the month the work is due in ('tháng 6/2026')
    deadline: date | None = None  # 'trước ngày 15/12/2026'
    recurring: bool = False

    @property
    def empty(self) -> bool:
        return self.start_year is None and self.end_year is None and not self.recurring


def _quarter(q: str) -> int:
    return int(q) if q.isdigit() else _ROMAN[q.lower()]


def _date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_timeframe(phrase: str) -> Timeframe | None:
    """The timeframe a phrase prints, or None when the phrase is not a timeframe.

    >>> parse_timeframe("Quý IV/2026")
    Timeframe(start_year=2026, end_year=2026, quarter=4, month=None, deadline=None, recurring=False)
    """
    text = re.sub(r"\s+", " ", phrase).strip(" .;,")
    if not text:
        return None
    folded = text.lower()
    recurring = bool(_RECURRING.match(folded) or _RECURRING_INSIDE.search(folded))
    if m := (_DEADLINE_DAY.search(text) or _DEADLINE_WORDS.search(text)):
        d = _date(m.group(1), m.group(2), m.group(3))
        if d is not None:
            return Timeframe(None, d.year, None, d.month, d, recurring)
    if m := _DAY.match(text):
        d = _date(m.group(1), m.group(2), m.group(3))
        if d is not None:
            return Timeframe(d.year, d.year, None, d.month, d, recurring)
    if m := _DEADLINE_MONTH.search(text):
        y, mo = int(m.group(2)), int(m.group(1))
        if 1 <= mo <= 12:
            # 'trước tháng 10/2026': due before the month starts, i.e. by the end of the month before
            last = date(y, mo, 1).toordinal() - 1
            d = date.fromordinal(last)
            return Timeframe(None, d.year, None, d.month, d, recurring)
    if m := _QUARTER.search(text):
        q = _quarter(m.group(2) or m.group(1))
        y = int(m.group(3))
        return Timeframe(y, y, q, None, None, recurring)
    if m := _HALF.search(text):
        y = int(m.group(2))
        return Timeframe(y, y, None, 6 if m.group(1).lower() == "đầu" else 12, None, recurring)
    if m := _MONTH.search(text):
        mo = int(m.group(2) or m.group(1))
        y = int(m.group(3))
        if 1 <= mo <= 12:
            deadline = date(y, mo, calendar.monthrange(y, mo)[1]) if re.search(r"\b(?:trước|hết|chậm nhất)\b",
                                                                                 folded) else None
            return Timeframe(y, y, None, mo, deadline, recurring)
    if m := _MONTH_NUM.match(text):
        years = [int(m.group(2))] + ([int(m.group(4))] if m.group(4) else [])
        mo = int(m.group(3) or m.group(1))
        if 1 <= mo <= 12:
            return Timeframe(min(years), max(years), None, mo, None, recurring)
    years = [int(y) for y in _YEARS.findall(text)]
    if years and _YEAR_FORM.match(text):
        if len(set(years)) == 1 and re.match(r"(?:đến|tới|hết|trước)\b", folded):
            return Timeframe(None, years[0], None, None, None, recurring)  # 'đến hết năm 2026': by then
        return Timeframe(min(years), max(years), None, None, None, recurring)
    if recurring:
        return Timeframe(recurring=True)
    return None


# Time phrases inside a task's text, most telling first: a deadline, a quarter, a month, 'trong năm 2026', a
# recurrence at the end of a clause ('báo cáo định kỳ hằng quý.', 'thực hiện thường xuyên.').
_IN_TEXT = (
    re.compile(r"\bthời gian(?: thực hiện| hoàn thành)?\s*:\s*(?P<t>[^.;,()\n]{2,40}?)\s*(?=[.;,()\n]|$)", re.I),
    re.compile(rf"(?:trước|chậm nhất)\s+ngày\s+\d{{1,2}}(?:\s*/\s*\d{{1,2}}(?:\s*/\s*{_YEAR})?(?:\s+(?:hằng|hàng) năm)?"
               rf"|\s+tháng\s+\d{{1,2}}\s+năm\s+{_YEAR}|\s+của tháng cuối quý|\s+(?:hằng|hàng) tháng)", re.I),
    re.compile(rf"(?:\btrong\s+)?\bquý\s+{_Q}(?:\s*(?:-|–|,|và|đến)\s*{_Q})?\s*(?:/|\s+năm\s+)\s*{_YEAR}", re.I),
    re.compile(rf"(?:\btrong\s+)?\btháng\s+\d{{1,2}}(?:\s*(?:-|–|và|đến)\s*(?:tháng\s+)?\d{{1,2}})?\s*(?:/|\s+năm\s+)\s*{_YEAR}"
               rf"|\b6\s+tháng\s+(?:đầu|cuối)\s+năm\s+{_YEAR}", re.I),
    re.compile(rf"(?<=hoàn thành )năm {_YEAR}\b", re.I),  # '(…; hoàn thành năm 2028)'
    # a session of an elected body as the time of a report ('báo cáo Quốc hội tại kỳ họp cuối năm 2027')
    re.compile(rf"\btại (?:kỳ|phiên) họp (?:(?:cuối|đầu|giữa) )?năm {_YEAR}\b", re.I),
    re.compile(rf"\b(?:trong|vào|đến hết|hết|cuối) năm {_YEAR}\b", re.I),
    # the clause that ends an item: '…; năm 2026.', '…, giai đoạn 2026 - 2030.'
    re.compile(rf"(?:(?<=; )|(?<=, )|(?<=: ))(?:năm|giai đoạn)\s+{_YEAR}(?:{_SEP}(?:năm\s+)?{_YEAR})?(?=\s*\.?\s*$)",
               re.I),
    # ('định kỳ 6 tháng hoặc khi có yêu cầu' is on demand, not a timeframe)
    re.compile(r"định kỳ 6 tháng(?:,\s*(?:hằng|hàng) năm)?(?!\s+hoặc)"
               r"|(?:(?<=định kỳ )|(?<=báo cáo )|(?<=kết quả )|(?<=; )|(?<=, ))(?:hằng|hàng) (?:năm|quý|tháng)\b"
               r"|\b(?:hằng|hàng) (?:năm|quý|tháng)(?=\s*(?:[.;,)]|$))|\bthường xuyên(?=\s*(?:[.;]|$))", re.I),
)


def find_time_clause(text: str) -> tuple[int, int] | None:
    """The span of the timeframe a task's text prints ('…, hoàn thành trước ngày 15/12/2026.', '… trong Quý
    IV/2026', '… báo cáo định kỳ hằng quý.'), or None: the first phrase of the most telling kind."""
    for pattern in _IN_TEXT:
        for m in pattern.finditer(text):
            group = "t" if "t" in pattern.groupindex else 0
            phrase = m.group(group)
            if parse_timeframe(phrase) is None and not re.search(r"hằng|hàng|cuối quý", phrase, re.I):
                continue
            return m.span(group)
    return None


def apply_timeframe(task: Task, phrase: str, evidence: Evidence | None) -> bool:
    """Set the task's timeframe from a printed phrase; False (nothing set) when it is not a timeframe."""
    tf = parse_timeframe(phrase)
    if tf is None:
        return False
    task.timeframe = collapse(phrase)
    task.timeframe_evidence = evidence
    task.start_year, task.end_year = tf.start_year, tf.end_year
    task.quarter, task.month, task.deadline, task.recurring = tf.quarter, tf.month, tf.deadline, tf.recurring
    return True
