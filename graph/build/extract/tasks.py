"""Tasks (nhiệm vụ, giải pháp) and the bodies assigned to them.

The layouts (GENRE.md, 'Assignments'), each read from the outline :mod:`graph.build.segment` gives:

* **task sections**: every numbered item ('1.', '2.3', '1-'), lettered item ('a)', 'a-') and bullet inside a
  heading that names 'NHIỆM VỤ' or 'GIẢI PHÁP', after a lead-in sentence that introduces the tasks ('… thực
  hiện tốt các nhiệm vụ, giải pháp trọng tâm sau:'), or inside 'TỔ CHỨC THỰC HIỆN' (kind ``implementation``);
  a numbered item or article whose whole title is such a section name ('3. Tổ chức thực hiện', 'Điều 2. Tổ
  chức thực hiện:') opens one for its sub-items;
* **assignments anywhere in the body**: an item or paragraph that opens with an assignment — 'Giao X …',
  'Yêu cầu X …', 'X: chủ trì …', 'X chủ trì tham mưu …' — is a task wherever it stands: the paragraph per
  body of an official letter ('1. Sở Công Thương: …', its sub-items included), the conclusions of a notice;
* **articles** 'Điều N.' of decisions and resolutions that assign work ('Điều 3. Giao UBND tỉnh tổ chức
  thực hiện …'); an article that only enacts, approves or sets the entry into force is not a task.

One item that gives two bodies their own work ('X lãnh đạo …; chỉ đạo Y chủ trì …', '… . Y chủ trì, phối hợp …')
is two tasks with the same number.

An item with sub-items that are tasks is only a title (kind ``heading``, no agencies); its sub-items are the
tasks ('8-1', '8-2' for bullets). Unnumbered paragraphs after an item belong to it. Never tasks: headings,
the title block, 'Căn cứ …' / 'Xét …' lines, 'Kính gửi:' and its addressees, sections of aims, targets and
results (MỤC ĐÍCH, MỤC TIÊU, KẾT QUẢ …), the closing formula ('Trên đây là Kế hoạch …'), 'Nơi nhận:' and
everything after it up to an appendix, and the signature.

Agencies of a body task come only from an explicit assignment in its own text: the subject of a sentence
('Sở Nội vụ: chủ trì …', 'Đảng ủy UBND tỉnh chỉ đạo …'), 'giao X …', partners after 'phối hợp (với) …'; a
sub-item with no assignment of its own takes the body its parent assigns ('2. Sở Công Thương' or '1. Sở Tài
chính: chủ trì …, cụ thể:' -> its bullets); labelled fields ('Cơ quan chủ trì: X; phối hợp: Y; thời gian: Z').
A body the lexicon does not know still counts when its name starts like a body's (``data/agency_heads.yaml``),
named in the canonical forms; a commune-level body is named with its unit ('UBND phường Hải Châu'); a
province printed after a body's name stays in the printed form for the resolver. Collective phrases are kept
as groups ('UBND các phường A, B' names one body per unit). Timeframes: :mod:`graph.build.extract.timeframes`.
The cue words are curated in ``data/task_cues.yaml``. Rows of task tables are read by
:mod:`graph.build.extract.task_table`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from graph.build.agencies import AGENCY_HEAD, UPPER, AgencyLexicon, fold_name, local_unit, uncurated_name
from graph.build.extract import task_table
from graph.build.extract.timeframes import apply_timeframe, find_time_clause
from graph.build.iris import slug
from graph.build.model import AgencyRef, Extraction, Parsed, Task
from graph.build.normalise import Span
from graph.build.segment import Block
from graph.text import collapse, fold

_CLOSING = re.compile(
    r"^(?:(?:Kết luận|Nghị quyết|Chương trình(?: hành động)?|Kế hoạch|Chỉ thị|Thông báo|Quyết định|Công văn|"
    r"Văn bản)(?: này)?\s+(?:được|đã được|phải được|thay thế|có hiệu lực|bãi bỏ)\s|Trên đây là\b"
    r"|[^.:]{0,100}?\bthông báo (?:để|cho)\b)"
)
_END = re.compile(r"^(?:Nơi nhận\b|T/M\b|TM\.|KT\.|TL\.|TUQ\.|Q\.\s|TM\s+(?:BAN|ỦY|UỶ|HỘI|TỈNH))")
_APPENDIX = re.compile(r"^(?:Phụ lục|PHỤ LỤC)\b")
# the line under the heading of a text attached to the document ('KẾ HOẠCH … (Ban hành kèm theo Quyết định số …)'),
# of an appendix ('(Kèm theo Kế hoạch số …)'): what follows the signature is the document's again
_ATTACHED = re.compile(r"^\(?\s*(?:[Bb]an hành )?[Kk]èm theo\b")
_FRONT = re.compile(r"^(?:Căn cứ\b|Xét\b|Theo đề nghị\b|Số\s*:|V/v\b|Về việc\b)")
_RECIPIENTS = re.compile(r"\bKính gửi\s*:")
# the closing request of a letter ('Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.')
_FORMULA = re.compile(r"^.{0,160}(?:thực hiện|triển khai|chỉ đạo thực hiện)\s*\./\.\s*$", re.S)
_LEAD_IN = re.compile(r"((?:thực hiện|triển khai|tập trung)[^:.;]*(?:nhiệm vụ|giải pháp)[^:.;]*:)\s*$")
_TIMEFRAME_OPENING = re.compile(
    r"^((?:Hằng|Hàng) (?:năm|quý|tháng)|Thường xuyên|Định kỳ(?: \w+){0,2}|(?:Trong )?[Nn]ăm \d{4}"
    r"|(?:Trong )?[Qq]uý [IV]+(?:/| năm )\d{4}|Giai đoạn \d{4}\s*-\s*\d{4})\s*[,:]"
)
# a people's committee or council printed without its level ('TM. ỦY BAN NHÂN DÂN')
_BARE_COUNCIL = re.compile(r"(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd|hđnd|hội đồng nhân dân)", re.I)
# a recurrence that opens the item without a comma ('Hằng tháng báo cáo tiến độ …')
_RECURRING_OPENING = re.compile(r"^((?:Hằng|Hàng) (?:năm|quý|tháng))\s+(?=[^\W\d])")
# headings of parts that hold aims, targets or results: nothing in them is a task
_NOT_TASK_PART = ("muc dich", "yeu cau", "muc tieu", "chi tieu", "ket qua", "tinh hinh", "danh gia", "thuc trang",
                  "quan diem", "pham vi", "doi tuong", "kinh phi", "nguon von")


# ---------------------------------------------------------------------------------------------- cue words


@dataclass(frozen=True)
class TaskCues:
    """The cue words of ``data/task_cues.yaml``, compiled."""

    lead_before: re.Pattern[str]
    partner_before: re.Pattern[str]
    subject_verb: re.Pattern[str]
    not_after_subject: re.Pattern[str]
    article_cue: re.Pattern[str]
    article_not: re.Pattern[str]
    compounds: re.Pattern[str]
    directive: re.Pattern[str]
    office_word: re.Pattern[str]
    people_units: re.Pattern[str]
    task_sections: tuple[str, ...]
    implementation_sections: tuple[str, ...]
    name_word: re.Pattern[str]
    office_holder: re.Pattern[str]
    name_word_object: re.Pattern[str]
    lead_in_task: re.Pattern[str]
    lead_label: re.Pattern[str]
    partner_label: re.Pattern[str]


def _words(items: list[str]) -> str:
    return "|".join(re.escape(str(w)) for w in sorted({str(w) for w in items}, key=lambda w: -len(w)))


def _whole(items: list[str]) -> re.Pattern[str]:
    """Any of ``items`` as whole words, ignoring case."""
    return re.compile(rf"(?<![\w])(?:{_words(items)})(?![\w])", re.I)


@lru_cache(maxsize=4)
def load_task_cues(path: Path) -> TaskCues:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [k for k in ("lead_before", "partner_before", "subject_verbs", "article_cues", "task_sections",
                           "implementation_sections") if not data.get(k)]
    if missing:
        raise ValueError(f"{path}: missing or empty: {', '.join(missing)}")
    return TaskCues(
        lead_before=re.compile(rf"(?<![\w-])(?:{_words(data['lead_before'])})\s+", re.I),
        partner_before=re.compile(rf"(?<![\w-])(?:{_words(data['partner_before'])})\s+", re.I),
        subject_verb=re.compile(rf"^(?:{_words(data['subject_verbs'])})(?![\w])", re.I),
        not_after_subject=re.compile(rf"^(?:{_words(data.get('not_after_subject') or ['đã'])})(?![\w])", re.I),
        article_cue=_whole(data["article_cues"]),
        article_not=_whole(data.get("article_not") or ["có hiệu lực"]),
        directive=re.compile(rf"(?<![\w])(?:{_words(data.get('directive_verbs') or ['yêu cầu'])})(?![\w])"
                             r"[^:.;]{0,160}:\s*$"),
        people_units=re.compile(rf"(?:các\s+)?(?:{_words(data.get('people_units') or ['thôn'])})(?![\w])", re.I),
        office_word=re.compile(rf"(?:{_words(data.get('office_holders') or ['Giám đốc'])})\s+"),
        compounds=_whole(data.get("cue_compounds") or ["giao thông"]),
        task_sections=tuple(fold(w) for w in data["task_sections"]),
        implementation_sections=tuple(fold(w) for w in data["implementation_sections"]),
        office_holder=re.compile(rf"(?:{_words(data.get('office_holders') or ['Giám đốc'])})\s[^:;.]{{0,60}}:\s*\S"),
        lead_in_task=re.compile(rf"(?<![\w-])(?:{_words(data.get('lead_before_in_tasks') or ['đề nghị'])})\s+",
                                re.I),
        lead_label=re.compile(rf"(?<![\w-])(?:{_words(data.get('lead_labels') or ['chủ trì'])})\s*:\s*", re.I),
        partner_label=re.compile(rf"(?<![\w-])(?:{_words(data.get('partner_labels') or ['phối hợp'])})\s*:\s*",
                                 re.I),
        name_word_object=re.compile(rf"^(?:{_words(data.get('name_words') or ['xây dựng'])})\s+"
                                    rf"(?:{_words(data.get('object_nouns') or ['kế hoạch'])})(?![\w])", re.I),
        name_word=re.compile(rf"^(?:{_words(data.get('name_words') or ['xây dựng'])})(?![\w])", re.I),
    )


# ---------------------------------------------------------------------------------------------- step


def extract_tasks(extraction: Extraction, ctx) -> None:  # noqa: ANN001
    parsed = extraction.parsed
    lexicon = ctx.agencies
    cues = load_task_cues(ctx.data_file("task_cues.yaml"))
    tables = task_table.read_tables(parsed, lexicon)
    extraction.tasks.extend(body_tasks(parsed, lexicon, cues, [t.span for t in tables]))
    extraction.tasks.extend(task_table.table_tasks(parsed, lexicon, tables))
    assign_keys(extraction.tasks)
    seen: dict[tuple[str, bool], AgencyRef] = {}
    issuer = extraction.document.ref.issuer
    for m in lexicon.find(parsed.text.text):
        name = m.name
        if issuer and name != issuer and name.split()[0] == issuer.split()[0] and \
                _BARE_COUNCIL.fullmatch(collapse(m.printed)):
            name = issuer  # a bare 'ỦY BAN NHÂN DÂN' (title block, signature) of a city's committee is the city's
        seen.setdefault((name, False), AgencyRef(name, m.printed, parsed.evidence(m.start, m.end)))
    for task in extraction.tasks:
        for ref in (*task.lead, *task.cooperating):
            seen.setdefault((ref.name, ref.group), ref)
    extraction.agencies.extend(seen.values())


_PREFIX = {"implementation": "tcth", "appendix_row": "phu-luc", "heading": "muc", "task": "nv"}


def assign_keys(tasks: list[Task]) -> None:
    """Give each task a key unique within its document: the section slug, prefixed where a number repeats
    ('tcth-1' for an item of 'Tổ chức thực hiện', 'phu-luc-1' for an appendix heading); a task printed without
    a number gets its kind's prefix and an ordinal ('nv-1')."""
    used: set[str] = set()
    for task in tasks:
        key = slug(task.section) if task.section else ""
        if not key or key in used:
            prefix = "phu-luc" if task.kind == "heading" and task.heading and task.heading.isupper() else \
                _PREFIX.get(task.kind, task.kind)
            key = slug(f"{prefix}-{task.section}") if task.section else slug(f"{prefix}-1")
            n = 2
            while key in used:
                key, n = slug(f"{prefix}-{task.section}-{n}" if task.section else f"{prefix}-{n}"), n + 1
        used.add(key)
        task.key = key


