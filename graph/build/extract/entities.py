"""Infrastructure projects, zones and places named in a source.

Two sources of names:

1. The curated gazetteer (``data/gazetteer.yaml``, :mod:`graph.build.gazetteer`): canonical name, class, aliases;
   matched ignoring case, diacritics and tone placement, longest match first.
2. Naming rules (the open vocabulary) for names the gazetteer lacks, with the head nouns, their classes and the
   guard contexts in ``data/entity_heads.yaml``:
   * ``head-noun-name``: a head that says what the thing is ('cầu', 'quốc lộ', 'cảng', 'khu công nghiệp',
     'vành đai', 'sông' …) followed by a name. Vietnamese capitalises only the first word of a common noun phrase
     but every syllable of a proper name, so the name is a run of capitalised words or numbers ('cầu Bến Thủy 3',
     'Quốc lộ 15B', 'cao tốc Vũng Áng - Chalo'), optionally after a few lower-case descriptors ('Nhà máy sản
     xuất ô tô VinFast', 'bến số 3 …'). The run stops at the first lower-case word after it (one lower-case word
     between capitalised ones is kept: 'Nhà máy Lọc dầu Dung Quất'), at punctuation, and before a word that
     begins another name ('Sở Xây dựng' of the next table cell in a flattened row);
   * ``head-noun-list``: a plural head and its list ('các khu công nghiệp (Nam Cấm, Hoàng Mai I)', 'các cảng:
     Cửa Lò, Đông Hồi và Nghi Sơn', 'các cụm công nghiệp Lam Sơn - Sao Vàng, Bỉm Sơn'): one thing per name;
   * ``road-code``: 'ĐT.550', 'QL 1A'.
   Guards: a head inside another word or phrase ('yêu cầu', 'cầu nối', 'cảng vụ', 'dự án Luật …'), inside a
   body's name ('Ban Quản lý Khu kinh tế …'), after a place word ('xã Cầu Lộc'), in a caps title, or before a
   generic or bare place name ('dự án ODA', 'cảng biển Hà Tĩnh') names nothing.

One node per real thing: a mention resolves to the gazetteer's canonical name when its name or printed form is one
of an entry's names or aliases; else (rule) to its printed name with the head word normalised ('đường bộ cao tốc
X' -> 'Cao tốc X'), so the same name in two documents is one node (IRIs are minted from the folded name). A
gazetteer name inside a longer found name ('Nam Nghệ An' in 'Khu kinh tế Đông Nam Nghệ An', 'VSIP' in 'Khu công
nghiệp VSIP Nghệ An') gives way to the longer name. Mentions found by a rule carry the rule's name; the emitter
marks their nodes ``pol:curationStatus pol:Discovered``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from graph.build.gazetteer import CLASSES, Gazetteer, fold_chars, load_gazetteer
from graph.build.model import EntityMention, Evidence, Extraction, Task
from graph.config import PROJECT_ROOT

HEADS_FILE = "entity_heads.yaml"
DEFAULT_HEADS = PROJECT_ROOT / "data" / HEADS_FILE
_TOKEN = re.compile(r"[^\s,;:.()\[\]“”\"'…!?]+")
ENTITY_STEP_KEY = "gazetteer"
RULE_NAME, RULE_LIST, RULE_ROAD_CODE = "head-noun-name", "head-noun-list", "road-code"


@dataclass(frozen=True)
class Head:
    printed: str  # as printed in the data file ('đường bộ cao tốc')
    cls: str
    canonical: str  # as written in a node's name ('Cao tốc')
    descriptors: int = 0
    place_if_capital: bool = False
    place_name_ok: bool = False
    continues: tuple[str, ...] = ()
    segment_only: bool = False  # the head alone names one national work; a name only with 'đoạn qua tỉnh X'


# the section of a national work inside one province: 'đường bộ ven biển đoạn qua tỉnh Ninh Bình'
_PROVINCE_SEGMENT = re.compile(r"đoạn qua (?:địa bàn )?(?:tỉnh|thành phố) (?:[A-ZĐ][\wÀ-ỹ]*)(?: [A-ZĐ][\wÀ-ỹ]*){0,3}")


def _folds(words: list[str] | None) -> set[str]:
    return {fold_chars(w) for w in words or []}


def _lowers(words: list[str] | None) -> set[str]:
    return {unicodedata.normalize("NFC", w).lower() for w in words or []}


class HeadLexicon:
    """``data/entity_heads.yaml``: head nouns, their classes and the contexts that rule a head out."""

    def __init__(self, data: dict) -> None:
        self.heads: dict[str, Head] = {}
        self.glued: dict[str, Head] = {}
        for h in data["heads"]:
            head = Head(h["head"], h["class"], h.get("canonical") or h["head"][0].upper() + h["head"][1:],
                        int(h.get("descriptors", 0)), bool(h.get("place_if_capital", False)),
                        bool(h.get("place_name_ok", False)), tuple(h.get("continues") or ()),
                        bool(h.get("segment_only", False)))
            if head.cls not in CLASSES:
                raise ValueError(f"{HEADS_FILE}: unknown class {head.cls!r} for head {head.printed!r}")
            (self.glued if h.get("glued") else self.heads)[fold_chars(head.printed)] = head
        self.head_re = re.compile(r"(?<![a-z0-9])(" + "|".join(sorted(map(re.escape, self.heads), key=len,
                                                                       reverse=True)) + r")[ \n](?=\S)")
        self.glued_re = re.compile(r"(?<![\wÀ-ỹ])(" + "|".join(map(re.escape, (h.printed for h in self.glued.values())))
                                   + r")(?:\.\s?|\s)?(?P<num>\d{1,3}[A-Z]?)(?![\wÀ-ỹ])") if self.glued else None
        guards = data.get("guards") or {}
        # guard words are compared as printed (lower case): folding would make 'cổng' of 'thi công' a guard
        self.before = {fold_chars(k): _lowers(v) for k, v in (guards.get("before") or {}).items()}
        self.after = {fold_chars(k): _lowers(v) for k, v in (guards.get("after") or {}).items()}
        self.place_before = _lowers(data.get("place_before"))
        self.org_before = _lowers(data.get("org_before"))
        self.stop = _lowers(data.get("stop"))  # as printed: "khí" is not "khi"
        self.bare_places = _folds(data.get("bare_places")) | _folds(data.get("provinces"))
        units = "|".join(re.escape(u) for u in data.get("measure_units") or ()) or "(?!)"
        self.measure_re = re.compile(rf"\s*(?:[.,]\d+)?\s*(?:{units})(?![\wÀ-ỹ])")
        self.directions = _folds(data.get("directions"))
        self.name_stop = tuple(sorted(data.get("name_stop") or [], key=len, reverse=True))
        self.name_links = tuple(data.get("name_links") or [])
        self.compounds = tuple(sorted(data.get("proper_compounds") or [], key=len, reverse=True))
        plural = sorted(_folds(data.get("plural")), key=len, reverse=True)
        self.list_re = re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, plural)) + r") ("
                                  + "|".join(sorted(map(re.escape, self.heads), key=len, reverse=True))
                                  + r")(?:(?P<mid>(?: [a-z0-9]+){0,6}?)\s*(?P<open>\(|:)\s*"
                                  + r"| (?=[a-z0-9])(?!(?:[a-z0-9]+ ){0,6}?[a-z0-9]+\s*[(:]))")

    @staticmethod
    def _ends_with(lower: str, pos: int, words: set[str]) -> bool:
        before = lower[max(0, pos - 40):pos]
        return any(re.search(rf"(?<![\wÀ-ỹ]){re.escape(w)}\s*$", before) for w in words)

    def ruled_out(self, lower: str, start: int, end: int, head: str) -> bool:
        """A head word inside another word or phrase ('yêu cầu', 'cầu nối', 'cảng vụ', 'dự án Luật …'),
        inside an organisation's name, or beginning a place's name ('đầm Cầu Hai'). ``lower`` is the text
        in lower case (same offsets)."""
        if self._ends_with(lower, start, self.before.get(head, set())):
            return True
        after = lower[end:end + 40].lstrip()
        if any(re.match(rf"{re.escape(w)}(?![\wÀ-ỹ])", after) for w in self.after.get(head, set())):
            return True
        one_word = " " not in self.heads[head].printed if head in self.heads else False
        return self._ends_with(lower, start, self.org_before) or (
            one_word and self._ends_with(lower, start, self.place_before))

    def not_a_name(self, proper: str, text: str, end: int) -> bool:
        """A number with a unit after it ('434,6 ha', '220 kV') or a direction ('phía Bắc') is no name."""
        words = proper.split()
        if words and re.fullmatch(r"[\d.,]+", words[-1]) and len(words) == 1 and self.measure_re.match(text, end):
            return True
        return fold_chars(re.sub(r"^phía\s+", "", proper)) in self.directions

    def stops_name(self, text: str, pos: int) -> bool:
        """A capitalised word at ``pos`` that begins another name ('Sở Xây dựng', 'UBND', 'Năm 2026')."""
        # 'Bộ' begins a ministry's name only before another capitalised word ('Bộ Xây dựng'); 'Bắc Trung Bộ' ends
        # a region's name
        def stops(w: str) -> bool:
            after = text[pos + len(w):pos + len(w) + 2]
            if re.match(r"[\wÀ-ỹ]", after[:1]):
                return False
            return w != "Bộ" or bool(re.match(r"\s[A-ZĐÀ-Ỹ]", after))
        return any(text.startswith(w, pos) and stops(w) for w in self.name_stop)


@lru_cache(maxsize=4)
def load_heads(path: Path = DEFAULT_HEADS) -> HeadLexicon:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    provinces = path.parent / "provinces.yaml"
    if provinces.exists():
        rows = (yaml.safe_load(provinces.read_text(encoding="utf-8")) or {}).get("provinces", [])
        data["provinces"] = [n for r in rows for n in (r["name"], *(r.get("aliases") or ()))]
    return HeadLexicon(data)


def gazetteer(ctx) -> Gazetteer:  # noqa: ANN001 - ExtractionContext (import cycle)
    gaz = ctx.extra.get(ENTITY_STEP_KEY)
    if gaz is None:
        gaz = load_gazetteer(ctx.data_file("gazetteer.yaml"))
        ctx.extra[ENTITY_STEP_KEY] = gaz
    return gaz  # type: ignore[return-value]


def heads(ctx) -> HeadLexicon:  # noqa: ANN001 - ExtractionContext (import cycle)
    lex = ctx.extra.get(HEADS_FILE)
    if lex is None:
        path = ctx.data_file(HEADS_FILE)
        lex = ctx.extra[HEADS_FILE] = load_heads(path if path.exists() else DEFAULT_HEADS)
    return lex  # type: ignore[return-value]


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def same_word(a: str, b: str) -> bool:
    """Equal up to case and tone placement ('Thủy' = 'Thuỷ'), but 'mở' != 'mỏ' and 'câu' != 'cầu'."""
    def key(s: str) -> tuple[str, tuple[str, ...]]:
        d = unicodedata.normalize("NFD", s.lower())
        return "".join(c for c in d if c not in _TONES), tuple(sorted(c for c in d if c in _TONES))
    return key(a) == key(b)


def _head_as_printed(printed: str, head: Head) -> bool:
    """The head word as printed, up to case and tone placement ('mở rộng' is not 'mỏ'); a head of several words
    that OCR printed without diacritics ('khu cong nghiep') is still the head."""
    return same_word(printed, head.printed) or (printed.isascii() and " " in head.printed)


def _proper(token: str) -> bool:
    return token[:1].isupper() or token[:1].isdigit()


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 4) : pos].rstrip()
    return not before or before[-1] in ".:;\n-–•+" or bool(re.search(r"(^|\n)\s*\d+(\.\d+)*\.?\s*$",
                                                                     text[max(0, pos - 8) : pos]))


def row_number_lines(parsed) -> frozenset[int]:  # noqa: ANN001 - Parsed
    """Where a line of the source holds only a number or a Roman numeral ('1', 'II'): a flattened table's TT
    cell, which the paragraph joins to the cells around it."""
    text = parsed.text.text
    out = set()
    for span in parsed.text.lines:
        line = text[span.start : span.end]
        if re.fullmatch(r"\s*(?:\d{1,3}|[IVX]{1,5})\s*", line):
            out.add(span.start + len(line) - len(line.lstrip()))
    return frozenset(out)


def _name_end(text: str, pos: int, head: Head, lex: HeadLexicon, row_numbers: frozenset[int] = frozenset()
              ) -> tuple[int, int] | None:
    """From ``pos`` (just after the head): (start of the proper part, end of the name) or None.

    Lower-case descriptors (at most ``head.descriptors``) may come first; the proper part is a run of
    capitalised words and numbers, joined by ' - ' ('Vũng Áng - Chalo'), by up to two lower-case words when a
    capitalised one follows ('Lọc dầu Dung Quất'), by 'thành phố' ('Vành đai 3 Thành phố Hồ Chí Minh') or by
    one of the head's ``continues`` words ('bến số 5 cảng Cửa Lò'). It stops before a word that begins
    another name ('Sở Xây dựng' of the next table cell)."""
    i, desc, proper_at, end, last_desc = pos, 0, None, None, ""
    while True:
        m = _TOKEN.match(text, i)
        if not m:
            break
        tok = m.group()
        if m.start() in row_numbers:
            break  # a table row's number printed on its own line (a flattened TT column): never part of a name
        if _proper(tok):
            if proper_at is None:
                if tok[0].isdigit() and desc and fold_chars(last_desc) != "so":
                    return None  # 'dự án thành phần 1', 'khu kinh tế tăng 11 - 12%'
                if lex.stops_name(text, m.start()):
                    return None  # 'cụm công nghiệp Năm 2026'
                proper_at = m.start()
            elif lex.stops_name(text, m.start()):
                break
            end = m.end()
            compound = next((c for c in lex.compounds if text.startswith(c, m.start())
                             and not text[m.start() + len(c):m.start() + len(c) + 1].isalnum()), None)
            if compound is not None:  # 'vùng Thủ đô': a capitalised word whose second syllable is lower-case
                end = m.start() + len(compound)
                nxt = _next_part(text, end, head, lex)
                if nxt is None:
                    break
                i = nxt
                continue
        elif proper_at is None:
            if tok.lower() in lex.stop or desc >= head.descriptors:
                return None
            desc, last_desc = desc + 1, tok
        else:
            break
        nxt = _next_part(text, m.end(), head, lex) if proper_at is not None else None
        if nxt is not None:
            i = nxt
            continue
        if proper_at is None and text.startswith(" ", m.end()):
            i = m.end() + 1
            continue
        break
    if proper_at is None or end is None:
        return None
    return proper_at, end


def _next_part(text: str, at: int, head: Head, lex: HeadLexicon) -> int | None:
    """Where the proper part goes on after the token ending at ``at``, or None where the name ends."""
    if text.startswith(" - ", at):
        nxt = _TOKEN.match(text, at + 3)
        return at + 3 if nxt and _proper(nxt.group()) else None
    if text.startswith("\n", at):
        # a paragraph break the PDF put inside a name ('Khu bến cảng Sơn' / 'Dương …'): the name goes on when
        # the line ends in a word and the next begins with a capitalised word that is no marker or other name
        nxt = _TOKEN.match(text, at + 1)
        if nxt and _proper(nxt.group()) and not nxt.group()[0].isdigit() and not lex.stops_name(text, nxt.start()) \
                and not _is_caps(text[nxt.start():nxt.start() + 30].split("\n")[0]) \
                and not lex.head_re.match(fold_chars(text[nxt.start():nxt.start() + 40]) + " "):
            return at + 1
        return None
    if not text.startswith(" ", at):
        return None
    nxt = _TOKEN.match(text, at + 1)
    if nxt is None:
        return None
    if _proper(nxt.group()):
        return at + 1
    for link in (*lex.name_links, *head.continues):
        if text.startswith(link + " ", at + 1):
            after = _TOKEN.match(text, at + 2 + len(link))
            if after and _proper(after.group()) and not lex.stops_name(text, after.start()):
                return after.start()
    # one lower-case word inside a name, when a capitalised word that begins no other name follows
    j, words = at + 1, 0
    while words < 1:
        w = _TOKEN.match(text, j)
        if w is None or _proper(w.group()) or w.group().lower() in lex.stop or not w.group()[:1].isalpha():
            break  # ('… Lào Cai | Đồn Biên phòng …': a table's cell border is no word of a name)
        words += 1
        if not text.startswith(" ", w.end()):
            return None
        j = w.end() + 1
        after = _TOKEN.match(text, j)
        head_next = lex.head_re.match(fold_chars(text[after.start():after.start() + 40]) + " ") if after else None
        if after and _proper(after.group()) and not after.group()[0].isdigit() \
                and not lex.stops_name(text, after.start()) and head_next is None:
            return after.start()
    return None


def _proper_item(text: str, pos: int, limit: int, last_may_trail: bool = False) -> int | None:
    """End of a run of proper tokens from ``pos`` (a list item 'Hoàng Mai I', 'Vũng Áng - Sơn Dương'),
    when the item holds nothing else before its separator; else None. With ``last_may_trail`` the item may
    be followed by lower-case words, which end the list ('…, Bỉm Sơn theo quy hoạch')."""
    i, end = pos, None
    while i < limit:
        m = _TOKEN.match(text, i)
        if not m or not _proper(m.group()):
            return end if last_may_trail and end is not None and m is not None else None
        end = m.end()
        if text.startswith(" - ", end):
            i = end + 3
            continue
        if text.startswith(" ", end) and not re.match(r" (?:và|hoặc)(?=\s)", text[end:]):
            i = end + 1
            continue
        break
    return end


def _mention(name: str, cls: str, printed: str, ev, gaz: Gazetteer, rule: str,
             listed: bool = False) -> EntityMention:  # noqa: ANN001 - Evidence
    known = gaz.lookup(name) or gaz.lookup(printed)
    if known is not None:  # a head variant of a known name: the gazetteer's node
        return EntityMention(known.name, known.cls, printed, ev, True, rule=rule, listed=listed)
    return EntityMention(name, cls, printed, ev, False, rule=rule, listed=listed)


_SECTION = re.compile(r" đoạn (?=[A-ZĐÀ-Ỹ])")


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters)


def _rule_mentions(parsed_text: str, folded: str, gaz: Gazetteer, lex: HeadLexicon, taken: bytearray,
                   parsed, known: list[EntityMention], dropped: list[EntityMention]) -> list[EntityMention]:  # noqa: ANN001
    """Names found by the head-noun rules. ``known`` are the gazetteer's mentions: one a longer name holds
    ('khu kinh tế Đông Nam Nghệ An' holds the place 'Nam Nghệ An', 'Khu công nghiệp VSIP Nghệ An' the park
    'VSIP') gives way to the name and is added to ``dropped``."""
    found: list[EntityMention] = []
    lower = parsed_text.lower()
    row_numbers = row_number_lines(parsed)

    def take(a: int, b: int) -> None:
        taken[a:b] = b"\x01" * (b - a)

    # lists: 'các khu công nghiệp (Nam Cấm, Hoàng Mai I, Đông Hồi)', 'các cảng: Cửa Lò, Đông Hồi và Nghi Sơn',
    # 'các cụm công nghiệp đã có chủ đầu tư (Diên Sanh, Cam Hiếu)'
    for m in lex.list_re.finditer(folded):
        head = lex.heads[m.group(1)]
        if not _head_as_printed(parsed_text[m.start(1):m.end(1)], head) or any(taken[m.start(1):m.end()]):
            continue
        mid = parsed_text[m.start("mid"):m.end("mid")] if m.group("mid") else ""
        if mid != mid.lower():
            continue  # the words between the head and the list describe the things ('đã có chủ đầu tư')
        close = ")" if m.group("open") == "(" else None
        stop_at = re.compile(r"[);.\n]" if close else r"[;.\n(:]").search(parsed_text, m.end())
        limit = stop_at.start() if stop_at else len(parsed_text)
        pos, items = m.end(), []
        while pos < limit:
            end = _proper_item(parsed_text, pos, limit, last_may_trail=close is None)
            if end is None:
                break
            item = parsed_text[pos:end]
            if (fold_chars(item) in lex.bare_places and not head.place_name_ok) or gaz.is_generic(item) or \
                    lex.not_a_name(item, parsed_text, end):
                break
            items.append((pos, end))
            if close is None and not re.match(r"\s*(?:,|và|hoặc|;|\.|$)", parsed_text[end:limit]):
                break  # the last name of a bare list, then the sentence goes on
            sep = re.match(r"\s*(?:,\s*(?:và\s+)?|\s+và\s+|\s+hoặc\s+)", parsed_text[end:limit])
            if not sep:
                break
            pos = end + sep.end()
        if len(items) < 2 and not (close and items and parsed_text[items[-1][1]:limit].strip() == ""):
            continue  # one name in parentheses that closes right after it, or two or more names
        for a, b in items:
            if any(taken[a:b]):
                inner_known = [k for k in known if a <= k.evidence.start and k.evidence.end <= b]
                if not inner_known or not _longer_name(parsed_text, a, b, inner_known):
                    continue
                dropped.extend(inner_known)  # 'VSIP Quảng Ngãi' is not the gazetteer's 'VSIP'
            item = parsed_text[a:b]
            found.append(_mention(f"{head.canonical} {item}", head.cls, item, parsed.evidence(a, b), gaz,
                                  RULE_LIST, listed=True))
            take(a, b)

    # road codes: 'ĐT.550', 'QL 1A', 'QL1A'
    if lex.glued_re is not None:
        for m in lex.glued_re.finditer(parsed_text):
            if any(taken[m.start():m.end()]):
                continue
            head = next(h for h in lex.glued.values() if h.printed == m.group(1))
            found.append(_mention(f"{head.canonical} {m.group('num')}", head.cls, m.group(),
                                  parsed.evidence(m.start(), m.end()), gaz, RULE_ROAD_CODE))
            take(m.start(), m.end())

    pos = 0
    while (m := lex.head_re.search(folded, pos)) is not None:
        pos = m.start(1) + 1  # heads may overlap ('tuyến đường ven biển': 'tuyến đường', then 'đường ven biển')
        head_key = m.group(1)
        start = m.start(1)
        if taken[start] and not any(k.evidence.start == start and _SECTION.match(parsed_text, k.evidence.end)
                                    for k in known):
            continue  # (a known route followed by 'đoạn X' names a section of it: read on)
        head = lex.heads[head_key]
        head_text = parsed_text[start : m.end(1)]
        if not _head_as_printed(head_text, head) or _is_caps(parsed_text[start:m.end(1) + 12].split(",")[0]) \
                or (_is_caps(head_text) and head_text != head.printed):
            continue  # 'mở rộng' is not 'mỏ'; a head in a caps title ('CỤM CÔNG NGHIỆP VÀ …') names nothing
        name_from = m.end(1) + 1
        if head_key == "du an":
            # 'Dự án X': X names the project; a head inside X gives the class ('Dự án Nhà máy …')
            inner = lex.head_re.match(folded, name_from)
            if inner and inner.group(1) != "du an":
                continue  # the inner head is matched on its own
        if lex.ruled_out(lower, start, m.end(1), head_key):
            continue
        if head.place_if_capital and head_text[0].isupper() and not _sentence_start(parsed_text, start):
            continue  # 'Cầu Treo', 'Bến Thủy': a place name, not a bridge or a berth
        if head.segment_only:
            seg = _PROVINCE_SEGMENT.match(parsed_text, name_from)
            if seg is None or any(taken[start:seg.end()]):
                continue
            printed = parsed_text[start:seg.end()]
            name = " ".join((head.canonical + parsed_text[m.end(1):seg.end()]).split())
            found.append(_mention(name, head.cls, printed, parsed.evidence(start, seg.end()), gaz, RULE_NAME))
            take(start, seg.end())
            pos = seg.end()
            continue
        span = _name_end(parsed_text, name_from, head, lex, row_numbers)
        if span is None:
            continue
        proper_at, end = span
        proper = parsed_text[proper_at:end]
        if (fold_chars(proper) in lex.bare_places and not head.place_name_ok) or gaz.is_generic(proper) or \
                lex.not_a_name(proper, parsed_text, end):
            continue
        inner = lex.head_re.match(folded, proper_at)
        if head_key == "du an" and (not proper[0].isupper() or inner or len(proper.split()) < 2):
            continue  # 'dự án thành phần 1', 'dự án Nhà ở xã hội'; 'dự án nâng cấp Quốc lộ 46': the inner head
        if inner and lex.heads[inner.group(1)].cls == head.cls and same_word(
                parsed_text[proper_at:inner.end(1)], lex.heads[inner.group(1)].printed):
            continue  # 'đường Quốc lộ 8', 'tuyến đường Cao tốc …': the inner head names it
        begin = name_from if head_key == "du an" else start
        if any(taken[begin:end]):
            inner_known = [k for k in known if begin <= k.evidence.start and k.evidence.end <= end
                           and (k.evidence.end - k.evidence.start) < (end - begin)]
            held = bytearray(taken[begin:end])
            for k in inner_known:
                held[k.evidence.start - begin:k.evidence.end - begin] = bytes(k.evidence.end - k.evidence.start)
            # the name is longer than the known ones when its proper part holds more ('Đông Nam Nghệ An'), or
            # a known name begins inside its head ('khu bến cảng Sơn Dương' holds 'bến cảng Sơn Dương')
            head_cut = any(start < k.evidence.start < m.end(1) for k in inner_known)
            if not inner_known or any(held) or not (head_cut or _longer_name(parsed_text, proper_at, end,
                                                                               inner_known)):
                continue
            dropped.extend(inner_known)
            section_of = next((k for k in inner_known if _SECTION.match(parsed_text, k.evidence.end)), None)
        else:
            section_of = None
        printed = parsed_text[begin:end]
        if head_key == "du an":
            name = printed[0].upper() + printed[1:]
        else:
            name = head.canonical + parsed_text[m.end(1) : end]
        name = " ".join(name.split())
        mention = _mention(name, head.cls, printed, parsed.evidence(begin, end), gaz, RULE_NAME)
        if section_of is not None and not mention.known:  # 'cao tốc Bắc - Nam phía Đông đoạn Diễn Châu - Bãi Vọt'
            mention = replace(mention, whole=(section_of.cls, section_of.name))
        found.append(mention)
        take(begin, end)
        pos = end
    return found


def _longer_name(text: str, proper_at: int, end: int, inner: list[EntityMention]) -> bool:
    """The proper part holds more than the known names inside it ('Đông Nam Nghệ An' > 'Nam Nghệ An',
    'VSIP Nghệ An' > 'VSIP'), so it names something else."""
    rest = list(text[proper_at:end])
    for k in inner:
        for i in range(max(k.evidence.start, proper_at), k.evidence.end):
            rest[i - proper_at] = " "
    return bool(re.search(r"[\wÀ-ỹ]", "".join(rest)))


LINKABLE_KINDS = ("task", "appendix_row")


def task_at(tasks: list[Task], start: int) -> Task | None:
    """The innermost task (of a linkable kind) whose text holds offset ``start``."""
    best = None
    for t in tasks:
        if t.kind in LINKABLE_KINDS and t.evidence.start <= start < t.evidence.end:
            if best is None or (t.evidence.end - t.evidence.start) < (best.evidence.end - best.evidence.start):
                best = t
    return best


def _inside_longer_name(text: str, start: int) -> bool:
    """A capitalised word right before ``start`` (same line, no punctuation): the name goes on to the left."""
    m = re.search(r"([^\s,;:.()\[\]“”\"'…!?-]+) $", text[max(0, start - 30):start])
    return bool(m) and m.group(1)[:1].isupper() and not _sentence_start(text, start - len(m.group(0)))


_BARE_BERTH = re.compile(r"Bến số \d+[A-Z]?")
_BERTH_PORT = re.compile(r"(Bến số \d+[A-Z]?) (.+)")


def _port_name(printed: str, gaz: Gazetteer) -> str:
    """'cảng Cửa Lò' -> 'Cảng Cửa Lò' (or the gazetteer's name for it)."""
    name = "Cảng" + printed[4:]
    known = gaz.lookup(name)
    return known.name if known else name


def _berths_with_their_port(text: str, mentions: list[EntityMention], gaz: Gazetteer) -> list[EntityMention]:
    """A berth is named by its number and its port: 'bến số 5, bến số 6 cảng Cửa Lò' gives 'Bến số 5 cảng Cửa
    Lò'; 'Cảng Đông Hồi đã đưa bến số 1 vào khai thác' gives 'Bến số 1 Cảng Đông Hồi'. A berth number whose port
    the sentence does not print names nothing (it would merge the berths of every port). The port printed after
    a berth ('… cảng Cửa Lò') is a mention of its own, and each berth is part of its port (``whole``)."""
    out: list[EntityMention] = []
    for i, m in enumerate(mentions):
        if not m.known and m.cls == "Port" and (bp := _BERTH_PORT.fullmatch(m.name)) \
                and fold_chars(bp.group(2)).startswith("cang "):
            # 'bến số 6 cảng Cửa Lò': the port is named too, and the berth is part of it
            at = m.evidence.start + fold_chars(m.printed).rfind(fold_chars(bp.group(2)))
            ev = Evidence(m.evidence.source, at, m.evidence.end, text[at:m.evidence.end])
            port = _mention(_port_name(bp.group(2), gaz), "Port", ev.quote, ev, gaz, RULE_NAME)
            out.extend([replace(m, whole=(port.cls, port.name)), port])
            continue
        if m.known or m.cls != "Port" or not _BARE_BERTH.fullmatch(m.name):
            out.append(m)
            continue
        port = None
        for nxt in mentions[i + 1:]:  # a list of berths ending with the port
            between = text[m.evidence.end:nxt.evidence.start]
            if not re.fullmatch(r"\s*(?:,|và|,\s*và)\s*", between):
                break
            if (bm := _BERTH_PORT.fullmatch(nxt.name)) is not None:
                port = bm.group(2)
                break
        whole = ("Port", _port_name(port, gaz)) if port and fold_chars(port).startswith("cang ") else None
        if port is None:  # the port the sentence names before the berth
            start = max(text.rfind(c, 0, m.evidence.start) for c in ".;\n")
            before = [p for p in mentions[:i] if p.cls == "Port" and p.evidence.start > start
                      and not p.name.startswith("Bến số")]
            if before:
                port, whole = before[-1].name, (before[-1].cls, before[-1].name)
        if port is not None:
            out.append(replace(m, name=f"{m.name} {port}", whole=whole))
    return out


def find_mentions(parsed, gaz: Gazetteer, tasks: list[Task] | None = None,  # noqa: ANN001
                  lex: HeadLexicon | None = None) -> list[EntityMention]:
    lex = lex or load_heads()
    text = parsed.text.text
    folded = fold_chars(text)
    taken = bytearray(len(text))
    mentions: list[EntityMention] = []
    for m in gaz.find(text, folded):
        if m.entry.cls == "Place" and _inside_longer_name(text, m.start):
            continue  # 'Nam Nghệ An' in 'Ban Quản lý Khu kinh tế Đông Nam Nghệ An'
        mentions.append(EntityMention(m.entry.name, m.entry.cls, text[m.start : m.end],
                                      parsed.evidence(m.start, m.end), True))
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    dropped: list[EntityMention] = []
    mentions += _rule_mentions(text, folded, gaz, lex, taken, parsed, list(mentions), dropped)
    mentions = [m for m in mentions if not any(m is d for d in dropped)]
    mentions = _berths_with_their_port(text, sorted(mentions, key=lambda x: (x.evidence.start, -x.evidence.end)), gaz)
    out = []
    for mention in mentions:
        task = task_at(tasks or [], mention.evidence.start)
        out.append(replace(mention, task=task.section if task else None))
    return out


def extract_entities(extraction: Extraction, ctx) -> None:  # noqa: ANN001 - ExtractionContext
    """Extraction step: fill ``extraction.mentions`` (after the tasks step: mentions know their task)."""
    extraction.mentions.extend(find_mentions(extraction.parsed, gazetteer(ctx), extraction.tasks, heads(ctx)))
