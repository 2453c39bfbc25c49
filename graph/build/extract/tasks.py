"""Tasks (nhiệm vụ, giải pháp) and the bodies assigned to them.

Body tasks: every numbered item and '- ' bullet inside a task section. A task section is a heading that
names 'NHIỆM VỤ' or 'GIẢI PHÁP', a lead-in sentence that introduces the tasks ('… thực hiện tốt các nhiệm
vụ, giải pháp trọng tâm sau:'), or 'TỔ CHỨC THỰC HIỆN' (implementation). Unnumbered paragraphs after an
item belong to it; an item with bullets is only a title (kind ``heading``) and its bullets are the tasks
('8-1', '8-2'). The section ends at the next other heading, 'Nơi nhận', a signature block, an appendix or
the document's closing formula ('Kết luận được quán triệt …', 'Trên đây là Kế hoạch …').

Agencies of a body task come only from an explicit assignment in its own text: the subject of a sentence
('Sở Nội vụ: chủ trì …', 'Đảng ủy UBND tỉnh chỉ đạo …'), 'giao X …', partners after 'phối hợp (với) …', and
the agency that heads an implementation item ('2. Sở Công Thương' -> its bullets). Collective phrases are
kept as groups. Rows of a flattened 'STT … Chủ trì | Phối hợp | Thời gian' table become ``appendix_row``
tasks with the cells' agencies and timeframe (see :mod:`graph.build.extract.fta_table`).
"""

from __future__ import annotations

import re

from graph.build.agencies import AGENCY_HEAD, AgencyLexicon, split_agencies
from graph.build.extract import fta_table
from graph.build.iris import slug
from graph.build.model import RULE, AgencyRef, Evidence, Extraction, Parsed, Task
from graph.build.segment import Block, segment
from graph.text import collapse, fold

_CLOSING = re.compile(
    r"^(?:(?:Kết luận|Nghị quyết|Chương trình(?: hành động)?|Kế hoạch|Chỉ thị|Thông báo)(?: này)?\s+"
    r"(?:được|phải được)\s|Trên đây là\b|Nơi nhận\b)"
)
_STOP_HEADING = re.compile(r"^(?:T/M|TM\.|KT\.|TL\.|Phụ lục|PHỤ LỤC)")
_LEAD_IN = re.compile(r"((?:thực hiện|triển khai|tập trung)[^:.;]*(?:nhiệm vụ|giải pháp)[^:.;]*:)\s*$")
_VERB_STOP = re.compile(
    r"^(?:triển khai|chỉ đạo|lãnh đạo|tiếp tục|tập trung|theo dõi|chủ trì|phối hợp|thực hiện|căn cứ|xây dựng|"
    r"có trách nhiệm|chịu trách nhiệm|tham mưu|đẩy mạnh|tổ chức|quán triệt|nghiên cứu|khẩn trương|bám sát|"
    r"định kỳ|hằng năm|hàng năm|rà soát|đôn đốc|kiểm tra|giám sát|hướng dẫn|cụ thể hóa|cụ thể hoá)\b",
    re.I,
)
_TIMEFRAME_OPENING = re.compile(
    r"^((?:Hằng|Hàng) (?:năm|quý|tháng)|Thường xuyên|Định kỳ(?: \w+){0,2}|(?:Trong )?[Nn]ăm \d{4}"
    r"|Giai đoạn \d{4}\s*-\s*\d{4})\s*[,:]"
)
_YEARS = re.compile(r"\b((?:19|20)\d{2})\b")


def extract_tasks(extraction: Extraction, ctx) -> None:  # noqa: ANN001
    parsed = extraction.parsed
    lexicon = ctx.agencies
    extraction.tasks.extend(body_tasks(parsed, lexicon))
    extraction.tasks.extend(table_tasks(parsed, lexicon))
    assign_keys(extraction.tasks)
    seen: dict[tuple[str, bool], AgencyRef] = {}
    for m in lexicon.find(parsed.text.text):
        seen.setdefault((m.name, False), AgencyRef(m.name, m.printed, parsed.evidence(m.start, m.end)))
    for task in extraction.tasks:
        for ref in (*task.lead, *task.cooperating):
            seen.setdefault((ref.name, ref.group), ref)
    extraction.agencies.extend(seen.values())


_PREFIX = {"implementation": "tcth", "appendix_row": "phu-luc", "heading": "muc", "task": "nv"}


def assign_keys(tasks: list[Task]) -> None:
    """Give each task a key unique within its document: the section slug, prefixed where a number repeats
    ('tcth-1' for an item of 'Tổ chức thực hiện', 'phu-luc-1' for an appendix heading)."""
    used: set[str] = set()
    for task in tasks:
        key = slug(task.section)
        if key in used:
            prefix = "phu-luc" if task.kind == "heading" and task.heading and task.heading.isupper() else \
                _PREFIX.get(task.kind, task.kind)
            key = slug(f"{prefix}-{task.section}")
            n = 2
            while key in used:
                key, n = slug(f"{prefix}-{task.section}-{n}"), n + 1
        used.add(key)
        task.key = key



