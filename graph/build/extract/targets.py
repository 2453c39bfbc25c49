"""Goals (mục tiêu) and quantified targets (chỉ tiêu) of a policy document.

The cue words (comparators, units, count nouns, result cues …) are in ``data/target_cues.yaml``.

Where they are
    * Goal sections: a heading or numbered/lettered title starting 'Mục tiêu', 'Chỉ tiêu' or 'Tầm nhìn'
      ('II. MỤC TIÊU, CHỈ TIÊU NĂM 2025', '1. Mục tiêu tổng quát', 'a) Đến năm 2030:'), also with the Party
      numbering 'II- MỤC TIÊU', '2- Mục tiêu đến năm 2030 (1) … (7) …'. 'Mục đích, yêu cầu' is not a goal section.
    * Elsewhere (a report's proposals, a conclusion's tasks), a sentence that opens with an aspiration cue
      ('Phấn đấu …') and prints its own year, not before the document's.
    * Target tables ('TT | Chỉ tiêu | Đơn vị | Năm 2025 | Mục tiêu 2030'), structured or flattened by a PDF:
      :mod:`graph.build.extract.target_tables`.
    * A score/rank table ('Năm 2024 … Mục tiêu năm 2025 … Điểm số Xếp hạng Điểm số Xếp hạng'), flattened by
      PDF extraction into rows like '1 Chỉ số thành phần … 4,93 50/63 6,18 25/34'.

How a target is read (one per printed value)
    indicator  the phrase before the comparator ('Tỷ lệ đô thị hóa đạt 40%'), before a colon ('Thu nhập bình quân
               đầu người đến năm 2030: 150 triệu đồng'), or, when the value comes first, the phrase after it
               ('trên 93,5% hộ gia đình đạt danh hiệu văn hóa'); a clause with no phrase of its own ('…; đến năm
               2030 đạt khoảng 60,3%') reuses the indicator of the previous value in the same sentence.
    comparator the word printed before the number: trên, dưới, khoảng, đạt, ít nhất, không dưới, tối thiểu …,
               hedges absorbed ('đạt trên', 'khoảng trên' give 'trên'), or after it ('40% trở lên'); for top-N
               groups 'thuộc nhóm' / 'nằm trong nhóm' / 'trong nhóm'; 'từ' (a bare range) gives none.
    value      Vietnamese numbers ('1.250', '2,15'); ranges '8 - 10%', 'từ 8% đến 10%'.
    year       the last 'năm YYYY' / 'giai đoạn YYYY-YYYY' before the value in its sentence (a year inside
               parentheses only for values inside them); else the one horizon year of the enclosing titles;
               else none (kept, flagged uncertain).
    period     'giai đoạn/thời kỳ YYYY-YYYY' printed in the value's own clause.
    baseline   'tăng từ 65% năm 2025 lên 75%', a result of the same indicator next to the target ('năm 2025
               đạt 40%, đến năm 2030 đạt 80%', '… 210 nghìn tấn (năm 2025 đạt 180 nghìn tấn)'), 'so với năm
               2025' (the year only).
Results are not targets: a value after a result cue ('ước đạt', 'đã đạt'), for a year before the document's
own, or in parentheses for a year before its sentence's. A past rank printed elsewhere ('năm 2024, chỉ số X
xếp thứ 50/63') becomes the baseline of a later rank target on the same indicator.

Goals: in a general-goal subsection ('tổng quát', 'chung', a vision) each paragraph is one goal;
elsewhere a paragraph without values is one goal, and a value-less sentence of a paragraph that
also sets targets is one goal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from graph.build.extract.target_tables import TableReader
from graph.build.iris import slug
from graph.build.model import RULE, Evidence, Extraction, Goal, Link, NodeKey, Target, Task
from graph.build.numbers import NUMBER, parse_number
from graph.build.segment import Block
from graph.config import PROJECT_ROOT
from graph.text import collapse, fold

YEAR = r"(?:19|20)\d{2}"
_IC = re.IGNORECASE
CUES_FILE = "target_cues.yaml"


def _alt(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of printed phrases, longest first, any whitespace between words."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(set(words), key=len, reverse=True) if w)


@dataclass(frozen=True)
class Comparator:
    word: str
    name: str
    symbol: str
    hedge: bool = False


class TargetCues:
    """The cue words of ``data/target_cues.yaml`` and the patterns built from them."""

    def __init__(self, data: dict) -> None:
        self.comparators = {fold(c["word"]): Comparator(c["word"], c.get("name") or c["word"], c["symbol"],
                                                        bool(c.get("hedge", False)))
                            for c in data["comparators"]}
        self.after = {fold(c["word"]): Comparator(c["word"], c.get("name") or c["word"], c["symbol"])
                      for c in data["after_comparators"]}
        self.group_words = tuple(data["group_words"])
        self.rank_words = tuple(data["rank_words"])
        self.count_nouns = tuple(data["count_nouns"])
        self.count_folded = {fold(n) for n in self.count_nouns}
        self.number_first = {fold(w) for w in data["number_first_verbs"]}
        self.result_cues = tuple(data["result_cues"])
        self.table = data["table"]
        self.scale_folded = {fold(w) for w in data["scales"]}
        self.aspiration = re.compile(rf"(?<![\wÀ-ỹ])(?:{_alt(data['aspiration_cues'])})(?![\wÀ-ỹ])", _IC)
        self.qualifier = re.compile(rf"^[^,;]*?(?:^|\s)(?:{_alt(data['count_qualifiers'])})(?=\s)", _IC)
        self.not_value = re.compile(rf"(?:^|\s)(?:{_alt(data['not_values_after'])})\s*$", _IC)
        self.tail_stop = {w.lower() for w in data["tail_stop"]}  # as printed: 'số' is not 'so'

        self.units = [*data["units"], *data["count_nouns"],
                      *(f"{sc} {u}" for sc in data["scales"] for u in data["scaled_units"])]
        words = [c["word"] for c in data["comparators"]]
        self.cmp = re.compile(rf"(?:^|(?<=\s))(?P<c>{_alt(words + ['từ', 'giảm', *self.rank_words])})\s*$", _IC)
        self.verbs_before = re.compile(rf"(?:^|\s)(?:{_alt(data['verbs_before'])})\s*$", _IC)
        self.group = re.compile(rf"(?P<g>{_alt(self.group_words)})\s*$", _IC)
        self.after_cmp = re.compile(rf"\s+(?P<a>{_alt([c['word'] for c in data['after_comparators']])})"
                                    r"(?![\wÀ-ỹ])", _IC)
        self.range_tail = re.compile(rf"\s*%?\s*[-–]\s*(?P<up>{NUMBER})(?![\d])")
        self.range_words = re.compile(rf"\s*%?\s*(?:{_alt(data['range_words'])})\s+(?P<up>{NUMBER})(?![\d])", _IC)
        self.to_target = re.compile(
            rf"\s*(?:\(?\s*(?:vào\s+|của\s+)?năm\s+(?P<y>{YEAR})\s*\)?)?\s*,?\s*(?:{_alt(data['baseline_to_target'])})"
            r"\s+(?=\d)", _IC)
        self.result = re.compile(rf"(?<![\wÀ-ỹ])(?:{_alt(self.result_cues)})(?![\wÀ-ỹ])", _IC)
        # what stays of a result cue once its comparator is read ('ước' of 'ước đạt')
        rests = [c.rsplit(" ", 1)[0] for c in self.result_cues
                 if " " in c and fold(c.rsplit(" ", 1)[1]) in self.comparators]
        self.result_rest = re.compile(rf"(?:^|\s)(?:{_alt(rests)})\s*$", _IC)
        per = rf"(?:\s*/\s*(?:{_alt(data['per'])}))*"
        self.measure = re.compile(
            rf"\s+(?:(?:{_alt(data['scales'])})\s+(?:{_alt(data['scaled_units'])})|{_alt(data['units'])})"
            rf"{per}(?![\wÀ-ỹ])")
        self.count = re.compile(
            rf"\s+(?P<noun>{_alt(self.count_nouns)})"
            r"(?P<rate>\s*/\s*(?:1\s+|một\s+)?(?:vạn|nghìn|1\.000|10\.000)\s+dân|\s+trên\s+(?:một|1)\s+vạn\s+dân)?"
            r"(?![\wÀ-ỹ])", _IC)

    def comparator(self, printed: str) -> Comparator | None:
        return self.comparators.get(fold(collapse(printed))) or self.after.get(fold(collapse(printed)))

    def symbol(self, name: str | None) -> str | None:
        """pol:comparator's value for a recorded comparator name ('trên' -> '>')."""
        if not name:
            return None
        key = fold(name)
        for c in (*self.comparators.values(), *self.after.values()):
            if key in (fold(c.name), fold(c.word)):
                return c.symbol
        return "≤" if key in {fold(g) for g in self.group_words} else None


