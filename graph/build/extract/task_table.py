"""Task tables: 'TT | Nội dung / Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành | Sản phẩm'.

Two forms reach the text:

* **rows and cells** (DOCX, ruled PDF tables, from the ingest readers): one line per row,
  ``| cell 1 | cell 2 | … |``, the header row included, a blank line before and after. The column roles come
  from the header row; every later row with content is a task (a row whose only cell is a title, or whose
  number is Roman or a single letter heading a group of rows, is a ``heading``);
* **flattened by a PDF text layer**: the header's words on one or a few lines, then for each row its TT
  number, the lines of its content cell, then the lines of the other cells in column order; cells wrap over
  several lines, empty cells vanish, the header is printed again at page breaks. The reader finds the header
  (a line starting with 'TT'/'STT' and naming a lead column within the next lines), takes the column order
  from it, cuts the table into rows at the TT numbers printed in sequence, and cuts each row into cells by
  the structure of cells (:func:`cut_row`): a time cell is a time expression, a lead or cooperating cell
  begins with a body's name or a collective, content lines are long, a product cell is what is left after
  the time. Tables whose header has the score columns of a component index ('Điểm số', 'Xếp hạng') are read
  by :mod:`graph.build.extract.fta_table`, which knows their component rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.build.agencies import AGENCY_HEAD, AgencyLexicon, split_agencies
from graph.build.extract import fta_table
from graph.build.extract.timeframes import apply_timeframe, parse_timeframe
from graph.build.model import RULE, AgencyRef, Evidence, Parsed, Task
from graph.build.normalise import Span
from graph.text import collapse, fold

# column roles, from the header's words (folded)
ROLES = ("number", "content", "lead", "partners", "time", "product", "note")


@dataclass
class ReadTable:
    """A task table found in a text: the span it covers, and either the FTA-style table or generic rows."""

    span: Span
    title: str | None
    rows: list[ReadRow] = field(default_factory=list)
    fta: fta_table.Table | None = None


@dataclass
class ReadCell:
    text: str
    span: Span | None  # None when the cell's text is not one contiguous span of the normalised text


@dataclass
class ReadRow:
    number: str
    kind: str  # row | heading
    span: Span
    cells: dict[str, ReadCell]
    parent: str | None = None


_ROLE_WORDS = (  # folded header words of each column role, most specific first
    ("number", ("stt", "tt", "so tt")),
    ("lead", ("chu tri", "don vi thuc hien", "co quan thuc hien")),
    ("partners", ("phoi hop",)),
    ("time", ("thoi gian", "tien do", "thoi han", "nam hoan thanh", "nam thuc hien")),
    ("product", ("san pham", "ket qua dau ra", "ket qua")),
    ("note", ("ghi chu",)),
    ("content", ("noi dung", "nhiem vu", "ten nhiem vu", "giai phap", "ten du an", "hoat dong")),
)
_HEADER_START = re.compile(r"^S?TT\b")
_ROW_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,2})?)[.)]?(?:\s+(.*))?$")
_GROUP = re.compile(r"^([IVX]{1,5}|[A-Đ])[.)]?(?:\s+(.*))?$")
_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
_TABLE_END = re.compile(r"^(?:Nơi nhận\b|TM\.|KT\.|T/M\b|TL\.|Phụ lục\b|PHỤ LỤC\b|Ghi chú\s*:)")
_TIME_START = re.compile(r"^(?:\d|(?:quý|tháng|năm|trước|trong|từ|hằng|hàng|thường|định kỳ|giai đoạn|theo|chậm nhất|"
                         r"hết|cuối|đầu|sau)\b)", re.I)
_PAGE = re.compile(r"^-?\s*\d{1,3}\s*-?$")


def roles_of(header: str) -> list[str]:
    """The column roles named by a header's text, in the order they are printed."""
    folded = " " + fold(header).replace("/", " ").replace("(", " ").replace(")", " ") + " "
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for role, words in _ROLE_WORDS:
        for w in words:
            m = re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", folded)
            if m and not any(a < m.end() and m.start() < b for a, b in taken):
                found.append((m.start(), role))
                taken.append((m.start(), m.end()))
                break
    roles = [r for _, r in sorted(found)]
    return roles if "lead" in roles and "content" in roles else []


