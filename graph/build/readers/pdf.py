"""PDF sources with a text layer, through pdfplumber (pdfminer.six); scanned pages through OCR.

Why pdfplumber (measured on the test documents, see ``bench/bench_pdf_readers.py`` and the README):
both it and pypdfium2 keep the Vietnamese letters intact, but only pdfplumber finds ruled tables and
gives their cells, and its word boxes let the reader put the two-column title block back in reading
order (left column, then right column) whatever order the PDF writer drew it in; pypdfium2 returns the
content stream's order and flattens tables. pypdfium2 renders scanned pages for OCR.

Output: one string, pages separated by a line holding only '\\f'. On each page the lines outside ruled tables in reading
order, and each ruled table as one line per row, ``| cell | cell |`` (the interface of the task-table
parser: a cell's inner line breaks become one space, a literal '|' becomes '/', a blank line before and
after the table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PAGE_BREAK = "\f"
LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one line
MIN_COLUMN_GAP = 18.0  # points between the two columns of the title block
SCAN_MIN_CHARS = 15  # a page with fewer characters in its text layer (and an image) is a scan
MAX_PAGES = 2000


class PdfError(ValueError):
    """The PDF cannot be read (encrypted, broken …); the message says why."""


@dataclass
class PdfText:
    text: str
    pages: int
    ocr_pages: list[int] = field(default_factory=list)  # 1-based numbers of the pages read by OCR
    scan_pages: list[int] = field(default_factory=list)  # pages without a text layer (OCR'd or not)
    tables: int = 0


def table_row(cells: list[str | None]) -> str:
    """One table row in the extracted text: ``| a | b |`` (the contract with the task-table parser)."""
    clean = [" ".join((c or "").split()).replace("|", "/") for c in cells]
    return "| " + " | ".join(clean) + " |"


def _lines(words: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= LINE_TOLERANCE:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _text(words: list[dict]) -> str:
    return " ".join(w["text"] for w in words)


def _column_gap(line: list[dict]) -> float | None:
    """The x of the one wide gap that splits a line into two columns, or None (none, or several: a table)."""
    gaps = [(a["x1"] + b["x0"]) / 2 for a, b in zip(line, line[1:], strict=False)
            if b["x0"] - a["x1"] >= MIN_COLUMN_GAP]
    return gaps[0] if len(gaps) == 1 else None


def _two_columns(lines: list[list[dict]], k: int) -> tuple[list[str], int]:
    """A two-column block starting at line ``k`` (the title block, the signature block): (its lines in reading
    order, left column then right column, and how many lines it spans), or ([], 0).

    The boundary is the wide gap of line ``k``; the block is the run of lines that are split by it or lie on
    one side of it, each centred on or aligned with its column (a line centred on the page ends it).
    """
    boundary = _column_gap(lines[k])
    if boundary is None:
        return [], 0
    first = lines[k]
    columns = {"left": [w for w in first if w["x1"] <= boundary], "right": [w for w in first if w["x0"] >= boundary]}
    centre = {side: (ws[0]["x0"] + ws[-1]["x1"]) / 2 for side, ws in columns.items()}
    start = {side: ws[0]["x0"] for side, ws in columns.items()}
    out: dict[str, list[str]] = {"left": [], "right": []}
    used = 0
    for line in lines[k:]:
        if any(w["x0"] < boundary < w["x1"] for w in line):
            break
        parts = {"left": [w for w in line if w["x1"] <= boundary], "right": [w for w in line if w["x0"] >= boundary]}
        if parts["left"] and parts["right"]:
            if _column_gap(line) is None:
                break
        else:
            side = "left" if parts["left"] else "right"
            words = parts[side]
            mid = (words[0]["x0"] + words[-1]["x1"]) / 2
            if abs(mid - centre[side]) > 30 and abs(words[0]["x0"] - start[side]) > 6:
                break  # centred on the page, not on its column: the block has ended
        for side, words in parts.items():
            if words:
                out[side].append(_text(words))
        used += 1
    if used < 2:
        return [], 0
    return out["left"] + [""] + out["right"], used


def _page_text(page) -> tuple[str, int]:  # noqa: ANN001
    """(text of one page, tables found)."""
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and max(len(r.cells) for r in t.rows) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    words = page.filter(outside).extract_words(keep_blank_chars=False, use_text_flow=False)
    lines = _lines(words)
    blocks: list[tuple[float, list[str]]] = []
    k = 0
    while k < len(lines):
        columns, used = _two_columns(lines, k)
        if used:
            blocks.append((lines[k][0]["top"], ["", *columns, ""]))
            k += used
        else:
            blocks.append((lines[k][0]["top"], [_text(lines[k])]))
            k += 1
    for table in tables:
        rows = [table_row(row) for row in table.extract() if any((c or "").strip() for c in row)]
        blocks.append((table.bbox[1], ["", *rows, ""]))
    blocks.sort(key=lambda b: b[0])
    return "\n".join(line for _, block in blocks for line in block), len(tables)


def _continue_tables(previous: str, text: str) -> tuple[str, str]:
    """A table that crosses a page break: the header row repeated at the top of the next page is dropped,
    and a row cut by the break (its first cell, the number, empty on the new page) is merged into the
    last row of the previous page. Returns the two pages' texts."""
    prev_lines = previous.rstrip("\n").split("\n")
    lines = text.lstrip("\n").split("\n")
    if not prev_lines or not lines or not _is_row(prev_lines[-1]) or not _is_row(lines[0]):
        return previous, text
    header_at = len(prev_lines) - 1
    while header_at > 0 and _is_row(prev_lines[header_at - 1]):
        header_at -= 1
    if lines[0] == prev_lines[header_at] and header_at < len(prev_lines) - 1:
        lines = lines[1:]
        while lines and not lines[0]:
            lines = lines[1:]
    if lines and _is_row(lines[0]):
        last, cut = _cells(prev_lines[-1]), _cells(lines[0])
        if len(last) == len(cut) and not cut[0] and cut[0] != last[0]:
            merged = [" ".join(p for p in (a, b) if p) for a, b in zip(last, cut, strict=True)]
            prev_lines[-1] = table_row(merged)
            lines = lines[1:]
    return "\n".join(prev_lines) + "\n", "\n".join(lines)