DEFAULT_CUES = PROJECT_ROOT / "data" / CUES_FILE


@lru_cache(maxsize=4)
def load_cues(path: Path = DEFAULT_CUES) -> TargetCues:
    return TargetCues(yaml.safe_load(path.read_text(encoding="utf-8")))


_SECTION_TITLE = re.compile(r"^(?:cac\s+)?(?:muc tieu|chi tieu|tam nhin)\b")
_GENERAL = re.compile(r"tong quat|muc tieu chung|tam nhin")
# Party documents number their parts 'I-', '1-', 'a-' (GENRE.md); segment.py reads only 'I.', '1.', 'a)',
# so such a marker stays at the start of the block's body.
_PARTY_MARKER = re.compile(r"^(?:[IVXL]{1,5}|\d{1,2}|[a-zđ])\s?-\s+")
# A label before a colon that only scopes what follows ('Đến năm 2030:', 'Mục tiêu cụ thể năm 2026:');
# any other label is the indicator ('Thu nhập bình quân đầu người đến năm 2030: 150 triệu đồng').
_SCOPE_LABEL = re.compile(r"^(?:tam nhin|muc tieu|chi tieu|den nam|giai doan|thoi ky|nam \d{4}|trong nam|"
                          r"phan dau|dinh huong|cac chi tieu)")
_YEAR_MARK = re.compile(
    rf"(?P<pre>sau\s+|so với\s+|trước\s+)?(?:(?:đến|trong|vào|tới)\s+)?năm\s+(?P<y>{YEAR})(?!\s*[-–]\s*{YEAR})"
    rf"|(?P<kw>giai đoạn|thời kỳ|nhiệm kỳ|từ)?\s*(?P<y1>{YEAR})\s*[-–]\s*(?P<y2>{YEAR})", _IC)
_NUM = re.compile(rf"(?<![\d.,/])(?:{NUMBER})(?![\d])")
_RANK_TAIL = re.compile(r"\s*/\s*(?P<of>\d{1,3})(?![\d/])")
_PERCENT = re.compile(r"\s*%(?:\s*/\s*năm|\s+GRDP)?")
_GROUP_TAIL = re.compile(r"\s+(?:tỉnh,\s*thành phố|tỉnh,\s*thành|tỉnh|địa phương)(?![\wÀ-ỹ])", _IC)
_LEAD = [re.compile(p, _IC) for p in (
    r"^[\s,:;.–-]+", r"^trong\s+đó\s*:?", r"^(?:phấn\s+đấu|duy\s+trì|có|và|đồng\s+thời)(?=\s|$)",
    rf"^(?:(?:đến|trong|vào|tới)\s+)?(?:hết\s+)?năm\s+{YEAR}\s*,?",
    rf"^(?:giai\s+đoạn|thời\s+kỳ)\s+{YEAR}\s*[-–]\s*{YEAR}\s*,?",
)]
_TRAIL = [re.compile(p, _IC) for p in (
    r"[\s,:;.–-]+$", r"(?:^|\s)(?:đạt|cho|là|lên|ở\s+mức|tăng|hàng\s+năm|bình\s+quân|xếp\s+hạng|xếp\s+thứ)$",
    rf"(?:^|\s)(?:(?:bình\s+quân\s+)?(?:đến|trong|vào|tới)\s+)?năm\s+{YEAR}$",
    rf"(?:^|\s)(?:bình\s+quân\s+)?(?:giai\s+đoạn|thời\s+kỳ)\s+{YEAR}\s*[-–]\s*{YEAR}$",
)]
_PLACE_TAIL = re.compile(r"\s+(?:của\s+)?(?:tỉnh|thành phố)(?:\s+[A-ZĐ][\wÀ-ỹ]*)*$")
_GROUP_END = re.compile(r"\s*(?:cao nhất|đứng đầu|dẫn đầu|tốt nhất)?\s*(?:của\s+)?(?:cả nước|toàn quốc|khu vực)?"
                        r"[\s.,;]*$", _IC)