def read_tables(parsed: Parsed, lexicon: AgencyLexicon) -> list[ReadTable]:
    """Every task table of the text, in order: component-index tables (fta_table), rows-and-cells tables
    ('| … |' lines) and flattened tables."""
    tables: list[ReadTable] = []
    for table in fta_table.parse_tables(parsed.source.raw, parsed.text, lexicon):
        end = table.rows[-1].span.end if table.rows else table.header_span.end
        start = table.title_span.start if table.title_span else table.header_span.start
        tables.append(ReadTable(Span(start, end), table.title, fta=table))
    tables.extend(_pipe_tables(parsed))
    tables.extend(_flat_tables(parsed, lexicon, [t.span for t in tables]))
    tables.sort(key=lambda t: t.span.start)
    return tables


def _lines(parsed: Parsed) -> list[str]:
    text = parsed.text
    return [text.line_text(k) for k in range(len(text.lines))]


def _title_above(parsed: Parsed, lines: list[str], k: int) -> str | None:
    """The caps lines right above a table's header (after 'Phụ lục'), without '(Kèm theo …)'."""
    out: list[str] = []
    t = k - 1
    while t >= 0 and t >= k - 6:
        line = lines[t].strip()
        if line.startswith("("):
            t -= 1
            continue
        if not line or not line.isupper() or _APPENDIX_WORD.match(line):
            break
        out.insert(0, line)
        t -= 1
    return " ".join(out) or None


_APPENDIX_WORD = re.compile(r"^(?:PHỤ LỤC|Phụ lục)\b")


# ---------------------------------------------------------------------------------------------- '| … |' rows


def _cells(line: str) -> list[tuple[str, int, int]]:
    """The cells of a '| a | b |' line: (text, start, end) with offsets into the line."""
    out = []
    inner_start = line.index("|") + 1
    inner_end = line.rindex("|")
    pos = inner_start
    for part in line[inner_start:inner_end].split("|"):
        a = pos + (len(part) - len(part.lstrip()))
        b = pos + len(part.rstrip())
        out.append((line[a:b] if b > a else "", a, max(a, b)))
        pos += len(part) + 1
    return out


def _pipe_tables(parsed: Parsed) -> list[ReadTable]:
    lines = _lines(parsed)
    spans = parsed.text.lines
    tables: list[ReadTable] = []
    k = 0
    while k < len(lines):
        if not (lines[k].startswith("|") and lines[k].rstrip().endswith("|") and lines[k].count("|") >= 3):
            k += 1
            continue
        j = k
        while j < len(lines) and lines[j].startswith("|") and lines[j].rstrip().endswith("|"):
            j += 1
        block = list(range(k, j))
        header_at = next((i for i in block if roles_of(" ".join(c for c, _, _ in _cells(lines[i])))), None)
        if header_at is None:
            k = j
            continue
        header = [c for c, _, _ in _cells(lines[header_at])]
        roles = [_cell_role(c) for c in header]
        rows: list[ReadRow] = []
        group: str | None = None
        for i in block:
            if i <= header_at:
                continue
            cells = _cells(lines[i])
            if all(not c for c, _, _ in cells) or re.fullmatch(r"[|\s:-]+", lines[i]):
                continue
            if [c for c, _, _ in cells] == header:  # the header repeated at a page break
                continue
            if all(re.fullmatch(r"\(?\d{1,2}\)?", c) for c, _, _ in cells if c):  # the column-number row
                continue
            base = spans[i].start
            by_role: dict[str, ReadCell] = {}
            for role, (c, a, b) in zip(roles, cells, strict=False):
                if role and c and role not in by_role:
                    by_role[role] = ReadCell(collapse(c), Span(base + a, base + b))
            number = by_role.pop("number").text if "number" in by_role else ""
            filled = [c for c, _, _ in cells if c]
            if (_GROUP.match(number) and not _ROW_NUMBER.match(number)) or (len(filled) == 1 and "lead" not in by_role):
                title = filled[-1] if filled else number
                group = number or None
                rows.append(ReadRow(number, "heading", spans[i], {"content": ReadCell(collapse(title), None)}))
                continue
            if "content" not in by_role:
                continue
            rows.append(ReadRow(number, "row", Span(spans[i].start, spans[i].end), by_role, parent=group))
        # a numbered row with nothing but its content, followed by its sub-rows ('1' / '1.1', '1.2'), titles them
        for n, row in enumerate(rows):
            subs = [r for r in rows[n + 1:] if r.number.startswith(row.number + ".")] if row.number else []
            if row.kind == "row" and subs and set(row.cells) == {"content"} and \
                    rows[n + 1].number.startswith(row.number + "."):
                row.kind = "heading"
                for sub in subs:
                    sub.parent = row.number
        if rows:
            tables.append(ReadTable(Span(spans[k].start, spans[j - 1].end), _title_above(parsed, lines, k), rows))
        k = j
    return tables


