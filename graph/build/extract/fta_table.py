"""Component-index task tables flattened by PDF extraction: 'STT | Nội dung | Năm … Điểm số | Xếp hạng | … |
Chủ trì | Phối hợp | Thời gian' (a component row with its scores, then its task rows '1.1' …). Only tables whose
header has score columns are read here; every other task table is read by :mod:`graph.build.extract.task_table`.

The PDF text gives one cell line after another: for each row the STT ('3.14'), the content lines, then the
'Chủ trì' cell, the 'Phối hợp' cell and the 'Thời gian' cell, each cut into short lines. At a page break the
table header is printed again (the normaliser keeps it once) and every column that had not ended goes on
after it, in column order: content first, then the rest of each cell. Sometimes all columns of one printed
line come out as one text line ('4.3 Xây dựng … bảo tồn Sở Nông Các sở, ban, Hàng', 'ngành năm').

This parser works on ``NormalisedText.lines`` (so every offset is valid in the normalised text):

1. the table starts at a header line 'STT …' followed by a line naming 'Chủ trì'; the title is the block of
   caps lines above it; rows follow, numbered in sequence (component rows '1', '2' … with their score
   columns, task rows '1.1' … whose first number is the current component);
2. page breaks are found by aligning the raw source lines with the normalised lines (a run of raw lines the
   normaliser dropped = a repeated header or a page number). Data lines the normaliser dropped together with
   a header are recovered (they have no offsets; their facts carry the row's evidence, method 'rule');
3. each row is split into segments at page breaks, and each segment into content | lead | partner | time by
   choosing the cut points that make the best cells: a lead that the agency lexicon knows (or that starts
   like a body's name, or is a collective), a partner list of bodies / collectives, a time cell like
   '2025 - 2030', 'Thường xuyên', 'Hàng năm …'. Long lines are always content, cells never end with a
   sentence's full stop, and cells cut by a page break are judged once joined. An empty cell stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from graph.build.agencies import AGENCY_HEAD, AgencyLexicon, fold_name, split_agencies
from graph.build.normalise import NormalisedText, Span, repair_glyphs

_HEADER_START = re.compile(r"^STT\b")
_ROW = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\s+(.*))?$")
_COMPONENT = re.compile(r"^(\d{1,2})$")
_SCORES = re.compile(r"^\d+(?:,\d+)?\s+\d+/\d+(?:\s+\d+(?:,\d+)?\s+\d+/\d+)?$")
_TIME_FULL = re.compile(
    r"^(?:(?:năm\s+)?\d{4}(?:\s*-\s*\d{4})?|(?:từ\s+)?(?:năm\s+)?\d{4}\s*(?:-|đến)\s*(?:năm\s+)?\d{4}|thường xuyên"
    r"|(?:hàng|hằng) (?:năm|quý|tháng)(?:\s.*)?|quý [ivx1-4]+(?:/|\s+năm\s+)?\d{0,4}|trước (?:ngày|tháng|năm)\s.*"
    r"|định kỳ(?:\s.*)?|theo (?:kế hoạch|tiến độ)(?:\s.*)?|(?:tháng|năm) \d.*|\d{1,2}/\d{4}(?:\s*-\s*\d{1,2}/\d{4})?)$",
    re.I,
)
_TIME_PREFIX = re.compile(
    r"^(?:(?:từ\s+)?(?:năm\s+)?\d{4}\s*(?:-|đến)?|thường|hàng|hằng|quý|trước|định|theo|tháng|năm)(?:\s.*)?$", re.I
)
_YEARS = re.compile(r"\b((?:19|20)\d{2})\b")
_DANGLING = re.compile(r"(?:[,;\-–(]|\b(?:và|các|của|với|cấp|phối|hợp|khu|vực))$", re.I)
SHORT = 22  # cell columns are narrow: a longer line is content (or several columns printed as one line)


@dataclass(frozen=True)
class Piece:
    """One line of the table, or part of one; ``span`` is None for a line the normaliser dropped."""

    text: str
    span: Span | None
    line: int | None
    merged: bool = False  # the STT line's own text: several columns printed as one line


@dataclass
class Cell:
    pieces: list[Piece] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_lines([p.text for p in self.pieces])

    @property
    def span(self) -> Span | None:
        spans = [p.span for p in self.pieces if p.span is not None]
        return Span(spans[0].start, spans[-1].end) if spans else None

    @property
    def recovered(self) -> bool:
        return any(p.span is None for p in self.pieces)


@dataclass
class TableRow:
    number: str
    kind: str  # "component" | "row"
    span: Span
    content: Cell
    lead: Cell = field(default_factory=Cell)
    partners: Cell = field(default_factory=Cell)
    time: Cell = field(default_factory=Cell)
    parent: str | None = None

    @property
    def start_year(self) -> int | None:
        years = [int(y) for y in _YEARS.findall(self.time.text)]
        return min(years) if years else None

    @property
    def end_year(self) -> int | None:
        years = [int(y) for y in _YEARS.findall(self.time.text)]
        return max(years) if years else None


@dataclass
class Table:
    title: str
    title_span: Span | None
    header_span: Span
    rows: list[TableRow]


def join_lines(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif re.search(r"\d-$", out) and part[:1].isdigit():
            out += part
        else:
            out += " " + part
    return out


# ---------------------------------------------------------------------------------------------- layout


def _clean_raw_lines(raw: str) -> list[str]:
    return [re.sub(r" {2,}", " ", line).strip() for line in repair_glyphs(raw).split("\n")]


def _dropped_runs(raw: str, text: NormalisedText) -> dict[int, list[str]]:
    """For each normalised line index k: the raw lines dropped right before it (header copies, page numbers)."""
    raw_lines = [line for line in _clean_raw_lines(raw) if line]
    runs: dict[int, list[str]] = {}
    r = 0
    for k in range(len(text.lines)):
        line = text.line_text(k)
        skipped: list[str] = []
        probe = r
        while probe < len(raw_lines) and raw_lines[probe] != line:
            skipped.append(raw_lines[probe])
            probe += 1
        if probe >= len(raw_lines):  # not found (a line the normaliser rewrote): leave the cursor
            continue
        if skipped:
            runs[k] = skipped
        r = probe + 1
    return runs


def _recover(run: list[str], header: list[str]) -> tuple[list[str], list[str]]:
    """Split a dropped run into (data lines before the header copy, data lines after it)."""
    n = len(header)
    for i in range(len(run) - n + 1):
        if run[i : i + n] == header:
            before, after = run[:i], run[i + n :]
            keep = [x for x in before if not re.fullmatch(r"-?\s*\d{1,3}\s*-?", x)]
            return keep, [x for x in after if not re.fullmatch(r"-?\s*\d{1,3}\s*-?", x)]
    return [], []


def find_tables(raw: str, text: NormalisedText) -> list[Table]:
    """Every 'STT … Chủ trì … Phối hợp' task table in the text."""
    lines = [text.line_text(k) for k in range(len(text.lines))]
    tables: list[Table] = []
    k = 0
    while k < len(lines):
        if not _HEADER_START.match(lines[k]):
            k += 1
            continue
        end = next((j for j in range(k, min(k + 30, len(lines))) if "Chủ trì" in lines[j]), None)
        if end is None:
            k += 1
            continue
        header = lines[k : end + 1]
        joined = " ".join(header)
        if "Điểm số" not in joined and "Xếp hạng" not in joined:
            k += 1  # no score columns: a plain task table, read by graph.build.extract.task_table
            continue
        # the title: the caps lines right above the header (after a 'Phụ lục' line, if any)
        t = k - 1
        title_idx: list[int] = []
        while t >= 0 and (lines[t].isupper() or lines[t].startswith("(")) and not lines[t].startswith("Phụ lục"):
            title_idx.insert(0, t)
            t -= 1
        title_lines = [i for i in title_idx if not lines[i].startswith("(")]
        title = join_lines([lines[i] for i in title_lines])
        title_span = (Span(text.lines[title_lines[0]].start, text.lines[title_lines[-1]].end)
                      if title_lines else None)
        rows = _rows(raw, text, lines, end + 1, header)
        header_span = Span(text.lines[k].start, text.lines[end].end)
        tables.append(Table(title, title_span, header_span, rows))
        k = end + 1
    return tables


def _rows(raw: str, text: NormalisedText, lines: list[str], first: int, header: list[str]) -> list[TableRow]:
    dropped = _dropped_runs(raw, text)
    # row starts, in sequence
    starts: list[tuple[int, str, str]] = []  # (line, kind, number)
    component, sub = 0, 0
    for k in range(first, len(lines)):
        line = lines[k]
        m = _ROW.match(line)
        if m and int(m.group(1)) == component and int(m.group(2)) == sub + 1:
            starts.append((k, "row", f"{m.group(1)}.{m.group(2)}"))
            sub += 1
            continue
        c = _COMPONENT.match(line)
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        if c and int(c.group(1)) == component + 1 and nxt[:1].isalpha():
            starts.append((k, "component", c.group(1)))
            component, sub = component + 1, 0
            continue
        if starts and _looks_like_end(line):
            starts.append((k, "end", ""))
            break
    if not starts or starts[-1][1] != "end":
        starts.append((len(lines), "end", ""))
    rows: list[TableRow] = []
    parent = None
    for (k, kind, number), (k2, _, _) in zip(starts, starts[1:], strict=False):
        if kind == "end":
            break
        span = Span(text.lines[k].start, text.lines[k2 - 1].end)
        if kind == "component":
            title = [k + 1 + i for i, x in enumerate(lines[k + 1 : k2]) if not _SCORES.match(x)]
            title = [i for i in title if i < next((j for j in range(k + 1, k2) if _SCORES.match(lines[j])), k2)]
            content = Cell([Piece(lines[i], text.lines[i], i) for i in title])
            rows.append(TableRow(number, "component", span, content))
            parent = number
            continue
        segments: list[list[Piece]] = [[]]
        m = _ROW.match(lines[k])
        if m and m.group(3):
            rest = m.group(3)
            at = text.lines[k].start + lines[k].index(rest, len(number))
            segments[0].append(Piece(rest, Span(at, at + len(rest)), k, merged=True))
        skip_until = -1
        for i in range(k + 1, k2):
            if i < skip_until:
                continue
            if lines[i : i + len(header)] == header:  # a header copy the normaliser kept: a page break
                segments.append([])
                skip_until = i + len(header)
                continue
            if i in dropped:
                before, after = _recover(dropped[i], header)
                segments[-1].extend(Piece(x, None, None) for x in before)
                segments.append([Piece(x, None, None) for x in after])
            segments[-1].append(Piece(lines[i], text.lines[i], i))
        row = TableRow(number, "row", span, Cell(), parent=parent)
        _fill(row, [s for s in segments if s], _lexicon_key[0])
        rows.append(row)
    return rows


def _looks_like_end(line: str) -> bool:
    return bool(re.match(r"^(?:Nơi nhận|TM\.|KT\.|T/M|Phụ lục\b|PHỤ LỤC\b)", line))


# ---------------------------------------------------------------------------------------------- cells

_lexicon_key: list[AgencyLexicon | None] = [None]


@dataclass(frozen=True)
class _Token:
    text: str
    piece: int  # index of the piece (line) in the segment
    start: int  # offset in the piece text
    end: int


def _tokens(segment: list[Piece]) -> tuple[list[_Token], list[int]]:
    """Words of a segment and the cut positions allowed between them (index = cut before token i)."""
    toks: list[_Token] = []
    cuts: list[int] = []
    for p, piece in enumerate(segment):
        words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", piece.text)]
        splittable = len(piece.text) <= SHORT or piece.merged
        first_split = max(1, len(words) - 8) if len(piece.text) > SHORT else 1
        for w, (word, a, b) in enumerate(words):
            if w == 0 or (splittable and w >= first_split):
                cuts.append(len(toks))
            toks.append(_Token(word, p, a, b))
    cuts.append(len(toks))
    return toks, sorted(set(cuts))


def _cell_from(segment: list[Piece], toks: list[_Token], a: int, b: int) -> list[Piece]:
    """The pieces (lines or parts of lines) covering tokens a..b-1."""
    out: list[Piece] = []
    i = a
    while i < b:
        p = toks[i].piece
        j = i
        while j < b and toks[j].piece == p:
            j += 1
        piece = segment[p]
        s, e = toks[i].start, toks[j - 1].end
        span = Span(piece.span.start + s, piece.span.start + e) if piece.span else None
        out.append(Piece(piece.text[s:e], span, piece.line))
        i = j
    return out


@lru_cache(maxsize=20000)
def _score_lead(text: str, final: bool) -> float:
    lex = _lexicon_key[0]
    if not text:
        return -2.0
    if text.endswith((".", "…")):
        return -6.0
    if lex is not None and lex.canonical(text):
        return 4.0
    if _is_group(text) and not _DANGLING.search(text):
        return 2.5
    if not final and _is_prefix_of_known(text):
        return 1.0
    if AGENCY_HEAD.match(text) and not _DANGLING.search(text) and len(text.split()) <= 10:
        return 1.5 if final else 1.0
    return -6.0


@lru_cache(maxsize=20000)
def _score_partners(text: str, final: bool) -> float:
    lex = _lexicon_key[0]
    if not text:
        return 0.0
    if text.endswith((".", "…")) or re.search(r"\b\d{4}\b", text):
        return -6.0
    if _DANGLING.search(text) or text.split()[-1:] in (["UBND"], ["Sở"]):
        return 0.5 if not final else -6.0
    if lex is None:
        return 0.0
    refs = split_agencies(text, None, lex)
    if not refs:
        return -6.0
    covered = sum(len(r.printed) for r in refs)
    if covered < 0.6 * len(text.replace(",", "").replace(" ", "")) * 0.8:
        return -3.0
    bonus = sum(2.0 if r.group or lex.canonical(r.name) else 0.5 for r in refs)
    return min(bonus, 3.0)


@lru_cache(maxsize=20000)
def _score_time(text: str, final: bool) -> float:
    if not text:
        return -1.0
    if text.endswith((".", "…")):
        return -6.0
    if _TIME_FULL.match(text):
        return 3.5 if re.search(r"\d{4}$|xuyên$|năm$", text) else 2.5
    if not final and _TIME_PREFIX.match(text):
        return 1.0
    return -6.0


def _is_group(text: str) -> bool:
    lex = _lexicon_key[0]
    return bool(lex and (lex.is_group_start(text) or re.match(r"^(?:UBND|Ủy ban nhân dân)\s+các\b", text)))


def _is_prefix_of_known(text: str) -> bool:
    lex = _lexicon_key[0]
    if lex is None:
        return False
    key = fold_name(text)
    return any(k.startswith(key + " ") for k in _keys(lex))


@lru_cache(maxsize=4)
def _keys(lex: AgencyLexicon) -> tuple[str, ...]:
    return tuple(lex.by_key())


def _candidates(segment: list[Piece]) -> list[tuple[float, int, int, int, list[_Token], list[int]]]:
    """(penalty, content end, lead end, partner end) for every admissible cut of one segment."""
    toks, cuts = _tokens(segment)
    # the tail (cells) may start only after the last long line, or inside a merged STT line
    long_pieces = [p for p, piece in enumerate(segment) if len(piece.text) > SHORT]
    min_c = 0
    if long_pieces and not segment[long_pieces[-1]].merged:
        min_c = max(i for i, t in enumerate(toks) if t.piece == long_pieces[-1]) + 1
    allowed = [c for c in cuts if c >= min_c]
    out = []
    for ci, c in enumerate(allowed):
        for li, lead_end in enumerate(allowed[ci:], ci):
            for p_end in allowed[li:]:
                pen = 0.0
                for cut in (c, lead_end, p_end):
                    if 0 < cut < len(toks) and toks[cut - 1].piece == toks[cut].piece:
                        pen -= 1.0  # a cut inside a printed line
                # cells never end a printed line with a sentence's full stop
                pen -= 5.0 * sum(1 for i in range(c, len(toks)) if toks[i].text.endswith((".", "…", ".)"))
                                 and (i + 1 == len(toks) or toks[i + 1].piece != toks[i].piece))
                # short lines left in the content before its last line look like cells
                content_pieces = sorted({t.piece for t in toks[:c]})
                for p in content_pieces[:-1]:
                    if len(segment[p].text) <= SHORT and p > 0:
                        pen -= 3.0
                out.append((pen, c, lead_end, p_end, toks, allowed))
    return out


def _fill(row: TableRow, segments: list[list[Piece]], lex: AgencyLexicon | None) -> None:
    """Choose the best cut of every segment (jointly: cells cut by a page break are judged joined)."""

    def texts(seg: list[Piece], cand: tuple) -> tuple[str, str, str]:
        _, c, le, pe, toks, _ = cand
        return (" ".join(t.text for t in toks[c:le]), " ".join(t.text for t in toks[le:pe]),
                " ".join(t.text for t in toks[pe:]))

    def join(a: str, b: str) -> str:
        return join_lines([a, b])

    # beam: (penalties so far, chosen cuts, joined cell texts so far)
    beams: list[tuple[float, list[tuple], tuple[str, str, str]]] = [(0.0, [], ("", "", ""))]
    for s, seg in enumerate(segments):
        final = s == len(segments) - 1
        ranked = []
        for penalties, chosen, (lead, partners, time) in beams:
            for cand in _candidates(seg):
                a, b, c = texts(seg, cand)
                pen = penalties + cand[0]
                for before, after in ((lead, a), (partners, b), (time, c)):
                    if before and after and _complete(before):
                        pen -= 2.0  # a cell goes on after a page break only if it was cut there
                jl, jp, jt = join(lead, a), join(partners, b), join(time, c)
                rank = pen + _score_lead(jl, final) + _score_partners(jp, final) + _score_time(jt, final)
                ranked.append((rank, pen, chosen + [cand], (jl, jp, jt)))
        ranked.sort(key=lambda x: -x[0])
        beams = [(pen, chosen, cells) for _, pen, chosen, cells in ranked[:40]]
    _, chosen, _ = beams[0]
    for seg, cand in zip(segments, chosen, strict=True):
        _, c, le, pe, toks, _ = cand
        row.content.pieces += _cell_from(seg, toks, 0, c)
        row.lead.pieces += _cell_from(seg, toks, c, le)
        row.partners.pieces += _cell_from(seg, toks, le, pe)
        row.time.pieces += _cell_from(seg, toks, pe, len(toks))


def _complete(text: str) -> bool:
    lex = _lexicon_key[0]
    if _TIME_FULL.match(text) and re.search(r"\d{4}$|xuyên$", text):
        return True
    return bool(lex and lex.canonical(text) and not _is_prefix_of_known(text))


def parse_tables(raw: str, text: NormalisedText, lexicon: AgencyLexicon) -> list[Table]:
    if _lexicon_key[0] is not lexicon:
        _lexicon_key[0] = lexicon
        _score_lead.cache_clear()
        _score_partners.cache_clear()
        _score_time.cache_clear()
    return find_tables(raw, text)


# The cell judgements, shared with graph.build.extract.task_table (valid after parse_tables set the lexicon).
def score_lead(text: str, final: bool) -> float:
    """How much ``text`` looks like a whole 'Chủ trì' cell (a known body, a collective, a body's name)."""
    return _score_lead(text, final)


def score_partners(text: str, final: bool) -> float:
    """How much ``text`` looks like a whole 'Phối hợp' cell (a list of bodies and collectives)."""
    return _score_partners(text, final)


def time_prefix(text: str) -> bool:
    """True when ``text`` may be the start of a time cell cut by a page break ('2025 -', 'Thường')."""
    return bool(_TIME_PREFIX.match(text))


def complete(text: str) -> bool:
    """True when a cell's text is whole (a known body, a time with its year): it does not go on after a break."""
    return _complete(text)