_ARTICLE = re.compile(r"Điều\s+\d+\s*[.:]", _IC)
_SINCE = re.compile(rf"\s*so\s+với\s+(?:cùng\s+kỳ\s+)?(?:năm\s+)?(?P<y>{YEAR})", _IC)
_ITEM = re.compile(r"(?:(?<=\s)|^)\((?P<n>\d{1,2})\)\s*")

# Score/rank table: header and rows.
_TABLE_HEAD = re.compile(rf"Năm\s+(?P<base>{YEAR})\s+Mục\s+tiêu\s+năm\s+(?P<target>{YEAR})", _IC)
_TABLE_COLS = re.compile(r"Điểm\s+số\s+Xếp\s+hạng\s+Điểm\s+số\s+Xếp\s+hạng", _IC)
_TABLE_ROW = re.compile(
    rf"(?<![\d.,/])(?P<stt>\d{{1,2}})\s+(?P<ind>[^\d]{{5,300}}?)\s+(?P<bs>{NUMBER})\s+(?P<br>\d{{1,3}})\s*/\s*(?P<bof>\d{{1,3}})"
    rf"\s+(?P<ts>{NUMBER})\s+(?P<tr>\d{{1,3}})\s*/\s*(?P<tof>\d{{1,3}})(?![\d/])")
# A past rank printed in prose: 'năm 2024, chỉ số FTA Index của tỉnh Hà Tĩnh xếp thứ 50/63'
_PAST_RANK = re.compile(rf"năm\s+(?P<y>{YEAR})\s*,\s*(?P<ind>[^.;:]{{3,120}}?)\s+(?:xếp\s+thứ|xếp\s+hạng|đứng\s+thứ)\s+"
                        r"(?P<r>\d{1,3})\s*/\s*(?P<of>\d{1,3})", _IC)
_CONTRIB_CUE = re.compile(r"\b(?:nhằm|để\s+đạt|để\s+hoàn\s+thành|góp\s+phần|bảo\s+đảm\s+đạt|đảm\s+bảo\s+đạt)\b", _IC)


@dataclass
class _Value:
    start: int  # where the comparator phrase (or the number) starts
    num_start: int
    end: int  # end of the number and its unit
    low: object
    high: object
    unit: str | None
    comparator: str | None
    of: int | None = None
    group: bool = False
    rank: bool = False
    baseline: Decimal | None = None  # 'tăng từ 65% năm 2025 lên 75%': 65 ...
    baseline_year: int | None = None  # ... in 2025
    baseline_span: tuple[int, int] | None = None  # where the baseline is printed (its year is not the target's)
    achieved: bool = False  # a result cue stands before it ('ước đạt', 'đã đạt')


def _trim(raw: str, s: int, e: int, lead: list[re.Pattern[str]], trail: list[re.Pattern[str]]) -> tuple[int, int]:
    changed = True
    while changed and s < e:
        changed = False
        for p in lead:
            m = p.match(raw[s:e])
            if m and m.end() > 0:
                s, changed = s + m.end(), True
        for p in trail:
            m = p.search(raw[s:e])
            if m and m.start() < e - s:
                e, changed = s + m.start(), True
    while s < e and raw[s].isspace():
        s += 1
    while e > s and raw[e - 1].isspace():
        e -= 1
    return s, e


def _sentences(raw: str, s: int, e: int) -> list[tuple[int, int]]:
    out, start = [], s
    for m in re.finditer(r"[.!?…]+\s+(?=[A-ZĐÀ-ỸẠ-Ỹ(])", raw[s:e]):
        if raw[s + m.start() - 1 : s + m.start()].isdigit() and raw[s + m.end(): s + m.end() + 1].isdigit():
            continue
        out.append((start, s + m.start() + 1))
        start = s + m.end()
    out.append((start, e))
    return [(a, b) for a, b in out if raw[a:b].strip()]


def _clauses(raw: str, s: int, e: int) -> list[tuple[int, int]]:
    out, start = [], s
    for m in re.finditer(r";", raw[s:e]):
        out.append((start, s + m.start()))
        start = s + m.end()
    out.append((start, e))
    return out


def _year_marks(raw: str, s: int, e: int) -> list[tuple[int, int, int | None, str | None]]:
    """(start, end, year or None for 'sau năm …', period) for each year mention in raw[s:e]."""
    marks = []
    for m in _YEAR_MARK.finditer(raw, s, e):
        if m.group("y"):
            pre = (m.group("pre") or "").strip().lower()
            marks.append((m.start(), m.end(), None if pre in ("sau", "so với") else int(m.group("y")), None))
        else:
            kw = (m.group("kw") or "").lower()
            if kw == "nhiệm kỳ":
                continue
            y1, y2 = int(m.group("y1")), int(m.group("y2"))
            marks.append((m.start(), m.end(), y2, f"{y1}-{y2}"))
    return marks


def _is_year(raw: str, m: re.Match[str]) -> bool:
    return bool(re.fullmatch(YEAR, m.group()))