# ---------------------------------------------------------------------------------------------- body


@dataclass
class _Item:
    """An item of the outline being read: a numbered / lettered item, an article, a bullet or a paragraph."""

    block: Block
    section: str
    parent: _Item | None
    start: int
    end: int
    kind: str  # task | implementation (what it is when it is a task)
    heading: str | None
    is_task: bool
    child_mode: str | None  # what its sub-items are: "task" | "implementation" | None (judged one by one)
    children: list[_Item] = field(default_factory=list)
    bullets: int = 0
    marker: bool = False  # a section title ('3. Tổ chức thực hiện'): a heading when it holds tasks


def _section_mode(folded_title: str, cues: TaskCues, *, opening: bool = False) -> str | None:
    """'implementation' / 'task' when a heading names such a section (``opening``: a short title starts with
    the name), else None."""
    title = folded_title.strip(" :.")

    def has(word: str) -> bool:
        return title.startswith(word) if opening else word in title

    if any(has(w) for w in cues.implementation_sections):
        return "implementation"
    if any(has(w) for w in cues.task_sections) and not title.startswith("cac nhiem vu, giai phap cai thien"):
        return "task"
    return None


def _is_title_only(text: str) -> bool:
    """A short title without a sentence of its own ('Tổ chức thực hiện', 'Nhiệm vụ, giải pháp:')."""
    return len(text.split()) <= 12 and not re.search(r"[.;]\s*\S", text.rstrip(" .:"))


