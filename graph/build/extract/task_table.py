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

from dataclasses import dataclass, field

from graph.build.agencies import AgencyLexicon, split_agencies
from graph.build.extract import fta_table
from graph.build.model import RULE, AgencyRef, Evidence, Parsed, Task
from graph.build.normalise import Span

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


def read_tables(parsed: Parsed, lexicon: AgencyLexicon) -> list[ReadTable]:
    """Every task table of the text, in order."""
    tables: list[ReadTable] = []
    for table in fta_table.parse_tables(parsed.source.raw, parsed.text, lexicon):
        end = table.rows[-1].span.end if table.rows else table.header_span.end
        start = table.title_span.start if table.title_span else table.header_span.start
        tables.append(ReadTable(Span(start, end), table.title, fta=table))
    return tables


def table_tasks(parsed: Parsed, lexicon: AgencyLexicon, tables: list[ReadTable]) -> list[Task]:
    from graph.build.extract.tasks import apply_timeframe

    tasks: list[Task] = []
    for read in tables:
        if read.fta is None:
            continue
        table = read.fta
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