def _scan_values(raw: str, cs: int, ce: int, cues: TargetCues) -> list[_Value]:
    """Every target value printed in the clause raw[cs:ce], in order."""
    values: list[_Value] = []
    pos = cs
    pending: _Value | None = None  # a baseline 'từ 65% (năm 2025)' waiting for its target 'lên 75%'
    for m in _NUM.finditer(raw, cs, ce):
        if m.start() < pos:
            continue
        a, b = m.start(), m.end()
        before, after = raw[max(cs, a - 12):a], raw[b:ce]
        if before.endswith("(") and after.startswith(")"):
            continue
        if re.match(r"[-/]\s*[A-ZĐ]", after) or cues.not_value.search(raw[max(cs, a - 20):a]):
            continue
        if _is_year(raw, m) and not _PERCENT.match(after) and not cues.measure.match(after):
            continue
        low, high, end, unit, of, rank = parse_number(m.group()), None, b, None, None, False
        pre_text = raw[pos:a]
        after_from = re.search(r"(?:^|\s)từ\s*$", pre_text, _IC) is not None
        if rt := cues.range_tail.match(raw, b, ce):
            if not re.fullmatch(YEAR, rt.group("up")) or _is_year(raw, m) is False:
                high, end = parse_number(rt.group("up")), rt.end()
        elif after_from and (rw := cues.range_words.match(raw, b, ce)) and not re.fullmatch(YEAR, rw.group("up")):
            high, end = parse_number(rw.group("up")), rw.end()  # 'từ 8% đến 10%', 'từ 5 đến 7 dự án'
        group = cues.group.search(pre_text)
        if high is None and (rk := _RANK_TAIL.match(raw, b, ce)):
            of, end, unit, rank = int(rk.group("of")), rk.end(), "hạng", True
        elif group:
            unit = "hạng"
            if gt := _GROUP_TAIL.match(raw, end, ce):
                end = gt.end()
        elif pm := _PERCENT.match(raw, end, ce):
            unit, end = re.sub(r"\s+", " ", pm.group().strip()).replace(" /", "/").replace("/ ", "/"), pm.end()
        elif mm := cues.measure.match(raw, end, ce):
            unit, end = re.sub(r"\s*/\s*", "/", collapse(mm.group())), mm.end()
        # comparator and verbs printed before the number
        k = a
        comparator: str | None = None
        found_cmp = False
        if group:
            comparator, k, found_cmp = collapse(group.group("g")), pos + group.start(), True
        else:
            while cm := cues.cmp.search(raw[pos:k]):
                word = collapse(cm.group("c")).lower()
                known = cues.comparator(word)
                if word == "giảm":  # 'giảm 0,5-0,6%': the fall is part of what is measured
                    break
                if fold(word).startswith(("xep", "dung")):
                    rank = True
                    unit = unit or "hạng"
                elif not found_cmp:
                    comparator, found_cmp = (known.name if known else None), True
                elif known is None or not known.hedge:
                    break
                elif comparator is None:
                    comparator = known.name  # 'đạt từ 60 - 70%': the range is what is reached
                k = pos + cm.start()
            while vm := cues.verbs_before.search(raw[pos:k]):
                k = pos + vm.start()
            if rr := cues.result_rest.search(raw[pos:k]):
                k = pos + rr.start()
        achieved = bool(cues.result.search(raw[pos:a]))
        if unit is None:
            cn = cues.count.match(raw, end, ce)
            if cn is None and not found_cmp:
                continue
            if cn is not None:
                unit = collapse(cn.group("noun") + (cn.group("rate") or ""))
                if cn.group("rate"):
                    end = cn.end()
        if unit is None:
            tail = collapse(raw[end:ce]).rstrip(".,;")
            if not tail or len(tail.split()) > 8:
                continue
            unit = tail
            end = ce
        if ac := cues.after_cmp.match(raw, end, ce):  # '40% trở lên'
            comparator, end = cues.after[fold(collapse(ac.group("a")))].name, ac.end()
        value = _Value(k, a, end, low, high, unit, comparator, of, bool(group), rank or bool(group))
        value.achieved = achieved
        if pending is not None:
            value.start, value.baseline, value.baseline_year = pending.start, pending.low, pending.baseline_year
            value.baseline_span = (pending.num_start, pending.end)
            pending = None
        elif after_from and high is None and (tt := cues.to_target.match(raw, end, ce)):
            value.baseline_year = int(tt.group("y")) if tt.group("y") else None
            value.end = tt.start() if tt.group("y") is None else tt.end("y")
            pending = value
            pos = tt.end()
            continue
        values.append(value)
        pos = end
    return values


def _paren_at(raw: str, lo: int, pos: int) -> int | None:
    """Start of the parenthesis that holds ``pos`` (searching from ``lo``), or None."""
    opened: list[int] = []
    for i in range(lo, pos):
        if raw[i] == "(":
            opened.append(i)
        elif raw[i] == ")" and opened:
            opened.pop()
    return opened[-1] if opened else None


def _tail_end(raw: str, end: int, limit: int, cues: TargetCues) -> int:
    """End of the words after a value that still name what is counted ('… triệu lượt khách du lịch')."""
    out = end
    for m in re.finditer(r"\S+", raw[end:limit]):
        word = m.group()
        bare = word.rstrip(".,;:)")
        if not bare or not bare[0].isalpha() or bare.lower() in cues.tail_stop or m.start() > out - end + 1:
            break
        out = end + m.start() + len(bare)
        if bare != word or m.end() - m.start() > 14:
            break
    return out


def _clean(raw: str, s: int, e: int) -> tuple[int, int]:
    s, e = _trim(raw, s, e, _LEAD, _TRAIL)
    if pm := _PLACE_TAIL.search(raw[s:e]):
        if pm.start() > 0:
            e = s + pm.start()
    return _trim(raw, s, e, _LEAD, _TRAIL)


@dataclass
class _Scope:
    """What a sentence inherits from where it stands: the horizon year of its titles, the item number,
    the document's own year (values for earlier years are results)."""

    heading_year: int | None
    number: str | None
    doc_year: int | None
    cues: TargetCues
    horizon: int | None = None  # the one year of the document's own subject ('… năm 2027')


