"""Stage 2: turn the raw text of a PDF extraction into clean, addressable text.

What it repairs (each a known trait of the sources, see ``../shared/FINDINGS.md``):

* Unicode NFC; the PDF font damage 'ƣ'/'Ƣ' (U+01A3/U+01A2) read back as 'ư'/'Ư'.
* Page numbers (a lone number between runs of blank lines) are dropped.
* Header blocks repeated at page breaks (a long run of lines that occurs three
  or more times, e.g. the FTA appendix table header) are kept once.
* Footnote bodies that the extraction inserted mid-sentence are moved to the end,
  and the footnote markers glued to words ('đô thị1') are removed.
* Lines broken by the PDF are joined into paragraphs: with a space, or with
  nothing after a word-and-hyphen ('2021-' + '2030' -> '2021-2030').
* Table rows written by the readers (``| cell | cell |``, one line per row) are kept
  intact: never joined with a neighbour, their spacing untouched, and dropped only
  when a table's header row repeats right after a page break (kept once).
* Page breaks ('\\f', written by the PDF reader between pages) are taken out of the
  text; each line keeps the number of the page it was on (``NormalisedText.page_at``).

The result is one string, paragraphs separated by '\\n'. Every evidence offset in
the graph is a character offset into this string. Each cleaned source line keeps
its span in it (``NormalisedText.lines``), so a parser that needs the line layout
(the flattened appendix table) still reports offsets into the same text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

GLYPH_REPAIRS = {"\u01a3": "ư", "\u01a2": "Ư", "\u00a0": " ", "\t": " ", "\u200b": "", "\ufeff": ""}

_MARKER = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\.(?=\s|$)|\d{1,2}(?:\.\d{1,2})+(?=\s|$)|[a-zđ]\)(?=\s)|[IVXL]+\.(?=\s|$)"
    r"|[-–•+*](?=\s)|(?:TM|KT|TL|TUQ|Q)\.\s|T/M\s|Phụ lục\b|PHỤ LỤC\b|Nơi nhận\b"
    # Party numbering 'II- ', '2- ', 'a- ' before a capital; articles 'Điều 3.'; numbered objectives '(1) '
    r"|(?:[IVXL]{1,5}|\d{1,2}|[a-zđ])\s?-\s+(?=[A-ZĐÀ-Ỹ])|Điều\s+\d{1,3}\.|\(\d{1,2}\)\s)"
)
_SEPARATOR = re.compile(r"^[-–_*=.]{1,}$")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$")
_TERMINAL = re.compile(r"[.:;!?](?:[)\"”’]|/\.)?$")
_FOOTNOTE_START = re.compile(r"^(\d{1,2}) (?=[A-ZĐÀ-Ỹ])")
_REPEAT_WINDOW = 12
_REPEAT_MIN = 3
PAGE_BREAK = "\f"


def is_table_row(line: str) -> bool:
    """A table row as the readers write it: ``| cell | cell |``."""
    return len(line) >= 4 and line.startswith("| ") and line.endswith(" |")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class NormalisedText:
    """The normalised text of one source and the spans of its lines and paragraphs."""

    text: str
    lines: tuple[Span, ...]
    paragraphs: tuple[Span, ...]
    line_pages: tuple[int, ...] = ()  # the 1-based page of each line (empty: the source has no pages)

    def page_at(self, offset: int) -> int | None:
        """The page the character at ``offset`` was printed on, or None when the source has no pages."""
        if not self.line_pages or not self.lines:
            return None
        import bisect

        k = bisect.bisect_right([span.start for span in self.lines], offset) - 1
        return self.line_pages[max(k, 0)]

    def line_text(self, index: int) -> str:
        span = self.lines[index]
        return self.text[span.start : span.end]

    def paragraph_texts(self) -> list[str]:
        return [self.text[p.start : p.end] for p in self.paragraphs]


def repair_glyphs(text: str) -> str:
    """NFC plus the known PDF glyph repairs; the character count may shrink, never grow."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(GLYPH_REPAIRS.get(ch, ch) for ch in text)