def body_tasks(parsed: Parsed, lexicon: AgencyLexicon, cues: TaskCues,
               skip: list[Span] | None = None) -> list[Task]:
    """The tasks of the body text (not the tables: ``skip`` are the spans of the tables, read elsewhere)."""
    text = parsed.text
    raw = text.text
    skip = skip or []
    blocks = list(parsed.blocks)
    by_block: dict[int, _Item] = {}
    roots: list[_Item] = []
    mode: str | None = None  # "task" | "implementation" | "none" (a part of aims or results) | None
    heading: str | None = None
    current: _Item | None = None
    in_recipients = ended = False
    free = 0

    def body(b: Block) -> str:
        return collapse(raw[b.body.start : b.body.end])

    def add(item: _Item) -> None:
        nonlocal current
        by_block[item.block.index] = item
        (item.parent.children if item.parent else roots).append(item)
        current = item

    for b in blocks:
        chunk = raw[b.span.start : b.span.end]
        if any(b.span.start < s.end and s.start < b.span.end for s in skip):
            current = None
            continue
        if ended:
            if b.kind == "heading" and _APPENDIX.match(chunk):
                ended, mode, current = False, _section_mode(fold(chunk), cues), None
                heading = body(b)
            elif _ATTACHED.match(chunk):
                ended, mode, current, heading = False, None, None, None
            continue
        if _END.match(chunk):
            ended, current, mode = True, None, None
            continue
        if _RECIPIENTS.search(chunk):
            in_recipients, current = True, None
            continue
        if in_recipients:
            if b.kind == "bullet" or (len(chunk) < 120 and chunk.rstrip().endswith((";", ".", ","))
                                      and lexicon.find(chunk)):
                continue
            in_recipients = False
        if _FRONT.match(chunk) or (b.kind == "text" and (_CLOSING.match(chunk) or _FORMULA.match(chunk))):
            current = None
            if _CLOSING.match(chunk):
                mode = None
            continue
        if b.kind == "heading":
            current = None
            folded = fold(chunk)
            if _APPENDIX.match(chunk):
                mode = None
            elif (m := _section_mode(folded, cues)) is not None:
                mode, heading = m, body(b)
            elif any(w in folded for w in _NOT_TASK_PART):
                mode = "none"
            elif b.number is not None or len(chunk) > 3:
                mode = None
            continue
        parent = next((by_block[i] for i in reversed(b.path) if i in by_block), None)
        if b.kind in ("article", "numbered", "lettered"):
            title = body(b)
            ctx_mode = parent.child_mode if parent is not None else mode
            marker = _section_mode(fold(title), cues, opening=True) if _is_title_only(title) else None
            if marker and ctx_mode != "none":
                head = collapse(raw[parent.start : parent.end]) if parent is not None else heading
                item = _Item(b, _number(b), parent, b.body.start, b.span.end, marker, head, True, marker,
                             marker=True)
                add(item)
                continue
            is_task, kind = _judge(parsed, lexicon, cues, b, ctx_mode)
            head = collapse(raw[parent.start : parent.end]) if parent is not None else heading
            item = _Item(b, _number(b), parent, b.body.start, b.span.end, kind, head, is_task,
                         kind if is_task else ctx_mode)
            add(item)
            continue
        if b.kind == "bullet":
            if raw[b.body.start : b.body.start + 1].islower() and current is not None:
                current.end = b.span.end  # a wrapped '- xã hội …' line, not a bullet
                continue
            holder = parent
            is_task, kind = _judge(parsed, lexicon, cues, b, holder.child_mode if holder is not None else mode)
            if holder is not None:
                holder.bullets += 1
                section = f"{holder.section}-{holder.bullets}" if holder.section else str(holder.bullets)
                head = collapse(raw[holder.start : holder.end])
            else:
                free += 1
                section, head = f"-{free}", heading
            item = _Item(b, section, holder, b.body.start, b.span.end, kind, head, is_task, kind if is_task else None)
            add(item)
            continue
        if b.kind == "text":
            holder = current if current is not None and current.marker else \
                (current.parent if current is not None and current.parent is not None and current.parent.marker
                 and current.block.kind == "text" else None)
            if holder is not None and holder.child_mode:  # paragraphs of 'Điều 2. Tổ chức thực hiện'
                holder.bullets += 1
                item = _Item(b, f"{holder.section}-{holder.bullets}", holder, b.body.start, b.span.end,
                             holder.child_mode, collapse(raw[holder.start : holder.end]), True, holder.child_mode)
                add(item)
                continue
            opens = mode != "none" and not _FORMULA.search(chunk) and not cues.article_not.search(chunk) and \
                _opens_assignment(parsed, lexicon, cues, b.body.start, b.span.end)
            if opens and (current is None or not current.is_task):
                item = _Item(b, "", None, b.body.start, b.span.end, "implementation" if mode == "implementation"
                             else "task", heading, True, "task")
                add(item)
                continue
            if current is not None:
                current.end = b.span.end
                continue
            if mode is None and (m := _LEAD_IN.search(chunk)):
                mode, heading = "task", m.group(1)
            elif mode is None and (m := cues.directive.search(chunk)) and \
                    lexicon.find(raw, b.span.start, b.span.start + m.start()):
                mode, heading = "task", collapse(chunk)  # 'Chủ tịch UBND tỉnh yêu cầu:' (a directive's items)
    tasks: list[Task] = []

    def emit(item: _Item, inherited: list[AgencyRef]) -> None:
        task_children = [c for c in item.children if _has_task(c)]
        if not item.is_task and not task_children:
            return
        if item.marker and not task_children:
            return  # a section title with nothing under it
        if not item.is_task:  # a non-task item (a result, an enacting article) holding tasks: only walk into it
            for child in item.children:
                emit(child, inherited)
            return
        parent_section = item.parent.section if item.parent is not None and item.parent.is_task else None
        op_kind = "heading" if task_children else item.kind
        if op_kind != "heading" and (cut := _second_assignment(parsed, lexicon, cues, item.start, item.end)):
            # 'X lãnh đạo …; chỉ đạo Y chủ trì …': two assignments, two tasks
            first_end, second_start = cut
            end = item.end
            item.end = first_end
            tasks.append(_make(parsed, lexicon, cues, item, op_kind, parent_section, inherited))
            item.start, item.end = second_start, end
        task = _make(parsed, lexicon, cues, item, op_kind, parent_section, inherited)
        tasks.append(task)
        passed = _inheritable(parsed, lexicon, cues, item) or inherited
        for child in item.children:
            emit(child, passed)

    for root in roots:
        emit(root, [])
    return tasks