# ---------------------------------------------------------------------------------------------- body


class _Open:
    """A task being built: the blocks that make its text."""

    def __init__(self, section: str, kind: str, heading: str | None, first: Block, parent: str | None = None,
                 parent_agency: AgencyRef | None = None) -> None:
        self.section, self.kind, self.heading, self.parent = section, kind, heading, parent
        self.start, self.end = first.body.start, first.span.end
        self.children: list[_Open] = []
        self.parent_agency = parent_agency


def body_tasks(parsed: Parsed, lexicon: AgencyLexicon) -> list[Task]:
    text = parsed.text
    raw = text.text
    blocks = segment(text)
    mode: str | None = None  # None | "task" | "implementation"
    heading: str | None = None
    items: list[_Open] = []
    current_item: _Open | None = None
    current: _Open | None = None

    def body(b: Block) -> str:
        return collapse(raw[b.body.start : b.body.end])

    for b in blocks:
        chunk = raw[b.span.start : b.span.end]
        if b.kind == "heading":
            folded = fold(chunk)
            current_item = current = None
            if _STOP_HEADING.match(chunk):
                mode = None
            elif "to chuc thuc hien" in folded:
                mode, heading = "implementation", body(b)
            elif ("nhiem vu" in folded or "giai phap" in folded) and not folded.startswith("cac nhiem vu"):
                mode, heading = "task", body(b)
            elif b.number is not None or len(chunk) > 3:
                mode = None
            continue
        if b.kind == "text" and (_CLOSING.match(chunk) or _STOP_HEADING.match(chunk)):
            mode, current_item, current = None, None, None
            continue
        if mode is None:
            m = _LEAD_IN.search(chunk) if b.kind == "text" else None
            if m:
                mode, heading, current_item, current = "task", m.group(1), None, None
            continue
        if b.kind == "numbered" and b.number and "." not in b.number:
            title = body(b)
            kind = mode
            current_item = current = _Open(b.number, kind, heading, b)
            items.append(current_item)
            if fold(title).rstrip(" :.") == "to chuc thuc hien":
                current_item.kind = "heading"
                current_item.children_kind = "implementation"  # type: ignore[attr-defined]
            continue
        if b.kind == "bullet" and current_item is not None:
            if raw[b.body.start : b.body.start + 1].islower() and current is not None:
                current.end = b.span.end  # a wrapped '- xã hội …' line, not a bullet
                continue
            parent = current_item
            item_title = collapse(raw[parent.start : parent.end])
            agency = lexicon.canonical(item_title.rstrip(" :."))
            ref = AgencyRef(agency, item_title, parsed.evidence(parent.start, parent.end)) if agency else None
            kind = getattr(parent, "children_kind", None) or ("implementation" if mode == "implementation" else "task")
            current = _Open(f"{parent.section}-{len(parent.children) + 1}", kind, item_title, b, parent.section, ref)
            parent.children.append(current)
            continue
        if b.kind in ("text", "lettered", "numbered") and current is not None:
            current.end = b.span.end
    tasks: list[Task] = []
    for item in items:
        if item.children:
            item.kind = "heading"
        tasks.append(_make(parsed, lexicon, item, heading_only=bool(item.children)))
        for child in item.children:
            tasks.append(_make(parsed, lexicon, child))
    return tasks


def _make(parsed: Parsed, lexicon: AgencyLexicon, op: _Open, heading_only: bool = False) -> Task:
    ev = parsed.evidence(op.start, op.end)
    text = collapse(ev.quote)
    task = Task(parsed.key, op.section, op.kind, op.heading, text, ev, parent=op.parent)
    if heading_only:
        return task
    lead, coop = assignments(parsed, lexicon, ev.start, ev.end)
    if op.parent_agency is not None and not any(r.name == op.parent_agency.name for r in lead):
        lead.insert(0, op.parent_agency)
    task.lead, task.cooperating = lead, [r for r in coop if not any(r.name == x.name for x in lead)]
    m = _TIMEFRAME_OPENING.match(text)
    if m:
        task.timeframe = m.group(1)
        task.timeframe_evidence = parsed.evidence(ev.start + ev.quote.index(m.group(1)),
                                                  ev.start + ev.quote.index(m.group(1)) + len(m.group(1)))
        years = [int(y) for y in _YEARS.findall(m.group(1))]
        task.start_year, task.end_year = (min(years), max(years)) if years else (None, None)
    return task


