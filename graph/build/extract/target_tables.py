"""Target tables: the 'Các chỉ tiêu chủ yếu' grids of plans and resolutions.

Layout (GENRE.md): a header ``TT | Chỉ tiêu | Đơn vị | Năm 2025 | Mục tiêu 2030`` (more value columns:
'Thực hiện năm 2025', 'Kế hoạch 2026', 'Giai đoạn 2026-2030' …), then one row per indicator
``1 | Giá trị sản xuất công nghiệp | tỷ đồng | 120.000 | 250.000``; group rows ('I | Chỉ tiêu kinh tế')
carry no values.

Two printed forms:

* structured rows (a DOCX, or the ingest step's rendering of a table): one line per row, cells joined by
  ``' | '``; cells map to columns by position;
* flattened by a PDF text layer: the cells of a row follow each other on one or several lines, empty cells
  vanish. A row starts with its number; it ends when the text holds as many values as the header has value
  columns. A row with fewer values (a vanished cell) is left out: which column is empty cannot be told. The
  unit is the longest known unit just before the values.

A value column whose header says what was done ('Thực hiện', 'Ước thực hiện') gives the baseline; one that
says what is planned ('Mục tiêu', 'Kế hoạch') a target for its year; a bare 'Năm 2025' is a baseline when it
stands before a target column or is older than the document, else a target. The cue words are in
``data/target_cues.yaml`` (``table``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from graph.build.model import Target
from graph.build.numbers import NUMBER, parse_number
from graph.text import collapse, fold

YEAR = r"(?:19|20)\d{2}"
_ROW_START = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2})?)\.?(?=\s|$)")
_GROUP_ROW = re.compile(r"^(?:[IVX]{1,5}|[A-Z])\.?(?=\s|$)")
_CELL_SPLIT = re.compile(r"\s+\|\s+|\s+\|$|^\|\s+")


def _follows(current: str, line: str) -> bool:
    """Whether ``line`` starts the row after row ``current`` ('3' after '2'; '2.1' or '3' after '2' or '1.2')."""
    m = _ROW_START.match(line)
    if not m:
        return False
    head, _, sub = current.partition(".")
    nxt = m.group("n")
    if nxt == str(int(head) + 1):
        return True
    if sub:  # under '1.2' the next is '1.3' (or the next whole row above)
        return nxt == f"{head}.{int(sub) + 1}"
    return nxt.startswith(head + ".")  # under '2', its first sub-row


@dataclass(frozen=True)
class _Column:
    year: int
    period: str | None
    role: str  # baseline | target | bare


class TableReader:
    """Reads the grids of one normalised text; ``cues`` is the ``table`` part of target_cues.yaml plus the
    units of the prose reader."""

    def __init__(self, table: dict, units: list[str]) -> None:
        self.indicator_headers = {fold(w) for w in table["indicator_headers"]}
        self.unit_headers = {fold(w) for w in table["unit_headers"]}
        self.number_headers = {fold(w) for w in table["number_headers"]}
        self.baseline_words = [fold(w) for w in table["baseline_words"]]
        self.target_words = [fold(w) for w in table["target_words"]]
        self.cell_comparators = dict(table["cell_comparators"])
        self.units = sorted({collapse(u) for u in [*table["units"], *units]}, key=len, reverse=True)
        cmp_words = sorted(self.cell_comparators, key=len, reverse=True)
        cmp = "|".join(map(re.escape, cmp_words)) + "|trên|dưới|khoảng|tối thiểu|tối đa|ít nhất"
        self.value = re.compile(rf"(?:(?P<c>{cmp})\s*)?(?P<v>{NUMBER})(?:\s*[-–]\s*(?P<u>{NUMBER}))?\s*(?P<p>%)?$",
                                re.IGNORECASE)

    # --- header -------------------------------------------------------------------------------
    def _role(self, text: str) -> str:
        f = fold(text)
        if any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", f) for w in self.baseline_words):
            return "baseline"
        if any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", f) for w in self.target_words):
            return "target"
        return "bare"

    def _columns(self, cells: list[str]) -> list[_Column]:
        cols = []
        for cell in cells:
            m = re.search(rf"(?P<y1>{YEAR})\s*[-–]\s*(?P<y2>{YEAR})|(?P<y>{YEAR})", cell)
            if not m:
                continue
            if m.group("y2"):
                cols.append(_Column(int(m.group("y2")), f"{m.group('y1')}-{m.group('y2')}", self._role(cell)))
            else:
                cols.append(_Column(int(m.group("y")), None, self._role(cell)))
        return cols

    def _resolve(self, cols: list[_Column], doc_year: int | None) -> list[_Column]:
        first_target = next((i for i, c in enumerate(cols) if c.role == "target"), None)
        out = []
        for i, c in enumerate(cols):
            role = c.role
            if role == "bare":
                if first_target is not None:
                    role = "baseline" if i < first_target else "target"
                elif doc_year is not None:
                    role = "baseline" if c.year < doc_year else "target"
                else:
                    role = "baseline" if i == 0 and len(cols) > 1 else "target"
            out.append(_Column(c.year, c.period, role))
        return out

    def _header(self, text: str) -> tuple[list[str], bool] | None:
        """(header cells, structured) when ``text`` is a target table's header."""
        f = fold(text)
        words = re.findall(r"[a-z0-9]+", f)
        if not words or words[0] not in self.number_headers:
            return None
        if not any(re.search(rf"(?<![a-z]){re.escape(h)}(?![a-z])", f) for h in self.indicator_headers):
            return None
        if not re.search(YEAR, text):
            return None
        if " | " in text or text.startswith("| "):
            return [c.strip() for c in text.strip().strip("|").split("|")], True
        # flattened: value columns are the phrases that end in a year, after the unit header
        m = None
        for h in sorted(self.unit_headers, key=len, reverse=True):
            m = re.search(rf"(?<![a-z]){re.escape(h)}(?![a-z])", f)
            if m:
                break
        if m is None:
            return None
        tail = text[m.end():]
        cells = [c.strip() for c in re.findall(rf".*?(?:{YEAR}\s*[-–]\s*{YEAR}|{YEAR})", tail)]
        return cells, False

    # --- rows ---------------------------------------------------------------------------------
    def _split_values(self, text: str, n: int) -> tuple[str, list[re.Match[str]]] | None:
        """(text before the values, the value matches) when ``text`` ends with up to ``n`` values."""
        tokens = list(re.finditer(r"\S+", text))
        values: list[re.Match[str]] = []
        end = len(text)
        i = len(tokens)
        while i > 0 and len(values) < n:
            # a value may be 1-4 tokens: '≥ 50', '8 - 10', '99,5', 'trên 60 %'
            for width in (4, 3, 2, 1):
                if i - width < 0:
                    continue
                start = tokens[i - width].start()
                m = self.value.match(text, start, end)
                if m and m.end() == end:
                    values.insert(0, m)
                    end = start
                    while end > 0 and text[end - 1].isspace():
                        end -= 1
                    i -= width
                    break
            else:
                break
        if not values:
            return None
        return text[:end], values

    def _unit_split(self, text: str) -> tuple[str, str | None]:
        t = text.rstrip()
        for u in self.units:
            if fold(t).endswith(" " + fold(u)) or fold(t) == fold(u):
                return t[: len(t) - len(u)].rstrip(), u
        return t, None

    def read(self, parsed, doc_year: int | None) -> tuple[list[Target], list[tuple[int, int]]]:  # noqa: ANN001
        """The targets of every table in ``parsed`` and the spans the tables cover (header to last row)."""
        nt = parsed.text
        raw = nt.text
        lines = [(sp.start, sp.end, raw[sp.start:sp.end].strip()) for sp in nt.lines]
        out: list[Target] = []
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(lines):
            words = re.findall(r"[a-z0-9]+", fold(lines[i][2]))
            if not words or words[0] not in self.number_headers:
                i += 1
                continue
            text, j = lines[i][2], i + 1
            if " | " not in text:  # a flattened header may put each cell on its own line
                while (j < len(lines) and j < i + 8 and not _ROW_START.match(lines[j][2])
                       and not _GROUP_ROW.match(lines[j][2])):
                    text, j = text + " " + lines[j][2], j + 1
            header = self._header(text)
            if header is None:
                i += 1
                continue
            cells, structured = header
            cols = self._resolve(self._columns(cells), doc_year)
            if not any(c.role == "target" for c in cols):
                i = j
                continue
            begin = lines[i][0]
            if structured:
                i = self._structured_rows(parsed, lines, j, cells, cols, out)
            else:
                i = self._flat_rows(parsed, lines, j, cols, out)
            spans.append((begin, lines[i - 1][1]))
        return out, spans

    def _targets(self, parsed, number: str, indicator: str, unit: str | None, cells: list[tuple[_Column, str]],
                 start: int, end: int, out: list[Target]) -> None:  # noqa: ANN001
        indicator = collapse(indicator).strip(" .:;,")
        if not re.search(r"[A-Za-zÀ-ỹĐđ]{2}", indicator):
            return
        baseline: tuple[Decimal, int] | None = None
        ev = parsed.evidence(start, end)
        for col, cell in cells:
            m = self.value.match(cell.strip())
            if not m:
                continue
            value = parse_number(m.group("v"))
            upper = parse_number(m.group("u")) if m.group("u") else None
            cmp = m.group("c")
            comparator = self.cell_comparators.get(cmp, cmp.lower()) if cmp else None
            cell_unit = unit or ("%" if m.group("p") else None)
            if col.role == "baseline":
                baseline = (value, col.year)
                continue
            out.append(Target(parsed.key, indicator, value, ev, number=number, upper=upper, unit=cell_unit,
                              comparator=comparator, year=col.year, period=col.period,
                              baseline_value=baseline[0] if baseline else None,
                              baseline_year=baseline[1] if baseline else None))

    def _structured_rows(self, parsed, lines, i: int, header: list[str], cols: list[_Column],
                         out: list[Target]) -> int:  # noqa: ANN001
        value_at = [k for k, c in enumerate(header) if re.search(YEAR, c)]
        unit_at = next((k for k, c in enumerate(header) if fold(c).strip() in self.unit_headers), None)
        ind_at = next((k for k, c in enumerate(header)
                       if any(fold(c).strip().startswith(h) for h in self.indicator_headers)), 1)
        while i < len(lines):
            start, end, text = lines[i]
            if "|" not in text:
                break
            cells = [c.strip() for c in text.strip().strip("|").split("|")]
            i += 1
            if len(cells) != len(header) or not _ROW_START.match(cells[0] or "-"):
                continue
            pairs = [(cols[n], cells[k]) for n, k in enumerate(value_at) if n < len(cols)]
            unit = cells[unit_at] if unit_at is not None and cells[unit_at] else None
            a = start + parsed.text.text[start:end].find(cells[ind_at]) if cells[ind_at] else start
            self._targets(parsed, _ROW_START.match(cells[0]).group("n"), cells[ind_at], unit, pairs, a, end, out)
        return i

    def _flat_rows(self, parsed, lines, i: int, cols: list[_Column], out: list[Target]) -> int:  # noqa: ANN001
        """Rows of a table flattened by a PDF, one cell per line: from its TT number to the next row's, which is
        the number after it ('3' after '2', '2.1' after '2'); a value printed alone on a line ('62') is a cell."""
        n = len(cols)
        while i < len(lines):
            start, _end, text = lines[i]
            if _GROUP_ROW.match(text) and not _ROW_START.match(text):
                if self._split_values(text, n) is not None or len(text) > 80:
                    break
                i += 1  # 'I. Chỉ tiêu kinh tế': a group row
                continue
            m = _ROW_START.match(text)
            if not m:
                break
            acc, j, done = text, i, None
            while j < len(lines) and j < i + 6:
                got = self._split_values(acc[m.end():], n)
                if got and len(got[1]) == n:
                    done = got
                    break
                if j + 1 < len(lines) and (_follows(m.group("n"), lines[j + 1][2]) or self._header(lines[j + 1][2])):
                    done = got  # the next row starts: vanished cells
                    break
                j += 1
                if j < len(lines):
                    acc = acc + " " + lines[j][2]
            if done is None:
                break
            before, values = done
            if len(values) < n:
                i = j + 1  # a vanished cell: which column it was cannot be told, so the row is left out
                continue
            indicator, unit = self._unit_split(before)
            pairs = list(zip(cols[n - len(values):], [v.group() for v in values], strict=True))
            a = start + m.end()
            while parsed.text.text[a].isspace():
                a += 1
            self._targets(parsed, m.group("n"), indicator, unit, pairs, a, lines[j][1], out)
            i = j + 1
        return i