def _judge(parsed: Parsed, lexicon: AgencyLexicon, cues: TaskCues, b: Block, ctx_mode: str | None
           ) -> tuple[bool, str]:
    """(is it a task, its kind) for an item in a section of ``ctx_mode``: every item of a task or implementation
    section; none in a part of aims or results; elsewhere an article that assigns work or an item that opens
    with an assignment."""
    if ctx_mode in ("task", "implementation"):
        return True, ctx_mode
    if ctx_mode == "none":
        return False, "task"
    text = parsed.text.text[b.body.start : b.span.end]
    if b.kind == "article":
        kind = "implementation" if re.search(r"tổ chức thực hiện|thi hành", text, re.I) else "task"
        words = cues.compounds.sub(" ", text)  # 'giao thông' is traffic, not 'giao' (assign)
        return bool(cues.article_cue.search(words)) and not cues.article_not.search(text), kind
    return _opens_assignment(parsed, lexicon, cues, b.body.start, b.span.end), "task"


def _has_task(item: _Item) -> bool:
    return item.is_task or any(_has_task(c) for c in item.children)


def _number(b: Block) -> str:
    return f"Điều {b.number}" if b.kind == "article" else (b.number or "")


def _inheritable(parsed: Parsed, lexicon: AgencyLexicon, cues: TaskCues, item: _Item) -> list[AgencyRef]:
    """The lead a parent passes to its sub-items: the body its title names ('2. Sở Công Thương') or the lead
    its own text assigns ('1. Sở Tài chính: chủ trì …, cụ thể:')."""
    raw = parsed.text.text
    title_end = item.block.span.end
    title = raw[item.start:title_end].strip().rstrip(" :.")
    name = lexicon.canonical(title)
    if name:
        return [AgencyRef(name, title, parsed.evidence(item.start, item.start + len(title)))]
    lead, _ = assignments(parsed, lexicon, cues, item.start, title_end)
    return lead