def _targets_in_sentence(raw: str, ss: int, se: int, scope: _Scope, parsed, out: list[Target]) -> int:
    """Targets of one sentence (or one numbered item); returns how many values it holds (results too)."""
    cues = scope.cues
    marks = _year_marks(raw, ss, se)
    last_ind: tuple[int, int] | None = None
    count = 0
    result: tuple[Decimal, int | None] | None = None  # the last result of the sentence (a baseline to be)
    for cs, ce in _clauses(raw, ss, se):
        prev_end = cs
        values = _scan_values(raw, cs, ce, cues)
        for i, v in enumerate(values):
            count += 1
            next_start = values[i + 1].start if i + 1 < len(values) else ce
            own_indicator = True
            lead_at = v.num_start
            if i and values[i - 1].unit and fold(values[i - 1].unit) in cues.count_folded and cues.qualifier.search(
                    raw[values[i - 1].end:v.start]):
                # 'ít nhất 03 dự án có vốn đầu tư trên 1.000 tỷ đồng': the second value says which things count
                prev_end = v.end
                continue
            if v.group:
                s, e = _clean(raw, v.end, next_start)
                e = s + len(raw[s:e]) - len(_GROUP_END.search(raw[s:e]).group())
                s, e = _clean(raw, s, e)
                if not raw[v.end:next_start].lstrip(" ,").lower().startswith("có "):
                    # '<indicator> nằm trong nhóm 30 tỉnh, thành phố dẫn đầu': the indicator comes first;
                    # '… nhóm 20 tỉnh, thành phố có tổng sản phẩm … cao nhất': it comes after 'có'
                    s, e = _clean(raw, prev_end, v.start)
            else:
                s, e = _clean(raw, prev_end, v.start)
                words = fold(raw[s:e])
                if words in cues.number_first or cues.result.fullmatch(raw[s:e]):
                    lead_at = _trim(raw, prev_end, v.start, _LEAD[:1], [])[0]  # 'Thu hút' stays in the quote
                    s, e = _clean(raw, v.end, next_start)
                    for comma in re.finditer(r"[,;]\s*", raw[s:e]):
                        after = fold(raw[s + comma.end():e]) + " "
                        if after.startswith("trong do ") or any(w and after.startswith(w + " ")
                                                                   for w in cues.number_first):
                            e = _clean(raw, s, s + comma.start())[1]  # '20 cảng cạn, đáp ứng …': a new clause
                            break
                    first = re.match(r"[\wÀ-ỹ]+", raw[s:e])
                    if first and first.group().lower() in cues.tail_stop:
                        s = e  # '…, tăng 8% so với năm 2025': the indicator is the previous one
                    elif e > s and v.unit and fold(v.unit.split()[0]) in cues.scale_folded:
                        # 'Đón 850 nghìn lượt khách tham quan': what is counted is the unit's noun and what follows
                        noun = v.unit.split(" ", 1)[-1].split("/")[0]
                        at = raw.find(noun, v.num_start, v.end)
                        if at >= 0:
                            s = at
                    if v.unit and ("/" in v.unit or " trên " in v.unit) and not v.unit.startswith("%"):
                        noun = re.split(r"\s*/|\s+trên\s+", v.unit)[0]
                        s = v.num_start + raw[v.num_start:v.end].find(noun)
                        e = s + len(noun)
                    elif not raw[s:e] and v.unit and not v.unit.startswith("%") and v.unit != "hạng":
                        s = v.num_start + raw[v.num_start:v.end].rfind(v.unit.split()[0])
                        e = _trim(raw, s, v.end, [], _TRAIL[:1])[1]
                elif v.unit and fold(v.unit) in cues.count_folded:
                    # 'Thành lập mới trên 1.200 doanh nghiệp và đơn vị trực thuộc': the unit runs on
                    ts, te = _trim(raw, v.end, next_start, [], _TRAIL[:1])
                    if te > ts and len(raw[ts:te].split()) <= 8 and fold(raw[ts:te]).startswith(fold(v.unit)):
                        v.unit = collapse(raw[ts:te])
                        v.end = te
            indicator = collapse(raw[s:e]) if e > s else ""
            if not indicator:
                own_indicator = False
                if last_ind is None:
                    prev_end = v.end
                    continue
                s, e = last_ind
                indicator = collapse(raw[s:e])
            else:
                last_ind = (s, e)
            year, period = None, None
            paren = _paren_at(raw, ss, v.num_start)
            before = [mk for mk in marks if mk[1] <= v.num_start
                      and not (v.baseline_span and v.baseline_span[0] <= mk[0] < v.baseline_span[1])
                      and _paren_at(raw, ss, mk[0]) in (None, paren)]
            after = [mk for mk in marks if v.end <= mk[0] < (values[i + 1].start if i + 1 < len(values) else ce)]
            if before:
                year = before[-1][2]
                if before[-1][3] and before[-1][0] >= prev_end:
                    period = before[-1][3]
            elif after and after[0][2]:  # '… nằm trong nhóm 30 tỉnh, thành phố dẫn đầu vào năm 2027'
                year, period = after[0][2], after[0][3]
            elif scope.heading_year:
                year = scope.heading_year
            elif scope.horizon:
                year = scope.horizon  # 'Nghị quyết về kế hoạch … năm 2027', its targets print no year
            outer = [mk[2] for mk in marks if mk[2] and _paren_at(raw, ss, mk[0]) is None] + [scope.heading_year or 0]
            if v.achieved or (year and scope.doc_year and year < scope.doc_year and not period) or (
                    paren is not None and year and year < max(outer)):
                # an achieved figure, not a target ('năm 2025 ước đạt 40%', '(năm 2025 đạt 6,4 triệu tấn)'); it
                # may be the baseline of the target before it (in parentheses) or after it (same indicator)
                if paren is not None and out and out[-1].baseline_value is None and out[-1].source == parsed.key \
                        and out[-1].evidence.end <= v.num_start and out[-1].evidence.start >= cs:
                    out[-1] = replace(out[-1], baseline_value=v.low, baseline_year=year)
                result = (v.low, year)
                prev_end = max(v.end, e)
                continue
            baseline, baseline_year = v.baseline, v.baseline_year
            if sv := _SINCE.match(raw, v.end, ce):  # 'tăng 8% so với năm 2025': the change is from 2025
                baseline_year = baseline_year or int(sv.group("y"))
                e = max(e, sv.end())
            if baseline is None and result is not None and not own_indicator:
                baseline, baseline_year = result  # 'năm 2025 đạt 40% …, đến năm 2030 đạt 80%'
            result = None
            q0 = min(s, v.start, v.num_start, lead_at)
            q1 = max(e, v.end, _tail_end(raw, v.end, next_start, cues))
            ev = parsed.evidence(q0, q1)
            out.append(Target(
                source=parsed.key, indicator=indicator, value=v.low, evidence=ev, number=scope.number,
                upper=v.high, unit=v.unit, comparator=v.comparator, year=year, period=period, of=v.of,
                baseline_value=baseline, baseline_year=baseline_year,
                uncertain=None if year else "no target year printed in the sentence or its titles"))
            prev_end = max(v.end, e, q1)
    return count


def _body_start(raw: str, b: Block) -> int:
    """Where a block's text starts once a Party-style marker ('II- ', '1- ', 'a- ') is left out."""
    m = _PARTY_MARKER.match(raw[b.body.start:b.body.end])
    return b.body.start + m.end() if m else b.body.start


def _title(raw: str, b: Block) -> str:
    return raw[_body_start(raw, b):b.body.end]