def assignments(parsed: Parsed, lexicon: AgencyLexicon, start: int, end: int) -> tuple[list[AgencyRef],
                                                                                      list[AgencyRef]]:
    """Lead and partner bodies stated in ``text[start:end]``: sentence subjects, 'giao X', 'phối hợp (với) X'."""
    raw = parsed.text.text
    lead: list[AgencyRef] = []
    coop: list[AgencyRef] = []
    # sentence starts: the task start, after '. ' / '; ' is not a sentence start (lists), after a new paragraph
    starts = [start] + [m.end() for m in re.finditer(r"(?:\.\s+|\n)(?=[A-ZĐÀ-Ỹ])", raw[start:end])]
    starts = [start] + [start + s for s in starts[1:]]
    for s in starts:
        refs, stop = _actor_list(parsed, lexicon, s, end)
        if not refs:  # a body the lexicon does not know, named before 'X: chủ trì …'
            m = re.match(r"([^\W\d][^:;.\n]{2,80}?):\s*(?:chủ trì|thực hiện|tham mưu)", raw[s:end], re.I)
            if m and AGENCY_HEAD.match(m.group(1)):
                refs = split_agencies(m.group(1), parsed.evidence(s, s + len(m.group(1))), lexicon)
                stop = s + len(m.group(1))
        if refs and (stop >= end or raw[stop:stop + 1] == ":" or _VERB_STOP.match(raw[stop:].lstrip(" :"))):
            lead.extend(refs)
    for m in re.finditer(r"\bgiao\s+", raw[start:end]):
        refs, _ = _actor_list(parsed, lexicon, start + m.end(), end, groups=False)
        lead.extend(refs)
    for m in re.finditer(r"\b[Pp]hối hợp(?: chặt chẽ)?(?: với)?\s+", raw[start:end]):
        refs, _ = _actor_list(parsed, lexicon, start + m.end(), end)
        coop.extend(refs)
    return _unique(lead), _unique(coop)


def _actor_list(parsed: Parsed, lexicon: AgencyLexicon, pos: int, end: int, groups: bool = True
                ) -> tuple[list[AgencyRef], int]:
    """Bodies (and collective phrases) listed from ``pos``: 'A, B và các C …'; returns them and where they stop."""
    raw = parsed.text.text
    refs: list[AgencyRef] = []
    found = {m.start: m for m in lexicon.find(raw, pos, min(end, pos + 400))}
    while pos < end:
        m = found.get(pos)
        if m is not None:
            refs.append(AgencyRef(m.name, m.printed, parsed.evidence(m.start, m.end)))
            pos = m.end
            if raw[pos:pos + 2] == " (" and pos + 2 in found:  # 'Sở Nội vụ (Ban Thi đua - Khen thưởng)'
                inner = found[pos + 2]
                refs.append(AgencyRef(inner.name, inner.printed, parsed.evidence(inner.start, inner.end)))
                pos = inner.end + (1 if raw[inner.end:inner.end + 1] == ")" else 0)
        elif groups and re.match(r"(?:[Cc]ác|[Cc]ấp ủy)\s", raw[pos:end]):
            stop = pos
            for w in re.finditer(r"\S+", raw[pos:end]):
                at = pos + w.start()
                if at > pos and (_VERB_STOP.match(raw[at:]) or (at in found and raw[:at].rstrip().endswith(","))):
                    break
                stop = pos + w.end()
            phrase = raw[pos:stop].rstrip(" ,;.")
            if not phrase:
                break
            refs.append(AgencyRef(phrase, phrase, parsed.evidence(pos, pos + len(phrase)), group=True))
            pos = pos + len(phrase)
        else:
            break
        sep = re.match(r"\s*(?:,|và|;)\s*|\s+(?=[Cc]ác\s)", raw[pos:end])
        if not sep:
            break
        pos += sep.end()
    while refs and pos > 0 and raw[pos - 1] in " ,;":
        pos -= 1
    return refs, pos


def _unique(refs: list[AgencyRef]) -> list[AgencyRef]:
    out: list[AgencyRef] = []
    for r in refs:
        if not any(r.name == x.name and r.group == x.group for x in out):
            out.append(r)
    return out


# ---------------------------------------------------------------------------------------------- tables


def table_tasks(parsed: Parsed, lexicon: AgencyLexicon) -> list[Task]:
    tasks: list[Task] = []
    for table in fta_table.parse_tables(parsed.source.raw, parsed.text, lexicon):
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
                task.timeframe = row.time.text
                tspan = row.time.span
                task.timeframe_evidence = (parsed.evidence(tspan.start, tspan.end) if tspan and not row.time.recovered
                                           else row_ev.with_method(RULE, rule="table-cell-recovered-from-raw-line"))
                task.start_year, task.end_year = row.start_year, row.end_year
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