def _make(parsed: Parsed, lexicon: AgencyLexicon, cues: TaskCues, item: _Item, kind: str,
          parent: str | None, inherited: list[AgencyRef]) -> Task:
    ev = parsed.evidence(item.start, item.end)
    text = collapse(ev.quote)
    task = Task(parsed.key, item.section, kind, item.heading, text, ev, parent=parent)
    if kind == "heading":
        return task
    lead, coop = assignments(parsed, lexicon, cues, ev.start, ev.end)
    if not lead:
        lead = list(inherited)
    elif inherited and lexicon.canonical(inherited[0].printed.rstrip(" :.")) and \
            not any(r.name == inherited[0].name for r in lead):
        lead.insert(0, inherited[0])  # '2. Sở Công Thương' heads its bullets even when they name a partner
    # a partner that is also the lead is not a partner ('UBND tỉnh Hà Tĩnh … phối hợp với UBND tỉnh Nghệ An' are
    # two bodies: the printed names tell them apart until the province is resolved)
    task.lead, task.cooperating = lead, [r for r in coop if not any(_same_body(r, x) for x in lead)]
    m = _TIMEFRAME_OPENING.match(text) or _RECURRING_OPENING.match(text)
    if m:
        at = ev.start + ev.quote.index(m.group(1))
        apply_timeframe(task, m.group(1), parsed.evidence(at, at + len(m.group(1))))
    elif (clause := find_time_clause(ev.quote)) is not None:
        a, b = clause
        apply_timeframe(task, ev.quote[a:b], parsed.evidence(ev.start + a, ev.start + b))
    return task


# ---------------------------------------------------------------------------------------------- assignments


_SECOND = re.compile(r";\s+(?P<clause>(?:lãnh đạo,\s+)?chỉ đạo|giao)\s+", re.I)


def _second_assignment(parsed: Parsed, lexicon: AgencyLexicon, cues: TaskCues, start: int, end: int
                       ) -> tuple[int, int] | None:
    """Where one item gives a second body its own work after a semicolon ('Ban cán sự đảng UBND tỉnh lãnh đạo
    …; chỉ đạo Sở Xây dựng chủ trì, phối hợp với …'): (end of the first task, start of the second). Only when
    the second clause names a body that 'chủ trì' and that is not the first clause's lead."""
    raw = parsed.text.text
    for m in _SECOND.finditer(raw, start, end):
        refs, stop = _actor_list(parsed, lexicon, cues, m.end(), end, groups=False)
        if not refs or not re.match(r"\s*chủ trì\b", raw[stop:end]):
            continue
        first, _ = assignments(parsed, lexicon, cues, start, m.start())
        if first and not {r.name for r in refs} & {r.name for r in first}:
            return m.start(), m.start("clause")
    # '… hoàn thành trong quý II/2026. Bộ Xây dựng chủ trì, phối hợp với …': a new sentence, a new lead
    for m in re.finditer(r"\.\s+(?=[A-ZĐ])", raw[start:end]):
        at = start + m.end()
        g = cues.lead_before.match(raw, at, end)
        refs, stop = _actor_list(parsed, lexicon, cues, g.end() if g else at, end, groups=False)
        if not refs or not re.match(r"\s*chủ trì\b", raw[stop:end]):
            continue
        first, _ = assignments(parsed, lexicon, cues, start, start + m.start())
        if first and not {r.name for r in refs} & {r.name for r in first}:
            return start + m.start() + 1, at
    return None