def _is_row(line: str) -> bool:
    return line.startswith("| ") and line.endswith(" |")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line[2:-2].split(" | ")]


def read_pdf(path: Path, *, ocr=None) -> PdfText:  # noqa: ANN001
    """Read the text layer of every page; pages without one go to ``ocr(path, page_numbers)`` when given.

    Raises :class:`PdfError` for encrypted or broken files and for scans when ``ocr`` is None.
    """
    import pdfplumber

    texts: list[str] = []
    scans: list[int] = []
    tables = 0
    try:
        with pdfplumber.open(str(path)) as pdf:
            if len(pdf.pages) == 0:
                raise PdfError("the PDF has no pages")
            if len(pdf.pages) > MAX_PAGES:
                raise PdfError(f"the PDF has {len(pdf.pages)} pages (more than {MAX_PAGES})")
            for number, page in enumerate(pdf.pages, 1):
                text, found = _page_text(page)
                letters = sum(1 for ch in text if ch.isalnum())
                if letters < SCAN_MIN_CHARS and page.images:
                    scans.append(number)
                    text = ""
                texts.append(text)
                tables += found
    except PdfError:
        raise
    except Exception as exc:  # pdfminer raises many kinds for damaged files, wrapped by pdfplumber
        if _encrypted(path, exc):
            raise PdfError("the PDF is encrypted and needs a password to open") from None
        detail = str(exc) or repr(getattr(exc, "args", ("",))[0] if getattr(exc, "args", None) else "")
        raise PdfError(f"the PDF is broken and cannot be read ({type(exc).__name__}: {detail[:120]})") from None
    result = PdfText("", len(texts), scan_pages=scans, tables=tables)
    if scans:
        if ocr is None:
            which = _pages_label(scans, len(texts))
            raise PdfError(f"the PDF is a scan ({which} without a text layer) and OCR is not available: install "
                           "Tesseract with Vietnamese (Debian: tesseract-ocr tesseract-ocr-vie) to read it")
        for number, text in ocr(path, scans).items():
            texts[number - 1] = text
        result.ocr_pages = list(scans)
    for i in range(1, len(texts)):
        texts[i - 1], texts[i] = _continue_tables(texts[i - 1], texts[i])
    result.text = ("\n" + PAGE_BREAK + "\n").join(t.strip("\n") for t in texts)
    if not re.search(r"\w", result.text):
        raise PdfError("the PDF has no text (no text layer and nothing recognised)")
    return result


def _encrypted(path: Path, exc: BaseException) -> bool:
    """Whether a read failed because the PDF needs a password (pdfminer's error, or pypdfium2's verdict)."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    chain: BaseException | None = exc
    while chain is not None:
        if isinstance(chain, PDFPasswordIncorrect | PDFEncryptionError) or any(
                isinstance(a, PDFPasswordIncorrect | PDFEncryptionError) for a in getattr(chain, "args", ())):
            return True
        chain = chain.__cause__ or chain.__context__
    import pypdfium2 as pdfium

    try:
        pdfium.PdfDocument(str(path)).close()
    except pdfium.PdfiumError as err:
        return "password" in str(err).lower()
    return False


def _pages_label(pages: list[int], total: int) -> str:
    if len(pages) == total:
        return "all pages" if total > 1 else "its page"
    return "page" + ("s " if len(pages) > 1 else " ") + ", ".join(map(str, pages))