def _is_caps(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _drop_page_numbers(lines: list[str]) -> list[str]:
    """Blank out lone numbers that sit in a run of two or more blank lines (page footers)."""
    out = list(lines)
    for i, line in enumerate(lines):
        if not _PAGE_NUMBER.match(line):
            continue
        before = 0
        j = i - 1
        while j >= 0 and not lines[j]:
            before, j = before + 1, j - 1
        after = 0
        j = i + 1
        while j < len(lines) and not lines[j]:
            after, j = after + 1, j + 1
        if max(before, after) >= 2 or i == len(lines) - 1:
            out[i] = ""
    return out


def _drop_repeated_blocks(lines: list[str]) -> list[str]:
    """Keep the first copy of a long block of lines that repeats (a header at each page break).

    A line belongs to a header when it lies in a window of ``_REPEAT_WINDOW`` lines that occurs
    at least ``_REPEAT_MIN`` times; within a run of such lines only those covered by the most
    frequent windows count, so data lines that happen to precede a header on a few pages
    ('2025 -' / '2030' before three of nine copies) are not mistaken for part of it.
    """
    idx = [i for i, line in enumerate(lines) if line and not is_table_row(line)]
    texts = [lines[i] for i in idx]
    n = len(texts)
    if n < _REPEAT_WINDOW * _REPEAT_MIN:
        return lines
    windows = [tuple(texts[k : k + _REPEAT_WINDOW]) for k in range(n - _REPEAT_WINDOW + 1)]
    counts = Counter(windows)
    cover = [0] * n
    for k, window in enumerate(windows):
        c = counts[window]
        if c >= _REPEAT_MIN:
            for m in range(k, k + _REPEAT_WINDOW):
                cover[m] = max(cover[m], c)
    out = list(lines)
    seen: set[tuple[str, ...]] = set()
    m = 0
    while m < n:
        if cover[m] < _REPEAT_MIN:
            m += 1
            continue
        end = m
        while end < n and cover[end] >= _REPEAT_MIN:
            end += 1
        top = max(cover[m:end])
        core = [j for j in range(m, end) if cover[j] == top]
        key = tuple(texts[j] for j in core)
        if key in seen:
            for j in core:
                out[idx[j]] = ""
        else:
            seen.add(key)
        m = end
    return out


def _extract_footnotes(lines: list[str]) -> tuple[list[str], list[int], set[str]]:
    """Take out footnote bodies inserted mid-text; return (body lines, indices of the footnote lines, markers)."""
    body_text = "\n".join(lines)
    out = list(lines)
    notes: list[int] = []
    markers: set[str] = set()
    i = 0
    while i < len(lines):
        m = _FOOTNOTE_START.match(lines[i])
        if not m or len(lines[i]) < 60:
            i += 1
            continue
        number = m.group(1)
        if not re.search(rf"[^\W\d_]{number}(?=[\s,.;:)])", body_text):
            i += 1
            continue
        j = i
        block: list[int] = []
        while j < len(lines):
            line = lines[j]
            if not line:
                j += 1
                continue
            if j == i or _FOOTNOTE_START.match(line) and len(line) >= 60:
                pass
            elif len(line) < 90 and _TERMINAL.search(lines[block[-1]]):
                break
            block.append(j)
            j += 1
        for b in block:
            notes.append(b)
            out[b] = ""
            fm = _FOOTNOTE_START.match(lines[b])
            if fm and len(lines[b]) >= 60:
                markers.add(fm.group(1))
        i = j
    return out, notes, markers


def _strip_markers(line: str, markers: set[str]) -> str:
    for number in markers:
        line = re.sub(rf"(?<=[^\W\d_]){number}(?=[\s,.;:)]|$)", "", line)
    return line


def _joiner(prev: str, nxt: str, short: int = 0) -> str | None:
    """How to join two consecutive lines: '' or ' ', or None for a paragraph break.

    ``short``: a line shorter than this that ends a sentence-less heading ('1. Mục tiêu
    tổng quát', a title line) before a capitalised line ends its paragraph.
    """
    if _SEPARATOR.match(prev) or _SEPARATOR.match(nxt) or is_table_row(prev) or is_table_row(nxt):
        return None
    if re.search(r"\w-$", prev):
        return ""
    if _MARKER.match(nxt):
        return None
    if _is_caps(prev) != _is_caps(nxt):
        return None
    if _TERMINAL.search(prev) and (nxt[:1].isupper() or nxt[:1].isdigit()):
        return None
    if short and len(prev) < short and _MARKER.match(prev) and nxt[:1].isupper():
        return None
    return " "


def _split_pages(raw: str) -> tuple[list[str], list[int]]:
    """Lines of the raw text (glyphs repaired) and the 1-based page of each; page breaks become blank lines."""
    lines: list[str] = []
    pages: list[int] = []
    for number, page in enumerate(repair_glyphs(raw).split(PAGE_BREAK), 1):
        if number > 1:
            lines += ["", ""]  # a page break separates like blank lines do (page numbers sit between them)
            pages += [number, number]
        for line in page.split("\n"):
            lines.append(line.strip() if is_table_row(line.strip()) else re.sub(r" {2,}", " ", line).strip())
            pages.append(number)
    return lines, pages


def _drop_repeated_table_headers(lines: list[str], pages: list[int]) -> list[str]:
    """A table's header row repeated as the first line of a new page, right after the table's last row, is
    dropped (the table goes on); every other table row is kept."""
    out = list(lines)
    header: str | None = None
    last_row_page: int | None = None
    previous = ""
    for i, line in enumerate(lines):
        if not line:
            continue
        if is_table_row(line):
            if not is_table_row(previous):
                if header is not None and line == header and last_row_page is not None and pages[i] > last_row_page:
                    out[i] = ""
                    previous, last_row_page = line, pages[i]
                    continue
                header = line
            last_row_page = pages[i]
        else:
            header, last_row_page = None, None
        previous = line
    return out


def normalise(raw: str) -> NormalisedText:
    """Normalise a source's raw text (see the module docstring for what is repaired)."""
    lines, pages = _split_pages(raw)
    has_pages = PAGE_BREAK in raw
    lines = _drop_page_numbers(lines)
    lines = _drop_repeated_table_headers(lines, pages)
    lines = _drop_repeated_blocks(lines)
    before_notes = lines
    lines, note_idx, markers = _extract_footnotes(lines)
    notes = [(before_notes[b], pages[b]) for b in note_idx]
    if markers:
        lines = [line if is_table_row(line) else _strip_markers(line, markers) for line in lines]
    kept = [(line, page) for line, page in zip(lines, pages, strict=True) if line]
    lengths = sorted(len(line) for line, _ in kept)
    short = max(70, int(0.6 * lengths[len(lengths) // 2])) if lengths else 0
    parts: list[str] = []
    line_spans: list[Span] = []
    line_pages: list[int] = []
    para_spans: list[Span] = []
    pos = 0
    para_start = 0

    def add_group(group: list[tuple[str, int]]) -> None:
        nonlocal pos, para_start
        for k, (line, page) in enumerate(group):
            if k:
                glue = _joiner(group[k - 1][0], line, short)
                if glue is None:
                    para_spans.append(Span(para_start, pos))
                    parts.append("\n")
                    pos += 1
                    para_start = pos
                else:
                    parts.append(glue)
                    pos += len(glue)
            line_spans.append(Span(pos, pos + len(line)))
            line_pages.append(page)
            parts.append(line)
            pos += len(line)

    add_group(kept)
    if notes:
        para_spans.append(Span(para_start, pos))
        parts.append("\n")
        pos += 1
        para_start = pos
        add_group(notes)
    para_spans.append(Span(para_start, pos))
    text = "".join(parts)
    return NormalisedText(text=text, lines=tuple(line_spans), paragraphs=tuple(para_spans),
                          line_pages=tuple(line_pages) if has_pages else ())