def _opens_assignment(parsed: Parsed, lexicon: AgencyLexicon, cues: TaskCues, start: int, end: int) -> bool:
    """True when the text opens (or its first clause after a colon opens) with an assignment to a body."""
    raw = parsed.text.text
    first_colon = raw.find(":", start, min(end, start + 160))
    for s in (start, *((first_colon + 1,) if first_colon > 0 else ())):
        while s < end and raw[s].isspace():
            s += 1
        m = cues.lead_before.match(raw, s, end)
        if m and raw[s:s + 1].isupper():
            refs, _ = _actor_list(parsed, lexicon, cues, m.end(), end)
            if refs:
                return True
        refs, stop = _subject(parsed, lexicon, cues, s, end)
        if refs:
            return True
        if s == start and cues.office_holder.match(raw, s, end):
            return True  # 'Trưởng các thôn: kịp thời …', 'Giám đốc các sở: …' (people, no body)
    # a later sentence that gives the work: 'Đồng ý chủ trương … . Giao Sở Tài chính chủ trì …'
    for m in re.finditer(r"\.\s+(?=[A-ZĐ])", raw[start:end]):
        s = start + m.end()
        g = cues.lead_before.match(raw, s, end)
        if g and _actor_list(parsed, lexicon, cues, g.end(), end)[0]:
            return True
    return False


def _subject(parsed: Parsed, lexicon: AgencyLexicon, cues: TaskCues, s: int, end: int
             ) -> tuple[list[AgencyRef], int]:
    """The bodies a clause opens with, when they are its acting subject ('X: …', 'X chủ trì …')."""
    raw = parsed.text.text
    refs, stop = _actor_list(parsed, lexicon, cues, s, end)
    if not refs and (holder := cues.office_word.match(raw, s, end)) and \
            not cues.people_units.match(raw, holder.end(), end):
        # 'Giám đốc Sở Tài chính: chủ trì …': the office holder acts for the body they head
        refs, stop = _actor_list(parsed, lexicon, cues, holder.end(), end)
    if not refs:
        return [], s
    rest = raw[stop:end].lstrip(" ")
    if rest.startswith(":"):
        return refs, stop
    if rest.startswith("\n"):  # the item's first line is the body alone ('3. Sở Công Thương' / its work below)
        return refs, stop
    if cues.not_after_subject.match(rest):
        return [], s
    if stop >= end or cues.subject_verb.match(rest):
        return refs, stop
    return [], s


def assignments(parsed: Parsed, lexicon: AgencyLexicon, cues: TaskCues, start: int, end: int
                ) -> tuple[list[AgencyRef], list[AgencyRef]]:
    """Lead and partner bodies stated in ``text[start:end]``: sentence subjects, 'giao X', 'phối hợp (với) X'."""
    raw = parsed.text.text
    lead: list[AgencyRef] = []
    coop: list[AgencyRef] = []
    # sentence starts, and a parenthesis that names who does it ('… (Sở Xây dựng chủ trì, phối hợp với …)')
    starts = [start] + [start + m.end() for m in re.finditer(r"(?:\.\s+|\n|\(\s*)(?=[A-ZĐÀ-Ỹ])", raw[start:end])]
    for s in starts:
        refs, _ = _subject(parsed, lexicon, cues, s, end)
        lead.extend(refs)
    for m in cues.lead_before.finditer(raw, start, end):
        if re.search(r"\b(?:đã|được)\s+$", raw[max(start, m.start() - 8):m.start()]):
            continue  # 'đã giao', 'được giao': a result or a reference, not this task's assignment
        refs, _ = _actor_list(parsed, lexicon, cues, m.end(), end, groups=False)
        lead.extend(refs)
    for m in cues.lead_in_task.finditer(raw, start, end):
        if not re.search(r"\b(?:đã|được)\s+$", raw[max(start, m.start() - 8):m.start()]):
            lead.extend(_actor_list(parsed, lexicon, cues, m.end(), end, groups=False)[0])
    for m in cues.lead_label.finditer(raw, start, end):  # '… Cơ quan chủ trì: Sở Xây dựng; …'
        lead.extend(_actor_list(parsed, lexicon, cues, m.end(), end)[0])
    for m in cues.partner_label.finditer(raw, start, end):
        coop.extend(_actor_list(parsed, lexicon, cues, m.end(), end)[0])
    for m in re.finditer(r"\bchỉ đạo\s+", raw[start:end]):
        refs, stop = _actor_list(parsed, lexicon, cues, start + m.end(), end, groups=False)
        if refs and re.match(r"\s*chủ trì\b", raw[stop:end]):
            lead.extend(refs)  # 'chỉ đạo Sở Xây dựng chủ trì …': the body told to lead it
    for m in cues.partner_before.finditer(raw, start, end):
        refs, _ = _actor_list(parsed, lexicon, cues, m.end(), end)
        coop.extend(refs)
    return _unique(lead), _unique(coop)