def _heading_year(blocks: list[Block], raw: str, block: Block, section_start: int) -> tuple[int | None, bool]:
    """(horizon year of the nearest titled ancestor that prints years, whether it was ambiguous)."""
    for idx in reversed(block.path):
        if idx < section_start:
            break
        b = blocks[idx]
        marks = _year_marks(raw, b.body.start, b.body.end)
        if not marks:
            continue
        years = {m[2] for m in marks}
        if len(years) == 1 and None not in years:
            return next(iter(years)), False
        return None, True
    return None, False


def _is_title(blocks: list[Block], raw: str, b: Block) -> bool:
    if b.kind not in ("heading", "numbered", "lettered") and _body_start(raw, b) == b.body.start:
        return False
    body = _title(raw, b).strip()
    has_children = any(b.index in x.path for x in blocks[b.index + 1 : b.index + 2])
    return len(body.split()) <= 20 and (has_children or body.endswith(":")) and not body.endswith(".")


def _party_level(raw: str, b: Block) -> int | None:
    """0 for 'II- ', 1 for '2- ', 2 for 'a- ' at the start of a block; None without a Party marker."""
    m = _PARTY_MARKER.match(raw[b.body.start:b.body.end])
    if not m:
        return None
    mark = m.group().rstrip(" -")
    return 1 if mark.isdigit() else 0 if re.fullmatch(r"[IVXL]+", mark) else 2


def _party_members(blocks: list[Block], raw: str, b: Block, level: int) -> list[Block]:
    """The blocks under a Party-numbered part ('2- Mục tiêu …'): up to the next part of its level or a heading."""
    out = []
    for x in blocks[b.index + 1:]:
        lv = _party_level(raw, x)
        if x.kind == "heading" or (lv is not None and lv <= level):
            break
        out.append(x)
    return out


def _sections(blocks: list[Block], raw: str, cues: TargetCues) -> list[tuple[Block, list[Block]]]:
    out = []
    taken: set[int] = set()
    for b in blocks:
        level = _party_level(raw, b) if b.kind == "text" else None
        if b.index in taken or (b.kind not in ("heading", "numbered", "lettered", "article") and level is None):
            continue
        title = _title(raw, b)
        body = fold(title)
        if not _SECTION_TITLE.match(body) or "muc dich" in body or cues.result.search(title[:120]):
            continue  # 'Chỉ tiêu ước thực hiện năm 2025' reports results
        # a long block is a goal section only when its items, its parts or a short label before a colon say so
        # ('1. Mục tiêu đến năm 2030: hàng hóa … đạt khoảng 18 - 20 triệu tấn/năm; …')
        if len(body.split()) > 20 and not (_ITEM.search(title) or re.match(r"[^:.;]{3,80}:\s*\S", title) or (
                level is not None and _party_parts(raw, b.body.start, b.body.end))):
            continue
        if level is not None:
            members = _party_members(blocks, raw, b, level)
        elif b.kind == "article":  # 'Điều 1. Mục tiêu và các chỉ tiêu chủ yếu năm 2027': items to the next article
            members = []
            for x in blocks[b.index + 1:]:
                if x.kind in ("article", "heading"):
                    break
                members.append(x)
        else:
            members = [x for x in blocks[b.index + 1:] if b.index in x.path]
        article = next((i for i, x in enumerate(members) if _ARTICLE.match(raw, x.body.start)), None)
        if article is not None:
            members = members[:article]  # 'Điều 2.' ends the goals of 'Điều 1.' (segment.py does not nest articles)
        if not members and not re.search(r":\s*\S", raw[b.body.start:b.body.end]) and not _ITEM.search(title) \
                and not (level is not None and _party_parts(raw, b.body.start, b.body.end)):
            continue
        out.append((b, members))
        taken.update(x.index for x in members)
    return out


def _label_split(raw: str, b: Block) -> tuple[int, str | None]:
    """'Tầm nhìn đến năm 2050: Hà Tĩnh là …' -> (offset of 'Hà Tĩnh', 'Tầm nhìn đến năm 2050')."""
    at = _body_start(raw, b)
    body = raw[at:b.body.end]
    m = re.match(r"([^:.;]{3,60}):\s+(?=\S)", body)
    if m and _SCOPE_LABEL.match(fold(m.group(1)).strip()):
        return at + m.end(), m.group(1).strip()
    return at, None


def _title_year(raw: str, b: Block) -> int | None:
    """The one horizon year a Party part's title prints ('2- Mục tiêu đến năm 2035'), up to its first item."""
    start = _body_start(raw, b)
    first = _ITEM.search(raw, start, b.body.end)
    years = {m[2] for m in _year_marks(raw, start, first.start() if first else min(b.body.end, start + 120))}
    return next(iter(years)) if len(years) == 1 and None not in years else None


# a Party part's marker inside a paragraph the PDF joined: 'Mục tiêu a- Mục tiêu đến năm 2035 Tốc độ …'
_INLINE_PART = re.compile(r"(?:^|(?<=[\s.;:]))(?:[IVXL]{1,5}|\d{1,2}|[a-zđ])- (?=[A-ZĐÀ-Ỹ])")