def _cell_role(header_cell: str) -> str | None:
    roles = roles_of(header_cell + " chủ trì nội dung")  # a single cell names one role
    named = [r for r in roles if r not in ("lead", "content")] or roles
    own = [r for r in named if any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", " " + fold(header_cell) + " ")
                                   for role, words in _ROLE_WORDS if role == r for w in words)]
    return own[0] if own else None


# ---------------------------------------------------------------------------------------------- flattened


def _flat_tables(parsed: Parsed, lexicon: AgencyLexicon, taken: list[Span]) -> list[ReadTable]:
    lines = _lines(parsed)
    spans = parsed.text.lines
    tables: list[ReadTable] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        if not _HEADER_START.match(line) or any(s.start <= spans[k].start < s.end for s in taken):
            k += 1
            continue
        # the header: this line and the short lines after it, up to the first row number or group
        h = k + 1
        while h < len(lines) and h < k + 16 and not (_ROW_NUMBER.match(lines[h]) or _GROUP.fullmatch(lines[h])):
            h += 1
        h = _skip_column_numbers(lines, h)
        header = lines[k:h]
        roles = roles_of(" ".join(header))
        if not roles or h >= len(lines):
            k += 1
            continue
        rows, end = _flat_rows(parsed, lexicon, lines, h, header, roles)
        if rows:
            last = spans[end - 1].end
            tables.append(ReadTable(Span(spans[k].start, last), _title_above(parsed, lines, k), rows))
        k = max(end, k + 1)
    return tables


_COLUMN_NUMBERS = re.compile(r"^\(?1\)?(?:\s+\(?\d{1,2}\)?){2,}$")


def _skip_column_numbers(lines: list[str], h: int) -> int:
    """The line after the column-number row some headers print ('(1) (2) (3) …', or '1', '2', '3' … one a line)."""
    if h < len(lines) and _COLUMN_NUMBERS.match(lines[h]):
        return h + 1
    n = 0
    while h + n < len(lines) and lines[h + n].strip("() ") == str(n + 1):
        n += 1
    if n >= 3 and h + n < len(lines) and (lines[h + n].strip("(). ") == "1" or _GROUP.fullmatch(lines[h + n])):
        return h + n
    return h