_UNKNOWN_STOP = re.compile(r"[,;:.()\n]|\s(?:cùng|với|trong|để|theo|tại|về|của|cho|trên)\s")
_EACH_UNIT = re.compile(
    r"(?P<head>UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Công an|Đảng ủy|Đảng uỷ) các "
    r"(?P<unit>xã|phường|đặc khu|tỉnh|thành phố)\s+"
    r"(?P<names>[A-ZĐÀ-Ỹ][\w-]*(?:\s+[A-ZĐÀ-Ỹ0-9][\w-]*)*(?:\s*,\s*[A-ZĐÀ-Ỹ][\w-]*(?:\s+[A-ZĐÀ-Ỹ0-9][\w-]*)*)*"
    r"(?:\s+và\s+[A-ZĐÀ-Ỹ][\w-]*(?:\s+[A-ZĐÀ-Ỹ0-9][\w-]*)*)?)")
_PLACE = re.compile(rf"\s+[{UPPER}][^\W\d_]*(?:\s+[{UPPER}][^\W\d_]*)*")
# an unknown name inside a collective that goes on with 'và các …' ('…, Mặt trận Tổ quốc và các tổ chức chính trị -
# xã hội'): the collective's, not a body
_COLLECTIVE_TAIL = re.compile(r"(?:[^\s,;:.]+\s+){1,5}?và\s+(?:các|những)\s")
_GROUP_START = re.compile(r"(?:[Cc]ác|[Cc]ấp ủy|(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND) (?:các|cấp))\s")


def _unknown_body(parsed: Parsed, cues: TaskCues, pos: int, end: int) -> int | None:
    """The end of a body's name the lexicon does not know, printed at ``pos`` ('Sở Du lịch chủ trì …'): it starts
    with a head word (``data/agency_heads.yaml``) and runs to the next verb cue, colon or punctuation (< 22 words).

    Words that are verbs but also make names ('xây dựng' in 'Ban Quản lý dự án đầu tư xây dựng tỉnh') go on
    with the name when a verb or a colon ends it; when only punctuation or a preposition does, the name ends
    before the first of them ('Cục Xuất nhập khẩu | xây dựng phương án … trong …'). A comma goes on inside a
    name of the form 'A, B và C' ('Phòng Kinh tế, Hạ tầng và Đô thị')."""
    raw = parsed.text.text
    if not AGENCY_HEAD.match(raw[pos:min(end, pos + 40)]):
        return None
    stop, weak, ended_by = pos, None, "end"
    limit = min(end, pos + 200)
    for w in re.finditer(r"\S+", raw[pos:limit]):
        at = pos + w.start()
        if at > pos and raw[at].islower():
            if cues.name_word.match(raw[at:]):
                if cues.name_word_object.match(raw[at:]):
                    ended_by = "verb"  # 'Cục Hải quan | xây dựng quy trình …': the verb and its object
                    break
                weak = stop if weak is None else weak
            elif (cues.subject_verb.match(raw[at:]) or cues.partner_before.match(raw[at:])
                  or cues.not_after_subject.match(raw[at:])):
                ended_by = "verb"
                break
        if w.group(0) == "và" and AGENCY_HEAD.match(raw[pos + w.end():].lstrip()):
            ended_by = "verb"
            break  # 'Sở Du lịch và Sở Công Thương': two bodies
        word_end = pos + w.end()
        m = _UNKNOWN_STOP.search(raw, at, word_end + 1)
        if m and raw[m.start()] == "," and _name_goes_on(raw, m.end(), limit):
            stop = word_end
            continue
        if m:
            stop = m.start() if m.start() > pos else word_end
            ended_by = "colon" if raw[m.start()] == ":" else "stop"
            break
        stop = word_end
        if len(raw[pos:stop].split()) >= 22:  # 'Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và …'
            if weak is None:
                return None
            break
    if ended_by not in ("verb", "colon") and weak is not None:
        stop = weak
    name = raw[pos:stop].rstrip(" ,;.")
    return pos + len(name) if len(name.split()) >= 2 else None


def _name_goes_on(raw: str, at: int, limit: int) -> bool:
    """After a comma inside a name: 'Kinh tế, Hạ tầng và Đô thị' (capitalised words joined by 'và' before the
    next comma), never the next body of a list."""
    rest = raw[at:limit].lstrip()
    if not rest[:1].isupper() or AGENCY_HEAD.match(rest) or rest.startswith("Các "):
        return False
    chunk = re.split(r"[,;:.()]", rest, maxsplit=1)[0]
    m = re.match(r"[A-ZĐÀ-Ỹ]\S*(?:\s+\S+){0,3}\s+và\s+[A-ZĐÀ-Ỹ]", chunk)
    return m is not None