def _party_parts(raw: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end of title, end) of each Party part joined into raw[start:end], when there are inline ones.
    A title is the marker's first word and the lower-case words and numbers after it, up to a colon, a
    numbered item or the next capitalised word ('a- Mục tiêu đến năm 2035 | Tốc độ tăng trưởng …')."""
    marks = [m for m in _INLINE_PART.finditer(raw, start, end) if m.start() > start]
    if not marks:
        return []
    bounds = [start, *[m.start() for m in marks], end]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        m = _PARTY_MARKER.match(raw[a:b])
        at = a + (m.end() if m else 0)
        words = list(re.finditer(r"\S+", raw[at:b]))
        t_end = at
        for k, w in enumerate(words[:16]):
            tok = w.group()
            if k and (tok[0].isupper() or tok.startswith("(")):
                break
            t_end = at + w.end()
            if tok.endswith(":"):
                break
        out.append((a, t_end, b))
    return out


def _goal_year(raw: str, s: int, e: int) -> int | None:
    years = [m[2] for m in _year_marks(raw, s, e) if m[2] and not m[3]]
    return max(years) if years else None


def subject_horizon(subject: str | None) -> int | None:
    """The one year a document's own subject prints ('Về kế hoạch phát triển … năm 2027', '… giai đoạn
    2026 - 2030'); None when it prints none or several, or cites another document ('… Nghị quyết số …
    đến năm 2025': that year is the cited document's)."""
    if not subject or re.search(r"(?:^|\s)số\s*:?\s*\d", subject, _IC):
        return None
    years = {m[2] for m in _year_marks(subject, 0, len(subject))}
    return next(iter(years)) if len(years) == 1 and None not in years else None


def _read_span(raw: str, start: int, end: int, hy: int | None, general: bool, scope: _Scope, parsed,
               goals: list[Goal], targets: list[Target]) -> None:  # noqa: ANN001 - Parsed
    """Goals and targets of the text raw[start:end] of a goal section: numbered items '(1) …', or sentences."""
    doc_year, cues, horizon = scope.doc_year, scope.cues, scope.horizon
    items = list(_ITEM.finditer(raw, start, end))
    if items:
        lead = {m[2] for m in _year_marks(raw, start, items[0].start())}
        if len(lead) == 1 and None not in lead:  # '3. Chỉ tiêu năm 2027 (1) …' joined into one paragraph
            hy = next(iter(lead))
        for i, it in enumerate(items):
            ie = items[i + 1].start() if i + 1 < len(items) else end
            n = it.group("n")
            before = len(targets)
            held = _targets_in_sentence(raw, it.end(), ie, _Scope(hy, n, doc_year, cues, horizon), parsed, targets)
            if len(targets) == before and not held:
                s, e = _trim(raw, it.end(), ie, _LEAD, _TRAIL)
                if e > s:
                    targets.append(Target(source=parsed.key, indicator=collapse(raw[s:e]), value=None,
                                          evidence=parsed.evidence(s, e), number=n, year=hy,
                                          uncertain="numbered chỉ tiêu printed without a value"))
        return
    found = 0
    sentence_goals = []
    for ss, se in _sentences(raw, start, end):
        n = _targets_in_sentence(raw, ss, se, _Scope(hy, None, doc_year, cues, horizon), parsed, targets)
        found += n
        if n == 0:
            sentence_goals.append((ss, se))
    year = hy if hy else _goal_year(raw, start, end)
    if general or found == 0:
        ev = parsed.evidence(start, end)
        if ev.quote:
            goals.append(Goal(parsed.key, collapse(ev.quote), year, ev))
    else:
        for ss, se in sentence_goals:
            ev = parsed.evidence(ss, se)
            goals.append(Goal(parsed.key, collapse(ev.quote), hy if hy else _goal_year(raw, ss, se), ev))


def extract_goals_targets(parsed, blocks: list[Block] | None = None, cues: TargetCues | None = None,
                          doc_year: int | None = None, horizon: int | None = None) -> tuple[list[Goal], list[Target]]:
    """Goals and targets of ``parsed``; ``doc_year`` (the year the document was issued) tells results
    ('năm 2024 đạt …') from targets; ``horizon`` (:func:`subject_horizon`) is the year of a target whose
    sentence and titles print none."""
    cues = cues or load_cues()
    raw = parsed.text.text
    blocks = list(blocks if blocks is not None else parsed.blocks)
    goals: list[Goal] = []
    targets: list[Target] = []
    table_targets, table_spans = TableReader(cues.table, cues.units).read(parsed, doc_year)
    for head, members in _sections(blocks, raw, cues):
        for b in [head, *members]:
            if b.kind == "separator" or (_is_title(blocks, raw, b)):
                continue
            if any(s0 < b.span.end and b.span.start < s1 for s0, s1 in table_spans):
                continue  # a target table: read by its columns below
            start, label = _label_split(raw, b)
            party = _body_start(raw, b) != b.body.start
            if b is head and label is None and not _ITEM.search(raw, start, b.body.end) and not (
                    party and _party_parts(raw, start, b.body.end)):
                continue  # a title; but '2- Mục tiêu đến năm 2030 (1) …' holds its items, '2- Mục tiêu a- …' its parts
            end = b.body.end
            hy, _ = _heading_year(blocks, raw, b, head.index)
            if hy is None and b is not head and _party_level(raw, head) is not None:
                hy = _title_year(raw, head)  # '2- Mục tiêu đến năm 2035' over its bullets
            if label and (ly := _goal_year(raw, b.body.start, start)):
                hy = ly
            titles = " ".join(fold(raw[blocks[i].body.start:blocks[i].body.end]) for i in b.path if i >= head.index)
            general = bool(_GENERAL.search(titles + " " + fold(label or "")))
            parts = _party_parts(raw, start, end) if party else []
            if not parts:
                _read_span(raw, start, end, hy, general, _Scope(hy, None, doc_year, cues, horizon), parsed, goals,
                           targets)
                continue
            # '2- Mục tiêu a- Mục tiêu đến năm 2035 Tốc độ … b- Tầm nhìn đến năm 2050 …' joined into one paragraph
            for p0, t_end, p1 in parts:
                title = fold(raw[p0:t_end])
                if not re.search(r"muc tieu|chi tieu|tam nhin", title):
                    continue
                py = _goal_year(raw, p0, t_end) if len({m[2] for m in _year_marks(raw, p0, t_end)}) == 1 else None
                _read_span(raw, t_end, p1, py or hy, general or bool(_GENERAL.search(title)),
                           _Scope(py or hy, None, doc_year, cues, horizon), parsed, goals, targets)
    scanned = {x.index for head, members in _sections(blocks, raw, cues) for x in (head, *members)}
    for b in blocks:
        if b.index in scanned or b.kind == "separator" or any(s0 < b.span.end and b.span.start < s1
                                                                for s0, s1 in table_spans):
            continue
        for ss, se in _sentences(raw, b.body.start, b.body.end):
            if (cue := cues.aspiration.search(raw, ss, se)) is None:
                continue
            found: list[Target] = []  # 'Phấn đấu …' governs the rest of its sentence, over ';'
            _targets_in_sentence(raw, cue.start(), se, _Scope(None, None, doc_year, cues), parsed, found)
            targets.extend(t for t in found if t.year and (doc_year is None or t.year >= doc_year))
    targets.extend(_table_targets(parsed))
    targets.extend(table_targets)
    _add_baselines(parsed, targets)
    _assign_keys(targets)
    return goals, targets


def _table_targets(parsed) -> list[Target]:
    raw = parsed.text.text
    out: list[Target] = []
    for head in _TABLE_HEAD.finditer(raw):
        cols = _TABLE_COLS.search(raw, head.end(), head.end() + 400)
        if not cols:
            continue
        base_year, target_year = int(head.group("base")), int(head.group("target"))
        nxt = _TABLE_HEAD.search(raw, cols.end())
        stop = nxt.start() if nxt else len(raw)
        for row in _TABLE_ROW.finditer(raw, cols.end(), stop):
            ind = collapse(row.group("ind"))
            if not re.search(r"[A-Za-zÀ-ỹĐđ]{2}", ind):
                continue
            ev = parsed.evidence(row.start("ind"), row.end())
            stt = row.group("stt")
            out.append(Target(parsed.key, ind, parse_number(row.group("ts")), ev, number=stt, unit="điểm",
                              year=target_year, baseline_value=parse_number(row.group("bs")),
                              baseline_year=base_year))
            out.append(Target(parsed.key, ind, parse_number(row.group("tr")), ev, number=stt, unit="hạng",
                              year=target_year, of=int(row.group("tof")),
                              baseline_value=parse_number(row.group("br")), baseline_year=base_year,
                              baseline_of=int(row.group("bof"))))
    return out


def _add_baselines(parsed, targets: list[Target]) -> None:
    raw = parsed.text.text
    past = [(int(m.group("y")), fold(m.group("ind")), int(m.group("r")), int(m.group("of")))
            for m in _PAST_RANK.finditer(raw)]
    for i, t in enumerate(targets):
        if t.unit != "hạng" or t.baseline_value is not None or t.year is None:
            continue
        key = fold(t.indicator)
        for year, ind, rank, of in past:
            if year < t.year and len(key) >= 3 and re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", ind):
                targets[i] = replace(t, baseline_value=Decimal(rank), baseline_of=of, baseline_year=year)
                break


def _assign_keys(targets: list[Target]) -> None:
    """A local id per target, unique in its document: the item number when it names one target,
    else number/indicator/year/unit slugs."""
    by_number: dict[str, int] = {}
    for t in targets:
        if t.number:
            by_number[t.number] = by_number.get(t.number, 0) + 1
    seen: set[str] = set()
    for t in targets:
        if t.number and by_number[t.number] == 1:
            key = t.number
        else:
            key = "-".join(p for p in (t.number, slug(t.indicator, 50), str(t.year or "")) if p)
            if key in seen:
                key += "-" + slug(t.unit or "x", 20)
        base, n = key, 2
        while key in seen:
            key, n = f"{base}-{n}", n + 1
        seen.add(key)
        t.key = key


# --- pol:contributesTo ------------------------------------------------------------------

def value_evidence(t: Target) -> Evidence:
    """The printed value of ``t`` inside its quote ('6,18' or '25/34' in a table row), else the quote."""
    if t.value is None:
        return t.evidence
    text = format(t.value, "f")
    text = text.replace(".", ",")
    candidates = [f"{text}/{t.of}"] if t.of else [text]
    for c in candidates:
        i = t.evidence.quote.rfind(c)
        if i >= 0:
            return Evidence(t.source, t.evidence.start + i, t.evidence.start + i + len(c), c)
    return t.evidence


def contributes_links(tasks: list[Task], targets: list[Target]) -> list[Link]:
    """Task -> target links with high precision.

    * rule 'fta-component': an appendix row 'k.n' of a score/rank table serves the targets of
      component index k printed in the same table (row k); facts used: the row and the target.
    * rule 'stated-aim': the task's sentence says it aims at a named target ('nhằm', 'để đạt',
      'góp phần' … followed by the target's indicator, and its year when one is printed).
    """
    links: list[Link] = []
    table = {t.number: [] for t in targets if t.number and t.unit in ("điểm", "hạng") and t.baseline_year}
    for t in targets:
        if t.number in table and t.unit in ("điểm", "hạng") and t.baseline_year:
            table[t.number].append(t)
    for task in tasks:
        if task.kind == "appendix_row" and task.section and "." in task.section:
            k = task.section.split(".")[0]
            for t in table.get(k, []):
                if t.source != task.source:
                    continue
                ev = Evidence(task.source, t.evidence.start, t.evidence.end, t.evidence.quote, RULE,
                              rule="fta-component", used=(task.evidence, value_evidence(t)))
                links.append(Link(task.node_key, "contributesTo",
                                  NodeKey("target", (t.source, t.key or "")), ev))
    for task in tasks:
        for cue in _CONTRIB_CUE.finditer(task.text):
            tail = fold(task.text[cue.end(): cue.end() + 160])
            for t in targets:
                ind = fold(t.indicator)
                if t.source != task.source or len(ind.split()) < 2 or ind not in tail:
                    continue
                after = tail[tail.index(ind) + len(ind):][:40]
                years = re.findall(YEAR, after)
                if years and t.year and str(t.year) not in years:
                    continue
                ev = task.evidence.with_method(RULE, cue=collapse(cue.group()), rule="stated-aim",
                                               used=(task.evidence, value_evidence(t)))
                links.append(Link(task.node_key, "contributesTo",
                                  NodeKey("target", (t.source, t.key or "")), ev))
    unique: dict[tuple, Link] = {}
    for link in links:
        unique.setdefault((link.subject, link.object), link)
    return list(unique.values())


def targets_step(extraction: Extraction, ctx) -> None:  # noqa: ANN001 - ExtractionContext (import cycle)
    """Extraction step: goals and targets of the source, and the task -> target links
    (:func:`contributes_links`, which need the tasks step's tasks). Values for years before the document's
    own year are results, not targets."""
    cues = ctx.extra.get(CUES_FILE)
    if cues is None:
        path = ctx.data_file(CUES_FILE)
        cues = ctx.extra[CUES_FILE] = load_cues(path if path.exists() else DEFAULT_CUES)
    issued = extraction.document.ref.issued
    goals, targets = extract_goals_targets(extraction.parsed, cues=cues, doc_year=issued.year if issued else None,
                                           horizon=subject_horizon(extraction.document.ref.title))
    extraction.goals.extend(goals)
    extraction.targets.extend(targets)
    extraction.links.extend(contributes_links(extraction.tasks, extraction.targets))  # task -> target