def _flat_rows(parsed: Parsed, lexicon: AgencyLexicon, lines: list[str], first: int, header: list[str],
               roles: list[str]) -> tuple[list[ReadRow], int]:
    """Rows from line ``first``: (rows, the line after the table)."""
    spans = parsed.text.lines
    starts: list[tuple[int, str, str]] = []  # (line, kind, number)
    last = sub = groups = 0
    end = len(lines)
    for i in range(first, len(lines)):
        line = lines[i]
        if _TABLE_END.match(line):
            end = i
            break
        m = _ROW_NUMBER.match(line)
        restart = bool(starts) and starts[-1][1] == "heading" and not _ROW_NUMBER.match(starts[-1][2])
        if m and "." not in m.group(1) and (int(m.group(1)) == last + 1 or (restart and m.group(1) == "1")):
            starts.append((i, "row", m.group(1)))  # numbered on, or from 1 again under each group ('II', '1' …)
            last, sub = int(m.group(1)), 0
            continue
        if m and m.group(1) == f"{last}.{sub + 1}":  # '1.1' under row '1': that row heads a group
            if sub == 0 and starts and starts[-1][2] == str(last):
                starts[-1] = (starts[-1][0], "heading", str(last))
            starts.append((i, "row", m.group(1)))
            sub += 1
            continue
        g = _GROUP.match(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if g and not m and ((g.group(2) or nxt).isupper() or (
                g.group(1) == _ROMANS[groups % len(_ROMANS)] and (g.group(2) or nxt)[:1].isupper())):
            # a group row: its title in capitals, or any title under the next Roman numeral ('II' / 'Lĩnh vực …')
            starts.append((i, "heading", g.group(1)))
            groups += 1
    rows: list[ReadRow] = []
    group: str | None = None
    content_roles = [r for r in roles if r != "number"]
    for n, (i, kind, number) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else end
        body = [j for j in range(i, stop)]
        if kind == "heading":
            g = _GROUP.match(lines[i]) or _ROW_NUMBER.match(lines[i])
            title_lines = [j for j in body if j > i and lines[j] != header[0]] if _ROW_NUMBER.match(lines[i]) \
                else ([j for j in body if lines[j].isupper() and j > i]
                      or [j for j in body if j > i and not re.fullmatch(r"\d{1,3}", lines[j])])
            text = " ".join([g.group(2)] if g and g.group(2) else [lines[j] for j in title_lines or [i]])
            rows.append(ReadRow(number, "heading", Span(spans[i].start, spans[stop - 1].end),
                                {"content": ReadCell(collapse(text), None)}))
            group = number
            continue
        # pieces of the row, cut into segments at a repeated header (a page break)
        segments: list[list[int]] = [[]]
        m = _ROW_NUMBER.match(lines[i])
        first_piece = i if m and m.group(2) else None
        j = i + 1
        while j < stop:
            if lines[j : j + len(header)] == header:
                segments.append([])
                j += len(header)
                continue
            if _PAGE.match(lines[j]) and lines[j + 1 : j + 1 + len(header)] == header:
                j += 1
                continue
            if not re.fullmatch(r"\d{1,3}", lines[j]):  # a page number printed inside the row
                segments[-1].append(j)
            j += 1
        if first_piece is not None:
            segments[0].insert(0, -1)  # the text printed after the number on the TT line
        cells = _cut_row(parsed, lexicon, lines, i, segments, content_roles)
        if not cells.get("content") or not cells["content"].text:
            continue
        rows.append(ReadRow(number, "row", Span(spans[i].start, spans[stop - 1].end), cells, parent=group))
    return rows, end


def _piece(parsed: Parsed, lines: list[str], row_line: int, j: int) -> tuple[str, Span]:
    spans = parsed.text.lines
    if j == -1:
        m = _ROW_NUMBER.match(lines[row_line])
        rest = m.group(2) if m else ""
        at = spans[row_line].start + lines[row_line].index(rest, len(m.group(1)) if m else 0)
        return rest, Span(at, at + len(rest))
    return lines[j], spans[j]


_LONG = 40  # a line this long is content, or several cells printed on one line (cut inside it)


def _cut_row(parsed: Parsed, lexicon: AgencyLexicon, lines: list[str], row_line: int, segments: list[list[int]],
             roles: list[str]) -> dict[str, ReadCell]:
    """Cut each segment of a row into the columns ``roles`` (in order, any column empty), choosing the cut that
    makes the best cells; a column cut by a page break is judged joined.

    Cuts fall between lines, or inside the last long line of the segment and the short lines after it (a PDF
    may print several cells on one line: '… phê duyệt. Sở Xây dựng Sở Tài chính Quý IV/2026'), each cut
    inside a line costing a little; earlier long lines are content."""
    joined: dict[str, list[tuple[str, Span]]] = {r: [] for r in roles}
    for s, seg in enumerate(segments):
        pieces = [_piece(parsed, lines, row_line, j) for j in seg]
        if not pieces:
            continue
        final = s == len(segments) - 1
        long_at = max((p for p, (t, _) in enumerate(pieces) if len(t) > _LONG), default=-1)
        # tokens (word, piece, start, end) and the cut positions allowed before token i, with their cost
        toks: list[tuple[str, int, int, int]] = []
        cost: dict[int, float] = {}
        for p, (t, _) in enumerate(pieces):
            words = list(re.finditer(r"\S+", t))
            for w, word in enumerate(words):
                if w == 0 and p >= long_at:
                    cost[len(toks)] = 0.0
                elif w > 0 and p >= long_at and (p > long_at or w >= len(words) - 20):
                    cost[len(toks)] = 1.0
                toks.append((word.group(0), p, word.start(), word.end()))
        cost[0] = 0.0
        cost[len(toks)] = 0.0
        positions = sorted(cost)
        n = len(positions)
        memo: dict[tuple[int, int, int], float] = {}

        def cell(c: int, a: int, b: int, *, s: int = s, final: bool = final, pieces: list = pieces,
                 toks: list = toks, positions: list = positions, cost: dict = cost, n: int = n,
                 memo: dict = memo) -> float:
            key = (c, a, b)
            if key not in memo:
                role = roles[c]
                parts = _parts(pieces, toks, positions[a], positions[b])
                before = " ".join(t for t, _ in joined[role])
                text = fta_table.join_lines([before] + [t for t, _ in parts])
                score = _cell_score(role, text, lexicon, final, bool(before), len(parts), [t for t, _ in parts],
                                    s == 0)
                if before and parts and fta_table.complete(before):
                    score -= 2.0  # a cell goes on after a page break only if it was cut there
                if 0 < a < n - 1 and b > a:
                    score -= cost[positions[a]]  # a cut inside a printed line
                memo[key] = score
            return memo[key]

        neg = float("-inf")
        best = [[neg] * n for _ in roles]
        back = [[0] * n for _ in roles]
        for c in range(len(roles)):
            for i in range(n):
                for a in range(i + 1):
                    prev = (0.0 if a == 0 else neg) if c == 0 else best[c - 1][a]
                    if prev == neg:
                        continue
                    score = prev + cell(c, a, i)
                    if score > best[c][i]:
                        best[c][i], back[c][i] = score, a
        i = n - 1
        cuts: dict[str, tuple[int, int]] = {}
        for c in range(len(roles) - 1, -1, -1):
            a = back[c][i]
            cuts[roles[c]] = (positions[a], positions[i])
            i = a
        for role, (a, b) in cuts.items():
            joined[role].extend(_parts(pieces, toks, a, b))
    out: dict[str, ReadCell] = {}
    raw = parsed.text.text
    for role, parts in joined.items():
        if not parts:
            continue
        text = fta_table.join_lines([t for t, _ in parts])
        # one span when the parts follow each other (nothing but the line breaks between them)
        contiguous = all(not raw[x[1].end:y[1].start].strip() for x, y in zip(parts, parts[1:], strict=False))
        out[role] = ReadCell(text, Span(parts[0][1].start, parts[-1][1].end) if contiguous else None)
    return out


def _parts(pieces: list[tuple[str, Span]], toks: list[tuple[str, int, int, int]], a: int, b: int
           ) -> list[tuple[str, Span]]:
    """The text and span of tokens a..b-1, one part per line they lie on."""
    out: list[tuple[str, Span]] = []
    i = a
    while i < b:
        p = toks[i][1]
        j = i
        while j < b and toks[j][1] == p:
            j += 1
        text, span = pieces[p]
        start, end = toks[i][2], toks[j - 1][3]
        out.append((text[start:end], Span(span.start + start, span.start + end)))
        i = j
    return out


def is_time_cell(text: str) -> bool:
    """A whole time cell: a timeframe and nothing else of note ('Quý IV/2026', 'Hằng năm', 'Trước 30/6/2026')."""
    if parse_timeframe(text) is None or len(text.split()) > 9 or not _TIME_START.match(text):
        return False
    return not any(AGENCY_HEAD.match(w.group(0)) for w in re.finditer(r"\S+(?:\s+\S+)?", text))


def _cell_score(role: str, text: str, lexicon: AgencyLexicon, final: bool, continued: bool, n: int,
                pieces: list[str], first_segment: bool) -> float:
    if role == "content":
        if not n:
            return -8.0 if first_segment and not continued else 0.0
        # content lines are long: short lines other than the last look like the cells after it
        return -2.0 * sum(1 for p in pieces[:-1] if len(p) <= 16)
    if not n:
        return {"time": -0.5, "lead": -1.0}.get(role, 0.0)
    if role in ("lead", "partners") and not continued and pieces[0][:1].islower():
        return -6.0  # a body's name, or a list of them, starts with a capital
    if role == "lead":
        return fta_table.score_lead(text, final) if not continued else fta_table.score_lead(text, final) + 0.5
    if role == "partners":
        return fta_table.score_partners(text, final)
    if role == "time":
        if is_time_cell(text):
            return 3.5
        return 1.0 if not final and fta_table.time_prefix(text) else -6.0
    if role in ("product", "note"):
        return 0.3 if parse_timeframe(text) is None and not lexicon.canonical(text) else -3.0
    return 0.0


def table_tasks(parsed: Parsed, lexicon: AgencyLexicon, tables: list[ReadTable]) -> list[Task]:
    """One task per row (kind ``appendix_row``), a ``heading`` per group row or component row."""
    tasks: list[Task] = []
    for read in tables:
        if read.fta is not None:
            tasks.extend(_fta_tasks(parsed, lexicon, read.fta))
            continue
        titles: dict[str, str] = {}
        for row in read.rows:
            row_ev = parsed.evidence(row.span.start, row.span.end)
            content = row.cells.get("content")
            if row.kind == "heading":
                text = content.text if content else row.number
                titles[row.number] = text
                tasks.append(Task(parsed.key, row.number, "heading", read.title, text, row_ev))
                continue
            task = Task(parsed.key, row.number, "appendix_row", titles.get(row.parent or "", read.title),
                        content.text if content else "", row_ev,
                        parent=row.parent if row.parent in titles else None)
            for role, attr in (("lead", "lead"), ("partners", "cooperating")):
                cell = row.cells.get(role)
                if cell and cell.text:
                    ev = parsed.evidence(cell.span.start, cell.span.end) if cell.span else \
                        row_ev.with_method(RULE, rule="table-cell-across-page-break")
                    setattr(task, attr, split_agencies(cell.text, ev, lexicon))
            time = row.cells.get("time")
            if time and time.text:
                ev = parsed.evidence(time.span.start, time.span.end) if time.span else \
                    row_ev.with_method(RULE, rule="table-cell-across-page-break")
                if not apply_timeframe(task, time.text, ev):
                    task.timeframe, task.timeframe_evidence = time.text, ev
            product = row.cells.get("product")
            if product and product.text:
                task.product = product.text
                task.product_evidence = parsed.evidence(product.span.start, product.span.end) if product.span \
                    else row_ev.with_method(RULE, rule="table-cell-across-page-break")
            tasks.append(task)
    return tasks


def _fta_tasks(parsed: Parsed, lexicon: AgencyLexicon, table: fta_table.Table) -> list[Task]:
    tasks: list[Task] = []
    titles: dict[str, str] = {}
    for row in table.rows:
        row_ev = parsed.evidence(row.span.start, row.span.end)
        content_span = row.content.span
        if row.kind == "component":
            titles[row.number] = row.content.text
            ev = parsed.evidence(content_span.start, content_span.end) if content_span else row_ev
            tasks.append(Task(parsed.key, row.number, "heading", table.title, row.content.text, ev))
            continue
        task = Task(parsed.key, row.number, "appendix_row", titles.get(row.parent or "", table.title),
                    row.content.text, row_ev, parent=row.parent)
        task.lead = _cell_refs(parsed, lexicon, row.lead, row_ev)
        task.cooperating = _cell_refs(parsed, lexicon, row.partners, row_ev)
        if row.time.text:
            tspan = row.time.span
            ev = (parsed.evidence(tspan.start, tspan.end) if tspan and not row.time.recovered
                  else row_ev.with_method(RULE, rule="table-cell-recovered-from-raw-line"))
            if not apply_timeframe(task, row.time.text, ev):
                task.timeframe, task.timeframe_evidence = row.time.text, ev
        tasks.append(task)
    return tasks


def _cell_refs(parsed: Parsed, lexicon: AgencyLexicon, cell: fta_table.Cell, row_ev: Evidence) -> list[AgencyRef]:
    if not cell.text:
        return []
    span = cell.span
    if span is None or cell.recovered:
        ev = row_ev.with_method(RULE, rule="table-cell-recovered-from-raw-line")
    else:
        ev = parsed.evidence(span.start, span.end)
    return split_agencies(cell.text, ev, lexicon)