def _actor_list(parsed: Parsed, lexicon: AgencyLexicon, cues: TaskCues, pos: int, end: int, groups: bool = True
                ) -> tuple[list[AgencyRef], int]:
    """Bodies (and collective phrases) listed from ``pos``: 'A, B và các C …'; returns them and where they stop."""
    raw = parsed.text.text
    refs: list[AgencyRef] = []
    found = {m.start: m for m in lexicon.find(raw, pos, min(end, pos + 400))}
    while pos < end:
        if (holder := cues.office_word.match(raw, pos, end)) is not None and holder.end() < end and \
                not cues.people_units.match(raw, holder.end(), end):
            pos = holder.end()  # '…, Chủ tịch UBND các xã, phường': the body the office holder heads
        m = found.get(pos)
        if m is not None and groups and re.match(r"\s+các\s", raw[m.end:end]):
            m = None  # 'Sở Công Thương các tỉnh, thành phố': a collective of such bodies
            stop = pos
            for w in re.finditer(r"\S+", raw[pos:end]):
                at = pos + w.start()
                if at > pos and raw[at].islower() and (cues.subject_verb.match(raw[at:])
                                                       or cues.not_after_subject.match(raw[at:])):
                    break
                stop = pos + w.end()
                if raw[pos:stop].endswith(":"):
                    break
            phrase = raw[pos:stop].rstrip(" ,;.:")
            refs.append(AgencyRef(phrase, phrase, parsed.evidence(pos, pos + len(phrase)), group=True))
            pos += len(phrase)
        elif m is not None and (unit := local_unit().match(raw, m.end, end)) is not None:
            # 'UBND phường Hải Châu': the body of that commune-level unit, not the province's
            refs.append(AgencyRef(uncurated_name(raw[m.start:unit.end()]), collapse(raw[m.start:unit.end()]),
                                  parsed.evidence(m.start, unit.end())))
            pos = unit.end()
        elif m is not None:
            to = m.end
            if re.search(r"\b(?:tỉnh|thành phố)$", m.printed) and (place := _PLACE.match(raw, to, end)):
                to = place.end()  # 'UBND tỉnh Nghệ An': the name stays canonical, the printed form names the province
            refs.append(AgencyRef(m.name, collapse(raw[m.start:to]), parsed.evidence(m.start, to)))
            pos = to
            if raw[pos:pos + 2] == " (" and pos + 2 in found:  # 'Sở Nội vụ (Ban Thi đua - Khen thưởng)'
                inner = found[pos + 2]
                refs.append(AgencyRef(inner.name, inner.printed, parsed.evidence(inner.start, inner.end)))
                pos = inner.end + (1 if raw[inner.end:inner.end + 1] == ")" else 0)
        elif (each := _EACH_UNIT.match(raw, pos, end)) is not None:
            # 'UBND các phường Long Hưng, Phước Tân': one body per named unit
            base = each.start("names")
            for name in re.finditer(r"(?:^|,\s*|\s+và\s+)(?P<n>.+?)(?=\s*,|\s+và\s|$)", each.group("names")):
                at, to = base + name.start("n"), base + name.end("n")
                head = "UBND" if each.group("head").startswith(("Ủy", "Uỷ")) else each.group("head")
                body = f"{head} {each.group('unit')} {raw[at:to]}"
                refs.append(AgencyRef(body, raw[at:to], parsed.evidence(at, to)))
            pos = each.end()
        elif groups and _GROUP_START.match(raw, pos, end):
            stop = pos
            for w in re.finditer(r"\S+", raw[pos:end]):
                at = pos + w.start()
                if at > pos and ((cues.subject_verb.match(raw[at:]) and not cues.compounds.match(raw, at))
                                 or cues.not_after_subject.match(raw[at:])
                                 or ((at in found or (AGENCY_HEAD.match(raw[at:at + 40])
                                                      and not _COLLECTIVE_TAIL.match(raw, at, end))
                                      or cues.office_word.match(raw, at, end))
                                     and raw[:at].rstrip().endswith(","))):
                    break
                stop = pos + w.end()
            phrase = raw[pos:stop].rstrip(" ,;.:")
            if not phrase:
                break
            refs.append(AgencyRef(phrase, phrase, parsed.evidence(pos, pos + len(phrase)), group=True))
            pos = pos + len(phrase)
        elif (stop := _unknown_body(parsed, cues, pos, end)) is not None:
            printed = collapse(raw[pos:stop])
            refs.append(AgencyRef(uncurated_name(printed), printed, parsed.evidence(pos, stop)))
            pos = stop
            if (inner := re.match(r"\s*\([^()]{2,60}\)", raw[pos:end])) is not None:
                pos += inner.end()  # 'Phòng Quản lý hạ tầng (Sở Xây dựng)': the body it belongs to
        else:
            break
        sep = re.match(r"\s*(?:,|và|;)\s*|\s+(?=[Cc]ác\s)", raw[pos:end])
        if not sep:
            break
        pos += sep.end()
    while refs and pos > 0 and raw[pos - 1] in " ,;":
        pos -= 1
    return refs, pos


def _same_body(a: AgencyRef, b: AgencyRef) -> bool:
    """One body named twice — unless the printed names carry two different provinces ('UBND tỉnh Nghệ An',
    'UBND tỉnh Hà Tĩnh': the same canonical name until the province is resolved)."""
    if a.name != b.name or a.group != b.group:
        return False
    pa, pb = _province_of(a), _province_of(b)
    return pa is None or pb is None or pa == pb


def _province_of(ref: AgencyRef) -> str | None:
    m = re.search(r"\b(?:tỉnh|thành phố)\s+(\S.*)$", ref.printed)
    return fold_name(m.group(1)) if m and not ref.group else None


def _unique(refs: list[AgencyRef]) -> list[AgencyRef]:
    out: list[AgencyRef] = []
    for r in refs:
        if not any(_same_body(r, x) for x in out):
            out.append(r)
    return out
