"""Links between tasks and the projects, zones and places they name, and between those things.

Every link carries :class:`~graph.build.model.Evidence` saying how it was obtained:

* ``stated`` with the ``cue`` words that create it;
* ``rule`` with the rule's name and the evidence it ``used``;
* ``curated`` (the gazetteer's partOf / locatedIn / connects / dependsOn; emitted by graph/emit/entities.py).

Task -> entity (only tasks proper and appendix rows; headings and 'Tổ chức thực hiện' items are not linked):

* ``pol:dependsOn`` when the task acts on something else that the sentence ties to a named project or zone:
  - a *place cue* right before the name (or before the list the name is in): 'tại', 'trong', 'khu vực', 'ở'
    ('phát triển trung tâm logistics … tại Khu kinh tế Vũng Áng', 'mở rộng bến bãi khu vực … cảng Vũng Áng');
  - a *tie cue* earlier in the same clause, not overridden by a new action verb after it: 'kết nối với',
    'gắn với', 'phục vụ' ('phát triển hạ tầng giao thông, … kết nối với … hệ thống bến cảng Vũng Áng - Sơn
    Dương');
  - rule ``transport-link-to-port``: a road/route built 'nối'/'vào'/'đến' a port;
  - rule ``tod-at-high-speed-rail-stations``: TOD at the stations of the (unnamed) high-speed railway.
  Targets of dependsOn are projects or zones, never places.
* ``pol:concerns`` otherwise: the task names the thing it acts on (and every place it names). One relation
  per task and thing: when one mention says concerns and another dependsOn, concerns wins.
* rule ``footnote-definition``: '3 đô thị' in a task, defined by footnote '1 Ba trung tâm đô thị: …' -> the task
  concerns each thing the footnote defines.
* rule ``shared-name-coordination``: '(Đường bộ, đường sắt tốc độ cao Bắc - Nam …)' -> also the expressway
  'cao tốc Bắc - Nam' when the gazetteer knows it.

Entity -> entity (rules ``route-section``, ``berth-of-port``): a found section 'X đoạn Y' of a route X the gazetteer
knows is part of X; a berth 'bến số N' printed after its port in the sentence is part of the port.

Entity -> entity (stated): ``partOf`` in definitions 'X …, trong đó Y là hạt nhân', 'X là Y', 'X với hạt nhân là
Y', 'X …, gồm: Y1, Y2 và Y3' (members after 'gắn với' are not parts); ``connects`` for a route followed by
'từ A đến B'; rule ``logistics-centre-at-port``: a logistics centre 'tại' a port or zone depends on it.
"""

from __future__ import annotations

import re

from graph.build.extract.entities import LINKABLE_KINDS, gazetteer, task_at
from graph.build.gazetteer import Gazetteer, fold_chars
from graph.build.model import RULE, EntityMention, Evidence, Extraction, Link, NodeKey, Task

PLACE_CUES = ("tai", "trong", "khu vuc", "o")
TIE_CUES = ("ket noi voi", "gan voi", "phuc vu", "noi voi")
# verbs that start a new action: a tie cue before them no longer governs what follows
ACTIONS = ("dau tu xay dung", "xay dung", "nang cap", "mo rong", "day nhanh tien do", "trien khai", "hoan thanh",
           "khoi cong", "cham dut", "thanh lap", "dieu chinh", "quang ba", "trung tu", "nang cong suat",
           "hoan thien", "de xuat", "dau tu", "lap", "tham dinh", "phe duyet")
