"""Word (.docx) sources through python-docx: paragraphs in document order, tables as rows and cells.

A data table (three or more columns: the task tables of plans) is written one line per row,
``| cell | cell |`` (see :func:`graph.build.readers.pdf.table_row`). A layout table of one or two columns
(the title block: issuer and number on the left, motto and date on the right; the signature block) is
written column by column as plain lines, the way a PDF of the same page reads.

The archive is checked before it is opened: a DOCX is a zip file, and a zip bomb (a tiny file that
inflates to gigabytes) or an archive of thousands of parts is refused.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from graph.build.readers.pdf import table_row

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, all parts together
MAX_RATIO = 200  # uncompressed / compressed, for a part over 1 MB
MAX_PARTS = 5000
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocxError(ValueError):
    """The file is not a readable DOCX (the message says why)."""


def check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile as exc:
        raise DocxError(f"not a valid DOCX: the zip archive is broken ({exc})") from None
    if len(infos) > MAX_PARTS:
        raise DocxError(f"the DOCX archive has {len(infos)} parts (more than {MAX_PARTS}): refused as a zip bomb")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise DocxError(f"the DOCX would inflate to {total // (1024 * 1024)} MB (more than "
                        f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB): refused as a zip bomb")
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocxError(f"the DOCX part {info.filename} inflates {info.file_size // max(info.compress_size, 1)}"
                            f" times (more than {MAX_RATIO}): refused as a zip bomb")
    if "word/document.xml" not in names:
        raise DocxError("a zip archive, but not a Word document (no word/document.xml)")


def _cell_text(cell) -> str:  # noqa: ANN001
    return "\n".join(p.text for p in cell.paragraphs)


def _unique_cells(row) -> list:  # noqa: ANN001
    """The cells of a row, a horizontally merged cell once (python-docx repeats it per grid column)."""
    cells = []
    seen = set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cells.append(cell)
    return cells


def _table_lines(table) -> list[str]:  # noqa: ANN001
    rows = [_unique_cells(row) for row in table.rows]
    width = max((len(r) for r in rows), default=0)
    if width <= 2:
        # a layout table: column by column, each cell's paragraphs as lines
        lines: list[str] = [""]
        for col in range(width):
            for row in rows:
                if col < len(row):
                    lines += [p.text for p in row[col].paragraphs if p.text.strip()]
            lines.append("")
        return lines
    out = [""]
    previous: list | None = None
    for row in rows:
        texts = [_cell_text(c) for c in row]
        if previous is not None:
            # a vertically merged cell repeats its text in each row it spans: keep it in the first
            texts = [t if c._tc is not p._tc else "" for t, c, p in zip(texts, row, previous, strict=False)] + \
                texts[len(previous):]
        if any(t.strip() for t in texts):
            out.append(table_row(texts))
        previous = row
    out.append("")
    return out


def read_docx(path: Path) -> tuple[str, int]:
    """(text, number of data tables) of the document body, in order."""
    check_archive(path)
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise DocxError(f"not a readable DOCX ({type(exc).__name__}: {str(exc)[:120]})") from None
    except Exception as exc:  # lxml raises its own kinds for damaged XML
        raise DocxError(f"not a readable DOCX ({type(exc).__name__}: {str(exc)[:120]})") from None
    lines: list[str] = []
    tables = 0

    def walk(parent) -> None:  # noqa: ANN001
        nonlocal tables
        for child in parent.iterchildren():
            if child.tag == W + "p":
                lines.append(Paragraph(child, doc).text)
            elif child.tag == W + "tbl":
                block = _table_lines(Table(child, doc))
                tables += any(line.startswith("| ") for line in block)
                lines.extend(block)
            elif child.tag == W + "sdt":  # a content control (form field, template block): its content
                for content in child.iterchildren(W + "sdtContent"):
                    walk(content)

    walk(doc.element.body)
    return "\n".join(lines), tables