CONCERN_VERBS = ACTIONS + ("phat trien", "day manh", "thuc hien", "ho tro", "ket noi", "hop tac", "nghien cuu")
_CLAUSE_END = re.compile(r"[.;](?=\s)|\n|…")
_SEP_RUN = re.compile(r"^\s*(?:,|và|,\s*và|;)?\s*(?:các\s+|những\s+)?$")
_NUMBER_WORDS = {"hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
_FOOTNOTE = re.compile(r"^(\d{1,2}) ([^\s:]+) ([^:\n]{3,60}):", re.M)


def _key(m: EntityMention) -> NodeKey:
    return NodeKey("entity", (m.cls, m.name))


def _task_key(t: Task) -> NodeKey:
    return t.node_key


def _last(folded: str, words: tuple[str, ...], lo: int, hi: int) -> tuple[int, str] | None:
    """The last cue in folded[lo:hi] (a cue inside a longer one, 'nối với' in 'kết nối với', is the longer)."""
    found = []
    for w in words:
        for m in re.finditer(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", folded[lo:hi]):
            found.append((m.start() + lo, m.end() + lo, w))
    found = [f for f in found if not any(g[0] <= f[0] and g[1] >= f[1] and g[1] - g[0] > f[1] - f[0]
                                         for g in found)]
    if not found:
        return None
    s, _e, w = max(found)
    return s, w


def _clause_start(text: str, pos: int, floor: int) -> int:
    start = floor
    for m in _CLAUSE_END.finditer(text, floor, pos):
        start = m.end()
    return start


class _Doc:
    def __init__(self, ex: Extraction, gaz: Gazetteer) -> None:
        self.ex = ex
        self.gaz = gaz
        self.parsed = ex.parsed
        self.text = ex.parsed.text.text
        self.folded = fold_chars(self.text)
        self.mentions = sorted(ex.mentions, key=lambda m: m.evidence.start)

    def ev(self, start: int, end: int, **kw: object) -> Evidence:
        return self.parsed.evidence(start, end, **kw)

    def run_start(self, i: int) -> EntityMention:
        """The first mention of the list that mention ``i`` ends ('các cửa khẩu Cầu Treo, cảng Vũng Áng')."""
        j = i
        while j > 0:
            prev, cur = self.mentions[j - 1], self.mentions[j]
            if prev.evidence.end > cur.evidence.start:  # nested (inside the previous one)
                j -= 1
                continue
            gap = self.text[prev.evidence.end : cur.evidence.start]
            if not _SEP_RUN.match(gap):
                break
            j -= 1
        return self.mentions[j]


def _task_links(doc: _Doc, tasks: list[Task]) -> list[Link]:
    best: dict[tuple[NodeKey, NodeKey], Link] = {}
    text, folded = doc.text, doc.folded

    def offer(link: Link) -> None:
        k = (link.subject, link.object)
        old = best.get(k)
        if old is None or (old.predicate == "dependsOn" and link.predicate == "concerns"):
            best[k] = link

    for i, m in enumerate(doc.mentions):
        task = task_at(tasks, m.evidence.start)
        if task is None:
            continue
        s, e = m.evidence.start, m.evidence.end
        floor = max(task.evidence.start, 0)
        clause = _clause_start(text, s, floor)
        head = doc.run_start(i)
        hs = head.evidence.start
        tk, ek = _task_key(task), _key(m)
        if m.cls != "Place":
            # 1. place cue right before the list
            before = folded[max(clause, hs - 20) : hs]
            pm = re.search(r"(?<![a-z0-9])(" + "|".join(PLACE_CUES) + r")\s+(?:cac\s+|nhung\s+)?$", before)
            if pm and hs - (len(before) - pm.start()) >= clause:
                cue_at = hs - (len(before) - pm.start())
                offer(Link(tk, "dependsOn", ek, doc.ev(_quote_from(text, clause, cue_at), e,
                                                         cue=text[cue_at : cue_at + len(pm.group(1))])))
                continue
            # 2. tie cue in the clause, not overridden by a later action verb
            tie = _last(folded, TIE_CUES, clause, hs)
            if tie is not None:
                act = _last(folded, ACTIONS, tie[0] + len(tie[1]), hs)
                if act is None:
                    offer(Link(tk, "dependsOn", ek, doc.ev(_quote_from(text, clause, tie[0]), e,
                                                             cue=text[tie[0] : tie[0] + len(tie[1])])))
                    continue
            # 3. rule: a route built to a port
            if m.cls == "Port":
                tr = re.search(r"(?<![a-z0-9])(duong|tuyen|giao thong)(?: \S+){0,4} (noi|vao|den|ra) (?:\S+ ){0,1}$",
                               folded[clause:hs])
                if tr:
                    offer(Link(tk, "dependsOn", ek, doc.ev(clause + tr.start(), e, method=RULE,
                                                             rule="transport-link-to-port", used=(m.evidence,))))
                    continue
        verb = _last(folded, CONCERN_VERBS, clause, hs)
        start = verb[0] if verb else clause
        offer(Link(tk, "concerns", ek, doc.ev(_quote_from(text, clause, start), e,
                                                cue=text[verb[0] : verb[0] + len(verb[1])] if verb else None)))

    _footnote_rule(doc, tasks, offer)
    _coordination_rule(doc, tasks, offer)
    _tod_rule(doc, tasks, offer)
    # dependsOn never duplicates a concerns of the same pair (offer keeps concerns)
    return list(best.values())


def _quote_from(text: str, clause: int, start: int) -> int:
    """Start the quote at the cue, but never more than 300 characters before the name."""
    return start if start >= clause else clause


def _footnote_rule(doc: _Doc, tasks: list[Task], offer) -> None:  # noqa: ANN001
    text, folded = doc.text, doc.folded
    for fm in _FOOTNOTE.finditer(text):
        number = _NUMBER_WORDS.get(fold_chars(fm.group(2)), None)
        if number is None and fm.group(2).isdigit():
            number = int(fm.group(2))
        if number is None:
            continue
        tail = fold_chars(fm.group(3)).split()[-2:]
        para_end = text.find("\n", fm.end())
        para_end = len(text) if para_end < 0 else para_end
        defined = []
        for m in doc.mentions:
            if fm.end() <= m.evidence.start < para_end:
                lead = text[_clause_start(text, m.evidence.start, fm.end()) : m.evidence.start]
                if not lead.strip(" :") and m not in defined:
                    defined.append(m)
        if not defined:
            continue
        pat = re.compile(rf"(?<![0-9]){number} (?:\S+ ){{0,3}}?{re.escape(' '.join(tail))}(?![a-z])")
        for t in tasks:
            if t.kind not in LINKABLE_KINDS:
                continue
            for pm in pat.finditer(folded, t.evidence.start, t.evidence.end):
                if task_at(tasks, pm.start()) is not t:
                    continue
                for d in defined:
                    offer(Link(_task_key(t), "concerns", _key(d),
                               doc.ev(pm.start(), pm.end(), method=RULE, rule="footnote-definition",
                                      used=(d.evidence,))))


def _coordination_rule(doc: _Doc, tasks: list[Task], offer) -> None:  # noqa: ANN001
    """'Đường bộ, đường sắt tốc độ cao Bắc - Nam': the road shares the railway's name ('cao tốc Bắc - Nam')."""
    gaz = doc_gazetteer(doc)
    for m in doc.mentions:
        if m.cls != "Railway":
            continue
        s = m.evidence.start
        lead = doc.folded[max(0, s - 12) : s]
        if not re.search(r"duong bo,? (va )?$", lead):
            continue
        rest = re.sub(r"^(?i:đường sắt)\s+", "", m.printed)
        rest = re.sub(r"^(?i:tốc độ cao)\s+", "", rest)
        road = gaz.lookup("cao tốc " + rest) if gaz else None
        task = task_at(tasks, s)
        if road is None or road.cls != "Road" or task is None:
            continue
        start = s - (len(lead) - re.search(r"duong bo", lead).start())
        offer(Link(_task_key(task), "concerns", NodeKey("entity", (road.cls, road.name)),
                   doc.ev(start, m.evidence.end, method=RULE, rule="shared-name-coordination", used=(m.evidence,))))


def _tod_rule(doc: _Doc, tasks: list[Task], offer) -> None:  # noqa: ANN001
    gaz = doc_gazetteer(doc)
    hsr = gaz.high_speed_railway() if gaz else None
    if hsr is None:
        return
    used = next((m.evidence for m in doc.mentions if m.name == hsr.name), None)
    for tm in re.finditer(r"(?<![a-z])(tod|ga duong sat toc do cao)(?![a-z])", doc.folded):
        task = task_at(tasks, tm.start())
        if task is None:
            continue
        if "ga duong sat toc do cao" not in doc.folded[max(0, tm.start() - 120) : tm.end() + 120]:
            continue
        clause = _clause_start(doc.text, tm.start(), task.evidence.start)
        end = doc.text.find(".", tm.end())
        end = min(end if end > 0 else task.evidence.end, task.evidence.end)
        offer(Link(_task_key(task), "dependsOn", NodeKey("entity", (hsr.cls, hsr.name)),
                   doc.ev(clause, end, method=RULE, rule="tod-at-high-speed-rail-stations",
                                  used=(used,) if used else ())))


def doc_gazetteer(doc: _Doc) -> Gazetteer:
    return doc.gaz


def _entity_links(doc: _Doc) -> list[Link]:
    text, folded = doc.text, doc.folded
    links: dict[tuple, Link] = {}
    ms = doc.mentions
    # partOf in definitions: the sentence's first mention is the whole
    sentences: dict[int, list[EntityMention]] = {}
    for m in ms:
        sentences.setdefault(_clause_start(text, m.evidence.start, 0), []).append(m)
    for start, group in sentences.items():
        whole = group[0]
        if whole.cls not in ("Place", "Zone") or len(text[start : whole.evidence.start].strip(" :")) > 30:
            continue
        for part in group[1:]:
            if part.name == whole.name or part.cls not in ("Place", "Zone"):
                continue
            ps, pe = part.evidence.start, part.evidence.end
            after = folded[pe : pe + 16]
            cue = None
            if re.match(r"^\s*la hat nhan", after):
                cue = "là hạt nhân"
            else:
                last = _last(folded, ("la", "gom", "gan voi", "ket noi"), whole.evidence.end, ps)
                if last and last[1] in ("la", "gom"):
                    cue = "gồm" if last[1] == "gom" else "là"
            if cue:
                k = (_key(part), "partOf", _key(whole))
                links.setdefault(k, Link(_key(part), "partOf", _key(whole),
                                         doc.ev(whole.evidence.start, max(pe, pe + (len(cue) + 1 if cue ==
                                                                                  "là hạt nhân" else 0)), cue=cue)))
    # rules 'route-section' (a section 'X đoạn Y' of a known route X is part of X) and 'berth-of-port' (a berth
    # number printed after its port: 'Cảng Đông Hồi đã đưa bến số 1 vào khai thác')
    for m in ms:
        if m.whole is not None:
            rule = "berth-of-port" if m.cls == "Port" else "route-section"
            links.setdefault((_key(m), "partOf", NodeKey("entity", m.whole)),
                             Link(_key(m), "partOf", NodeKey("entity", m.whole),
                                  m.evidence.with_method(RULE, rule=rule, used=(m.evidence,))))
    # connects: a route followed by 'từ A đến B'
    for i, m in enumerate(ms):
        if m.cls not in ("Road", "Railway", "PowerLine", "Bridge"):
            continue
        rest = folded[m.evidence.end : m.evidence.end + 200]
        fm = re.match(r"\s+tu\s+", rest)
        if not fm:
            continue
        ends = [x for x in ms[i + 1 :] if x.evidence.start < m.evidence.end + 200][:2]
        if len(ends) == 2 and re.fullmatch(r"\s+den\s+", folded[ends[0].evidence.end : ends[1].evidence.start]) \
                and ends[0].evidence.start == m.evidence.end + fm.end():
            for x in ends:
                links.setdefault((_key(m), "connects", _key(x)), Link(
                    _key(m), "connects", _key(x), doc.ev(m.evidence.start, ends[1].evidence.end, cue="từ … đến")))
    # logistics centre at a port / zone
    for i, m in enumerate(ms):
        if m.cls != "LogisticsCentre" or i + 1 >= len(ms):
            continue
        nxt = ms[i + 1]
        if nxt.cls in ("Port", "Zone") and re.fullmatch(r"\s+(tai|o|thuoc)\s+(cac\s+)?",
                                                        folded[m.evidence.end : nxt.evidence.start]):
            links.setdefault((_key(m), "dependsOn", _key(nxt)), Link(
                _key(m), "dependsOn", _key(nxt), doc.ev(m.evidence.start, nxt.evidence.end, method=RULE,
                                                        rule="logistics-centre-at-port",
                                                        used=(m.evidence, nxt.evidence))))
    return list(links.values())


def extract_links(extraction: Extraction, ctx) -> None:  # noqa: ANN001 - ExtractionContext
    """Extraction step: fill ``extraction.links`` (runs after the tasks and entities steps)."""
    doc = _Doc(extraction, gazetteer(ctx))
    extraction.links.extend(_task_links(doc, extraction.tasks))
    extraction.links.extend(_entity_links(doc))
